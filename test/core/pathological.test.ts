// Inputs that used to stall a keystroke or give a wrong answer (issue #14), one test
// each. Stalls are caught by counting work where the code exposes a count (pieces
// re-parsed, whole-text reads), else by a wall-clock ceiling that is generous (tens of
// times what the input takes now) and that the old code exceeded many times over; real
// timings are in `npm run bench -- --only pathological`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { generate } from '../../bench/generate';
import { analyze } from '../../server/src/core/analyze';
import { defaultConfig } from '../../server/src/core/config';
import { parseFile, parseWhole, PieceCache } from '../../server/src/core/parse';
import { MAX_BYTES, parseCpu, parseMemory } from '../../server/src/core/quantity';
import { SourceText } from '../../server/src/core/sourceText';
import { computeLineStarts } from '../../server/src/core/text';
import type { Diagnostic, ParsedFile } from '../../server/src/core/types';
import { view } from '../incremental/support';
import { props } from '../properties';
import { MAX_UNKNOWN_KEYS } from '../../server/src/core/validate';
import { fastTree } from '../../server/src/core/fastYaml';
import { MAX_DEPTH, nestingDepth, parseTree } from '../../server/src/core/yamlTree';

function analyzeOne(text: string, file = 'x.workload.yaml'): { parsed: ParsedFile; diagnostics: Diagnostic[] } {
  const parsed = parseFile(file, text);
  return { parsed, diagnostics: analyze([parsed], defaultConfig()).diagnostics.get(file) ?? [] };
}

/** Runs `fn` and fails when it took longer than `ms` (a generous ceiling, see above). */
function within<T>(ms: number, what: string, fn: () => T): T {
  const t0 = performance.now();
  const r = fn();
  const took = performance.now() - t0;
  if (process.env.SHOW_TIMES) console.log(`${what}: ${took.toFixed(0)} ms`);
  assert.ok(took < ms, `${what} took ${took.toFixed(0)} ms (ceiling ${ms} ms)`);
  return r;
}

const HOST = (memory: string) => `version: 1\nhosts:\n  - name: h\n    role: container-host\n    runtime: containerd\n    os: linux\n    cpu: 8\n    memory: ${memory}\n`;
const WORKLOAD = (cpu: string, memory: string) => `version: 1\nworkloads:\n  - name: w\n    os: linux\n    resources:\n      cpu: ${cpu}\n      memory: ${memory}\n`;

describe('wrong answers', () => {
  describe('quantities that overflow are refused, not read as 0 or Infinity', () => {
    const hosts: [string, string][] = [
      ['memory 1e309 (quoted)', '"1e309"'],
      ['memory 1e309 (plain)', '1e309'],
      ['memory past 2^63 bytes', '9Ei'],
      ['memory of 400 digits', '9'.repeat(400)],
    ];
    for (const [name, memory] of hosts) {
      it(`host ${name}`, () => {
        const { parsed, diagnostics } = analyzeOne(HOST(memory));
        const bad = diagnostics.filter((d) => d.ruleId === 'bad-quantity');
        assert.equal(bad.length, 1, JSON.stringify(diagnostics.map((d) => `${d.ruleId}: ${d.message}`)));
        // The refused value is not used (no 0 B host).
        assert.equal(parsed.hosts[0].memory, undefined);
      });
    }
    it('a host with Infinity cores is refused', () => {
      const { parsed, diagnostics } = analyzeOne(HOST('64Gi').replace('cpu: 8', 'cpu: 1e309'));
      assert.equal(diagnostics.filter((d) => d.ruleId === 'invalid-value').length, 1, JSON.stringify(diagnostics.map((d) => d.message)));
      assert.equal(parsed.hosts[0].cpu, undefined);
    });
    const workloads: [string, string, string][] = [
      ['310 digits of millicores', `"${'9'.repeat(310)}m"`, '1Gi'],
      ['307 digits of millicores (1e303 cores)', `"${'1'.repeat(307)}m"`, '1Gi'],
      ['two million cores', '2000000', '1Gi'],
      ['memory "1e309"', '1', '"1e309"'],
    ];
    for (const [name, cpu, memory] of workloads) {
      it(`workload ${name}`, () => {
        const { parsed, diagnostics } = analyzeOne(WORKLOAD(cpu, memory));
        const bad = diagnostics.filter((d) => d.ruleId === 'bad-quantity');
        assert.equal(bad.length, 1, JSON.stringify(diagnostics.map((d) => `${d.ruleId}: ${d.message}`)));
        const w = parsed.workloads[0];
        assert.ok(w.cpu === undefined || w.cpu === 1, `cpu ${w.cpu}`);
        assert.ok(w.memory === undefined || w.memory === 2 ** 30, `memory ${w.memory}`);
      });
    }
    it('the bounds themselves are accepted', () => {
      assert.deepEqual(parseMemory('8Ei'), { ok: true, value: MAX_BYTES });
      assert.deepEqual(parseMemory(MAX_BYTES), { ok: true, value: MAX_BYTES });
      assert.deepEqual(parseCpu('1000000'), { ok: true, value: 1e6 });
      assert.deepEqual(parseCpu('1000000000m'), { ok: true, value: 1e6 });
      assert.equal(parseCpu(Infinity).ok, false);
      assert.equal(parseMemory('1e19').ok, false);
    });
  });
});

