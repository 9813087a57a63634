// The fast reader must build exactly the tree the `yaml` library path builds, and may
// only take input the library reads without any error or warning; otherwise it must
// give up. Checked on the examples, generated fleets, random edits of both, and
// random YAML-like documents.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { generate } from '../../bench/generate';
import { fastTree, resolvePlain } from '../../server/src/core/fastYaml';
import { segment } from '../../server/src/core/segments';
import { parseWithLibrary } from '../../server/src/core/yamlTree';
import { applyEdit, editArb, exampleFleets, generatedFleets } from '../incremental/support';
import { props } from '../properties';

/** Fails unless the fast reader gives up or agrees with the library (which must see no problem). */
function agrees(text: string, base = 3): boolean {
  const fast = fastTree(text, base);
  if (!fast) return false;
  const lib = parseWithLibrary(text, base);
  assert.deepEqual(lib.findings, [], `the fast reader took text the library complains about: ${JSON.stringify(text.slice(0, 300))}`);
  assert.equal(lib.roots.length, 1);
  assert.deepEqual(fast.root, lib.roots[0], `trees differ for ${JSON.stringify(text.slice(0, 300))}`);
  assert.deepEqual(fast.comments, lib.comments, `suppression comments differ for ${JSON.stringify(text.slice(0, 300))}`);
  return true;
}

const sources = [...exampleFleets(), ...generatedFleets()].flatMap((f) => Object.entries(f.files));

/** Random documents built from the pieces descriptors are made of, odd ones included. */
const scalarArb = fc.oneof(
  fc.constantFrom('linux', 'vm', 'container-in-vm', '512Mi', '500m', '2', '-3', '+4', '0o17', '0x1F', '1e3', '.5', '3.', '.inf', '-.Inf', '.NaN', '~', 'null', 'Null', 'true', 'False', 'TRUE', 'yes', 'a b', 'a#b', 'a #b', 'http://x:80/y', 'é日本', '"q"', "'s'", '"a # b"', "'it''s'", '"esc\\n"', '[a, b]', '[ ]', '{}', '{ cpu: 4, memory: 1 }', '[1,[2]]', '{ a: [1, 2] }', '&x a', '*x', '&x [1, a]', '&y "q"', '*y', '&y {a: 1}', '&x *x', '*x y', '*nope', '&x', '*x # c', '&é a', '!!str 1', '|', '>', '- a', 'a: b', 'a:', '-', '@x', '`x`', '%x', ':x', '?x', ',x', '#x', 'a,b'),
  fc.string({ maxLength: 6 }),
);
const keyArb = fc.oneof(fc.constantFrom('name', 'os', 'cpu', 'true', 'null', 'Null', '~', '1', 'a.b', 'a/b', 'x-y', '_k', 'K9', '"q"', 'a b', 'é'), fc.string({ maxLength: 4 }));
const gapArb = fc.constantFrom('', '', '', '\n', '  # note\n', '# left\n', '\n\n', '      # deep\n', '  # placement-ignore: a, b\n', '#placement-ignore-file\n');
const lineArb = fc.tuple(fc.integer({ min: 0, max: 4 }), fc.constantFrom('- ', '', '', '-', '- - '), keyArb, fc.constantFrom(': ', ':', ':  ', ' : ', ''), scalarArb, fc.constantFrom('', '', ' # c', '  ', '#c', ' # placement-ignore', '#placement-ignore'), gapArb).map(
  ([indent, dash, key, colon, value, tail, gap]) => `${gap}${'  '.repeat(indent)}${dash}${key}${colon}${colon ? value : ''}${tail}\n`,
);
const docArb = fc.tuple(fc.array(lineArb, { minLength: 1, maxLength: 12 }), fc.boolean()).map(([lines, trailing]) => {
  const s = lines.join('');
  return trailing ? s : s.replace(/\n$/, '');
});

