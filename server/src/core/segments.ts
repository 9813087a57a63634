// Splits a descriptor into independently parseable pieces: the top-level header and
// one piece per item of `hosts:` and `workloads:`. An edit then re-parses only the
// pieces whose text changed. Anything the splitter does not fully understand (flow
// lists, tags, anchors after the first header, several documents, tabs in indentation)
// falls back to a whole parse.
//
// The splitter is a line-by-line state machine. After an edit it resumes at the piece
// before the changed line and stops as soon as it is back in step with the previous
// run, so an edit costs the size of the pieces it touched, not the size of the file.

import { lowerBoundBy } from './text';

export interface Segment {
  /** 'header' holds top-level keys; 'item' one list item of `list`. */
  kind: 'header' | 'item';
  list?: 'hosts' | 'workloads';
  start: number;
  end: number;
  /** For items: the column of the list's dashes. */
  dashCol?: number;
}

export type Segmentation =
  | {
      ok: true;
      segments: Segment[];
      /** With `previous`: segments [0, keptBefore) are the previous run's own objects, unchanged. */
      keptBefore: number;
      /** With `previous`: segments from this index on are the previous run's, moved by `delta`. */
      shiftedFrom: number;
      /** Index in the previous run's segments of the first moved one. */
      shiftedOld: number;
    }
  | { ok: false; reason: string };

/** The reason when a window was too small: call again with a larger one. */
export const NEED_MORE = 'window too small';

/**
 * Part of the text: the text passed to `segment` is the whole text's `[base, base + length)`.
 * `complete` when it runs to the end of the whole text.
 */
export interface Window {
  base: number;
  complete: boolean;
}

/** The previous run over the text before an edit, and where the texts differ. */
export interface PreviousSegmentation {
  /** Handed over: the ones after the edit are moved in place and reused. */
  segments: readonly Segment[];
  /** The texts agree on [0, changeStart) … */
  changeStart: number;
  /** … and from `newChangeEnd` to the end of the new text, which is the old text from `newChangeEnd - delta`. */
  newChangeEnd: number;
  /** New length minus old length. */
  delta: number;
}

