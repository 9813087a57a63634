// `workload-placement layout`: text and JSON output, the .svg and the standalone .html
// page (opened in Chromium from disk: it renders under its own CSP, simulates a failure
// from the precomputed outcomes, and shows hostile names as text), and usage errors.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { chromiumSkip, launch, ROOT } from './page';
import { refAt } from '../../shared/protocol';

// The functions passed to page.evaluate run in the page, where this exists.
declare const document: any;

const CLI = path.join(ROOT, 'dist', 'cli.js');
const HOSTILE = '<img src=x onerror=alert(1)>';

function cli(args: string[], cwd = ROOT) {
  const r = spawnSync(process.execPath, [CLI, 'layout', ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function hostileDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'wp-layout-'));
  writeFileSync(
    path.join(dir, 'fleet.workload.yaml'),
    `version: 1
hosts:
  - { name: node-1, role: container-host, os: linux, cpu: 8, memory: 32Gi }
  - { name: "</script><script>alert(3)</script>", role: container-host, os: linux, cpu: 8, memory: 32Gi }
workloads:
  - { name: "${HOSTILE}", os: linux, deploy: container, replicas: 2 }
  - { name: "\\e[31mred\\u2028", os: linux, deploy: container }
`,
  );
  return dir;
}

describe('layout command', () => {
  it('prints the layout as text: hosts, their VMs and containers, and what was not placed', () => {
    const r = cli(['examples/small-company']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Host layout: \d+ of 5 hosts used \(lower bound \d+\); 9 of 10 replicas placed\./);
    assert.match(r.stdout, /\nesx-01 \(hypervisor esxi, runtime containerd, site office\) CPU [\d.]+\/32/);
    assert.match(r.stdout, /\n {2}VM erp \(linux\)\n/);
    assert.match(r.stdout, /\n {2}containers: .*shop-api 1\/2/);
    assert.match(r.stdout, /Not placed:\n {2}reporting: it is pinned to 'docker-03'/);
  });

  it('prints JSON, and a host failure on request', () => {
    const r = cli(['examples/small-company', '--format', 'json', '--fail', 'esx-01']);
    assert.equal(r.code, 0, r.stderr);
    const { layout, failure } = JSON.parse(r.stdout);
    assert.equal(layout.hosts.length, 5);
    assert.equal(layout.hosts[failure.host].name, 'esx-01');
    assert.ok(failure.moved.length >= 3);
    assert.ok(layout.files.length === 2 && layout.files.every((f: string) => f.startsWith('examples/small-company/')), 'paths relative to the working folder');
    assert.ok(layout.workloads.every((_: unknown, i: number) => layout.files[refAt(layout.workloadRefs, i)?.file ?? -1]?.endsWith('apps.workload.yaml')));
  });

  it('fails a whole site on request, and says so', () => {
    const r = cli(['examples/small-company', '--fail', 'office']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /failure of site office \(3 hosts\)/);
    const j = JSON.parse(cli(['examples/small-company', '--format', 'json', '--fail', 'office']).stdout);
    assert.deepEqual(j.failure.target, { kind: 'site', name: 'office' });
    assert.equal(j.failure.hosts.length, 3);
    assert.equal(cli(['examples/small-company', '--fail', 'nowhere']).code, 2);
  });

  it('keeps terminal control characters out of the text', () => {
    const r = cli([hostileDir()]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!r.stdout.includes('\u001b'));
    assert.match(r.stdout, /\\u001b\[31mred/);
  });

  it('writes an SVG of the picture', () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'wp-svg-')), 'layout.svg');
    const r = cli(['examples', '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^Wrote .*layout\.svg: \d+ of \d+ hosts used/);
    const svg = readFileSync(out, 'utf8');
    assert.match(svg, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.ok(svg.includes('<style>') && svg.includes('.chip.vm rect'), 'carries the picture styles');
    assert.ok(!svg.includes('#toolbar'), 'not the page styles');
    for (const host of ['esx-01', 'kvm-a1', 'hv-01', 'wincnt-01']) assert.ok(svg.includes(`>${host}</text>`), host);
  });

  it('refuses bad usage with exit code 2', () => {
    for (const args of [['examples', '--out', 'x.png'], ['examples', '--format', 'xml'], ['examples', '--fail', 'no-such-host'], ['examples', '--width', 'wide'], ['examples', '--bogus'], ['no/such/folder']]) {
      const r = cli(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /^workload-placement: /);
    }
    assert.equal(cli(['--help']).code, 0);
  });
});

describe('layout command: the standalone page in Chromium', { skip: chromiumSkip() }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  it('renders under its CSP, simulates a failure on click, and shows hostile names as text', async () => {
    const dir = hostileDir();
    const out = path.join(dir, 'layout.html');
    const r = cli([dir, '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    const html = readFileSync(out, 'utf8');
    assert.equal((html.match(/<\/script>/g) ?? []).length, 2, 'no name closes a script block');

    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    await page.goto(pathToFileURL(out).href);
    await page.waitForSelector('g.host');
    assert.deepEqual(await page.locator('g.host .host-name').allTextContents(), ['node-1', '</script><script>alert(3)</script>']);
    const chips = await page.locator('.chip > text').allTextContents();
    assert.ok(chips.includes(`${HOSTILE} 1/2`) && chips.includes(`${HOSTILE} 2/2`), JSON.stringify(chips));

    await page.locator('g.host:has(.host-name:text-is("node-1")) .card-bg').click();
    await page.waitForSelector('g.host.failed');
    assert.ok((await page.locator('.chip.moved').count()) > 0);
    await page.locator('g.host.failed .card-bg').click();
    await page.waitForFunction(() => document.querySelector('g.host.failed') === null);

    assert.equal(dialogs, 0);
    assert.equal(await page.locator('img').count(), 0);
    assert.equal(await page.evaluate(() => document.querySelectorAll('script:not([type="application/json"])').length), 1, 'only the bundle runs');
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('opens with a host failed when asked (--fail)', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'wp-html-')), 'layout.html');
    assert.equal(cli(['examples/small-company', '--out', out, '--fail', 'docker-01']).code, 0);
    const page = await browser.newPage();
    await page.goto(pathToFileURL(out).href);
    await page.waitForSelector('g.host.failed');
    assert.equal(await page.locator('g.host.failed .host-name').textContent(), 'docker-01');
    await page.close();
  });
});
