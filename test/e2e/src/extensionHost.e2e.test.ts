// The @vscode/test-electron suite (test/electron/src/suite) run inside code-server's Node
// extension host, where desktop VS Code cannot be downloaded: the workbench is opened with
// extensionDevelopmentPath/extensionTestsPath in its payload (honoured with
// --enable-smoke-test-driver), and reports the suite's exit code through codeAutomationExit.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoDir, startCodeServer, allLogs } from './codeServer';
import { launchBrowser } from './workbench';

const suite = join(repoDir, 'test', 'electron', 'out', 'suite', 'index.js');

interface Result {
  name: string;
  ok: boolean;
  error?: string;
}

test('extension-API suite in code-server\'s extension host', async (t) => {
  assert.ok(existsSync(suite), `${suite} is missing: compile it with \`npx tsc -b test/electron\``);
  assert.ok(existsSync(join(repoDir, 'dist', 'client.js')), 'dist/client.js is missing: run `npm run package` or `npm run build`');
  const scratch = mkdtempSync(join(tmpdir(), 'wp-exthost-'));
  const resultsFile = join(scratch, 'results.json');
  const cs = await startCodeServer({ env: { WP_RESULTS: resultsFile }, args: ['--vscode-option', 'enable-smoke-test-driver'] });
  const browser = await launchBrowser();
  let passed = false;
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const exit = new Promise<number>((resolve) => {
      void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code));
    });
    // The suite's own lines arrive through the workbench's automation log hook.
    await page.exposeFunction('codeAutomationLog', (_type: string, args: unknown[]) => {
      const line = (args ?? []).map(String).join(' ');
      if (/^(ok|not ok) - |passed, \d+ failed/.test(line)) t.diagnostic(line.split('\n')[0]);
    });
    const remote = (p: string) => `vscode-remote://127.0.0.1:${cs.port}${p}`;
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', remote(repoDir)],
      ['extensionTestsPath', remote(suite)],
    ]);
    await page.goto(`${cs.url}/?folder=${encodeURIComponent(cs.workspace)}&payload=${encodeURIComponent(payload)}`);
    const code = await Promise.race([
      exit,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the suite did not finish within 5 minutes')), 300_000).unref()),
    ]);
    assert.ok(existsSync(resultsFile), `the suite wrote no results (exit code ${code})`);
    const results = JSON.parse(readFileSync(resultsFile, 'utf8')) as Result[];
    for (const r of results) {
      await t.test(r.name, () => {
        if (!r.ok) assert.fail(r.error ?? 'failed');
      });
    }
    assert.equal(code, results.some((r) => !r.ok) ? 1 : 0, 'the extension host exit code agrees with the results');
    passed = results.every((r) => r.ok);
  } finally {
    await browser.close();
    if (!passed) console.error(allLogs(cs.userData).slice(-20_000));
    await cs.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
});
