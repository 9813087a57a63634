// Layout patches in the built webview (headless Chromium): after the whole layout, a
// `patch` message updates what is shown (a renamed workload, a new host, moved refs that
// "D" and clicks reveal), and one against a layout the page does not hold makes it ask
// for the whole layout (`resync`) and leaves the picture as it was.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { analyze } from '../../server/src/core/analyze';
import { defaultConfig } from '../../server/src/core/config';
import { parseFile } from '../../server/src/core/parse';
import { diffLayout } from '../../shared/layoutPatch';
import { type Layout, type WebviewToHost, refAt } from '../../shared/protocol';
import { chromiumSkip, launch, openWebview } from './page';

// The functions passed to page.evaluate run in the page, where these exist.
declare const document: any;
declare const window: any;

const FLEET = `version: 1
hosts:
  - { name: esx-01, role: hypervisor, hypervisor: esxi, runtime: containerd, cpu: 16, memory: 64Gi }
  - { name: k8s-01, role: container-host, runtime: containerd, os: linux, cpu: 8, memory: 32Gi }
workloads:
  - { name: erp, os: linux, deploy: vm, resources: { cpu: 4, memory: 8Gi } }
  - { name: api, os: linux, deploy: container, replicas: 2, resources: { cpu: 1, memory: 2Gi } }
  - { name: web, os: linux, deploy: container, resources: { cpu: 1, memory: 1Gi } }
`;

function layoutOf(text: string): Layout {
  return analyze([parseFile('fleet.workload.yaml', text)], defaultConfig()).layout;
}

describe('host-layout webview: patches', { skip: chromiumSkip() }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  it('applies a patch to what it shows', async () => {
    const first = layoutOf(FLEET);
    // A comment on top moves every ref; `api` is renamed and gets a replica; a host joins.
    const edited = `# moved\n${FLEET.replace('name: api,', 'name: gateway,').replace('replicas: 2', 'replicas: 3').replace('workloads:', '  - { name: k8s-02, role: container-host, os: linux, cpu: 8, memory: 32Gi }\nworkloads:')}`;
    const second = layoutOf(edited);
    const patch = diffLayout(first, second, 1)!;
    assert.ok(patch.workloadRefs && patch.hostRefs, 'a patch, with moved refs');

    const h = await openWebview(browser);
    await h.send({ type: 'layout', generation: 1, layout: first });
    await h.page.waitForFunction(() => document.body.dataset.generation === '1');
    assert.deepEqual(await h.page.locator('g.host .host-name').allTextContents(), ['esx-01', 'k8s-01']);

    await h.send({ type: 'patch', generation: 2, base: 1, patch });
    await h.page.waitForFunction(() => document.body.dataset.generation === '2');
    assert.deepEqual(await h.page.locator('g.host .host-name').allTextContents(), ['esx-01', 'k8s-01', 'k8s-02']);
    const chips = await h.page.locator('g.host .chip > text').allTextContents();
    assert.deepEqual(chips.filter((t) => t.startsWith('gateway')).sort(), ['gateway 1/3', 'gateway 2/3', 'gateway 3/3']);
    assert.ok(!chips.some((t) => t.startsWith('api')), JSON.stringify(chips));
    assert.match((await h.page.locator('#status').textContent()) ?? '', /^3 hosts, 3 workloads/);

    // The refs it reveals are the moved ones: a workload's chip, and a host by keyboard.
    await h.page.locator('.chip > text', { hasText: /^erp$/ }).click();
    const erp = refAt(second.workloadRefs, second.workloads.findIndex((w) => w.name === 'erp'))!;
    const reveal = (await h.waitForPost((m) => m.type === 'reveal', 'reveal')) as Extract<WebviewToHost, { type: 'reveal' }>;
    assert.deepEqual(reveal.ref, { file: 'fleet.workload.yaml', start: erp.start, end: erp.end });
    assert.equal(edited.slice(erp.start, erp.end), 'erp');
    assert.equal((await h.posted()).filter((m) => m.type === 'resync').length, 0);
    await h.page.close();
  });

  it('asks for the whole layout when a patch is not against what it holds', async () => {
    const first = layoutOf(FLEET);
    const patch = diffLayout(first, layoutOf(FLEET.replace('name: web,', 'name: www,')), 1)!;
    const h = await openWebview(browser);

    // Before any layout: nothing to patch.
    await h.send({ type: 'patch', generation: 2, base: 1, patch });
    await h.waitForPost((m) => m.type === 'resync', 'resync before any layout');

    await h.send({ type: 'layout', generation: 3, layout: first });
    await h.page.waitForFunction(() => document.body.dataset.generation === '3');
    // A patch against generation 2, which this page never had (a lost message).
    await h.send({ type: 'patch', generation: 4, base: 2, patch });
    await h.page.waitForFunction(() => (window as any).__posted.filter((m: WebviewToHost) => m.type === 'resync').length === 2);
    // A patch that does not fit the layout it names.
    await h.send({ type: 'patch', generation: 5, base: 3, patch: { ...patch, workloadCount: 99 } });
    await h.page.waitForFunction(() => (window as any).__posted.filter((m: WebviewToHost) => m.type === 'resync').length === 3);
    assert.equal(await h.page.evaluate(() => document.body.dataset.generation), '3', 'the picture stays as it was');
    assert.ok((await h.page.locator('.chip > text').allTextContents()).includes('web'));

    // The right one applies.
    await h.send({ type: 'patch', generation: 6, base: 3, patch });
    await h.page.waitForFunction(() => document.body.dataset.generation === '6');
    const chips = await h.page.locator('.chip > text').allTextContents();
    assert.ok(chips.includes('www') && !chips.includes('web'), JSON.stringify(chips));
    await h.page.close();
  });
});
