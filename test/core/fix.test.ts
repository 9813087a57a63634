// The one fix path (core/fix.ts): choosing (one conflict rule, one de-duplication),
// applying, owning (never an alias, never past a block scalar, the file's line endings)
// and verifying by re-parse. The cases of issue #14 first.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { analyze } from '../../server/src/core/analyze';
import { defaultConfig } from '../../server/src/core/config';
import { applyEdits, chooseFixes, conflicts, fixFile, ownEdit, verifyFixes } from '../../server/src/core/fix';
import { parseFile } from '../../server/src/core/parse';
import type { Diagnostic, Finding, Fix, TextEdit } from '../../server/src/core/types';
import { FLEET } from './helpers';

const edit = (start: number, end: number, newText: string): TextEdit => ({ span: { start, end }, newText });
const diag = (...fixes: Fix[]): Diagnostic => ({ ruleId: 'unknown-key', message: 'm', span: { start: 0, end: 1 }, severity: 'warning', file: 'f', fixes });
const fix = (safe: boolean, preferred: boolean, ...edits: TextEdit[]): Fix => ({ title: 't', safe, preferred, edits });
const reparse = (text: string) => parseFile('w.workload.yaml', text).findings;

/** `check --fix` on one file with the fleet beside it, in process: rounds until nothing changes. */
function fixUntilStable(text: string, rounds = 5): { text: string; fixes: number; skipped: string[] } {
  let fixes = 0;
  let skipped: string[] = [];
  for (let i = 0; i < rounds; i++) {
    const parsed = parseFile('w.workload.yaml', text);
    const analysis = analyze([parseFile('hosts.workload.yaml', FLEET), parsed], defaultConfig());
    const r = fixFile(text, analysis.diagnostics.get('w.workload.yaml') ?? [], parsed.findings, reparse);
    skipped = r.skipped.map((s) => `${s.finding.ruleId}: ${s.reason}`);
    if (r.text === text) break;
    fixes += r.applied.reduce((n, c) => n + c.findings.length, 0);
    text = r.text;
  }
  return { text, fixes, skipped };
}

const errorsOf = (text: string) => {
  const parsed = parseFile('w.workload.yaml', text);
  const analysis = analyze([parseFile('hosts.workload.yaml', FLEET), parsed], defaultConfig());
  return (analysis.diagnostics.get('w.workload.yaml') ?? []).filter((d) => d.severity === 'error').map((d) => d.ruleId);
};

