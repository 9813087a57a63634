// The extension as a person uses it: the packaged .vsix installed into code-server (a full
// VS Code), a copy of examples/ opened, the workbench driven in Debian's Chromium with the
// keyboard. Each step saves a screenshot to test-results/e2e/. What the editor must show
// comes from the project's CLI run over the same copy (oracle.ts).
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { allLogs, repoDir, startCodeServer, type CodeServer } from './codeServer';
import { check, inFile, layout, type CliReport } from './oracle';
import { launchBrowser, loose, screenshotDir, until, Workbench } from './workbench';

const vsix = process.env.WP_VSIX ?? join(repoDir, 'workload-placement.vsix');
const APPS = 'small-company/apps.workload.yaml';
const HOSTS = 'small-company/hosts.workload.yaml';

let cs: CodeServer;
let browser: Browser;
let wb: Workbench;
let report: CliReport;
let failed = false;

const plain = (s: string) => s.replace(/[`*_]/g, '').replace(/\s+/g, ' ').trim();
const disk = (rel: string) => readFileSync(join(cs.workspace, rel), 'utf8');

describe('VS Code (code-server) with the packaged extension', { timeout: 600_000 }, () => {
  before(async () => {
    try {
      assert.ok(existsSync(vsix), `${vsix} is missing: run \`npm run package\``);
      Workbench.cleanScreenshots();
      // No suggestions that are not asked for (Ctrl+Space), so an Enter typed in a descriptor
      // never accepts a suggestion by accident.
      cs = await startCodeServer({
        vsix,
        settings: {
          'editor.quickSuggestions': { other: false, comments: false, strings: false },
          'editor.suggestOnTriggerCharacters': false,
          // Only the language server's items: no words picked from the file.
          'editor.wordBasedSuggestions': 'off',
        },
      });
      report = check(cs.workspace);
      browser = await launchBrowser();
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      wb = new Workbench(page);
      await wb.open(`${cs.url}/?folder=${encodeURIComponent(cs.workspace)}`);
    } catch (e) {
      failed = true; // the logs below tell why the window never came up
      throw e;
    }
  });

  after(async () => {
    try {
      if (failed && wb) await wb.screenshot('failure').catch(() => undefined);
      await browser?.close();
    } finally {
      if (failed && cs) console.error(`---- extension host logs ----\n${allLogs(cs.userData).slice(-30_000)}\n---- code-server output ----\n${cs.output().slice(-5_000)}`);
      await cs?.stop();
    }
  });

  const step = (name: string, fn: () => Promise<void>) =>
    it(name, async () => {
      try {
        await fn();
      } catch (e) {
        failed = true;
        const base = `failed-${name.replace(/\W+/g, '-').slice(0, 40)}`;
        await wb?.screenshot(base).catch(() => undefined);
        // What a webview held when the step failed: its frames are not in the screenshot's DOM.
        const text = await wb?.webview().locator('body').innerText({ timeout: 2_000 }).catch(() => undefined);
        if (text) writeFileSync(join(screenshotDir, `${base}-webview.txt`), text);
        const frames = await wb?.page.locator('iframe.webview').evaluateAll((els) => els.map((e) => e.outerHTML.slice(0, 300))).catch(() => []);
        if (frames?.length) console.error(`webview frames:\n${frames.join('\n')}`);
        throw e;
      }
    });

  step('opens a descriptor: squiggles and Problems entries with rule ids', async () => {
    const expected = inFile(report, APPS);
    assert.ok(expected.length >= 4, `the CLI finds the marked mistakes in ${APPS}`);
    await wb.openFile('apps.workload.yaml', 'small-company');
    // Bring the marked mistakes into view: the editor renders only the lines on screen.
    const first = Math.min(...expected.map((d) => d.range.start.line));
    await wb.goTo(first, 1);
    // The first analysis waits for the server to start: allow for a slow, busy machine.
    await until('squiggles in the editor', async () => (await wb.squiggles().count()) > 0, 120_000);
    await wb.showProblems();
    const rows = await until(`Problems rows for ${expected.map((d) => d.rule).join(', ')}`, async () => {
      const r = await wb.problemRows();
      return expected.every((d) => r.some((row) => row.includes(d.rule) && plain(row).includes(plain(d.message).slice(0, 40)))) ? r : undefined;
    }, 60_000);
    assert.ok(rows.length >= expected.length);
    await wb.goTo(first, 1);
    await wb.screenshot('diagnostics');
  });

  step('hovers a workload: verdict and reasons', async () => {
    const w = report.workloads.find((x) => x.file === APPS && x.declared && x.declared !== x.verdict);
    assert.ok(w, 'a workload whose declaration goes against its verdict');
    await wb.openFile('apps.workload.yaml', 'small-company');
    await wb.goTo(w.range.start.line, w.range.start.column + 1);
    const text = plain(await wb.hoverAtCursor(new RegExp(`\\b${w.verdict}\\b`)));
    const reasons = w.factors.filter((f) => f.favours === w.verdict).map((f) => plain(f.reason));
    assert.ok(reasons.length > 0);
    for (const r of reasons.slice(0, 3)) assert.ok(text.includes(r.slice(0, 30)), `hover gives the reason "${r}"; hover:\n${text}`);
    await wb.screenshot('hover');
    await wb.escape();
  });

  step('applies a quick fix with Ctrl+.: the file changes and the diagnostic goes', async () => {
    const d = inFile(report, APPS).find((x) => x.rule === 'unknown-key' && x.fixes?.length);
    assert.ok(d, 'an unknown-key diagnostic with a fix');
    const fix = d.fixes![0];
    await wb.openFile('apps.workload.yaml', 'small-company');
    await wb.goTo(d.range.start.line, d.range.start.column + 1);
    const item = wb.page.locator('.action-widget .monaco-list-row').filter({ hasText: loose(fix.title) }).first();
    // Ask again if the menu comes up before the server has answered for this line.
    await until(`"${fix.title}" in the Ctrl+. menu`, async () => {
      await wb.page.keyboard.press('Control+.');
      if (await item.waitFor({ timeout: 5_000 }).then(() => true, () => false)) return true;
      await wb.escape();
      return false;
    }, 60_000);
    await wb.screenshot('quickfix');
    await item.click();
    await until('the fixed key in the editor', async () => /replicas: 2/.test(await wb.visibleText()));
    assert.doesNotMatch(await wb.visibleText(), /replicaz/);
    await wb.showProblems();
    await until('the unknown-key problem to go away', async () => {
      const rows = await wb.problemRows();
      return rows.some((r) => r.includes('unknown-host')) && !rows.some((r) => r.includes('unknown-key'));
    });
    await wb.focusEditor();
    await wb.page.keyboard.press('Control+S');
    await until('the fix saved to disk', async () => /\n {4}replicas: 2\n/.test(disk(APPS)));
    await wb.screenshot('quickfix-applied');
  });

  step('completes a key and a value', async () => {
    const w = report.workloads.find((x) => x.file === APPS && x.name === 'reporting');
    assert.ok(w);
    await wb.openFile('apps.workload.yaml', 'small-company');
    // The last line of the workload: the line before the next item.
    const next = report.workloads.find((x) => x.file === APPS && x.range.start.line > w.range.start.line)!;
    const lines = disk(APPS).split('\n');
    let last = next.range.start.line - 1;
    while (!/^ {4}\S/.test(lines[last - 1])) last--;
    await wb.goTo(last, 1);
    await wb.page.keyboard.press('End');
    await wb.page.keyboard.press('Enter');
    await wb.page.keyboard.type('dep'); // the editor keeps the workload's indentation
    const line = last + 1;
    const suggest = wb.page.locator('.suggest-widget .monaco-list-row');
    await until('deploy offered for "dep"', async () => {
      await wb.page.keyboard.press('Control+Space');
      // The server's key item (a property), not a word from the file.
      const key = suggest.filter({ hasText: /^\S*\s*deploy/, has: wb.page.locator('.codicon-symbol-property') }).first();
      if (await key.waitFor({ timeout: 5_000 }).then(() => true, () => false)) return true;
      await wb.escape();
      return false;
    }, 60_000);
    await wb.page.locator('.suggest-widget .monaco-list-row.focused').filter({ hasText: 'deploy', has: wb.page.locator('.codicon-symbol-property') }).waitFor();
    await wb.screenshot('completion-key');
    await wb.page.keyboard.press('Enter');
    await until('the completed key', async () => /^ {4}deploy: ?/.test((await wb.lineText(line)) ?? ''));
    // The key's snippet offers the values as a choice...
    const offered = async () => {
      const rows = await suggest.allInnerTexts();
      return ['vm', 'container', 'container-in-vm'].every((v) => rows.some((r) => r.split(/\s/)[0] === v)) ? rows : undefined;
    };
    await until('the choice of deploy values', offered);
    // ...and, asked again on an empty value, the server lists them with their documentation.
    await wb.escape();
    await wb.escape();
    await wb.page.keyboard.press('End');
    await wb.page.keyboard.press('Control+Backspace');
    await until('an empty deploy value', async () => /^ {4}deploy: ?$/.test(((await wb.lineText(line)) ?? '').trimEnd() + ' '));
    await wb.page.keyboard.press('Control+Space');
    await until('deploy values from the server', async () => (await suggest.locator('.codicon-symbol-enum-member').count()) >= 3 && offered());
    const details = wb.page.locator('.suggest-details');
    if (!(await details.isVisible())) await wb.page.keyboard.press('Control+Space');
    await until('the documentation of the focused value', async () => ((await details.innerText().catch(() => '')).trim().length > 20));
    await wb.screenshot('completion');
    await suggest.filter({ hasText: /^container-in-vm/ }).first().click();
    await until('the completed value', async () => /^ {4}deploy: container-in-vm\s*$/.test((await wb.lineText(line)) ?? ''));
    await wb.runCommand('File: Revert File');
    await until('the reverted editor', async () => !/deploy: container-in-vm/.test(await wb.visibleText()));
  });

  step('Show Host Layout: hosts and workloads in the webview, following edits', async () => {
    const fleet = layout(cs.workspace);
    const hostNames = fleet.hosts.map((h) => h.name);
    const workloadNames = fleet.workloads.filter((w) => w.replicas > 0).map((w) => w.name);
    assert.ok(hostNames.length >= 3 && workloadNames.length >= 3);
    await wb.openFile('hosts.workload.yaml', 'small-company');
    await wb.hidePanel();
    await wb.runCommand('Workload Placement: Show Host Layout');
    const view = wb.webview();
    // A host card's title, or a workload's chip ("shop-api 1/2", "payment-gateway ×3").
    const item = (name: string) => view.getByText(new RegExp(`^${name.replace(/[.-]/g, '\\$&')}( \\d+/\\d+| ×\\d+)?$`)).first();
    await until('the layout to draw', async () => (await view.locator('svg text').count()) > 0, 60_000);
    await wb.screenshot('layout');
    // The view draws only the cards on screen: find each one through its filter box, as a person would.
    const filter = view.getByRole('searchbox', { name: 'Filter by host or workload name' });
    for (const name of [...hostNames, ...workloadNames]) {
      await filter.fill(name);
      await item(name).waitFor({ timeout: 15_000 });
    }
    // Filtering by a pinned workload leaves only the cards of the hosts it runs on, among its pins.
    const block = disk(APPS).split(/\n(?=  - name: )/).find((b) => /^ {2}- name: mail-gateway\n/.test(b))!;
    const pins = /\n {4}hosts: \[([^\]]+)\]/.exec(block)![1].split(',').map((x) => x.trim());
    await filter.fill('mail-gateway');
    const shown = await until('the cards that hold mail-gateway', async () => {
      const names = await view.locator('svg text.host-name').allTextContents();
      return names.length > 0 && names.length < hostNames.length ? names : undefined;
    });
    assert.ok(shown.every((h) => pins.includes(h)), `mail-gateway is pinned to ${pins.join(', ')} but shows on ${shown.join(', ')}`);
    // Declare the host that `reporting` is pinned to: the view follows the unsaved edit.
    await filter.fill('');
    // Back to the descriptor in the first group, beside the layout.
    await wb.runCommand('View: Focus First Editor Group');
    await wb.openFile('hosts.workload.yaml', 'small-company');
    const hostLines = disk(HOSTS).split('\n');
    await wb.goTo(hostLines.length, hostLines[hostLines.length - 1].length + 1); // the end of the file
    await wb.paste(`${disk(HOSTS).endsWith('\n') ? '' : '\n'}  - name: docker-03\n    role: container-host\n    runtime: docker\n    os: linux\n    cpu: 8\n    memory: 32Gi\n`);
    await view.getByText(`${hostNames.length + 1} hosts`, { exact: false }).first().waitFor({ timeout: 30_000 });
    await filter.fill('docker-03');
    await until('docker-03 alone, running reporting', async () => {
      const names = await view.locator('svg text.host-name').allTextContents();
      return names.length === 1 && names[0] === 'docker-03' && (await item('reporting').isVisible());
    });
    await wb.screenshot('layout-edited');
    await filter.fill('');
    await wb.runCommand('View: Focus First Editor Group');
    await wb.runCommand('File: Revert File');
    await until('the descriptor reverted', async () => !/docker-03/.test(await wb.visibleText()));
  });

  step('renames a host with F2: every reference changes, across files', async () => {
    await wb.openFile('hosts.workload.yaml', 'small-company');
    const text = disk(HOSTS);
    const at = text.indexOf('name: esx-01') + 'name: '.length;
    const line = text.slice(0, at).split('\n').length;
    const col = at - text.lastIndexOf('\n', at - 1);
    await wb.goTo(line, col);
    const box = wb.page.locator('.rename-box input, .rename-box textarea').first();
    await until('the rename box', async () => {
      await wb.page.keyboard.press('F2');
      if (await box.waitFor({ timeout: 5_000 }).then(() => true, () => false)) return true;
      await wb.escape();
      return false;
    }, 60_000);
    await box.fill('esx-north-01');
    await wb.screenshot('rename-box');
    await wb.page.keyboard.press('Enter');
    await until('the renamed host in its file', async () => /name: esx-north-01/.test(await wb.visibleText()));
    await wb.runCommand('File: Save All Files');
    await until('both files saved', async () => /name: esx-north-01\n/.test(disk(HOSTS)) && /hosts: \[esx-north-01, esx-02\]/.test(disk(APPS)));
    assert.doesNotMatch(disk(HOSTS), /esx-01\b/);
    assert.match(disk(APPS), /# maintenance on esx-01 must not stop it/, 'comments are not references');
    await wb.openFile('apps.workload.yaml', 'small-company');
    await wb.goTo(report.workloads.find((x) => x.name === 'mail-gateway')!.range.start.line + 5, 1);
    await until('the reference in apps', async () => /esx-north-01/.test(await wb.visibleText()));
    await wb.screenshot('rename');
  });

  step('opens a Kubernetes Deployment: the verdict in a code lens and in the hover on its name', async () => {
    // Written now, last: the fleet the earlier steps checked stays as the oracle saw it.
    const rel = 'small-company/k8s/storefront.yaml';
    mkdirSync(join(cs.workspace, 'small-company', 'k8s'), { recursive: true });
    writeFileSync(
      join(cs.workspace, rel),
      [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata:',
        '  name: storefront',
        'spec:',
        '  replicas: 3',
        '  selector: { matchLabels: { app: storefront } }',
        '  template:',
        '    metadata: { labels: { app: storefront } }',
        '    spec:',
        '      containers:',
        '        - name: web',
        '          image: shop/storefront:1.4',
        '          resources: { requests: { cpu: 250m, memory: 256Mi } }',
        '',
      ].join('\n'),
    );
    const w = check(cs.workspace).workloads.find((x) => x.file === rel && x.name === 'storefront');
    assert.ok(w?.verdict, 'the CLI gives the Deployment a verdict');
    await wb.openFile('storefront.yaml', 'small-company/k8s');
    const lens = wb.editor.locator('.codelens-decoration');
    const lensText = await until('our code lens on the Deployment', async () => {
      const texts = await lens.allInnerTexts();
      return texts.find((t) => t.includes(`→ ${w.verdict}`));
    }, 120_000);
    assert.match(lensText, new RegExp(`→ ${w.verdict} \\(\\w+, \\d+%\\)`));
    await wb.goTo(w.range.start.line, w.range.start.column + 1);
    const text = plain(await wb.hoverAtCursor(new RegExp(`storefront\\W+${w.verdict}\\b`)));
    assert.match(text, /From Kubernetes Deployment/);
    await wb.screenshot('manifest');
    await wb.escape();
  });
});
