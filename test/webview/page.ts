// A test page for the built webview bundle in headless Chromium: the same strict CSP as
// the panel, a stand-in for VS Code's `acquireVsCodeApi` that records what the webview
// posts, and helpers to post messages to it as the extension would.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { analyze, type Analysis } from '../../server/src/core/analyze';
import { defaultConfig } from '../../server/src/core/config';
import { parseFile } from '../../server/src/core/parse';
import type { HostToWebview, Layout, WebviewToHost } from '../../shared/protocol';

export const ROOT = path.resolve(__dirname, '..', '..', '..');

// The functions passed to page.evaluate run in the page, where this exists.
declare const window: any;
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Why Chromium tests cannot run here, or false. In CI they must run, so they never skip there. */
export function chromiumSkip(): string | false {
  if (existsSync(CHROMIUM) || process.env.CI) return false;
  return `Debian's chromium is not installed at ${CHROMIUM} (apt-get install -y chromium); these tests run in CI, where it is installed`;
}

export async function launch(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/**
 * The descriptors of the bundled examples as one fleet (what `layout examples` draws), or
 * of one example folder (what `npm run examples` draws for it).
 */
export function examplesAnalysis(extra: Record<string, string> = {}, folder = ''): Analysis {
  const files = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, name.name);
      if (name.isDirectory()) walk(p);
      else if (/\.workload\.ya?ml$/.test(name.name)) files.push(parseFile(p, readFileSync(p, 'utf8')));
    }
  };
  walk(path.join(ROOT, 'examples', folder));
  for (const [f, t] of Object.entries(extra)) files.push(parseFile(f, t));
  return analyze(files, defaultConfig());
}

export interface Harness {
  page: Page;
  /** Messages the webview posted so far. */
  posted(): Promise<WebviewToHost[]>;
  /** Waits until the webview has posted a message that satisfies `pred`. */
  waitForPost(pred: (m: WebviewToHost) => boolean, what: string): Promise<WebviewToHost>;
  send(message: HostToWebview): Promise<void>;
  state(): Promise<unknown>;
}

export async function openWebview(browser: Browser, opts: { state?: unknown; width?: number; height?: number } = {}): Promise<Harness> {
  const page = await browser.newPage({ viewport: { width: opts.width ?? 1400, height: opts.height ?? 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const nonce = randomBytes(16).toString('base64');
  const js = readFileSync(path.join(ROOT, 'dist', 'webview.js'), 'utf8');
  const css = readFileSync(path.join(ROOT, 'dist', 'webview.css'), 'utf8');
  const fake = `window.__posted = []; window.__state = ${JSON.stringify(opts.state ?? null)};
window.acquireVsCodeApi = () => ({
  postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))),
  getState: () => window.__state,
  setState: (s) => { window.__state = JSON.parse(JSON.stringify(s)); },
});`;
  const html = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; img-src data:;">
<style nonce="${nonce}">${css}</style></head>
<body><div id="app"></div>
<script nonce="${nonce}">${fake}</script>
<script nonce="${nonce}">${js.replace(/<\/script/gi, '<\\/script')}</script></body></html>`;
  await page.setContent(html);
  const harness: Harness = {
    page,
    posted: () => page.evaluate(() => (window as unknown as { __posted: WebviewToHost[] }).__posted),
    async waitForPost(pred, what) {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const found = (await harness.posted()).find(pred);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`The webview did not post ${what}; posted: ${JSON.stringify(await harness.posted())}; errors: ${errors.join('; ')}`);
        await page.waitForTimeout(20);
      }
    },
    // As a JSON string: Playwright serialises big objects slowly, strings fast.
    send: (message) => page.evaluate((json) => window.postMessage(JSON.parse(json), '*'), JSON.stringify(message)),
    state: () => page.evaluate(() => (window as unknown as { __state: unknown }).__state),
  };
  await harness.waitForPost((m) => m.type === 'ready', 'ready');
  return harness;
}

/** A synthetic layout: `hosts` container hosts over four sites, `per` containers each. */
export function bigLayout(hosts: number, per: number): Layout {
  const lines = ['version: 1', 'hosts:'];
  for (let i = 0; i < hosts; i++) lines.push(`  - { name: node-${String(i).padStart(4, '0')}, role: container-host, os: linux, cpu: 64, memory: 256Gi, site: s${i % 4} }`);
  lines.push('workloads:');
  for (let i = 0; i < hosts * per; i++) lines.push(`  - { name: svc-${i}, os: linux, deploy: container, resources: { cpu: 4, memory: 16Gi } }`);
  return analyze([parseFile('big.workload.yaml', `${lines.join('\n')}\n`)], defaultConfig()).layout;
}
