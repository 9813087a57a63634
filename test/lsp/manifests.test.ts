// Kubernetes manifests over the protocol: a manifest on disk joins the fleet (its HPA in
// another file too); an open `yaml` document that names a workload kind gets our
// diagnostics, hover on its name and a code lens, and no completion; other YAML gets
// nothing.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type * as P from 'vscode-languageserver-protocol';
import { FILES } from './fixtures';
import { at, hoverText, TestClient, waitFor } from './helpers';

const WEB = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  template:
    spec:
      hostNetwork: true
      containers:
        - name: web
          image: shop/web:1
          resources:
            requests: { cpu: 500m, memory: 512Mi }
`;
const HPA = `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: web }
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: web }
  minReplicas: 3
  maxReplicas: 12
`;
const CI = 'name: build\non: [push]\njobs:\n  b: { runs-on: ubuntu-latest }\n';

describe('manifests over the protocol', { timeout: 120_000 }, () => {
  let c: TestClient | undefined;
  afterEach(async () => {
    await c?.shutdown();
    c = undefined;
  });

  it('an open Deployment: our diagnostics, hover on metadata.name, a code lens, no completion', async () => {
    c = await TestClient.start({ files: { ...FILES, 'k8s/hpa.yaml': HPA, 'ci.yaml': CI } });
    await c.open('k8s/web.yaml', WEB, 'yaml');
    const diags = await c.diagnostics('k8s/web.yaml', (d) => d.some((x) => x.code === 'host-kernel-access'));
    for (const d of diags) assert.equal(d.source, 'workload-placement');
    const kernel = diags.find((d) => d.code === 'host-kernel-access')!;
    assert.deepEqual(kernel.range.start, at(WEB, 'hostNetwork: |true'));
    const hover = hoverText(await c.hover('k8s/web.yaml', at(WEB, 'na|me: web')));
    assert.equal(hover, '', 'no hover on the key');
    const onName = hoverText(await c.hover('k8s/web.yaml', at(WEB, 'name: w|eb')));
    assert.match(onName, /web.*→.*container/);
    assert.match(onName, /HorizontalPodAutoscaler in hpa/);
    const lenses = await c.conn.sendRequest<P.CodeLens[]>('textDocument/codeLens', { textDocument: { uri: c.uri('k8s/web.yaml') } });
    assert.equal(lenses.length, 1);
    assert.match(lenses[0].command!.title, /^→ container/);
    const completion = await c.completion('k8s/web.yaml', at(WEB, 'repl|icas'));
    assert.ok(!completion || completion.items.length === 0);
  });

  it('a quick fix on a manifest: strict isolation in a plain container gets a Kata runtime class', async () => {
    c = await TestClient.start({ files: FILES });
    const text = WEB.replace('  name: web\n', '  name: web\n  annotations:\n    placement.workload-advisor.io/isolation: strict\n');
    await c.open('k8s/web.yaml', text, 'yaml');
    const diags = await c.diagnostics('k8s/web.yaml', (d) => d.some((x) => x.code === 'strict-isolation-container'));
    const d = diags.find((x) => x.code === 'strict-isolation-container')!;
    const actions = await c.codeActions('k8s/web.yaml', d.range, [d]);
    const fix = actions.find((a) => a.title.includes('runtimeClassName: kata'));
    assert.ok(fix, JSON.stringify(actions.map((a) => a.title)));
    assert.ok(fix.isPreferred);
  });

  it('follows manifests on disk: one that appears joins, one that stops being a manifest leaves', async () => {
    c = await TestClient.start({ files: FILES });
    const files = async () => {
      const r = await c!.conn.sendRequest<P.WorkspaceDiagnosticReport>('workspace/diagnostic', { previousResultIds: [] });
      return r.items.map((i) => i.uri.split('/').slice(-2).join('/')).sort();
    };
    assert.ok(!(await files()).includes('k8s/web.yaml'));
    await c.writeFile('k8s/web.yaml', WEB);
    await waitFor(async () => (await files()).includes('k8s/web.yaml'), 'the manifest joins');
    await c.writeFile('k8s/web.yaml', CI);
    await waitFor(async () => !(await files()).includes('k8s/web.yaml'), 'no longer a manifest: gone');
  });

  it('other YAML, open or on disk, gets no diagnostics', async () => {
    c = await TestClient.start({ files: { ...FILES, 'ci.yaml': CI } });
    await c.open('ci.yaml', CI, 'yaml');
    await c.open('apps.workload.yaml', FILES['apps.workload.yaml']);
    await c.diagnostics('apps.workload.yaml', (d) => d.length >= 0);
    const r = await c.conn.sendRequest<P.FullDocumentDiagnosticReport>('textDocument/diagnostic', { textDocument: { uri: c.uri('ci.yaml') } });
    assert.deepEqual(r.items, []);
    await waitFor(() => true, 'settled');
  });
});
