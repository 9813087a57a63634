// Runs the extension-API suite in desktop VS Code through @vscode/test-electron, for machines
// that can download VS Code (developers' laptops, public CI; Linux needs a display, e.g.
// `xvfb-run -a`). Where the download fails, says so plainly and exits 0: on such machines
// scripts/e2e.sh runs the same suite inside code-server's extension host instead.
// Usage: node test/electron/out/runTest.js   (after `npm run package` or `npm run build`)
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repo = join(__dirname, '..', '..', '..');

async function main(): Promise<number> {
  let executable: string;
  try {
    executable = await downloadAndUnzipVSCode({ cachePath: join(repo, '.vscode-test') });
  } catch (e) {
    console.log(`test-electron: cannot download VS Code here (${e instanceof Error ? e.message : String(e)}).`);
    console.log('test-electron: SKIPPED the desktop run; scripts/e2e.sh runs the same checks in code-server\'s extension host.');
    return 0;
  }
  const root = mkdtempSync(join(tmpdir(), 'wp-electron-'));
  const workspace = join(root, 'examples');
  cpSync(join(repo, 'examples'), workspace, { recursive: true });
  const results = join(root, 'results.json');
  try {
    await runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: repo,
      extensionTestsPath: join(__dirname, 'suite', 'index.js'),
      extensionTestsEnv: { WP_RESULTS: results },
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes', `--user-data-dir=${join(root, 'user-data')}`],
    });
    return 0;
  } catch (e) {
    console.error(`test-electron: the suite failed: ${e instanceof Error ? e.message : String(e)}`);
    try {
      console.error(readFileSync(results, 'utf8'));
    } catch {
      /* the suite did not get as far as writing results */
    }
    return 1;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code));
