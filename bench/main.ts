// `npm run bench`: our language server and Red Hat's yaml-language-server (given our
// JSON Schema) side by side, in one run, on generated descriptors of 100, 1,000 and
// 10,000 workloads; plus the floor (`yaml`'s parseDocument of the same text) and our
// core in-process. Writes bench/results.json and bench/results.md.
//
// Usage (through scripts/bench.mjs, which builds first):
//   node scripts/bench.mjs [--sizes 100,1000,10000] [--quick] [--only ours|redhat|pathological|estate|cli] [--no-pathological] [--no-estate] [--estate 100x1000] [--no-cli] [--runs N] [--no-write]
// `--only pathological` runs only the pathological-inputs table (bench/pathological.ts)
// and writes nothing; `--only estate` runs only the workspace of many files
// (bench/workspace.ts: `--estate FILESxWORKLOADS`, default 100x1000) and writes nothing;
// `--only cli` likewise runs only the command line at 100,000 workloads in 101 files
// (bench/cliCheck.ts; `--runs N` per case, 3 by default).

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as P from 'vscode-languageserver-protocol';
import { parseDocument } from 'yaml';
import { analyze, AnalysisSession } from '../server/src/core/analyze';
import { defaultConfig } from '../server/src/core/config';
import { parseFile, PieceCache } from '../server/src/core/parse';
import { SourceText } from '../server/src/core/sourceText';
import { toJsonSchema } from '../server/src/core/schema';
import { applyLayoutPatch } from '../shared/layoutPatch';
import type { Layout, LayoutResult } from '../shared/protocol';
import { generate } from './generate';
import { LspClient, type ServerSpec, withTimeout } from './lspClient';
import { type CliCheckResult, cliCheckMarkdown, runCliCheck } from './cliCheck';
import { type PathologicalResult, pathologicalMarkdown, runPathological } from './pathological';
import { runWorkspaceBench, type WorkspaceResult, workspaceMarkdown } from './workspace';

const ROOT = resolve(__dirname, '..', '..');
const OP_TIMEOUT = 180_000;

interface Runs {
  open: number;
  /** Edits right after opening, reported on their own: the JIT is still warming up on them. */
  firstEdits: number;
  /** Edits after those: typing. */
  edit: number;
  hover: number;
  completion: number;
  floor: number;
}

const FULL: Record<number, Runs> = {
  100: { open: 5, firstEdits: 10, edit: 20, hover: 20, completion: 20, floor: 9 },
  1000: { open: 5, firstEdits: 10, edit: 20, hover: 20, completion: 20, floor: 7 },
  10000: { open: 3, firstEdits: 10, edit: 20, hover: 20, completion: 20, floor: 3 },
};
/**
 * Red Hat's server takes seconds per request at 10,000 workloads: fewer runs keep the bench
 * under 10 minutes. Its edits are all measured as typing, the first one included (each
 * re-parses the whole file: seconds that no warm-up changes).
 */
const FULL_REDHAT: Record<number, Partial<Runs>> = {
  100: { firstEdits: 0, edit: 10, hover: 10, completion: 10 },
  1000: { firstEdits: 0, edit: 6, hover: 6, completion: 6 },
  10000: { firstEdits: 0, edit: 4, hover: 4, completion: 3 },
};
const QUICK: Runs = { open: 2, firstEdits: 1, edit: 2, hover: 2, completion: 2, floor: 2 };

export interface Stat {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

export function stat(xs: number[]): Stat {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0], max: s[s.length - 1], runs: xs };
}

interface ServerResult {
  server: string;
  diagnosticsMode: 'pull' | 'push';
  openMs?: Stat;
  editMs?: Stat;
  /** The first edits after opening (before `editMs`'s). */
  firstEditMs?: Stat;
  /** CPU time the server spent from the edit to the diagnostics (less sensitive to other load than wall time). */
  editCpuMs?: Stat;
  /** Ours: edit → diagnostics, then the layout request with `since`, as the panel asks it (the webview's data). */
  editLayoutMs?: Stat;
  /** The whole layout's answer, in JSON characters. */
  layoutBytes?: number;
  /** The patches answered after the edits (median), and how many edits were answered whole instead. */
  patchBytes?: number;
  wholeAfterEdit?: number;
  /** The layout request alone, after the diagnostics: with `since` after each edit, and the first (whole) one. */
  layoutRequestMs?: Stat;
  wholeLayoutMs?: number;
  hoverMs?: Stat;
  completionMs?: Stat;
  peakRssBytes?: number;
  diagnosticsAtOpen?: number;
  error?: string;
}