describe('issue #14: fixes that corrupted files', () => {
  it('1. never edits an alias: the anchored original is fixed, `*base` stays', () => {
    const text = 'version: 1\nworkloads:\n  - &base {name: a, os: linux, deploy: contianer, replicaz: 2}\n  - *base\n';
    const r = fixUntilStable(text);
    assert.equal(r.text, 'version: 1\nworkloads:\n  - &base {name: a, os: linux, deploy: container, replicas: 2}\n  - *base\n');
    assert.equal(r.fixes, 2);
    // Block style: the same.
    const block = 'version: 1\nworkloads:\n  - &base\n    name: a\n    os: linux\n    deploy: contianer\n  - *base\n';
    assert.equal(fixUntilStable(block).text, block.replace('contianer', 'container'));
    // The alias's own finding is never fixed in place.
    const parsed = parseFile('w.workload.yaml', text);
    const aliasAt = text.indexOf('*base');
    const choice = chooseFixes(text, parsed.findings);
    assert.ok(choice.chosen.every((c) => c.edits.every((e) => e.span.start !== aliasAt)));
    assert.ok(choice.skipped.some((s) => /alias/.test(s.reason)));
  });

  it('1. an insertion onto an alias line is refused', () => {
    const text = 'workloads:\n  - *base   # c\n';
    assert.match(String(ownEdit(text, edit(text.indexOf('\n', 11), text.indexOf('\n', 11), '\n    deploy: vm'))), /alias/);
    assert.match(String(ownEdit(text, edit(text.indexOf('*'), text.indexOf('*'), ', x: 1'))), /alias/);
  });

  it('2. `version: 1` goes below `---` and directives, once', () => {
    for (const head of ['---\n', '%YAML 1.2\n---\n', '# top\n---\n# more\n']) {
      const text = `${head}workloads:\n  - name: a\n    os: linux\n`;
      const once = fixUntilStable(text, 1).text;
      assert.equal(once, `${head}version: 1\nworkloads:\n  - name: a\n    os: linux\n`);
      assert.deepEqual(reparse(once), []);
      assert.equal(fixUntilStable(once).text, once, 'a second run changes nothing');
    }
    // An empty file: at the end, after its comments.
    assert.equal(fixUntilStable('# nothing yet').text, '# nothing yet\nversion: 1\n');
  });

  it('3. a block scalar keeps its indicator and the next key', () => {
    for (const ind of ['>-', '|-']) {
      const text = `version: 1\nworkloads:\n  - name: a\n    deploy: ${ind}\n      contianer\n    os: linux\n`;
      const r = fixUntilStable(text);
      assert.equal(r.text, text.replace('contianer', 'container'), ind);
      assert.deepEqual(errorsOf(r.text), []);
    }
    // `|` and `>` keep the final line break in the value: no fix makes it valid, none corrupts the file.
    for (const ind of ['>', '|']) {
      const text = `version: 1\nworkloads:\n  - name: a\n    deploy: ${ind}\n      contianer\n    os: linux\n`;
      const r = fixUntilStable(text);
      assert.match(r.text, /\n {4}os: linux\n$/, ind);
      assert.deepEqual(reparse(r.text).filter((f) => f.ruleId === 'yaml-syntax'), []);
    }
    // Over several lines: not fixed (cannot be shown safe), and said why.
    const multi = '    deploy: >-\n      contai\n      ner\n    os: linux\n';
    const at = multi.indexOf('>');
    assert.match(String(ownEdit(multi, edit(at, multi.indexOf('    os'), 'container'))), /several lines/);
    // One content line: that line is edited, nothing else.
    const one = '    deploy: >-\n      contianer\n    os: linux\n';
    assert.deepEqual(ownEdit(one, edit(one.indexOf('>'), one.indexOf('    os'), 'container')), edit(one.indexOf('contianer'), one.indexOf('contianer') + 9, 'container'));
  });

  it('4. two misspelt keys guessing one field: one is renamed, no duplicate key', () => {
    const text = 'version: 1\nworkloads:\n  - name: a\n    os: linux\n    replicaz: 2\n    replicass: 3\n';
    assert.deepEqual(errorsOf(text), []);
    const r = fixUntilStable(text);
    assert.equal(r.text, 'version: 1\nworkloads:\n  - name: a\n    os: linux\n    replicas: 2\n    replicass: 3\n');
    assert.deepEqual(errorsOf(r.text), [], 'still passes');
    const parsed = parseFile('w.workload.yaml', text);
    const once = fixFile(text, parsed.findings, parsed.findings, reparse);
    assert.equal(once.applied.length, 1);
    assert.match(once.skipped[0].reason, /duplicate-key/);
  });

  it('5. keeps CRLF line endings', () => {
    const text = '# c\r\nworkloads:\r\n  - name: a\r\n    os: linux\r\n';
    const out = fixUntilStable(text).text;
    assert.equal(out, '# c\r\nversion: 1\r\nworkloads:\r\n  - name: a\r\n    os: linux\r\n');
    assert.equal(fixUntilStable('# c\r\n').text, '# c\r\nversion: 1\r\n');
    // Any fix's new lines take the file's ending.
    assert.deepEqual(ownEdit('a: 1\r\n', edit(6, 6, 'b: 2\nc: 3\n')), edit(6, 6, 'b: 2\r\nc: 3\r\n'));
  });
});

describe('chooseFixes', () => {
  const text = 'x'.repeat(40);
  it('takes the preferred safe fix, never an unsafe one', () => {
    const r = chooseFixes(text, [diag(fix(false, true, edit(0, 1, 'x')), fix(true, false, edit(2, 3, 'y')), fix(true, true, edit(4, 5, 'z'))), diag(fix(false, true, edit(8, 9, 'u')))]);
    assert.deepEqual(
      r.chosen.map((c) => c.edits),
      [[edit(4, 5, 'z')]],
    );
  });

  it('defers a fix that overlaps or starts where a chosen one starts; merges the same fix', () => {
    const same = diag(fix(true, true, edit(5, 10, 'a')));
    const r = chooseFixes(text, [diag(fix(true, true, edit(5, 10, 'a'))), diag(fix(true, true, edit(8, 12, 'b'))), diag(fix(true, true, edit(20, 20, 'c'))), diag(fix(true, true, edit(20, 20, 'd'))), diag(fix(true, true, edit(10, 11, 'e'))), same]);
    assert.deepEqual(
      r.chosen.map((c) => c.edits[0]),
      [edit(5, 10, 'a'), edit(20, 20, 'c'), edit(10, 11, 'e')],
    );
    assert.equal(r.chosen[0].findings.length, 2, 'the same fix twice is one fix for two findings');
    assert.equal(r.deferred, 2);
  });

  it('the conflict rule is symmetric and the chooser agrees with a pairwise check', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(30), fc.nat(4)), { maxLength: 12 }), (raw) => {
        const ds = raw.map(([s, l]) => diag(fix(true, true, edit(s, s + l, 'z'))));
        const r = chooseFixes(text, ds);
        const spans = r.chosen.map((c) => c.edits[0].span);
        for (let i = 0; i < spans.length; i++) for (let j = 0; j < spans.length; j++) if (i !== j) assert.ok(!conflicts(spans[i], spans[j]));
        // Every diagnostic not taken conflicts with one taken (or is the same fix).
        for (const d of ds) {
          const s = d.fixes![0].edits[0].span;
          assert.ok(spans.some((t) => conflicts(t, s)));
        }
      }),
      { seed: 14 },
    );
  });
});

