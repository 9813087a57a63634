// The human report: one line per diagnostic (`file:line:col severity message [rule]`,
// the form editors and CI logs turn into links), then each workload's verdict with the
// factors behind it, then a summary line. Everything from a descriptor is escaped.

import type { Deploy } from '../core/types';
import type { Report, ReportFactor, ReportWorkload, Summary } from './report';
import { type Paint, safe } from './style';

const SEVERITY_LABEL = { error: 'error', warning: 'warning', information: 'info', hint: 'hint' } as const;

export function formatText(report: Report, paint: Paint, opts: { verdicts: boolean }): string {
  const lines: string[] = [];
  const sevColour = { error: 'red', warning: 'yellow', information: 'blue', hint: 'dim' } as const;
  for (const d of report.diagnostics) {
    const where = `${safe(d.file)}:${d.range.start.line}:${d.range.start.column}`;
    lines.push(`${paint('bold', where)} ${paint(sevColour[d.severity], SEVERITY_LABEL[d.severity])} ${safe(d.message)} ${paint('dim', `[${d.rule}]`)}`);
  }
  if (opts.verdicts && report.workloads.length) {
    if (lines.length) lines.push('');
    let file: string | undefined;
    for (const w of report.workloads) {
      if (w.file !== file) {
        if (file !== undefined) lines.push('');
        file = w.file;
        lines.push(paint('bold', safe(w.file)));
      }
      lines.push(...workloadLines(w, paint));
    }
  }
  if (report.fixed) {
    if (lines.length) lines.push('');
    const f = report.fixed;
    lines.push(f.fixes ? `Fixed ${plural(f.fixes, 'problem')} in ${plural(f.files.length, 'file')}: ${f.files.map(safe).join(', ')}.` : 'No safe fixes to apply.');
    for (const s of f.skipped ?? []) {
      const where = s.line === null ? safe(s.file) : `${safe(s.file)}:${s.line}`;
      lines.push(`  Skipped ${s.fix ? `"${safe(s.fix)}" ` : ''}${s.rule ? `(${s.rule}) ` : ''}at ${where}: ${safe(s.reason).replace(/\.$/, '')}.`);
    }
  }
  if (lines.length) lines.push('');
  lines.push(summaryLine(report.summary, paint));
  return `${lines.join('\n')}\n`;
}

function workloadLines(w: ReportWorkload, paint: Paint): string[] {
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
