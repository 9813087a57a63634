// The fleet: every host and workload across the workspace's descriptor files.

import { forEachRun, pushRun } from '../../../shared/refs';
import { ociOs } from './placement/model';
import type { HostDecl, ParsedFile, WorkloadDecl } from './types';

export interface FleetSummary {
  /** False when no file declares a host: fleet-based checks then stay quiet. */
  declaresHosts: boolean;
  /** OS families of container hosts. */
  containerHostOses: Set<string>;
  hypervisors: number;
  /** Hypervisors whose guests offer a container runtime (`runtime:` set). */
  hypervisorsWithRuntime: number;
  /** Changes whenever anything above changes; recommendations are cached under it. */
  key: string;
}

export interface Fleet {
  files: ParsedFile[];
  hosts: HostDecl[];
  workloads: WorkloadDecl[];
  hostsByName: Map<string, HostDecl[]>;
  workloadsByName: Map<string, WorkloadDecl[]>;
  summary: FleetSummary;
  /** The host names, their lower-case forms and the guesses made so far per unknown name: made at the first unknown pin (checks.ts). */
  hostNameLists?: { names: string[]; lowered: string[]; guesses: Map<string, string | undefined> };
  /**
   * How the declarations taken over from the previous fleet moved: runs over this
   * fleet's lists, as in `DeclMoves`. Absent when not known for every file.
   */
  moves?: { hosts: number[]; workloads: number[] };
  /** With a previous fleet: `commonEnds(previous.workloads, workloads)`, counted file by file where the files are the same parses. */
  ends?: { head: number; tail: number };
  /**
   * The names with more than one declaration, kept with the name indices (patched with
   * them), so that the duplicate check reads these rather than every name. Absent on
   * fleets made elsewhere (tests): the check then reads the indices.
   */
  duplicates?: { hosts: Set<string>; workloads: Set<string> };
}

/** Past this many changed workloads, the name index is rebuilt rather than patched. */
const PATCH_LIMIT = 256;

/**
 * Builds the fleet. With `previous` (the fleet of the session's latest analysis, which
 * this build consumes: see `AnalysisSession`), the workload name index is patched where
 * the workload list changed instead of rebuilt, and becomes this fleet's.
 */
export function buildFleet(files: readonly ParsedFile[], previous?: Fleet): Fleet {
  // The hosts as before when every file that declares or declared hosts is the same parse:
  // their list, index and summary are taken over (a workload file's edit reads no host).
  const sameHosts = previous !== undefined && hostsUnchanged(previous.files, files);
  let hosts: HostDecl[];
  let hostsByName: Map<string, HostDecl[]>;
  let hostDuplicates: Set<string>;
  if (sameHosts && previous.duplicates) {
    hosts = previous.hosts;
    hostsByName = previous.hostsByName;
    hostDuplicates = previous.duplicates.hosts;
  } else {
    hosts = [];
    for (const f of files) for (const h of f.hosts) hosts.push(h);
    hostsByName = new Map<string, HostDecl[]>();
    for (const h of hosts) if (h.name !== undefined) push(hostsByName, h.name, h);
    hostDuplicates = duplicatesOf(hostsByName);
  }
  const workloads = workloadList(files, previous);
  const ends = previous && workloadEnds(previous, files, workloads);
  const patched = previous && previous.duplicates ? patchNames(previous, workloads, files, ends!, previous.duplicates.workloads) : undefined;
  const workloadsByName = patched ?? indexByName(workloads);
  const workloadDuplicates = patched ? previous!.duplicates!.workloads : duplicatesOf(workloadsByName);
  let summary = sameHosts && previous.duplicates ? previous.summary : summarize(hosts);
  // The same key object as before keeps later comparisons of it to a pointer check.
  if (previous && previous.summary.key === summary.key) summary = previous.summary;
  const fleet: Fleet = { files: [...files], hosts, workloads, hostsByName, workloadsByName, summary };
  fleet.duplicates = { hosts: hostDuplicates, workloads: workloadDuplicates };
  // The guesses for unknown pins rest on the host names alone.
  if (hosts === previous?.hosts && previous.hostNameLists) fleet.hostNameLists = previous.hostNameLists;
  if (ends) fleet.ends = ends;
  const moves = previous && fleetMoves(files, previous.files);
  if (moves) fleet.moves = moves;
  return fleet;
}

