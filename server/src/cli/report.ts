// The analysis as plain, stable data: what `--format json` prints and what the text
// and SARIF outputs are written from. Positions are 1-based lines and columns, columns
// counted in UTF-16 code units (as LSP and SARIF's default do); an end is exclusive.
// The shape is documented in docs/cli.md; within a version, fields are added, never
// renamed or removed. Version 2 leaves out each workload's factors and constraints
// unless `--explain` asks for them (at 100,000 workloads they were most of 293 MB).

import type { Analysis } from '../core/analyze';
import { ownFix } from '../core/fix';
import { givesUp, type Recommendation, ruledOut } from '../core/recommend';
import { lineOf } from '../core/text';
import { type Deploy, type Fix, type ParsedFile, type Severity, type Span } from '../core/types';
import { anchorLink } from '../ruleDocs';

export const REPORT_VERSION = 2;

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
  /** Only with `--explain`: what the verdict rests on. */
  factors?: ReportFactor[];
  /** Only with `--explain`: what rules options out (constraints and requirements). */
  constraints?: ReportConstraint[];
}

export interface ReportConstraint {
  deploy: Deploy;
  field: string;
  rule: string;
  reason: string;
  range: Range;
}

export interface ReportOptions {
  /** Each workload's factors and constraints (`--explain`; the text report always shows them). */
  explain: boolean;
  /**
   * False when nothing shows the workloads' entries (`--quiet`, SARIF): they are only
   * counted in the summary, and `workloads` is left empty.
   */
  workloads?: boolean;
  /** False when nothing shows the diagnostics' fixes (the text report): each one's `fixes` is left empty. */
  fixes?: boolean;
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

/** Everything but the workloads and the verdict counts: small (one entry per diagnostic). */
export interface ReportHead {
  version: typeof REPORT_VERSION;
  tool: Report['tool'];
  config: string | null;
  files: string[];
  diagnostics: ReportDiagnostic[];
  /** The counts by severity and of files; `workloads` and `verdicts` are filled by `addWorkload`. */
  summary: Summary;
}

export function reportHead(
  files: readonly ParsedFile[],
  analysis: Analysis,
  display: (file: string) => string,
  meta: { toolVersion: string; config: string | null },
  opts: Pick<ReportOptions, 'fixes'> = {},
): ReportHead {
  const withFixes = opts.fixes !== false;
  // One link per rule, not per diagnostic.
  const links = new Map<string, string>();
  const docsOf = (id: string) => links.get(id) ?? links.set(id, anchorLink(id)).get(id)!;
  const diagnostics: ReportDiagnostic[] = [];
  const summary: Summary = { errors: 0, warnings: 0, infos: 0, hints: 0, files: files.length, workloads: 0, verdicts: { vm: 0, container: 0, 'container-in-vm': 0, none: 0 } };
  for (const f of files) {
    const ds = analysis.diagnostics.get(f.file);
    if (!ds?.length) continue;
    const shown = display(f.file);
    for (const d of ds) {
      diagnostics.push({
        rule: d.ruleId,
        severity: d.severity,
        message: d.message,
        file: shown,
        range: rangeOf(f, d.span),
        docs: docsOf(d.ruleId),
        // As the editor offers them: only fixes whose edits the fix path owns (core/fix.ts).
        fixes: !withFixes ? [] : (d.fixes ?? []).flatMap((x) => {
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
  return {
    version: REPORT_VERSION,
    tool: { name: 'workload-placement', version: meta.toolVersion },
    config: meta.config,
    files: files.map((f) => display(f.file)),
    diagnostics,
    summary,
  };
}

/**
 * Each workload's entry, in fleet order, made one at a time so that a streamed report
 * never holds them all; counts each in `summary`.
 */
export function* reportWorkloads(files: readonly ParsedFile[], analysis: Analysis, display: (file: string) => string, summary: Summary, opts: ReportOptions): Generator<ReportWorkload> {
  const byId = new Map(files.map((f) => [f.file, f]));
  // Workloads come file by file: the display path is computed once per file.
  let lastFile: string | undefined;
  let shown = '';
  const ws = analysis.fleet.workloads;
  const recs = inFleetOrder(analysis);
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i];
    const rec = recs[i];
    const file = byId.get(w.file);
    if (!rec || !file) continue;
    if (w.file !== lastFile) {
      lastFile = w.file;
      shown = display(w.file);
    }
    const declared = w.deploy ?? null;
    const entry: ReportWorkload = {
      name: w.name ?? null,
      file: shown,
      range: rangeOf(file, w.nameSpan),
      verdict: rec.verdict,
      confidence: Math.round(rec.confidence * 1000) / 1000,
      confidenceLabel: rec.confidenceLabel,
      scores: { vm: rec.scores.vm, container: rec.scores.container, 'container-in-vm': rec.scores['container-in-vm'] },
      feasible: [...rec.feasible],
      declared,
      givesUp: declared ? givesUp(rec, declared).map((f) => f.id) : [],
    };
    if (opts.explain) {
      entry.factors = rec.factors.map((f) => ({ id: f.id, field: f.field, favours: f.favours, weights: { ...f.weights }, reason: f.reason, range: rangeOf(file, f.span) }));
      entry.constraints = ruledOut(rec).map((c) => ({ deploy: c.deploy, field: c.field, rule: c.ruleId, reason: c.reason, range: rangeOf(file, c.span) }));
    }
    summary.workloads++;
    summary.verdicts[rec.verdict ?? 'none']++;
    yield entry;
  }
}

/**
 * Each workload's recommendation, by its index in the fleet. The analysis lists them in
 * fleet order: walked together, no lookup (a `get` is a binary search over file paths,
 * 0.2 s at 100,000 workloads); any other map is read by `get`.
 */
function inFleetOrder(analysis: Analysis): (Recommendation | undefined)[] {
  const ws = analysis.fleet.workloads;
  const out = new Array<Recommendation | undefined>(ws.length);
  let i = 0;
  if (analysis.recommendations.size === ws.length) {
    for (const [w, rec] of analysis.recommendations) {
      if (ws[i] !== w) break;
      out[i++] = rec;
    }
  }
  if (i !== ws.length) for (i = 0; i < ws.length; i++) out[i] = analysis.recommendations.get(ws[i]);
  return out;
}

/** Counts in `summary` the workloads `reportWorkloads` would list, without making their entries. */
export function countWorkloads(files: readonly ParsedFile[], analysis: Analysis, summary: Summary): void {
  const known = new Set(files.map((f) => f.file));
  const ws = analysis.fleet.workloads;
  const recs = inFleetOrder(analysis);
  for (let i = 0; i < ws.length; i++) {
    const rec = recs[i];
    if (!rec || !known.has(ws[i].file)) continue;
    summary.workloads++;
    summary.verdicts[rec.verdict ?? 'none']++;
  }
}

/** The whole report as one object (the text and SARIF outputs, and tests). */
export function buildReport(
  files: readonly ParsedFile[],
  analysis: Analysis,
  display: (file: string) => string,
  meta: { toolVersion: string; config: string | null },
  opts: ReportOptions = { explain: true },
): Report {
  const head = reportHead(files, analysis, display, meta, opts);
  let workloads: ReportWorkload[] = [];
  if (opts.workloads === false) countWorkloads(files, analysis, head.summary);
  else workloads = [...reportWorkloads(files, analysis, display, head.summary, opts)];
  return { version: head.version, tool: head.tool, config: head.config, files: head.files, diagnostics: head.diagnostics, workloads, summary: head.summary };
}
