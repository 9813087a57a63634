// Text → declarations. Pieces of the file (see segments.ts) are parsed and validated
// on their own and cached by their text, so an edit re-parses only what it touched.
// A parse without a cache is the reference the incremental path must match.

import { segment } from './segments';
import { computeLineStarts } from './text';
import type { Decl, Finding, HostDecl, ParsedFile, Span, Suppressions, WorkloadDecl, YEntry, YMap, YNode, YSeq } from './types';
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

/** Results of pieces by their text; one per open file, replaced on every parse. */
export class PieceCache {
  map = new Map<string, PieceResult>();
  hits = 0;
  misses = 0;
}

export function parseFile(file: string, text: string, cache?: PieceCache): ParsedFile {
  const lineStarts = computeLineStarts(text);
  const suppressions = scanSuppressions(text, lineStarts);
  const base: ParsedFile = { file, text, hosts: [], workloads: [], root: null, findings: [], suppressions, lineStarts };
  const refused = refuse(text);
  if (refused) {
    base.findings.push(refused);
    return base;
  }
  const seg = segment(text);
  if (!seg.ok) return parseWhole(base);

  const next = new PieceCache();
  const rootEntries: YEntry[] = [];
  const lists: Record<'hosts' | 'workloads', YNode[]> = { hosts: [], workloads: [] };
  let rootSpan: Span | null = null;
  let other: YNode | null = null;
  for (const s of seg.segments) {
    const piece = text.slice(s.start, s.end);
    const key = s.kind === 'header' ? `h\u0000${piece}` : `${s.list}\u0000${piece}`;
    let r = cache?.map.get(key) ?? next.map.get(key);
    if (r) {
      if (cache) cache.hits++;
    } else {
      if (cache) cache.misses++;
      r = s.kind === 'header' ? parseHeader(piece) : parseItem(piece, s.list!, file);
    }
    next.map.set(key, r);
    const moved = s.start === 0 ? r : relocate(r, s.start);
    base.findings.push(...moved.findings);
    if (moved.kind === 'header') {
      if (moved.root) {
        rootEntries.push(...moved.root.entries.map((e) => ({ ...e })));
        rootSpan = rootSpan ? { start: rootSpan.start, end: Math.max(rootSpan.end, moved.root.span.end) } : moved.root.span;
      }
      if (moved.other) other = moved.other;
    } else {
      if (moved.node) lists[s.list!].push(moved.node);
      if (moved.decl?.kind === 'host') base.hosts.push(moved.decl);
      else if (moved.decl?.kind === 'workload') base.workloads.push(moved.decl);
    }
  }
  if (cache) cache.map = next.map;

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
    root.span = { start: root.span.start, end: Math.max(root.span.end, ...[...lists.hosts, ...lists.workloads].map((n) => n.span.end)) };
    base.root = rootEntries.length ? root : null;
    if (rootEntries.length) validateRoot(root, base.findings, { start: 0, end: text.length }, text);
    else if (text.trim().length) validateRoot(null, base.findings, { start: 0, end: 0 }, text);
  } else {
    validateRoot(other, base.findings, { start: 0, end: text.length }, text);
  }
  if (!rootEntries.length && !other) addEmptyFinding(base, text);
  return base;
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

function parseHeader(piece: string): HeaderResult {
  const tree = parseTree(piece, 0);
  const findings = [...tree.findings];
  const r = tree.roots[0] ?? null;
  if (r && r.kind === 'map') return { kind: 'header', root: r, other: null, findings };
  return { kind: 'header', root: null, other: r, findings };
}

function parseItem(piece: string, list: 'hosts' | 'workloads', file: string): ItemResult {
  const tree = parseTree(piece, 0);
  const findings = [...tree.findings];
  const seq = tree.roots[0];
  if (!seq || seq.kind !== 'seq' || seq.items.length === 0) {
    return { kind: 'item', node: null, findings };
  }
  const node = seq.items[0];
  const span = itemSpan(piece, node);
  const decl = list === 'hosts' ? buildHost(node, file, span, findings, piece) : buildWorkload(node, file, span, findings, piece);
  return { kind: 'item', node, decl, findings };
}

/** Deep copy with every span moved by `delta` (cached results stay untouched). */
function relocate<T>(value: T, delta: number): T {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.start === 'number' && typeof o.end === 'number' && Object.keys(o).length === 2) {
        return { start: o.start + delta, end: o.end + delta };
      }
      const out: Record<string, unknown> = {};
      for (const k in o) out[k] = k === 'colonEnd' ? (o[k] as number) + delta : walk(o[k]);
      return out;
    }
    return v;
  };
  return walk(value) as T;
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

export type { HostDecl, WorkloadDecl };
