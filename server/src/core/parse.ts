// Text → declarations. Pieces of the file (see segments.ts) are parsed and validated
// on their own and cached, so an edit re-parses only what it touched.
// A parse without a cache is the reference the incremental path must match.
//
// Incremental contract: the results of a parse with a cache belong to that cache.
// The next parse with the same cache reuses every untouched piece's objects and moves
// their spans in place, so keep one cache per document and use only the latest
// ParsedFile from it (earlier ones then describe the newest text, or are stale).

import { eolOf } from './edits';
import { type PreviousSegmentation, type Segment, segment } from './segments';
import { computeLineStarts } from './text';
import type { Decl, Finding, ParsedFile, Span, Suppressions, YEntry, YMap, YNode, YSeq } from './types';
import { buildHost, buildWorkload, validateRoot } from './validate';
import { parseTree } from './yamlTree';

/** Past this size a file is refused with a diagnostic instead of parsed. */
export const MAX_FILE_CHARS = 20 * 1024 * 1024;

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
  text: string | undefined;
  file: string | undefined;
  pieces: Piece[] = [];
  segments: Segment[] | undefined;
  lineStarts: number[] | undefined;
  /** True when the last text had no `placement-ignore` anywhere. */
  suppressionFree = false;

  clear(): void {
    this.map = new Map();
    this.suppressionFree = false;
    this.text = this.file = this.segments = this.lineStarts = undefined;
    this.pieces = [];
  }
}

export function parseFile(file: string, text: string, cache?: PieceCache): ParsedFile {
  if (text.length > MAX_FILE_CHARS) {
    // Refused unread, so that it costs nothing: not even its line table (the one
    // diagnostic sits at the start of the file).
    cache?.clear();
    return { file, text, hosts: [], workloads: [], root: null, findings: [refuse(text)!], suppressions: { file: new Set(), lines: new Map() }, lineStarts: [0] };
  }
  // Fixes take the file's line ending (from its first line); a change of it, or of the
  // file's name, invalidates every piece.
  if (cache && (cache.file !== file || (cache.text !== undefined && eolOf(cache.text) !== eolOf(text)))) cache.clear();
  // Where the new text differs from the last one: [changeStart, newChangeEnd).
  const prevText = cache?.text;
  let change: { start: number; oldEnd: number; newEnd: number } | undefined;
  if (prevText !== undefined) {
    const start = commonPrefix(prevText, text);
    const tail = commonSuffix(prevText, text, Math.min(prevText.length, text.length) - start);
    change = { start, oldEnd: prevText.length - tail, newEnd: text.length - tail };
  }
  const lineStarts =
    cache?.lineStarts && change && prevText !== undefined ? updateLineStarts(cache.lineStarts, text, change) : computeLineStarts(text);
  // Most files have no suppression comment: then only the changed text needs a look.
  const suppressionFree =
    cache?.suppressionFree && change
      ? !text.slice(Math.max(0, change.start - 20), change.newEnd + 20).includes('placement-ignore')
      : !text.includes('placement-ignore');
  const suppressions: Suppressions = suppressionFree ? { file: new Set(), lines: new Map() } : scanSuppressions(text, lineStarts);
  const base: ParsedFile = { file, text, hosts: [], workloads: [], root: null, findings: [], suppressions, lineStarts };
  const refused = refuse(text);
  if (refused) {
    cache?.clear();
    base.findings.push(refused);
    return base;
  }
  const previous: PreviousSegmentation | undefined =
    cache?.segments && change ? { segments: cache.segments, changeStart: change.start, newChangeEnd: change.newEnd, delta: change.newEnd - change.oldEnd } : undefined;
  const seg = segment(text, previous);
  if (!seg.ok) {
    cache?.clear();
    if (cache) {
      cache.file = file;
      cache.text = text;
      cache.lineStarts = lineStarts;
    }
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
  const claim = (p: Piece | undefined, s: Segment): Piece | undefined => {
    if (!p || p.used === gen) return undefined;
    if (p.start !== s.start) shiftResult(p.result, s.start - p.start);
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
    if (previous && i < seg.keptBefore) piece = claim(oldPieces[i], s);
    else if (previous && i >= seg.shiftedFrom) piece = claim(oldPieces[seg.shiftedOld + i - seg.shiftedFrom], s);
    let key: string | undefined;
    if (!piece) {
      const text_ = text.slice(s.start, s.end);
      key = s.kind === 'header' ? `h\u0000${text_}` : `${s.list}\u0000${text_}`;
      piece = claim(cache?.map.get(key), s);
      if (!piece) {
        if (cache) cache.misses++;
        const result = s.kind === 'header' ? parseHeader(text_, s.start) : parseItem(text_, s.start, s.list!, file, text);
        piece = { key, start: s.start, end: s.end, result, used: gen };
        parsedNow.push(piece);
      } else if (cache) cache.hits++;
    } else if (cache) cache.hits++;
    pieces.push(piece);
    const r = piece.result;
    for (const f of r.findings) base.findings.push(f);
    if (r.kind === 'header') {
      if (r.root) {
        for (const e of r.root.entries) rootEntries.push({ ...e });
        rootSpan = rootSpan ? { start: rootSpan.start, end: Math.max(rootSpan.end, r.root.span.end) } : { ...r.root.span };
      }
      if (r.other) other = r.other;
    } else {
      if (r.node) lists[s.list!].push(r.node);
      if (r.decl?.kind === 'host') base.hosts.push(r.decl);
      else if (r.decl?.kind === 'workload') base.workloads.push(r.decl);
    }
  }
  if (cache) {
    // Forget the pieces this parse did not use; remember the new ones by text.
    for (const p of oldPieces) if (p.used !== gen && cache.map.get(p.key) === p) cache.map.delete(p.key);
    // Only the pieces parsed now are new. A reused piece whose key went with an unused
    // twin (two items with the same text) is not looked up by text again: a miss later, no harm.
    for (const p of parsedNow) if (!cache.map.has(p.key)) cache.map.set(p.key, p);
    cache.pieces = pieces;
    cache.segments = segs;
    cache.text = text;
    cache.file = file;
    cache.lineStarts = lineStarts;
    cache.suppressionFree = suppressionFree;
  }

  // Stitch the pieces into one root mapping, as a whole parse would give.
  if (rootEntries.length || other === null) {
    const root: YMap = { kind: 'map', flow: false, span: rootSpan ?? { start: 0, end: text.length }, entries: rootEntries };
    for (const e of rootEntries) {
      if ((e.key === 'hosts' || e.key === 'workloads') && (!e.value || (e.value.kind === 'scalar' && e.value.value === null))) {
        const items = lists[e.key];
        if (items.length) {
          const seq: YSeq = { kind: 'seq', flow: false, span: { start: items[0].span.start, end: items[items.length - 1].span.end }, items };
          e.value = seq;
        }
      }
    }
    let end = root.span.end;
    for (const n of lists.hosts) if (n.span.end > end) end = n.span.end;
    for (const n of lists.workloads) if (n.span.end > end) end = n.span.end;
    root.span = { start: root.span.start, end };
    base.root = rootEntries.length ? root : null;
    if (rootEntries.length) validateRoot(root, base.findings, { start: 0, end: text.length }, text);
  } else {
    validateRoot(other, base.findings, { start: 0, end: text.length }, text);
  }
  if (!rootEntries.length && !other) addEmptyFinding(base, text);
  return base;
}

/** Length of the common prefix, compared a block at a time (string equality is memcmp). */
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
 * The line table of the new text from the old one, in place (like the pieces): lines
 * before the change are kept, the changed lines recomputed, the lines after it moved.
 */
function updateLineStarts(starts: number[], text: string, change: { start: number; oldEnd: number; newEnd: number }): number[] {
  const delta = change.newEnd - change.oldEnd;
  // Line starts below `start` are decided by characters before `start - 1`, which did not
  // change; those above `oldEnd` by characters at or after `oldEnd`, which moved.
  const from = lowerBound(starts, Math.max(1, change.start));
  const to = upperBound(starts, change.oldEnd);
  const fresh: number[] = [];
  const stop = Math.min(text.length, change.newEnd);
  for (let i = Math.max(0, change.start - 1); i < stop; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) fresh.push(i + 1);
  }
  if (fresh.length === to - from) {
    for (let j = 0; j < fresh.length; j++) starts[from + j] = fresh[j];
  } else {
    // A large paste: spreading it into splice could overflow the stack.
    if (fresh.length > 10_000) return computeLineStarts(text);
    starts.splice(from, to - from, ...fresh);
  }
  if (delta) for (let j = from + fresh.length; j < starts.length; j++) starts[j] += delta;
  return starts;
}

