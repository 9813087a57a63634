// A fast reader for the plain subset of YAML that descriptors are written in: block
// mappings and sequences, one-line plain and quoted scalars, one-line flow lists and
// mappings, anchors and aliases of one-line values, comments. It builds the same tree
// the `yaml` library path builds (see yamlTree.ts) in a fraction of the time, and gives
// up (returns undefined) on anything else: tabs, a lone CR, anchors on block
// collections, aliases in flow, tags, block scalars, multi-line scalars, escapes,
// several documents, odd indentation, anything that would be a YAML error. The caller
// then uses the library, which also reports the errors. A differential test holds the
// two paths equal.

import type { Span, YEntry, YMap, YNode, YSeq } from './types';
import { EntryNode, endOf, ScalarNode } from './yamlNodes';

/** Characters this reader does not take on: controls, tabs, BOM, separators, surrogates (and a CR not before LF: `LONE_CR`). */
// eslint-disable-next-line no-control-regex
const UNSUPPORTED = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]/;
/** Apart from the class above: a test with one alternative of each is several times slower (irregexp scans a class alone fast). */
const LONE_CR = /\r(?!\n)/;

/** Shared by every tree without anchors: never written to (a reader makes its own map at its first anchor). */
const NO_ANCHORS: ReadonlyMap<string, YNode> = new Map();
/** Shared by every tree without suppression comments: never written to. */
const NO_COMMENTS: Span[] = Object.freeze([]) as unknown as Span[];

class GiveUp {}
const GIVE_UP = new GiveUp();

/** Comments that hold this are kept (see `TreeResult.comments` in yamlTree.ts). */
export const SUPPRESSION_MARK = 'placement-ignore';

export interface FastTree {
  root: YNode | null;
  /** The spans of its comments that hold `SUPPRESSION_MARK`. */
  comments: Span[];
  /** Its anchored nodes by name (the last of each name). */
  anchors: ReadonlyMap<string, YNode>;
  /** How many nodes its aliases expanded to. */
  aliasNodes: number;
  /** Whether an alias named an anchor of `outer`. */
  usedOuter: boolean;
  /** The longest run of spaces and dashes that opens a line: with the brackets, a bound on `nestingDepth`. */
  indentRun: number;
}

/**
 * The tree of `text` with `base` added to every offset, or undefined when outside the
 * subset. `outer`: anchors defined before the text (it is a piece of a larger document),
 * for aliases that name no anchor of the text itself.
 */
export function fastTree(text: string, base: number, outer?: ReadonlyMap<string, YNode>): FastTree | undefined {
  if (UNSUPPORTED.test(text) || (text.includes('\r') && LONE_CR.test(text))) return undefined;
  const reader = new Reader(text, base, text.includes(SUPPRESSION_MARK), outer);
  try {
    const root = reader.document().root;
    return { root, comments: reader.comments, anchors: reader.anchors, aliasNodes: reader.aliasNodes, usedOuter: reader.usedOuter, indentRun: reader.indentRun };
  } catch (e) {
    if (e === GIVE_UP) return undefined;
    throw e;
  } finally {
    // The shared stack keeps no node of this tree alive.
    STACK.fill(undefined, 0, reader.peak);
  }
}

/** A string with its own characters (V8 keeps longer slices as views of their parent). */
function detached(s: string): string {
  return JSON.parse(JSON.stringify(s)) as string;
}

function fail(): never {
  throw GIVE_UP;
}

/**
 * Recent block-mapping keys by a hash of their text: raw text and key (`resolvePlain` may
 * change it, `Null` → `null`). A cache of equal strings: which string object holds a key
 * changes no result, and the table's size is fixed.
 */
const KEY_SLOTS = 512;
const KEY_RAW: (string | undefined)[] = new Array<string | undefined>(KEY_SLOTS);
const KEY_VALUE: (string | undefined)[] = new Array<string | undefined>(KEY_SLOTS);

/**
 * Recent plain scalars the same way: raw text and value. Most values repeat (`linux`,
 * `shared`, `64Gi`): one string each instead of one per workload, and no `resolvePlain`.
 */