/** Well-formed documents from a random tree, written out with random layout choices. */
type Tree = { kind: 'scalar'; text: string } | { kind: 'map'; entries: [string, Tree][] } | { kind: 'seq'; items: Tree[] } | { kind: 'flow'; text: string };
const leafArb: fc.Arbitrary<Tree> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('linux', '512Mi', '2', '0.5', 'true', '~', '"quoted # x"', "'single'", 'a b c', 'x:y', 'é', '-7', '1e3', '.nan', 'null', '""', "''").map((text) => ({ kind: 'scalar' as const, text })) },
  { weight: 1, arbitrary: fc.constantFrom('[]', '{}', '[a, b]', '[ 1 , "2" ]', '{ cpu: 4, memory: 1 }', '{a: [1, {b: c}]}', '[x, [y, z]]').map((text) => ({ kind: 'flow' as const, text })) },
);
const { tree } = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafArb,
    fc.array(fc.tuple(fc.constantFrom('name', 'os', 'cpu', 'memory', 'a', 'b_c', 'x.y', 'k-1', 'true', 'Null'), tie('tree')), { minLength: 1, maxLength: 4 }).map((entries) => ({ kind: 'map' as const, entries })),
    fc.array(tie('tree'), { minLength: 1, maxLength: 4 }).map((items) => ({ kind: 'seq' as const, items })),
  ),
}));
const layoutArb = fc.record({ step: fc.constantFrom(2, 4), eol: fc.constantFrom('\n', '\r\n'), noise: fc.array(fc.constantFrom('', '', '', 'blank', 'comment', 'trailing', 'deep-comment'), { minLength: 8, maxLength: 8 }) });
function write(root: Tree, layout: { step: number; eol: string; noise: string[] }): string {
  const out: string[] = [];
  let k = 0;
  const noise = () => layout.noise[k++ % layout.noise.length];
  const tail = () => {
    const n = noise();
    return n === 'trailing' ? '   ' : n === 'comment' ? '  # note' : '';
  };
  const extra = (ind: number) => {
    const n = noise();
    if (n === 'blank') out.push('');
    else if (n === 'comment') out.push(`${' '.repeat(ind)}# between`);
    else if (n === 'deep-comment') out.push(`${' '.repeat(ind + 6)}# deeper`);
  };
  const inline = (t: Tree) => (t.kind === 'scalar' || t.kind === 'flow' ? t.text : undefined);
  const block = (t: Tree, ind: number, lead: string): void => {
    // `lead` is what precedes the first line ('- ' for a compact item, '' otherwise).
    if (t.kind === 'map') {
      t.entries.forEach(([key, v], i) => {
        const prefix = i === 0 ? lead : ' '.repeat(ind);
        const text = inline(v);
        if (text !== undefined) out.push(`${prefix}${key}: ${text}${tail()}`);
        else {
          out.push(`${prefix}${key}:${tail()}`);
          extra(ind);
          block(v, ind + layout.step, ' '.repeat(ind + layout.step));
        }
        extra(ind);
      });
    } else if (t.kind === 'seq') {
      t.items.forEach((v, i) => {
        const prefix = i === 0 ? lead : ' '.repeat(ind);
        const text = inline(v);
        if (text !== undefined) out.push(`${prefix}- ${text}${tail()}`);
        else if (v.kind === 'map') block(v, ind + 2, `${prefix}- `);
        else {
          out.push(`${prefix}-`);
          block(v, ind + layout.step, ' '.repeat(ind + layout.step));
        }
        extra(ind);
      });
    } else out.push(`${lead}${t.text}`);
  };
  block(root.kind === 'map' || root.kind === 'seq' ? root : { kind: 'map', entries: [['root', root]] }, 0, '');
  return out.join(layout.eol) + layout.eol;
}
const treeDocArb = fc.tuple(tree, layoutArb).map(([t, l]) => write(t, l));

