// Text → declarations. Pieces of the file (see segments.ts) are parsed and validated
// on their own and cached, so an edit re-parses only what it touched.
// A parse without a cache is the reference the incremental path must match.
//
// Incremental contract: the results of a parse with a cache belong to that cache.
// The next parse with the same cache reuses every untouched piece's objects and moves
// their spans in place, so keep one cache per document and use only the latest
// ParsedFile from it (earlier ones then describe the newest text, or are stale).

import { appendLine } from './edits';
import { SUPPRESSION_MARK } from './fastYaml';
import { NEED_MORE, type PreviousSegmentation, resumeFrom, type Segment, type Segmentation, segment, startOf } from './segments';
import { type Change, type Chars, SourceText } from './sourceText';
import { computeLineStarts, lineOf, lowerBoundBy, updateLineStarts } from './text';
import type { Decl, DeclMoves, Finding, ParsedFile, Span, Suppressions, YEntry, YMap, YNode, YSeq } from './types';
import { buildHost, buildWorkload, validateRoot } from './validate';
import { copyEntry, EntryNode, ScalarNode } from './yamlNodes';
import { ALIAS_NODE_BUDGET, parseTree } from './yamlTree';

/** Past this size a file is refused with a diagnostic instead of parsed. */
export const MAX_FILE_CHARS = 20 * 1024 * 1024;
/** How much of the start of a file the binary check looks at. */
const PROBE_CHARS = 65536;

/**
 * A `placement-ignore` comment, read when its piece is parsed: suppressions are per-piece
 * data, so that an edit reads only the pieces it touched (their lines come from the line
 * table when the pieces are put together).
 */
interface SuppressionComment {
  /** The comment, `#` to the line's end; moved with its piece. */
  span: Span;
  /** `placement-ignore-file`. */
  file: boolean;
  /** The rule ids, or `['*']`. */
  ids: string[];
  /** Alone on its line: it covers the next line, not its own. */
  ownLine: boolean;
}

const NO_COMMENTS: readonly SuppressionComment[] = [];

interface HeaderResult {
  kind: 'header';
  root: YMap | null;
  /** Top-level content that is not a mapping (kept for the error). */
  other: YNode | null;
  findings: Finding[];
  suppress: readonly SuppressionComment[];
  /** Its anchors (only the first header may have any: see segments.ts), when the fast reader read it. */
  anchors?: ReadonlyMap<string, YNode>;
  aliasNodes: number;
}

interface ItemResult {
  kind: 'item';
  node: YNode | null;
  decl?: Decl;
  findings: Finding[];
  suppress: readonly SuppressionComment[];
  aliasNodes: number;
  /** When its aliases named anchors of the first header: that header's key (see `Env`). */
  env?: string;
}

/**
 * The anchors items' aliases may name: the first header's (an item may not define any:
 * see segments.ts), and that header's piece key. An item parsed with them is reused only
 * while the first header's text stays the same.
 */
interface Env {
  key: string | undefined;
  anchors: ReadonlyMap<string, YNode>;
}

const NO_ANCHORS: ReadonlyMap<string, YNode> = new Map();

/** Thrown when pieces cannot be read on their own after all (their aliases): the file is read whole. */
class ReadWhole {}
const READ_WHOLE = new ReadWhole();

type PieceResult = HeaderResult | ItemResult;

/** One parsed piece; its result's spans are absolute, for the text at `start`. */
interface Piece {
  key: string;
  start: number;
  end: number;
  result: PieceResult;
  /** The parse that last used this piece (a piece serves one place per parse). */
  used: number;
}

let generation = 0;

/** Pieces of one document and what the last parse saw; one per open document. */
export class PieceCache {
  /** Pieces by kind and text. */
  map = new Map<string, Piece>();
  hits = 0;
  misses = 0;
  /** The last parse: its text, file, pieces in order and their segments. */
  source: SourceText | undefined;
  file: string | undefined;
  pieces: Piece[] = [];
  segments: Segment[] | undefined;
  lineStarts: number[] | undefined;
  /** Where the last text's first line ends (-1: it has one line), and its line ending. */
  firstNewline = -1;
  eol: string | undefined;
  /** The `parseId` of the last parse that went through the pieces (what its `moves` are relative to). */
  parseId: number | undefined;