const VALUE_SLOTS = 1024;
const MAX_VALUE_CACHED = 12;
const VALUE_RAW: (string | undefined)[] = new Array<string | undefined>(VALUE_SLOTS);
const VALUE_VALUE: (string | number | boolean | null)[] = new Array<string | number | boolean | null>(VALUE_SLOTS);

/**
 * The readers' stack of entries and items (see `Reader.stack`), shared: a reader's own
 * array would grow from empty at every piece (twice for a workload of a dozen fields),
 * and a reader never runs inside another.
 */
const STACK: (YEntry | YNode | undefined)[] = [];

/** Deeper nesting is left to the library path, which refuses it with a message. */
const MAX_NESTING = 128;

const SPACE = 32;
const HASH = 35;
const COLON = 58;
const DASH = 45;

class Reader {
  private readonly n: number;
  /** The current content line: its start, first non-space character, end (before CR LF or LF) and the next line's start. */
  private lineStart = 0;
  private first = 0;
  private eol = 0;
  private nextLine = 0;
  private atEnd = false;
  private depth = 0;
  /** The comments that hold `SUPPRESSION_MARK`, in text order, when `wantComments`. */
  comments: Span[] = NO_COMMENTS;
  /** Anchored nodes by name (the last one so far wins), and the nodes aliases have copied. A piece of a descriptor seldom has any: made at the first. */
  anchors: ReadonlyMap<string, YNode> = NO_ANCHORS;
  /** Where the last `value` ended (returned through a field: a pair per scalar was most of the reader's garbage). */
  private after = 0;
  /**
   * Entries and items of the block collections being read, innermost last, from `top`
   * down: each collection takes its own as an array of its exact size (a list grown by
   * `push` keeps room for 17, and every tree is kept).
   */
  private readonly stack = STACK;
  private top = 0;
  /** The highest `top` so far: the slots of the shared stack this reader filled. */
  peak = 0;
  aliasNodes = 0;
  usedOuter = false;
  /** The longest run of spaces and dashes that opens a line, over every line `seek` passed. */
  indentRun = 0;

  constructor(
    private readonly t: string,
    private readonly base: number,
    private readonly wantComments: boolean,
    private readonly outer: ReadonlyMap<string, YNode> | undefined,
  ) {
    this.n = t.length;
  }

  /** A comment from `hash` to `end` (the line's end, before any CR). */
  private comment(hash: number, end: number): void {
    if (!this.wantComments || !this.t.slice(hash, end).includes(SUPPRESSION_MARK)) return;
    if (this.comments === NO_COMMENTS) this.comments = [];
    this.comments.push(this.span(hash, end));
  }

  document(): { root: YNode | null } {
    this.seek(0);
    if (this.atEnd) return { root: null };
    const c = this.t.charCodeAt(this.first);
    // A document must open with a block collection here; scalars and flow roots go to the library.
    if (c === 37 /* % */ || (c === DASH && this.t.startsWith('---', this.first))) fail();
    const root = this.blockNode();
    if (!this.atEnd) fail();
    return { root };
  }

  /** Moves to the first content line (not blank, not only a comment) at or after `pos`. */
  private seek(pos: number): void {
    const t = this.t;
    while (pos < this.n) {
      let lf = t.indexOf('\n', pos);
      if (lf < 0) lf = this.n;
      const eol = lf > pos && t.charCodeAt(lf - 1) === 13 ? lf - 1 : lf;
      let i = pos;
      while (i < eol && t.charCodeAt(i) === SPACE) i++;
      // Every line passes here once: measure its opening run for the nesting bound.
      let run = i;
      while (run < eol && (t.charCodeAt(run) === SPACE || t.charCodeAt(run) === DASH)) run++;
      // A line that ends in a dash opening it (`-` just before the newline) runs on into
      // the next line in that scan, so no bound is known.
      if (run === eol && run > pos && t.charCodeAt(eol - 1) === DASH) this.indentRun = Infinity;
      else if (run - pos > this.indentRun) this.indentRun = run - pos;
      if (i < eol && t.charCodeAt(i) !== HASH) {
        // Document markers and directives at the left margin are for the library.
        if (i === pos && (t.startsWith('---', i) || t.startsWith('...', i))) fail();
        this.lineStart = pos;
        this.first = i;
        this.eol = eol;
        this.nextLine = lf + 1;
        this.atEnd = false;
        return;
      }
      if (i < eol) this.comment(i, eol);
      pos = lf + 1;
    }
    this.atEnd = true;
  }

