// Builds the .vsix with `npm run package` in a scratch copy of the repository, then checks
// what is inside (only what the installed extension needs) and that the bundled server and
// CLI run from the unpacked package, where no node_modules can be found.
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { estateSheets, writeCsvFolder, writeXlsx } from '../import/estate';
import { readZip, type ZipEntry } from './zip';

const repo = join(__dirname, '..', '..', '..');
// Folders that are build output, local installs or caches: never part of a package build.
const skipped = new Set(['node_modules', 'out', 'dist', '.git', 'test-results', '.e2e', '.vscode-test', 'examples-out']);

let scratch = '';
let entries: ZipEntry[] = [];
let names: string[] = [];
let extDir = '';
let packageOutput = '';

before(() => {
  scratch = mkdtempSync(join(tmpdir(), 'wp-vsix-'));
  const src = join(scratch, 'src');
  cpSync(repo, src, {
    recursive: true,
    filter: (p) => {
      const rel = relative(repo, p);
      if (!rel) return true;
      const parts = rel.split(sep);
      return !parts.some((part) => skipped.has(part)) && !rel.endsWith('.vsix');
    },
  });
  symlinkSync(join(repo, 'node_modules'), join(src, 'node_modules'), 'dir');
  // No stdin: a packaging step that asks a question fails instead of waiting.
  const r = spawnSync('npm', ['run', 'package'], { cwd: src, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: 180_000 });
  packageOutput = `${r.stdout}\n${r.stderr}`;
  assert.equal(r.status, 0, `npm run package failed:\n${packageOutput}`);
  const vsix = readFileSync(join(src, 'workload-placement.vsix'));
  entries = readZip(vsix);
  names = entries.map((e) => e.name);
  extDir = join(scratch, 'unpacked');
  for (const e of entries) {
    const dest = join(extDir, e.name);
    mkdirSync(dirname(dest), { recursive: true });
    writeFileSync(dest, e.data());
  }
});

