// The layout as clients see it (hosts → VMs → containers), derived from the per-replica
// decisions alone: walking the workloads in placement order and their replicas in turn
// repeats the order in which instances were placed, so VM ids (numbered as VMs are made)
// and every list come out the same however the decisions were reached.

import type { HostDecl, WorkloadDecl } from '../types';
import type { Recommendation } from '../recommend';
import type { Layout, LayoutHost, LayoutInstance, LayoutUnplaced, LayoutVm, LayoutWorkload, Resources } from '../../../../shared/protocol';
import { PROTOCOL_VERSION } from '../../../../shared/protocol';
import { forEachRun, pushRef, refFile, setRef, shiftRef } from '../../../../shared/refs';
import { type BoundItem, lowerBound } from './bounds';
import type { Spec } from './model';
import { addContainerVm, Contents, existingVm, type HostContents } from './contents';
import { type Core, KIND } from './state';

/**
 * What the decisions put on each host, in placement order: per instance its workload,
 * replica number and, when it made a VM (a VM instance, or a container VM made for it),
 * that VM's number (VMs are numbered as they are made, across hosts; else 0). Host h's
 * instances are the triples [3 at[h], 3 at[h + 1]) of `data`. A host's layout entry is
 * a function of its triples and the specs of their workloads, so equal triples of
 * unchanged workloads mean an equal entry.
 */
export interface HostSeq {
  at: Int32Array;
  data: Int32Array;
}

/** The instances on each host after the first `steps` steps of the placement order. */
export function hostSeq(core: Core, steps = core.order.length): HostSeq {
  const H = core.model.hosts.length;
  const { order, start, host, made, kind } = core;
  const at = new Int32Array(H + 1);
  const end = start[steps];
  for (let i = 0; i < end; i++) if (host[i] >= 0) at[host[i] + 1]++;
  for (let h = 0; h < H; h++) at[h + 1] += at[h];
  const next = at.slice(0, H);
  const data = new Int32Array(3 * at[H]);
  let vms = 0;
  for (let k = 0; k < steps; k++) {
    const w = order[k];
    const d = kind[k];
    for (let i = start[k]; i < start[k + 1]; i++) {
      const h = host[i];
      if (h < 0) continue;
      const p = 3 * next[h]++;
      data[p] = w;
      data[p + 1] = i - start[k];
      data[p + 2] = d === KIND.vm || (d === KIND['container-in-vm'] && made[i]) ? ++vms : 0;
    }
  }
  return { at, data };
}

/**
 * What runs on each host, in the order it was placed. With `only`, just those hosts get
 * their contents; with `steps`, only the first steps of the placement order count.
 */
export function contentsOf(core: Core, only?: ReadonlySet<number>, steps = core.order.length, seq = hostSeq(core, steps)): (HostContents | undefined)[] {
  const H = core.model.hosts.length;
  const out: (HostContents | undefined)[] = new Array(H);
  if (only) for (const h of only) out[h] = contentsOfHost(core, seq, h);
  else for (let h = 0; h < H; h++) out[h] = contentsOfHost(core, seq, h);
  return out;
}

function contentsOfHost(core: Core, seq: HostSeq, h: number): HostContents {
  const on = new Contents();
  const { specs } = core;
  const { at, data } = seq;
  for (let p = 3 * at[h]; p < 3 * at[h + 1]; p += 3) {
    const w = data[p];
    const r = data[p + 1];
    const s = specs[w];
    if (s.deploy === 'vm') {
      on.vms.push({ id: `v${data[p + 2]}`, kind: 'workload', os: s.os, host: h, w, instance: { w, replica: r }, containers: [] });
    } else if (s.deploy === 'container-in-vm') {
      // The packer makes a container VM exactly when the replica has none to join.
      let vm = existingVm(on, s, w);
      if (!vm) on.vms.push((vm = addContainerVm(on, s, w, h, `v${data[p + 2]}`)));
      vm.containers.push({ w, replica: r });
    } else on.containers.push({ w, replica: r });
  }
  return on;
}

export interface LayoutInput {
  core: Core;
  hostDecls: readonly HostDecl[];
  decls: readonly WorkloadDecl[];
  recs: readonly (Recommendation | undefined)[];
  /** What runs on each host, when already known (else found here, for the hosts that changed). */
  contents?: HostContents[];
  unplaced: readonly LayoutUnplaced[];
  overPinned: ReadonlySet<number>;
  /** The previous placement's layout and what it was built from: unchanged parts are reused. */
  prev?: BuiltLayout;
  /** How the declarations moved since `prev`'s (the fleet's `moves`), when known. */
  moves?: { hosts: readonly number[]; workloads: readonly number[] };
}

