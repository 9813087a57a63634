// Proof for other editors: Debian's Neovim, headless and without plugins, starts the
// bundled server over stdio, shows the same diagnostics (by rule id) as the command line
// for an example descriptor, and hovers a workload to read its verdict.
// Skips only when `nvim` is missing outside CI; under CI (env CI set) it must run.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { Report } from '../../server/src/cli/report';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SERVER = path.join(ROOT, 'dist', 'server.js');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const HARNESS = path.join(ROOT, 'test', 'nvim', 'harness.lua');
const EXAMPLES = path.join(ROOT, 'examples');
const FIXTURES = path.join(ROOT, 'test', 'cli', 'fixtures');
const TIMEOUT_MS = 30_000;

const created: string[] = [];
process.on('exit', () => {
  for (const d of created) fs.rmSync(d, { recursive: true, force: true });
});
function tempDir(prefix: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  created.push(d);
  return d;
}

const nvimVersion = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
const hasNvim = nvimVersion.status === 0;
const skip = !hasNvim && !process.env.CI ? 'nvim is not installed (apt-get install neovim); set CI=1 to make this a failure' : false;

interface Seen {
  errors: string[];
  initialized?: boolean;
  settled?: boolean;
  stopped?: boolean;
  root_dir?: string;
  diagnostics?: { rule: string | null; line: number; col: number; severity: number; message: string }[];
  hover?: string;
}

/** The workspaces to open: each example fleet, or the CLI fixtures when there are none. */
function workspaces(): string[] {
  const examples = fs.existsSync(EXAMPLES)
    ? fs
        .readdirSync(EXAMPLES, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => path.join(EXAMPLES, d.name))
        .sort()
    : [];
  return examples.length ? examples : [FIXTURES];
}

function cliReport(folder: string): Report {
  const r = spawnSync(process.execPath, [CLI, 'check', folder, '--format', 'json', '--explain'], { cwd: folder, encoding: 'utf8' });
  return JSON.parse(r.stdout) as Report;
}

