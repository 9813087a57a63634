// The piecewise parse must give what a whole parse gives, and odd inputs must be
// read (or refused) with a clear finding.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseFile, parseWhole, PieceCache } from '../../server/src/core/parse';
import { segment } from '../../server/src/core/segments';
import { SourceText } from '../../server/src/core/sourceText';
import type { ParsedFile } from '../../server/src/core/types';

const EXAMPLES = join(__dirname, '..', '..', '..', 'examples');

function exampleFiles(): [string, string][] {
  const out: [string, string][] = [];
  for (const dir of readdirSync(EXAMPLES)) {
    for (const f of readdirSync(join(EXAMPLES, dir))) {
      if (/\.workload\.ya?ml$/.test(f)) out.push([`${dir}/${f}`, readFileSync(join(EXAMPLES, dir, f), 'utf8')]);
    }
  }
  return out;
}

/** What later stages see, without the syntax tree's object identity. */
function summary(p: ParsedFile) {
  const strip = (d: object) => {
    const { node: _n, ...rest } = d as { node: unknown };
    return rest;
  };
  return {
    hosts: p.hosts.map(strip),
    workloads: p.workloads.map(strip),
    findings: p.findings.map((f) => ({ rule: f.ruleId, span: f.span, message: f.message })).sort((a, b) => a.span.start - b.span.start || a.rule.localeCompare(b.rule)),
  };
}

function whole(file: string, text: string): ParsedFile {
  return parseWhole({ file, text, source: SourceText.of(text), hosts: [], workloads: [], root: null, findings: [], suppressions: { file: new Set(), lines: new Map() }, lineStarts: [0] });
}

describe('parse', () => {
  for (const [name, text] of exampleFiles()) {
    it(`pieces equal a whole parse: ${name}`, () => {
      const seg = segment(text);
      assert.ok(seg.ok, 'the example is split into pieces');
      assert.deepEqual(summary(parseFile(name, text)), summary(whole(name, text)));
    });
  }

  it('re-parses only the piece an edit touched', () => {
    const [, text] = exampleFiles().find(([n]) => n.endsWith('apps.workload.yaml'))!;
    const cache = new PieceCache();
    parseFile('a', text, cache);
    const pieces = cache.map.size;
    cache.hits = cache.misses = 0;
    const edited = text.replace('max: 12', 'max: 13');
    const p = parseFile('a', edited, cache);
    assert.equal(cache.misses, 1);
    assert.equal(cache.hits, pieces - 1);
    assert.deepEqual(summary(p), summary(parseFile('a', edited)));
  });

  const odd: [string, string, (p: ParsedFile) => void][] = [
    ['CRLF line ends', 'version: 1\r\nworkloads:\r\n  - name: a\r\n    os: linux\r\n', (p) => assert.equal(p.workloads[0].name, 'a')],
    ['a BOM', '\ufeffversion: 1\nworkloads:\n  - name: a\n    os: linux\n', (p) => assert.equal(p.workloads[0].os, 'linux')],
    ['flow lists fall back to a whole parse', 'version: 1\nworkloads: [{ name: a, os: linux }]\n', (p) => assert.equal(p.workloads[0].name, 'a')],
    ['anchors and aliases', 'version: 1\nworkloads:\n  - &base { name: a, os: linux }\n  - name: b\n    os: linux\n', (p) => assert.equal(p.workloads.length, 2)],
    ['several documents', 'version: 1\nhosts:\n  - { name: h, role: hypervisor, cpu: 1, memory: 1Gi }\n---\nversion: 1\nworkloads:\n  - { name: a, os: linux }\n', (p) => {
      assert.equal(p.hosts.length, 1);
      assert.equal(p.workloads.length, 1);
    }],
    ['tabs', 'version: 1\nworkloads:\n\t- name: a\n', (p) => assert.ok(p.findings.some((f) => f.ruleId === 'yaml-syntax'))],
    ['binary content', 'version: 1\u0000\u0001\u0002', (p) => assert.match(p.findings[0].message, /binary/)],
    ['an empty file', '', (p) => assert.equal(p.findings[0].ruleId, 'missing-field')],
    ['a scalar document', 'hello', (p) => assert.equal(p.findings[0].ruleId, 'wrong-type')],
    ['deep nesting', `version: 1\nworkloads: ${'['.repeat(100000)}`, (p) => assert.match(p.findings[0].message, /nests/)],
    ['an alias bomb', bomb(), (p) => assert.ok(p.findings.some((f) => /alias/i.test(f.message)))],
    ['a syntax error in one item keeps the others', 'version: 1\nworkloads:\n  - name: a\n    os: [linux\n  - name: b\n    os: linux\n', (p) => {
      assert.ok(p.findings.some((f) => f.ruleId === 'yaml-syntax'));
      assert.ok(p.workloads.some((w) => w.name === 'b' && w.os === 'linux'));
    }],
  ];
  for (const [name, text, check] of odd) {
    it(`reads ${name}`, () => {
      const p = parseFile('x.yaml', text);
      check(p);
      for (const f of p.findings) assert.ok(f.span.start >= 0 && f.span.end <= text.length && f.span.start <= f.span.end, `span in range: ${JSON.stringify(f)}`);
    });
  }
});

function bomb(): string {
  let s = 'version: 1\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
  for (let i = 1; i < 10; i++) s += `a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]\n`;
  return s;
}
