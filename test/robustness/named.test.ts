// Named hostile and odd inputs, one test each: the core answers with a clear
// diagnostic instead of crashing, hanging or exhausting the stack. (How fast each is
// refused is measured by `npm run bench`, not asserted here.)
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generate } from '../../bench/generate';
import { analyze } from '../../server/src/core/analyze';
import { defaultConfig } from '../../server/src/core/config';
import { applyEdits } from '../../server/src/core/fix';
import { parseFile, PieceCache } from '../../server/src/core/parse';
import type { Diagnostic, ParsedFile, TextEdit } from '../../server/src/core/types';
import { exampleFleets } from '../incremental/support';

const config = defaultConfig();

function analyzeOne(text: string, file = 'x.workload.yaml'): { parsed: ParsedFile; diagnostics: Diagnostic[] } {
  const parsed = parseFile(file, text);
  return { parsed, diagnostics: analyze([parsed], config).diagnostics.get(file) ?? [] };
}

function only(diags: readonly Diagnostic[], re: RegExp): Diagnostic {
  const hits = diags.filter((d) => re.test(d.message));
  assert.equal(hits.length, 1, `one diagnostic matching ${re}; got ${JSON.stringify(diags.map((d) => d.message))}`);
  return hits[0];
}

function inside(diags: readonly Diagnostic[], length: number): void {
  for (const d of diags) assert.ok(d.span.start >= 0 && d.span.start <= d.span.end && d.span.end <= length, `${d.ruleId} ${JSON.stringify(d.span)} inside 0..${length}`);
}

