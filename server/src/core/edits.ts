// Minimal edits that keep the user's comments and layout: replace one value,
// or add lines to a mapping at the indentation its keys already use. Choosing,
// applying and verifying fixes is core/fix.ts.

// They read a few characters around the map, so they take any `Chars`: a string, or the
// document's SourceText, which they then read without building the whole text.

import type { Chars } from './sourceText';
import type { Span, TextEdit, YMap } from './types';

/** The file's line ending, from its first line. */
export function eolOf(text: Chars): string {
  const i = text.indexOf('\n');
  return i > 0 && text.charAt(i - 1) === '\r' ? '\r\n' : '\n';
}

function lineStartOf(text: Chars, offset: number): number {
  let i = offset;
  while (i > 0 && text.charAt(i - 1) !== '\n' && text.charAt(i - 1) !== '\r') i--;
  return i;
}

function lineEndOf(text: Chars, offset: number): number {
  let i = offset;
  while (i < text.length && text.charAt(i) !== '\n' && text.charAt(i) !== '\r') i++;
  return i;
}

/** The column of a mapping's keys (the indentation new keys must use). */
export function keyIndent(text: Chars, map: YMap): string {
  const first = map.entries[0];
  if (!first) return '  ';
  const ls = lineStartOf(text, first.keySpan.start);
  // Under "- name: x" the key sits after the dash: indent with spaces to its column.
  return ' '.repeat(first.keySpan.start - ls);
}

/** Where the last line of a block mapping ends (after any trailing comment). */
export function mapContentEnd(text: Chars, map: YMap): number {
  let end = map.span.end;
  while (end > map.span.start && /\s/.test(text.charAt(end - 1))) end--;
  return lineEndOf(text, end);
}

/** Adds `key: value` lines (already formatted, possibly multi-line) at the end of a mapping. */
export function insertIntoMap(text: Chars, map: YMap, lines: string[]): TextEdit {
  if (map.flow) {
    // Before the closing brace: "{ a: 1 }" → "{ a: 1, b: 2 }".
    let close = map.span.end - 1;
    while (close > map.span.start && text.charAt(close) !== '}') close--;
    let before = close;
    while (before > map.span.start && text.charAt(before - 1) === ' ') before--;
    const sep = map.entries.length ? ', ' : ' ';
    return { span: { start: before, end: before }, newText: `${sep}${lines.join(', ')}` };
  }
  const eol = eolOf(text);
  const indent = keyIndent(text, map);
  const at = mapContentEnd(text, map);
  const body = lines.map((l) => l.split('\n').map((part) => indent + part).join(eol)).join(eol);
  return { span: { start: at, end: at }, newText: eol + body };
}

/** A line inserted above the line of `at`, at the column of `at`, with the file's line ending. */
export function insertAbove(text: Chars, at: number, line: string): TextEdit {
  const ls = lineStartOf(text, at);
  return { span: { start: ls, end: ls }, newText: ' '.repeat(at - ls) + line + eolOf(text) };
}

/** A line added at the end of the text (after its last line). */
export function appendLine(text: Chars, line: string): TextEdit {
  const n = text.length;
  const eol = eolOf(text);
  const sep = n && !/[\r\n]/.test(text.charAt(n - 1)) ? eol : '';
  return { span: { start: n, end: n }, newText: sep + line + eol };
}

export function replace(spanToReplace: Span, newText: string): TextEdit {
  return { span: spanToReplace, newText };
}
