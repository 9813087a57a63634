// A generated multi-file workspace, the estate of issue #13: one file of hosts and
// `files` files of `perFile` workloads each (by default 100 × 1,000 = 100,000 workloads,
// about 30 MB). Deterministic: the same options give the same bytes, so the bench, the
// tests and a developer's terminal measure the same corpus.
//
// Usage: node scripts/genWorkspace.mjs <dir> [--files 100] [--per-file 1000] [--seed 42]

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from './generate';

export interface WorkspaceOptions {
  /** Files of workloads (default 100). */
  files?: number;
  /** Workloads per file (default 1,000). */
  perFile?: number;
  seed?: number;
  /** Share of workloads with a deliberate mistake (the generator's default when unset). */
  mistakes?: number;
}

export interface WorkspaceFile {
  /** Relative to the workspace's folder. */
  name: string;
  text: string;
}

export interface Workspace {
  files: WorkspaceFile[];
  hosts: number;
  workloads: number;
  chars: number;
}

export function generateWorkspace(opts: WorkspaceOptions = {}): Workspace {
  const files = opts.files ?? 100;
  const perFile = opts.perFile ?? 1000;
  const seed = opts.seed ?? 42;
  const total = files * perFile;
  // As many hosts as one file of all the workloads would have, so capacity is as tight.
  const hosts = Math.max(8, Math.round(total / 14));
  const out: WorkspaceFile[] = [{ name: 'hosts.workload.yaml', text: generate({ workloads: 0, hosts, seed, only: 'hosts' }).text }];
  const width = String(files).length;
  for (let k = 0; k < files; k++) {
    // Every file draws the same hosts (same count), so its pins name hosts of the hosts file.
    const g = generate({ workloads: perFile, hosts, seed: seed + 1 + k, first: k * perFile + 1, only: 'workloads', mistakes: opts.mistakes });
    out.push({ name: `apps-${String(k + 1).padStart(width, '0')}.workload.yaml`, text: g.text });
  }
  return { files: out, hosts, workloads: total, chars: out.reduce((n, f) => n + f.text.length, 0) };
}

/** Writes the workspace into `dir` (created if missing); returns what was written. */
export function writeWorkspace(dir: string, opts: WorkspaceOptions = {}): Workspace {
  const ws = generateWorkspace(opts);
  mkdirSync(dir, { recursive: true });
  for (const f of ws.files) writeFileSync(join(dir, f.name), f.text);
  return ws;
}
