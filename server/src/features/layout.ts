// The host layout for the client's layout panel: answers `workloadPlacement/layout`
// from the latest analysis (with a simulated host failure when asked) and tells the
// client when a new analysis may have changed it. Types: shared/protocol.ts. Building
// the layout and simulating a failure are steps with a cancellation check between them
// (slices.ts); at 10,000 workloads the layout alone takes tens of milliseconds.

import {
  LAYOUT_CHANGED_NOTIFICATION,
  LAYOUT_REQUEST,
  type LayoutChangedParams,
  type LayoutParams,
  type LayoutResult,
} from '../../../shared/protocol';
import type { ProgressToken } from 'vscode-languageserver';
import type { ServerContext } from '../context';
import { runLong } from '../slices';

export function registerLayout(ctx: ServerContext): void {
  ctx.connection.onRequest(LAYOUT_REQUEST, (params: (LayoutParams & { workDoneToken?: ProgressToken }) | undefined, token) => {
    // Any request may carry a work-done token; the client's panel sends none today.
    const progress = ctx.connection.window.attachWorkDoneProgress(params?.workDoneToken);
    return runLong<LayoutResult | null>(ctx, 'layout', 'Host layout', token, progress, null, async (work) => {
      const analysis = ctx.workspace.flush();
      const failed = params?.failedHost;
      const simulate = typeof failed === 'string';
      work.start(simulate ? 2 : 1, 'steps');
      const result: LayoutResult = { generation: ctx.workspace.generation, layout: analysis.layout };
      if (simulate) {
        await work.pause(1);
        const failure = analysis.placement.simulateFailure(failed);
        if (failure) result.failure = failure;
      }
      return result;
    });
  });

  // Every analysis moves offsets at least, so every one is announced; the workspace
  // already debounces analyses, and a closed panel ignores the notification.
  ctx.workspace.onDidAnalyze((e) => {
    const params: LayoutChangedParams = { generation: e.generation };
    ctx.connection.sendNotification(LAYOUT_CHANGED_NOTIFICATION, params).catch(() => undefined);
  });
}
