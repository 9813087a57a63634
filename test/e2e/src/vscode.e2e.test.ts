// The extension as a person uses it: the packaged .vsix installed into code-server (a full
// VS Code), a copy of examples/ opened, the workbench driven in Debian's Chromium with the
// keyboard. Each step saves a screenshot to test-results/e2e/. What the editor must show
// comes from the project's CLI run over the same copy (oracle.ts).
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { allLogs, repoDir, startCodeServer, type CodeServer } from './codeServer';
import { check, inFile, type CliReport } from './oracle';
import { launchBrowser, loose, until, Workbench } from './workbench';

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
    assert.ok(existsSync(vsix), `${vsix} is missing: run \`npm run package\``);
    // No suggestions that are not asked for (Ctrl+Space), so an Enter typed in a descriptor
    // never accepts a suggestion by accident.
    cs = await startCodeServer({
      vsix,
      settings: { 'editor.quickSuggestions': { other: false, comments: false, strings: false }, 'editor.suggestOnTriggerCharacters': false },
    });
    report = check(cs.workspace);
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    wb = new Workbench(page);
    await wb.open(`${cs.url}/?folder=${encodeURIComponent(cs.workspace)}`);
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
        await wb?.screenshot(`failed-${name.replace(/\W+/g, '-').slice(0, 40)}`).catch(() => undefined);
        throw e;
      }
    });

  step('opens a descriptor: squiggles and Problems entries with rule ids', async () => {
    const expected = inFile(report, APPS);
    assert.ok(expected.length >= 4, `the CLI finds the marked mistakes in ${APPS}`);
    await wb.openFile('apps.workload.yaml', 'small-company');
    await until('squiggles in the editor', async () => (await wb.squiggles().count()) > 0, 60_000);
    await wb.showProblems();
    const rows = await until(`Problems rows for ${expected.map((d) => d.rule).join(', ')}`, async () => {
      const r = await wb.problemRows();
      return expected.every((d) => r.some((row) => row.includes(d.rule) && plain(row).includes(plain(d.message).slice(0, 40)))) ? r : undefined;
    }, 60_000);
    assert.ok(rows.length >= expected.length);
    // Frame the marked mistakes in the editor above the panel.
    const first = Math.min(...expected.map((d) => d.range.start.line));
    await wb.goTo(first, 1);
    await wb.screenshot('diagnostics');
  });

  step('hovers a workload: verdict and reasons', async () => {
    const w = report.workloads.find((x) => x.file === APPS && x.declared && x.declared !== x.verdict);
    assert.ok(w, 'a workload whose declaration goes against its verdict');
    await wb.openFile('apps.workload.yaml', 'small-company');
    await wb.goTo(w.range.start.line, w.range.start.column + 1);
    const hover = await wb.hoverAtCursor();
    const text = plain(await until('hover text with the verdict', async () => {
      const t = await hover.innerText();
      return new RegExp(`\\b${w.verdict}\\b`).test(t) ? t : undefined;
    }));
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
    await wb.page.keyboard.press('Control+.');
    const item = wb.page.locator('.action-widget .monaco-list-row').filter({ hasText: loose(fix.title) }).first();
    await item.waitFor();
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
    await wb.page.keyboard.press('Control+Space');
    const suggest = wb.page.locator('.suggest-widget .monaco-list-row');
    await suggest.filter({ hasText: 'deploy' }).first().waitFor();
    await wb.screenshot('completion-key');
    await wb.page.keyboard.press('Enter');
    await until('the completed key', async () => /\n?\s*deploy:/.test(await wb.visibleText()));
    // Values come with the key's completion or on request.
    await wb.page.keyboard.press('Control+Space');
    const values = await until('deploy values', async () => {
      const rows = await suggest.allInnerTexts();
      return ['vm', 'container', 'container-in-vm'].every((v) => rows.some((r) => r.split(/\s/)[0] === v)) ? rows : undefined;
    });
    assert.ok(values.length >= 3);
    await wb.screenshot('completion');
    await suggest.filter({ hasText: /^container-in-vm/ }).first().click();
    await until('the completed value', async () => /deploy: container-in-vm/.test(await wb.visibleText()));
    await wb.runCommand('File: Revert File');
    await until('the reverted editor', async () => !/deploy: container-in-vm/.test(await wb.visibleText()));
  });

  step('Show Host Layout: hosts and workloads in the webview, following edits', async () => {
    const hostNames = [...disk(HOSTS).matchAll(/^ {2}- name: ([\w.-]+)/gm)].map((m) => m[1]);
    const workloadNames = report.workloads.filter((x) => x.file === APPS).map((x) => x.name);
    assert.ok(hostNames.length >= 3 && workloadNames.length >= 3);
    await wb.openFile('hosts.workload.yaml', 'small-company');
    await wb.runCommand('Workload Placement: Show Host Layout');
    const view = wb.webview();
    for (const h of hostNames) await view.getByText(h, { exact: true }).first().waitFor({ timeout: 60_000 });
    for (const n of workloadNames.filter((x) => x !== 'reporting')) await view.getByText(n, { exact: true }).first().waitFor();
    await wb.screenshot('layout');
    // Declare the missing host in the descriptor: the layout gains it without a save.
    await wb.openFile('hosts.workload.yaml', 'small-company');
    await wb.goTo(1, 1);
    await wb.page.keyboard.press('Control+End');
    await wb.paste(`${disk(HOSTS).endsWith('\n') ? '' : '\n'}  - name: docker-03\n    role: container-host\n    runtime: docker\n    os: linux\n    cpu: 8\n    memory: 32Gi\n`);
    await view.getByText('docker-03', { exact: true }).first().waitFor({ timeout: 30_000 });
    await wb.screenshot('layout-edited');
  });

  step('renames a host with F2: every reference changes, across files', async () => {
    await wb.openFile('hosts.workload.yaml', 'small-company');
    const text = disk(HOSTS);
    const at = text.indexOf('name: esx-01') + 'name: '.length;
    const line = text.slice(0, at).split('\n').length;
    const col = at - text.lastIndexOf('\n', at - 1);
    await wb.goTo(line, col);
    await wb.page.keyboard.press('F2');
    const box = wb.page.locator('.rename-box input, .rename-box textarea').first();
    await box.waitFor();
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
});