  clear(): void {
    this.map = new Map();
    this.source = this.file = this.segments = this.lineStarts = this.eol = this.parseId = undefined;
    this.firstNewline = -1;
    this.pieces = [];
  }
}

/**
 * Parses one file. With a cache, only what changed since the cache's last parse is
 * parsed again. When `text` is a SourceText edited from the last one the cache saw, it
 * knows where it changed, and the parse reads only around the change, never the whole
 * text: every piece, the line table and the checks are kept or updated from what the
 * cache remembers. Otherwise the two texts are compared.
 */
export function parseFile(file: string, text: string | SourceText, cache?: PieceCache): ParsedFile {
  const source = typeof text === 'string' ? SourceText.of(text) : text;
  const length = source.length;
  if (length > MAX_FILE_CHARS) {
    // Refused unread, so that it costs nothing: not even its line table (the one
    // diagnostic sits at the start of the file).
    cache?.clear();
    return parsedFile(file, source, { findings: [tooLarge(length)], suppressions: noSuppressions(), lineStarts: [0] });
  }
  if (cache && cache.file !== file) cache.clear();
  const { change, firstNewline, eol } = changeSinceCache(source, cache);
  const lineStarts = lineTable(source, cache, change);
  const base = parsedFile(file, source, { findings: [], suppressions: noSuppressions(), lineStarts });
  const refused = refusal(source, cache, change);
  if (refused) {
    cache?.clear();
    base.findings.push(refused);
    return base;
  }
  const remember = () => {
    if (!cache) return;
    cache.file = file;
    cache.source = source;
    cache.lineStarts = lineStarts;
    cache.firstNewline = firstNewline;
    cache.eol = eol;
  };
  const previous: PreviousSegmentation | undefined =
    cache?.segments && change ? { segments: cache.segments, changeStart: change.start, newChangeEnd: change.newEnd, delta: change.newEnd - change.oldEnd } : undefined;
  const seg = previous ? segmentAround(source, previous, change!) : segment(source.text);
  if (!seg.ok) {
    cache?.clear();
    remember();
    return parseWhole(base);
  }
  let gathered: Gathered;
  try {
    gathered = gatherPieces(base, seg, previous !== undefined, cache);
  } catch (e) {
    if (e !== READ_WHOLE) throw e;
    cache?.clear();
    remember();
    return parseWhole(parsedFile(file, source, { findings: [], suppressions: noSuppressions(), lineStarts }));
  }
  if (cache) {
    keepPieces(cache, gathered, seg, previous !== undefined);
    cache.parseId = base.parseId;
    remember();
  }
  stitchRoot(base, gathered);
  return base;
}

function noSuppressions(): Suppressions {
  return { file: new Set(), lines: new Map() };
}

/**
 * Where the new text differs from the cache's last one ([change.start, change.newEnd)),
 * and its first line ending. Fixes take the file's line ending (from its first line): a
 * change of it clears the cache, and there is no change to go by.
 */
function changeSinceCache(source: SourceText, cache: PieceCache | undefined): { change: Change | undefined; firstNewline: number; eol: string } {
  const prev = cache?.source;
  let change: Change | undefined = prev && (source.changeSince(prev) ?? difference(prev.text, source.text));
  const firstNewline = cache && change && cache.firstNewline >= 0 && change.start > cache.firstNewline ? cache.firstNewline : source.indexOf('\n');
  const eol = firstNewline > 0 && source.charCodeAt(firstNewline - 1) === 13 ? '\r\n' : '\n';
  if (cache && cache.eol !== undefined && cache.eol !== eol) {
    cache.clear();
    change = undefined;
  }
  return { change, firstNewline, eol };
}

/** The whole text's `[from, to)`, clamped: how the parse reads around a change. */
function around(source: SourceText, from: number, to: number): string {
  return source.slice(Math.max(0, from), Math.min(source.length, to));
}

