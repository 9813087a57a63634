// The "command line at estate scale" rows of `npm run bench` (issue #13): `check` over the
// generated multi-file workspace (`generateWorkspace` in bench/generate.ts, the corpus of
// the language server's estate row: one file of hosts, 100 files of 1,000 workloads),
// each run a fresh process, with its wall time, CPU time, peak RSS and
// output size. Beside it, measured in the same run on the same machine, the baselines of
// the ratios: the floor (reading the same files and parsing them with `yaml`'s
// parseAllDocuments, in a fresh process), and `check` of 10,000 workloads in one file
// (the size the editor is tuned for: ×10 is linear). The floor runs once: the library
// takes about 25 s of CPU on this workspace.
//
// Runs on its own with `npm run bench -- --only cli [--runs N]` (a few minutes).

import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { generate, generateWorkspace } from './generate';

export interface ProcessRun {
  wallMs: number;
  cpuMs: number;
  maxRssBytes: number;
  stdoutBytes: number;
  code: number | null;
}

export interface CliCase {
  name: string;
  runs: ProcessRun[];
}

export interface CliCheckResult {
  workloads: number;
  files: number;
  chars: number;
  loadAverageAtStart: number;
  cases: CliCase[];
}

/** Writes the child's own CPU time and peak RSS to the file named by WP_BENCH_RUSAGE when it exits. */
const RUSAGE_HOOK = `process.on('exit', () => {
  const u = process.resourceUsage();
  require('node:fs').writeFileSync(process.env.WP_BENCH_RUSAGE, JSON.stringify({ cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, maxRssBytes: u.maxRSS * 1024 }));
});
`;

/** The floor: read every file and parse it with the `yaml` library, nothing else. */
const FLOOR = `const fs = require('node:fs');
const path = require('node:path');
const { parseAllDocuments } = require(process.env.WP_BENCH_YAML);
let n = 0;
const dir = process.argv[2];
for (const f of fs.readdirSync(dir).sort()) n += parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).length;
if (!n) process.exit(3);
`;

