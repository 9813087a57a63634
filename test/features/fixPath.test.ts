// The editor's side of the one fix path, in process: code actions as plain data
// (computeCodeActions) and rename edits (renameEdits) never touch an alias or run past a
// block scalar, "fix all" is verified like `check --fix`, and line endings are kept.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../server/src/core/analyze';
import { defaultConfig } from '../../server/src/core/config';
import { applyEdits } from '../../server/src/core/fix';
import { parseFile } from '../../server/src/core/parse';
import type { TextEdit } from '../../server/src/core/types';
import { type ActionData, computeCodeActions, FIX_ALL_KIND } from '../../server/src/features/codeActions';
import { occurrences, renameEdits } from '../../server/src/features/navigation';
import { FLEET } from '../core/helpers';

const W = 'file:///w.workload.yaml';

function setup(text: string) {
  const parsed = parseFile(W, text);
  const analysis = analyze([parseFile('file:///hosts.workload.yaml', FLEET), parsed], defaultConfig());
  return { parsed, analysis };
}

async function actions(text: string, range?: { start: number; end: number }, only?: string[]): Promise<ActionData[]> {
  const { parsed, analysis } = setup(text);
  return computeCodeActions({ parsed, analysis, uri: W, range: range ?? { start: 0, end: text.length }, only });
}

async function fixAll(text: string): Promise<string> {
  const all = (await actions(text, undefined, ['source.fixAll'])).filter((a) => a.kind === FIX_ALL_KIND);
  assert.ok(all.length <= 1);
  return all.length ? applyEdits(text, all[0].edits!) : text;
}

const touches = (edits: readonly TextEdit[] | undefined, at: number) => (edits ?? []).some((e) => e.span.start <= at && at < Math.max(e.span.end, e.span.start + 1));

describe('code actions as plain data', () => {
  it('quick fixes, disable and docs for a diagnostic in range', async () => {
    const text = 'version: 1\nworkloads:\n  - name: a\n    os: linux\n    replicaz: 2\n';
    const at = text.indexOf('replicaz');
    const list = await actions(text, { start: at, end: at }, ['quickfix']);
    assert.deepEqual(
      list.map((a) => a.title),
      ['Change to `replicas`', 'Disable unknown-key for this line', 'Show documentation for unknown-key'],
    );
    assert.equal(list[0].isPreferred, true);
    assert.deepEqual(list[0].edits, [{ span: { start: at, end: at + 8 }, newText: 'replicas' }]);
    assert.equal(list[2].command?.arguments[0], 'unknown-key');
    // Nothing in range, nothing offered but the refactoring's absence.
    assert.deepEqual(await actions(text, { start: 0, end: 0 }, ['quickfix']), []);
  });

  it('fix all: the anchored original is fixed, the alias is not; no quick fix edits the alias', async () => {
    const text = 'version: 1\nworkloads:\n  - &base {name: a, os: linux, deploy: contianer, replicaz: 2}\n  - *base\n';
    assert.equal(await fixAll(text), text.replace('contianer', 'container').replace('replicaz', 'replicas'));
    const alias = text.indexOf('*base');
    const onAlias = await actions(text, { start: alias, end: alias + 1 });
    assert.ok(onAlias.length > 0);
    assert.ok(onAlias.every((a) => !touches(a.edits, alias) || a.title.startsWith('Disable')), JSON.stringify(onAlias.map((a) => a.title)));
  });

  it('fix all and the quick fix keep a block scalar and the next key', async () => {
    const text = 'version: 1\nworkloads:\n  - name: a\n    deploy: >-\n      contianer\n    os: linux\n';
    assert.equal(await fixAll(text), text.replace('contianer', 'container'));
    const at = text.indexOf('>-');
    const quick = (await actions(text, { start: at, end: at })).find((a) => a.isPreferred);
    assert.ok(quick);
    assert.equal(applyEdits(text, quick.edits!), text.replace('contianer', 'container'));
  });

  it('fix all: `version: 1` below `---`, with CRLF, and the diagnostic clears', async () => {
    const text = '---\r\nworkloads:\r\n  - name: a\r\n    os: linux\r\n';
    const fixed = await fixAll(text);
    assert.equal(fixed, '---\r\nversion: 1\r\nworkloads:\r\n  - name: a\r\n    os: linux\r\n');
    assert.equal(await fixAll(fixed), fixed);
  });

  it('fix all renames one of two keys that guess the same field', async () => {
    const text = 'version: 1\nworkloads:\n  - name: a\n    os: linux\n    replicaz: 2\n    replicass: 3\n';
    const fixed = await fixAll(text);
    assert.equal(fixed, text.replace('replicaz', 'replicas'));
    assert.ok(!parseFile(W, fixed).findings.some((f) => f.ruleId === 'duplicate-key'));
  });

  it('a quick fix whose result would not parse is not offered', async () => {
    const text = 'version: 1\nworkloads:\n  - name: a\n    os: linux\n    replicaz: 2\n';
    const { parsed, analysis } = setup(text);
    const d = analysis.diagnostics.get(W)!.find((x) => x.ruleId === 'unknown-key')!;
    d.fixes!.push({ title: 'Break it', edits: [{ span: d.span, newText: '[replicas' }], safe: false });
    const list = await computeCodeActions({ parsed, analysis, uri: W, range: d.span, only: ['quickfix'] });
    assert.ok(list.some((a) => a.title === 'Change to `replicas`'));
    assert.ok(!list.some((a) => a.title === 'Break it'));
  });

  it('offers "set deploy" on a workload without one', async () => {
    const text = 'version: 1\nworkloads:\n  - name: a\n    os: linux\n';
    const list = await actions(text, { start: text.indexOf('name'), end: text.indexOf('name') }, ['refactor.rewrite']);
    assert.equal(list.length, 1);
    assert.match(list[0].title, /^Set deploy: /);
  });
});

