// The layout as clients see it (hosts → VMs → containers), derived from the per-replica
// decisions alone: walking the workloads in placement order and their replicas in turn
// repeats the order in which instances were placed, so VM ids (numbered as VMs are made)
// and every list come out the same however the decisions were reached.

import type { HostDecl, WorkloadDecl } from '../types';
import type { Recommendation } from '../recommend';
import type { Layout, LayoutHost, LayoutInstance, LayoutUnplaced, LayoutVm, LayoutWorkload, Resources } from '../../../../shared/protocol';
import { PROTOCOL_VERSION } from '../../../../shared/protocol';
import { lowerBound } from './bounds';
import type { Spec } from './model';
import type { Core } from './state';

export interface VmRec {
  id: string;
  kind: 'workload' | 'pool' | 'dedicated';
  os: string;
  host: number;
  /** `workload` VMs: the instance's workload; `dedicated`: the owning workload. */
  w: number;
  instance: LayoutInstance | undefined;
  /** Shared with the layout: the instances are the layout's own objects. */
  containers: LayoutInstance[];
}

export interface HostRec {
  containers: LayoutInstance[];
  vms: VmRec[];
  /** Container VMs: shared ones by guest OS, dedicated ones by workload index. */
  pools: Map<string, VmRec>;
  dedicated: Map<number, VmRec>;
}

/** A host's record; its container-VM maps are made on first use (most hosts have none). */
class HostRecord implements HostRec {
  containers: LayoutInstance[] = [];
  vms: VmRec[] = [];
  private poolMap: Map<string, VmRec> | undefined;
  private dedicatedMap: Map<number, VmRec> | undefined;
  get pools(): Map<string, VmRec> {
    return (this.poolMap ??= new Map());
  }
  get dedicated(): Map<number, VmRec> {
    return (this.dedicatedMap ??= new Map());
  }
}

/**
 * What runs on each host, in the order it was placed. With `only`, just those hosts get a
 * record (VM ids still count every VM made elsewhere); with `steps`, only the first steps
 * of the placement order are walked.
 */
export function buildRecs(core: Core, only?: ReadonlySet<number>, steps = core.order.length): (HostRec | undefined)[] {
  const H = core.model.hosts.length;
  const recs: (HostRec | undefined)[] = new Array(H);
  for (let h = 0; h < H; h++) if (!only || only.has(h)) recs[h] = new HostRecord();
  let vms = 0;
  const { order, specs, start, host, made } = core;
  for (let k = 0; k < steps; k++) {
    const w = order[k];
    const s = specs[w];
    for (let i = start[k]; i < start[k + 1]; i++) {
      const h = host[i];
      if (h < 0) continue;
      const r = i - start[k];
      const rec = recs[h];
      if (s.deploy === 'vm') {
        vms++;
        if (rec) rec.vms.push({ id: `v${vms}`, kind: 'workload', os: s.os, host: h, w, instance: { w, replica: r }, containers: [] });
      } else if (s.deploy === 'container-in-vm') {
        if (made[i]) vms++;
        if (!rec) continue;
        let vm = existingVm(rec, s, w);
        if (!vm) {
          vm = { id: `v${vms}`, kind: s.strict ? 'dedicated' : 'pool', os: s.os === 'any' ? 'linux' : s.os, host: h, w, instance: undefined, containers: [] };
          if (s.strict) rec.dedicated.set(w, vm);
          else rec.pools.set(vm.os, vm);
          rec.vms.push(vm);
        }
        vm.containers.push({ w, replica: r });
      } else if (rec) rec.containers.push({ w, replica: r });
    }
  }
  return recs;
}

/** The container VM a container-in-vm replica of workload `w` would join, if one exists. */
export function existingVm(rec: HostRec, s: Spec, w: number): VmRec | undefined {
  return joinedVm(rec.pools, rec.dedicated, s, w);
}

/** The rule behind `existingVm`, over any record of a host's container VMs. */
function joinedVm<T>(pools: Map<string, T>, dedicated: Map<number, T>, s: Spec, w: number): T | undefined {
  if (s.strict) return dedicated.get(w);
  if (s.os !== 'any') return pools.get(s.os);
  // A portable workload joins any container VM already on the host, Linux first.
  return pools.get('linux') ?? pools.values().next().value;
}

export interface LayoutInput {
  core: Core;
  hostDecls: readonly HostDecl[];
  decls: readonly WorkloadDecl[];
  recs: readonly (Recommendation | undefined)[];
  /** What runs on each host, when already built (else built here, for the hosts that changed). */
  recsOnHosts?: HostRec[];
  unplaced: readonly LayoutUnplaced[];
  overPinned: ReadonlySet<number>;
  /** The previous placement's layout and what it was built from: unchanged parts are reused. */
  prev?: BuiltLayout;
}

