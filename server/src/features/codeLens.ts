// A code lens above each workload: its verdict and confidence, and the declared
// `deploy` when it differs ("→ container (high, 82%) · declared vm"). One per workload,
// so a big file's lenses are made in slices that a cancellation stops (slices.ts).

import type { CodeLens } from 'vscode-languageserver';
import type { Recommendation } from '../core/recommend';
import type { WorkloadDecl } from '../core/types';
import type { ServerContext } from '../context';
import { toRange } from '../convert';
import { runLong } from '../slices';

export function registerCodeLens(ctx: ServerContext): void {
  ctx.connection.onCodeLens((params, token, progress) =>
    runLong<CodeLens[]>(ctx, 'code lens', 'Code lenses', token, progress, [], async (work) => {
      if (!ctx.editor.codeLensEnable) return [];
      const hit = ctx.workspace.parsed(params.textDocument.uri);
      if (!hit) return [];
      const out: CodeLens[] = [];
      work.start(hit.parsed.workloads.length, 'workloads');
      await work.each(hit.parsed.workloads, (w) => {
        const rec = hit.analysis.recommendations.get(w);
        if (!rec) return;
        // A lens without a command id is shown as plain text.
        out.push({ range: toRange(hit.parsed, { start: w.nameSpan.start, end: w.nameSpan.start }), command: { title: lensTitle(w, rec), command: '' } });
      });
      return out;
    }),
  );
}

export function lensTitle(w: WorkloadDecl, rec: Recommendation): string {
  if (!rec.verdict) return '→ no host can run this workload';
  let s = `→ ${rec.verdict} (${rec.confidenceLabel}, ${Math.round(rec.confidence * 100)}%)`;
  if (w.deploy && w.deploy !== rec.verdict) s += ` · declared ${w.deploy}`;
  else if (w.deploy) s += ' · as declared';
  return s;
}