describe('smaller holes', () => {
  it('the nesting limit refuses the same texts when the fast reader bounds the depth instead of the scan', () => {
    const indented = (levels: number, step: number) => Array.from({ length: levels }, (_, i) => `${' '.repeat(i * step)}k${i}:\n`).join('') + `${' '.repeat(levels * step)}v: 1\n`;
    const texts = [
      // A dash before the newline joins the next line in the scan: dashes add up.
      '-\n'.repeat(20) + '- a\n',
      '-\n'.repeat(40) + '- a\n',
      '- \n'.repeat(100),
      'x:\n' + '-\n'.repeat(40),
      indented(12, 10),
      indented(14, 10),
      indented(40, 2),
      `x: ${'['.repeat(60)}${']'.repeat(60)}\n`,
      `x: ${'['.repeat(70)}${']'.repeat(70)}\n`,
      `a:\n${' '.repeat(100)}b: c [ d\n`,
    ];
    for (const text of texts) {
      const refused = parseTree(text, 0).findings.some((f) => /levels deep/.test(f.message));
      assert.equal(refused, nestingDepth(text) > MAX_DEPTH, JSON.stringify(text.slice(0, 40)));
    }
    // The texts above exercise the bound: the fast reader takes most of them.
    assert.ok(texts.filter((t) => fastTree(t, 0)).length >= 6);
  });

  it('a quote inside a plain flow scalar does not hide brackets from the nesting check', () => {
    for (const q of ['"', "'"]) {
      const text = `version: 1\nx: [a${q}b, ${'['.repeat(100_000)}\n`;
      const { diagnostics } = analyzeOne(text);
      assert.ok(
        diagnostics.some((d) => /nests more than 10,000 levels deep/.test(d.message)),
        JSON.stringify(diagnostics.map((d) => d.message).slice(0, 3)),
      );
      assert.ok(!diagnostics.some((d) => /call stack/.test(d.message)));
    }
  });

  it('a file with lone CR line ends reads as its LF twin', () => {
    const lf = 'version: 1\nworkloads:\n  - name: w # placement-ignore: unknown-key\n    os: linux\n    colour: red\n    resources:\n      cpu: 1\n';
    const cr = lf.replace(/\n/g, '\r');
    const a = analyzeOne(lf);
    const b = analyzeOne(cr);
    assert.deepEqual(b.diagnostics, a.diagnostics);
    assert.equal(b.parsed.workloads.length, 1);
    assert.equal(b.parsed.workloads[0].os, 'linux');
    assert.deepEqual(b.parsed.suppressions, a.parsed.suppressions);
    // A lone CR among LF lines too, and in a piece after an edit.
    const mixed = lf.replace('    os: linux\n', '    os: linux\r');
    assert.deepEqual(analyzeOne(mixed).diagnostics, a.diagnostics);
    const cache = new PieceCache();
    parseFile('x', lf, cache);
    assert.deepEqual(parseFile('x', mixed, cache).findings, parseFile('x', lf).findings);
  });

  it('a NUL past the first 64 KiB refuses the file as binary, in a whole parse and after an edit', () => {
    const g = generate({ workloads: 400, seed: 4 }).text;
    assert.ok(g.length > 70_000);
    const binary = (p: ParsedFile) => p.findings.some((f) => /looks binary/.test(f.message));
    assert.ok(binary(parseFile('x', `${g}  - name: a\u0000b\n`)));
    const cache = new PieceCache();
    let source = SourceText.of(g);
    assert.ok(!binary(parseFile('x', source, cache)));
    const at = g.length - 10;
    source = source.edit(at, at, '\u0000');
    assert.ok(binary(parseFile('x', source, cache)));
    source = source.edit(at, at + 1, '');
    assert.ok(!binary(parseFile('x', source, cache)));
  });
});