/** The line table: the cache's, updated around the change, or computed from the whole text. */
function lineTable(source: SourceText, cache: PieceCache | undefined, change: Change | undefined): number[] {
  if (!cache?.lineStarts || !change) return computeLineStarts(source.text);
  const from = Math.max(0, change.start - 1);
  return updateLineStarts(cache.lineStarts, around(source, from, change.newEnd + 1), from, change);
}

/**
 * A refusal for a text that is not text: a NUL anywhere, or too many controls in its
 * first `PROBE_CHARS` characters. A text the cache parsed was not refused (a refusal
 * clears the cache), so after a change only the changed text, and the probe when the
 * change is inside it, need a look.
 */
function refusal(source: SourceText, cache: PieceCache | undefined, change: Change | undefined): Finding | undefined {
  const nul = cache?.source && change ? around(source, change.start, change.newEnd).includes('\u0000') : source.indexOf('\u0000') >= 0;
  if (nul) return notText();
  return change && change.start >= PROBE_CHARS ? undefined : looksBinary(around(source, 0, PROBE_CHARS));
}

/** What the pieces of one parse give, in text order (see `gatherPieces`). */
interface Gathered {
  /** The parse's generation: pieces it used have `used` set to it. */
  gen: number;
  pieces: Piece[];
  /** The pieces parsed in this parse (not found in the cache). */
  parsedNow: Piece[];
  rootEntries: YEntry[];
  rootSpan: Span | null;
  /** A header's top-level content that is not a mapping (kept for the error). */
  other: YNode | null;
  lists: Record<'hosts' | 'workloads', YNode[]>;
  /** The anchors of the first header, for the items' aliases. */
  env: Env;
  /** Nodes aliases expanded to, over all pieces: past the budget, the file is read whole (which refuses it). */
  aliasNodes: number;
  /** By how much the last piece `pieceFor` took over was moved (0 for a new one). */
  shifted: number;
}

/**
 * Takes each segment's piece (the previous one moved, one found by its text, or a new
 * parse) and adds its findings, declarations and suppressions to `base`.
 */
function gatherPieces(base: ParsedFile, seg: Extract<Segmentation, { ok: true }>, edited: boolean, cache: PieceCache | undefined): Gathered {
  const source = base.source!;
  const g: Gathered = {
    gen: ++generation,
    pieces: [],
    parsedNow: [],
    rootEntries: [],
    rootSpan: null,
    other: null,
    lists: { hosts: [], workloads: [] },
    env: { key: undefined, anchors: NO_ANCHORS },
    aliasNodes: 0,
    shifted: 0,
  };
  const oldPieces = cache?.pieces ?? [];
  const segs = seg.segments;
  // How the declarations taken over moved, as runs (see DeclMoves).
  const since = cache?.parseId;
  const moves: DeclMoves | undefined = since === undefined ? undefined : { since, hosts: [], workloads: [] };
  // Suppression comments, per piece, and in the blank or comment lines between pieces.
  const suppress: (readonly SuppressionComment[])[] = [];
  let covered = 0;
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i];
    if (s.start > covered) suppress.push(gapSuppressions(source.slice(covered, s.start), covered));
    covered = s.end;
    // Pieces before the edit and after it are the previous ones (the latter moved);
    // the rest are looked up by their text, then parsed.
    let old: Piece | undefined;
    if (edited && i < seg.keptBefore) old = oldPieces[i];
    else if (edited && i >= seg.shiftedFrom) old = oldPieces[seg.shiftedOld + i - seg.shiftedFrom];
    const piece = pieceFor(s, old, g, base.file, source, cache);
    const shifted = g.shifted;
    g.pieces.push(piece);
    const r = piece.result;
    g.aliasNodes += r.aliasNodes;
    if (i === 0 && r.kind === 'header' && r.anchors?.size) g.env = { key: piece.key, anchors: r.anchors };
    if (r.suppress.length) suppress.push(r.suppress);
    // Indexed loops: this one runs once per edit, unoptimized, where for-of allocates.
    for (let j = 0; j < r.findings.length; j++) base.findings.push(r.findings[j]);
    if (r.kind === 'header') addHeader(g, r);
    else {
      if (r.node) g.lists[s.list!].push(r.node);
      const list = r.decl?.kind === 'host' ? base.hosts : r.decl?.kind === 'workload' ? base.workloads : undefined;
      if (list) {
        if (shifted && moves) addMove(r.decl!.kind === 'host' ? moves.hosts : moves.workloads, list.length, shifted);
        (list as Decl[]).push(r.decl!);
      }
    }
  }
  if (g.aliasNodes > ALIAS_NODE_BUDGET) throw READ_WHOLE;
  if (moves) base.moves = moves;
  if (covered < source.length) suppress.push(gapSuppressions(source.slice(covered, source.length), covered));
  base.suppressions = suppressionsOf(suppress, base.lineStarts);
  return g;
}

