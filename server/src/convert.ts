// Core data (UTF-16 offsets, our own severities and edits) → LSP types. The only
// module that knows both sides of the seam.

import { type Diagnostic as LspDiagnostic, DiagnosticSeverity, type Position, type Range, type TextEdit as LspTextEdit } from 'vscode-languageserver';
import { lineOf } from './core/text';
import type { SourceText } from './core/sourceText';
import type { Diagnostic, Severity, Span, TextEdit } from './core/types';
import { editorLink } from './ruleDocs';

export const SOURCE = 'workload-placement';

/**
 * Line table and text of one file: a ParsedFile satisfies it. Conversions read the text
 * through `source`, a few characters at most: answering diagnostics after an edit must
 * not build the whole text.
 */
export interface Lines {
  source: SourceText;
  lineStarts: readonly number[];
}

export function toPosition(f: Lines, offset: number): Position {
  const o = Math.max(0, Math.min(offset, f.source.length));
  const line = lineOf(f.lineStarts, o);
  return { line, character: o - f.lineStarts[line] };
}

export function toRange(f: Lines, span: Span): Range {
  return { start: toPosition(f, span.start), end: toPosition(f, span.end) };
}

/** Clamps to the line's end, as LSP asks for positions past it. */
export function toOffset(f: Lines, pos: Position): number {
  if (pos.line < 0) return 0;
  if (pos.line >= f.lineStarts.length) return f.source.length;
  const start = f.lineStarts[pos.line];
  let end = pos.line + 1 < f.lineStarts.length ? f.lineStarts[pos.line + 1] : f.source.length;
  while (end > start && (f.source.charAt(end - 1) === '\n' || f.source.charAt(end - 1) === '\r')) end--;
  return Math.min(start + Math.max(0, pos.character), end);
}

export function toLspEdit(f: Lines, e: TextEdit): LspTextEdit {
  return { range: toRange(f, e.span), newText: e.newText };
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toLspSeverity(s: Severity): DiagnosticSeverity {
  return SEVERITY[s];
}

export function toLspDiagnostic(f: Lines, d: Diagnostic): LspDiagnostic {
  // Fixes do not travel with the diagnostic: code actions take them from the current
  // analysis, which keeps a pull of thousands of diagnostics small.
  // The code links to the rule's section of the docs/rules.md shipped with the server
  // (ruleDocs.ts); without that file, no link rather than one that does not resolve.
  const href = editorLink(d.ruleId);
  return {
    range: toRange(f, d.span),
    severity: toLspSeverity(d.severity),
    code: d.ruleId,
    ...(href ? { codeDescription: { href } } : {}),
    source: SOURCE,
    message: d.message,
  };
}

export function rangesOverlap(a: Range, b: Range): boolean {
  const before = (p: Position, q: Position) => p.line < q.line || (p.line === q.line && p.character < q.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}
