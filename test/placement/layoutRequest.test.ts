// The layout over the protocol: the bundled server answers `workloadPlacement/layout`
// (with a failure simulation when asked), announces `workloadPlacement/layoutChanged`
// after an edit, and its hovers say where things run.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { LAYOUT_CHANGED_NOTIFICATION, LAYOUT_REQUEST, type LayoutChangedParams, type LayoutParams, type LayoutResult } from '../../shared/protocol';
import { FILES } from '../lsp/fixtures';
import { at, hoverText, TestClient, waitFor } from '../lsp/helpers';

const A = 'apps.workload.yaml';

describe('layout request', { timeout: 120_000 }, () => {
  let c: TestClient | undefined;
  afterEach(async () => {
    await c?.shutdown();
    c = undefined;
  });

  const layout = (params: LayoutParams = {}) => c!.conn.sendRequest<LayoutResult>(LAYOUT_REQUEST, params);

  it('answers with every host and workload, and simulates a failure on request', async () => {
    c = await TestClient.start({ files: FILES });
    const r = await waitFor(async () => {
      const x = await layout();
      return x.layout.hosts.length === 2 && x.layout.workloads.length === 4 ? x : undefined;
    }, 'a layout of the fixture');
    assert.deepEqual(r.layout.hosts.map((h) => h.name), ['esx-01', 'k8s-01']);
    assert.ok(r.layout.hosts[0].vms.some((v) => v.instance && r.layout.workloads[v.instance.w].name === 'checkout-api'));
    assert.ok(r.layout.workloads.every((w) => w.ref && r.layout.files[w.ref.file].startsWith('file://')));
    assert.equal(r.failure, undefined);

    const f = await layout({ failedHost: 'esx-01' });
    assert.equal(f.failure?.host, 0);
    assert.ok(f.failure!.lost.length > 0, 'esx-01 is the only hypervisor: its VMs are lost');
    assert.equal((await layout({ failedHost: 'nope' })).failure, undefined);
  });

  it('announces a changed layout after an edit, with a newer generation', async () => {
    c = await TestClient.start({ files: FILES });
    const seen: number[] = [];
    c.conn.onNotification(LAYOUT_CHANGED_NOTIFICATION, (p: LayoutChangedParams) => seen.push(p.generation));
    await c.open(A, FILES[A]);
    const before = (await layout()).generation;
    await c.change(A, FILES[A].replace('  - name: reports', '  - name: reports-v2'));
    await waitFor(() => seen.some((g) => g > before), 'a layoutChanged notification after the edit');
    const after = await layout();
    assert.ok(after.generation > before);
    assert.ok(after.layout.workloads.some((w) => w.name === 'reports-v2'));
  });

  it('hovers tell a host its use and a workload where its replicas run', async () => {
    c = await TestClient.start({ files: FILES });
    await c.open(A, FILES[A]);
    await c.diagnostics(A, (d) => d.length > 0);
    const w = hoverText(await c.hover(A, at(FILES[A], 'checkout-a|pi')));
    assert.match(w, /\*\*Placement:\*\* 2 of 2 replicas placed as vm/);
    assert.match(w, /On: esx\\-01 @ dc\\-east ×2/);
    assert.match(w, /Every replica is on one host/);
    const h = hoverText(await c.hover(A, at(FILES[A], 'k8s-|01')));
    assert.match(h, /\*\*Placement:\*\* \d+ containers?/);
    assert.match(h, /CPU \d+% /);
  });
});
