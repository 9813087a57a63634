// What the editor must show, from the project's own CLI run over the same workspace copy:
// the e2e suite checks that the installed extension agrees with it, not with numbers typed
// into the test.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoDir } from './codeServer';

export interface CliRange {
  start: { line: number; column: number };
  end: { line: number; column: number };
}
export interface CliDiagnostic {
  rule: string;
  severity: string;
  message: string;
  file: string;
  range: CliRange;
  fixes?: { title: string; safe: boolean; preferred?: boolean }[];
}
export interface CliWorkload {
  name: string;
  file: string;
  range: CliRange;
  verdict: string;
  declared?: string;
  factors: { field: string; favours: string; reason: string }[];
}
export interface CliReport {
  files: string[];
  diagnostics: CliDiagnostic[];
  workloads: CliWorkload[];
}

/** Runs `workload-placement check --format json` from the unpacked extension (or the repo). */
export function check(workspace: string, cliDir = repoDir): CliReport {
  const r = spawnSync(process.execPath, [join(cliDir, 'bin', 'workload-placement.js'), 'check', '.', '--format', 'json', '--explain'], {
    cwd: workspace,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0 && r.status !== 1) throw new Error(`the CLI failed (${r.status}):\n${r.stderr}`);
  return JSON.parse(r.stdout) as CliReport;
}

export const inFile = (report: CliReport, rel: string) => report.diagnostics.filter((d) => d.file.replace(/^\.\//, '') === rel);

export interface CliLayout {
  hosts: { name: string; vms: { instance?: { w: number }; containers: { w: number }[] }[]; containers: { w: number }[] }[];
  workloads: { name: string; replicas: number; placed: number }[];
  unplaced: { w: number; count: number }[];
}

/** Runs `workload-placement layout --format json`: the fleet's hosts and what runs on each. */
export function layout(workspace: string, cliDir = repoDir): CliLayout {
  const r = spawnSync(process.execPath, [join(cliDir, 'bin', 'workload-placement.js'), 'layout', '.', '--format', 'json'], {
    cwd: workspace,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`the CLI's layout failed (${r.status}):\n${r.stderr}`);
  return (JSON.parse(r.stdout) as { layout: CliLayout }).layout;
}

