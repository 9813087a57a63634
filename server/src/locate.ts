// What is under the cursor. Two views: the parsed tree (exact, for hover and
// navigation on text that parses) and the raw lines (for completion, where the line
// being typed rarely parses yet).

import { type FieldSpec, type FieldType, findField, rootFields } from './core/schema';
import type { HostDecl, NameRef, ParsedFile, Span, WorkloadDecl, YEntry, YMap, YNode, YScalar } from './core/types';

export type Path = (string | number)[];

export function contains(s: Span, offset: number): boolean {
  return offset >= s.start && offset <= s.end;
}

/** The declaration whose item holds `offset` (lists are in source order). */
export function declAt<T extends { span: Span }>(list: readonly T[], offset: number): T | undefined {
  let lo = 0;
  let hi = list.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].span.start <= offset) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (found < 0) return undefined;
  const d = list[found];
  return offset <= d.span.end ? d : undefined;
}

export interface HostNameHit {
  name: string;
  /** The name's span in this file (a declaration's name or a pin). */
  span: Span;
  kind: 'decl' | 'pin';
  host?: HostDecl;
  workload?: WorkloadDecl;
}

/** A host name under the cursor: a host's own `name:` or a workload's pin. */
export function hostNameAt(parsed: ParsedFile, offset: number): HostNameHit | undefined {
  const h = declAt(parsed.hosts, offset);
  if (h && h.name !== undefined && nameValueContains(h.node, h.nameSpan, offset)) return { name: h.name, span: h.nameSpan, kind: 'decl', host: h };
  const w = declAt(parsed.workloads, offset);
  if (w) {
    const p = w.pins.find((x: NameRef) => contains(x.span, offset));
    if (p) return { name: p.name, span: p.span, kind: 'pin', workload: w };
  }
  return undefined;
}

/** True when the offset is on the `name:` value (not on a fallback span). */
function nameValueContains(node: YMap, nameSpan: Span, offset: number): boolean {
  const e = node.entries.find((x) => x.key === 'name');
  return !!e?.value && contains(nameSpan, offset);
}

/** The span of a name without its quotes, so a rename keeps the user's quoting. */
export function innerSpan(text: string, span: Span): Span {
  const c = text[span.start];
  if ((c === '"' || c === "'") && span.end - span.start >= 2 && text[span.end - 1] === c) return { start: span.start + 1, end: span.end - 1 };
  return span;
}

export interface TreeHit {
  /** Keys and item indexes from the root to the entry or item under the cursor. */
  path: Path;
  entry?: YEntry;
  onKey: boolean;
  /** The scalar under the cursor (a value or a list item). */
  scalar?: YScalar;
}

/** The deepest key or scalar holding `offset`. */
export function hitAt(root: YMap | null, offset: number): TreeHit | undefined {
  if (!root) return undefined;
  let best: TreeHit | undefined;
  const walk = (node: YNode, path: Path, depth: number): void => {
    if (depth > 64) return;
    if (node.kind === 'map') {
      for (const e of node.entries) {
        if (contains(e.keySpan, offset)) {
          best = { path: [...path, e.key], entry: e, onKey: true };
          return;
        }
        const v = e.value;
        if (v && contains(v.span, offset)) {
          if (v.kind === 'scalar') best = { path: [...path, e.key], entry: e, onKey: false, scalar: v };
          else walk(v, [...path, e.key], depth + 1);
          return;
        }
      }
    } else if (node.kind === 'seq') {
      node.items.forEach((it, i) => {
        if (!contains(it.span, offset)) return;
        if (it.kind === 'scalar') best = { path: [...path, i], onKey: false, scalar: it };
        else walk(it, [...path, i], depth + 1);
      });
    }
  };
  walk(root, [], 0);
  return best;
}

/** The schema field (and its value type) at a path of keys and indexes. */
export function specAt(path: Path): { field?: FieldSpec; type?: FieldType } {
  let fields: readonly FieldSpec[] | undefined = rootFields;
  let field: FieldSpec | undefined;
  let type: FieldType | undefined;
  for (const seg of path) {
    if (typeof seg === 'number') {
      if (!type || type.kind !== 'array') return {};
      type = type.items;
      fields = type.kind === 'object' ? type.fields : undefined;
      continue;
    }
    if (!fields) return {};
    field = findField(fields, seg);
    if (!field) return {};
    type = field.type;
    fields = type.kind === 'object' ? type.fields : undefined;
  }
  return { field, type };
}

// Line-based context, for completion.

/** Lines of a text, cut on demand (a 100,000-line file is not split per keystroke). */
export interface LineSource {
  count: number;
  get(i: number): string;
}

export function lineSource(text: string, lineStarts: readonly number[]): LineSource {
  return {
    count: lineStarts.length,
    get(i: number): string {
      if (i < 0 || i >= lineStarts.length) return '';
      let end = i + 1 < lineStarts.length ? lineStarts[i + 1] : text.length;
      while (end > lineStarts[i] && (text[end - 1] === '\n' || text[end - 1] === '\r')) end--;
      return text.slice(lineStarts[i], end);
    },
  };
}

