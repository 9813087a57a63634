// Layout patches: what changed between two layouts, and how to apply it. The server
// diffs the layout it answered last against the new one (features/layout.ts); the
// client and the webview apply the patch to their copies. At 10,000 workloads a layout
// is ~4 MB of JSON while a typical edit changes a workload or two and moves the source
// offsets of everything after it: those live apart from the items (`hostRefs`,
// `workloadRefs`) and their changes are sent as runs ("these 5,000 moved by -1").
//
// Layouts are plain JSON data and are never mutated once built: the diff may keep the
// previous one and compare by identity first; `applyLayoutPatch` copies what it changes.

import { type Layout, type LayoutHost, type LayoutInstance, type LayoutPatch, type LayoutRef, type LayoutRefMoves, type LayoutVm, type LayoutWorkload, type Resources } from './protocol';
import { forEachRun, pushRun, refAt, refCount, refEnd, refFile, refStart, resizeRefs, setRef, shiftRef, wholeRuns } from './refs';

/** The layout patches the diff of two layouts. Null when they cannot be patched (another version). */
export function diffLayout(prev: Layout, next: Layout, since: number): LayoutPatch | null {
  if (prev.version !== next.version) return null;
  const patch: LayoutPatch = { since, hostCount: next.hosts.length, workloadCount: next.workloads.length, hosts: [], workloads: [] };
  diffItems(prev.hosts, next.hosts, patch.hosts, sameHost);
  diffItems(prev.workloads, next.workloads, patch.workloads, sameWorkload);
  const hostRefs = diffRefs(prev.hostRefs, next.hostRefs, prev.hosts.length, next.hosts.length);
  if (hostRefs) patch.hostRefs = hostRefs;
  const workloadRefs = diffRefs(prev.workloadRefs, next.workloadRefs, prev.workloads.length, next.workloads.length);
  if (workloadRefs) patch.workloadRefs = workloadRefs;
  if (!same(prev.files, next.files)) patch.files = next.files;
  if (!same(prev.unplaced, next.unplaced)) patch.unplaced = next.unplaced;
  if (!same(prev.quality, next.quality)) patch.quality = next.quality;
  if (!same(prev.vmOverhead, next.vmOverhead)) patch.vmOverhead = next.vmOverhead;
  return patch;
}

/** True when the patch carries nothing: the layouts are equal as JSON. */
export function emptyPatch(p: LayoutPatch): boolean {
  return !p.hosts.length && !p.workloads.length && !p.hostRefs && !p.workloadRefs && !p.files && !p.unplaced && !p.quality && !p.vmOverhead;
}

/**
 * Whether a patch is worth sending instead of the layout: not when most hosts or
 * workloads changed (an insertion near the top renumbers every workload after it), where
 * the whole layout is about as big and simpler to take.
 */
export function patchWorthSending(p: LayoutPatch): boolean {
  return p.hosts.length + p.workloads.length <= (p.hostCount + p.workloadCount) / 2;
}

export class LayoutPatchError extends Error {}

/**
 * The layout `patch` makes of `prev` (which stays as it is; unchanged hosts and
 * workloads are shared). Throws `LayoutPatchError` when the patch does not fit `prev`:
 * the caller then asks for the whole layout.
 */
export function applyLayoutPatch(prev: Layout, patch: LayoutPatch): Layout {
  const hosts = applyItems(prev.hosts, patch.hostCount, patch.hosts, 'host');
  const workloads = applyItems(prev.workloads, patch.workloadCount, patch.workloads, 'workload');
  return {
    version: prev.version,
    files: patch.files ?? prev.files,
    hosts,
    workloads,
    hostRefs: applyRefs(prev.hostRefs, prev.hosts.length, patch.hostCount, patch.hostRefs, 'host'),
    workloadRefs: applyRefs(prev.workloadRefs, prev.workloads.length, patch.workloadCount, patch.workloadRefs, 'workload'),
    unplaced: patch.unplaced ?? prev.unplaced,
    quality: patch.quality ?? prev.quality,
    vmOverhead: patch.vmOverhead ?? prev.vmOverhead,
  };
}

/** Collects the changed and added items into `out`. */
function diffItems<T>(prev: readonly T[], next: readonly T[], out: [number, T][], sameItem: (a: T, b: T) => boolean): void {
  const common = Math.min(prev.length, next.length);
  for (let i = 0; i < common; i++) {
    const a = prev[i];
    const b = next[i];
    if (a !== b && !sameItem(a, b)) out.push([i, b]);
  }
  for (let i = common; i < next.length; i++) out.push([i, next[i]]);
}

