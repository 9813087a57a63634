// Text → declarations. Pieces of the file (see segments.ts) are parsed and validated
// on their own and cached, so an edit re-parses only what it touched.
// A parse without a cache is the reference the incremental path must match.
//
// Incremental contract: the results of a parse with a cache belong to that cache.
// The next parse with the same cache reuses every untouched piece's objects and moves
// their spans in place, so keep one cache per document and use only the latest
// ParsedFile from it (earlier ones then describe the newest text, or are stale).

import { NEED_MORE, type PreviousSegmentation, resumeFrom, type Segment, type Segmentation, segment } from './segments';
import { type Change, type Chars, SourceText } from './sourceText';
import { computeLineStarts, updateLineStarts } from './text';
import type { Decl, DeclMoves, Finding, ParsedFile, Span, Suppressions, YEntry, YMap, YNode, YSeq } from './types';
import { buildHost, buildWorkload, validateRoot } from './validate';
import { parseTree } from './yamlTree';

/** Past this size a file is refused with a diagnostic instead of parsed. */
export const MAX_FILE_CHARS = 20 * 1024 * 1024;
/** How much of the start of a file the binary check looks at. */
const PROBE_CHARS = 65536;

interface HeaderResult {
  kind: 'header';
  root: YMap | null;
  /** Top-level content that is not a mapping (kept for the error). */
  other: YNode | null;
  findings: Finding[];
}