/**
 * The piece for segment `s`: `old` (the previous parse's piece at its place), else one
 * of the cache's with the same text, else a new parse. A piece taken over is moved to
 * the segment; by how much is left in `g.shifted`. No closure and no result object per
 * call: this runs for every piece after an edit, unoptimized during the first edits.
 */
function pieceFor(s: Segment, old: Piece | undefined, g: Gathered, file: string, source: SourceText, cache: PieceCache | undefined): Piece {
  g.shifted = 0;
  let piece = claim(old, s, g);
  if (!piece) {
    const text = source.slice(s.start, s.end);
    // Without a cache a piece is never looked up again: no key.
    const key = !cache ? '' : s.kind === 'header' ? `h\u0000${text}` : `${s.list}\u0000${text}`;
    piece = claim(cache?.map.get(key), s, g);
    if (!piece) {
      if (cache) cache.misses++;
      const result = s.kind === 'header' ? parseHeader(text, s.start) : parseItem(text, s.start, s.list!, file, source, g.env, cache !== undefined);
      piece = { key, start: s.start, end: s.end, result, used: g.gen };
      if (cache) g.parsedNow.push(piece);
      return piece;
    }
  }
  if (cache) cache.hits++;
  return piece;
}

/** Takes `p` over for segment `s`, moved there (by `g.shifted`); undefined when it cannot serve. */
function claim(p: Piece | undefined, s: Segment, g: Gathered): Piece | undefined {
  // A piece whose aliases named the first header's anchors is good only with that header.
  if (!p || p.used === g.gen || (p.result.kind === 'item' && p.result.env !== undefined && p.result.env !== g.env.key)) return undefined;
  const shifted = s.start - p.start;
  if (shifted) shiftResult(p.result, shifted);
  p.start = s.start;
  p.end = s.end;
  p.used = g.gen;
  g.shifted = shifted;
  return p;
}

/** A header piece's top-level entries join the root mapping. */
function addHeader(g: Gathered, r: HeaderResult): void {
  if (r.root) {
    for (const e of r.root.entries) g.rootEntries.push(copyEntry(e));
    g.rootSpan = g.rootSpan ? { start: g.rootSpan.start, end: Math.max(g.rootSpan.end, r.root.span.end) } : { ...r.root.span };
  }
  if (r.other) g.other = r.other;
}

/**
 * Remembers this parse's pieces: forgets the ones it did not use (after an edit, only
 * those between the ones kept before it and the ones moved after it can be unused) and
 * adds the new ones by text.
 */
function keepPieces(cache: PieceCache, g: Gathered, seg: Extract<Segmentation, { ok: true }>, edited: boolean): void {
  const oldPieces = cache.pieces;
  const [from, to] = edited ? [seg.keptBefore, seg.shiftedOld] : [0, oldPieces.length];
  for (let j = from; j < to; j++) {
    const p = oldPieces[j];
    if (p.used !== g.gen && cache.map.get(p.key) === p) cache.map.delete(p.key);
  }
  // Only the pieces parsed now are new. A reused piece whose key went with an unused
  // twin (two items with the same text) is not looked up by text again: a miss later, no harm.
  for (const p of g.parsedNow) if (!cache.map.has(p.key)) cache.map.set(p.key, p);
  cache.pieces = g.pieces;
  cache.segments = seg.segments;
}