/** The documented 0.7+ snippet, and a PATH on which `workload-placement-server` runs this build. */
function userSetup(dir: string): { init: string; path: string } {
  const doc = fs.readFileSync(path.join(ROOT, 'docs', 'other-editors.md'), 'utf8');
  const m = /```lua\n(-- workload-placement: Neovim 0\.7\+\n[\s\S]*?)```/.exec(doc);
  assert.ok(m, 'docs/other-editors.md has the Neovim 0.7+ snippet');
  const init = path.join(dir, 'init.lua');
  fs.writeFileSync(init, m[1]);
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  const shim = path.join(bin, 'workload-placement-server');
  fs.writeFileSync(shim, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(path.join(ROOT, 'bin', 'workload-placement-server.js'))} "$@"\n`);
  fs.chmodSync(shim, 0o755);
  return { init, path: `${bin}${path.delimiter}${process.env.PATH ?? ''}` };
}

/** Opens the example in Neovim, reads back diagnostics and a hover, and compares them with the CLI. */
function check(folder: string, mode: 'start' | 'config'): Report {
  const report = cliReport(folder);
  // The file with the most diagnostics, and in it a workload whose declared deploy differs (else the first).
  const counts = new Map<string, number>();
  for (const d of report.diagnostics) counts.set(d.file, (counts.get(d.file) ?? 0) + 1);
  const file = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? report.workloads[0].file;
  const inFile = report.workloads.filter((w) => w.file === file);
  const target = inFile.find((w) => w.declared && w.declared !== w.verdict && w.verdict) ?? inFile.find((w) => w.verdict) ?? report.workloads.find((w) => w.verdict);
  assert.ok(target, 'a workload to hover');
  const expected = [...new Set(report.diagnostics.filter((d) => d.file === file).map((d) => d.rule))].sort();

  const outDir = tempDir('wp-nvim-');
  const out = path.join(outDir, 'result.json');
  const args = ['--headless', '--clean'];
  let envPath = process.env.PATH;
  if (mode === 'config') {
    const setup = userSetup(outDir);
    args.push('-c', `luafile ${setup.init}`);
    envPath = setup.path;
  }
  args.push('-c', `luafile ${HARNESS}`);
  const run = spawnSync('nvim', args, {
    cwd: folder,
    encoding: 'utf8',
    timeout: TIMEOUT_MS * 4,
    env: {
      ...process.env,
      PATH: envPath,
      // Keep Neovim's state (LSP log, shada) out of the user's home.
      XDG_STATE_HOME: outDir,
      XDG_CACHE_HOME: outDir,
      XDG_DATA_HOME: outDir,
      WP_MODE: mode,
      WP_SERVER: SERVER,
      WP_ROOT: folder,
      WP_FILE: path.resolve(folder, target.file),
      WP_OUT: out,
      WP_LINE: String(target.range.start.line - 1),
      WP_COL: String(target.range.start.column - 1),
      WP_EXPECT: expected.join(','),
      WP_TIMEOUT_MS: String(TIMEOUT_MS),
    },
  });
  assert.ok(fs.existsSync(out), `nvim wrote no result (exit ${run.status}, signal ${run.signal}): ${run.stdout}\n${run.stderr}`);
  const seen = JSON.parse(fs.readFileSync(out, 'utf8')) as Seen;
  assert.deepEqual(seen.errors, [], 'no client or harness errors');
  assert.equal(run.status, 0);
  assert.ok(seen.initialized, 'initialize answered');
  if (mode === 'config') assert.equal(fs.realpathSync(seen.root_dir ?? ''), fs.realpathSync(folder), 'the snippet found the project root');

  // The same rule ids, at the same places, as the command line.
  const rules = [...new Set((seen.diagnostics ?? []).map((d) => String(d.rule)))].sort();
  assert.deepEqual(rules, expected, `diagnostics in Neovim: ${JSON.stringify(seen.diagnostics, null, 1)}`);
  assert.ok(seen.settled);
  const cliPlaces = report.diagnostics.filter((d) => d.file === file).map((d) => `${d.rule}@${d.range.start.line - 1}:${d.range.start.column - 1}`).sort();
  const nvimPlaces = (seen.diagnostics ?? []).map((d) => `${d.rule}@${d.line}:${d.col}`).sort();
  assert.deepEqual(nvimPlaces, cliPlaces);

  // The hover names the verdict and explains it with the factors' reasons (read as
  // plain text: Markdown escapes removed).
  assert.ok(seen.hover, 'a hover');
  const hover = seen.hover.replace(/\\([\\`*_{}[\]()#+\-.!|~<>])/g, '$1');
  assert.match(hover, new RegExp(`\\b${target.verdict}\\b`), `hover mentions ${target.verdict}:\n${hover}`);
  if (target.name) assert.ok(hover.includes(target.name), `hover names ${target.name}:\n${hover}`);
  const reasons = target.factors!.filter((f) => (f.weights[target.verdict!] ?? 0) > 0).map((f) => f.reason);
  assert.ok(reasons.length && reasons.every((r) => hover.includes(r)), `hover gives the reasons for ${target.verdict}:\n${hover}`);
  if (target.declared && target.declared !== target.verdict) assert.ok(hover.includes(`deploy: ${target.declared}`), 'hover notes the declared deploy');
  assert.ok(seen.stopped, 'the server shut down when asked');
  return report;
}

describe('Neovim (headless, vim.lsp.start_client)', { skip }, () => {
  it('finds nvim', () => {
    assert.ok(hasNvim, 'CI is set, so nvim must be installed (scripts/setup.sh installs Debian\'s neovim)');
  });

  for (const folder of workspaces()) {
    it(`shows the CLI's diagnostics and a verdict hover in ${path.relative(ROOT, folder)}`, () => {
      assert.ok(hasNvim, 'nvim is required under CI');
      check(folder, 'start');
    });
  }

  it('works with the Neovim 0.7+ snippet of docs/other-editors.md, and honours .workload-placement.json like the CLI', () => {
    assert.ok(hasNvim, 'nvim is required under CI');
    // A copy of an example as its own project: the configuration file marks the root
    // (as the snippet looks for it) and turns one reported rule off, for both tools.
    const source = workspaces()[0];
    const copy = tempDir('wp-nvim-project-');
    for (const f of fs.readdirSync(source)) fs.copyFileSync(path.join(source, f), path.join(copy, f));
    const before = cliReport(copy);
    const off = before.diagnostics[0]?.rule;
    assert.ok(off, 'the example reports something');
    fs.writeFileSync(path.join(copy, '.workload-placement.json'), JSON.stringify({ rules: { [off]: 'off' } }));
    const after = check(copy, 'config');
    assert.ok(!after.diagnostics.some((d) => d.rule === off), `${off} is off in the CLI`);
  });
});