interface ItemResult {
  kind: 'item';
  node: YNode | null;
  decl?: Decl;
  findings: Finding[];
}

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
  /** True when the last text had no `placement-ignore` anywhere. */
  suppressionFree = false;
  /** Where the last text's first line ends (-1: it has one line), and its line ending. */
  firstNewline = -1;
  eol: string | undefined;
  /** The `parseId` of the last parse that went through the pieces (what its `moves` are relative to). */
  parseId: number | undefined;

  clear(): void {
    this.map = new Map();
    this.suppressionFree = false;
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
  const noSuppressions = (): Suppressions => ({ file: new Set(), lines: new Map() });
  if (length > MAX_FILE_CHARS) {
    // Refused unread, so that it costs nothing: not even its line table (the one
    // diagnostic sits at the start of the file).
    cache?.clear();
    return parsedFile(file, source, { findings: [tooLarge(length)], suppressions: noSuppressions(), lineStarts: [0] });
  }
  if (cache && cache.file !== file) cache.clear();
  // Where the new text differs from the last one: [change.start, change.newEnd).
  const prev = cache?.source;
  let change: Change | undefined = prev && (source.changeSince(prev) ?? difference(prev.text, source.text));
  // Fixes take the file's line ending (from its first line); a change of it invalidates
  // every piece.
  const firstNewline = cache && change && cache.firstNewline >= 0 && change.start > cache.firstNewline ? cache.firstNewline : source.indexOf('\n');
  const eol = firstNewline > 0 && source.charCodeAt(firstNewline - 1) === 13 ? '\r\n' : '\n';
  if (cache && cache.eol !== undefined && cache.eol !== eol) {
    cache.clear();
    change = undefined;
  }
  // Everything below reads the new text around the change only, from `around`.
  const around = (from: number, to: number) => source.slice(Math.max(0, from), Math.min(length, to));
  let lineStarts: number[];
  if (cache?.lineStarts && change) {
    const from = Math.max(0, change.start - 1);
    lineStarts = updateLineStarts(cache.lineStarts, around(from, change.newEnd + 1), from, change);
  } else lineStarts = computeLineStarts(source.text);
  // Most files have no suppression comment: then only the changed text needs a look.
  const suppressionFree =
    cache?.suppressionFree && change ? !around(change.start - 20, change.newEnd + 20).includes('placement-ignore') : source.indexOf('placement-ignore') < 0;
  const suppressions: Suppressions = suppressionFree ? noSuppressions() : scanSuppressions(source.text, lineStarts);
  const base = parsedFile(file, source, { findings: [], suppressions, lineStarts });
  // The start of the file did not change: it was not refused before (a refusal clears the cache).
  const refused = change && change.start >= PROBE_CHARS ? undefined : looksBinary(around(0, PROBE_CHARS));
  const remember = () => {
    if (!cache) return;
    cache.file = file;
    cache.source = source;
    cache.lineStarts = lineStarts;
    cache.suppressionFree = suppressionFree;
    cache.firstNewline = firstNewline;
    cache.eol = eol;
  };
  if (refused) {
    cache?.clear();
    base.findings.push(refused);
    return base;
  }
  const previous: PreviousSegmentation | undefined =
    cache?.segments && change ? { segments: cache.segments, changeStart: change.start, newChangeEnd: change.newEnd, delta: change.newEnd - change.oldEnd } : undefined;
  const seg = previous ? segmentAround(source, previous, change!) : segment(source.text);
  if (!seg.ok) {
    cache?.clear();
    remember();
    if (cache) cache.suppressionFree = false;
    return parseWhole(base);
  }

  const gen = ++generation;
  const oldPieces = cache?.pieces ?? [];
  const pieces: Piece[] = [];
  const rootEntries: YEntry[] = [];
  const lists: Record<'hosts' | 'workloads', YNode[]> = { hosts: [], workloads: [] };
  let rootSpan: Span | null = null;
  let other: YNode | null = null;
  const segs = seg.segments;
  const parsedNow: Piece[] = [];
  // How the declarations taken over moved, as runs (see DeclMoves).
  const since = cache?.parseId;
  const moves: DeclMoves | undefined = since === undefined ? undefined : { since, hosts: [], workloads: [] };
  let shifted = 0;
  const claim = (p: Piece | undefined, s: Segment): Piece | undefined => {
    if (!p || p.used === gen) return undefined;
    shifted = s.start - p.start;
    if (shifted) shiftResult(p.result, shifted);
    p.start = s.start;
    p.end = s.end;
    p.used = gen;
    return p;
  };
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i];
    // Pieces before the edit and after it are the previous ones (the latter moved);
    // the rest are looked up by their text, then parsed.
    let piece: Piece | undefined;
    shifted = 0;
    if (previous && i < seg.keptBefore) piece = claim(oldPieces[i], s);
    else if (previous && i >= seg.shiftedFrom) piece = claim(oldPieces[seg.shiftedOld + i - seg.shiftedFrom], s);
    let key: string | undefined;
    if (!piece) {
      const text_ = source.slice(s.start, s.end);
      key = s.kind === 'header' ? `h\u0000${text_}` : `${s.list}\u0000${text_}`;
      piece = claim(cache?.map.get(key), s);
      if (!piece) {
        if (cache) cache.misses++;
        const result = s.kind === 'header' ? parseHeader(text_, s.start) : parseItem(text_, s.start, s.list!, file, source);
        piece = { key, start: s.start, end: s.end, result, used: gen };
        parsedNow.push(piece);
      } else if (cache) cache.hits++;
    } else if (cache) cache.hits++;
    pieces.push(piece);
    const r = piece.result;
    // Indexed loops: this one runs once per edit, unoptimized, where for-of allocates.
    for (let j = 0; j < r.findings.length; j++) base.findings.push(r.findings[j]);
    if (r.kind === 'header') {
      if (r.root) {
        for (const e of r.root.entries) rootEntries.push({ ...e });
        rootSpan = rootSpan ? { start: rootSpan.start, end: Math.max(rootSpan.end, r.root.span.end) } : { ...r.root.span };
      }
      if (r.other) other = r.other;
    } else {
      if (r.node) lists[s.list!].push(r.node);
      if (r.decl?.kind === 'host') {
        if (shifted && moves) addMove(moves.hosts, base.hosts.length, shifted);
        base.hosts.push(r.decl);
      } else if (r.decl?.kind === 'workload') {
        if (shifted && moves) addMove(moves.workloads, base.workloads.length, shifted);
        base.workloads.push(r.decl);
      }
    }
  }
  if (moves) base.moves = moves;
  if (cache) {
    cache.parseId = base.parseId;
    // Forget the pieces this parse did not use (after an edit, only those between the
    // ones kept before it and the ones moved after it can be unused); remember the new
    // ones by text.
    const [from, to] = previous ? [seg.keptBefore, seg.shiftedOld] : [0, oldPieces.length];
    for (let j = from; j < to; j++) {
      const p = oldPieces[j];
      if (p.used !== gen && cache.map.get(p.key) === p) cache.map.delete(p.key);
    }
    // Only the pieces parsed now are new. A reused piece whose key went with an unused
    // twin (two items with the same text) is not looked up by text again: a miss later, no harm.
    for (const p of parsedNow) if (!cache.map.has(p.key)) cache.map.set(p.key, p);
    cache.pieces = pieces;
    cache.segments = segs;
    remember();
  }

  // Stitch the pieces into one root mapping, as a whole parse would give.
  if (rootEntries.length || other === null) {
    const root: YMap = { kind: 'map', flow: false, span: rootSpan ?? { start: 0, end: length }, entries: rootEntries };
    for (const e of rootEntries) {
      if ((e.key === 'hosts' || e.key === 'workloads') && (!e.value || (e.value.kind === 'scalar' && e.value.value === null))) {
        const items = lists[e.key];
        if (items.length) {
          const seq: YSeq = { kind: 'seq', flow: false, span: { start: items[0].span.start, end: items[items.length - 1].span.end }, items };
          e.value = seq;
        }
      }
    }
    // Items come in text order: each list's last one ends last.
    let end = root.span.end;
    for (const items of [lists.hosts, lists.workloads]) if (items.length) end = Math.max(end, items[items.length - 1].span.end);
    root.span = { start: root.span.start, end };
    base.root = rootEntries.length ? root : null;
    if (rootEntries.length) validateRoot(root, base.findings, { start: 0, end: length }, source);
  } else {
    validateRoot(other, base.findings, { start: 0, end: length }, source);
  }
  if (!rootEntries.length && !other) addEmptyFinding(base, length);
  return base;
}

/** A ParsedFile over `source`: `text` is read from it only when asked for. */
let parseIds = 0;