/** Stitches the pieces into one root mapping, as a whole parse would give, and validates it. */
function stitchRoot(base: ParsedFile, g: Gathered): void {
  const length = base.source!.length;
  const whole = { start: 0, end: length };
  const { rootEntries, lists } = g;
  if (!rootEntries.length && g.other !== null) {
    validateRoot(g.other, base.findings, whole, base.source!);
    return;
  }
  const root: YMap = { kind: 'map', flow: false, span: g.rootSpan ?? { start: 0, end: length }, entries: rootEntries };
  for (const e of rootEntries) {
    if ((e.key !== 'hosts' && e.key !== 'workloads') || (e.value && !(e.value.kind === 'scalar' && e.value.value === null))) continue;
    const items = lists[e.key];
    if (items.length) e.value = { kind: 'seq', flow: false, span: { start: items[0].span.start, end: items[items.length - 1].span.end }, items } satisfies YSeq;
  }
  // Items come in text order: each list's last one ends last.
  let end = root.span.end;
  for (const items of [lists.hosts, lists.workloads]) if (items.length) end = Math.max(end, items[items.length - 1].span.end);
  root.span = { start: root.span.start, end };
  if (rootEntries.length) {
    base.root = root;
    validateRoot(root, base.findings, whole, base.source!);
  } else addEmptyFinding(base, length);
}

/** A ParsedFile over `source`: `text` is read from it only when asked for. */
let parseIds = 0;

/** Adds a declaration at `index` moved by `delta` to runs of moves (DeclMoves). */
function addMove(runs: number[], index: number, delta: number): void {
  const n = runs.length;
  if (n && runs[n - 1] === delta && runs[n - 3] + runs[n - 2] === index) runs[n - 2]++;
  else runs.push(index, 1, delta);
}

export function parsedFile(file: string, source: SourceText, rest: Pick<ParsedFile, 'findings' | 'suppressions' | 'lineStarts'>): ParsedFile {
  return {
    file,
    parseId: ++parseIds,
    get text() {
      return source.text;
    },
    source,
    hosts: [],
    workloads: [],
    root: null,
    ...rest,
  };
}

/** Where two texts differ, compared a block at a time (string equality is memcmp). */
function difference(a: string, b: string): Change {
  const start = commonPrefix(a, b);
  const tail = commonSuffix(a, b, Math.min(a.length, b.length) - start);
  return { start, oldEnd: a.length - tail, newEnd: b.length - tail };
}

function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  for (let step = 4096; step >= 1; step >>= 4) {
    while (i + step <= n && a.substring(i, i + step) === b.substring(i, i + step)) i += step;
  }
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** Length of the common suffix, at most `max`. */
function commonSuffix(a: string, b: string, max: number): number {
  let i = 0;
  const al = a.length;
  const bl = b.length;
  for (let step = 4096; step >= 1; step >>= 4) {
    while (i + step <= max && a.substring(al - i - step, al - i) === b.substring(bl - i - step, bl - i)) i += step;
  }
  while (i < max && a.charCodeAt(al - i - 1) === b.charCodeAt(bl - i - 1)) i++;
  return i;
}

/**
 * Segments the text after a change from a window around it: from the piece the run
 * resumes at to a little past the first old piece after the change, where it should be
 * back in step. A run that needs more gets a window twice as large, up to the whole text.
 */
function segmentAround(source: SourceText, previous: PreviousSegmentation, change: Change): Segmentation {
  const old = previous.segments;
  const lineStart = source.lastIndexOfChar('\n', change.start - 1) + 1;
  const r = resumeFrom(old, lineStart);
  const from = r > 0 ? old[r].start : 0;
  // The first old piece at or after the change's old end (its start moved by the change).
  const q = lowerBoundBy(old, change.oldEnd, startOf, r);
  let to = q + 1 < old.length ? old[q + 1].start + change.newEnd - change.oldEnd : source.length;
  for (;;) {
    to = Math.min(to, source.length);
    const complete = to >= source.length;
    const seg = segment(source.slice(from, to), previous, { base: from, complete });
    if (seg.ok || seg.reason !== NEED_MORE || complete) return seg;
    to = from + 2 * (to - from) + 4096;
  }
}

