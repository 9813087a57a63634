// Turns text into our own syntax tree with the `yaml` library, within limits:
// aliases are expanded against a budget so that an alias bomb is refused, not run.

import { Alias, type Document, isAlias, isMap, isPair, isScalar, isSeq, Lexer, parseAllDocuments, Scalar, visit, type Node as YamlNode } from 'yaml';
import { ALIAS_NODE_BUDGET, fastTree, SUPPRESSION_MARK } from './fastYaml';
import type { Finding, Span, YEntry, YMap, YNode } from './types';
import { EntryNode, endOf, ScalarNode } from './yamlNodes';

export { ALIAS_NODE_BUDGET };
/** How deep collections may nest. Descriptors need under ten levels. */
export const MAX_DEPTH = 64;

export interface TreeResult {
  /** One root per YAML document (usually one). */
  roots: (YNode | null)[];
  findings: Finding[];
  /**
   * The YAML comments (from `#` to the line's end, without a CR) that hold
   * `placement-ignore`: what suppressions are read from, so that the words in a quoted
   * value or a block scalar are not taken for one.
   */
  comments: Span[];
  /** With `outer` (see `parseTree`): the text's anchors, when the fast reader read it. */
  anchors?: ReadonlyMap<string, YNode>;
  /** How many nodes aliases expanded to (counted by the fast reader; 0 otherwise). */
  aliasNodes: number;
  /** Whether an alias named an anchor of `outer`. */
  usedOuter: boolean;
  /**
   * With `outer`: the fast reader did not take the text and it may hold aliases, which the
   * library, reading the text alone, cannot resolve: read the whole document instead.
   */
  needsWhole?: boolean;
}

class BudgetError extends Error {}

const LONE_CR = /\r(?!\n)/;
const LONE_CRS = /\r(?!\n)/g;

/**
 * Parses `text` (which may be a fragment) and converts it, adding `base` to every offset.
 * `outer`: anchors defined before the fragment, for its aliases (see `TreeResult.needsWhole`).
 */
export function parseTree(text: string, base: number, outer?: ReadonlyMap<string, YNode>): TreeResult {
  const findings: Finding[] = [];
  // A lone CR ends a line in YAML 1.2 (and in our line table), but the library reads it
  // as a space: make it a LF, which keeps every offset.
  if (text.includes('\r') && LONE_CR.test(text)) text = text.replace(LONE_CRS, '\n');
  // Most descriptors are plain block YAML: read those directly, the rest with the library.
  const fast = fastTree(text, base, outer);
  // A line's nesting estimate is at most its opening run of spaces and dashes, plus the
  // brackets open before it: when that bound is within the limit, the exact scan is not needed.
  const depth = fast && fast.indentRun + brackets(text) <= MAX_DEPTH ? 0 : nestingDepth(text);
  if (depth > MAX_DEPTH) {
    findings.push({
      ruleId: 'yaml-syntax',
      message: `The YAML nests ${depth > 10_000 ? 'more than 10,000' : depth} levels deep; descriptors are refused past ${MAX_DEPTH} levels.`,
      span: { start: base, end: base + Math.min(text.length, firstLineEnd(text)) },
    });
    return { roots: [null], findings, comments: [], aliasNodes: 0, usedOuter: false };
  }
  if (fast) return { roots: [fast.root], findings, comments: fast.comments, anchors: fast.anchors, aliasNodes: fast.aliasNodes, usedOuter: fast.usedOuter };
  const lib = parseWithLibrary(text, base);
  if (outer && text.includes('*')) lib.needsWhole = true;
  return lib;
}

