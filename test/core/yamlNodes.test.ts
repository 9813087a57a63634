// Scalars and entries keep their spans as numbers and make the span object on first
// read (yamlNodes.ts). Every reader must still see the spans a tree of plain objects
// had: the same numbers from both YAML paths, one object per node however often read,
// and spans that move with an incremental parse whether or not they were read before.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fastTree } from '../../server/src/core/fastYaml';
import { parseFile, PieceCache } from '../../server/src/core/parse';
import type { ParsedFile, Span, YNode } from '../../server/src/core/types';
import { EntryNode, ScalarNode } from '../../server/src/core/yamlNodes';
import { parseTree, parseWithLibrary } from '../../server/src/core/yamlTree';

/** Every span of a tree as plain numbers, read through the getters, in document order. */
function spans(n: YNode | null, out: [string, number, number][] = []): [string, number, number][] {
  if (!n) return out;
  out.push([n.kind, n.span.start, n.span.end]);
  if (n.kind === 'map') {
    for (const e of n.entries) {
      out.push([`key ${e.key}`, e.keySpan.start, e.keySpan.end], [`colon ${e.key}`, e.colonEnd, e.colonEnd]);
      spans(e.value, out);
    }
  } else if (n.kind === 'seq') for (const it of n.items) spans(it, out);
  return out;
}

function nodes(n: YNode | null, out: YNode[] = []): YNode[] {
  if (!n) return out;
  out.push(n);
  if (n.kind === 'map') for (const e of n.entries) nodes(e.value, out);
  else if (n.kind === 'seq') for (const it of n.items) nodes(it, out);
  return out;
}

const WORKLOAD = 'workloads:\n  - name: api\n    os: linux\n    resources: { cpu: 2, memory: 4Gi }\n';

/** Inputs at the edges of what each path reads: the fast reader takes some, the library the rest. */
const CASES: Record<string, string> = {
  plain: WORKLOAD,
  comments: 'version: 1 # the version\n# a note\nworkloads:\n  - name: api # placement-ignore: no-volumes\n    os: linux\n',
  'flow collections': 'hosts:\n  - { name: h1, role: hypervisor, cpu: 8, memory: 64Gi }\nworkloads:\n  - name: a\n    hosts: [h1, "h2", \'h3\']\n    volumes: []\n',
  'anchors and aliases': 'x-os: &os linux\nworkloads:\n  - name: a\n    os: *os\n  - name: b\n    os: *os\n',
  'an alias of a mapping': 'base: &b { cpu: 1, memory: 1Gi }\nworkloads:\n  - name: a\n    resources: *b\n',
  'several documents': 'version: 1\n---\nworkloads:\n  - name: a\n    os: linux\n',
  CRLF: WORKLOAD.replace(/\n/g, '\r\n'),
  'a lone CR': 'version: 1\rworkloads:\n  - name: a\n',
  BOM: `\ufeff${WORKLOAD}`,
  'huge integers': 'workloads:\n  - name: a\n    replicas: 123456789012345678901234567890\n    cpu: -0\n',
  'deep nesting': `a:\n${Array.from({ length: 40 }, (_, i) => `${'  '.repeat(i + 1)}k${i}:`).join('\n')} leaf\n`,
  'block scalars': 'workloads:\n  - name: a\n    description: |\n      two\n      lines\n    os: linux\n',
  'empty values': 'workloads:\n  - name:\n    os: ~\n  -\n',
};

describe('tree nodes with lazy spans', () => {
  for (const [name, text] of Object.entries(CASES)) {
    it(`both paths give the same spans: ${name}`, () => {
      // parseTree reads a lone CR as the line break it is in YAML 1.2 (the library alone does not).
      const lib = parseWithLibrary(text.replace(/\r(?!\n)/g, '\n'), 5);
      const fast = fastTree(text, 5);
      if (fast) assert.deepEqual(spans(fast.root), spans(lib.roots[0] ?? null));
      const tree = parseTree(text, 5);
      assert.deepEqual(
        tree.roots.map((r) => spans(r)),
        lib.roots.map((r) => spans(r)),
      );
      for (const root of tree.roots) {
        for (const n of nodes(root)) {
          // One object per node, equal to its numbers.
          assert.equal(n.span, n.span);
          if (n instanceof ScalarNode) assert.deepEqual(n.span, { start: n.start, end: n.end });
          if (n.kind === 'map') for (const e of n.entries) if (e instanceof EntryNode) assert.deepEqual(e.keySpan, { start: e.keyStart, end: e.keyEnd });
        }
      }
    });
  }

  it('a span made before a move moves with its node, and one made after starts where the node is', () => {
    const s = new ScalarNode(10, 14, 'abcd', false);
    const early: Span = s.span;
    s.move(3);
    assert.deepEqual(early, { start: 13, end: 17 });
    assert.equal(s.span, early);
    const t = new ScalarNode(10, 14, 'abcd', false);
    t.move(-4);
    assert.deepEqual(t.span, { start: 6, end: 10 });
    const e = new EntryNode('os', 2, 4, null, 5);
    const key = e.keySpan;
    e.move(10);
    assert.deepEqual([key, e.colonEnd], [{ start: 12, end: 14 }, 15]);
    e.keySpan = { start: 1, end: 3 };
    assert.deepEqual([e.keyStart, e.keyEnd], [1, 3]);
  });

  /** Every span of the file's tree and declarations, read through the getters. */
  const allSpans = (p: ParsedFile) => ({
    root: spans(p.root),
    decls: [...p.hosts, ...p.workloads].map((d) => [d.span.start, d.span.end, d.nameSpan.start, d.nameSpan.end]),
    nodes: p.workloads.map((w) => spans(w.node)),
  });

  for (const readFirst of [false, true]) {
    it(`an incremental parse moves the spans of the pieces it keeps (${readFirst ? 'read' : 'not read'} before the edit)`, () => {
      const text = `version: 1\n${CASES['flow collections']}  - name: b\n    os: linux\n    host: h1\n`;
      const cache = new PieceCache();
      const first = parseFile('a', text, cache);
      if (readFirst) allSpans(first);
      // A line inserted above every item moves them all.
      const edited = text.replace('version: 1\n', 'version: 1\n# a longer comment above\n');
      const again = parseFile('a', edited, cache);
      assert.ok(cache.hits > 0, 'pieces were kept');
      assert.deepEqual(allSpans(again), allSpans(parseFile('a', edited)));
      // And back, after every span has been read.
      const back = parseFile('a', text, cache);
      assert.deepEqual(allSpans(back), allSpans(parseFile('a', text)));
    });
  }
});
