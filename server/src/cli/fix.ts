// Choosing the fixes `--fix` applies to one file in one round: the preferred safe fix
// of each diagnostic, skipping any whose edits touch an edit already chosen (the next
// round, on the re-analysed text, picks it up if it still applies).

import type { Diagnostic, Fix, Span, TextEdit } from '../core/types';

export function safeFixOf(d: Diagnostic): Fix | undefined {
  const fixes = (d.fixes ?? []).filter((f) => f.safe && f.edits.length);
  return fixes.find((f) => f.preferred) ?? fixes[0];
}

/** Two edits conflict when they overlap or insert at the same place. */
function conflicts(a: Span, b: Span): boolean {
  return (a.start < b.end && b.start < a.end) || a.start === b.start;
}

export function chooseFixes(diagnostics: readonly Diagnostic[]): { edits: TextEdit[]; fixes: number } {
  const edits: TextEdit[] = [];
  let fixes = 0;
  for (const d of diagnostics) {
    const fix = safeFixOf(d);
    if (!fix) continue;
    // One fix's own edits never conflict with each other; only with other fixes'.
    if (fix.edits.some((e) => edits.some((x) => conflicts(e.span, x.span)))) continue;
    edits.push(...fix.edits);
    fixes++;
  }
  return { edits, fixes };
}

/**
 * Applies non-overlapping edits in one pass. `core/edits.ts`'s `applyEdits` rebuilds the
 * string per edit, which is quadratic on a large file with thousands of fixes.
 */
export function applyAll(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  const parts: string[] = [];
  let at = 0;
  for (const e of sorted) {
    if (e.span.start < at) continue; // Overlaps an edit already applied.
    parts.push(text.slice(at, e.span.start), e.newText);
    at = e.span.end;
  }
  parts.push(text.slice(at));
  return parts.join('');
}