describe('fast YAML reader', () => {
  for (const [name, text] of sources) {
    it(`reads ${name} exactly as the library does`, () => {
      assert.ok(agrees(text), 'the fast reader should take every example and generated file');
    });
  }

  it('agrees with the library on random edits of the examples and generated files', () => {
    let taken = 0;
    fc.assert(
      fc.property(fc.constantFrom(...sources.map(([, t]) => t)), fc.array(editArb, { minLength: 1, maxLength: 4 }), (text, edits) => {
        let t = text;
        for (const e of edits) t = applyEdit(t, e);
        if (agrees(t)) taken++;
      }),
      props(300, 4242),
    );
    assert.ok(taken > 10, `the fast reader took only ${taken} of 300 edited files`);
  });

  it('agrees with the library on random line soup (mostly refused)', () => {
    fc.assert(
      fc.property(docArb, (text) => {
        agrees(text);
      }),
      props(1500, 77),
    );
  });

  it('agrees with the library on random well-formed documents', () => {
    let taken = 0;
    fc.assert(
      fc.property(treeDocArb, (text) => {
        if (agrees(text)) taken++;
      }),
      props(1500, 78),
    );
    assert.ok(taken > 750, `the fast reader took only ${taken} of 1500 documents`);
  });

  it('agrees on pieces as the splitter cuts them, at an offset', () => {
    for (const eol of ['\n', '\r\n'] as const) {
      const g = generate({ workloads: 30, seed: 8, mistakes: 0.2, eol }).text;
      const seg = segment(g);
      assert.ok(seg.ok);
      for (const s of seg.segments) assert.ok(agrees(g.slice(s.start, s.end), s.start), `piece not taken: ${JSON.stringify(g.slice(s.start, s.start + 80))}`);
    }
  });

  const cases: [string, string, string | number | boolean | null][] = [
    ['a word', 'linux', 'linux'],
    ['null', '~', null],
    ['Null', 'Null', null],
    ['bool', 'TRUE', true],
    ['octal', '0o17', 15],
    ['signed int', '+42', 42],
    ['hex', '0x1f', 31],
    ['exp', '1e3', 1000],
    ['float', '.5', 0.5],
    ['infinity', '-.inf', Number.NEGATIVE_INFINITY],
    ['yes stays text (YAML 1.2)', 'yes', 'yes'],
    ['quantity stays text', '512Mi', '512Mi'],
  ];
  for (const [name, raw, value] of cases) it(`resolves ${name}`, () => assert.deepEqual(resolvePlain(raw), value));

  it('reads anchors and aliases of one-line values as the library does', () => {
    assert.ok(agrees('a: &x linux\nb: *x\nc: &y "q"\nd:\n  - &z [1, {k: v}]\n  - *z\n  - *y # c\ne: *x   \nf: &x 2\ng: *x\n'));
  });

  const refused: [string, string][] = [
    ['tabs', 'a:\n\tb: 1\n'],
    ['a lone CR', 'a: 1\rb: 2\n'],
    ['an anchor on a block collection', 'a: &x\n  b: 1\nc: *x\n'],
    ['aliases in a flow collection', 'a: &x 1\nb: [*x]\n'],
    ['an alias before its anchor', 'a: *x\nb: &x 1\n'],
    ['aliases past the budget', `a: &x [${Array(100).fill(1).join(', ')}]\n${Array.from({ length: 101 }, (_, i) => `b${i}: *x`).join('\n')}\n`],
    ['tags', 'a: !!str 1\n'],
    ['block scalars', 'a: |\n  text\n'],
    ['multi-line plain scalars', 'a: one\n  two\n'],
    ['escapes', 'a: "x\\ty"\n'],
    ['several documents', 'a: 1\n---\nb: 2\n'],
    ['a zero-indented list', 'a:\n- 1\n'],
    ['a bad indent', 'a:\n    b: 1\n  c: 2\n'],
    ['a BOM', '\ufeffa: 1\n'],
    ['a scalar document', 'just text\n'],
  ];
  for (const [name, text] of refused) it(`gives up on ${name}`, () => assert.equal(fastTree(text, 0), undefined));
});