/** The reference parse: the whole text at once, no pieces, no cache. */
export function parseWhole(base: ParsedFile): ParsedFile {
  const { text, file } = base;
  const tree = parseTree(text, 0);
  base.findings.push(...tree.findings);
  base.suppressions = suppressionsOf([readSuppressions(text, 0, tree.comments)], base.lineStarts);
  const maps = tree.roots.filter((r): r is YNode => r !== null);
  for (const root of maps) {
    validateRoot(root, base.findings, { start: 0, end: text.length }, text);
    if (root.kind !== 'map') continue;
    if (!base.root) base.root = root;
    for (const e of root.entries) {
      if ((e.key !== 'hosts' && e.key !== 'workloads') || e.value?.kind !== 'seq') continue;
      for (const item of e.value.items) {
        const span = itemSpan(text, 0, item);
        const d = e.key === 'hosts' ? buildHost(item, file, span, base.findings, text) : buildWorkload(item, file, span, base.findings, text);
        if (d?.kind === 'host') base.hosts.push(d);
        else if (d?.kind === 'workload') base.workloads.push(d);
      }
    }
  }
  if (!maps.length && !tree.findings.length) addEmptyFinding(base, text.length);
  return base;
}

function addEmptyFinding(base: ParsedFile, length: number): void {
  if (base.findings.some((f) => f.ruleId === 'yaml-syntax')) return;
  base.findings.push({
    ruleId: 'missing-field',
    message: 'The descriptor is empty: start with `version: 1`, then `hosts:` and/or `workloads:`.',
    span: { start: 0, end: Math.min(length, 1) },
    // At the end: after any directive, `---` or comment the file has.
    fixes: [{ title: 'Add `version: 1`', edits: [appendLine(base.source, 'version: 1')], safe: true }],
  });
}

/**
 * The item's span starts at its dash when there is one. `text` is the whole text's
 * `[at, ...)` and starts at a line start (a whole text, or a piece).
 */
function itemSpan(text: string, at: number, node: YNode): Span {
  let s = node.span.start;
  let i = s - at - 1;
  while (i >= 0 && text[i] === ' ') i--;
  if (i >= 0 && text[i] === '-') s = at + i;
  return { start: s, end: node.span.end };
}

function parseHeader(piece: string, at: number): HeaderResult {
  const tree = parseTree(piece, at);
  const findings = tree.findings.map(detachFinding);
  const suppress = readSuppressions(piece, at, tree.comments);
  const r = tree.roots[0] ?? null;
  const { anchors, aliasNodes } = tree;
  if (r && r.kind === 'map') return { kind: 'header', root: r, other: null, findings, suppress, anchors, aliasNodes };
  return { kind: 'header', root: null, other: r, findings, suppress, anchors, aliasNodes };
}

/**
 * Parses the piece `text[at, at + piece.length)`; spans are absolute. `kept`: the piece
 * goes into a cache, where it may be moved (see `shiftResult`).
 */