/** First index whose value is ≥ x. */
function lowerBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose value is > x. */
function upperBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
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
        const span = itemSpan(text, item);
        const d = e.key === 'hosts' ? buildHost(item, file, span, base.findings, text) : buildWorkload(item, file, span, base.findings, text);
        if (d?.kind === 'host') base.hosts.push(d);
        else if (d?.kind === 'workload') base.workloads.push(d);
      }
    }
  }
  if (!maps.length && !tree.findings.length) addEmptyFinding(base, text);
  return base;
}

function addEmptyFinding(base: ParsedFile, text: string): void {
  if (base.findings.some((f) => f.ruleId === 'yaml-syntax')) return;
  base.findings.push({
    ruleId: 'missing-field',
    message: 'The descriptor is empty: start with `version: 1`, then `hosts:` and/or `workloads:`.',
    span: { start: 0, end: Math.min(text.length, 1) },
    fixes: [{ title: 'Add `version: 1`', edits: [{ span: { start: 0, end: 0 }, newText: 'version: 1\n' }], safe: true }],
  });
}

/** The item's span starts at its dash when there is one. */
function itemSpan(text: string, node: YNode): Span {
  let s = node.span.start;
  let i = s - 1;
  while (i >= 0 && text[i] === ' ') i--;
  if (i >= 0 && text[i] === '-') s = i;
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
function parseItem(piece: string, at: number, list: 'hosts' | 'workloads', file: string, text: string): ItemResult {
  const tree = parseTree(piece, at);
  const findings = [...tree.findings];
  const seq = tree.roots[0];
  if (!seq || seq.kind !== 'seq' || seq.items.length === 0) {
    return { kind: 'item', node: null, findings: findings.map(detachFinding) };
  }
  const node = seq.items[0];
  const span = itemSpan(text, node);
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

/** A refusal for input that is not a descriptor at all, before any parse. */
function refuse(text: string): Finding | undefined {
  if (text.length > MAX_FILE_CHARS) {
    return {
      ruleId: 'yaml-syntax',
      message: `The file is too large to analyse (${(text.length / 1048576).toFixed(1)} MB; the limit is ${MAX_FILE_CHARS / 1048576} MB). Split it into several descriptor files.`,
      span: { start: 0, end: 0 },
    };
  }
  const probe = text.length > 65536 ? text.slice(0, 65536) : text;
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