after(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

const entry = (name: string): ZipEntry => {
  const e = entries.find((x) => x.name === name);
  assert.ok(e, `${name} is not in the .vsix; it holds:\n${names.join('\n')}`);
  return e;
};
const manifest = (): Record<string, any> => JSON.parse(entry('extension/package.json').data().toString('utf8'));

// Every file the package may hold; anything else (sources, maps, tests, node_modules) is a leak.
const allowed: RegExp[] = [
  /^extension\.vsixmanifest$/,
  /^\[Content_Types\]\.xml$/,
  /^extension\/package\.json$/,
  /^extension\/(readme|changelog)\.md$/i,
  /^extension\/LICENSE(\.txt)?$/,
  /^extension\/dist\/(client|server|webview|cli|importLibs)\.js$/,
  /^extension\/dist\/webview\.css$/,
  /^extension\/bin\/[\w-]+\.js$/,
  /^extension\/syntaxes\/[\w.-]+\.json$/,
  /^extension\/schema\/[\w.-]+\.json$/,
  /^extension\/language-configuration\.json$/,
  /^extension\/docs\/images\/[\w.-]+\.(png|svg|gif)$/,
  /^extension\/docs\/rules\.md$/,
];

test('the .vsix holds only files on the allowlist', () => {
  const unexpected = names.filter((n) => !allowed.some((re) => re.test(n)));
  assert.deepEqual(unexpected, [], `unexpected files in the .vsix`);
  for (const bad of [/\.map$/, /node_modules\//, /\.ts$/, /^extension\/(test|src|client|server|webview|shared)\//]) {
    assert.deepEqual(names.filter((n) => bad.test(n)), [], `files matching ${bad} in the .vsix`);
  }
});

test('the .vsix holds the bundles, the launchers, the readme and the licence', () => {
  for (const name of ['client', 'server', 'webview', 'cli', 'importLibs']) entry(`extension/dist/${name}.js`);
  assert.ok(names.some((n) => /^extension\/readme\.md$/i.test(n)), 'README missing');
  assert.ok(names.some((n) => /^extension\/LICENSE/.test(n)), 'LICENSE missing');
  const bin = manifest().bin as Record<string, string> | undefined;
  assert.ok(bin && Object.keys(bin).length >= 2, 'package.json declares the CLI and server launchers in `bin`');
  for (const [cmd, path] of Object.entries(bin)) {
    const target = `extension/${path.replace(/^\.\//, '')}`;
    entry(target);
    // A launcher must reach its bundle inside the package.
    const required = /require\(['"]([^'"]+)['"]\)/.exec(entry(target).data().toString('utf8'));
    assert.ok(required, `${cmd} launcher requires its bundle`);
    entry(join(dirname(target), required[1]).split(sep).join('/') + (required[1].endsWith('.js') ? '' : '.js'));
  }
});

test('every file the manifest points at is inside the .vsix', () => {
  const m = manifest();
  const refs: string[] = [];
  if (m.main) refs.push(m.main);
  if (m.icon) refs.push(m.icon);
  const c = m.contributes ?? {};
  for (const g of c.grammars ?? []) refs.push(g.path);
  for (const l of c.languages ?? []) if (l.configuration) refs.push(l.configuration);
  for (const v of [...(c.jsonValidation ?? []), ...(c.yamlValidation ?? [])]) if (!/^https?:/.test(v.url)) refs.push(v.url);
  assert.ok(refs.length > 0, 'the manifest references no files');
  for (const ref of refs) {
    const name = `extension/${ref.replace(/^\.\//, '')}`;
    const withJs = name.endsWith('.js') || name.endsWith('.json') ? name : `${name}.js`;
    assert.ok(names.includes(name) || names.includes(withJs), `manifest points at ${ref}, which is not in the .vsix`);
  }
  // Relative images in the README are not rewritten: they must travel in the package.
  const readme = entries.find((e) => /^extension\/readme\.md$/i.test(e.name))!.data().toString('utf8');
  const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)[^)]*\)|<img[^>]+src=["']([^"']+)["']/g)]
    .map((x) => x[1] ?? x[2])
    .filter((u) => !/^(https?:|data:)/.test(u));
  for (const img of images) entry(`extension/${img.replace(/^\.\//, '')}`);
});

test('the bundles are minified production builds without source maps', () => {
  for (const name of ['client', 'server', 'webview', 'cli', 'importLibs']) {
    const text = entry(`extension/dist/${name}.js`).data().toString('utf8');
    assert.doesNotMatch(text, /sourceMappingURL/, `${name}.js links a source map`);
    // Production bundles of any size are minified: few lines for their length.
    if (text.length > 20_000) assert.ok(text.split('\n').length < text.length / 500, `${name}.js looks unminified`);
  }
});

// Talks LSP to the server started from the unpacked package's own launcher.
async function startServer(cwd: string): Promise<{ conn: ProtocolConnection; proc: ChildProcess; stderr: () => string }> {
  const launcher = join(extDir, 'extension', 'bin', 'workload-placement-server.js');
  const proc = spawn(process.execPath, [launcher, '--stdio'], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr!.on('data', (d) => (err += d));
  const conn = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  conn.listen();
  return { conn, proc, stderr: () => err };
}

const withDeadline = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    p.then((v) => (clearTimeout(t), resolve(v)), (e) => (clearTimeout(t), reject(e)));
  });

test('the bundled CLI imports an RVTools export from the unpacked .vsix (exceljs and csv-parse travel in dist/importLibs.js)', async () => {
  const dir = join(scratch, 'rvtools');
  mkdirSync(dir);
  await writeXlsx(join(dir, 'bank.xlsx'), estateSheets('current'));
  writeCsvFolder(join(dir, 'csv'), estateSheets('older'));
  for (const input of ['bank.xlsx', 'csv']) {
    const r = spawnSync(process.execPath, [join(extDir, 'extension', 'bin', 'workload-placement.js'), 'import', 'rvtools', input, '--out', `out-${input}`], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Imported 36 VMs and 9 ESXi hosts\./);
  }
});

