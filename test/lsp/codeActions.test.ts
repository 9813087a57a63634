// Code actions over the protocol: each quick fix applied as the editor would apply
// it, then the diagnostic is gone; fix-all; disable-for-line; docs; set deploy.

import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type * as P from 'vscode-languageserver-protocol';
import { bundledRuleDocs } from '../../server/src/ruleDocs';
import { computeLineStarts, lineOf } from '../../server/src/core/text';
import { diagnostics as coreDiagnostics } from '../core/helpers';
import { APPS, FILES } from './fixtures';
import { at, hoverText, TestClient, waitFor } from './helpers';

const A = 'apps.workload.yaml';

async function startWith(text = APPS): Promise<TestClient> {
  const c = await TestClient.start({ files: FILES });
  await c.open(A, text);
  return c;
}

const textOf = (c: TestClient, d: P.Diagnostic) => {
  const lines = c.text(A).split('\n');
  return lines[d.range.start.line].slice(d.range.start.character, d.range.end.character);
};

describe('code actions', { timeout: 120_000 }, () => {
  let c: TestClient | undefined;
  afterEach(async () => {
    await c?.shutdown();
    c = undefined;
  });

  // One case per fixable diagnostic of the fixture: the preferred fix, what the text
  // then contains, and the diagnostic gone.
  const cases: { code: string; at: string; title: RegExp; after: RegExp }[] = [
    { code: 'unknown-host', at: 'esx-02', title: /^Change to 'esx-01'$/, after: /hosts: \[esx-01\]/ },
    { code: 'unknown-key', at: 'replicaz', title: /^Change to `replicas`$/, after: /\n {4}replicas: 2\n/ },
    { code: 'elastic-vm', at: 'vm', title: /^Set `deploy: container` \(recommended\)$/, after: /resources: \{ cpu: 500m, memory: 512Mi \}\n {4}deploy: container\n/ },
    { code: 'stateful-without-volumes', at: 'stateful', title: /^Add a volume stub$/, after: /host: k8s-01\n {4}volumes:\n {6}- \{ name: data, size: 10Gi, mountPath: \/data \}\n/ },
  ];
  for (const k of cases) {
    it(`quick fix for ${k.code} is applied and the diagnostic goes away`, async () => {
      c = await startWith();
      const diags = await c.diagnostics(A, (d) => d.some((x) => x.code === k.code));
      const d = diags.find((x) => x.code === k.code)!;
      assert.equal(textOf(c, d), k.at);
      const actions = await c.codeActions(A, d.range, [d]);
      const fix = actions.find((a) => a.isPreferred && a.kind === 'quickfix');
      assert.ok(fix, `a preferred fix among ${actions.map((a) => a.title).join(' | ')}`);
      assert.match(fix.title, k.title);
      assert.deepEqual(fix.diagnostics, [d], 'the action names the diagnostic it fixes');
      await c.apply(fix.edit!);
      assert.match(c.text(A), k.after);
      const afterFix = await c.diagnostics(A, (x) => !x.some((y) => y.code === k.code), `${k.code} gone`);
      const errors = (ds: P.Diagnostic[]) => ds.filter((x) => x.severity === 1 && x.code !== 'unknown-host' && x.code !== 'deploy-impossible').map((x) => String(x.code));
      assert.ok(errors(afterFix).length <= errors(diags).length, `no new error: ${errors(diags)} → ${errors(afterFix)}`);
      // The user's comment survives the edit.
      assert.match(c.text(A), /# The shop's API: elastic, stateless, declared as a VM \(against the advice\)\./);
    });
  }

  it('fixAll applies every safe fix in one edit, and only those', async () => {
    c = await startWith();
    const before = await c.diagnostics(A, (d) => d.length >= 4);
    // Which diagnostics have safe fixes, from the core's own analysis of the same text.
    const core = coreDiagnostics({ ...FILES, [A]: c.text(A) }, A);
    const fixesAt = (d: P.Diagnostic) => core.find((x) => x.ruleId === d.code && lineOf(computeLineStarts(c!.text(A)), x.span.start) === d.range.start.line)?.fixes ?? [];
    const hasSafe = (d: P.Diagnostic) => fixesAt(d).some((f) => f.safe);
    const safe = before.filter(hasSafe).map((d) => String(d.code));
    const unsafeOnly = before.filter((d) => !hasSafe(d) && fixesAt(d).length > 0).map((d) => String(d.code));
    assert.ok(safe.length >= 2, `the fixture has safe fixes: ${safe.join(', ')}`);
    const actions = await c.codeActions(A, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, [], ['source.fixAll']);
    assert.equal(actions.length, 1);
    assert.equal(actions[0].kind, 'source.fixAll.workloadPlacement');
    await c.apply(actions[0].edit!);
    const after = await c.diagnostics(A, (d) => !d.some((x) => safe.includes(String(x.code))), `${safe.join(', ')} fixed`);
    assert.ok(!after.some(hasSafe), `nothing safe left: ${after.map((d) => d.code).join(', ')}`);
    // Fixes that change a decision are left to the user.
    for (const code of unsafeOnly) assert.ok(after.some((d) => d.code === code), `${code} stays`);
    // Not offered when nothing is left to fix.
    assert.deepEqual(await c.codeActions(A, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, [], ['source.fixAll']), []);
  });

  it('quick fixes are not offered when only source actions are asked for', async () => {
    c = await startWith();
    const d = (await c.diagnostics(A, (x) => x.some((y) => y.code === 'unknown-key'))).find((x) => x.code === 'unknown-key')!;
    const actions = await c.codeActions(A, d.range, [d], ['source.fixAll.workloadPlacement']);
    assert.deepEqual(
      actions.map((a) => a.kind),
      ['source.fixAll.workloadPlacement'],
    );
  });

  it('"Disable <rule> for this line" inserts a comment above at its indentation, then extends it', async () => {
    const text = APPS.replace('    replicaz: 2\n', '    # placement-ignore: duplicate-name\n    replicaz: 2\n');
    c = await startWith(text);
    const d = (await c.diagnostics(A, (x) => x.some((y) => y.code === 'unknown-key'))).find((x) => x.code === 'unknown-key')!;
    const disable = (await c.codeActions(A, d.range, [d])).find((a) => a.title === 'Disable unknown-key for this line');
    assert.ok(disable);
    await c.apply(disable.edit!);
    assert.match(c.text(A), /\n {4}# placement-ignore: duplicate-name, unknown-key\n {4}replicaz: 2\n/);
    await c.diagnostics(A, (x) => !x.some((y) => y.code === 'unknown-key'), 'unknown-key suppressed');

    const h = (await c.diagnostics(A, (x) => x.some((y) => y.code === 'unknown-host'))).find((x) => x.code === 'unknown-host')!;
    const disable2 = (await c.codeActions(A, h.range, [h])).find((a) => a.title === 'Disable unknown-host for this line');
    await c.apply(disable2!.edit!);
    assert.match(c.text(A), /\n {4}# placement-ignore: unknown-host\n {4}hosts: \[esx-02\]\n/);
    await c.diagnostics(A, (x) => !x.some((y) => y.code === 'unknown-host'), 'unknown-host suppressed');
  });

  it('"Show documentation" runs a server command that opens the rule docs', async () => {
    c = await startWith();
    const d = (await c.diagnostics(A, (x) => x.some((y) => y.code === 'elastic-vm'))).find((x) => x.code === 'elastic-vm')!;
    const show = (await c.codeActions(A, d.range, [d])).find((a) => a.title === 'Show documentation for elastic-vm');
    assert.ok(show?.command);
    await c.conn.sendRequest('workspace/executeCommand', { command: show.command.command, arguments: show.command.arguments });
    // The docs/rules.md the server ships with, in the editor, at the rule's heading.
    const docs = bundledRuleDocs()!;
    const line = docs.headings.get('elastic-vm')!;
    assert.deepEqual(c.shownDocuments, [{ uri: docs.uri, takeFocus: true, selection: { start: { line, character: 0 }, end: { line, character: 0 } } }]);
  });

  it('offers "Set deploy: <verdict> (recommended)" on a workload without deploy, and it lands', async () => {
    c = await startWith();
    await c.diagnostics(A);
    const pos = at(APPS, 'name: rep|orts');
    const actions = await c.codeActions(A, { start: pos, end: pos });
    const set = actions.find((a) => /^Set deploy: .* \(recommended\)$/.test(a.title));
    assert.ok(set, actions.map((a) => a.title).join(' | '));
    assert.equal(set.kind, 'refactor.rewrite');
    const verdict = /^Set deploy: (\S+)/.exec(set.title)![1];
    await c.apply(set.edit!);
    assert.ok(c.text(A).endsWith(`    startup: fast\n    deploy: ${verdict}\n`), c.text(A));
    const h = await waitFor(async () => {
      const t = hoverText(await c!.hover(A, at(c!.text(A), 'name: rep|orts')));
      return t.includes('matches the recommendation') ? t : undefined;
    }, 'hover after set deploy');
    assert.ok(h);
    // Not offered where deploy is already declared.
    const p2 = at(APPS, 'name: orders|-db');
    assert.ok(!(await c.codeActions(A, { start: p2, end: p2 })).some((a) => a.title.startsWith('Set deploy')));
  });

  it('takes fixes from the current analysis, whatever the client sends back', async () => {
    c = await startWith();
    const d = (await c.diagnostics(A, (x) => x.some((y) => y.code === 'unknown-host'))).find((x) => x.code === 'unknown-host')!;
    // A client may hand back a copy with stale or foreign data: it is not trusted.
    const tampered = { ...d, data: { fixes: [{ title: 'From data', edits: [], safe: true, preferred: true }] } };
    const fix = (await c.codeActions(A, d.range, [tampered])).find((a) => a.isPreferred);
    assert.equal(fix?.title, "Change to 'esx-01'");
    assert.deepEqual(fix?.diagnostics, [tampered], 'the action names the diagnostic the client showed');
  });
});