/**
 * The files' workloads in one list. When every file has as many workloads as in the
 * previous fleet (a value edited), that list is copied in one go and only the changed
 * files' are written over it: at 100,000 workloads, faster than entry by entry.
 */
function workloadList(files: readonly ParsedFile[], previous: Fleet | undefined): WorkloadDecl[] {
  const was = previous?.files;
  let same = was !== undefined && was.length === files.length;
  for (let k = 0; same && k < files.length; k++) same = files[k].workloads.length === was![k].workloads.length;
  if (same) {
    const workloads = previous!.workloads.slice();
    let at = 0;
    for (let k = 0; k < files.length; k++) {
      const ws = files[k].workloads;
      if (files[k] !== was![k]) for (let i = 0; i < ws.length; i++) workloads[at + i] = ws[i];
      at += ws.length;
    }
    return workloads;
  }
  let count = 0;
  for (const f of files) count += f.workloads.length;
  // Sized once: grown a push at a time, 100,000 workloads cost milliseconds per analysis.
  const workloads = new Array<WorkloadDecl>(count);
  let at = 0;
  for (const f of files) {
    const ws = f.workloads;
    for (let i = 0; i < ws.length; i++) workloads[at++] = ws[i];
  }
  return workloads;
}

/** Every file that declares hosts now or did before is the same parse, and the files holding hosts are in the same order. */
function hostsUnchanged(old: readonly ParsedFile[], now: readonly ParsedFile[]): boolean {
  // Walk the host-declaring files of both lists in step: the same parses, in the same order.
  let j = 0;
  for (const f of now) {
    if (!f.hosts.length) continue;
    while (j < old.length && !old[j].hosts.length) j++;
    if (j >= old.length || old[j] !== f) return false;
    j++;
  }
  while (j < old.length && !old[j].hosts.length) j++;
  return j === old.length;
}

/** The names of an index with more than one declaration. */
function duplicatesOf<D>(byName: Map<string, D[]>): Set<string> {
  const out = new Set<string>();
  // forEach: for-of over a map makes a [name, decls] pair per entry (100,000 at estate scale).
  byName.forEach((decls, name) => {
    if (decls.length > 1) out.add(name);
  });
  return out;
}

/** Appends runs of moves (first index, count, delta) with their indices offset by `base`. */
function appendRuns(to: number[], runs: readonly number[], base: number): void {
  forEachRun(runs, (first, count, delta) => pushRun(to, first + base, count, delta));
}

/** The moves of every file since the previous fleet's parse of it, as runs over the fleet's lists. */
function fleetMoves(files: readonly ParsedFile[], old: readonly ParsedFile[]): Fleet['moves'] {
  if (files.length !== old.length) return undefined;
  const moves = { hosts: [] as number[], workloads: [] as number[] };
  let hosts = 0;
  let workloads = 0;
  for (let k = 0; k < files.length; k++) {
    const f = files[k];
    // The same parse: nothing in it moved.
    if (f !== old[k]) {
      if (f.file !== old[k].file || !f.moves || f.moves.since !== old[k].parseId) return undefined;
      appendRuns(moves.hosts, f.moves.hosts, hosts);
      appendRuns(moves.workloads, f.moves.workloads, workloads);
    }
    hosts += f.hosts.length;
    workloads += f.workloads.length;
  }
  return moves;
}

/** How many items two lists share, as the same objects, at their start and at their end. */
export function commonEnds<T>(old: readonly T[], now: readonly T[]): { head: number; tail: number } {
  const n = Math.min(old.length, now.length);
  let head = 0;
  while (head < n && old[head] === now[head]) head++;
  let tail = 0;
  while (tail < n - head && old[old.length - 1 - tail] === now[now.length - 1 - tail]) tail++;
  return { head, tail };
}

/**
 * `commonEnds(previous.workloads, workloads)`, skipping whole files that are the same parse
 * at either end (their workloads are the same objects): a pointer check per file, not per
 * workload, for most of the list.
 */
