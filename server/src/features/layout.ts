// The host layout for the client's layout panel: answers `workloadPlacement/layout`
// from the latest analysis (with a simulated host failure when asked) and tells the
// client when a new analysis may have changed it. Types: shared/protocol.ts.

import {
  LAYOUT_CHANGED_NOTIFICATION,
  LAYOUT_REQUEST,
  type LayoutChangedParams,
  type LayoutParams,
  type LayoutResult,
} from '../../../shared/protocol';
import type { ServerContext } from '../context';

export function registerLayout(ctx: ServerContext): void {
  ctx.connection.onRequest(LAYOUT_REQUEST, (params: LayoutParams | undefined, token) =>
    ctx.safe<LayoutResult | null>('layout', token, null, () => {
      const analysis = ctx.workspace.flush();
      const result: LayoutResult = { generation: ctx.workspace.generation, layout: analysis.layout };
      const failed = params?.failedHost;
      if (typeof failed === 'string') {
        const failure = analysis.placement.simulateFailure(failed);
        if (failure) result.failure = failure;
      }
      return result;
    }),
  );

  // Every analysis moves offsets at least, so every one is announced; the workspace
  // already debounces analyses, and a closed panel ignores the notification.
  ctx.workspace.onDidAnalyze((e) => {
    const params: LayoutChangedParams = { generation: e.generation };
    ctx.connection.sendNotification(LAYOUT_CHANGED_NOTIFICATION, params).catch(() => undefined);
  });
}
