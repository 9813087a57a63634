// The human report: one line per diagnostic (`file:line:col severity message [rule]`,
// the form editors and CI logs turn into links), then each workload's verdict with the
// factors behind it, then a summary line. Everything from a descriptor is escaped.

import type { Deploy } from '../core/types';
import type { Report, ReportFactor, ReportWorkload, Summary } from './report';
import { type Paint, safe } from './style';

const SEVERITY_LABEL = { error: 'error', warning: 'warning', information: 'info', hint: 'hint' } as const;

export function formatText(report: Report, paint: Paint, opts: { verdicts: boolean }): string {
  const lines = [...textLines(report, paint, opts)];
  return `${lines.join('\n')}\n`;
}

/** What the text report is made of: `workloads` may be made as they are read, and `summary` is read last (counted meanwhile). */
export type TextInput = Pick<Report, 'diagnostics' | 'fixed' | 'summary'> & { workloads: Iterable<ReportWorkload> };

/**
 * The text report's lines, one at a time (each ends with a line break in the output):
 * at 100,000 workloads the whole text is 74 MB, written as it is made (see `check.ts`).
 */
export function* textLines(report: TextInput, paint: Paint, opts: { verdicts: boolean }): Generator<string> {
  let count = 0;
  const sevColour = { error: 'red', warning: 'yellow', information: 'blue', hint: 'dim' } as const;
  for (const d of report.diagnostics) {
    const where = `${safe(d.file)}:${d.range.start.line}:${d.range.start.column}`;
    count++;
    yield `${paint('bold', where)} ${paint(sevColour[d.severity], SEVERITY_LABEL[d.severity])} ${safe(d.message)} ${paint('dim', `[${d.rule}]`)}`;
  }
  if (opts.verdicts) {
    let file: string | undefined;
    for (const w of report.workloads) {
      // Before the first workload: a blank line after the diagnostics, if any.
      if (file === undefined && count) yield '';
      if (w.file !== file) {
        if (file !== undefined) yield '';
        file = w.file;
        yield paint('bold', safe(w.file));
      }
      for (const line of workloadLines(w, paint)) yield line;
      count++;
    }
  }
  if (report.fixed) {
    if (count) yield '';
    const f = report.fixed;
    count++;
    yield f.fixes ? `Fixed ${plural(f.fixes, 'problem')} in ${plural(f.files.length, 'file')}: ${f.files.map(safe).join(', ')}.` : 'No safe fixes to apply.';
    for (const s of f.skipped ?? []) {
      const where = s.line === null ? safe(s.file) : `${safe(s.file)}:${s.line}`;
      yield `  Skipped ${s.fix ? `"${safe(s.fix)}" ` : ''}${s.rule ? `(${s.rule}) ` : ''}at ${where}: ${safe(s.reason).replace(/\.$/, '')}.`;
    }
  }
  if (count) yield '';
  yield summaryLine(report.summary, paint);
}

export function workloadLines(w: ReportWorkload, paint: Paint): string[] {
  const name = w.name === null ? '(unnamed)' : safe(w.name);
  const head = `  ${paint('bold', name)} ${paint('dim', `(line ${w.range.start.line})`)}: `;
  let verdict: string;
  if (w.verdict === null) verdict = paint('red', 'no option: nothing in the fleet meets its needs');
  else {
    const conf = w.confidenceLabel === 'required' ? 'required: the only option left' : `${w.confidenceLabel} confidence (${Math.round(w.confidence * 100)}%)`;
    verdict = `${paint('cyan', w.verdict)}, ${conf}`;
  }
  const out = [head + verdict];
  if (w.declared && w.declared !== w.verdict) {
    const gives = w.givesUp.length ? `; gives up: ${w.givesUp.join(', ')}` : '';
    out.push(`    ${paint('yellow', `declared: ${w.declared}`)}${gives}`);
  }
  const shown = w.factors ?? [];
  const fieldWidth = Math.max(0, ...shown.map((f) => safe(f.field).length));
  const favWidth = Math.max(0, ...shown.map((f) => favourLabel(f).length));
  for (const f of shown) {
    out.push(`    ${safe(f.field).padEnd(fieldWidth)}  ${favourLabel(f).padEnd(favWidth)}  ${paint('dim', safe(f.reason))}`);
  }
  for (const c of w.constraints ?? []) out.push(`    ${paint('dim', `not ${c.deploy}: ${safe(c.reason)}`)}`);
  return out;
}

/** "favours container", or "against container-in-vm" for a cost. */
function favourLabel(f: ReportFactor): string {
  if (f.favours !== 'neutral') return `favours ${f.favours}`;
  const against = (Object.entries(f.weights) as [Deploy, number][]).filter(([, x]) => x < 0).map(([d]) => d);
  return against.length ? `against ${against.join(', ')}` : 'neutral';
}

export function summaryLine(s: Summary, paint: Paint = (_c, t) => t): string {
  const counts = [
    paint(s.errors ? 'red' : 'green', plural(s.errors, 'error')),
    paint(s.warnings ? 'yellow' : 'green', plural(s.warnings, 'warning')),
    plural(s.infos, 'info'),
  ];
  if (s.hints) counts.push(plural(s.hints, 'hint'));
  const verdicts = [`${s.verdicts.vm} vm`, `${s.verdicts.container} container`, `${s.verdicts['container-in-vm']} container-in-vm`];
  if (s.verdicts.none) verdicts.push(`${s.verdicts.none} with no possible placement`);
  return `${counts.join(', ')} in ${plural(s.files, 'file')}; ${plural(s.workloads, 'workload')}: ${verdicts.join(', ')}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