/** A layout with what it was built from (for the next one to reuse its unchanged parts). */
export interface BuiltLayout {
  layout: Layout;
  core: Core;
  hostDecls: readonly HostDecl[];
  decls: readonly WorkloadDecl[];
  recs: readonly (Recommendation | undefined)[];
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


export function buildLayout(x: LayoutInput): Layout {
  const { core, hostDecls, decls } = x;
  const { model, specs } = core;
  const { vmOv } = model;
  const files: string[] = [];
  const fileIds = new Map<string, number>();
  // Declarations come file by file: the last answer is usually the next one.
  let lastFile: string | undefined;
  let lastIndex = -1;
  const fileIndex = (f: string): number => {
    if (f === lastFile) return lastIndex;
    let i = fileIds.get(f);
    if (i === undefined) fileIds.set(f, (i = files.push(f) - 1));
    lastFile = f;
    lastIndex = i;
    return i;
  };
  const prev = alignedPrev(x);
  // A workload reads as before when its declaration, spec and recommendation are the same
  // objects (declarations are immutable apart from their spans; specs are immutable).
  const same = new Uint8Array(specs.length);
  if (prev) for (let i = 0; i < specs.length; i++) same[i] = prev.core.specs[i] === specs[i] && prev.decls[i] === decls[i] && prev.recs[i] === x.recs[i] ? 1 : 0;
  // One cost object per workload, shared by its instances (the previous layout's when unchanged).
  const costs: Resources[] = specs.map((s, i) => (same[i] ? prev!.layout.workloads[i].cost : { cpu: s.cpu / 1000, memory: s.mem, storage: s.sto }));
  const toRes = (c: number, m: number, s: number): Resources => ({ cpu: c / 1000, memory: m, storage: s });
  // Hosts whose previous entry still holds, found by walking the decisions against it;
  // records (unless a failure simulation made them already) only for the others.
  let reuse: Uint8Array | undefined;
  let others: Set<number> | undefined;
  if (prev) {
    reuse = matchingHosts(core, prev.layout, same);
    others = new Set<number>();
    for (let h = 0; h < reuse.length; h++) {
      if (reuse[h] && (prev.hostDecls[h] !== hostDecls[h] || !!prev.layout.hosts[h].overPinned !== x.overPinned.has(h))) reuse[h] = 0;
      if (!reuse[h]) others.add(h);
    }
  }
  const recsOnHosts = x.recsOnHosts ?? (buildRecs(core, others) as HostRec[]);
  let used = 0;
  const layoutHosts: LayoutHost[] = model.hosts.map((h) => {
    const rec = recsOnHosts[h.idx];
    const decl = hostDecls[h.idx];
    const old = reuse?.[h.idx] ? prev!.layout.hosts[h.idx] : undefined;
    if (old) {
      if (old.vms.length || old.containers.length) used++;
      const ref = old.ref;
      if (!ref) return old;
      const file = fileIndex(decl.file);
      if (ref.file === file && ref.start === decl.nameSpan.start && ref.end === decl.nameSpan.end) return old;
      // Moved (an edit above it): the same host at its new position.
      return { ...old, ref: { file, start: decl.nameSpan.start, end: decl.nameSpan.end } };
    }
    let uc = 0;
    let um = 0;
    let us = 0;
    const vms: LayoutVm[] = rec.vms.map((v) => {
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
    for (const i of rec.containers) {
      const s = specs[i.w];
      uc += s.cpu;
      um += s.mem;
      us += s.sto;
    }
    if (rec.vms.length || rec.containers.length) used++;
    const lh: LayoutHost = {
      name: h.name,
      role: h.role,
      capacity: { cpu: decl.cpu ?? 0, memory: decl.memory ?? 0 },
      overcommit: { cpu: h.ocCpu, memory: h.ocMem },
      allocatable: { cpu: h.allocCpu / 1000, memory: h.allocMem },
      used: toRes(uc, um, us),
      vms,
      containers: rec.containers,
    };
    if (decl.storage !== undefined) lh.capacity.storage = decl.storage;
    if (decl.hypervisor) lh.hypervisor = decl.hypervisor;
    if (decl.runtime) lh.runtime = decl.runtime;
    if (decl.os) lh.os = decl.os;
    else if (h.role === 'container-host') lh.os = 'linux';
    if (decl.site) lh.site = decl.site;
    if (decl.name !== undefined) lh.ref = { file: fileIndex(decl.file), start: decl.nameSpan.start, end: decl.nameSpan.end };
    if (x.overPinned.has(h.idx)) lh.overPinned = true;
    return lh;
  });

  let instances = 0;
  let placed = 0;
  // Demand summed per deployment (VMs, containers in VMs) and, for containers, per OS.
  const otherBound = new Map<string, Parameters<typeof lowerBound>[1][number]>();
  const containerBound = new Map<string, Parameters<typeof lowerBound>[1][number]>();
  const layoutWorkloads: LayoutWorkload[] = decls.map((decl, i) => {
    const s = specs[i];
    const rec = x.recs[i];
    // Replicas asked for: those beyond the limits count as asked, unplaced.
    const total = s.wanted;
    const k = core.stepOf[i];
    const here = k < 0 ? 0 : core.start[k + 1] - core.start[k] - core.failed[k];
    instances += total;
    placed += here;
    if (s.deploy && here) {
      // Summed per deployment and OS (whole numbers: the sums are exact in any order).
      const group = s.deploy === 'container' ? containerBound : otherBound;
      const key = s.deploy === 'container' ? s.os : s.deploy;
      const b = group.get(key);
      if (b) {
        b.cpu += s.cpu * here;
        b.mem += s.mem * here;
      } else group.set(key, { deploy: s.deploy, os: s.os, cpu: s.cpu * here, mem: s.mem * here, count: 1 });
    }
    const old = same[i] ? prev!.layout.workloads[i] : undefined;
    if (old && old.placed === here) {
      const ref = old.ref;
      if (!ref) return old;
      const file = fileIndex(decl.file);
      if (ref.file === file && ref.start === decl.nameSpan.start && ref.end === decl.nameSpan.end) return old;
      return { ...old, ref: { file, start: decl.nameSpan.start, end: decl.nameSpan.end } };
    }
    const lw: LayoutWorkload = {
      name: decl.name ?? `(workload ${i + 1})`,
      cost: costs[i],
      os: s.os,
      deploy: s.deploy,
      declared: !!decl.deploy,
      verdict: rec?.verdict ?? null,
      confidence: rec?.confidenceLabel ?? 'none',
      replicas: total,
      placed: here,
    };
    if (decl.name !== undefined) lw.ref = { file: fileIndex(decl.file), start: decl.nameSpan.start, end: decl.nameSpan.end };
    if (decl.pins.length) lw.pins = decl.pins.map((p) => p.name);
    return lw;
  });

  return {
    version: PROTOCOL_VERSION,
    files,
    hosts: layoutHosts,
    workloads: layoutWorkloads,
    unplaced: x.unplaced.map((u) => ({ w: u.w, count: u.count, replicas: u.replicas, kind: u.kind, reason: u.reason })),
    quality: {
      hostsTotal: model.hosts.length,
      hostsUsed: used,
      lowerBound: lowerBound(
        model.hosts.map((h) => ({ role: h.role, os: h.os, cpu: h.allocCpu, mem: h.allocMem, runtime: h.runtime })),
        [...otherBound.values(), ...containerBound.values()],
      ),
      instances,
      placed,
    },
    vmOverhead: { cpu: vmOv.cpu / 1000, memory: vmOv.mem },
  };
}


/**
 * For each host, whether the previous layout's entry lists exactly what the decisions
 * put there now: the same instances in the same order, in VMs with the same ids, of
 * workloads that read as before (`same`). It walks the decisions as `buildRecs` does,
 * comparing instead of building.
 */
function matchingHosts(core: Core, old: Layout, same: Uint8Array): Uint8Array {
  const H = core.model.hosts.length;
  const ok = new Uint8Array(H).fill(1);
  const ci = new Int32Array(H);
  const vi = new Int32Array(H);
  // Container VMs met so far per host: their index in the old entry and how many of their containers matched.
  const pools: (Map<string, number[]> | undefined)[] = new Array(H);
  const dedicated: (Map<number, number[]> | undefined)[] = new Array(H);
  let vms = 0;
  const { order, specs, start, host, made } = core;
  for (let k = 0; k < order.length; k++) {
    const w = order[k];
    const s = specs[w];
    const sw = same[w];
    for (let i = start[k]; i < start[k + 1]; i++) {
      const h = host[i];
      if (h < 0) continue;
      const r = i - start[k];
      if (s.deploy === 'vm') {
        vms++;
        if (!ok[h]) continue;
        const v = old.hosts[h].vms[vi[h]++];
        if (!sw || !v || v.kind !== 'workload' || !v.instance || v.instance.w !== w || v.instance.replica !== r || v.id !== `v${vms}`) ok[h] = 0;
      } else if (s.deploy === 'container-in-vm') {
        if (made[i]) vms++;
        if (!ok[h]) continue;
        // The VM it joins, as `existingVm` picks it.
        const p = (pools[h] ??= new Map());
        const d = (dedicated[h] ??= new Map());
        let at = joinedVm(p, d, s, w);
        if (!at) {
          const v = old.hosts[h].vms[vi[h]];
          const os = s.os === 'any' ? 'linux' : s.os;
          if (!v || v.instance || v.id !== `v${vms}` || v.kind !== (s.strict ? 'dedicated' : 'pool') || v.os !== os || (s.strict && v.w !== w)) {
            ok[h] = 0;
            continue;
          }
          at = [vi[h]++, 0];
          if (s.strict) d.set(w, at);
          else p.set(os, at);
        }
        const c = old.hosts[h].vms[at[0]].containers[at[1]++];
        if (!sw || !c || c.w !== w || c.replica !== r) ok[h] = 0;
      } else {
        if (!ok[h]) continue;
        const c = old.hosts[h].containers[ci[h]++];
        if (!sw || !c || c.w !== w || c.replica !== r) ok[h] = 0;
      }
    }
  }
  for (let h = 0; h < H; h++) {
    if (!ok[h]) continue;
    const o = old.hosts[h];
    if (ci[h] !== o.containers.length || vi[h] !== o.vms.length) ok[h] = 0;
    else for (const m of [pools[h], dedicated[h]]) if (m) for (const [vm, n] of m.values()) if (o.vms[vm].containers.length !== n) ok[h] = 0;
  }
  return ok;
}