function parseItem(piece: string, at: number, list: 'hosts' | 'workloads', file: string, text: Chars, env: Env, kept: boolean): ItemResult {
  const tree = parseTree(piece, at, env.anchors);
  if (tree.needsWhole) throw READ_WHOLE;
  // The tree's own list (parseTree makes one per call).
  const findings = tree.findings;
  const suppress = readSuppressions(piece, at, tree.comments);
  const aliasNodes = tree.aliasNodes;
  const usedEnv = tree.usedOuter ? env.key : undefined;
  const seq = tree.roots[0];
  if (!seq || seq.kind !== 'seq' || seq.items.length === 0) {
    return { kind: 'item', node: null, findings: findings.map(detachFinding), suppress, aliasNodes, env: usedEnv };
  }
  const node = seq.items[0];
  const span = itemSpan(piece, at, node);
  const decl = list === 'hosts' ? buildHost(node, file, span, findings, text) : buildWorkload(node, file, span, findings, text);
  // Give the declaration and the findings their own span objects, so that moving the
  // piece moves every span exactly once. A piece no cache keeps never moves.
  if (decl && kept) {
    decl.span = { ...decl.span };
    decl.nameSpan = { ...decl.nameSpan };
    if (decl.kind === 'workload') {
      for (const v of decl.volumes) v.span = { ...v.span };
      for (const p of decl.pins) p.span = { ...p.span };
    }
  }
  return { kind: 'item', node, decl, findings: findings.length ? findings.map(detachFinding) : findings, suppress, aliasNodes, env: usedEnv };
}

function detachFinding(f: Finding): Finding {
  const out: Finding = { ...f, span: { ...f.span } };
  if (f.fixes) out.fixes = f.fixes.map((x) => ({ ...x, edits: x.edits.map((e) => ({ ...e, span: { ...e.span } })) }));
  return out;
}

// Indexed loops here and below: they run over every node after an edit, unoptimized
// during the first edits, where for-of costs an iterator per list.

/** Moves findings' spans and their fixes' edits by `delta`, in place (each span owned once). */
export function shiftFindings(findings: readonly Finding[], delta: number): void {
  for (let i = 0; i < findings.length; i++) {
    const f = findings[i];
    f.span.start += delta;
    f.span.end += delta;
    const fixes = f.fixes;
    if (!fixes) continue;
    for (let j = 0; j < fixes.length; j++) {
      const edits = fixes[j].edits;
      for (let k = 0; k < edits.length; k++) {
        const e = edits[k].span;
        e.start += delta;
        e.end += delta;
      }
    }
  }
}

/** Moves every span of a piece's result by `delta`, in place (each span is owned once). */
function shiftResult(r: PieceResult, delta: number): void {
  if (delta === 0) return;
  if (r.findings.length) shiftFindings(r.findings, delta);
  const sup = r.suppress;
  for (let i = 0; i < sup.length; i++) {
    const c = sup[i].span;
    c.start += delta;
    c.end += delta;
  }
  if (r.kind === 'header') {
    if (r.root) shiftNode(r.root, delta);
    if (r.other) shiftNode(r.other, delta);
    return;
  }
  if (r.node) shiftNode(r.node, delta);
  const d = r.decl;
  if (!d) return;
  d.span.start += delta;
  d.span.end += delta;
  d.nameSpan.start += delta;
  d.nameSpan.end += delta;
  if (d.kind === 'workload') {
    const { volumes, pins } = d;
    for (let i = 0; i < volumes.length; i++) {
      const v = volumes[i].span;
      v.start += delta;
      v.end += delta;
    }
    for (let i = 0; i < pins.length; i++) {
      const p = pins[i].span;
      p.start += delta;
      p.end += delta;
    }
  }
}

function shiftNode(n: YNode, delta: number): void {
  // The parse's own nodes keep their spans as numbers (yamlNodes.ts).
  if (n instanceof ScalarNode) return n.move(delta);
  n.span.start += delta;
  n.span.end += delta;
  if (n.kind === 'map') {
    const entries = n.entries;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i];
      if (e instanceof EntryNode) e.move(delta);
      else {
        e.keySpan.start += delta;
        e.keySpan.end += delta;
        e.colonEnd += delta;
      }
      if (e.value) shiftNode(e.value, delta);
    }
  } else if (n.kind === 'seq') {
    const items = n.items;
    for (let i = 0; i < items.length; i++) shiftNode(items[i], delta);
  }
}

/** A file refused unread (the reader found it over its size limit): the one diagnostic, no text. */
export function tooLargeFile(file: string, size: number): ParsedFile {
  return parsedFile(file, SourceText.of(''), { findings: [tooLarge(size)], suppressions: { file: new Set(), lines: new Map() }, lineStarts: [0] });
}

