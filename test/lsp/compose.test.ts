// Compose files over the protocol: an open `dockercompose` document gets our diagnostics,
// hover on a service key (verdict, project, factors with their lines), a code lens per
// service and the Kata quick fix; `.env` and the override on disk are read with it, and a
// change to `.env` re-reads it; a YAML file that is not a Compose file gets nothing.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type * as P from 'vscode-languageserver-protocol';
import { FILES } from './fixtures';
import { at, hoverText, TestClient, waitFor } from './helpers';

const COMPOSE = `name: shop
services:
  web:
    image: shop/web:\${TAG}
    deploy:
      replicas: \${WEB_REPLICAS:-2}
      resources:
        reservations: { cpus: "0.5", memory: 512M }
  agent:
    image: acme/agent
    privileged: true
  payments:
    image: acme/payments
    labels:
      placement.workload-advisor.io/isolation: strict
  db:
    image: postgres:16
`;

describe('Compose files over the protocol', { timeout: 120_000 }, () => {
  let c: TestClient | undefined;
  afterEach(async () => {
    await c?.shutdown();
    c = undefined;
  });

  it('an open compose.yaml: diagnostics, hover on a service, code lenses, the Kata fix, no completion', async () => {
    c = await TestClient.start({ files: { ...FILES, 'shop/.env': 'TAG=1.4\nWEB_REPLICAS=3\n', 'shop/compose.override.yaml': 'services:\n  mail: { image: axllent/mailpit }\n' } });
    await c.open('shop/compose.yaml', COMPOSE, 'dockercompose');
    const diags = await c.diagnostics('shop/compose.yaml', (d) => d.some((x) => x.code === 'host-kernel-access'));
    for (const d of diags) assert.equal(d.source, 'workload-placement');
    const codes = diags.map((d) => d.code);
    assert.ok(codes.includes('stateful-without-volumes'), codes.join(', '));
    assert.ok(codes.includes('strict-isolation-container'), codes.join(', '));
    assert.ok(!codes.includes('compose-variable'), 'TAG comes from .env');
    assert.deepEqual(diags.find((d) => d.code === 'host-kernel-access')!.range.start, at(COMPOSE, 'privileged: |true'));

    const hover = hoverText(await c.hover('shop/compose.yaml', at(COMPOSE, '  w|eb:')));
    assert.match(hover, /shop\/web.*→.*container/);
    assert.match(hover, /Compose service in project shop/);
    assert.match(hover, /resources \\\(line 8\\\)/, 'the factor names the line it was read from');
    assert.equal(hoverText(await c.hover('shop/compose.yaml', at(COMPOSE, 'ima|ge: acme/agent'))), '', 'no hover off the service keys');

    const lenses = await c.codeLens('shop/compose.yaml');
    assert.equal(lenses.length, 4);
    const strict = diags.find((d) => d.code === 'strict-isolation-container')!;
    const actions = await c.codeActions('shop/compose.yaml', strict.range, [strict]);
    assert.ok(actions.some((a) => a.title.includes('runtime: kata')), JSON.stringify(actions.map((a) => a.title)));
    const completion = await c.completion('shop/compose.yaml', at(COMPOSE, 'ima|ge: shop'));
    assert.ok(!completion || completion.items.length === 0);
  });

  it('reads .env from disk, and reads it again when it changes', async () => {
    c = await TestClient.start({ files: { ...FILES, 'shop/compose.yaml': COMPOSE } });
    const variable = (d: P.Diagnostic[]) => d.some((x) => x.code === 'compose-variable');
    await c.diagnostics('shop/compose.yaml', variable, 'the unset TAG is noted');
    await c.writeFile('shop/.env', 'TAG=2\n');
    await waitFor(async () => !variable(await c!.diagnostics('shop/compose.yaml')), 'TAG is set now');
  });

  it('an open override is merged into its base as it is edited', async () => {
    c = await TestClient.start({ files: { ...FILES, 'shop/.env': 'TAG=1\nDB_PASSWORD=x\n' } });
    await c.open('shop/compose.yaml', COMPOSE, 'dockercompose');
    const atWeb = (x: P.Diagnostic) => x.code === 'host-kernel-access' && x.range.start.line === at(COMPOSE, '  w|eb:').line;
    const kernelAtWeb = (d: P.Diagnostic[]) => d.some(atWeb);
    await c.diagnostics('shop/compose.yaml', (d) => d.length > 0 && !kernelAtWeb(d));
    await c.open('shop/compose.override.yaml', 'services:\n  web:\n    privileged: true\n', 'dockercompose');
    const diags = await c.diagnostics('shop/compose.yaml', kernelAtWeb, 'the override\'s privileged lands on web');
    assert.match(diags.find(atWeb)!.message, /in compose\.override\.yaml/);
    const own = await c.diagnostics('shop/compose.override.yaml');
    assert.deepEqual(own, [], 'the override adds no workload of its own for web');
  });

  it('YAML that is not a Compose file, even named like one, gets nothing', async () => {
    c = await TestClient.start({ files: FILES });
    await c.open('compose.yaml', 'just: a config\n', 'dockercompose');
    await c.open('apps.workload.yaml', FILES['apps.workload.yaml']);
    await c.diagnostics('apps.workload.yaml', (d) => d.length >= 0);
    const r = await c.conn.sendRequest<P.FullDocumentDiagnosticReport>('textDocument/diagnostic', { textDocument: { uri: c.uri('compose.yaml') } });
    assert.deepEqual(r.items, []);
  });
});