/** The ref changes from `prev` (of `prevCount` items) to `next` (of `nextCount`), if any. */
function diffRefs(prev: readonly number[], next: readonly number[], prevCount: number, nextCount: number): LayoutRefMoves | undefined {
  const shifts: number[] = [];
  const set: [number, LayoutRef | null][] = [];
  // The run being grown: where it starts, how long, by how much.
  let runStart = -1;
  let runLength = 0;
  let runDelta = 0;
  const endRun = () => {
    if (runLength) pushRun(shifts, runStart, runLength, runDelta);
    runLength = 0;
  };
  const common = Math.min(prevCount, nextCount);
  for (let i = 0; i < common; i++) {
    const fa = refFile(prev, i);
    const fb = refFile(next, i);
    const delta = refStart(next, i) - refStart(prev, i);
    if (fa === fb && delta === 0 && refEnd(prev, i) === refEnd(next, i)) {
      endRun();
    } else if (fa === fb && fa >= 0 && refEnd(next, i) - refEnd(prev, i) === delta) {
      if (runLength && runStart + runLength === i && runDelta === delta) runLength++;
      else {
        endRun();
        runStart = i;
        runLength = 1;
        runDelta = delta;
      }
    } else {
      endRun();
      set.push([i, refAt(next, i) ?? null]);
    }
  }
  endRun();
  for (let i = common; i < nextCount; i++) {
    const r = refAt(next, i);
    if (r) set.push([i, r]);
  }
  return shifts.length || set.length ? { shifts, set } : undefined;
}

function applyItems<T>(prev: readonly T[], count: number, changed: readonly [number, T][], what: string): T[] {
  if (!Number.isInteger(count) || count < 0) throw new LayoutPatchError(`bad ${what} count ${count}`);
  const items: (T | undefined)[] = prev.slice(0, count);
  items.length = count;
  for (const [i, v] of changed) {
    if (!Number.isInteger(i) || i < 0 || i >= count || !v || typeof v !== 'object') throw new LayoutPatchError(`${what} ${i} out of range`);
    items[i] = v;
  }
  for (let i = prev.length; i < count; i++) if (!items[i]) throw new LayoutPatchError(`new ${what} ${i} missing from the patch`);
  return items as T[];
}

/** The refs `moves` make of `prev` (of `prevCount` items) for `count` items; added items have none unless set. */
function applyRefs(prev: readonly number[], prevCount: number, count: number, moves: LayoutRefMoves | undefined, what: string): number[] {
  if (refCount(prev) !== prevCount) throw new LayoutPatchError(`the ${what} refs do not match the ${what}s`);
  const refs = resizeRefs(prev, count);
  if (!moves) return refs;
  const inRange = (i: number) => Number.isInteger(i) && i >= 0 && i < count;
  const s = moves.shifts;
  if (!Array.isArray(s) || !wholeRuns(s) || !Array.isArray(moves.set)) throw new LayoutPatchError(`bad ${what} ref moves`);
  forEachRun(s, (first, n, delta) => {
    if (!inRange(first) || !Number.isInteger(n) || n < 1 || !inRange(first + n - 1) || first + n > prevCount || !Number.isInteger(delta)) {
      throw new LayoutPatchError(`${what} ref shift ${first}+${n} out of range`);
    }
    for (let i = first; i < first + n; i++) if (!shiftRef(refs, i, delta)) throw new LayoutPatchError(`${what} ${i} has no ref to move`);
  });
  for (const [i, r] of moves.set) {
    if (!inRange(i)) throw new LayoutPatchError(`${what} ref ${i} out of range`);
    const ok = r === null || (Number.isInteger(r?.file) && r.file >= 0 && Number.isInteger(r.start) && Number.isInteger(r.end));
    if (!ok) throw new LayoutPatchError(`bad ${what} ref ${i}`);
    setRef(refs, i, r);
  }
  return refs;
}

// Hosts and workloads are compared field by field: at 10,000 workloads and 20,000
// replicas this is the whole cost of a diff, and typed code is several times faster than
// walking keys. The field lists below are checked against the protocol's types, so a
// field added there and not compared here fails to compile.

