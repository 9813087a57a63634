// A document's text kept as the strings it was edited from, so that an edit costs the
// size of the change, not of the file. V8 builds `a.slice(0, s) + change + a.slice(e)`
// lazily and copies the whole result into a fresh string ("flattens" it) on its first
// character access: about 10 ms for a 2.8 MB file, on every keystroke. Here an edit makes
// a new version out of slices of the previous one's parts (a slice of a flat string is a
// view, not a copy), reading a range copies only that range, and only `text`, the whole
// string, costs the size of the file. Each version also knows what changed since its
// recent ancestors, which is what an incremental parse needs to know.

/** Where two versions differ: `[start, oldEnd)` of the older became `[start, newEnd)` of the newer. */
export interface Change {
  start: number;
  oldEnd: number;
  newEnd: number;
}

/** What the edit helpers read of a text; a string is one. */
export interface Chars {
  readonly length: number;
  charAt(index: number): string;
  charCodeAt(index: number): number;
  indexOf(search: string, from?: number): number;
}

/** Past this many parts an edit builds the whole text (see `edit`). */
const MAX_PARTS = 64;
/** Neighbouring parts shorter than this together are joined (typing adds one part per key otherwise). */
const SMALL = 256;
/** How many earlier versions a version remembers its change from. */
const HISTORY = 16;

let nextId = 1;

export class SourceText implements Chars {
  readonly length: number;
  /** Identifies the version for `changeSince` (ids, not references: old versions may go). */
  private readonly id = nextId++;
  /** Flat strings or views of them, in order, and where each one ends. */
  private parts: string[];
  private ends: number[];
  /** The change from each of the last few versions this one was edited from, oldest first. */
  private readonly since: readonly (readonly [number, Change])[];
  /** Times `text` was read: the tests check that the diagnostics path never reads it. */
  wholeReads = 0;

  private constructor(parts: string[], since: readonly (readonly [number, Change])[]) {
    this.parts = parts;
    this.ends = [];
    let at = 0;
    for (const p of parts) this.ends.push((at += p.length));
    this.length = at;
    this.since = since;
  }

  static of(text: string): SourceText {
    return new SourceText([text], []);
  }

  /** The whole text (built once per version on first read; see the file comment). */
  get text(): string {
    this.wholeReads++;
    return this.whole();
  }

  private whole(): string {
    if (this.parts.length !== 1) {
      this.parts = [this.parts.join('')];
      this.ends = [this.length];
    }
    return this.parts[0];
  }

  /** A new version with `[start, end)` replaced by `insert`; this one is unchanged. */
  edit(start: number, end: number, insert: string): SourceText {
    start = Math.max(0, Math.min(start, this.length));
    end = Math.max(start, Math.min(end, this.length));
    const out: string[] = [];
    const push = (s: string) => {
      if (!s.length) return;
      const last = out.length - 1;
      if (last >= 0 && out[last].length + s.length <= SMALL) out[last] += s;
      else out.push(s);
    };
    let from = 0;
    let inserted = false;
    for (let i = 0; i < this.parts.length; i++) {
      const p = this.parts[i];
      const to = this.ends[i];
      if (from < start) push(to <= start ? p : p.slice(0, start - from));
      if (!inserted && to >= start) {
        push(insert);
        inserted = true;
      }
      if (to > end) push(from >= end ? p : p.slice(end - from));
      from = to;
    }
    if (!inserted) push(insert);
    const change: Change = { start, oldEnd: end, newEnd: start + insert.length };
    const since: (readonly [number, Change])[] = this.since.map(([id, c]) => [id, compose(c, change, this.length)] as const);
    since.push([this.id, change]);
    if (since.length > HISTORY) since.shift();
    const next = new SourceText(out.length ? out : [''], since);
    // Many scattered edits with no reader of the whole text between them: build it once
    // rather than let every read search ever more parts.
    if (next.parts.length > MAX_PARTS) next.whole();
    return next;
  }

  /** What changed since `older`, when it is this version or one of its recent ancestors. */
  changeSince(older: SourceText): Change | undefined {
    if (older === this) return { start: this.length, oldEnd: this.length, newEnd: this.length };
    for (let i = this.since.length - 1; i >= 0; i--) if (this.since[i][0] === older.id) return { ...this.since[i][1] };
    return undefined;
  }

  /** The part holding `offset` (0 ≤ offset < length). */
  private partAt(offset: number): number {
    const ends = this.ends;
    let lo = 0;
    let hi = ends.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ends[mid] <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private partStart(i: number): number {
    return i > 0 ? this.ends[i - 1] : 0;
  }

  /** Like String#slice for non-negative bounds; copies only the range once read. */
  slice(start: number, end = this.length): string {
    start = Math.max(0, Math.min(start, this.length));
    end = Math.max(start, Math.min(end, this.length));
    if (start === end) return '';
    let i = this.partAt(start);
    let from = this.partStart(i);
    if (end <= this.ends[i]) return this.parts[i].slice(start - from, end - from);
    let out = this.parts[i].slice(start - from);
    for (i++; i < this.parts.length && this.ends[i - 1] < end; i++) {
      from = this.ends[i - 1];
      out += end >= this.ends[i] ? this.parts[i] : this.parts[i].slice(0, end - from);
    }
    return out;
  }

  charCodeAt(index: number): number {
    if (index < 0 || index >= this.length) return NaN;
    const i = this.partAt(index);
    return this.parts[i].charCodeAt(index - this.partStart(i));
  }

  charAt(index: number): string {
    if (index < 0 || index >= this.length) return '';
    const i = this.partAt(index);
    return this.parts[i].charAt(index - this.partStart(i));
  }

  /** Like String#indexOf, searching part by part (and across their seams). */
  indexOf(search: string, from = 0): number {
    from = Math.max(0, from);
    if (!search.length) return Math.min(from, this.length);
    if (from >= this.length) return -1;
    for (let i = this.partAt(from); i < this.parts.length; i++) {
      const start = this.partStart(i);
      const r = this.parts[i].indexOf(search, Math.max(0, from - start));
      if (r >= 0) return start + r;
      if (search.length > 1 && i + 1 < this.parts.length) {
        // A match across the seam starts in the last `search.length - 1` characters.
        const seamFrom = Math.max(from, this.ends[i] - search.length + 1);
        const w = this.slice(seamFrom, this.ends[i] + search.length - 1).indexOf(search);
        if (w >= 0) return seamFrom + w;
      }
    }
    return -1;
  }

  /** Like String#lastIndexOf for one character: the last at or before `from`. */
  lastIndexOfChar(ch: string, from = this.length - 1): number {
    from = Math.min(from, this.length - 1);
    if (from < 0) return -1;
    for (let i = this.partAt(from); i >= 0; i--) {
      const start = this.partStart(i);
      const r = this.parts[i].lastIndexOf(ch, from - start);
      if (r >= 0) return start + r;
      from = start - 1;
    }
    return -1;
  }
}

/**
 * `a` (from version 0 to 1) then `b` (from 1 to 2) as one change from 0 to 2: the texts
 * agree before the smaller start and after the shorter unchanged tail (`len1` is the
 * length of version 1). Not always the smallest such change, which is fine for a parse.
 */
function compose(a: Change, b: Change, len1: number): Change {
  const tail = Math.min(len1 - a.newEnd, len1 - b.oldEnd);
  const len0 = len1 - (a.newEnd - a.oldEnd);
  const len2 = len1 + (b.newEnd - b.oldEnd);
  return { start: Math.min(a.start, b.start), oldEnd: len0 - tail, newEnd: len2 - tail };
}