/** Adds a declaration at `index` moved by `delta` to runs of moves (DeclMoves). */
function addMove(runs: number[], index: number, delta: number): void {
  const n = runs.length;
  if (n && runs[n - 1] === delta && runs[n - 3] + runs[n - 2] === index) runs[n - 2]++;
  else runs.push(index, 1, delta);
}

function parsedFile(file: string, source: SourceText, rest: Pick<ParsedFile, 'findings' | 'suppressions' | 'lineStarts'>): ParsedFile {
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
  let q = r;
  for (let hi = old.length; q < hi; ) {
    const mid = (q + hi) >> 1;
    if (old[mid].start < change.oldEnd) q = mid + 1;
    else hi = mid;
  }
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
    fixes: [{ title: 'Add `version: 1`', edits: [{ span: { start: 0, end: 0 }, newText: 'version: 1\n' }], safe: true }],
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
  const r = tree.roots[0] ?? null;
  if (r && r.kind === 'map') return { kind: 'header', root: r, other: null, findings };
  return { kind: 'header', root: null, other: r, findings };
}

/** Parses the piece `text[at, at + piece.length)`; spans are absolute. */
function parseItem(piece: string, at: number, list: 'hosts' | 'workloads', file: string, text: Chars): ItemResult {
  const tree = parseTree(piece, at);
  const findings = [...tree.findings];
  const seq = tree.roots[0];
  if (!seq || seq.kind !== 'seq' || seq.items.length === 0) {
    return { kind: 'item', node: null, findings: findings.map(detachFinding) };
  }
  const node = seq.items[0];
  const span = itemSpan(piece, at, node);
  const decl = list === 'hosts' ? buildHost(node, file, span, findings, text) : buildWorkload(node, file, span, findings, text);
  // Give the declaration and the findings their own span objects, so that moving the
  // piece moves every span exactly once.
  if (decl) {
    decl.span = { ...decl.span };
    decl.nameSpan = { ...decl.nameSpan };
    if (decl.kind === 'workload') {
      for (const v of decl.volumes) v.span = { ...v.span };
      for (const p of decl.pins) p.span = { ...p.span };
    }
  }
  return { kind: 'item', node, decl, findings: findings.map(detachFinding) };
}

function detachFinding(f: Finding): Finding {
  const out: Finding = { ...f, span: { ...f.span } };
  if (f.fixes) out.fixes = f.fixes.map((x) => ({ ...x, edits: x.edits.map((e) => ({ ...e, span: { ...e.span } })) }));
  return out;
}

/** Moves findings' spans and their fixes' edits by `delta`, in place (each span owned once). */
export function shiftFindings(findings: readonly Finding[], delta: number): void {
  for (const f of findings) {
    f.span.start += delta;
    f.span.end += delta;
    if (f.fixes) {
      for (const x of f.fixes) {
        for (const e of x.edits) {
          e.span.start += delta;
          e.span.end += delta;
        }
      }
    }
  }
}

/** Moves every span of a piece's result by `delta`, in place (each span is owned once). */
function shiftResult(r: PieceResult, delta: number): void {
  if (delta === 0) return;
  shiftFindings(r.findings, delta);
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
    for (const v of d.volumes) {
      v.span.start += delta;
      v.span.end += delta;
    }
    for (const p of d.pins) {
      p.span.start += delta;
      p.span.end += delta;
    }
  }
}

function shiftNode(n: YNode, delta: number): void {
  n.span.start += delta;
  n.span.end += delta;
  if (n.kind === 'map') {
    for (const e of n.entries) {
      e.keySpan.start += delta;
      e.keySpan.end += delta;
      e.colonEnd += delta;
      if (e.value) shiftNode(e.value, delta);
    }
  } else if (n.kind === 'seq') {
    for (const it of n.items) shiftNode(it, delta);
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
  if (probe.includes('\u0000') || controls > Math.max(8, probe.length / 100)) {
    return {
      ruleId: 'yaml-syntax',
      message: 'The file looks binary or is not UTF-8 text; a descriptor must be UTF-8 YAML.',
      span: { start: 0, end: 0 },
    };
  }
  return undefined;
}

const SUPPRESS = /#\s*placement-ignore(-file)?(?![\w-])(?:\s*:?\s*([A-Za-z0-9_,\s-]*))?/g;

export function scanSuppressions(text: string, lineStarts: readonly number[]): Suppressions {
  const res: Suppressions = { file: new Set(), lines: new Map() };
  if (!text.includes('placement-ignore')) return res;
  SUPPRESS.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = SUPPRESS.exec(text))) {
    const ids = (m[2] ?? '')
      .split(/[\s,]+/)
      .map((s) => s.trim())
      .filter(Boolean);
    const set = ids.length ? ids : ['*'];
    if (m[1]) {
      for (const id of set) res.file.add(id);
      continue;
    }
    let line = 0;
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (lineStarts[mid] <= m.index) {
        line = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    const before = text.slice(lineStarts[line], m.index);
    // A comment alone on its line covers the next line; a trailing one covers its own.
    const target = before.trim() === '' ? line + 1 : line;
    const cur = res.lines.get(target) ?? new Set<string>();
    for (const id of set) cur.add(id);
    res.lines.set(target, cur);
  }
  return res;
}