function workloadEnds(previous: Fleet, files: readonly ParsedFile[], workloads: readonly WorkloadDecl[]): { head: number; tail: number } {
  const old = previous.workloads;
  const was = previous.files;
  const n = Math.min(old.length, workloads.length);
  let head = 0;
  for (let k = 0; k < was.length && k < files.length && was[k] === files[k] && head + files[k].workloads.length <= n; k++) head += files[k].workloads.length;
  while (head < n && old[head] === workloads[head]) head++;
  let tail = 0;
  for (let k = 1; k <= was.length && k <= files.length && was[was.length - k] === files[files.length - k]; k++) {
    const count = files[files.length - k].workloads.length;
    if (tail + count > n - head) break;
    tail += count;
  }
  while (tail < n - head && old[old.length - 1 - tail] === workloads[workloads.length - 1 - tail]) tail++;
  return { head, tail };
}

function indexByName(workloads: readonly WorkloadDecl[]): Map<string, WorkloadDecl[]> {
  const m = new Map<string, WorkloadDecl[]>();
  for (const w of workloads) if (w.name !== undefined) push(m, w.name, w);
  return m;
}

/**
 * The previous name index, patched where the workload list differs (the declarations
 * of unchanged workloads are the same objects from parse to parse); undefined when too
 * much changed or the index does not hold what it should. All or nothing: everything is
 * checked before anything is changed, so an index given up on is left as it was.
 */
function patchNames(previous: Fleet, workloads: readonly WorkloadDecl[], files: readonly ParsedFile[], { head, tail }: { head: number; tail: number }, duplicates: Set<string>): Map<string, WorkloadDecl[]> | undefined {
  const old = previous.workloads;
  const removed = old.length - tail - head;
  const added = workloads.length - tail - head;
  if (removed > PATCH_LIMIT || added > PATCH_LIMIT) return undefined;
  const m = previous.workloadsByName;
  // Every removed declaration must be in its bucket (at most 256 lookups).
  for (let i = head; i < old.length - tail; i++) {
    const w = old[i];
    if (w.name !== undefined && !m.get(w.name)?.includes(w)) return undefined;
  }
  const touched = new Set<string>();
  for (let i = head; i < old.length - tail; i++) {
    const w = old[i];
    if (w.name === undefined) continue;
    const bucket = m.get(w.name)!;
    if (bucket.length === 1) m.delete(w.name);
    else {
      bucket.splice(bucket.indexOf(w), 1);
      touched.add(w.name);
    }
  }
  for (let i = head; i < workloads.length - tail; i++) {
    const w = workloads[i];
    if (w.name === undefined) continue;
    const bucket = m.get(w.name);
    if (bucket) {
      bucket.push(w);
      touched.add(w.name);
    } else m.set(w.name, [w]);
  }
  // Same-name declarations stay in declaration order, as a fresh index has them.
  if (touched.size) {
    const rank = new Map(files.map((f, i) => [f.file, i]));
    for (const name of touched) m.get(name)?.sort((a, b) => rank.get(a.file)! - rank.get(b.file)! || a.span.start - b.span.start);
  }
  // Only the names removed or added can have changed between one and several declarations.
  for (const list of [old, workloads]) {
    for (let i = head; i < list.length - tail; i++) {
      const name = list[i].name;
      if (name === undefined) continue;
      if ((m.get(name)?.length ?? 0) > 1) duplicates.add(name);
      else duplicates.delete(name);
    }
  }
  return m;
}

export function summarize(hosts: readonly HostDecl[]): FleetSummary {
  const containerHostOses = new Set<string>();
  let hypervisors = 0;
  let hypervisorsWithRuntime = 0;
  for (const h of hosts) {
    // A container host whose OS no OCI runtime runs offers no containers (container-host-os).
    if (h.role === 'container-host' && ociOs(h.os ?? 'linux')) containerHostOses.add(h.os ?? 'linux');
    else if (h.role === 'hypervisor') {
      hypervisors++;
      if (h.runtime) hypervisorsWithRuntime++;
    }
  }
  const declaresHosts = hosts.length > 0;
  const key = `${declaresHosts ? 1 : 0}|${[...containerHostOses].sort().join(',')}|${hypervisors > 0 ? 1 : 0}|${hypervisorsWithRuntime > 0 ? 1 : 0}`;
  return { declaresHosts, containerHostOses, hypervisors, hypervisorsWithRuntime, key };
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const a = m.get(k);
  if (a) a.push(v);
  else m.set(k, [v]);
}