/** The `yaml` library path: any YAML, with its errors as findings. The reference for `fastTree`. */
export function parseWithLibrary(text: string, base: number): TreeResult {
  const findings: Finding[] = [];
  const docs = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: false, strict: false });
  const list = Array.isArray(docs) ? docs : [];
  const roots: (YNode | null)[] = [];
  // The library may attach one problem to two documents: report it once.
  const seen = new Set<string>();
  for (const doc of list) {
    for (const e of [...doc.errors, ...doc.warnings]) {
      const isError = doc.errors.includes(e as never);
      const id = `${e.pos[0]}:${e.pos[1]}:${e.message}`;
      if (seen.has(id)) continue;
      seen.add(id);
      findings.push({
        ruleId: 'yaml-syntax',
        message: cleanMessage(e.message),
        // The library may point just past the end of the text: keep spans inside it.
        span: { start: base + Math.min(e.pos[0], text.length), end: base + Math.min(Math.max(e.pos[1], e.pos[0] + 1), text.length) },
        severity: isError ? 'error' : 'warning',
      });
    }
    try {
      const ctx: Ctx = { targets: aliasTargets(doc), base, aliasNodes: 0, inAlias: 0 };
      roots.push(doc.contents ? convert(doc.contents as YamlNode, ctx, 0) : null);
    } catch (e) {
      if (!(e instanceof BudgetError)) throw e;
      findings.push({
        ruleId: 'yaml-syntax',
        message: `YAML aliases expand to more than ${ALIAS_NODE_BUDGET.toLocaleString('en-US')} nodes (an "alias bomb"); the document was refused.`,
        span: { start: base, end: base + firstLineEnd(text) },
      });
      roots.push(null);
    }
  }
  if (roots.length === 0) roots.push(null);
  return { roots, findings, comments: libraryComments(text, base), aliasNodes: 0, usedOuter: false };
}

/** The comments that hold `SUPPRESSION_MARK`, from the library's lexer (see `TreeResult.comments`). */
function libraryComments(text: string, base: number): Span[] {
  const out: Span[] = [];
  if (!text.includes(SUPPRESSION_MARK)) return out;
  let at = 0;
  for (const token of new Lexer().lex(text)) {
    // The lexer also yields one-character markers that are not in the text.
    if (!text.startsWith(token, at)) continue;
    if (token.charCodeAt(0) === 35 /* # */ && token.includes(SUPPRESSION_MARK)) {
      const end = token.endsWith('\r') ? token.length - 1 : token.length;
      out.push({ start: base + at, end: base + at + end });
    }
    at += token.length;
  }
  return out;
}

/**
 * What each alias of the document names: the last node before it with that anchor, as
 * `Alias.resolve` finds it, but for all aliases in one walk. (`resolve` walks the whole
 * document for each alias: 2,000 aliases in 51 KB took 12 s.)
 */
function aliasTargets(doc: Document): Map<Alias, YamlNode | undefined> {
  const targets = new Map<Alias, YamlNode | undefined>();
  const anchors = new Map<string, YamlNode>();
  visit(doc, {
    Node: (_key, node) => {
      if (isAlias(node)) targets.set(node, anchors.get(node.source));
      else if (node.anchor) anchors.set(node.anchor, node);
    },
  });
  return targets;
}

interface Ctx {
  /** Each alias's target (see `aliasTargets`). */
  targets: Map<Alias, YamlNode | undefined>;
  base: number;
  /** Nodes created by alias expansion so far. */
  aliasNodes: number;
  /** > 0 while converting the target of an alias. */
  inAlias: number;
}

function convert(node: YamlNode | Alias, ctx: Ctx, depth: number): YNode {
  if ((ctx.inAlias > 0 && ++ctx.aliasNodes > ALIAS_NODE_BUDGET) || depth > MAX_DEPTH * 4) throw new BudgetError();
  const base = ctx.base;
  if (isAlias(node)) {
    const target = ctx.targets.get(node);
    const s = spanOf(node.range, base);
    if (!target) return new ScalarNode(s.start, s.end, null, false);
    // Expanded in place, against the node budget; the spans stay those of the alias.
    ctx.inAlias++;
    try {
      return withSpan(convert(target as YamlNode, ctx, depth + 1), s);
    } finally {
      ctx.inAlias--;
    }
  }
  const s = spanOf(node.range, base);
  if (isMap(node)) {
    const map: YMap = { kind: 'map', span: s, flow: !!node.flow, entries: [] };
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const k = pair.key as YamlNode | null;
      let key: string;
      let keySpan: Span;
      if (k && isScalar(k)) {
        key = String(k.value);
        keySpan = spanOf(k.range, base);
      } else if (k) {
        key = '';
        keySpan = spanOf(k.range, base);
      } else {
        continue;
      }
      const v = pair.value as YamlNode | null;
      const colonEnd = keySpan.end + 1;
      map.entries.push(new EntryNode(key, keySpan.start, keySpan.end, v ? convert(v, ctx, depth + 1) : null, colonEnd));
    }
    // A block collection ends where its last value ends, not after the comments and
    // blank lines the library may count in (which depends on what follows it).
    const last = map.entries[map.entries.length - 1];
    if (!map.flow && last) s.end = last.value ? endOf(last.value) : (last as EntryNode).keyEnd;
    return map;
  }
  if (isSeq(node)) {
    const items = node.items.map((it) => convert(it as YamlNode, ctx, depth + 1));
    if (!node.flow && items.length) s.end = endOf(items[items.length - 1]);
    return { kind: 'seq', span: s, flow: !!node.flow, items };
  }
  if (isScalar(node)) {
    const sc = node as Scalar;
    const v = sc.value;
    const value = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null ? v : String(v);
    const quoted = sc.type === 'QUOTE_DOUBLE' || sc.type === 'QUOTE_SINGLE';
    return new ScalarNode(s.start, s.end, value, quoted);
  }
  return new ScalarNode(s.start, s.end, null, false);
}

