// A code lens above each workload: its verdict and confidence, and the declared
// `deploy` when it differs ("→ container (high, 82%) · declared vm").

import type { CodeLens } from 'vscode-languageserver';
import type { Recommendation } from '../core/recommend';
import type { WorkloadDecl } from '../core/types';
import type { ServerContext } from '../context';
import { toRange } from '../convert';

export function registerCodeLens(ctx: ServerContext): void {
  ctx.connection.onCodeLens((params, token) =>
    ctx.safe<CodeLens[]>('code lens', token, [], () => {
      if (!ctx.editor.codeLensEnable) return [];
      const hit = ctx.workspace.parsed(params.textDocument.uri);
      if (!hit) return [];
      const out: CodeLens[] = [];
      for (const w of hit.parsed.workloads) {
        const rec = hit.analysis.recommendations.get(w);
        if (!rec) continue;
        // A lens without a command id is shown as plain text.
        out.push({ range: toRange(hit.parsed, { start: w.nameSpan.start, end: w.nameSpan.start }), command: { title: lensTitle(w, rec), command: '' } });
      }
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