test('the bundled server starts from the unpacked .vsix and reports what the bundled CLI reports', async () => {
  const ws = join(scratch, 'ws');
  mkdirSync(ws);
  const file = join(ws, 'fleet.workload.yaml');
  cpSync(join(repo, 'examples', 'windows-shop', 'fleet.workload.yaml'), file);
  const text = readFileSync(file, 'utf8');

  // The CLI from the package is the oracle for the rule ids the server must report.
  const cli = spawnSync(process.execPath, [join(extDir, 'extension', 'bin', 'workload-placement.js'), 'check', ws, '--format', 'json'], {
    cwd: scratch,
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(cli.status, 1, `the CLI finds the example's errors (exit 1); stderr:\n${cli.stderr}`);
  const report = JSON.parse(cli.stdout) as { diagnostics: { rule: string }[]; workloads: { name: string; verdict: string }[] };
  const expected = [...new Set(report.diagnostics.map((d) => d.rule))].sort();
  assert.ok(expected.length > 0);

  const { conn, proc, stderr } = await startServer(scratch);
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  try {
    const uri = pathToFileURL(file).toString();
    const published = new Promise<PublishDiagnosticsParams>((resolve) => {
      conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
        if (p.uri === uri && p.diagnostics.length > 0) resolve(p);
      });
    });
    const init: any = await withDeadline(
      conn.sendRequest('initialize', {
        processId: process.pid,
        rootUri: pathToFileURL(ws).toString(),
        workspaceFolders: [{ uri: pathToFileURL(ws).toString(), name: 'ws' }],
        capabilities: { textDocument: { publishDiagnostics: {}, hover: { contentFormat: ['markdown', 'plaintext'] } } },
      }),
      30_000,
      'the initialize response',
    );
    assert.ok(init.capabilities.hoverProvider, 'the server offers hover');
    assert.ok(init.capabilities.textDocumentSync, 'the server syncs documents');
    conn.sendNotification('initialized', {});
    conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    const diags = await withDeadline(published, 30_000, 'diagnostics for the opened example');
    const got = [...new Set(diags.diagnostics.map((d) => String(d.code)))].sort();
    assert.deepEqual(got, expected, 'the server and the CLI give the same rule ids');
    // Each rule code links to the docs/rules.md inside the package, at the rule's heading.
    const docs = entry('extension/docs/rules.md').data().toString('utf8').split('\n');
    for (const d of diags.diagnostics) {
      const href = /^(file:\/\/.+)#L(\d+)$/.exec(d.codeDescription?.href ?? '');
      assert.ok(href, `${String(d.code)} links ${d.codeDescription?.href}`);
      assert.equal(href[1], pathToFileURL(join(extDir, 'extension', 'docs', 'rules.md')).href);
      assert.equal(docs[Number(href[2]) - 1], `## ${String(d.code)}`);
    }

    // Hover on a workload's name reads back the verdict the CLI gives for it.
    const w = report.workloads[0];
    const nameAt = text.indexOf(`name: ${w.name}`) + 'name: '.length + 1;
    const before = text.slice(0, nameAt);
    const position = { line: before.split('\n').length - 1, character: nameAt - before.lastIndexOf('\n') - 1 };
    const hover: any = await withDeadline(conn.sendRequest('textDocument/hover', { textDocument: { uri }, position }), 30_000, 'hover');
    const hoverText = JSON.stringify(hover?.contents ?? '');
    assert.match(hoverText, new RegExp(`\\b${w.verdict}\\b`), `hover on ${w.name} names its verdict ${w.verdict}: ${hoverText}`);

    await withDeadline(conn.sendRequest('shutdown'), 30_000, 'the shutdown response');
    conn.sendNotification('exit');
    assert.equal(await withDeadline(exited, 30_000, 'the server to exit'), 0, `server stderr:\n${stderr()}`);
  } finally {
    conn.dispose();
    if (proc.exitCode === null) proc.kill();
  }
});