function withSpan(n: YNode, s: Span): YNode {
  // Every node gets its own span object: spans are moved in place after edits.
  if (n.kind === 'map') return { ...n, span: { ...s }, entries: n.entries.map((e): YEntry => new EntryNode(e.key, s.start, s.end, e.value && withSpan(e.value, s), s.end)) };
  if (n.kind === 'seq') return { ...n, span: { ...s }, items: n.items.map((i) => withSpan(i, s)) };
  return new ScalarNode(s.start, s.end, n.value, n.quoted);
}

function spanOf(range: [number, number, number] | null | undefined, base: number): Span {
  if (!range) return { start: base, end: base };
  return { start: base + range[0], end: base + range[1] };
}

function firstLineEnd(text: string): number {
  const i = text.search(/\r?\n/);
  return i < 0 ? text.length : i;
}

function cleanMessage(m: string): string {
  // The library appends the offending line with a caret; the editor shows the range instead.
  let first = m.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  // Messages quote the document, which may hold control characters: show them escaped.
  // eslint-disable-next-line no-control-regex
  first = first.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (first.length > 200) first = `${first.slice(0, 197)}...`;
  return first.endsWith('.') ? first : `${first}.`;
}

/** How many `[` and `{` the text holds: no more flow collections than that can be open. */
function brackets(text: string): number {
  let n = 0;
  for (let i = text.indexOf('['); i >= 0; i = text.indexOf('[', i + 1)) n++;
  for (let i = text.indexOf('{'); i >= 0; i = text.indexOf('{', i + 1)) n++;
  return n;
}

/**
 * An upper bound on nesting, from brackets and indentation, computed before the
 * YAML library sees the text so that pathological nesting cannot exhaust its stack.
 */
const SCALAR_START = /[\s[{,]/;

export function nestingDepth(text: string): number {
  let max = 0;
  let flow = 0;
  let inSingle = false;
  let inDouble = false;
  let lineIndent = 0;
  let atLineStart = true;
  let dashes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      atLineStart = true;
      lineIndent = 0;
      dashes = 0;
      inSingle = inSingle && flow > 0;
      inDouble = inDouble && flow > 0;
      continue;
    }
    if (atLineStart) {
      if (c === 32) {
        lineIndent++;
        continue;
      }
      if (c === 45 && (text.charCodeAt(i + 1) === 32 || text.charCodeAt(i + 1) === 10)) {
        // "- - - x" nests one level per dash.
        dashes++;
        i++;
        lineIndent += 2;
        continue;
      }
      atLineStart = false;
      const d = Math.floor(lineIndent / 2) + dashes;
      if (d > max) max = d;
    }
    if (inDouble) {
      if (c === 92) i++;
      else if (c === 34) inDouble = false;
      continue;
    }
    if (inSingle) {
      if (c === 39) inSingle = false;
      continue;
    }
    if (c === 35 && (i === 0 || text.charCodeAt(i - 1) === 32)) {
      // A comment runs to the end of the line.
      while (i + 1 < text.length && text.charCodeAt(i + 1) !== 10) i++;
      continue;
    }
    // A quote opens a quoted scalar only where a scalar may start; inside a plain one
    // (`a"b`) it is text, and must not hide the brackets after it. (Taking a quote for
    // text only over-counts, which is safe.)
    const opensQuote = (c === 34 || c === 39) && (i === 0 || SCALAR_START.test(text[i - 1]));
    if (opensQuote && c === 34) inDouble = true;
    else if (opensQuote) inSingle = true;
    else if (c === 91 || c === 123) {
      flow++;
      const d = flow + Math.floor(lineIndent / 2) + dashes;
      if (d > max) max = d;
    } else if ((c === 93 || c === 125) && flow > 0) flow--;
  }
  return max;
}
