// The analysis as plain, stable data: what `--format json` prints and what the text
// and SARIF outputs are written from. Positions are 1-based lines and columns, columns
// counted in UTF-16 code units (as LSP and SARIF's default do); an end is exclusive.
// The shape is documented in docs/cli.md; add fields, never rename or remove them.

import type { Analysis } from '../core/analyze';
import { ownFix } from '../core/fix';
import { givesUp, ruledOut } from '../core/recommend';
import { lineOf } from '../core/text';
import { DEPLOYS, type Deploy, type Fix, type ParsedFile, type Severity, type Span } from '../core/types';
import { anchorLink } from '../ruleDocs';

export const REPORT_VERSION = 1;

export interface Position {
  line: number;
  column: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface ReportEdit {
  range: Range;
  newText: string;
}

export interface ReportFix {
  title: string;
  /** Safe fixes are the ones `--fix` applies. */
  safe: boolean;
  preferred: boolean;
  edits: ReportEdit[];
}

export interface ReportDiagnostic {
  rule: string;
  severity: Severity;
  message: string;
  /** Relative to the working directory, `/`-separated (absolute when outside it). */
  file: string;
  range: Range;
  docs: string;
  fixes: ReportFix[];
}

export interface ReportFactor {
  id: string;
  field: string;
  /** The deployment the factor favours most, or 'neutral'. */
  favours: Deploy | 'neutral';
  weights: Partial<Record<Deploy, number>>;
  reason: string;
  range: Range;
}

export interface ReportWorkload {
  name: string | null;
  file: string;
  /** The workload's name (or its first line when it has none). */
  range: Range;
  /** Null when no host in the fleet could run it in any form. */
  verdict: Deploy | null;
  /** 0.5 (a coin toss) to 1 (the only possible option), three decimals. */
  confidence: number;
  confidenceLabel: 'required' | 'high' | 'medium' | 'low' | 'none';
  scores: Record<Deploy, number>;
  feasible: Deploy[];
  /** The `deploy:` the file declares, or null. */
  declared: Deploy | null;
  /** Factor ids the declared deploy gives up against the verdict. */
  givesUp: string[];
  factors: ReportFactor[];
  constraints: { deploy: Deploy; field: string; rule: string; reason: string; range: Range }[];
}

export interface Summary {
  errors: number;
  warnings: number;
  infos: number;
  hints: number;
  files: number;
  workloads: number;
  verdicts: Record<Deploy | 'none', number>;
}

export interface Report {
  version: typeof REPORT_VERSION;
  tool: { name: string; version: string };
  /** The configuration file used (display path), or null for the defaults. */
  config: string | null;
  files: string[];
  diagnostics: ReportDiagnostic[];
  workloads: ReportWorkload[];
  summary: Summary;
  /** Present with `--fix`: how many fixes were applied, and where. */
  fixed?: {
    fixes: number;
    files: string[];
    rounds: number;
    /** Safe fixes not applied because they could not be shown safe, and why (only when there are any). */
    skipped?: { file: string; line: number | null; rule: string | null; fix: string | null; reason: string }[];
  };
}

export function positionOf(file: ParsedFile, offset: number): Position {
  const o = Math.max(0, Math.min(offset, file.text.length));
  const line = lineOf(file.lineStarts, o);
  return { line: line + 1, column: o - file.lineStarts[line] + 1 };
}

export function rangeOf(file: ParsedFile, span: Span): Range {
  return { start: positionOf(file, span.start), end: positionOf(file, Math.max(span.start, span.end)) };
}

function fixOf(file: ParsedFile, f: Fix): ReportFix {
  return { title: f.title, safe: f.safe, preferred: Boolean(f.preferred), edits: f.edits.map((e) => ({ range: rangeOf(file, e.span), newText: e.newText })) };
}

export function buildReport(
  files: readonly ParsedFile[],
  analysis: Analysis,
  display: (file: string) => string,
  meta: { toolVersion: string; config: string | null },
): Report {
  const byId = new Map(files.map((f) => [f.file, f]));
  const diagnostics: ReportDiagnostic[] = [];
  const summary: Summary = { errors: 0, warnings: 0, infos: 0, hints: 0, files: files.length, workloads: 0, verdicts: { vm: 0, container: 0, 'container-in-vm': 0, none: 0 } };
  for (const f of files) {
    for (const d of analysis.diagnostics.get(f.file) ?? []) {
      diagnostics.push({
        rule: d.ruleId,
        severity: d.severity,
        message: d.message,
        file: display(f.file),
        range: rangeOf(f, d.span),
        docs: anchorLink(d.ruleId),
        // As the editor offers them: only fixes whose edits the fix path owns (core/fix.ts).
        fixes: (d.fixes ?? []).flatMap((x) => {
          const edits = ownFix(f.source, x);
          return typeof edits === 'string' ? [] : [fixOf(f, { ...x, edits })];
        }),
      });
      if (d.severity === 'error') summary.errors++;
      else if (d.severity === 'warning') summary.warnings++;
      else if (d.severity === 'information') summary.infos++;
      else summary.hints++;
    }
  }
  const workloads: ReportWorkload[] = [];
  for (const w of analysis.fleet.workloads) {
    const rec = analysis.recommendations.get(w);
    const file = byId.get(w.file);
    if (!rec || !file) continue;
    const declared = w.deploy ?? null;
    workloads.push({
      name: w.name ?? null,
      file: display(w.file),
      range: rangeOf(file, w.nameSpan),
      verdict: rec.verdict,
      confidence: Math.round(rec.confidence * 1000) / 1000,
      confidenceLabel: rec.confidenceLabel,
      scores: Object.fromEntries(DEPLOYS.map((d) => [d, rec.scores[d]])) as Record<Deploy, number>,
      feasible: [...rec.feasible],
      declared,
      givesUp: declared ? givesUp(rec, declared).map((f) => f.id) : [],
      factors: rec.factors.map((f) => ({ id: f.id, field: f.field, favours: f.favours, weights: { ...f.weights }, reason: f.reason, range: rangeOf(file, f.span) })),
      constraints: ruledOut(rec).map((c) => ({ deploy: c.deploy, field: c.field, rule: c.ruleId, reason: c.reason, range: rangeOf(file, c.span) })),
    });
    summary.workloads++;
    summary.verdicts[rec.verdict ?? 'none']++;
  }
  return {
    version: REPORT_VERSION,
    tool: { name: 'workload-placement', version: meta.toolVersion },
    config: meta.config,
    files: files.map((f) => display(f.file)),
    diagnostics,
    workloads,
    summary,
  };
}
