// Runs the built command line (dist/cli.js) as a child process, as CI would.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Report } from '../../server/src/cli/report';

/** The repository root (tests run from out/test/cli). */
export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const CLI = path.join(ROOT, 'dist', 'cli.js');
export const FIXTURES = path.join(ROOT, 'test', 'cli', 'fixtures');
export const EXAMPLES = path.join(ROOT, 'examples');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** An environment without the variables that change colours or CI behaviour. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of ['NO_COLOR', 'FORCE_COLOR', 'TERM']) delete env[k];
  return { ...env, ...extra };
}

export function cli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: opts.env ?? cleanEnv(),
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function json(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): { run: Run; report: Report } {
  const run = cli([...args, '--format', 'json'], opts);
  let report: Report;
  try {
    report = JSON.parse(run.stdout) as Report;
  } catch (e) {
    throw new Error(`stdout is not JSON (exit ${run.code}): ${run.stdout.slice(0, 500)}\nstderr: ${run.stderr}`);
  }
  return { run, report };
}

const created: string[] = [];
// Temporary folders go when the test file's process ends, passed or failed.
process.on('exit', () => {
  for (const d of created) fs.rmSync(d, { recursive: true, force: true });
});

/** A fresh folder with the given files (paths relative to it). */
export function tempTree(files: Record<string, string | Buffer>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wp-cli-'));
  created.push(dir);
  for (const [rel, content] of Object.entries(files)) {
    const p = path.join(dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
  }
  return dir;
}

export function fixture(name: string): string {
  return fs.readFileSync(path.join(FIXTURES, name), 'utf8');
}

/** The example folders shipped with the repository (each one fleet). */
export function exampleFolders(): string[] {
  if (!fs.existsSync(EXAMPLES)) return [];
  return fs
    .readdirSync(EXAMPLES, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => path.join(EXAMPLES, d.name))
    .sort();
}

export function rules(report: Report, file?: string): string[] {
  return report.diagnostics.filter((d) => !file || d.file.endsWith(file)).map((d) => d.rule);
}


export { corpusFiles } from '../corpus';
