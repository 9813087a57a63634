// The workspace scanner the language server and the command line share, so that both
// build the fleet from the same files. The policy:
//
// - Descriptors are `*.workload.yaml` / `*.workload.yml`, the extension in any case
//   (`.WORKLOAD.YAML` too: VS Code's language association and case-insensitive file
//   systems treat them alike). The name checked is the entry's own, a link's included.
// - Folders named `node_modules` or `.git` are never entered (a link under another name
//   that leads into one is a link like any other).
// - Symbolic links (to files or folders) are followed when their target stays inside
//   the scanned root; links that leave it, dangle or loop are skipped. A file reached
//   twice (by its own path and through a link) is taken once, under its own path; a
//   folder reached twice is scanned once: real folders first, linked ones after.
// - Other YAML files (`*.yaml`, `*.yml`) are listed apart, as manifest candidates: a
//   candidate counts only when its text names a workload kind (core/manifests/k8s.ts
//   `looksLikeManifest`); the rest contribute nothing and get no diagnostics.
// - Only regular files: FIFOs, sockets and devices are skipped whatever their name.
// - `ignore` patterns are matched, case-sensitively, against the path as found (a link's
//   own path, not its target's); an ignored folder is not entered.
//
// The walk is a generator that yields after each folder: the CLI drains it at once, the
// server in slices so that requests get through while a big workspace is listed.

import * as fs from 'node:fs';
import * as path from 'node:path';

export const DESCRIPTOR_RE = /\.workload\.ya?ml$/i;
/** YAML that is not a descriptor: a Kubernetes manifest when its text says so. */
export const YAML_RE = /\.ya?ml$/i;

/** A YAML file that is not a descriptor (by its name): read as a manifest when it looks like one. */
export function isManifestCandidate(name: string): boolean {
  return YAML_RE.test(name) && !DESCRIPTOR_RE.test(name);
}
/** Folders never scanned: dependencies and VCS data. */
export const SKIP_DIRS: ReadonlySet<string> = new Set(['node_modules', '.git']);

export interface ScanResult {
  /** Absolute paths (as found under the root), sorted, one per real file. */
  files: string[];
  /** Other YAML files (manifest candidates), the same way. */
  manifests: string[];
  /** Descriptors skipped because an `ignore` pattern matched them (absolute). */
  ignored: string[];
  /** Folders that could not be read, as sentences. */
  problems: string[];
}

/** True for an absolute path that the configuration ignores. */
export type IgnoredPath = (abs: string) => boolean;

interface Found {
  abs: string;
  real: string;
  /** Reached without passing through a link. */
  direct: boolean;
  manifest: boolean;
}

/** Scans `root` at once (the command line). */
export function scanFolder(root: string, ignored: IgnoredPath): ScanResult {
  const steps = scanSteps(root, ignored);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * Scans `root` in slices of about `sliceMs`, giving the event loop a turn between them
 * (the server). Undefined when `cancelled` turns true meanwhile.
 */
export async function scanFolderAsync(root: string, ignored: IgnoredPath, cancelled: () => boolean, sliceMs = 5): Promise<ScanResult | undefined> {
  const steps = scanSteps(root, ignored);
  let start = performance.now();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (performance.now() - start > sliceMs) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (cancelled()) return undefined;
      start = performance.now();
    }
  }
}

