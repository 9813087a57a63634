// A code lens above each workload: its verdict and confidence, and the declared
// `deploy` when it differs ("→ container (high, 82%) · declared vm"). One per workload,
// so a big file's lenses are made in slices that a cancellation stops (slices.ts).

import type { CodeLens } from 'vscode-languageserver';
import type { Analysis } from '../core/analyze';
import type { Recommendation } from '../core/recommend';
import type { ParsedFile, Span, WorkloadDecl } from '../core/types';
import type { ServerContext } from '../context';
import { toRange } from '../convert';
import { runLong, type Work } from '../slices';
import { unsliced } from './symbols';

export function registerCodeLens(ctx: ServerContext): void {
  ctx.connection.onCodeLens((params, token, progress) =>
    runLong<CodeLens[]>(ctx, 'code lens', 'Code lenses', token, progress, [], async (work) => {
      if (!ctx.editor.codeLensEnable) return [];
      const hit = ctx.workspace.parsed(params.textDocument.uri);
      if (!hit) return [];
      // A lens without a command id is shown as plain text.
      return (await codeLenses(hit.parsed, hit.analysis, work)).map((l) => ({ range: toRange(hit.parsed, l.span), command: { title: l.title, command: '' } }));
    }),
  );
}

/** A lens: its text, at the start of a workload's name (an empty span). */
export interface Lens {
  span: Span;
  title: string;
}

export async function codeLenses(parsed: ParsedFile, analysis: Analysis, work: Work = unsliced()): Promise<Lens[]> {
  const out: Lens[] = [];
  work.start(parsed.workloads.length, 'workloads');
  await work.each(parsed.workloads, (w) => {
    const rec = analysis.recommendations.get(w);
    if (rec) out.push({ span: { start: w.nameSpan.start, end: w.nameSpan.start }, title: lensTitle(w, rec) });
  });
  return out;
}

export function lensTitle(w: WorkloadDecl, rec: Recommendation): string {
  if (!rec.verdict) return `→ no option: nothing in the fleet meets its needs${w.deploy ? ` · declared ${w.deploy}` : ''}`;
  let s = `→ ${rec.verdict} (${rec.confidenceLabel}, ${Math.round(rec.confidence * 100)}%)`;
  if (w.deploy && w.deploy !== rec.verdict) s += ` · declared ${w.deploy}`;
  else if (w.deploy) s += ' · as declared';
  return s;
}