const HOST_FIELDS = ['name', 'role', 'hypervisor', 'runtime', 'os', 'site', 'cluster', 'zone', 'arch', 'gpus', 'capacity', 'overcommit', 'allocatable', 'used', 'vms', 'containers', 'overPinned', 'failed'] as const;
const VM_FIELDS = ['id', 'kind', 'os', 'instance', 'w', 'containers', 'cost', 'added'] as const;
const INSTANCE_FIELDS = ['w', 'replica', 'movedFrom'] as const;
const WORKLOAD_FIELDS = ['name', 'os', 'deploy', 'declared', 'verdict', 'confidence', 'replicas', 'cost', 'placed', 'pins'] as const;
const RESOURCE_FIELDS = ['cpu', 'memory', 'storage'] as const;
type Covers<T, K extends readonly string[]> = [Exclude<keyof T, K[number]>] extends [never] ? true : { missing: Exclude<keyof T, K[number]> };
const covered: [
  Covers<LayoutHost, typeof HOST_FIELDS>,
  Covers<LayoutVm, typeof VM_FIELDS>,
  Covers<LayoutInstance, typeof INSTANCE_FIELDS>,
  Covers<LayoutWorkload, typeof WORKLOAD_FIELDS>,
  Covers<Resources, typeof RESOURCE_FIELDS>,
  Covers<LayoutHost['capacity'], typeof RESOURCE_FIELDS>,
] = [true, true, true, true, true, true];
void covered;

function sameHost(a: LayoutHost, b: LayoutHost): boolean {
  return (
    a.name === b.name &&
    a.role === b.role &&
    a.hypervisor === b.hypervisor &&
    a.runtime === b.runtime &&
    a.os === b.os &&
    a.site === b.site &&
    a.cluster === b.cluster &&
    a.zone === b.zone &&
    a.arch === b.arch &&
    a.gpus === b.gpus &&
    a.overPinned === b.overPinned &&
    a.failed === b.failed &&
    sameResources(a.capacity, b.capacity) &&
    sameResources(a.overcommit, b.overcommit) &&
    sameResources(a.allocatable, b.allocatable) &&
    sameResources(a.used, b.used) &&
    sameInstances(a.containers, b.containers) &&
    sameList(a.vms, b.vms, sameVm)
  );
}

function sameVm(a: LayoutVm, b: LayoutVm): boolean {
  return (
    a.id === b.id &&
    a.kind === b.kind &&
    a.os === b.os &&
    a.w === b.w &&
    a.added === b.added &&
    (a.instance === b.instance || (!!a.instance && !!b.instance && sameInstance(a.instance, b.instance))) &&
    sameResources(a.cost, b.cost) &&
    sameInstances(a.containers, b.containers)
  );
}

function sameInstances(a: readonly LayoutInstance[], b: readonly LayoutInstance[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameInstance(a[i], b[i])) return false;
  return true;
}

function sameInstance(a: LayoutInstance, b: LayoutInstance): boolean {
  return a.w === b.w && a.replica === b.replica && a.movedFrom === b.movedFrom;
}

function sameWorkload(a: LayoutWorkload, b: LayoutWorkload): boolean {
  return (
    a.name === b.name &&
    a.os === b.os &&
    a.deploy === b.deploy &&
    a.declared === b.declared &&
    a.verdict === b.verdict &&
    a.confidence === b.confidence &&
    a.replicas === b.replicas &&
    a.placed === b.placed &&
    sameResources(a.cost, b.cost) &&
    (a.pins === b.pins || (!!a.pins && !!b.pins && sameList(a.pins, b.pins, (x, y) => x === y)))
  );
}

/** Any of the resource-shaped records (capacity, over-commit, use, cost). */
function sameResources(a: Partial<Resources>, b: Partial<Resources>): boolean {
  return a === b || (a.cpu === b.cpu && a.memory === b.memory && a.storage === b.storage);
}

function sameList<T>(a: readonly T[], b: readonly T[], eq: (x: T, y: T) => boolean): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!eq(a[i], b[i])) return false;
  return true;
}

/**
 * Structural equality of plain JSON data, as JSON sees it: a property set to undefined
 * is one that is absent. Shared objects (the engine reuses some) are equal at once.
 */
export function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    // JSON sends NaN as null, so two NaNs are the same value on the wire.
    return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b);
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!same(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let n = 0;
  for (const k in x) {
    const v = x[k];
    if (v === undefined) continue;
    n++;
    if (!same(v, y[k])) return false;
  }
  for (const k in y) if (y[k] !== undefined) n--;
  return n === 0;
}