function leadingSpaces(line: string): number {
  let n = 0;
  while (n < line.length && line.charCodeAt(n) === 32) n++;
  // A blank or comment line never stops the walk: treat it as deep.
  if (n === line.length || line[n] === '#' || line[n] === '\r') return Number.MAX_SAFE_INTEGER;
  return n;
}

export interface LineInfo {
  indent: number;
  blank: boolean;
  /** A `- ` item line. */
  dash: boolean;
  /** Column of the content after the dash (or of the content when no dash). */
  innerCol: number;
  key?: string;
  /** True when the key has a value on the same line (not a nested block). */
  hasValue: boolean;
}

const KEY_RE = /^([A-Za-z_][\w.-]*|"[^"]*"|'[^']*')[ \t]*:(?=\s|$)(.*)$/;

export function lineInfo(line: string): LineInfo {
  let indent = 0;
  while (indent < line.length && line[indent] === ' ') indent++;
  const rest = line.slice(indent).replace(/\r$/, '');
  if (rest === '' || rest.startsWith('#')) return { indent, blank: true, dash: false, innerCol: indent, hasValue: false };
  let inner = rest;
  let innerCol = indent;
  let dash = false;
  if (rest === '-' || rest.startsWith('- ')) {
    dash = true;
    let j = 1;
    while (j < rest.length && rest[j] === ' ') j++;
    inner = rest.slice(j);
    innerCol = indent + j;
  }
  const m = KEY_RE.exec(inner);
  if (!m) return { indent, blank: false, dash, innerCol, hasValue: inner !== '' };
  const after = m[2].replace(/\s+#.*$/, '').trim();
  return { indent, blank: false, dash, innerCol, key: m[1].replace(/^["']|["']$/g, ''), hasValue: after !== '' };
}

/**
 * The path of the block mapping whose keys sit at column `col` on line `line`, found by
 * walking up to the lines that own it. `itemLine` says the line itself starts a list
 * item (`- `) whose first key is at `col`. Undefined when the lines above make no sense.
 */
export function blockPathAt(lines: LineSource, line: number, col: number, itemLine: boolean, itemIndent = 0): Path | undefined {
  const out: Path = [];
  let cur = col;
  // The dash column of a list whose owner key we still look for (-1: none).
  let seqAt = itemLine ? itemIndent : -1;
  if (itemLine) out.push(0);
  for (let i = line - 1; i >= 0; i--) {
    if (cur === 0 && seqAt < 0) break;
    const raw = lines.get(i);
    // Fast skip over the bodies of sibling items (a list of 10,000 workloads).
    if (seqAt >= 0 && leadingSpaces(raw) > seqAt) continue;
    const li = lineInfo(raw);
    if (li.blank) continue;
    if (seqAt >= 0) {
      if (li.dash && li.indent === seqAt) continue; // A sibling item.
      if (li.dash && li.indent < seqAt && li.key && !li.hasValue && li.innerCol <= seqAt) {
        out.push(li.key, 0);
        seqAt = li.indent;
        cur = li.indent;
        continue;
      }
      if (!li.dash && li.indent <= seqAt) {
        if (!li.key || li.hasValue) return undefined;
        out.push(li.key);
        seqAt = -1;
        cur = li.indent;
        continue;
      }
      if (li.indent < seqAt) return undefined;
      continue; // Deeper content of a sibling item.
    }
    if (li.dash) {
      if (li.innerCol === cur) {
        out.push(0);
        seqAt = li.indent;
        cur = li.indent;
      } else if (li.innerCol < cur && li.key && !li.hasValue) {
        out.push(li.key, 0);
        seqAt = li.indent;
        cur = li.indent;
      } else if (li.indent < cur && li.innerCol > cur) return undefined;
      continue;
    }
    if (li.indent < cur) {
      if (!li.key || li.hasValue) return undefined;
      out.push(li.key);
      cur = li.indent;
    }
  }
  if (seqAt > 0 || cur > 0) return undefined;
  if (seqAt === 0) return undefined; // A list at the root is not a descriptor.
  return out.reverse();
}

/** Keys already written in the block mapping at `col` around `line`. */
export function siblingKeys(lines: LineSource, line: number, col: number, itemLine: boolean): Set<string> {
  const keys = new Set<string>();
  // Upwards, until the line that opens the mapping.
  if (!itemLine) {
    for (let i = line - 1; i >= 0; i--) {
      const li = lineInfo(lines.get(i));
      if (li.blank) continue;
      if (li.dash && li.innerCol === col) {
        if (li.key) keys.add(li.key);
        break;
      }
      if (li.indent < col) break;
      if (li.indent === col && !li.dash && li.key) keys.add(li.key);
    }
  }
  // Downwards, until the mapping ends.
  for (let i = line + 1; i < lines.count; i++) {
    const li = lineInfo(lines.get(i));
    if (li.blank) continue;
    if (li.indent < col || (li.dash && li.indent <= col)) break;
    if (li.indent === col && li.key) keys.add(li.key);
  }
  return keys;
}
