// Symbols, code lens, and host names across the two files: definition, references
// and rename (with its refusals).

import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type * as P from 'vscode-languageserver-protocol';
import { analyzeTexts } from '../core/helpers';
import { APPS, FILES, HOSTS } from './fixtures';
import { at, TestClient } from './helpers';

const A = 'apps.workload.yaml';
const H = 'hosts.workload.yaml';

const slice = (text: string, r: P.Range) => text.split('\n')[r.start.line].slice(r.start.character, r.end.character);

describe('symbols, code lens and host navigation', { timeout: 120_000 }, () => {
  let c: TestClient | undefined;
  afterEach(async () => {
    await c?.shutdown();
    c = undefined;
  });

  const start = async (opts: { documentChanges?: boolean } = {}) => {
    c = await TestClient.start({ files: FILES, ...opts });
    await c.open(A, APPS);
    await c.open(H, HOSTS);
    return c;
  };

  it('outlines hosts and workloads with role and verdict', async () => {
    await start();
    const { analysis } = analyzeTexts(FILES);
    const verdict = (n: string) => [...analysis.recommendations].find(([w]) => w.name === n)![1].verdict;
    const apps = await c!.symbols(A);
    assert.deepEqual(
      apps.map((s) => s.name),
      ['workloads'],
    );
    assert.deepEqual(
      apps[0].children!.map((s) => [s.name, s.detail]),
      [
        ['checkout-api', `→ ${verdict('checkout-api')} · declared vm`],
        ['orders-db', `→ ${verdict('orders-db') ?? 'no option'} · declared container`],
        ['legacy', `→ ${verdict('legacy')}`],
        ['reports', `→ ${verdict('reports')}`],
      ],
    );
    for (const s of apps[0].children!) assert.equal(slice(APPS, s.selectionRange), s.name);
    const hosts = await c!.symbols(H);
    assert.deepEqual(
      hosts[0].children!.map((s) => [s.name, s.detail]),
      [
        ['esx-01', 'hypervisor · esxi'],
        ['k8s-01', 'container-host · containerd · linux'],
      ],
    );
  });

  it('puts a code lens with verdict and confidence on each workload', async () => {
    await start();
    const { analysis } = analyzeTexts(FILES);
    const lenses = await c!.codeLens(A);
    const expected = [...analysis.recommendations].map(([w, r]) => {
      if (!r.verdict) return `→ no option: nothing in the fleet meets its needs · declared ${w.deploy}`;
      const base = `→ ${r.verdict} (${r.confidenceLabel}, ${Math.round(r.confidence * 100)}%)`;
      return w.deploy ? `${base} · ${w.deploy === r.verdict ? 'as declared' : `declared ${w.deploy}`}` : base;
    });
    assert.deepEqual(
      lenses.map((l) => l.command?.title),
      expected,
    );
    assert.deepEqual(
      lenses.map((l) => l.range.start.line),
      [3, 11, 17, 22],
    );
  });

  it('goes from a pin to the host declared in the other file', async () => {
    await start();
    const defs = await c!.definition(A, at(APPS, 'host: k8s|-01'));
    assert.equal(defs!.length, 1);
    assert.equal(defs![0].uri, c!.uri(H));
    assert.equal(slice(HOSTS, defs![0].range), 'k8s-01');
    assert.equal(defs![0].range.start.line, 9);
    assert.equal(await c!.definition(A, at(APPS, 'os: li|nux')), null);
  });

  it('finds every pin of a host, with or without its declaration', async () => {
    await start();
    const two = APPS.replace('hosts: [esx-02]', 'hosts: [k8s-01, esx-01]');
    await c!.change(A, two);
    const refs = await c!.references(H, at(HOSTS, 'name: k8s-0|1'));
    assert.deepEqual(
      refs!.map((r) => [r.uri === c!.uri(H) ? 'H' : 'A', r.range.start.line]),
      [
        ['H', 9],
        ['A', 16],
        ['A', 21],
      ],
    );
    const pinsOnly = await c!.references(A, at(two, 'host: k8s-|01'), false);
    assert.equal(pinsOnly!.length, 2);
    assert.ok(pinsOnly!.every((r) => r.uri === c!.uri(A) && slice(two, r.range) === 'k8s-01'));
  });

  for (const documentChanges of [true, false]) {
    it(`renames a host in both files (${documentChanges ? 'documentChanges' : 'changes'})`, async () => {
      await start({ documentChanges });
      const prep = await c!.prepareRename(A, at(APPS, 'host: k8s-|01'));
      assert.equal(prep!.placeholder, 'k8s-01');
      assert.equal(slice(APPS, prep!.range), 'k8s-01');
      const edit = await c!.rename(A, at(APPS, 'host: k8s-|01'), 'k8s-node-1');
      assert.ok(edit);
      if (documentChanges) {
        const docs = edit.documentChanges as P.TextDocumentEdit[];
        assert.deepEqual(docs.map((d) => [d.textDocument.uri, d.textDocument.version]).sort(), [
          [c!.uri(A), 1],
          [c!.uri(H), 1],
        ]);
      } else assert.deepEqual(Object.keys(edit.changes!).sort(), [c!.uri(A), c!.uri(H)].sort());
      await c!.apply(edit);
      assert.match(c!.text(H), /- name: k8s-node-1\n/);
      assert.match(c!.text(A), /host: k8s-node-1\n/);
      assert.ok(!c!.text(A).includes('k8s-01') && !c!.text(H).includes('k8s-01'));
      const diags = await c!.diagnostics(A, (d) => d.length > 0);
      assert.ok(!diags.some((d) => d.code === 'unknown-host' && slice(c!.text(A), d.range).startsWith('k8s')));
      const def = await c!.definition(A, at(c!.text(A), 'host: k8s-|node-1'));
      assert.equal(def![0].uri, c!.uri(H));
    });
  }

  it('keeps quotes and quotes a name that needs it', async () => {
    const quoted = APPS.replace('host: k8s-01', 'host: "k8s-01"');
    c = await TestClient.start({ files: { ...FILES, [A]: quoted } });
    await c.open(A, quoted);
    await c.open(H, HOSTS);
    const prep = await c.prepareRename(A, at(quoted, 'host: "k8s|-01"'));
    assert.equal(slice(quoted, prep!.range), 'k8s-01', 'the range excludes the quotes');
    const edit = await c.rename(A, at(quoted, 'host: "k8s|-01"'), 'node #1');
    await c.apply(edit!);
    assert.match(c.text(A), /host: "node #1"\n/);
    assert.match(c.text(H), /- name: "node #1"\n/);
    await c.diagnostics(A, (d) => !d.some((x) => x.code === 'unknown-host' && slice(c!.text(A), x.range).includes('node')), 'pin resolves');
  });

  const refusals: { newName: string; message: RegExp }[] = [
    { newName: '', message: /cannot be empty/ },
    { newName: '   ', message: /cannot be empty/ },
    { newName: 'esx-01', message: /A host named 'esx-01' already exists/ },
    { newName: ' k8s', message: /spaces/ },
    { newName: 'a\nb', message: /one line/ },
  ];
  for (const r of refusals) {
    it(`refuses to rename a host to ${JSON.stringify(r.newName)}`, async () => {
      await start();
      await assert.rejects(c!.rename(A, at(APPS, 'host: k8s-|01'), r.newName), (e: Error) => r.message.test(e.message));
    });
  }

  it('refuses to rename what is not a host name', async () => {
    await start();
    await assert.rejects(c!.prepareRename(A, at(APPS, 'os: li|nux')), /Only host names/);
    await assert.rejects(c!.prepareRename(A, at(APPS, 'name: checkout|-api')), /Only host names/);
  });
});