/** A layout with what it was built from (for the next one to reuse its unchanged parts). */
export interface BuiltLayout {
  layout: Layout;
  core: Core;
  hostDecls: readonly HostDecl[];
  decls: readonly WorkloadDecl[];
  recs: readonly (Recommendation | undefined)[];
  /** What the decisions put on each host (compared by the next build to find unchanged hosts). */
  seq: HostSeq;
  /** Replicas placed per workload, and the totals (adjusted by the next build). */
  here: Int32Array;
  totals: Totals;
}

/**
 * The previous layout, when its hosts and workloads line up index for index with this
 * one (no workload or host added, removed or changed in a way the host model sees).
 */
function alignedPrev(x: LayoutInput): BuiltLayout | undefined {
  const p = x.prev;
  if (!p || p.core.model !== x.core.model || p.decls.length !== x.decls.length || p.hostDecls.length !== x.hostDecls.length) return undefined;
  return p;
}


export function buildLayout(x: LayoutInput): BuiltLayout {
  const { core, hostDecls, decls } = x;
  const { model, specs } = core;
  const prev = alignedPrev(x);
  const same = prev ? unchangedWorkloads(prev, x) : new Uint8Array(specs.length);
  // One cost object per workload, shared by its instances (the previous layout's when unchanged).
  const costs: Resources[] = specs.map((s, i) => (same[i] ? prev!.layout.workloads[i].cost : { cpu: s.cpu / 1000, memory: s.mem, storage: s.sto }));
  const seq = hostSeq(core);
  // Hosts whose previous entry still holds; contents (unless a failure simulation found
  // them already) only for the others.
  const reuse = prev && reusableHosts(prev, x, seq, same);
  const contents = x.contents ?? (contentsOf(core, reuse?.others, core.order.length, seq) as HostContents[]);
  let used = 0;
  const layoutHosts: LayoutHost[] = model.hosts.map((h) => {
    const lh = reuse?.reuse[h.idx] ? prev!.layout.hosts[h.idx] : layoutHost(core, h.idx, hostDecls[h.idx], contents[h.idx], costs, x.overPinned.has(h.idx));
    if (lh.vms.length || lh.containers.length) used++;
    return lh;
  });

  const here = placedPerWorkload(core);
  // A workload whose entry holds as before: it reads the same and has as many replicas placed.
  const kept = new Uint8Array(decls.length);
  if (prev) for (let i = 0; i < decls.length; i++) kept[i] = same[i] && prev.here[i] === here[i] ? 1 : 0;
  const totals = totalsOf(core, here, prev, kept);
  const layoutWorkloads: LayoutWorkload[] = decls.map((decl, i) => (kept[i] ? prev!.layout.workloads[i] : layoutWorkload(decl, i, specs[i], x.recs[i], costs[i], here[i])));

  // Where hosts and workloads are declared: the previous refs moved as the parse says,
  // when it can say (reading 10,000 declarations scattered over the heap costs
  // milliseconds); else read from each declaration.
  const moved = prev && x.moves ? movedRefs(prev, hostDecls, decls, x.moves) : undefined;
  const files = new FileIndex();
  const { hostRefs, workloadRefs } = moved ?? { hostRefs: readRefs(hostDecls, files), workloadRefs: readRefs(decls, files) };

  const layout: Layout = {
    version: PROTOCOL_VERSION,
    files: moved ? prev!.layout.files : files.list,
    hosts: layoutHosts,
    workloads: layoutWorkloads,
    hostRefs,
    workloadRefs,
    unplaced: x.unplaced.map((u) => ({ w: u.w, count: u.count, replicas: u.replicas, kind: u.kind, reason: u.reason })),
    quality: {
      hostsTotal: model.hosts.length,
      hostsUsed: used,
      lowerBound: lowerBound(
        model.hosts.map((h) => ({ role: h.role, os: h.os, cpu: h.allocCpu, mem: h.allocMem, runtime: h.runtime })),
        [...totals.demand.values()],
      ),
      instances: totals.instances,
      placed: totals.placed,
    },
    vmOverhead: { cpu: model.vmOv.cpu / 1000, memory: model.vmOv.mem },
  };
  return { layout, core, hostDecls, decls, recs: x.recs, seq, here, totals };
}

/**
 * Per workload, 1 when it reads as in `prev`: its declaration, spec and recommendation
 * are the same objects (declarations are immutable apart from their spans; specs are immutable).
 */
function unchangedWorkloads(prev: BuiltLayout, x: LayoutInput): Uint8Array {
  const { specs } = x.core;
  const same = new Uint8Array(specs.length);
  const [ps, pd, pr, decls, recs] = [prev.core.specs, prev.decls, prev.recs, x.decls, x.recs];
  for (let i = 0; i < specs.length; i++) same[i] = ps[i] === specs[i] && pd[i] === decls[i] && pr[i] === recs[i] ? 1 : 0;
  return same;
}