export function* scanSteps(root: string, ignored: IgnoredPath): Generator<void, ScanResult> {
  const result: ScanResult = { files: [], manifests: [], ignored: [], problems: [] };
  let rootReal: string;
  try {
    rootReal = fs.realpathSync(root);
  } catch (e) {
    result.problems.push(`${root}: ${(e as Error).message}`);
    return result;
  }
  const inside = (real: string) => real === rootReal || real.startsWith(rootReal.endsWith(path.sep) ? rootReal : rootReal + path.sep);
  const visited = new Set<string>([rootReal]);
  const found: Found[] = [];
  // Real folders first; folders reached through links wait until those are done.
  const stack: { abs: string; real: string; direct: boolean }[] = [{ abs: root, real: rootReal, direct: true }];
  const linked: { abs: string; real: string }[] = [];
  for (;;) {
    let dir = stack.pop();
    if (!dir) {
      const next = linked.shift();
      if (!next) break;
      if (visited.has(next.real)) continue;
      visited.add(next.real);
      dir = { ...next, direct: false };
    }
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir.abs, { withFileTypes: true });
    } catch (e) {
      result.problems.push(`${dir.abs}: ${describe(e)}`);
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
    for (const ent of entries) {
      const abs = path.join(dir.abs, ent.name);
      let kind: 'dir' | 'file' | undefined;
      let real = path.join(dir.real, ent.name);
      let direct = dir.direct;
      if (ent.isDirectory()) kind = 'dir';
      else if (ent.isFile()) kind = 'file';
      else if (ent.isSymbolicLink()) {
        direct = false;
        try {
          real = fs.realpathSync(abs);
          const st = fs.statSync(real);
          kind = st.isDirectory() ? 'dir' : st.isFile() ? 'file' : undefined;
        } catch {
          kind = undefined; // Dangling, or a loop of links.
        }
        if (kind && !inside(real)) kind = undefined;
      }
      if (kind === 'dir') {
        if (SKIP_DIRS.has(ent.name) || ignored(abs)) continue;
        if (direct) {
          if (visited.has(real)) continue;
          visited.add(real);
          stack.push({ abs, real, direct });
        } else linked.push({ abs, real });
      } else if (kind === 'file' && YAML_RE.test(ent.name)) {
        const manifest = !DESCRIPTOR_RE.test(ent.name);
        if (ignored(abs)) {
          if (!manifest) result.ignored.push(abs);
        } else found.push({ abs, real, direct, manifest });
      }
    }
    yield;
  }
  // One path per real file: its own when scanned, else the first in sort order.
  const byReal = new Map<string, Found>();
  for (const f of found) {
    const had = byReal.get(f.real);
    if (!had || (f.direct && !had.direct) || (f.direct === had.direct && f.abs < had.abs)) byReal.set(f.real, f);
  }
  const kept = [...byReal.values()];
  result.files = kept.filter((f) => !f.manifest).map((f) => f.abs).sort(compare);
  result.manifests = kept.filter((f) => f.manifest).map((f) => f.abs).sort(compare);
  result.ignored.sort(compare);
  return result;
}

/**
 * Whether a file the editor reports (a watcher event) is one the scan would take: a
 * descriptor name, a regular file, not under node_modules or .git, with its real path
 * inside one of the roots it is below. 'linked' when a link leads to it (the scan then
 * decides under which path it counts), 'direct' otherwise.
 */
export function inScanScope(abs: string, roots: readonly string[]): 'direct' | 'linked' | false {
  if (!YAML_RE.test(path.basename(abs))) return false;
  let real: string;
  try {
    real = fs.realpathSync(abs);
    if (!fs.statSync(real).isFile()) return false;
  } catch {
    return false;
  }
  for (const root of roots) {
    const rel = path.relative(root, abs);
    if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) continue;
    if (rel.split(path.sep).slice(0, -1).some((part) => SKIP_DIRS.has(part))) continue;
    let rootReal: string;
    try {
      rootReal = fs.realpathSync(root);
    } catch {
      continue;
    }
    const relReal = path.relative(rootReal, real);
    if (relReal && !relReal.startsWith('..') && !path.isAbsolute(relReal)) return relReal === rel ? 'direct' : 'linked';
  }
  return false;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function describe(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'EACCES' || err?.code === 'EPERM') return 'permission denied.';
  if (err?.code === 'ENOENT') return 'no such file or folder.';
  return err?.message ? `${err.message}.` : String(e);
}
