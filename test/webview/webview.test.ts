// The built webview bundle in a real headless Chromium, fed the bundled examples' layout
// the way the extension feeds it: hosts, VMs and containers render; filters hide what
// they should; a click on a host simulates its failure and a second click restores it;
// a hostile name renders as text and runs nothing; zoom and filter survive a reload.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { type Layout, type WebviewToHost, refAt } from '../../shared/protocol';
import { bigLayout, chromiumSkip, examplesAnalysis, launch, openWebview, ROOT, type Harness } from './page';

const HOSTILE = '<img src=x onerror=alert(1)>';

// The functions passed to page.evaluate run in the page, where these exist.
declare const document: any;
declare const window: any;

describe('host-layout webview in Chromium', { skip: chromiumSkip() }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  const analysis = examplesAnalysis();
  const layout = analysis.layout;
  const show = async (h: Harness, l: Layout = layout, generation = 1) => {
    await h.send({ type: 'layout', generation, layout: l });
    await h.page.waitForFunction((g) => document.body.dataset.generation === String(g), generation);
  };

  it('draws every host, its VMs and containers, and the unplaced lane', async () => {
    const h = await openWebview(browser);
    await show(h);
    const names = await h.page.locator('g.host .host-name').allTextContents();
    assert.deepEqual(names, layout.hosts.map((x) => x.name));
    // A VM of its own (erp), a container on a container host (shop-api), containers in a VM (tenant-functions).
    assert.equal(await h.page.locator('g.host.hypervisor .chip.vm > text', { hasText: /^erp$/ }).count(), 1);
    assert.ok((await h.page.locator('g.host.container-host .chip.container', { hasText: 'shop-api' }).count()) >= 2);
    assert.ok((await h.page.locator('g.host.hypervisor .vmbox').count()) >= 1);
    assert.ok((await h.page.locator('g.host.hypervisor .chip.civ', { hasText: 'tenant-functions' }).count()) >= 3);
    const laneCount = layout.unplaced.length;
    assert.ok(laneCount > 0, 'the examples leave something unplaced');
    assert.equal(await h.page.locator('g.lane .chip.lost').count(), laneCount);
    const reasons = (await h.page.locator('g.lane .reason').allTextContents()).join('\n');
    assert.match(reasons, /pinned|impossible|full|fits|no /);
    await h.page.close();
  });

  it('filters by name, deployment kind, OS and site', async () => {
    const h = await openWebview(browser);
    await show(h);
    const hostCount = () => h.page.locator('g.host').count();
    const all = await hostCount();

    await h.page.fill('input[type=search]', 'erp');
    await h.page.waitForFunction(() => document.querySelectorAll('g.host').length === 1);
    assert.deepEqual(await h.page.locator('g.host .chip > text').allTextContents(), ['erp']);

    await h.page.fill('input[type=search]', '');
    await h.page.waitForFunction((n) => document.querySelectorAll('g.host').length === n, all);
    await h.page.selectOption('select[aria-label="Deployment kind"]', 'vm');
    const classes = await h.page.locator('g.host .chip').evaluateAll((els) => els.map((e) => e.getAttribute('class')));
    assert.ok(classes.length > 0 && classes.every((c) => /\bvm\b/.test(c ?? '')), JSON.stringify(classes));
    assert.equal(await h.page.locator('g.host.container-host').count(), 0);

    await h.page.selectOption('select[aria-label="Deployment kind"]', '');
    await h.page.selectOption('select[aria-label="OS"]', 'windows');
    const winChips = await h.page.locator('g.host .chip > text').allTextContents();
    const windowsNames = new Set(layout.workloads.filter((w) => w.os === 'windows').map((w) => w.name));
    assert.ok(winChips.length > 0);
    for (const t of winChips) assert.ok([...windowsNames].some((n) => t.startsWith(n)), t);

    await h.page.selectOption('select[aria-label="OS"]', '');
    await h.page.selectOption('select[aria-label="Site"]', 'colo');
    const colo = await h.page.locator('g.host .host-name').allTextContents();
    assert.deepEqual(colo, layout.hosts.filter((x) => x.site === 'colo').map((x) => x.name));
    await h.page.close();
  });

  it('a click on a host simulates its failure, and a second click restores it', async () => {
    const h = await openWebview(browser);
    await show(h);
    const card = h.page.locator('g.host:has(.host-name:text-is("esx-01"))');
    await card.locator('.card-bg').click();
    const ask = (await h.waitForPost((m) => m.type === 'simulateFailure', 'simulateFailure')) as Extract<WebviewToHost, { type: 'simulateFailure' }>;
    assert.equal(ask.host, 'esx-01');
    // The extension answers with the layout and the simulated failure.
    const failure = analysis.placement.simulateFailure('esx-01')!;
    assert.ok(failure.moved.length > 0);
    await h.send({ type: 'layout', generation: 2, layout, failure });
    await h.page.waitForFunction(() => document.querySelector('g.host.failed') !== null);
    assert.equal(await h.page.locator('g.host.failed .host-name').textContent(), 'esx-01');
    assert.equal(await h.page.locator('g.host:not(.failed) .chip.moved').count(), failure.moved.length);
    assert.match((await h.page.locator('#status').textContent()) ?? '', /failure of esx-01/);
    assert.equal((await h.state() as { failedHost: string }).failedHost, 'esx-01');

    await h.page.locator('g.host.failed .card-bg').click();
    await h.page.waitForFunction(() => document.querySelector('g.host.failed') === null);
    const posts = (await h.posted()).filter((m) => m.type === 'simulateFailure');
    assert.deepEqual(posts.map((m) => (m as { host: string | null }).host), ['esx-01', null]);
    assert.equal(await h.page.locator('.chip.moved').count(), 0);
    await h.page.close();
  });

  it('the keyboard moves between hosts, simulates a failure and opens a definition', async () => {
    const h = await openWebview(browser);
    await show(h);
    await h.page.locator('g.host').first().focus();
    await h.page.keyboard.press('ArrowRight');
    assert.equal(await h.page.evaluate(() => document.activeElement?.querySelector('.host-name')?.textContent), layout.hosts[1].name);
    await h.page.keyboard.press('Enter');
    const ask = await h.waitForPost((m) => m.type === 'simulateFailure', 'simulateFailure');
    assert.deepEqual(ask, { type: 'simulateFailure', host: layout.hosts[1].name });
    await h.page.keyboard.press('d');
    const reveal = await h.waitForPost((m) => m.type === 'reveal', 'reveal');
    const ref = refAt(layout.hostRefs, 1)!;
    assert.deepEqual(reveal, { type: 'reveal', ref: { file: layout.files[ref.file], start: ref.start, end: ref.end } });
    await h.page.close();
  });

  it('a click on a workload reveals its definition', async () => {
    const h = await openWebview(browser);
    await show(h);
    await h.page.locator('.chip > text', { hasText: /^erp$/ }).click();
    const reveal = (await h.waitForPost((m) => m.type === 'reveal', 'reveal')) as Extract<WebviewToHost, { type: 'reveal' }>;
    const erp = refAt(layout.workloadRefs, layout.workloads.findIndex((w) => w.name === 'erp'))!;
    assert.deepEqual(reveal.ref, { file: layout.files[erp.file], start: erp.start, end: erp.end });
    await h.page.close();
  });

  it('a hostile workload name renders as text and runs nothing', async () => {
    const hostile = examplesAnalysis({
      'hostile.workload.yaml': `version: 1\nworkloads:\n  - name: "${HOSTILE}"\n    os: linux\n    deploy: container\n    resources: { cpu: 100m, memory: 64Mi }\n  - name: "<script>alert(2)</script>"\n    os: linux\n    deploy: container\n    resources: { cpu: 100000, memory: 64Mi }\n`,
    }).layout;
    const h = await openWebview(browser);
    let dialogs = 0;
    h.page.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    await show(h, hostile);
    const texts = await h.page.locator('.chip > text').allTextContents();
    assert.ok(texts.includes(HOSTILE), 'the name shows as its characters');
    assert.ok(texts.some((t) => t.startsWith('<script>alert(2)</script>')), 'in the unplaced lane too');
    assert.equal(await h.page.locator('img').count(), 0);
    assert.equal(await h.page.locator('#app script').count(), 0);
    // Hovering shows the tooltip (a <title>), also as text.
    await h.page.locator('.chip > text', { hasText: HOSTILE }).first().hover();
    assert.equal(dialogs, 0);
    assert.equal(await h.page.evaluate(() => document.querySelectorAll('[onerror]').length), 0);
    await h.page.close();
  });

  it('keeps zoom, filter and the simulated failure in its state, and restores them after a reload', async () => {
    const h = await openWebview(browser);
    await show(h);
    await h.page.locator('button[aria-label="Zoom in (+)"]').click();
    await h.page.selectOption('select[aria-label="Site"]', 'office');
    const state = (await h.state()) as { zoom: number; filter: { site: string } };
    assert.equal(state.zoom, 1.25);
    assert.equal(state.filter.site, 'office');
    await h.page.close();

    // A reloaded panel starts from the saved state (what the serializer hands back).
    const again = await openWebview(browser, { state: { ...state, failedHost: 'esx-02' } });
    const ask = await again.waitForPost((m) => m.type === 'simulateFailure', 'simulateFailure');
    assert.deepEqual(ask, { type: 'simulateFailure', host: 'esx-02' });
    await show(again);
    assert.equal(await again.page.locator('button[aria-label="Reset zoom (0)"]').textContent(), '125%');
    assert.equal(await again.page.locator('select[aria-label="Site"]').inputValue(), 'office');
    const width = Number(await again.page.locator('svg.layout').getAttribute('width'));
    const viewBoxW = Number((await again.page.locator('svg.layout').getAttribute('viewBox'))!.split(' ')[2]);
    assert.equal(Math.round((width / viewBoxW) * 100), 125);
    await again.page.close();
  });

  it('exports the picture as SVG text with names escaped', async () => {
    const hostile = examplesAnalysis({ 'hostile.workload.yaml': `version: 1\nworkloads:\n  - name: "${HOSTILE}"\n    os: linux\n    deploy: container\n` }).layout;
    const h = await openWebview(browser);
    await show(h, hostile);
    await h.page.locator('button', { hasText: 'Export SVG' }).click();
    const msg = (await h.waitForPost((m) => m.type === 'exportSvg', 'exportSvg')) as Extract<WebviewToHost, { type: 'exportSvg' }>;
    assert.match(msg.svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.ok(msg.svg.includes('&lt;img src=x onerror=alert(1)&gt;'));
    assert.ok(!msg.svg.includes('<img'));
    assert.ok(msg.svg.includes('<style>'), 'carries its styles');
    // Well-formed: an XML parser reads it back with the name intact.
    const parsed = await h.page.evaluate((text) => {
      const doc = new window.DOMParser().parseFromString(text, 'image/svg+xml');
      return { error: doc.querySelector('parsererror')?.textContent ?? null, names: [...doc.querySelectorAll('.chip > text')].map((t: any) => t.textContent) };
    }, msg.svg);
    assert.equal(parsed.error, null);
    assert.ok(parsed.names.includes(HOSTILE));
    await h.page.close();
  });

  it('draws only the cards on screen at 1,000 hosts, and the last one after scrolling', async () => {
    const big = bigLayout(1000, 10);
    const h = await openWebview(browser);
    await show(h, big);
    const mounted = await h.page.locator('g.host').count();
    assert.ok(mounted > 0 && mounted < 200, `mounted ${mounted} of 1000 cards`);
    await h.page.evaluate(() => {
      const v = document.getElementById('viewport')!;
      v.scrollTop = v.scrollHeight;
    });
    await h.page.waitForFunction((name) => [...document.querySelectorAll('g.host .host-name')].some((e) => e.textContent === name), big.hosts[999].name);
    await h.page.close();
  });

  it('saves screenshots: the regulated platform example, then one of its hosts failed', async () => {
    // One example fleet, as `npm run examples` draws it: VMs, containers, container VMs, sites.
    const example = examplesAnalysis({}, 'regulated-platform');
    const h = await openWebview(browser, { width: 1300, height: 640 });
    await show(h, example.layout);
    assert.equal(await h.page.locator('g.host').count(), example.layout.hosts.length);
    const dir = path.join(ROOT, 'test-results');
    mkdirSync(dir, { recursive: true });
    await h.page.screenshot({ path: path.join(dir, 'webview-layout.png') });
    const failure = example.placement.simulateFailure('kvm-a1')!;
    await h.send({ type: 'layout', generation: 2, layout: example.layout, failure });
    await h.page.waitForFunction(() => document.querySelector('g.host.failed') !== null);
    await h.page.screenshot({ path: path.join(dir, 'webview-failure.png') });
    await h.page.close();
  });
});
