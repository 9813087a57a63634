// Small text helpers: line tables and "did you mean" suggestions.

import type { Change } from './sourceText';
import type { Span } from './types';

export function computeLineStarts(text: string): number[] {
  const starts = [0];
  // Without a CR every line ends at a LF, which indexOf finds far faster than a loop.
  if (!text.includes('\r')) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    return starts;
  }
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13 && text.charCodeAt(i + 1) !== 10) starts.push(i + 1);
  }
  return starts;
}

/**
 * The line table of a changed text from the old one's, in place when the number of lines
 * stays: lines before the change are kept, the changed lines recomputed, the lines after
 * it moved. Only characters `[change.start - 1, change.newEnd]` of the new text are read,
 * from `window`, which holds the new text from offset `base` on and covers them.
 */
export function updateLineStarts(starts: number[], window: string, base: number, change: Change): number[] {
  const delta = change.newEnd - change.oldEnd;
  // Line starts below `start` are decided by characters before `start - 1`, which did not
  // change; those above `oldEnd` by characters at or after `oldEnd`, which moved.
  const from = lowerBound(starts, Math.max(1, change.start));
  const to = upperBound(starts, change.oldEnd);
  const fresh: number[] = [];
  const stop = Math.min(base + window.length, change.newEnd);
  for (let i = Math.max(0, change.start - 1); i < stop; i++) {
    const c = window.charCodeAt(i - base);
    if (c === 10 || (c === 13 && window.charCodeAt(i + 1 - base) !== 10)) fresh.push(i + 1);
  }
  if (fresh.length === to - from) {
    for (let j = 0; j < fresh.length; j++) starts[from + j] = fresh[j];
  } else if (fresh.length > 10_000) {
    // A large paste: spreading it into splice could overflow the stack.
    const after = starts.slice(to);
    for (let j = 0; j < after.length; j++) after[j] += delta;
    return starts.slice(0, from).concat(fresh, after);
  } else {
    starts.splice(from, to - from, ...fresh);
  }
  if (delta) for (let j = from + fresh.length; j < starts.length; j++) starts[j] += delta;
  return starts;
}

/** The first index in [0, n) where `before` is false, `before` being true on a prefix: the binary search the bounds below specialize. */
export function partitionPoint(n: number, before: (i: number) => boolean): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (before(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose value is ≥ x. */
export function lowerBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** `lowerBound` over `a[from…]` sorted by `key`: the first index at or after `from` whose key is ≥ x. */
export function lowerBoundBy<T>(a: readonly T[], x: number, key: (item: T) => number, from = 0): number {
  let lo = from;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (key(a[mid]) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose value is > x. */
export function upperBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** 0-based line of an offset, by binary search. */
export function lineOf(lineStarts: readonly number[], offset: number): number {
  return Math.max(0, upperBound(lineStarts, offset) - 1);
}

export function lineEnd(text: string, lineStarts: readonly number[], line: number): number {
  let end = line + 1 < lineStarts.length ? lineStarts[line + 1] : text.length;
  while (end > lineStarts[line] && (text[end - 1] === '\n' || text[end - 1] === '\r')) end--;
  return end;
}

export function span(start: number, end: number): Span {
  return { start, end };
}

export function contains(s: Span, offset: number): boolean {
  return offset >= s.start && offset <= s.end;
}

/** Damerau-free Levenshtein distance, bounded for speed. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const al = a.length;
  const bl = b.length;
  if (Math.abs(al - bl) > 3) return Math.abs(al - bl);
  let prev = new Array<number>(bl + 1);
  let cur = new Array<number>(bl + 1);
  for (let j = 0; j <= bl; j++) prev[j] = j;
  for (let i = 1; i <= al; i++) {
    cur[0] = i;
    for (let j = 1; j <= bl; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[bl];
}

/** Rows of `distanceWithin`, reused. */
let rowA = new Int32Array(64);
let rowB = new Int32Array(64);

/**
 * The edit distance of `a` and `b` when it is at most `limit`, else some number above
 * `limit`: it stops at the first row whose every cell is past the limit (the distance can
 * only grow from there), so a word far from every candidate costs a few rows each.
 */
function distanceWithin(a: string, b: string, limit: number): number {
  if (a === b) return 0;
  const al = a.length;
  const bl = b.length;
  if (bl + 1 > rowA.length) {
    rowA = new Int32Array(bl + 1);
    rowB = new Int32Array(bl + 1);
  }
  let prev = rowA;
  let cur = rowB;
  for (let j = 0; j <= bl; j++) prev[j] = j;
  for (let i = 1; i <= al; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= bl; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      const v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > limit) return limit + 1;
    const t = prev;
    prev = cur;
    cur = t;
  }
  return prev[bl];
}

/** The closest candidate within a distance that scales with the word, if any. */
export function closest(word: string, candidates: Iterable<string>, lowered?: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  const limit = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  let i = 0;
  for (const c of candidates) {
    // `lowered`: the candidates in lower case, when the caller asks about many words.
    const lc = lowered ? lowered[i++] : c.toLowerCase();
    // A prefix or a case slip is a strong hint even when the distance is larger.
    const hint = lc === w ? 0.5 : w.length >= 3 && (lc.startsWith(w) || w.startsWith(lc)) ? 1 : Infinity;
    // The distance is at least the difference in length: past the limit, the candidate
    // cannot be chosen unless it is a hint, and the distance need not be computed.
    const d = hint === 0.5 ? hint : Math.abs(w.length - lc.length) > limit ? hint : Math.min(distanceWithin(w, lc, limit), hint);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return bestD <= limit ? best : undefined;
}

/** Quotes a value for a message, keeping it short and on one line. */
export function show(value: unknown): string {
  let s = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  // Controls, and direction controls (U+202E would reverse what follows it in the message).
  s = s.replace(/[\u0000-\u001f\u007f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (s.length > 60) s = `${s.slice(0, 57)}...`;
  return `'${s}'`;
}