const TOP_KEY = /^([A-Za-z_][A-Za-z0-9_-]*|"[^"]*"|'[^']*')[ \t]*:(?:[ \t]+#.*|[ \t]*)$/;
const TOP_KEY_WITH_VALUE = /^([A-Za-z_][A-Za-z0-9_-]*|"[^"]*"|'[^']*')[ \t]*:[ \t]/;
const TAG = /(^|[\s[{,])![^\s]/;
const ANCHOR = /(^|[\s[{,])&[^\s]/;
const ALIAS = /(^|[\s[{,])\*[^\s]/;
/** Characters that may start an anchor, alias or tag, and the merge key. */
const INDICATORS = /[&*!]|<<:/g;

/**
 * With `window`, `text` is only part of the whole text (offsets in `previous` and in the
 * segments are still those of the whole): it must start at or before the piece the run
 * resumes at (see `resumeFrom`), and when the run needs text past its end the answer is
 * `NEED_MORE`.
 */
export function segment(text: string, previous?: PreviousSegmentation, window?: Window): Segmentation {
  return new Splitter(text, previous, window).run();
}

type Failure = { ok: false; reason: string };
const fail = (reason: string): Failure => ({ ok: false, reason });

/** The state machine of `segment`. Positions are in `text`; `base` turns them into offsets of the whole text. */
class Splitter {
  private readonly n: number;
  private readonly base: number;
  private readonly complete: boolean;
  private segments: Segment[] = [];
  private pos = 0;
  /** The current list body: which list, the dash column, and where the open item began. */
  private list: 'hosts' | 'workloads' | undefined;
  private dashCol = -1;
  private itemStart = -1;
  private headerStart = 0;
  private sawContent = false;
  private keptBefore = 0;
  /** The previous run's segments, and the index in them to compare with when back in step (-1: none). */
  private readonly old: readonly Segment[] | undefined;
  private resync: number;
  /** The next anchor, alias or tag indicator, and the next lone CR, at or after where they were last looked for. */
  private nextIndicator = -1;
  private nextCr = -1;

  constructor(
    private readonly text: string,
    private readonly previous: PreviousSegmentation | undefined,
    window: Window | undefined,
  ) {
    this.n = text.length;
    this.base = window?.base ?? 0;
    this.complete = window?.complete ?? true;
    this.old = previous?.segments;
    this.resync = this.old?.length ? 1 : -1;
  }

  run(): Segmentation {
    if (this.previous && this.old?.length && !this.resume(this.previous, this.old)) return fail(NEED_MORE);
    while (this.pos < this.n) {
      const done = this.resync >= 0 ? this.backInStep() : undefined;
      if (done) return done;
      let eol = this.text.indexOf('\n', this.pos);
      if (eol < 0) {
        if (!this.complete) return fail(NEED_MORE);
        eol = this.n;
      }
      const failure = this.line(eol);
      if (failure) return failure;
      this.pos = eol < this.n ? eol + 1 : this.n;
    }
    return this.finish();
  }

  /**
   * Resuming: keeps the pieces that end before the changed line and restarts the machine
   * at the beginning of the piece that holds the line before it. False when that piece
   * starts before the window.
   */
  private resume(previous: PreviousSegmentation, old: readonly Segment[]): boolean {
    const base = this.base;
    // The window starts at a line start (see `resumeFrom`): no newline before the change
    // within it means the changed line starts where it does.
    const r = resumeFrom(old, base + lineStartBefore(this.text, previous.changeStart - base));
    if ((r > 0 ? old[r].start : 0) < base) return false;
    if (r === 0) return true;
    const s = old[r];
    this.segments = old.slice(0, r);
    this.keptBefore = r;
    this.pos = s.start - base;
    this.sawContent = true;
    if (s.kind === 'item') {
      const prev = old[r - 1];
      this.list = s.list;
      this.dashCol = prev.kind === 'item' && prev.list === s.list ? (s.dashCol ?? -1) : -1;
      this.headerStart = -1;
    } else {
      this.headerStart = s.start - base;
    }
    this.resync = r + 1;
    return true;
  }

  /**
   * Back in step? Past the change, the rest of the text is unchanged; if the previous
   * run was in the same state at this line, it went on exactly as this one will: its
   * segments from here on are moved and taken over, and the run is done.
   */
  private backInStep(): Segmentation | undefined {
    const { previous, old, base, pos } = this;
    if (!previous || !old || base + pos < previous.newChangeEnd || !this.list || this.dashCol < 0 || this.itemStart < 0) return undefined;
    const at = base + pos - previous.delta;
    while (this.resync < old.length && old[this.resync].start < at) this.resync++;
    if (this.resync >= old.length) return undefined;
    const o = old[this.resync];
    const before = old[this.resync - 1];
    if (o.start !== at || o.kind !== 'item' || o.list !== this.list || o.dashCol !== this.dashCol || before.kind !== 'item' || before.list !== this.list) return undefined;
    this.closeItem(pos);
    const shiftedFrom = this.segments.length;
    const d = previous.delta;
    // Moved in place: the previous run's segments belong to its caller's cache, which
    // this run replaces (no copies of thousands of objects per keystroke).
    for (let j = this.resync; j < old.length; j++) {
      const x = old[j];
      x.start += d;
      x.end += d;
      this.segments.push(x);
    }
    return { ok: true, segments: this.segments, keptBefore: this.keptBefore, shiftedFrom, shiftedOld: this.resync };
  }

  /** The line `[pos, eol)`: opens or closes pieces, or fails. */
  private line(eol: number): Failure | undefined {
    const { text, pos } = this;
    if (this.loneCrBefore(pos, eol)) return fail('a lone CR');
    let indent = 0;
    while (pos + indent < eol && text.charCodeAt(pos + indent) === 32) indent++;
    const first = pos + indent;
    const c = text.charCodeAt(first);
    if (first >= eol || c === 13 || c === 35 /* '#' */) return undefined; // blank or a comment
    if (c === 9) return fail('tab in indentation');
    const failure = indent === 0 ? this.topLevelLine(first, eol) : this.indentedLine(indent, first, eol);
    if (failure) return failure;
    if (this.indicatorBefore(first, eol)) {
      const f = this.indicators(text.slice(first, eol));
      if (f) return f;
    }
    this.sawContent = true;
    return undefined;
  }

  /** A line at the left margin: a key of the root mapping, or an item of a list at column 0. */
  private topLevelLine(first: number, eol: number): Failure | undefined {
    const line = this.text.slice(first, eol);
    if (line.startsWith('---') || line.startsWith('...') || line.startsWith('%')) return fail('document markers');
    if (line.startsWith('- ') || line === '-' || line === '-\r') {
      if (!this.list || this.dashCol !== 0) return fail('sequence at the root');
      this.closeItem(this.pos);
      this.itemStart = this.pos;
      return undefined;
    }
    // A new top-level key ends any list body.
    if (this.list) {
      this.closeItem(this.pos);
      this.list = undefined;
      this.dashCol = -1;
      this.headerStart = this.pos;
    }
    const bare = line.endsWith('\r') ? line.slice(0, -1) : line;
    const m = TOP_KEY.exec(bare);
    if (m) {
      const key = m[1].replace(/^["']|["']$/g, '');
      if (key === 'hosts' || key === 'workloads') {
        // The header so far ends after this key's line; items follow.
        const next = eol < this.n ? eol + 1 : this.n;
        this.segments.push({ kind: 'header', start: this.base + this.headerStart, end: this.base + next });
        this.list = key;
        this.headerStart = -1;
      }
      return undefined;
    }
    if (!TOP_KEY_WITH_VALUE.test(bare)) return fail('unrecognised top-level line');
    if (/^(hosts|workloads)\s*:/.test(bare)) return fail('inline list');
    return undefined;
  }

  /** An indented line: in a list body, a new item at the dash column or the open item's content. */
  private indentedLine(indent: number, first: number, eol: number): Failure | undefined {
    const { text } = this;
    if (!this.list) return this.headerStart < 0 ? fail('indented content outside a list') : undefined;
    const c = text.charCodeAt(first);
    if (this.dashCol < 0) {
      if (c !== 45 /* '-' */) return fail('list body without dashes');
      this.dashCol = indent;
    }
    if (indent === this.dashCol && c === 45 && (first + 1 === eol || text.charCodeAt(first + 1) === 32 || text.charCodeAt(first + 1) === 13)) {
      this.closeItem(this.pos);
      this.itemStart = this.pos;
      return undefined;
    }
    if (indent <= this.dashCol) return fail('item content not indented under its dash');
    if (this.itemStart < 0) return fail('content before the first item');
    return undefined;
  }

  /**
   * Tags and merge keys make a whole parse. Anchors may be defined in the first header
   * only, and aliases used there or in items: then every alias of an item names an anchor
   * of the first header, which the parse hands to the item (see `Env` in parse.ts).
   */
  private indicators(line: string): Failure | undefined {
    const code = stripComment(line);
    if (line.includes('<<:') || TAG.test(code)) return fail('tags or merge keys');
    const firstHeader = !this.list && this.segments.length === 0;
    if (!firstHeader && ANCHOR.test(code)) return fail('an anchor after the first header');
    if (!firstHeader && !(this.list && this.itemStart >= 0) && ALIAS.test(code)) return fail('an alias in a later header');
    return undefined;
  }

  private finish(): Segmentation {
    const { n, base } = this;
    if (!this.complete) return fail(NEED_MORE);
    if (this.list) this.closeItem(n);
    else if (this.headerStart >= 0 && this.headerStart < n) this.segments.push({ kind: 'header', start: base + this.headerStart, end: base + n });
    if (!this.sawContent && this.segments.length === 0) this.segments.push({ kind: 'header', start: base, end: base + n });
    return { ok: true, segments: this.segments, keptBefore: this.keptBefore, shiftedFrom: this.segments.length, shiftedOld: this.old?.length ?? 0 };
  }

  private closeItem(at: number): void {
    if (this.itemStart >= 0) this.segments.push({ kind: 'item', list: this.list, start: this.base + this.itemStart, end: this.base + at, dashCol: this.dashCol });
    this.itemStart = -1;
  }

  /**
   * Whether `[from, to)` may hold an anchor, alias or tag: found with one forward regex
   * scan over a whole text, or by looking at each line when only a few lines are read.
   */
  private indicatorBefore(from: number, to: number): boolean {
    const { text } = this;
    if (this.previous) {
      for (let i = from; i < to; i++) {
        const ch = text.charCodeAt(i);
        if (ch === 38 || ch === 42 || ch === 33 || ch === 60) return true;
      }
      return false;
    }
    if (this.nextIndicator < from) {
      INDICATORS.lastIndex = from;
      const m = INDICATORS.exec(text);
      this.nextIndicator = m ? m.index : this.n;
    }
    return this.nextIndicator < to;
  }

  /**
   * Whether `[from, to)` holds a lone CR (a line break the splitter, which reads lines up
   * to a LF, would not see), found with one forward scan.
   */
  private loneCrBefore(from: number, to: number): boolean {
    const { text } = this;
    if (this.nextCr < from) this.nextCr = text.indexOf('\r', from);
    while (this.nextCr >= 0 && this.nextCr < to && text.charCodeAt(this.nextCr + 1) === 10) this.nextCr = text.indexOf('\r', this.nextCr + 1);
    if (this.nextCr < 0) this.nextCr = this.n;
    return this.nextCr < to;
  }
}

/**
 * The previous run's segment a run after a change resumes at: the last one that starts
 * before `lineStart`, the start of the changed line (it holds the line before), or 0 for
 * a run from the top of the text.
 */
export function resumeFrom(old: readonly Segment[], lineStart: number): number {
  const r = lineStart > 0 ? lowerBoundBy(old, lineStart, startOf) - 1 : -1;
  return r > 0 && old[r].start > 0 ? r : 0;
}

export const startOf = (s: Segment): number => s.start;

/** Where the line holding `offset` starts. */
function lineStartBefore(text: string, offset: number): number {
  const i = text.lastIndexOf('\n', offset - 1);
  return i < 0 ? 0 : i + 1;
}

function stripComment(line: string): string {
  // Good enough for the fallback test: quoted '#' makes us fall back too, which is safe.
  const i = line.search(/(^|\s)#/);
  let s = i < 0 ? line : line.slice(0, i);
  s = s.replace(/"(?:[^"\\]|\\.)*"|'[^']*'/g, '""');
  return s;
}
