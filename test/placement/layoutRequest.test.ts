// The layout over the protocol: the bundled server answers `workloadPlacement/layout`
// (with a failure simulation when asked), announces `workloadPlacement/layoutChanged`
// after an edit, answers a patch to a client that holds the previous layout (`since`),
// and its hovers say where things run.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { generate } from '../../bench/generate';
import { applyLayoutPatch } from '../../shared/layoutPatch';
import { LAYOUT_CHANGED_NOTIFICATION, LAYOUT_CLOSED_NOTIFICATION, LAYOUT_REQUEST, type LayoutChangedParams, type LayoutFullResult, type LayoutParams, type LayoutResult, refAt } from '../../shared/protocol';
import { FILES } from '../lsp/fixtures';
import { at, hoverText, TestClient, waitFor } from '../lsp/helpers';

const A = 'apps.workload.yaml';

describe('layout request', { timeout: 120_000 }, () => {
  let c: TestClient | undefined;
  afterEach(async () => {
    await c?.shutdown();
    c = undefined;
  });

  const request = (params: LayoutParams = {}) => c!.conn.sendRequest<LayoutResult>(LAYOUT_REQUEST, params);
  /** A request that must be answered with the whole layout. */
  const layout = async (params: LayoutParams = {}): Promise<LayoutFullResult> => {
    const r = await request(params);
    assert.ok(r.layout, `the whole layout (got ${r.patch ? 'a patch' : JSON.stringify(r)})`);
    return r;
  };

  it('answers with every host and workload, and simulates a failure on request', async () => {
    c = await TestClient.start({ files: FILES });
    const r = await waitFor(async () => {
      const x = await layout();
      return x.layout.hosts.length === 2 && x.layout.workloads.length === 4 ? x : undefined;
    }, 'a layout of the fixture');
    assert.deepEqual(r.layout.hosts.map((h) => h.name), ['esx-01', 'k8s-01']);
    assert.ok(r.layout.hosts[0].vms.some((v) => v.instance && r.layout.workloads[v.instance.w].name === 'checkout-api'));
    assert.ok(r.layout.workloads.every((_, i) => { const ref = refAt(r.layout.workloadRefs, i); return ref && r.layout.files[ref.file].startsWith('file://'); }));
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

  it('prepares the layout of each analysis for a client that holds one, until its panel closes', async () => {
    c = await TestClient.start({ files: FILES });
    const seen: number[] = [];
    c.conn.onNotification(LAYOUT_CHANGED_NOTIFICATION, (p: LayoutChangedParams) => seen.push(p.generation));
    await c.open(A, FILES[A]);
    const prepared = () => [...c!.stderr.matchAll(/^layout of generation (\d+) prepared in \d+ ms$/gm)].map((m) => Number(m[1]));
    const edit = async (text: string): Promise<number> => {
      const before = Math.max(0, ...seen);
      await c!.change(A, text);
      await waitFor(() => seen.some((g) => g > before), 'a layoutChanged notification after the edit');
      return Math.max(...seen);
    };
    // Nobody holds a layout yet: nothing is prepared.
    const g1 = await edit(FILES[A].replace('  - name: reports', '  - name: reports-a'));
    const held = await layout();
    assert.ok(held.generation >= g1);
    // Now the next analysis's layout is built before it is asked for, and answered as a patch.
    const g2 = await edit(FILES[A].replace('  - name: reports', '  - name: reports-b'));
    await waitFor(() => prepared().includes(g2), `the layout of generation ${g2} prepared`);
    const patched = await request({ since: held.generation });
    assert.ok(patched.patch, 'a patch');
    assert.ok(applyLayoutPatch(held.layout, patched.patch).workloads.some((w) => w.name === 'reports-b'));
    // The panel closes: later analyses build no layout. The next analysis comes after the
    // timer that would prepare the one before it, so its notification orders the check.
    await c.conn.sendNotification(LAYOUT_CLOSED_NOTIFICATION);
    const g3 = await edit(FILES[A].replace('  - name: reports', '  - name: reports-c'));
    const g4 = await edit(FILES[A].replace('  - name: reports', '  - name: reports-d'));
    await c.conn.sendRequest('workspace/symbol', { query: 'reports' });
    assert.deepEqual(prepared().filter((g) => g > g2), [], `nothing prepared after the panel closed (generations ${g3}, ${g4})`);
    assert.equal(prepared().includes(g1), false, 'nor before a layout was held');
  });

  it('answers a client that holds the last layout with a small patch that gives the same layout', async () => {
    const g = generate({ workloads: 2000, seed: 42 });
    const F = 'big.workload.yaml';
    c = await TestClient.start({ files: {} });
    const seen: number[] = [];
    c.conn.onNotification(LAYOUT_CHANGED_NOTIFICATION, (p: LayoutChangedParams) => seen.push(p.generation));
    await c.open(F, g.text);
    const first = await waitFor(async () => {
      const x = await layout();
      return x.layout.workloads.length === 2000 ? x : undefined;
    }, 'the layout of the generated file', 60_000);

    // Nothing changed: an empty patch.
    const same = await request({ since: first.generation });
    assert.ok(same.patch, 'a patch');
    assert.equal(same.generation, first.generation);
    assert.deepEqual(applyLayoutPatch(first.layout, same.patch), first.layout);
    assert.deepEqual([same.patch.hosts.length, same.patch.workloads.length, same.patch.workloadRefs], [0, 0, undefined]);

    // One workload's OS, in the middle of the file: what follows moves by a character.
    const at = g.osValues[1000];
    await c.change(F, `${g.text.slice(0, at)}x${g.text.slice(at)}`);
    await waitFor(() => seen.some((x) => x > first.generation), 'layoutChanged after the edit', 60_000);
    const patched = await request({ since: first.generation });
    assert.ok(patched.patch, 'a patch');
    assert.ok(patched.generation > first.generation);
    assert.equal(patched.patch.since, first.generation);
    // What the client builds from the patch is what a fresh request answers (same generation).
    const applied = applyLayoutPatch(first.layout, patched.patch);
    const fresh = await layout();
    assert.equal(fresh.generation, patched.generation);
    assert.deepEqual(applied, fresh.layout);
    const patchBytes = JSON.stringify(patched).length;
    const layoutBytes = JSON.stringify(fresh).length;
    // The host that runs the edited workload goes whole: a full hypervisor of a hundred VMs.
    const changed = JSON.stringify(patched.patch.hosts).length + JSON.stringify(patched.patch.workloads).length;
    assert.ok(patchBytes < changed + 1000, `patch ${patchBytes} bytes for ${changed} bytes of changes`);
    assert.ok(patchBytes * 20 < layoutBytes, `patch ${patchBytes} bytes, layout ${layoutBytes}`);
    const edited = first.layout.workloads[1000];
    assert.ok(patched.patch.workloads.some(([i, w]) => i === 1000 && w.name === edited.name && w.os !== edited.os), 'the edited workload is in it');

    // Anything else is answered whole: a generation the server did not answer last (the
    // fresh request above replaced it), a failure simulation, a generation from nowhere.
    assert.ok((await request({ since: first.generation })).layout, 'an older generation');
    const host = fresh.layout.hosts[0].name;
    const failed = await layout({ since: fresh.generation, failedHost: host });
    assert.equal(failed.layout.hosts[failed.failure!.host].name, host);
    assert.ok((await request({ since: 987_654 })).layout, 'an unknown generation');
  });

  it('a restarted server answers the whole layout to a client that asks with an old generation', async () => {
    c = await TestClient.start({ files: FILES });
    const before = await waitFor(async () => {
      const x = await layout();
      return x.layout.hosts.length === 2 ? x : undefined;
    }, 'a layout of the fixture');
    await c.shutdown();
    c = await TestClient.start({ files: FILES });
    // It has answered nothing yet, whatever its generation count says.
    assert.ok((await request({ since: before.generation })).layout, 'the first answer of a new server is whole');
    const after = await waitFor(async () => {
      const x = await layout();
      return x.layout.hosts.length === 2 ? x : undefined;
    }, 'the layout from the new server');
    // The same fleet, written to another temporary folder.
    const folderless = (l: LayoutFullResult['layout']) => ({ ...l, files: l.files.map((f) => f.slice(f.lastIndexOf('/'))) });
    assert.deepEqual(folderless(after.layout), folderless(before.layout));
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

  it('places manifest and Compose workloads with the rest, their refs in their own files', async () => {
    const web = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: storefront\nspec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n        - name: web\n          image: shop/web:1\n          resources:\n            requests: { cpu: 250m, memory: 256Mi }\n';
    const compose = 'name: shop\nservices:\n  cache:\n    image: memcached:1.6\n    mem_limit: 128m\n';
    c = await TestClient.start({ files: { ...FILES, 'k8s/web.yaml': web, 'shop/compose.yaml': compose } });
    const r = await waitFor(async () => {
      const x = await layout();
      return x.layout.workloads.length === 6 ? x : undefined;
    }, 'a layout with the manifest and Compose workloads');
    for (const [name, file, key] of [['storefront', 'k8s/web.yaml', 'storefront'], ['shop/cache', 'shop/compose.yaml', 'cache']] as const) {
      const i = r.layout.workloads.findIndex((w) => w.name === name);
      assert.ok(i >= 0, name);
      assert.equal(r.layout.workloads[i].placed, r.layout.workloads[i].replicas, `${name}: every replica placed`);
      const onHost = r.layout.hosts.some((h) => h.containers.some((x) => x.w === i) || h.vms.some((v) => v.instance?.w === i || v.containers.some((x) => x.w === i)));
      assert.ok(onHost, `${name} runs on a host`);
      // Click-to-source opens the file the workload came from, at its name.
      const ref = refAt(r.layout.workloadRefs, i)!;
      assert.ok(r.layout.files[ref.file].endsWith(file), r.layout.files[ref.file]);
      const text = file === 'k8s/web.yaml' ? web : compose;
      assert.equal(text.slice(ref.start, ref.end), key);
    }
  });
});
