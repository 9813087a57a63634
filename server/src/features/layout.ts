// The host layout for the client's layout panel: answers `workloadPlacement/layout`
// from the latest analysis (with a simulated host failure when asked) and tells the
// client when a new analysis may have changed it. Types: shared/protocol.ts. Building
// the layout and simulating a failure are steps with a cancellation check between them
// (slices.ts); at 10,000 workloads the layout alone takes tens of milliseconds.
//
// The layout is ~4 MB of JSON at 10,000 workloads and an edit changes a few hosts and
// workloads, so the server remembers the layout it answered last on this connection (one
// panel per editor) and, when the client says it holds that one (`since`), answers a
// patch against it (shared/layoutPatch.ts). Layouts are immutable once built, so keeping
// the reference is enough. An answer the client never got (cancelled) only costs the
// next request a whole layout: its `since` no longer matches.
//
// A client that holds a layout asks for the next one as soon as it is told of an
// analysis. So while it holds one (until it says its panel closed), the layout of each
// new analysis is built right after the answer that asked for the analysis has gone out
// (usually the diagnostics): the client reads that answer meanwhile, and the layout is
// ready when it asks. Neither that build nor a layout request holds back an answer that
// is still being written: diagnostics come first.

import {
  LAYOUT_CHANGED_NOTIFICATION,
  LAYOUT_CLOSED_NOTIFICATION,
  LAYOUT_REQUEST,
  type Layout,
  type LayoutChangedParams,
  type LayoutFullResult,
  type LayoutParams,
  type LayoutResult,
} from '../../../shared/protocol';
import { diffLayout, patchWorthSending } from '../../../shared/layoutPatch';
import type { ProgressToken } from 'vscode-languageserver';
import type { ServerContext } from '../context';
import type { Analysis } from '../core/analyze';
import { afterAnswer, runLong, whenDrained } from '../slices';

export function registerLayout(ctx: ServerContext): void {
  /** The layout this connection was last answered, and its generation. */
  let last: { generation: number; layout: Layout } | undefined;

  ctx.connection.onRequest(LAYOUT_REQUEST, (params: (LayoutParams & { workDoneToken?: ProgressToken }) | undefined, token) => {
    // Any request may carry a work-done token; the client's panel sends none today.
    const progress = ctx.connection.window.attachWorkDoneProgress(params?.workDoneToken);
    return runLong<LayoutResult | null>(ctx, 'layout', 'Host layout', token, progress, null, async (work) => {
      // An answer still being written (the diagnostics of the edit that made this layout,
      // asked for just before) goes out before the build holds the event loop.
      await new Promise<void>((resolve) => whenDrained(resolve));
      const analysis = ctx.workspace.flush();
      const failed = params?.failedHost;
      const simulate = typeof failed === 'string';
      work.start(simulate ? 2 : 1, 'steps');
      const generation = ctx.workspace.generation;
      const layout = analysis.layout;
      const since = params?.since;
      const held = last;
      last = { generation, layout };
      if (!simulate && held && since === held.generation) {
        const patch = diffLayout(held.layout, layout, since);
        if (patch && patchWorthSending(patch)) return { generation, patch };
      }
      const result: LayoutFullResult = { generation, layout };
      if (simulate) {
        await work.pause(1);
        const failure = analysis.placement.simulateFailure(failed);
        if (failure) result.failure = failure;
      }
      return result;
    });
  });

  ctx.connection.onNotification(LAYOUT_CLOSED_NOTIFICATION, () => {
    last = undefined;
  });

  // Every analysis moves offsets at least, so every one is announced; the workspace
  // already debounces analyses, and a closed panel ignores the notification.
  ctx.workspace.onDidAnalyze((e) => {
    const params: LayoutChangedParams = { generation: e.generation };
    ctx.connection.sendNotification(LAYOUT_CHANGED_NOTIFICATION, params).catch(() => undefined);
    if (last) afterAnswer(() => prepare(e.generation, e.analysis));
  });

  /** Builds the layout of an analysis that is still the latest, for a client that holds one. */
  const prepare = (generation: number, analysis: Analysis): void => {
    if (!last || ctx.workspace.generation !== generation) return;
    try {
      const t = performance.now();
      void analysis.layout;
      ctx.connection.console.log(`layout of generation ${generation} prepared in ${Math.round(performance.now() - t)} ms`);
    } catch (err) {
      ctx.log(`Preparing the layout failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
  };
}