  private get indent(): number {
    return this.first - this.lineStart;
  }

  private span(start: number, end: number): Span {
    return { start: this.base + start, end: this.base + end };
  }

  /** A block node at the current line's indentation. */
  private blockNode(): YNode {
    if (++this.depth > MAX_NESTING) fail();
    let node: YNode;
    if (this.isDash(this.first)) node = this.blockSeq();
    else {
      const colon = this.keyEnd(this.first);
      if (colon < 0) fail();
      node = this.blockMap(this.first, colon);
    }
    this.depth--;
    return node;
  }

  private isDash(i: number): boolean {
    const t = this.t;
    return t.charCodeAt(i) === DASH && (i + 1 === this.eol || t.charCodeAt(i + 1) === SPACE);
  }

  /**
   * Where the colon of `key: …` starting at `i` is, or -1 when the line does not start
   * with a plain key this reader takes (letters, digits, `_ . / -`, starting with a
   * letter or `_`) followed by a colon and a space or the line's end.
   */
  private keyEnd(i: number): number {
    const t = this.t;
    const c0 = t.charCodeAt(i);
    if (!((c0 >= 65 && c0 <= 90) || (c0 >= 97 && c0 <= 122) || c0 === 95)) return -1;
    for (let j = i + 1; j < this.eol; j++) {
      const c = t.charCodeAt(j);
      if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 47 || c === DASH) continue;
      if (c === COLON && (j + 1 === this.eol || t.charCodeAt(j + 1) === SPACE)) return j;
      return -1;
    }
    return -1;
  }

  /**
   * The key whose text is `[start, end)`: the string of the last equal key seen when the
   * table holds it, so that a hundred thousand `name:` keys share one string, not one each.
   */
  private key(start: number, end: number): string {
    const t = this.t;
    const len = end - start;
    const h = (len * 31 + t.charCodeAt(start) * 7 + t.charCodeAt(end - 1)) & (KEY_SLOTS - 1);
    const raw = KEY_RAW[h];
    if (raw !== undefined && raw.length === len && t.startsWith(raw, start)) return KEY_VALUE[h]!;
    // A slice of 13 characters or more refers to the whole text it came from: the table,
    // which outlives the document, holds a copy instead, so that it keeps no old text alive.
    const text = len > 12 ? detached(t.slice(start, end)) : t.slice(start, end);
    const key = String(resolvePlain(text));
    KEY_RAW[h] = text;
    KEY_VALUE[h] = key;
    return key;
  }

  /** A block mapping whose first key starts at `keyStart` on the current line. */
  private blockMap(keyStart: number, colon: number): YMap {
    const t = this.t;
    const col = keyStart - this.lineStart;
    const from = this.top;
    let end = 0;
    for (;;) {
      const key = this.key(keyStart, colon);
      let p = colon + 1;
      while (p < this.eol && t.charCodeAt(p) === SPACE) p++;
      let value: YNode;
      if (p === this.eol || t.charCodeAt(p) === HASH) {
        // `key:` alone: a nested block below it, or an empty value.
        if (p < this.eol) this.comment(p, this.eol);
        const nullAt = p;
        const ind = col;
        this.seek(this.nextLine);
        if (!this.atEnd && this.indent > ind) value = this.blockNode();
        else {
          if (!this.atEnd && this.indent === ind && this.isDash(this.first)) fail();
          value = new ScalarNode(this.base + nullAt, this.base + nullAt, null, false);
        }
      } else {
        value = this.inlineValue(p);
        this.seek(this.nextLine);
        if (!this.atEnd && this.indent > col) fail();
      }
      this.stack[this.top++] = new EntryNode(key, this.base + keyStart, this.base + colon, value, this.base + colon + 1);
      if (this.top > this.peak) this.peak = this.top;
      end = endOf(value);
      if (this.atEnd || this.indent < col) break;
      if (this.indent > col) fail();
      keyStart = this.first;
      colon = this.keyEnd(keyStart);
      if (colon < 0) fail();
    }
    const entries = this.stack.slice(from, this.top) as YEntry[];
    this.top = from;
    return { kind: 'map', span: { start: (entries[0] as EntryNode).keyStart, end }, flow: false, entries };
  }

  /** A block sequence whose first dash is on the current line. */
  private blockSeq(): YSeq {
    const t = this.t;
    const ind = this.indent;
    const start = this.first;
    const from = this.top;
    for (;;) {
      const dash = this.first;
      let q = dash + 1;
      while (q < this.eol && t.charCodeAt(q) === SPACE) q++;
      let item: YNode;
      if (q === this.eol) {
        const nullAt = q;
        this.seek(this.nextLine);
        if (!this.atEnd && this.indent > ind) item = this.blockNode();
        else item = new ScalarNode(this.base + nullAt, this.base + nullAt, null, false);
      } else {
        const c = t.charCodeAt(q);
        if (c === HASH || this.isDash(q)) fail();
        const colon = this.keyEnd(q);
        if (colon >= 0) item = this.blockMap(q, colon);
        else {
          item = this.inlineValue(q);
          this.seek(this.nextLine);
          if (!this.atEnd && this.indent > ind) fail();
        }
      }
      this.stack[this.top++] = item;
      if (this.top > this.peak) this.peak = this.top;
      if (this.atEnd || this.indent < ind) break;
      if (this.indent > ind || !this.isDash(this.first)) fail();
    }
    const items = this.stack.slice(from, this.top) as YNode[];
    this.top = from;
    return { kind: 'seq', span: { start: this.base + start, end: endOf(items[items.length - 1]) }, flow: false, items };
  }

  /** A scalar or flow collection at `p` that must end the line (a comment may follow). */
  private inlineValue(p: number): YNode {
    const node = this.value(p, false);
    this.lineRest(this.after);
    return node;
  }

  /** Only spaces, or spaces and a comment, may follow a value. */
  private lineRest(i: number): void {
    const t = this.t;
    let j = i;
    while (j < this.eol && t.charCodeAt(j) === SPACE) j++;
    if (j === this.eol) return;
    if (t.charCodeAt(j) === HASH && j > i) return this.comment(j, this.eol);
    fail();
  }

  /** A scalar or flow collection starting at `p`; returns it, and sets `after` to where it ends. */
  private value(p: number, inFlow: boolean): YNode {
    const t = this.t;
    const c = t.charCodeAt(p);
    if (c === 34 /* " */ || c === 39 /* ' */) {
      const close = t.indexOf(c === 34 ? '"' : "'", p + 1);
      if (close < 0 || close >= this.eol) fail();
      const body = t.slice(p + 1, close);
      if (c === 34 && body.includes('\\')) fail();
      if (c === 39 && t.charCodeAt(close + 1) === 39) fail();
      const node = new ScalarNode(this.base + p, this.base + close + 1, body, true);
      this.after = close + 1;
      return node;
    }
    if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++this.depth > MAX_NESTING) fail();
      const r = c === 91 ? this.flowSeq(p) : this.flowMap(p);
      this.depth--;
      return r;
    }
    if (c === 38 /* & */ && !inFlow) return this.anchored(p);
    if (c === 42 /* * */ && !inFlow) return this.alias(p);
    // Indicators that start something other than a plain scalar.
    if (c === 93 || c === 125 || c === 44 || c === HASH || c === 38 || c === 42 || c === 33 || c === 124 || c === 62 || c === 37 || c === 64 || c === 96 || c === 63 || c === COLON) fail();
    if (c === DASH && (p + 1 >= this.eol || t.charCodeAt(p + 1) === SPACE)) fail();
    // A plain scalar: to the end of the line, a comment, or (in flow) a separator.
    let j = p;
    let end = p;
    for (; j < this.eol; j++) {
      const ch = t.charCodeAt(j);
      if (ch === SPACE) {
        if (t.charCodeAt(j + 1) === HASH) break;
        continue;
      }
      if (inFlow) {
        if (ch === 44 || ch === 93 || ch === 125) break;
        if (ch === 91 || ch === 123 || ch === COLON || ch === HASH || ch === 34 || ch === 39) fail();
      } else if (ch === COLON && (j + 1 === this.eol || t.charCodeAt(j + 1) === SPACE)) fail();
      end = j + 1;
    }
    const node = new ScalarNode(this.base + p, this.base + end, this.plainValue(p, end), false);
    this.after = end;
    return node;
  }

  /** The value of the plain scalar `[start, end)`, from the table when it holds the same text (see `VALUE_RAW`). */
  private plainValue(start: number, end: number): string | number | boolean | null {
    const t = this.t;
    const len = end - start;
    // Longer ones (names, mostly) differ anyway, and a slice that long may be a view of the
    // whole text, which the table must not keep alive.
    if (len > MAX_VALUE_CACHED) return resolvePlain(t.slice(start, end));
    const h = (len * 31 + t.charCodeAt(start) * 7 + t.charCodeAt(end - 1) * 3 + t.charCodeAt(start + (len >> 1))) & (VALUE_SLOTS - 1);
    const raw = VALUE_RAW[h];
    if (raw !== undefined && raw.length === len && t.startsWith(raw, start)) return VALUE_VALUE[h];
    const text = t.slice(start, end);
    const value = resolvePlain(text);
    VALUE_RAW[h] = text;
    VALUE_VALUE[h] = value;
    return value;
  }

  /** The name of an anchor or alias whose indicator is at `p`: letters, digits, `_`, `-`, then a space or the line's end. */
  private nameAfter(p: number): number {
    const t = this.t;
    let j = p + 1;
    for (; j < this.eol; j++) {
      const c = t.charCodeAt(j);
      if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === DASH)) break;
    }
    if (j === p + 1 || (j < this.eol && t.charCodeAt(j) !== SPACE)) fail();
    return j;
  }

  /** `&name value` on one line: the value (its span without the anchor), remembered by name. */
  private anchored(p: number): YNode {
    const end = this.nameAfter(p);
    const q = this.skipSpaces(end);
    const c = this.t.charCodeAt(q);
    if (q === this.eol || c === 38 || c === 42 || c === HASH) fail();
    const r = this.value(q, false);
    if (this.anchors === NO_ANCHORS) this.anchors = new Map();
    (this.anchors as Map<string, YNode>).set(this.t.slice(p + 1, end), r);
    return r;
  }

  /**
   * `*name`: a copy of the anchored node with the alias's span everywhere, as the library
   * path expands it; past the alias budget, the library path refuses the document.
   */
  private alias(p: number): YNode {
    const end = this.nameAfter(p);
    const name = this.t.slice(p + 1, end);
    let target = this.anchors.get(name);
    if (!target && this.outer) {
      target = this.outer.get(name);
      this.usedOuter ||= target !== undefined;
    }
    if (!target) fail();
    this.aliasNodes += countNodes(target);
    if (this.aliasNodes > ALIAS_NODE_BUDGET) fail();
    this.after = end;
    return copyWithSpan(target, this.span(p, end));
  }

  private skipSpaces(i: number): number {
    while (i < this.eol && this.t.charCodeAt(i) === SPACE) i++;
    return i;
  }

  private flowSeq(open: number): YSeq {
    const t = this.t;
    const items: YNode[] = [];
    let i = this.skipSpaces(open + 1);
    if (t.charCodeAt(i) !== 93) {
      for (;;) {
        if (i >= this.eol) fail();
        items.push(this.value(i, true));
        i = this.skipSpaces(this.after);
        const c = t.charCodeAt(i);
        if (i >= this.eol) fail();
        if (c === 93) break;
        if (c !== 44) fail();
        i = this.skipSpaces(i + 1);
        if (i >= this.eol || t.charCodeAt(i) === 93) fail();
      }
    }
    this.after = i + 1;
    return { kind: 'seq', span: this.span(open, i + 1), flow: true, items };
  }

  private flowMap(open: number): YMap {
    const t = this.t;
    const entries: YEntry[] = [];
    let i = this.skipSpaces(open + 1);
    if (t.charCodeAt(i) !== 125) {
      for (;;) {
        if (i >= this.eol) fail();
        const keyStart = i;
        const c0 = t.charCodeAt(i);
        if (!((c0 >= 65 && c0 <= 90) || (c0 >= 97 && c0 <= 122) || c0 === 95)) fail();
        while (i < this.eol) {
          const c = t.charCodeAt(i);
          if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 47 || c === DASH) i++;
          else break;
        }
        if (t.charCodeAt(i) !== COLON || t.charCodeAt(i + 1) !== SPACE) fail();
        const keyEnd = i;
        const keyText = t.slice(keyStart, i);
        i = this.skipSpaces(i + 1);
        const v = t.charCodeAt(i);
        if (i >= this.eol || v === 44 || v === 125) fail();
        const value = this.value(i, true);
        entries.push(new EntryNode(String(resolvePlain(keyText)), this.base + keyStart, this.base + keyEnd, value, this.base + keyEnd + 1));
        i = this.skipSpaces(this.after);
        const c = t.charCodeAt(i);
        if (i >= this.eol) fail();
        if (c === 125) break;
        if (c !== 44) fail();
        i = this.skipSpaces(i + 1);
        if (i >= this.eol || t.charCodeAt(i) === 125) fail();
      }
    }
    this.after = i + 1;
    return { kind: 'map', span: this.span(open, i + 1), flow: true, entries };
  }
}