describe('suppressions are read from YAML comments only', () => {
  const W = (body: string) => `version: 1\nworkloads:\n  - name: w\n    os: linux\n${body}`;
  const unknown = (text: string) =>
    analyzeOne(text)
      .diagnostics.filter((d) => d.ruleId === 'unknown-key')
      .map((d) => text.slice(d.span.start, d.span.end));

  it('a "#placement-ignore-file" inside a quoted value is text, not a comment', () => {
    assert.deepEqual(unknown(W('    description: "see #placement-ignore-file"\n    colour: red\n')), ['colour']);
    assert.deepEqual(unknown(W("    description: 'a #placement-ignore-file'\n    colour: red\n")), ['colour']);
  });

  it('nor inside a block scalar', () => {
    assert.deepEqual(unknown(W('    description: |\n      # placement-ignore-file: unknown-key\n    colour: red\n')), ['colour']);
  });

  it('a bare "# placement-ignore" covers the next line only, wherever it is (its rule list ends with its line)', () => {
    assert.deepEqual(unknown(W('    # placement-ignore\n    colour: red\n    flavour: x\n')), ['flavour']);
    assert.deepEqual(unknown(W('    colour: red # placement-ignore\n    flavour: x\n')), ['flavour']);
    assert.deepEqual(unknown(W('    colour: red # placement-ignore:\n    flavour: x\n')), ['flavour']);
  });

  it('comments between the list key and its first item count too', () => {
    const text = 'version: 1\nworkloads:\n  # placement-ignore\n  - name: w\n    os: linux\n    colour: red\n';
    assert.deepEqual(unknown(text), ['colour']);
    assert.deepEqual(unknown(`# placement-ignore-file: unknown-key\n${text}`), []);
    assert.deepEqual(unknown(text.replace('workloads:\n', 'workloads:\n  # placement-ignore-file: unknown-key\n')), []);
  });

  it('in a file the splitter does not take (a whole parse by the library)', () => {
    const text = W('    tags: [a, b]\n    x: &a 1\n    # placement-ignore\n    colour: red\n    note: "#placement-ignore-file"\n    flavour: x\n');
    assert.deepEqual(unknown(text), ['tags', 'x', 'note', 'flavour']);
  });

  it('an edit of a file with suppressions reads only around the change', () => {
    const g = generate({ workloads: 2000, seed: 2 }).text;
    const at = g.indexOf('\n  - name:', g.length >> 1) + 1;
    const text = `${g.slice(0, at)}  # placement-ignore: deploy-against-recommendation\n${g.slice(at)}`;
    const cache = new PieceCache();
    let source = SourceText.of(text);
    parseFile('x', source, cache);
    let expected = text;
    const line = (from: number) => text.indexOf('\n  - name:', from) + 1;
    for (const [where, insert] of [
      [text.indexOf('    os: ', 5000) + 8, 'x'],
      [line(text.length - 2000), '  # placement-ignore\n'],
      [at + 5, 'z'],
    ] as [number, string][]) {
      source = source.edit(where, where, insert);
      expected = expected.slice(0, where) + insert + expected.slice(where);
      const p = parseFile('x', source, cache);
      assert.equal(source.wholeReads, 0, 'the parse read the whole text');
      assert.deepEqual(p.suppressions, parseFile('x', expected).suppressions);
    }
  });
});

describe('aliases of the first header\'s anchors in items are read piece by piece', () => {
  const header = 'version: 1\ncommon: &os linux\nsize: &mem 2Gi\nboth: &res {cpu: 1, memory: 1Gi}\nworkloads:\n';
  const item = (i: number) => `  - name: w${i}\n    os: *os\n    resources: *res\n`;
  const text = header + Array.from({ length: 30 }, (_, i) => item(i)).join('');
  // The reference: the whole text at once, no pieces.
  const whole = (t: string) =>
    parseWhole({ file: 'x', text: t, source: SourceText.of(t), hosts: [], workloads: [], root: null, findings: [], suppressions: { file: new Set(), lines: new Map() }, lineStarts: computeLineStarts(t) });
  const same = (a: ParsedFile, b: ParsedFile) => {
    const strip = (p: ParsedFile) => {
      const v = view([p], analyze([p], defaultConfig()));
      return { ...v.files[0], root: undefined, suppressions: undefined, recommendations: v.recommendations, diagnostics: v.diagnostics };
    };
    assert.deepEqual(strip(a), strip(b));
  };

  it('an edit in an item re-parses that item only, and equals a whole parse', () => {
    const cache = new PieceCache();
    parseFile('x', text, cache);
    cache.misses = 0;
    const edited = text.replace('name: w7\n', 'name: w7b\n');
    const p = parseFile('x', edited, cache);
    assert.equal(cache.misses, 1);
    assert.ok(p.workloads.every((w) => w.os === 'linux' && w.cpu === 1));
    same(p, whole(edited));
  });

  it('an edit of an anchor re-reads the items that use it', () => {
    const cache = new PieceCache();
    parseFile('x', text, cache);
    const edited = text.replace('&os linux', '&os windows');
    const p = parseFile('x', edited, cache);
    assert.ok(p.workloads.every((w) => w.os === 'windows'));
    same(p, whole(edited));
  });

  it('the alias budget counts over all items, as in a whole parse', () => {
    const bomb = `version: 1\nten: &t [${Array(10).fill('x').join(', ')}]\nworkloads:\n${Array.from({ length: 1000 }, (_, i) => `  - name: w${i}\n    os: linux\n    tags: *t\n`).join('')}`;
    const cache = new PieceCache();
    for (const t of [bomb, bomb.replace('name: w500\n', 'name: w500b\n')]) {
      const p = parseFile('x', t, cache);
      assert.ok(p.findings.some((f) => /alias bomb/.test(f.message)));
      assert.equal(p.workloads.length, 0);
    }
  });

  it('random edits: incremental equals a fresh parse and a whole parse', () => {
    const snippet = fc.constantFrom('x', ' ', '\n', '*os', '*res', '*mem', '&os ', '&z ', '*nope', '- ', ': ', '#', '  ', 'os: *os\n', '    memory: *mem\n', '!!str ', '<<: *res\n');
    fc.assert(
      fc.property(fc.array(fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), remove: fc.integer({ min: 0, max: 6 }), insert: snippet }), { minLength: 1, maxLength: 8 }), (edits) => {
        const cache = new PieceCache();
        let source = SourceText.of(text);
        let t = text;
        parseFile('x', source, cache);
        for (const e of edits) {
          const start = Math.floor(e.at * t.length);
          const end = Math.min(t.length, start + e.remove);
          t = t.slice(0, start) + e.insert + t.slice(end);
          source = source.edit(start, end, e.insert);
          const inc = parseFile('x', source, cache);
          same(inc, parseFile('x', t));
          same(inc, whole(t));
        }
      }),
      props(60, 1414),
    );
  });
});