/** Hosts whose previous entry still holds (the same declaration and the same instances of unchanged workloads), and the others. */
function reusableHosts(prev: BuiltLayout, x: LayoutInput, seq: HostSeq, same: Uint8Array): { reuse: Uint8Array; others: Set<number> } {
  const H = x.core.model.hosts.length;
  const reuse = new Uint8Array(H);
  const others = new Set<number>();
  const { at: pa, data: pd } = prev.seq;
  const { at, data } = seq;
  for (let h = 0; h < H; h++) {
    let ok = prev.hostDecls[h] === x.hostDecls[h] && !!prev.layout.hosts[h].overPinned === x.overPinned.has(h) && at[h + 1] - at[h] === pa[h + 1] - pa[h];
    for (let p = 3 * at[h], q = 3 * pa[h], e = 3 * at[h + 1]; ok && p < e; p += 3, q += 3) {
      ok = data[p] === pd[q] && data[p + 1] === pd[q + 1] && data[p + 2] === pd[q + 2] && same[data[p]] === 1;
    }
    if (ok) reuse[h] = 1;
    else others.add(h);
  }
  return { reuse, others };
}

const toRes = (c: number, m: number, s: number): Resources => ({ cpu: c / 1000, memory: m, storage: s });

/** Host h's entry: what runs there (`on`) and what that uses. */
function layoutHost(core: Core, idx: number, decl: HostDecl, on: HostContents, costs: readonly Resources[], overPinned: boolean): LayoutHost {
  const { specs, model } = core;
  const { vmOv } = model;
  const h = model.hosts[idx];
  let uc = 0;
  let um = 0;
  let us = 0;
  const vms: LayoutVm[] = on.vms.map((v) => {
    if (v.kind === 'workload') {
      const s = specs[v.w];
      uc += s.cpu;
      um += s.mem;
      us += s.sto;
      return { id: v.id, kind: 'workload', os: v.os, instance: v.instance, containers: [], cost: costs[v.w] };
    }
    let c = vmOv.cpu;
    let m = vmOv.mem;
    let st = 0;
    for (const i of v.containers) {
      const s = specs[i.w];
      c += s.cpu;
      m += s.mem;
      st += s.sto;
    }
    uc += c;
    um += m;
    us += st;
    const vm: LayoutVm = { id: v.id, kind: v.kind, os: v.os, containers: v.containers, cost: toRes(c, m, st) };
    if (v.kind === 'dedicated') vm.w = v.w;
    return vm;
  });
  for (const i of on.containers) {
    const s = specs[i.w];
    uc += s.cpu;
    um += s.mem;
    us += s.sto;
  }
  const lh: LayoutHost = {
    name: h.name,
    role: h.role,
    capacity: { cpu: decl.cpu ?? 0, memory: decl.memory ?? 0 },
    overcommit: { cpu: h.ocCpu, memory: h.ocMem },
    allocatable: { cpu: h.allocCpu / 1000, memory: h.allocMem },
    used: toRes(uc, um, us),
    vms,
    containers: on.containers,
  };
  if (decl.storage !== undefined) lh.capacity.storage = decl.storage;
  if (decl.hypervisor) lh.hypervisor = decl.hypervisor;
  if (decl.runtime) lh.runtime = decl.runtime;
  if (decl.os) lh.os = decl.os;
  else if (h.role === 'container-host') lh.os = 'linux';
  if (decl.site) lh.site = decl.site;
  if (decl.cluster) lh.cluster = decl.cluster;
  if (decl.zone) lh.zone = decl.zone;
  if (h.arch !== 'x86_64') lh.arch = h.arch;
  if (h.gpus) lh.gpus = h.gpus;
  if (overPinned) lh.overPinned = true;
  return lh;
}

/** Replicas placed per workload, from the decisions alone. */
function placedPerWorkload(core: Core): Int32Array {
  const n = core.specs.length;
  const here = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = core.stepOf[i];
    here[i] = k < 0 ? 0 : core.start[k + 1] - core.start[k] - core.failed[k];
  }
  return here;
}

/**
 * Instances asked for and placed, and the demand placed: the previous totals adjusted by
 * the workloads that changed (whole numbers sum exactly in any order), else summed afresh.
 */
function totalsOf(core: Core, here: Int32Array, prev: BuiltLayout | undefined, kept: Uint8Array): Totals {
  const { specs } = core;
  const n = specs.length;
  if (prev && core.exact && prev.core.exact) {
    const totals: Totals = { instances: prev.totals.instances, placed: prev.totals.placed, demand: new Map([...prev.totals.demand].map(([k, b]) => [k, { ...b }])) };
    for (let i = 0; i < n; i++) {
      if (kept[i]) continue;
      count(totals, prev.core.specs[i], prev.here[i], -1);
      count(totals, specs[i], here[i], 1);
    }
    return totals;
  }
  const totals: Totals = { instances: 0, placed: 0, demand: new Map() };
  for (let i = 0; i < n; i++) count(totals, specs[i], here[i], 1);
  return totals;
}