interface SizeResult {
  workloads: number;
  hosts: number;
  chars: number;
  lines: number;
  floorParseDocumentMs: Stat;
  core: { parseMs: Stat; analyzeMs: Stat; editParseMs: Stat; editAnalyzeMs: Stat };
  servers: ServerResult[];
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const now = () => performance.now();

async function main(): Promise<void> {
  const started = Date.now();
  const sizes = (arg('sizes') ?? '100,1000,10000').split(',').map(Number);
  const quick = process.argv.includes('--quick');
  const only = arg('only');
  const tmp = mkdtempSync(join(tmpdir(), 'wp-bench-'));
  const schemaPath = join(tmp, 'descriptor.schema.json');
  writeFileSync(schemaPath, JSON.stringify(toJsonSchema(), null, 2));
  const ours: ServerSpec = {
    name: 'ours',
    script: join(ROOT, 'dist', 'server.js'),
    args: ['--stdio'],
    settings: { workloadPlacement: {} },
    pull: true,
  };
  const yamlSettings = {
    schemas: { [pathToFileURL(schemaPath).href]: ['*.workload.yaml'] },
    validate: true,
    hover: true,
    completion: true,
    schemaStore: { enable: false },
    format: { enable: false },
  };
  const redhat: ServerSpec = {
    name: 'redhat',
    script: join(ROOT, 'node_modules', 'yaml-language-server', 'bin', 'yaml-language-server'),
    args: ['--stdio'],
    settings: { yaml: yamlSettings, http: {}, '[yaml]': {}, editor: {} },
    pushSettings: { yaml: yamlSettings },
    pull: false,
  };
  const specs = [ours, redhat].filter((s) => !only || s.name === only);
  const machine = describeMachine();
  if (only === 'pathological') {
    console.log('Pathological inputs (about 100 KB each): CLI check, and edit → diagnostics over the protocol');
    try {
      console.log(`\n${pathologicalMarkdown(await runPathological(ROOT, tmp, ours))}`);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    return;
  }
  const [estateFiles, estatePerFile] = (arg('estate') ?? '100x1000').split('x').map(Number);
  const estateEdits = quick ? 2 : 10;
  if (only === 'estate') {
    console.log(`Benchmark on ${machine.cpuModel} (${machine.nproc} cores), Node ${machine.node}; load average ${loadavg()[0].toFixed(2)}`);
    try {
      console.log(`\n${workspaceMarkdown(await runWorkspaceBench(tmp, ours, { files: estateFiles, perFile: estatePerFile, edits: estateEdits }))}`);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    console.log(`load average at the end ${loadavg()[0].toFixed(2)}`);
    return;
  }
  const cliRuns = quick ? 1 : Number(arg('runs') ?? 3);
  if (only === 'cli') {
    console.log(`The command line at 100,000 workloads in 101 files (${cliRuns} run${cliRuns === 1 ? '' : 's'} per case)`);
    try {
      console.log(`\n${cliCheckMarkdown(runCliCheck(ROOT, tmp, cliRuns, console.log))}`);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    return;
  }
  console.log(`Benchmark on ${machine.cpuModel} (${machine.nproc} cores), Node ${machine.node}; sizes ${sizes.join(', ')}${quick ? ' (quick)' : ''}`);

  const results: SizeResult[] = [];
  const hostile: HostileResult[] = [];
  let pathological: PathologicalResult | undefined;
  let cli: CliCheckResult | undefined;
  let estate: WorkspaceResult | undefined;
  try {
    for (const size of sizes) {
      const runs = quick ? QUICK : (FULL[size] ?? FULL[1000]);
      const g = generate({ workloads: size, seed: 42 });
      const bench = plan(g.text, g.osValues);
      const text = bench.text;
      const lines = text.split('\n').length - 1;
      console.log(`\n${size.toLocaleString('en-US')} workloads, ${g.hosts} hosts: ${(text.length / 1048576).toFixed(2)} MB, ${lines.toLocaleString('en-US')} lines`);
      const floor = measureFloor(text, runs.floor);
      console.log(`  floor: parseDocument ${fmt(floor.median)} ms (${fmt(floor.min)}–${fmt(floor.max)})`);
      const core = measureCore(text, bench.editOffset, runs.edit);
      console.log(`  core in-process: parse ${fmt(core.parseMs.median)} ms, analyze ${fmt(core.analyzeMs.median)} ms; after an edit: parse ${fmt(core.editParseMs.median)} ms, analyze ${fmt(core.editAnalyzeMs.median)} ms`);
      const servers: ServerResult[] = [];
      for (const spec of specs) {
        const r = await measureServer(spec, tmp, size, bench, spec.name === 'redhat' && !quick ? { ...runs, ...FULL_REDHAT[size] } : runs);
        servers.push(r);
        console.log(`  ${spec.name}: ${r.error ? `FAILED: ${r.error}` : summaryLine(r)}`);
      }
      results.push({ workloads: size, hosts: g.hosts, chars: text.length, lines, floorParseDocumentMs: floor, core, servers });
    }
    if (!process.argv.includes('--no-hostile')) {
      console.log('\nHostile inputs: open → the first diagnostics');
      for (const c of HOSTILE) {
        for (const spec of specs) {
          const r = await measureHostile(spec, tmp, c);
          hostile.push(r);
          console.log(`  ${c.name}, ${spec.name}: ${r.skipped ?? (r.error ? `FAILED: ${r.error}` : `${fmt(r.ms!)} ms: ${r.message}`)}`);
        }
      }
    }
    if (!process.argv.includes('--no-estate') && (!only || only === 'ours')) {
      console.log(`\nA workspace of ${estateFiles} files of ${estatePerFile} workloads (and one of hosts): open one → diagnostics, edits → diagnostics beside a full re-analysis`);
      estate = await runWorkspaceBench(tmp, ours, { files: estateFiles, perFile: estatePerFile, edits: estateEdits });
    }
    if (!process.argv.includes('--no-pathological') && (!only || only === 'ours')) {
      console.log('\nPathological inputs (about 100 KB each): CLI check, and edit → diagnostics over the protocol');
      pathological = await runPathological(ROOT, tmp, ours);
    }
    if (!process.argv.includes('--no-cli') && (!only || only === 'ours')) {
      console.log('\nThe command line at 100,000 workloads in 101 files');
      cli = runCliCheck(ROOT, tmp, cliRuns, console.log);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  const placement = runPlacementBench(sizes);
  const out = { date: new Date().toISOString(), durationS: Math.round((Date.now() - started) / 1000), machine, redhatVersion: redhatVersion(), sizes: results, estate, hostile, pathological, cli, placement };
  const md = toMarkdown(out);
  console.log(`\n${md}`);
  if (!process.argv.includes('--no-write')) {
    writeFileSync(join(ROOT, 'bench', 'results.json'), `${JSON.stringify(out, null, 2)}\n`);
    writeFileSync(join(ROOT, 'bench', 'results.md'), md);
    console.log(`Wrote bench/results.json and bench/results.md${updateReadme(md) ? ', and the figures in README.md' : ''}`);
  }
}

interface BenchText {
  text: string;
  /** Offset of the `linux` value the edits change (its last letter goes and comes back). */
  editOffset: number;
  editLine: number;
  editCol: number;
  /** The line of a planted `deploy: contianer`, an error both servers report at open. */
  plantedLine: number;
}

/** Plants one schema error both servers report, and picks the line the edits change. */
function plan(text: string, osValues: number[]): BenchText {
  // Same length, so the generator's offsets stay right.
  const at = text.indexOf('    deploy: container\n');
  if (at < 0) throw new Error('no `deploy: container` line to plant an error in');
  text = `${text.slice(0, at)}    deploy: contianer\n${text.slice(at + '    deploy: container\n'.length)}`;
  const mid = osValues.length >> 1;
  let editOffset = -1;
  for (let k = 0; k < osValues.length && editOffset < 0; k++) {
    const o = osValues[(mid + k) % osValues.length];
    if (text.startsWith('linux\n', o)) editOffset = o;
  }
  if (editOffset < 0) throw new Error('no `os: linux` line to edit');
  const lineOf = (o: number) => text.slice(0, o).split('\n').length - 1;
  const editLine = lineOf(editOffset);
  return { text, editOffset, editLine, editCol: editOffset - (text.lastIndexOf('\n', editOffset - 1) + 1), plantedLine: lineOf(at) };
}

function measureFloor(text: string, n: number): Stat {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = now();
    const doc = parseDocument(text);
    xs.push(now() - t);
    if (doc.errors.length > 1000) throw new Error('the generated text does not parse');
  }
  return stat(xs);
}

function measureCore(text: string, editOffset: number, n: number): SizeResult['core'] {
  const config = defaultConfig();
  const parseMs: number[] = [];
  const analyzeMs: number[] = [];
  for (let i = 0; i < Math.max(2, Math.min(n, 3)); i++) {
    let t = now();
    const p = parseFile('bench.workload.yaml', text);
    parseMs.push(now() - t);
    t = now();
    analyze([p], config);
    analyzeMs.push(now() - t);
  }
  // After an edit, as the server runs it: the text edited as a SourceText (never copied
  // whole), the piece cache and the session carried over.
  const cache = new PieceCache();
  const session = new AnalysisSession();
  let cur = SourceText.of(text);
  let parsed = parseFile('bench.workload.yaml', cur, cache);
  session.update([parsed], config);
  const editParseMs: number[] = [];
  const editAnalyzeMs: number[] = [];
  for (let i = 0; i < n; i++) {
    const cut = editOffset + 4;
    cur = i % 2 === 0 ? cur.edit(cut, cut + 1, '') : cur.edit(cut, cut, 'x');
    let t = now();
    parsed = parseFile('bench.workload.yaml', cur, cache);
    editParseMs.push(now() - t);
    t = now();
    session.update([parsed], config);
    editAnalyzeMs.push(now() - t);
  }
  return { parseMs: stat(parseMs), analyzeMs: stat(analyzeMs), editParseMs: stat(editParseMs), editAnalyzeMs: stat(editAnalyzeMs) };
}

const WARM_UP = 'version: 1\nworkloads:\n  - name: warm\n    os: linu\n';

async function measureServer(spec: ServerSpec, tmp: string, size: number, b: BenchText, runs: Runs): Promise<ServerResult> {
  const client = new LspClient(spec);
  const result: ServerResult = { server: spec.name, diagnosticsMode: 'push' };
  const languageId = spec.name === 'ours' ? 'workload-descriptor' : 'yaml';
  const uriOf = (name: string) => pathToFileURL(join(tmp, name)).href;
  try {
    await withTimeout(client.initialize(null), 60_000, 'initialize');
    result.diagnosticsMode = client.pulls ? 'pull' : 'push';
    // Warm up, and make sure the schema is in force: the tiny file's error must show.
    const warm = uriOf(`warm-${spec.name}-${size}.workload.yaml`);
    await withTimeout(diagnosticsAfter(client, warm, () => client.open(warm, WARM_UP, languageId), (d) => d.some((x) => x.range.start.line === 3)), 60_000, 'warm-up diagnostics');
    await client.close(warm);

    // Open → diagnostics that include the planted error.
    const openMs: number[] = [];
    let uri = '';
    for (let k = 0; k < runs.open; k++) {
      if (uri) await client.close(uri);
      uri = uriOf(`bench-${size}-${k}.workload.yaml`);
      const t = now();
      const diags = await withTimeout(diagnosticsAfter(client, uri, () => client.open(uri, b.text, languageId), (d) => d.some((x) => x.range.start.line === b.plantedLine)), OP_TIMEOUT, 'open → diagnostics');
      openMs.push(now() - t);
      result.diagnosticsAtOpen = diags.length;
    }
    result.openMs = stat(openMs);

    // One-character edits: the `x` of `linux` goes (an error appears on that line) and comes back (it goes).
    const editMs: number[] = [];
    const editCpuMs: number[] = [];
    const editLayoutMs: number[] = [];
    const patchBytes: number[] = [];
    const layoutRequestMs: number[] = [];
    // The panel holds the last layout it got and asks with its generation.
    let held: { generation: number; layout: Layout } | undefined;
    if (spec.name === 'ours') {
      const t = now();
      const r = await withTimeout(client.request<LayoutResult | null>('workloadPlacement/layout', {}), OP_TIMEOUT, 'layout');
      result.wholeLayoutMs = now() - t;
      if (!r?.layout) throw new Error('the layout request returned no layout');
      held = { generation: r.generation, layout: r.layout };
      result.layoutBytes = JSON.stringify(r).length;
      result.wholeAfterEdit = 0;
    }
    let version = 1;
    const firstEditMs: number[] = [];
    for (let k = 0; k < runs.firstEdits + runs.edit; k++) {
      // The first edits after opening are timed apart; the rest are typing.
      const typing = k >= runs.firstEdits;
      const remove = k % 2 === 0;
      const pos = { line: b.editLine, character: b.editCol + 4 };
      const range: P.Range = remove ? { start: pos, end: { line: pos.line, character: pos.character + 1 } } : { start: pos, end: pos };
      const onLine = (d: P.Diagnostic[]) => d.some((x) => x.range.start.line === b.editLine);
      version++;
      const cpu0 = client.cpuMs();
      const t = now();
      await withTimeout(
        diagnosticsAfter(client, uri, () => client.change(uri, version, range, remove ? '' : 'x'), (d) => (remove ? onLine(d) : !onLine(d)), version),
        OP_TIMEOUT,
        'edit → diagnostics',
      );
      (typing ? editMs : firstEditMs).push(now() - t);
      const cpu1 = client.cpuMs();
      if (typing && cpu0 !== undefined && cpu1 !== undefined) editCpuMs.push(cpu1 - cpu0);
      if (held) {
        const tl = now();
        const r = await withTimeout(client.request<LayoutResult | null>('workloadPlacement/layout', { since: held.generation }), OP_TIMEOUT, 'layout');
        if (r?.patch) held = { generation: r.generation, layout: applyLayoutPatch(held.layout, r.patch) };
        else if (r?.layout) held = { generation: r.generation, layout: r.layout };
        else throw new Error('the layout request returned neither a layout nor a patch');
        if (!typing) continue;
        editLayoutMs.push(now() - t);
        layoutRequestMs.push(now() - tl);
        if (r.patch) patchBytes.push(JSON.stringify(r).length);
        else result.wholeAfterEdit!++;
      }
    }
    result.editMs = stat(editMs);
    if (firstEditMs.length) result.firstEditMs = stat(firstEditMs);
    if (editCpuMs.length) result.editCpuMs = stat(editCpuMs);
    if (editLayoutMs.length) result.editLayoutMs = stat(editLayoutMs);
    if (patchBytes.length) result.patchBytes = stat(patchBytes).median;
    if (layoutRequestMs.length) result.layoutRequestMs = stat(layoutRequestMs);

    // Hover on the `os` key of the edited workload; completion at its value.
    const hoverMs: number[] = [];
    for (let k = 0; k < runs.hover; k++) {
      const t = now();
      const h = await withTimeout(client.hover(uri, { line: b.editLine, character: b.editCol - 4 }), OP_TIMEOUT, 'hover');
      hoverMs.push(now() - t);
      if (!h || !hoverText(h)) throw new Error('empty hover on `os`');
    }
    result.hoverMs = stat(hoverMs);
    const completionMs: number[] = [];
    for (let k = 0; k < runs.completion; k++) {
      const t = now();
      const c = await withTimeout(client.completion(uri, { line: b.editLine, character: b.editCol }), OP_TIMEOUT, 'completion');
      completionMs.push(now() - t);
      const items = Array.isArray(c) ? c : (c?.items ?? []);
      if (!items.some((i) => i.label === 'windows' || i.insertText === 'windows')) throw new Error(`completion at \`os:\` lacks 'windows' (${items.length} items)`);
    }
    result.completionMs = stat(completionMs);
    result.peakRssBytes = client.peakRss();
  } catch (err) {
    result.error = `${err instanceof Error ? err.message : String(err)}${client.stderr ? ` | server stderr: ${client.stderr.slice(-400)}` : ''}`;
    result.peakRssBytes ??= client.peakRss();
  } finally {
    await client.stop().catch(() => client.child.kill('SIGKILL'));
  }
  return result;
}

/**
 * Sends something (open, change), then waits for the diagnostics that pass `test`:
 * pulled when the server offers pull (again until they pass), else pushed.
 */
async function diagnosticsAfter(client: LspClient, uri: string, send: () => Promise<void>, test: (d: P.Diagnostic[]) => boolean, version?: number): Promise<P.Diagnostic[]> {
  if (client.pulls) {
    await send();
    for (;;) {
      const d = await client.pull(uri);
      if (test(d)) return d;
      await new Promise((r) => setTimeout(r, 2));
    }
  }
  const pushed = client.nextPublish(uri, (p) => (version === undefined || p.version === undefined || p.version === version) && test(p.diagnostics));
  await send();
  return (await pushed).diagnostics;
}

interface HostileCase {
  name: string;
  text: () => string;
  /** What our diagnostic must say. */
  expect: RegExp;
  /** Why Red Hat's server is not given it. */
  skipRedhat?: string;
}

interface HostileResult {
  case: string;
  server: string;
  ms?: number;
  message?: string;
  skipped?: string;
  error?: string;
}

const HOSTILE: HostileCase[] = [
  {
    name: 'alias bomb ("billion laughs")',
    expect: /alias/i,
    text: () => {
      const lines = ['version: 1', 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
      for (let i = 1; i < 10; i++) lines.push(`${'abcdefghij'[i]}: &${'abcdefghij'[i]} [${Array(9).fill(`*${'abcdefghij'[i - 1]}`).join(', ')}]`);
      return `${lines.join('\n')}\nworkloads:\n  - name: bomb\n    os: linux\n    description: *j\n`;
    },
  },
  { name: '100,000-deep nesting', expect: /nests/, text: () => `version: 1\nworkloads: ${'['.repeat(100_000)}\n` },
  {
    name: 'binary (1 MB)',
    expect: /binary/,
    text: () => {
      const b = Buffer.alloc(1 << 20);
      for (let i = 0; i < b.length; i++) b[i] = (i * 7919 + (i >> 8)) % 256;
      return b.toString('latin1');
    },
  },
  {
    name: '50 MB file',
    expect: /too large/,
    skipRedhat: 'not run (at 2.8 MB it already needs gigabytes)',
    text: () => {
      const chunk = generate({ workloads: 1000, seed: 50 }).text.replace(/^version: 1\n/m, '');
      return `version: 1\n${chunk.repeat(Math.ceil((50 << 20) / chunk.length))}`;
    },
  },
];

async function measureHostile(spec: ServerSpec, tmp: string, c: HostileCase): Promise<HostileResult> {
  const result: HostileResult = { case: c.name, server: spec.name };
  if (spec.name === 'redhat' && c.skipRedhat) return { ...result, skipped: c.skipRedhat };
  const text = c.text();
  const client = new LspClient(spec);
  try {
    await withTimeout(client.initialize(null), 60_000, 'initialize');
    const uri = pathToFileURL(join(tmp, `hostile-${spec.name}-${c.name.replace(/\W+/g, '-')}.workload.yaml`)).href;
    const t = now();
    const test = spec.name === 'ours' ? (d: P.Diagnostic[]) => d.some((x) => c.expect.test(x.message)) : (d: P.Diagnostic[]) => d.length > 0;
    const diags = await withTimeout(diagnosticsAfter(client, uri, () => client.open(uri, text, spec.name === 'ours' ? 'workload-descriptor' : 'yaml'), test), 60_000, 'diagnostics');
    result.ms = now() - t;
    result.message = (diags.find((x) => c.expect.test(x.message)) ?? diags[0]).message.replace(/\s+/g, ' ');
  } catch (err) {
    result.error = `${err instanceof Error ? err.message : String(err)}${client.exited ? ' (the server exited)' : ''}`;
  } finally {
    await client.stop().catch(() => client.child.kill('SIGKILL'));
  }
  return result;
}

function hoverText(h: P.Hover): string {
  const c = h.contents;
  if (typeof c === 'string') return c;
  if (Array.isArray(c)) return c.map((x) => (typeof x === 'string' ? x : x.value)).join('\n');
  return c.value;
}

function runPlacementBench(sizes: number[]): { skipped?: string; output?: unknown } {
  const script = join(ROOT, 'scripts', 'benchPlacement.mjs');
  if (!existsSync(script)) return { skipped: 'scripts/benchPlacement.mjs does not exist yet: placement and webview render times were not measured.' };
  try {
    const stdout = execFileSync(process.execPath, [script, '--json', '--sizes', sizes.join(',')], { cwd: ROOT, encoding: 'utf8', timeout: 300_000, maxBuffer: 64 * 1024 * 1024 });
    try {
      return { output: JSON.parse(stdout) };
    } catch {
      return { output: stdout.trim() };
    }
  } catch (err) {
    return { skipped: `scripts/benchPlacement.mjs failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}` };
  }
}

const README_START = '<!-- bench:start -->';
const README_END = '<!-- bench:end -->';

/** Puts the figures between the README's bench markers, when it has them. */
function updateReadme(md: string): boolean {
  const path = join(ROOT, 'README.md');
  let readme: string;
  try {
    readme = readFileSync(path, 'utf8');
  } catch {
    return false;
  }
  const a = readme.indexOf(README_START);
  const b = readme.indexOf(README_END);
  if (a < 0 || b < a) return false;
  const body = md.replace(/^<!--.*-->\n/, '').replace(/^#### /gm, '##### ');
  writeFileSync(path, `${readme.slice(0, a + README_START.length)}\n${body}${readme.slice(b)}`);
  return true;
}

function describeMachine() {
  let cpuModel = cpus()[0]?.model ?? 'unknown CPU';
  try {
    const m = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpuModel = m[1].trim();
  } catch {
    // Not Linux: keep what os.cpus() said.
  }
  let nproc = cpus().length;
  try {
    nproc = Number(execFileSync('nproc', { encoding: 'utf8' }).trim()) || nproc;
  } catch {
    // No nproc: keep the count from os.cpus().
  }
  return { cpuModel, nproc, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, platform: `${process.platform} ${process.arch}`, loadAverageAtStart: loadavg()[0] };
}

function redhatVersion(): string {
  try {
    return JSON.parse(readFileSync(join(ROOT, 'node_modules', 'yaml-language-server', 'package.json'), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

export function fmt(ms: number): string {
  if (ms < 10) return ms.toFixed(1);
  return Math.round(ms).toLocaleString('en-US');
}

function mib(bytes: number | undefined): string {
  return bytes === undefined ? 'n/a' : `${Math.round(bytes / 2 ** 20).toLocaleString('en-US')} MiB`;
}

function cell(s: Stat | undefined): string {
  return s ? `${fmt(s.median)} ms (${fmt(s.min)}–${fmt(s.max)})` : 'n/a';
}

function ratio(a: number | undefined, b: number | undefined): string {
  if (a === undefined || b === undefined || b === 0) return 'n/a';
  const r = a / b;
  return r >= 10 ? `${Math.round(r)}×` : `${r.toFixed(r < 0.1 ? 3 : 2)}×`;
}

/** The patch answered after an edit next to the whole layout, e.g. "a 1.2 KB patch; the layout is 3.9 MB". */
function layoutSize(r: ServerResult): string {
  const size = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${(n / 1e3).toFixed(1)} KB`);
  const whole = r.layoutBytes === undefined ? '' : `the layout is ${size(r.layoutBytes)}`;
  const patch = r.patchBytes === undefined ? 'no patch' : `a ${size(r.patchBytes)} patch`;
  const request = r.layoutRequestMs ? `; the request ${fmt(r.layoutRequestMs.median)} ms${r.wholeLayoutMs === undefined ? '' : `, the first (whole) one ${fmt(r.wholeLayoutMs)} ms`}` : '';
  return `${patch}${r.wholeAfterEdit ? `, ${r.wholeAfterEdit} answered whole` : ''}; ${whole}${request}`;
}

function summaryLine(r: ServerResult): string {
  const layout = r.editLayoutMs ? `, edit + layout ${cell(r.editLayoutMs)} (${layoutSize(r)})` : '';
  return `open ${cell(r.openMs)}, ${r.firstEditMs ? `first edits ${cell(r.firstEditMs)}, ` : ''}edit ${cell(r.editMs)}${layout}, hover ${cell(r.hoverMs)}, completion ${cell(r.completionMs)}, peak RSS ${mib(r.peakRssBytes)} [${r.diagnosticsMode}]`;
}

type Out = {
  date: string;
  durationS: number;
  machine: ReturnType<typeof describeMachine>;
  redhatVersion: string;
  sizes: SizeResult[];
  estate?: WorkspaceResult;
  hostile: HostileResult[];
  pathological?: PathologicalResult;
  cli?: CliCheckResult;
  placement: { skipped?: string; output?: unknown };
};

export function toMarkdown(out: Out): string {
  const m = out.machine;
  const lines: string[] = [];
  lines.push('<!-- Generated by `npm run bench` (bench/main.ts); do not edit by hand. -->');
  lines.push(
    `Measured ${out.date.slice(0, 10)} on ${m.cpuModel}, ${m.nproc} cores (\`nproc\`), ${m.memoryGiB} GiB RAM, Node ${m.node}, ${m.platform}; load average ${m.loadAverageAtStart.toFixed(1)} at the start${m.loadAverageAtStart > m.nproc ? ' (other jobs were running: absolute times are inflated, the side-by-side ratios less so)' : ''}; the whole run took ${out.durationS} s.`,
  );
  lines.push(`Red Hat's \`yaml-language-server\` ${out.redhatVersion} was given our JSON Schema (\`yaml.schemas\`). Times are medians with min–max over several runs, wall-clock from the client's request to the answer; "floor" is \`yaml\`'s \`parseDocument\` of the same text in-process. Edits are one-character changes, each checked to change the diagnostics; the first ones after opening the file are shown apart from the typing that follows (while they run, V8 is still compiling and re-compiling our server's per-edit code).`);
  lines.push('');
  for (const s of out.sizes) {
    const ours = s.servers.find((x) => x.server === 'ours');
    const rh = s.servers.find((x) => x.server === 'redhat');
    lines.push(`#### ${s.workloads.toLocaleString('en-US')} workloads, ${s.hosts.toLocaleString('en-US')} hosts (${(s.chars / 1048576).toFixed(1)} MB, ${s.lines.toLocaleString('en-US')} lines)`);
    lines.push('');
    lines.push('| | Ours | Red Hat | Ours / Red Hat | Ours / floor |');
    lines.push('|---|---|---|---|---|');
    const row = (label: string, a: Stat | undefined, b: Stat | undefined, floor = false) =>
      lines.push(`| ${label} | ${cell(a)} | ${cell(b)} | ${ratio(a?.median, b?.median)} | ${floor ? ratio(a?.median, s.floorParseDocumentMs.median) : ''} |`);
    row('open → diagnostics', ours?.openMs, rh?.openMs, true);
    row(`edit → diagnostics (typing${ours?.firstEditMs ? `: after the first ${ours.firstEditMs.runs.length} edits` : ''})`, ours?.editMs, rh?.editMs, true);
    if (ours?.firstEditMs) row(`edit → diagnostics, the first ${ours.firstEditMs.runs.length} edits after opening (ours warming up)`, ours.firstEditMs, undefined, true);
    if (ours?.editCpuMs || rh?.editCpuMs) row('edit → diagnostics: server CPU time', ours?.editCpuMs, rh?.editCpuMs);
    if (ours?.editLayoutMs) row(`edit → diagnostics + layout (${layoutSize(ours)})`, ours.editLayoutMs, undefined, true);
    row('hover', ours?.hoverMs, rh?.hoverMs);
    row('completion', ours?.completionMs, rh?.completionMs);
    lines.push(`| peak RSS | ${mib(ours?.peakRssBytes)} | ${mib(rh?.peakRssBytes)} | ${ratio(ours?.peakRssBytes, rh?.peakRssBytes)} | |`);
    lines.push(`| floor: \`parseDocument\` | ${cell(s.floorParseDocumentMs)} | | | |`);
    lines.push(`| our core in-process: parse, analyze | ${fmt(s.core.parseMs.median)} ms, ${fmt(s.core.analyzeMs.median)} ms | | | |`);
    lines.push(`| our core after an edit: parse, analyze | ${fmt(s.core.editParseMs.median)} ms, ${fmt(s.core.editAnalyzeMs.median)} ms | | | |`);
    for (const x of s.servers) if (x.error) lines.push(`\n> ${x.server} failed: ${x.error.replace(/\n/g, ' ')}`);
    lines.push('');
  }
  if (out.estate) lines.push(workspaceMarkdown(out.estate));
  if (out.hostile.length) {
    lines.push('#### Hostile inputs: open → first diagnostics');
    lines.push('');
    lines.push('| Input | Ours | Red Hat |');
    lines.push('|---|---|---|');
    for (const name of [...new Set(out.hostile.map((h) => h.case))]) {
      const c = (server: string) => {
        const r = out.hostile.find((h) => h.case === name && h.server === server);
        if (!r) return 'n/a';
        if (r.skipped) return r.skipped;
        if (r.error) return `failed: ${r.error.slice(0, 120)}`;
        return `${fmt(r.ms!)} ms: “${r.message!.slice(0, 90)}”`;
      };
      lines.push(`| ${name} | ${c('ours')} | ${c('redhat')} |`);
    }
    lines.push('');
  }
  if (out.pathological) lines.push(pathologicalMarkdown(out.pathological));
  if (out.cli) lines.push(cliCheckMarkdown(out.cli));
  lines.push('#### Placement and webview');
  lines.push('');
  if (out.placement.skipped) lines.push(out.placement.skipped);
  else if (typeof out.placement.output === 'string') lines.push(out.placement.output);
  else if (out.placement.output && typeof out.placement.output === 'object' && 'markdown' in out.placement.output) lines.push(String((out.placement.output as { markdown: unknown }).markdown));
  else lines.push(`\`\`\`json\n${JSON.stringify(out.placement.output, null, 2)}\n\`\`\``);
  lines.push('');
  return `${lines.join('\n')}\n`;
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