/** How many nodes aliases may expand to in one document. Without aliases the
 * node count is bounded by the text's length, so only expansions need a budget. */
export const ALIAS_NODE_BUDGET = 10_000;

function countNodes(n: YNode): number {
  if (n.kind === 'map') return n.entries.reduce((k, e) => k + (e.value ? countNodes(e.value) : 0), 1);
  if (n.kind === 'seq') return n.items.reduce((k, i) => k + countNodes(i), 1);
  return 1;
}

/** A copy of `n` with span `s` on every node and key, as the library path's alias expansion makes it. */
function copyWithSpan(n: YNode, s: Span): YNode {
  if (n.kind === 'map') return { ...n, span: { ...s }, entries: n.entries.map((e): YEntry => new EntryNode(e.key, s.start, s.end, e.value && copyWithSpan(e.value, s), s.end)) };
  if (n.kind === 'seq') return { ...n, span: { ...s }, items: n.items.map((i) => copyWithSpan(i, s)) };
  return new ScalarNode(s.start, s.end, n.value, n.quoted);
}

const NULL_RE = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL_RE = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const OCT_RE = /^0o[0-7]+$/;
const INT_RE = /^[-+]?[0-9]+$/;
const HEX_RE = /^0x[0-9a-fA-F]+$/;
const NAN_RE = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const EXP_RE = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT_RE = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

/** A plain scalar's value under the YAML 1.2 core schema, tested in the `yaml` library's order. */
export function resolvePlain(s: string): string | number | boolean | null {
  const c = s.charCodeAt(0);
  // Most values are words: nothing below can match a word that starts with another letter.
  if (((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) && c !== 110 && c !== 78 && c !== 116 && c !== 84 && c !== 102 && c !== 70) return s;
  if (NULL_RE.test(s)) return null;
  if (BOOL_RE.test(s)) return c === 116 || c === 84;
  if (OCT_RE.test(s)) return parseInt(s.substring(2), 8);
  if (INT_RE.test(s)) return parseInt(s, 10);
  if (HEX_RE.test(s)) return parseInt(s.substring(2), 16);
  if (NAN_RE.test(s)) return s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (EXP_RE.test(s)) return parseFloat(s);
  if (FLOAT_RE.test(s)) return parseFloat(s);
  return s;
}