/** Workload i's entry. */
function layoutWorkload(decl: WorkloadDecl, i: number, s: Spec, rec: Recommendation | undefined, cost: Resources, here: number): LayoutWorkload {
  const lw: LayoutWorkload = {
    name: decl.name ?? `(workload ${i + 1})`,
    cost,
    os: s.os,
    deploy: s.deploy,
    declared: !!decl.deploy,
    verdict: rec?.verdict ?? null,
    confidence: rec?.confidenceLabel ?? 'none',
    // Replicas asked for: those beyond the limits count as asked, unplaced.
    replicas: s.wanted,
    placed: here,
  };
  if (decl.pins.length) lw.pins = decl.pins.map((p) => p.name);
  return lw;
}

/** The files refs point into, in order of first mention. */
class FileIndex {
  readonly list: string[] = [];
  private readonly ids = new Map<string, number>();
  // Declarations come file by file: the last answer is usually the next one.
  private lastFile: string | undefined;
  private lastIndex = -1;

  of(f: string): number {
    if (f === this.lastFile) return this.lastIndex;
    let i = this.ids.get(f);
    if (i === undefined) this.ids.set(f, (i = this.list.push(f) - 1));
    this.lastFile = f;
    this.lastIndex = i;
    return i;
  }
}

/** Each declaration's ref, read from it (none without a name). */
function readRefs(list: readonly (HostDecl | WorkloadDecl)[], files: FileIndex): number[] {
  const refs: number[] = [];
  for (const d of list) {
    if (d.name !== undefined) pushRef(refs, files.of(d.file), d.nameSpan.start, d.nameSpan.end);
    else pushRef(refs, -1, 0, 0);
  }
  return refs;
}

/**
 * The refs of the previous layout, moved by `moves` (how the parse moved the declarations
 * it took over), with those of new declarations read. Undefined when the files list could
 * differ: a new declaration in another file than the one it replaces, or one that gained
 * or lost its name (the list is in order of first mention).
 */
function movedRefs(prev: BuiltLayout, hostDecls: readonly HostDecl[], decls: readonly WorkloadDecl[], moves: NonNullable<LayoutInput['moves']>): { hostRefs: number[]; workloadRefs: number[] } | undefined {
  const fileIds = new Map(prev.layout.files.map((f, i) => [f, i]));
  const refsOf = (list: readonly (HostDecl | WorkloadDecl)[], old: readonly (HostDecl | WorkloadDecl)[], oldRefs: readonly number[], runs: readonly number[]): number[] | undefined => {
    const refs = oldRefs.slice();
    forEachRun(runs, (first, count, delta) => {
      for (let i = first; i < first + count; i++) shiftRef(refs, i, delta);
    });
    for (let i = 0; i < list.length; i++) {
      const d = list[i];
      if (d === old[i]) continue;
      const named = d.name !== undefined;
      const file = fileIds.get(d.file);
      if (d.file !== old[i].file || named !== refFile(oldRefs, i) >= 0 || file === undefined) return undefined;
      setRef(refs, i, named ? { file, start: d.nameSpan.start, end: d.nameSpan.end } : undefined);
    }
    return refs;
  };
  const hostRefs = refsOf(hostDecls, prev.hostDecls, prev.layout.hostRefs, moves.hosts);
  const workloadRefs = hostRefs && refsOf(decls, prev.decls, prev.layout.workloadRefs, moves.workloads);
  return hostRefs && workloadRefs ? { hostRefs, workloadRefs } : undefined;
}

/** Instances asked for and placed, and the demand placed per deployment (and, for containers, per OS). */
interface Totals {
  instances: number;
  placed: number;
  demand: Map<string, BoundItem>;
}

/** Adds (sign 1) or takes out (-1) what a workload with `here` replicas placed counts for. */
function count(t: Totals, s: Spec, here: number, sign: 1 | -1): void {
  t.instances += sign * s.wanted;
  t.placed += sign * here;
  if (!s.deploy || !here) return;
  // The bound needs containers per OS; the other deployments each as one.
  const key = s.deploy === 'container' ? `container:${s.os}` : s.deploy;
  const b = t.demand.get(key);
  if (b) {
    b.cpu += sign * s.cpu * here;
    b.mem += sign * s.mem * here;
  } else t.demand.set(key, { deploy: s.deploy, os: s.os, cpu: sign * s.cpu * here, mem: sign * s.mem * here, count: 1 });
}