describe('rename never edits an alias or past a block scalar', () => {
  const hosts = 'version: 1\nhosts:\n  - name: esx-01\n    role: hypervisor\n    hypervisor: esxi\n    cpu: 64\n    memory: 512Gi\n';

  async function rename(text: string, newName: string) {
    const h = parseFile('file:///h.workload.yaml', hosts);
    const w = parseFile(W, text);
    const analysis = analyze([h, w], defaultConfig());
    const occ = await occurrences(analysis, 'esx-01');
    const planned = renameEdits([...occ.decls, ...occ.pins], newName);
    if (typeof planned === 'string') return planned;
    const out = new Map<string, string>();
    for (const p of planned) out.set(p.file.file, applyEdits(p.file.text, p.edits));
    return out;
  }

  it('renames the anchored pin and leaves the alias', async () => {
    const text = 'version: 1\nworkloads:\n  - &base {name: a, os: linux, deploy: vm, host: esx-01}\n  - *base\n';
    const r = await rename(text, 'esx-02');
    assert.ok(typeof r !== 'string');
    assert.equal(r.get(W), text.replace('host: esx-01', 'host: esx-02'));
    assert.match(r.get('file:///h.workload.yaml')!, /name: esx-02/);
  });

  it('renames a pin written as a block scalar in place', async () => {
    const text = 'version: 1\nworkloads:\n  - name: a\n    os: linux\n    host: >-\n      esx-01\n    deploy: vm\n';
    const r = await rename(text, 'esx-02');
    assert.ok(typeof r !== 'string');
    assert.equal(r.get(W), text.replace('      esx-01', '      esx-02'));
  });

  it('refuses, with where and why, what it cannot rename safely', async () => {
    assert.match(String(renameEdits([{ file: parseFile(W, 'a: |\n  x\n  y\n'), span: { start: 3, end: 13 } }], 'z')), /Cannot rename safely: at file:\/\/\/w\.workload\.yaml:1 .*several lines/);
  });
});