function tooLarge(length: number): Finding {
  return {
    ruleId: 'yaml-syntax',
    message: `The file is too large to analyse (${(length / 1048576).toFixed(1)} MB; the limit is ${MAX_FILE_CHARS / 1048576} MB). Split it into several descriptor files.`,
    span: { start: 0, end: 0 },
  };
}

/** A refusal for input that is not text at all, from the file's first `PROBE_CHARS` characters. */
function looksBinary(probe: string): Finding | undefined {
  // eslint-disable-next-line no-control-regex
  const controls = probe.match(/[\u0000-\u0008\u000e-\u001f\ufffd]/g)?.length ?? 0;
  return probe.includes('\u0000') || controls > Math.max(8, probe.length / 100) ? notText() : undefined;
}

function notText(): Finding {
  return { ruleId: 'yaml-syntax', message: 'The file looks binary or is not UTF-8 text; a descriptor must be UTF-8 YAML.', span: { start: 0, end: 0 } };
}

const SUPPRESS = /#\s*placement-ignore(-file)?(?![\w-])(?:\s*:?\s*([A-Za-z0-9_,\s-]*))?/g;

/**
 * The suppressions in `comments` (spans of whole comments, see `TreeResult.comments`) of
 * `text`, which is the whole text's `[at, …)` and starts at a line start. Only comment
 * text is read, so a rule-id list ends with its line and a `#placement-ignore` inside a
 * quoted value or a block scalar is just text.
 */
function readSuppressions(text: string, at: number, comments: readonly Span[]): readonly SuppressionComment[] {
  if (!comments.length) return NO_COMMENTS;
  const out: SuppressionComment[] = [];
  for (const c of comments) {
    const from = c.start - at;
    const body = text.slice(from, c.end - at);
    const lineStart = Math.max(text.lastIndexOf('\n', from - 1), text.lastIndexOf('\r', from - 1)) + 1;
    const ownLine = text.slice(lineStart, from).trim() === '';
    SUPPRESS.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = SUPPRESS.exec(body))) {
      const ids = (m[2] ?? '').split(/[\s,]+/).filter(Boolean);
      out.push({ span: { start: c.start, end: c.end }, file: !!m[1], ids: ids.length ? ids : ['*'], ownLine });
    }
  }
  return out.length ? out : NO_COMMENTS;
}

/**
 * The suppressions in text between pieces (`text` is the whole text's `[at, …)`), which
 * the splitter leaves only to blank and comment lines: every `#` that starts a line's
 * content starts a comment.
 */
function gapSuppressions(text: string, at: number): readonly SuppressionComment[] {
  if (!text.includes(SUPPRESSION_MARK)) return NO_COMMENTS;
  const comments: Span[] = [];
  for (const m of text.matchAll(/^[ \t]*(#[^\r\n]*)/gm)) {
    const start = at + m.index + m[0].length - m[1].length;
    comments.push({ start, end: start + m[1].length });
  }
  return readSuppressions(text, at, comments);
}

/** The suppressions of a text read whole (`comments` from `parseTree`): for readers other than `parseFile` (manifests). */
export function suppressionsIn(text: string, comments: readonly Span[], lineStarts: readonly number[]): Suppressions {
  return suppressionsOf([readSuppressions(text, 0, comments)], lineStarts);
}

/** Puts the pieces' suppression comments together, with their lines from the line table. */
function suppressionsOf(lists: readonly (readonly SuppressionComment[])[], lineStarts: readonly number[]): Suppressions {
  const res: Suppressions = { file: new Set(), lines: new Map() };
  for (const list of lists) {
    for (const c of list) {
      if (c.file) {
        for (const id of c.ids) res.file.add(id);
        continue;
      }
      const target = lineOf(lineStarts, c.span.start) + (c.ownLine ? 1 : 0);
      let cur = res.lines.get(target);
      if (!cur) res.lines.set(target, (cur = new Set()));
      for (const id of c.ids) cur.add(id);
    }
  }
  return res;
}