/** `codes`: the exit codes that mean the run went through (`check` exits 1 on findings). */
function runProcess(args: string[], cwd: string, tmp: string, env: NodeJS.ProcessEnv = {}, codes: readonly number[] = [0, 1]): ProcessRun {
  const rusage = join(tmp, 'rusage.json');
  const out = join(tmp, 'stdout.txt');
  rmSync(rusage, { force: true });
  const t = performance.now();
  // stdout goes to a file, as `> report.json` would: its size is the report's.
  const r = spawnSync('sh', ['-c', `exec "$0" "$@" > "${out}"`, process.execPath, '--require', join(tmp, 'rusage.cjs'), ...args], {
    cwd,
    env: { ...process.env, ...env, WP_BENCH_RUSAGE: rusage, NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    timeout: 600_000,
  });
  const wallMs = performance.now() - t;
  if (r.error) throw r.error;
  if (r.status === null || !codes.includes(r.status)) throw new Error(`${args.join(' ')} exited with ${r.status}: ${r.stderr.slice(-400)}`);
  const u = JSON.parse(readFileSync(rusage, 'utf8')) as { cpuMs: number; maxRssBytes: number };
  return { wallMs, cpuMs: u.cpuMs, maxRssBytes: u.maxRssBytes, stdoutBytes: statSync(out).size, code: r.status };
}

export function runCliCheck(root: string, tmp: string, runs: number, log: (line: string) => void = () => {}): CliCheckResult {
  const dir = join(tmp, 'estate-cli');
  const ws = generateWorkspace({ files: 100, perFile: 1000, seed: 42 });
  mkdirSync(dir, { recursive: true });
  let chars = 0;
  for (const [name, text] of ws.files) {
    writeFileSync(join(dir, name), text);
    chars += text.length;
  }
  const single = join(tmp, 'single');
  mkdirSync(single, { recursive: true });
  writeFileSync(join(single, 'fleet.workload.yaml'), generate({ workloads: 10_000, seed: 42 }).text);
  writeFileSync(join(tmp, 'rusage.cjs'), RUSAGE_HOOK);
  writeFileSync(join(tmp, 'floor.cjs'), FLOOR);
  const cli = join(root, 'dist', 'cli.js');
  const result: CliCheckResult = { workloads: ws.workloads, files: ws.files.size, chars, loadAverageAtStart: loadavg()[0], cases: [] };
  const cases: { name: string; args: string[]; cwd: string; env?: NodeJS.ProcessEnv; runs: number; codes?: number[] }[] = [
    { name: 'floor: read + `yaml` parseAllDocuments, 100,000 workloads', args: [join(tmp, 'floor.cjs'), dir], cwd: tmp, env: { WP_BENCH_YAML: join(root, 'node_modules', 'yaml') }, runs: 1, codes: [0] },
    { name: '`check --quiet`, 10,000 workloads in one file', args: [cli, 'check', single, '--quiet'], cwd: tmp, runs },
    { name: '`check --quiet`, 100,000 workloads in 101 files', args: [cli, 'check', dir, '--quiet'], cwd: tmp, runs },
    { name: '`check --format json`, 100,000 workloads', args: [cli, 'check', dir, '--format', 'json'], cwd: tmp, runs },
    { name: '`check --format json --explain`, 100,000 workloads', args: [cli, 'check', dir, '--format', 'json', '--explain'], cwd: tmp, runs: 1 },
  ];
  for (const c of cases) {
    const out: CliCase = { name: c.name, runs: [] };
    for (let i = 0; i < c.runs; i++) out.runs.push(runProcess(c.args, c.cwd, tmp, c.env, c.codes));
    result.cases.push(out);
    log(`  ${c.name}: ${caseLine(out)}`);
  }
  rmSync(dir, { recursive: true, force: true });
  return result;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const mib = (b: number) => `${Math.round(b / 2 ** 20).toLocaleString('en-US')} MiB`;
const mb = (b: number) => (b >= 1e6 ? `${(b / 1e6).toFixed(1)} MB` : `${(b / 1e3).toFixed(1)} KB`);

function caseLine(c: CliCase): string {
  const w = c.runs.map((r) => r.wallMs);
  return `${seconds(median(w))} (${seconds(Math.min(...w))}–${seconds(Math.max(...w))}), CPU ${seconds(median(c.runs.map((r) => r.cpuMs)))}, peak RSS ${mib(median(c.runs.map((r) => r.maxRssBytes)))}, stdout ${mb(median(c.runs.map((r) => r.stdoutBytes)))}`;
}

export function cliCheckMarkdown(r: CliCheckResult): string {
  const lines: string[] = [];
  lines.push(`#### The command line at estate scale: ${r.workloads.toLocaleString('en-US')} workloads in ${r.files} files (${(r.chars / 1e6).toFixed(1)} MB)`);
  lines.push('');
  lines.push(`Each run a fresh process (start-up included), stdout to a file; medians of ${Math.max(...r.cases.map((c) => c.runs.length))} runs, load average ${r.loadAverageAtStart.toFixed(1)} at the start. CPU time counts V8's helper threads too. The ratios are against the floor (the same files read and parsed by \`yaml\`, nothing else) and against \`check\` of 10,000 workloads in one file (×10 would be linear). Goal (#13): \`check\` ≤ 5 s and ≤ 1 GiB, JSON under 50 MB.`);
  lines.push('');
  lines.push('| | wall | CPU | peak RSS | stdout | wall / floor | wall / 10k |');
  lines.push('|---|---|---|---|---|---|---|');
  const floor = median(r.cases[0].runs.map((x) => x.wallMs));
  const tenK = median(r.cases[1].runs.map((x) => x.wallMs));
  const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}×`;
  for (const c of r.cases) {
    const w = median(c.runs.map((x) => x.wallMs));
    lines.push(`| ${c.name} | ${seconds(w)} | ${seconds(median(c.runs.map((x) => x.cpuMs)))} | ${mib(median(c.runs.map((x) => x.maxRssBytes)))} | ${mb(median(c.runs.map((x) => x.stdoutBytes)))} | ${ratio(w, floor)} | ${ratio(w, tenK)} |`);
  }
  lines.push('');
  return `${lines.join('\n')}\n`;
}