describe('applyEdits', () => {
  it('applies sorted, disjoint edits whatever their order', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), fc.array(fc.tuple(fc.nat(60), fc.nat(5), fc.string({ maxLength: 4 })), { maxLength: 8 }), (text, raw) => {
        const edits: TextEdit[] = [];
        let at = 0;
        for (const [gap, len, t] of raw) {
          const start = Math.min(text.length, at + (gap % 7));
          const end = Math.min(text.length, start + len);
          if (edits.length && start === edits[edits.length - 1].span.start) continue;
          edits.push(edit(start, end, t));
          at = end + 1;
          if (at > text.length) break;
        }
        // The reference: right to left, one at a time.
        let expected = text;
        for (const e of [...edits].reverse()) expected = expected.slice(0, e.span.start) + e.newText + expected.slice(e.span.end);
        assert.equal(applyEdits(text, [...edits].reverse()), expected);
      }),
      { seed: 10 },
    );
  });
});

describe('verifyFixes', () => {
  it('one re-parse for a good set; bisection finds the one bad fix', () => {
    const items = Array.from({ length: 64 }, (_, i) => `  - name: w${i}\n    os: linux\n    replicaz: 1\n`).join('');
    const text = `version: 1\nworkloads:\n${items}`;
    const parsed = parseFile('w.workload.yaml', text);
    const choice = chooseFixes(text, parsed.findings);
    assert.equal(choice.chosen.length, 64);
    const good = verifyFixes(text, choice.chosen, parsed.findings, reparse);
    assert.equal(good.parses, 1);
    assert.equal(good.applied.length, 64);
    // Spoil one fix: it would write an unknown key.
    const spoilt = choice.chosen.map((c, i) => (i === 37 ? { ...c, edits: [{ ...c.edits[0], newText: 'replicaq' }] } : c));
    const bad = verifyFixes(text, spoilt, parsed.findings, reparse);
    assert.equal(bad.applied.length, 63);
    assert.equal(bad.rejected.length, 1);
    assert.match(bad.rejected[0].reason, /unknown-key/);
    assert.ok(bad.parses <= 2 * Math.ceil(Math.log2(64)) + 1, `parses: ${bad.parses}`);
  });

  it('a fix that keeps its finding is dropped even when an anchor edit clears as many elsewhere', () => {
    // `os: >` keeps the final line break: "linux\n" is still invalid. Fixing the anchored
    // `deploy` also clears the alias's finding, so the counts alone would balance.
    const text = 'version: 1\nworkloads:\n  - name: b\n    os: >\n      linex\n  - &fl {name: a, os: linux, deploy: contianer}\n  - *fl\n';
    const parsed = parseFile('w.workload.yaml', text);
    const r = fixFile(text, parsed.findings, parsed.findings, reparse);
    assert.equal(r.text, text.replace('contianer', 'container'));
    assert.ok(r.skipped.some((s) => /os/.test(s.finding.message) && /clear|add/.test(s.reason)), JSON.stringify(r.skipped.map((s) => s.reason)));
  });

  it('the missing `version` of each document is fixed in its document', () => {
    const text = 'workloads:\n  - name: a\n    os: linux\n---\nhosts: []\n';
    const parsed = parseFile('w.workload.yaml', text);
    const r = fixFile(text, parsed.findings, parsed.findings, reparse);
    assert.equal(r.text, 'version: 1\nworkloads:\n  - name: a\n    os: linux\n---\nversion: 1\nhosts: []\n');
    // One at a time too (a bisection's half holds one of them).
    const one = verifyFixes(text, chooseFixes(text, parsed.findings).chosen.slice(1), parsed.findings, reparse);
    assert.equal(one.applied.length, 1);
  });

  it('drops a fix whose result does not parse', () => {
    const text = 'version: 1\nworkloads:\n  - name: a\n    os: linux\n    deploy: contianer\n';
    const parsed = parseFile('w.workload.yaml', text);
    const f: Finding = parsed.findings[0];
    const broken = { fix: f.fixes![0], edits: [edit(f.span.start, f.span.end, '[container')], findings: [f] };
    const v = verifyFixes(text, [broken], parsed.findings, reparse);
    assert.equal(v.applied.length, 0);
    assert.match(v.rejected[0].reason, /would not parse/);
    assert.equal(v.text, text);
  });
});