describe('stalls', { timeout: 300_000 }, () => {
  it('4,000 aliases (110 KB) are resolved in one walk of the document', () => {
    const lines = ['version: 1', 'common: &os linux', 'workloads:'];
    for (let i = 0; i < 4000; i++) lines.push(`  - name: w${i}`, '    os: *os');
    const text = `${lines.join('\n')}\n`;
    // The old code walked the whole document per alias: 48 s.
    const { parsed } = within(10_000, '4,000 aliases', () => analyzeOne(text));
    assert.equal(parsed.workloads.length, 4000);
    assert.ok(parsed.workloads.every((w) => w.os === 'linux'));
  });

  it('an alias names the last anchor before it, as the YAML library resolves it', () => {
    const text = 'version: 1\na: &x windows\nworkloads:\n  - name: one\n    os: *x\n  - name: two\n    os: &x linux\n  - name: three\n    os: *x\n  - name: four\n    os: *nope\n';
    const { parsed } = analyzeOne(text);
    assert.deepEqual(
      parsed.workloads.map((w) => w.os),
      ['windows', 'linux', 'linux', undefined],
    );
  });

  it('20,000 unknown keys in one workload are checked in linear time', () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `    unknown${i}: x`).join('\n');
    const text = `version: 1\nworkloads:\n  - name: w\n    os: linux\n${keys}\n`;
    const { parsed } = within(10_000, '20,000 unknown keys', () => analyzeOne(text)); // 76 s before
    const found = parsed.findings.filter((f) => f.ruleId === 'unknown-key');
    // The first ones one by one, with a guess; then one finding counts the rest.
    assert.equal(found.length, MAX_UNKNOWN_KEYS);
    assert.match(found[MAX_UNKNOWN_KEYS - 1].message, /^19,901 more unknown keys in a workload, from 'unknown99' on: not listed one by one/);
    assert.equal(text.slice(found[MAX_UNKNOWN_KEYS - 1].span.start, found[MAX_UNKNOWN_KEYS - 1].span.end), 'unknown99');
  });

  it('exactly MAX_UNKNOWN_KEYS unknown keys are all listed one by one', () => {
    const keys = Array.from({ length: MAX_UNKNOWN_KEYS }, (_, i) => `    unknown${i}: x`).join('\n');
    const { parsed } = analyzeOne(`version: 1\nworkloads:\n  - name: w\n    os: linux\n${keys}\n`);
    const found = parsed.findings.filter((f) => f.ruleId === 'unknown-key');
    assert.equal(found.length, MAX_UNKNOWN_KEYS);
    assert.ok(found.every((f) => f.message.startsWith('Unknown key')));
  });

  it('20,000 unknown root keys are checked in linear time', () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `k${i}: x`).join('\n');
    const text = `version: 1\n${keys}\n`;
    const { parsed } = within(10_000, '20,000 unknown root keys', () => analyzeOne(text)); // 40 s before
    assert.equal(parsed.findings.filter((f) => f.ruleId === 'unknown-key').length, MAX_UNKNOWN_KEYS);
  });
});