/** The classic "billion laughs": nine levels of nine aliases each, a billion strings. */
export function billionLaughs(): string {
  const lines = ['version: 1', 'lol: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
  const names = 'abcdefghij';
  for (let i = 1; i < 10; i++) lines.push(`l${i}: &${names[i]} [${Array(9).fill(`*${names[i - 1]}`).join(', ')}]`);
  lines.push('workloads:', '  - name: bomb', '    os: linux', '    description: *j');
  return `${lines.join('\n')}\n`;
}

describe('named hostile inputs', { timeout: 120_000 }, () => {
  it('an alias bomb ("billion laughs") is refused with a clear diagnostic', () => {
    const text = billionLaughs();
    const { parsed, diagnostics } = analyzeOne(text);
    const d = only(diagnostics, /alias bomb/);
    assert.equal(d.ruleId, 'yaml-syntax');
    assert.equal(d.severity, 'error');
    assert.equal(parsed.workloads.length, 0, 'nothing is read from a refused document');
    inside(diagnostics, text.length);
  });

  it('an alias bomb inside one workload of a list is refused too', () => {
    const text = `version: 1\nworkloads:\n  - name: ok\n    os: linux\n  - name: bomb\n    os: linux\n    x: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n${Array.from({ length: 6 }, (_, i) => `    y${i}: &${'bcdefg'[i]} [${Array(10).fill(`*${'abcdefg'[i]}`).join(', ')}]`).join('\n')}\n`;
    const cache = new PieceCache();
    const p = parseFile('x', text, cache);
    assert.ok(p.findings.some((f) => /alias bomb/.test(f.message)));
  });

  it('a 50 MB file is refused as too large, with a clear diagnostic', () => {
    const chunk = generate({ workloads: 1000, seed: 50 }).text.replace(/^version: 1\n/m, '');
    const text = `version: 1\n${chunk.repeat(Math.ceil((50 * 2 ** 20) / chunk.length))}`;
    assert.ok(text.length >= 50 * 2 ** 20);
    const { parsed, diagnostics } = analyzeOne(text);
    const d = only(diagnostics, /too large/);
    assert.match(d.message, /MB/);
    assert.equal(parsed.workloads.length + parsed.hosts.length, 0);
    inside(diagnostics, text.length);
    // The incremental path refuses it as well, and recovers when the file shrinks.
    const cache = new PieceCache();
    assert.ok(parseFile('x', text, cache).findings.some((f) => /too large/.test(f.message)));
    assert.equal(parseFile('x', `version: 1\n${chunk}`, cache).workloads.length, 1000);
  });

  const deep: [string, string][] = [
    ['flow sequences', `version: 1\nworkloads: ${'['.repeat(100_000)}`],
    ['flow mappings', `version: 1\nworkloads: ${'{a: '.repeat(100_000)}`],
    ['block sequences on one line', `version: 1\nworkloads:\n  ${'- '.repeat(100_000)}x\n`],
    ['mixed brackets, closed', `version: 1\nx: ${'[{a: '.repeat(50_000)}1${'}]'.repeat(50_000)}\n`],
    ['indentation, 3,000 levels', `version: 1\nworkloads:\n  - name: deep\n    resources:\n${Array.from({ length: 3000 }, (_, i) => `${' '.repeat(6 + 2 * i)}k${i}:`).join('\n')}\n`],
  ];
  for (const [name, text] of deep) {
    it(`100,000-deep nesting (${name}) is refused as too deep, without a stack overflow`, () => {
      const { diagnostics } = analyzeOne(text);
      const d = only(diagnostics, /nests (more than 10,000|\d[\d,]*) levels deep/);
      assert.equal(d.ruleId, 'yaml-syntax');
      inside(diagnostics, text.length);
      const cache = new PieceCache();
      parseFile('x', text, cache);
      assert.ok(parseFile('x', `${text}\n# edit`, cache).findings.some((f) => /nests/.test(f.message)));
    });
  }

  it('binary content is refused as not text', () => {
    const bytes = Buffer.alloc(4096);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) % 256;
    const text = bytes.toString('latin1');
    const { diagnostics } = analyzeOne(text);
    assert.match(only(diagnostics, /binary/).message, /UTF-8/);
    assert.equal(diagnostics.length, 1, 'nothing else is reported for a binary file');
  });

  it('non-UTF-8 text (decoded into U+FFFD) is refused; a stray U+FFFD is just a character', () => {
    const latin1 = Buffer.from('version: 1\nworkloads:\n'.concat(Array.from({ length: 40 }, (_, i) => `  - name: caf\xe9-${i}\n    os: linux\n`).join('')), 'latin1');
    const asUtf8 = latin1.toString('utf8');
    assert.ok(asUtf8.includes('\ufffd'));
    only(analyzeOne(asUtf8).diagnostics, /not UTF-8/);
    const one = 'version: 1\nworkloads:\n  - name: caf\ufffd\n    os: linux\n';
    const { parsed } = analyzeOne(one);
    assert.equal(parsed.workloads[0].name, 'caf\ufffd');
  });

  it('tabs in indentation give a clear syntax error on the tab, and the rest is still read', () => {
    const text = 'version: 1\nworkloads:\n  - name: ok\n    os: linux\n  - name: tabbed\n\tos: linux\n';
    const { diagnostics } = analyzeOne(text);
    const syntax = diagnostics.filter((d) => d.ruleId === 'yaml-syntax');
    assert.ok(syntax.length >= 1);
    assert.ok(syntax.some((d) => /tab/i.test(d.message)), JSON.stringify(syntax.map((d) => d.message)));
    inside(diagnostics, text.length);
  });

  it('CRLF line ends: the same diagnostics as LF, and fixes keep CRLF', () => {
    for (const fleet of exampleFleets()) {
      for (const [name, lf] of Object.entries(fleet.files)) {
        const crlf = lf.replace(/\n/g, '\r\n');
        const lfRun = analyze(Object.entries(fleet.files).map(([f, t]) => parseFile(f, t)), config).diagnostics.get(name)!;
        const crlfFiles = { ...fleet.files, [name]: crlf };
        const crlfRun = analyze(Object.entries(crlfFiles).map(([f, t]) => parseFile(f, t)), config).diagnostics.get(name)!;
        const lineCol = (text: string, o: number) => {
          const before = text.slice(0, o).replace(/\r\n/g, '\n');
          return `${before.split('\n').length}:${before.length - before.lastIndexOf('\n')}`;
        };
        assert.deepEqual(
          crlfRun.map((d) => `${d.ruleId} ${lineCol(crlf, d.span.start)} ${d.message}`),
          lfRun.map((d) => `${d.ruleId} ${lineCol(lf, d.span.start)} ${d.message}`),
          name,
        );
        const edits: TextEdit[] = [];
        for (const d of crlfRun) {
          const fix = d.fixes?.find((f) => f.safe);
          if (fix && !fix.edits.some((e) => edits.some((x) => x.span.start < e.span.end && e.span.start < x.span.end))) edits.push(...fix.edits);
        }
        const fixed = applyEdits(crlf, edits);
        assert.ok(!/(^|[^\r])\n/.test(fixed), `a fix in ${name} wrote a bare LF`);
      }
    }
  });

  it('a byte-order mark is ignored', () => {
    const [fleet] = exampleFleets();
    const [name, text] = Object.entries(fleet.files)[0];
    const plain = analyzeOne(text, name);
    const bom = analyzeOne(`\ufeff${text}`, name);
    assert.deepEqual(
      bom.diagnostics.map((d) => [d.ruleId, d.message, d.span.start - 1]),
      plain.diagnostics.map((d) => [d.ruleId, d.message, d.span.start]),
    );
    assert.equal(bom.parsed.hosts.length + bom.parsed.workloads.length, plain.parsed.hosts.length + plain.parsed.workloads.length);
  });

  it('multi-document files are read document by document', () => {
    const text = 'version: 1\nhosts:\n  - name: h1\n    role: container-host\n    os: linux\n    runtime: containerd\n    cpu: 8\n    memory: 32Gi\n---\nversion: 1\nworkloads:\n  - name: w1\n    os: linux\n    deploy: container\n    host: h1\n';
    const { parsed, diagnostics } = analyzeOne(text);
    assert.deepEqual(
      parsed.hosts.map((h) => h.name),
      ['h1'],
    );
    assert.deepEqual(
      parsed.workloads.map((w) => w.name),
      ['w1'],
    );
    assert.ok(!diagnostics.some((d) => d.ruleId === 'unknown-host' || d.severity === 'error'), JSON.stringify(diagnostics.map((d) => d.message)));
  });

  it('names with markup or control characters stay plain text in messages and the layout', () => {
    const markup = '<img src=x onerror=alert(1)>';
    const text = `version: 1\nworkloads:\n  - name: "${markup}"\n    os: linux\n  - name: "${markup}"\n    os: linux\n  - name: "bell\\u0007\\u001b[31mred"\n    os: linux\n    deploy: contianer\n`;
    const parsed = parseFile('x', text);
    const analysis = analyze([parsed], config);
    const diags = analysis.diagnostics.get('x')!;
    const dup = diags.filter((d) => d.ruleId === 'duplicate-name');
    assert.equal(dup.length, 2);
    assert.ok(dup.every((d) => d.message.includes(markup)), 'the name is quoted verbatim: escaping is the view\'s job');
    // eslint-disable-next-line no-control-regex
    for (const d of diags) assert.ok(!/[\u0000-\u001f]/.test(d.message), `no raw control characters: ${JSON.stringify(d.message)}`);
    const names = analysis.layout.workloads.map((w) => w.name);
    assert.ok(names.includes(markup) && names.includes('bell\u0007\u001b[31mred'), 'the layout carries names as plain strings');
  });
});
