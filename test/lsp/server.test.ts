// The bundled server over stdio, driven by a real JSON-RPC client with pull
// diagnostics: the main features end to end, across two files.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type * as P from 'vscode-languageserver-protocol';
import { RULES_BY_ID } from '../../server/src/core/rules';
import { DESCRIPTOR_GLOB, ENV_GLOB, MANIFEST_GLOB } from '../../server/src/server';
import { analyzeTexts } from '../core/helpers';
import { APPS, FILES, HOSTS } from './fixtures';
import { at, hoverText, TestClient, waitFor } from './helpers';

const A = 'apps.workload.yaml';
const H = 'hosts.workload.yaml';

describe('language server over stdio (pull diagnostics)', { timeout: 120_000 }, () => {
  let c: TestClient;
  before(async () => {
    c = await TestClient.start({ files: FILES });
    await c.open(A, APPS);
  });
  after(async () => {
    if (c) assert.equal(await c.shutdown(), 0, 'the server exits with 0 after shutdown + exit');
  });

  it('initializes with the features it serves', () => {
    const caps = c.initializeResult.capabilities;
    assert.equal(c.initializeResult.serverInfo?.name, 'workload-placement');
    assert.deepEqual(caps.diagnosticProvider, { identifier: 'workload-placement', interFileDependencies: true, workspaceDiagnostics: true });
    for (const k of ['hoverProvider', 'completionProvider', 'codeActionProvider', 'documentSymbolProvider', 'definitionProvider', 'referencesProvider', 'renameProvider', 'codeLensProvider'] as const) {
      assert.ok(caps[k], k);
    }
    assert.deepEqual((caps.codeActionProvider as P.CodeActionOptions).codeActionKinds, ['quickfix', 'source.fixAll.workloadPlacement', 'refactor.rewrite']);
  });

  it('registers file watchers for descriptors and the configuration file', async () => {
    const reg = await waitFor(() => c.registrations.find((r) => r.method === 'workspace/didChangeWatchedFiles'), 'watcher registration');
    const globs = (reg.registerOptions as P.DidChangeWatchedFilesRegistrationOptions).watchers.map((w) => w.globPattern);
    assert.deepEqual(globs, [DESCRIPTOR_GLOB, '**/.workload-placement.json', MANIFEST_GLOB, ENV_GLOB]);
  });

  it('pulls diagnostics with rule id, docs link, source, severity and fixes in data', async () => {
    const diags = await c.diagnostics(A, (d) => d.length > 0);
    const byCode = new Map(diags.map((d) => [d.code, d]));
    const expected: [string, string, P.DiagnosticSeverity][] = [
      ['elastic-vm', 'vm', 2],
      ['stateful-without-volumes', 'stateful', 2],
      ['unknown-key', 'replicaz', 2],
      ['unknown-host', 'esx-02', 1],
    ];
    for (const [code, text, severity] of expected) {
      const d = byCode.get(code);
      assert.ok(d, `${code} reported; got ${[...byCode.keys()].join(', ')}`);
      assert.equal(d.source, 'workload-placement');
      assert.equal(d.severity, severity, code);
      // The docs link opens the docs/rules.md the server ships with, at the rule's heading.
      const href = /^(file:\/\/.+\/docs\/rules\.md)#L(\d+)$/.exec(d.codeDescription?.href ?? '');
      assert.ok(href, `${code}: ${d.codeDescription?.href}`);
      assert.equal(readFileSync(fileURLToPath(href[1]), 'utf8').split('\n')[Number(href[2]) - 1], `## ${code}`);
      assert.ok(RULES_BY_ID.has(code));
      const lines = APPS.split('\n');
      assert.equal(lines[d.range.start.line].slice(d.range.start.character, d.range.end.character), text, code);
    }
    // Fixes are not carried in the diagnostic (code actions compute them): pulls stay small.
    assert.equal(byCode.get('unknown-host')!.data, undefined);
  });

  it('answers an unchanged report when nothing changed, a full one after an edit', async () => {
    const first = await c.pull(A);
    assert.equal(first.kind, 'full');
    const again = await c.pull(A, first.resultId);
    assert.deepEqual(again, { kind: 'unchanged', resultId: first.resultId });
    // The hosts file is not open: its diagnostics come from the disk scan.
    const hosts = await c.pull(H);
    assert.equal(hosts.kind, 'full');
  });

  // What the engine itself says, so the hover is checked against it, not a copy. A few
  // hovers over the protocol; every case is in test/features/hover.test.ts, in process.
  const { analysis } = analyzeTexts(FILES);
  const rec = (name: string) => [...analysis.recommendations].find(([w]) => w.name === name)![1];
  const api = rec('checkout-api');
  const hovers: { name: string; needle: string; contains: string[] }[] = [
    {
      name: 'workload name: verdict, confidence, factor table, what the declared deploy gives up',
      needle: 'name: checkout-|api',
      contains: [
        `→ **${api.verdict}**`,
        `Confidence: ${api.confidenceLabel} (${Math.round(api.confidence * 100)}%, margin ${api.margin})`,
        '| Factor | Field | Favours | Weights | Reason |',
        '| startup | startup | container | container \\+2, container\\-in\\-vm \\+2 | A container starts in seconds',
        `against the recommendation (${api.verdict})`,
        '**`vm` gives up**',
      ],
    },
    { name: 'host pin', needle: 'host: k8s-|01', contains: ['**k8s\\-01** (host)', 'Role: container host, runtime containerd', 'OS: linux', 'Size: 32 cores, 128Gi memory'] },
    { name: 'key', needle: 'star|tup: fast', contains: ['**startup**', 'How fast an instance must start', '**fast**'] },
  ];
  for (const h of hovers) {
    it(`hover: ${h.name}`, async () => {
      const text = hoverText(await c.hover(A, at(APPS, h.needle)));
      for (const s of h.contains) assert.ok(text.includes(s), `hover should contain ${JSON.stringify(s)}:\n${text}`);
    });
  }

  it('hover on a host declaration in the other file', async () => {
    const text = hoverText(await c.hover(H, at(HOSTS, 'name: esx|-01')));
    assert.match(text, /Role: hypervisor \(esxi\), guests run containerd/);
    assert.match(text, /Site: dc\\-east/);
  });

  it('no hover on a comment', async () => {
    assert.equal(await c.hover(A, at(APPS, "# The sh|op's")), null);
  });
});

describe('a client without markdown', { timeout: 120_000 }, () => {
  it('gets plain-text hovers without markdown escapes', async () => {
    const c = await TestClient.start({ files: FILES, markdown: false });
    try {
      await c.open(A, APPS);
      const h = await c.hover(A, at(APPS, 'name: orders|-db'));
      assert.equal((h!.contents as P.MarkupContent).kind, 'plaintext');
      const text = hoverText(h);
      assert.match(text, /\*\*orders-db\*\* →/);
      assert.ok(!text.includes('\\'), text);
    } finally {
      await c.shutdown();
    }
  });
});
