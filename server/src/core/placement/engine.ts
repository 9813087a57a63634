// The placement engine: lays every workload's replicas out on the hosts, as VMs on
// hypervisors, containers on container hosts, or containers inside VMs, within each
// host's capacity. Pure and deterministic: same input, same layout.
//
// The heuristic is first-fit decreasing over a multi-dimensional size (CPU, memory,
// storage): the most constrained and largest workloads first, each replica on the first
// host with room, hosts already in use before empty ones, largest first within their
// site. Replicas of one workload prefer hosts that run none of it yet, in the site that
// runs fewest of it, so that one host's (or site's) failure does not take every replica;
// when no such host has room they share a host rather than stay unplaced. Segment trees
// over the hosts (see fitTree.ts) make each choice O(log hosts) in the common case.
// docs/placement.md describes it for users.

import type { PlacementOptions } from '../config';
import type { Fleet } from '../fleet';
import { formatBytes, formatCpu } from '../quantity';
import type { Recommendation } from '../recommend';
import type { Deploy, HostDecl, WorkloadDecl } from '../types';
import type {
  FailureMove,
  FailureOutcome,
  Layout,
  LayoutHost,
  LayoutInstance,
  LayoutUnplaced,
  LayoutVm,
  LayoutWorkload,
  Resources,
  UnplacedKind,
} from '../../../../shared/protocol';
import { PROTOCOL_VERSION } from '../../../../shared/protocol';
import { FitTree, type FreeArrays } from './fitTree';
import { lowerBound } from './bounds';

/** More replicas than this for one workload are reported, not placed (a typo's guard). */
export const MAX_REPLICAS = 10_000;
/** Past this many instances in all, the rest are reported, not placed. */
export const MAX_INSTANCES = 250_000;
/** Unplaced replica numbers listed per entry (the count is always exact). */
const MAX_LISTED = 100;
/** With more sites than this in one host group, replicas spread across hosts only. */
export const MAX_SPREAD_SITES = 64;

export interface PlaceOptions {
  /**
   * 'ffd' (default): first-fit decreasing with spreading. 'naive': declaration order,
   * hosts in declaration order, no spreading: the benchmark's baseline.
   */
  strategy?: 'ffd' | 'naive';
}

/** Why a workload or some of its replicas are not placed, for diagnostics. */
export interface UnplacedInfo {
  workload: WorkloadDecl;
  /** Index in `layout.workloads`. */
  w: number;
  /** How many replicas, and the first of their numbers (see `LayoutUnplaced`). */
  count: number;
  replicas: number[];
  kind: UnplacedKind;
  reason: string;
  /** The field the reason rests on, for the diagnostic's range. */
  field: string;
}

export interface OverPinnedInfo {
  host: HostDecl;
  /** Cores and bytes it may allocate. */
  allocatable: { cpu: number; memory: number };
  /** Pinned workloads with replicas that do not fit. */
  failed: { workload: WorkloadDecl; replicas: number }[];
  /** Pinned workloads placed there. */
  placed: WorkloadDecl[];
}

export interface Placement {
  /** Built on first use and kept. */
  readonly layout: Layout;
  unplaced: UnplacedInfo[];
  overPinned: OverPinnedInfo[];
  /** Index in `layout.workloads` of each declaration (built on first use), and the reverse. */
  readonly workloadIndex: ReadonlyMap<WorkloadDecl, number>;
  decls: readonly WorkloadDecl[];
  /** Host indices of each workload's placed replicas (by replica; -1 when unplaced). */
  replicaHosts(w: number): readonly number[];
  /** Facts the findings need, without building the layout. */
  readonly hostCount: number;
  hostName(h: number): string;
  hasHost(name: string): boolean;
  /** Replicas asked for (placed or not) and the deployment placed. */
  replicasOf(w: number): number;
  deployOf(w: number): Deploy | null;
  /** What happens when the host with this name fails; undefined for an unknown name. */
  simulateFailure(hostName: string): FailureOutcome | undefined;
  /** Every host failure at once (for `not-failure-tolerant`): host index → outcome. */
  simulateEveryFailure(): Map<number, FailureOutcome>;
  /** Hosts that could run the workload as placed (its deployment, OS, runtime), pins aside. */
  capableHosts(w: WorkloadDecl): HostDecl[];
}

// ---------------------------------------------------------------------------

interface HostInfo {
  idx: number;
  decl: HostDecl;
  name: string;
  role: 'hypervisor' | 'container-host' | 'unknown';
  /** Container hosts: the OS their containers share (linux when unset). */
  os: string;
  runtime: boolean;
  site: number;
  allocCpu: number;
  allocMem: number;
  storage: number;
  ocCpu: number;
  ocMem: number;
}

interface WorkInfo {
  idx: number;
  decl: WorkloadDecl;
  rec: Recommendation | undefined;
  /** Per instance, before overheads (what the layout reports). */
  size: Resources;
  /** What one instance costs its host, shared by every instance in the layout. */
  cost: Resources;
  name: string;
  deploy: Deploy | null;
  os: string;
  replicas: number;
  /** Requested replicas beyond the limits. */
  capped: number;
  strict: boolean;
  /** Per instance (millicores, bytes, bytes), overheads included; a container-in-vm's VM is extra. */
  cpu: number;
  mem: number;
  sto: number;
  pins: number[] | null;
  blocked: { kind: UnplacedKind; reason: string; field: string } | undefined;
  group: Group | undefined;
  /** Host of each replica (-1: unplaced). */
  hosts: number[];
}

interface Group {
  key: string;
  /** What these hosts are, for messages: "hypervisor hosts", "linux container hosts". */
  label: string;
  hosts: number[];
  tree: FitTree;
  /** The same hosts, but only those already running something (the others read as full). */
  open: FitTree;
  /** Contiguous leaf ranges per site, when the group spans several sites. */
  sites: { site: number; lo: number; hi: number }[];
}

interface VmRec {
  id: string;
  kind: 'workload' | 'pool' | 'dedicated';
  os: string;
  host: number;
  /** `workload` VMs: the instance; `dedicated`: the owning workload. */
  w: number;
  instance: LayoutInstance | undefined;
  /** Shared with the layout: the instances are the layout's own objects. */
  containers: LayoutInstance[];
}

interface HostRec {
  containers: LayoutInstance[];
  vms: VmRec[];
  /** Container VMs: shared ones by guest OS, dedicated ones by workload index. */
  pools: Map<string, VmRec>;
  dedicated: Map<number, VmRec>;
}

const EPS = 1e-6;

export function place(fleet: Fleet, recommendations: ReadonlyMap<WorkloadDecl, Recommendation>, options: PlacementOptions, placeOptions: PlaceOptions = {}): Placement {
  const naive = placeOptions.strategy === 'naive';
  const vmOv = { cpu: milli(options.vmOverhead.cpu), mem: Math.ceil(options.vmOverhead.memory) };
  const ctOv = { cpu: milli(options.containerOverhead.cpu), mem: Math.ceil(options.containerOverhead.memory) };

  // Hosts.
  const siteIndex = new Map<string, number>();
  const hosts: HostInfo[] = fleet.hosts.map((decl, idx) => {
    const role = decl.role === 'hypervisor' || decl.role === 'container-host' ? decl.role : 'unknown';
    const dflt = role === 'hypervisor' ? options.overcommit.hypervisor : options.overcommit.containerHost;
    const ocCpu = decl.overcommit.cpu ?? dflt.cpu;
    const ocMem = decl.overcommit.memory ?? dflt.memory;
    const site = decl.site ?? '';
    if (!siteIndex.has(site)) siteIndex.set(site, siteIndex.size);
    return {
      idx,
      decl,
      name: decl.name ?? `(host ${idx + 1})`,
      role,
      os: role === 'container-host' ? decl.os ?? 'linux' : decl.os ?? '',
      runtime: !!decl.runtime,
      site: siteIndex.get(site)!,
      allocCpu: role === 'unknown' ? 0 : Math.floor((decl.cpu ?? 0) * ocCpu * 1000 + EPS),
      allocMem: role === 'unknown' ? 0 : Math.floor((decl.memory ?? 0) * ocMem + EPS),
      storage: decl.storage ?? Infinity,
      ocCpu,
      ocMem,
    };
  });
  const H = hosts.length;
  const free: FreeArrays = { cpu: new Float64Array(H), mem: new Float64Array(H), sto: new Float64Array(H) };
  for (const h of hosts) {
    free.cpu[h.idx] = h.allocCpu;
    free.mem[h.idx] = h.allocMem;
    free.sto[h.idx] = h.storage;
  }
  const recs: HostRec[] = hosts.map(() => ({ containers: [], vms: [], pools: new Map(), dedicated: new Map() }));
  const hostsByName = new Map<string, number[]>();
  for (const h of hosts) if (h.decl.name !== undefined) (hostsByName.get(h.decl.name) ?? hostsByName.set(h.decl.name, []).get(h.decl.name)!).push(h.idx);
  // Larger hosts first: fewer hosts end up used.
  const maxCpu = hosts.reduce((a, h) => Math.max(a, h.allocCpu), 1);
  const maxMem = hosts.reduce((a, h) => Math.max(a, h.allocMem), 1);
  const rank = new Float64Array(H);
  for (const h of hosts) rank[h.idx] = h.allocCpu / maxCpu + h.allocMem / maxMem;

  // Workloads.
  let budget = MAX_INSTANCES;
  const works: WorkInfo[] = fleet.workloads.map((decl, idx) => {
    const rec = recommendations.get(decl);
    const deploy = decl.deploy ?? rec?.verdict ?? null;
    const wanted = Math.max(0, Math.floor(decl.replicas ?? decl.scaling?.min ?? 1));
    const replicas = Math.min(wanted, MAX_REPLICAS, budget);
    budget -= replicas;
    const size = sizeOf(decl);
    const ov = deploy === 'vm' ? vmOv : ctOv;
    const cpu = milli(size.cpu) + ov.cpu;
    const mem = Math.ceil(size.memory) + ov.mem;
    const sto = Math.ceil(size.storage);
    const w: WorkInfo = {
      idx,
      decl,
      rec,
      size,
      cost: { cpu: cpu / 1000, memory: mem, storage: sto },
      name: decl.name ?? `(workload ${idx + 1})`,
      deploy,
      os: decl.os ?? 'any',
      replicas,
      capped: wanted - replicas,
      strict: decl.isolation === 'strict',
      cpu,
      mem,
      sto,
      pins: null,
      blocked: undefined,
      group: undefined,
      hosts: [],
    };
    w.blocked = blockedReason(w, rec, fleet);
    if (!w.blocked && decl.pins.length) {
      const known = [...new Set(decl.pins.flatMap((p) => hostsByName.get(p.name) ?? []))].sort((a, b) => a - b);
      if (!known.length) w.blocked = { kind: 'pin', reason: `it is pinned to ${list(decl.pins.map((p) => `'${p.name}'`))}, which no descriptor declares`, field: pinField(decl) };
      else w.pins = known;
    }
    return w;
  });

  // Host groups: the hosts that can take one kind of instance, built on first use.
  const groups = new Map<string, Group>();
  const hostTrees: [FitTree, number][][] = hosts.map(() => []);
  // Hosts already in use: filled before a new one is opened (pins and spreading open hosts
  // out of order, so "first fit" alone would leave them half empty).
  const opened = new Uint8Array(H);
  const openFree: FreeArrays = { cpu: new Float64Array(H).fill(-1), mem: new Float64Array(H).fill(-1), sto: new Float64Array(H).fill(-1) };
  const eligible = (w: WorkInfo, h: HostInfo): boolean => {
    if (w.deploy === 'vm') return h.role === 'hypervisor';
    if (w.deploy === 'container-in-vm') return h.role === 'hypervisor' && h.runtime;
    return h.role === 'container-host' && (w.os === 'any' || h.os === w.os);
  };
  const groupOf = (w: WorkInfo): Group => {
    const key = `${w.deploy}|${w.deploy === 'container' ? w.os : ''}|${w.pins ? w.pins.join(',') : '*'}`;
    let g = groups.get(key);
    if (g) return g;
    const candidates = (w.pins ?? hosts.map((h) => h.idx)).filter((i) => eligible(w, hosts[i]));
    if (!naive) candidates.sort((a, b) => hosts[a].site - hosts[b].site || rank[b] - rank[a] || a - b);
    const tree = new FitTree(candidates, free);
    const open = new FitTree(candidates, openFree);
    candidates.forEach((h, pos) => hostTrees[h].push([tree, pos], [open, pos]));
    const sites: Group['sites'] = [];
    if (!naive) {
      for (let i = 0; i < candidates.length; i++) {
        const s = hosts[candidates[i]].site;
        if (sites.length && sites[sites.length - 1].site === s) sites[sites.length - 1].hi = i + 1;
        else sites.push({ site: s, lo: i, hi: i + 1 });
      }
    }
    g = { key, label: groupLabel(w), hosts: candidates, tree, open, sites: sites.length > 1 && sites.length <= MAX_SPREAD_SITES ? sites : [] };
    groups.set(key, g);
    return g;
  };

  // Changes to free capacity; recorded while simulating so they can be undone.
  let undo: number[] | null = null;
  const setFree = (h: number, cpu: number, mem: number, sto: number) => {
    if (undo) undo.push(h, free.cpu[h], free.mem[h], free.sto[h]);
    free.cpu[h] = cpu;
    free.mem[h] = mem;
    free.sto[h] = sto;
    if (opened[h]) {
      openFree.cpu[h] = cpu;
      openFree.mem[h] = mem;
      openFree.sto[h] = sto;
    }
    for (const [tree, pos] of hostTrees[h]) tree.update(pos);
  };
  const open = (h: number) => {
    if (opened[h]) return;
    opened[h] = 1;
    openFree.cpu[h] = free.cpu[h];
    openFree.mem[h] = free.mem[h];
    openFree.sto[h] = free.sto[h];
    for (const [tree, pos] of hostTrees[h]) tree.update(pos);
  };
  const take = (h: number, c: number, m: number, s: number) => setFree(h, free.cpu[h] - c, free.mem[h] - m, free.sto[h] - s);

  // Spreading state for the workload being placed: hosts that run it, per-site counts.
  const mark = new Int32Array(H);
  let stamp = 0;
  const siteCount = new Int32Array(Math.max(1, siteIndex.size));
  const touchedSites: number[] = [];
  const begin = (held: readonly number[]) => {
    stamp++;
    for (const s of touchedSites) siteCount[s] = 0;
    touchedSites.length = 0;
    for (const h of held) note(h);
  };
  const note = (h: number) => {
    mark[h] = stamp;
    const s = hosts[h].site;
    if (siteCount[s]++ === 0) touchedSites.push(s);
  };

  // Container VMs: the one a container-in-vm instance would join on a host, if any.
  // Container VMs made during a failure simulation: taken out again when it ends.
  let simVms: VmRec[] | null = null;
  /** The container VM a container-in-vm replica of `w` would join on host `h`, if one exists. */
  const existingVm = (w: WorkInfo, h: number): VmRec | undefined => {
    const rec = recs[h];
    if (w.strict) return rec.dedicated.get(w.idx);
    if (w.os !== 'any') return rec.pools.get(w.os);
    // A portable workload joins any container VM already on the host, Linux first.
    return rec.pools.get('linux') ?? rec.pools.values().next().value;
  };
  const newVmOs = (w: WorkInfo): string => (w.os === 'any' ? 'linux' : w.os);

  const siteOrder: Group['sites'] = [];
  // The workload being placed, for the leaf tests below (made once, not per replica).
  let cur: WorkInfo = works[0];
  const fitsVm = (h: number): boolean => {
    if (cur.deploy !== 'container-in-vm' || existingVm(cur, h)) return true;
    return free.cpu[h] + EPS >= cur.cpu + vmOv.cpu && free.mem[h] + EPS >= cur.mem + vmOv.mem;
  };
  const spread = (h: number): boolean => mark[h] !== stamp && fitsVm(h);

  /** The first host with room for one more replica of `w`, preferring spread; -1 if none. */
  const findHost = (w: WorkInfo, g: Group): number => {
    cur = w;
    const n = g.tree.length;
    if (naive) {
      for (let pos = 0; pos < n; pos++) {
        const h = g.tree.hosts[pos];
        if (free.cpu[h] + EPS >= w.cpu && free.mem[h] + EPS >= w.mem && free.sto[h] + EPS >= w.sto && fitsVm(h)) return h;
      }
      return -1;
    }
    const c = w.cpu - EPS;
    const m = w.mem - EPS;
    const s = w.sto - EPS;
    let pos = -1;
    if (g.sites.length) {
      // Sites running fewest replicas of this workload first (insertion sort: a few sites).
      const order = siteOrder;
      order.length = 0;
      for (const r of g.sites) {
        let i = order.length;
        while (i > 0 && siteCount[order[i - 1].site] > siteCount[r.site]) i--;
        order.splice(i, 0, r);
      }
      for (const r of order) if ((pos = g.open.find(r.lo, r.hi, c, m, s, spread)) >= 0 || (pos = g.tree.find(r.lo, r.hi, c, m, s, spread)) >= 0) break;
    } else if ((pos = g.open.find(0, n, c, m, s, spread)) < 0) pos = g.tree.find(0, n, c, m, s, spread);
    // No host free of this workload has room: share a host rather than stay unplaced.
    if (pos < 0 && (pos = g.open.find(0, n, c, m, s, fitsVm)) < 0) pos = g.tree.find(0, n, c, m, s, fitsVm);
    return pos < 0 ? -1 : g.tree.hosts[pos];
  };

  let vmCounter = 0;
  // What the last commit charged its host (millicores, bytes) and whether it made a VM.
  let paidCpu = 0;
  let paidMem = 0;
  let madeVm = false;
  /** Puts replica `r` of `w` on host `h`; returns the container VM used, if any. */
  const commit = (w: WorkInfo, r: number, h: number, sim: boolean): VmRec | null => {
    let c = w.cpu;
    let m = w.mem;
    let vm: VmRec | null = null;
    madeVm = false;
    if (w.deploy === 'container-in-vm') {
      vm = existingVm(w, h) ?? null;
      if (!vm) {
        madeVm = true;
        vm = { id: `${sim ? 'f' : 'v'}${++vmCounter}`, kind: w.strict ? 'dedicated' : 'pool', os: newVmOs(w), host: h, w: w.idx, instance: undefined, containers: [] };
        c += vmOv.cpu;
        m += vmOv.mem;
        if (w.strict) recs[h].dedicated.set(w.idx, vm);
        else recs[h].pools.set(vm.os, vm);
        if (sim) simVms!.push(vm);
        else recs[h].vms.push(vm);
      }
      if (!sim) vm.containers.push({ w: w.idx, replica: r });
    } else if (!sim) {
      if (w.deploy === 'vm') recs[h].vms.push({ id: `v${++vmCounter}`, kind: 'workload', os: w.os, host: h, w: w.idx, instance: { w: w.idx, replica: r }, containers: [] });
      else recs[h].containers.push({ w: w.idx, replica: r });
    }
    take(h, c, m, w.sto);
    paidCpu = c;
    paidMem = m;
    return vm;
  };

  // Base placement: pinned workloads first (they have the least choice), then largest first.
  const order = works.filter((w) => !w.blocked && w.replicas > 0);
  if (!naive) {
    const share = (w: WorkInfo) => Math.max(w.cpu / maxCpu, w.mem / maxMem);
    const keyOf = works.map((w) => share(w));
    order.sort((a, b) => (a.pins ? a.pins.length : Infinity) - (b.pins ? b.pins.length : Infinity) || keyOf[b.idx] - keyOf[a.idx] || a.idx - b.idx);
  }
  const unplaced: UnplacedInfo[] = [];
  const overPinnedFailed = new Map<number, Map<WorkloadDecl, number>>();
  for (const w of works) w.hosts = new Array<number>(w.replicas).fill(-1);
  for (const w of order) {
    const g = (w.group = groupOf(w));
    begin([]);
    const failed: number[] = [];
    for (let r = 0; r < w.replicas; r++) {
      const h = g.hosts.length ? findHost(w, g) : -1;
      if (h < 0) {
        failed.push(r);
        continue;
      }
      w.hosts[r] = h;
      commit(w, r, h, false);
      open(h);
      note(h);
    }
    if (failed.length) {
      const why = explain(w, g);
      unplaced.push({ workload: w.decl, w: w.idx, count: failed.length, replicas: failed.slice(0, MAX_LISTED), ...why });
      if (w.pins && (why.kind === 'capacity' || why.kind === 'size' || why.kind === 'storage')) {
        for (const h of g.hosts) {
          const m = overPinnedFailed.get(h) ?? overPinnedFailed.set(h, new Map()).get(h)!;
          m.set(w.decl, failed.length);
        }
      }
    }
  }
  for (const w of works) {
    if (w.blocked && w.replicas > 0) unplaced.push({ workload: w.decl, w: w.idx, count: w.replicas, replicas: range(Math.min(w.replicas, MAX_LISTED)), ...w.blocked });
    if (w.capped > 0) {
      unplaced.push({
        workload: w.decl,
        w: w.idx,
        count: w.capped,
        replicas: range(Math.min(w.capped, MAX_LISTED)).map((i) => i + w.replicas),
        kind: 'limit',
        reason: `only ${w.replicas} replicas are placed: the engine stops at ${MAX_REPLICAS.toLocaleString('en')} per workload and ${MAX_INSTANCES.toLocaleString('en')} in all`,
        field: w.decl.replicas !== undefined ? 'replicas' : 'scaling',
      });
    }
  }
  unplaced.sort((a, b) => a.w - b.w || a.replicas[0] - b.replicas[0]);

  /** Explains why no host takes another replica of `w` from its group. */
  function explain(w: WorkInfo, g: Group): { kind: UnplacedKind; reason: string; field: string } {
    if (!g.hosts.length) return noEligible(w);
    const civ = w.deploy === 'container-in-vm';
    const needCpu = w.cpu + (civ ? vmOv.cpu : 0);
    const needMem = w.mem + (civ ? vmOv.mem : 0);
    const need = `${formatCpu(needCpu / 1000)} cores and ${formatBytes(needMem)}${w.sto ? ` with ${formatBytes(w.sto)} of volumes` : ''} per replica${overheadNote(w)}`;
    const fitsEmpty = (h: number) => hosts[h].allocCpu + EPS >= needCpu && hosts[h].allocMem + EPS >= needMem;
    if (!g.hosts.some(fitsEmpty)) {
      const big = g.hosts.reduce((a, b) => (rank[b] > rank[a] ? b : a));
      const hb = hosts[big];
      return {
        kind: 'size',
        reason: `it needs ${need}; the largest of the ${g.label} offers ${formatCpu(hb.allocCpu / 1000)} cores${hb.ocCpu !== 1 ? ` (${formatCpu(hb.decl.cpu ?? 0)} × ${hb.ocCpu} over-commit)` : ''} and ${formatBytes(hb.allocMem)}`,
        field: 'resources',
      };
    }
    if (w.sto > 0 && !g.hosts.some((h) => fitsEmpty(h) && hosts[h].storage + EPS >= w.sto)) {
      const most = g.hosts.reduce((a, h) => Math.max(a, hosts[h].storage), 0);
      return { kind: 'storage', reason: `its volumes need ${formatBytes(w.sto)} per replica; the most storage any of the ${g.label} has is ${formatBytes(most)}`, field: 'volumes' };
    }
    const best = g.hosts.reduce((a, b) => (free.cpu[b] / Math.max(1, needCpu) + free.mem[b] / Math.max(1, needMem) > free.cpu[a] / Math.max(1, needCpu) + free.mem[a] / Math.max(1, needMem) ? b : a));
    const most = `most room left: ${formatCpu(Math.max(0, free.cpu[best]) / 1000)} cores, ${formatBytes(Math.max(0, free.mem[best]))}${Number.isFinite(free.sto[best]) ? `, ${formatBytes(Math.max(0, free.sto[best]))} storage` : ''} on ${hosts[best].name}`;
    const where = w.pins ? `its pinned host${g.hosts.length > 1 ? 's' : ''} ${list(g.hosts.map((h) => hosts[h].name))} ${g.hosts.length > 1 ? 'are' : 'is'} full` : `the ${g.hosts.length} ${g.label} are full`;
    return { kind: 'capacity', reason: `${where}: it needs ${need} (${most})`, field: w.pins ? pinField(w.decl) : 'resources' };
  }

  function noEligible(w: WorkInfo): { kind: UnplacedKind; reason: string; field: string } {
    if (w.pins) {
      const named = w.pins.map((i) => `${hosts[i].name} (${describeHostKind(hosts[i])})`);
      return { kind: 'pin', reason: `it is pinned to ${list(named)}, which cannot run it as ${article(w.deploy!)}`, field: pinField(w.decl) };
    }
    if (w.deploy === 'vm') return { kind: 'role', reason: 'the fleet has no hypervisor host', field: 'deploy' };
    if (w.deploy === 'container-in-vm') {
      return hosts.some((h) => h.role === 'hypervisor')
        ? { kind: 'role', reason: 'no hypervisor host offers a container runtime to its VMs (set `runtime:` on one)', field: 'deploy' }
        : { kind: 'role', reason: 'the fleet has no hypervisor host', field: 'deploy' };
    }
    const oses = [...new Set(hosts.filter((h) => h.role === 'container-host').map((h) => h.os))];
    if (!oses.length) return { kind: 'role', reason: 'the fleet has no container host', field: 'deploy' };
    return { kind: 'os', reason: `no container host runs ${w.os} (they run ${list(oses)}), and a container shares its host's OS`, field: 'os' };
  }

  function overheadNote(w: WorkInfo): string {
    if (w.deploy === 'vm' && (vmOv.cpu || vmOv.mem)) return `, with its guest OS's ${formatCpu(vmOv.cpu / 1000)} cores and ${formatBytes(vmOv.mem)}`;
    if (w.deploy === 'container-in-vm' && (vmOv.cpu || vmOv.mem)) return `, with a new VM's guest OS (${formatCpu(vmOv.cpu / 1000)} cores, ${formatBytes(vmOv.mem)})`;
    return '';
  }

  const toRes = (c: number, m: number, s: number): Resources => ({ cpu: c / 1000, memory: m, storage: s });
  // The layout, as sent to clients: built on first use (diagnostics do not need it).
  // Instances are the records' own objects: no copies.
  let layoutCache: Layout | undefined;
  const buildLayout = (): Layout => {
    const files: string[] = [];
    const fileIds = new Map<string, number>();
    const fileIndex = (f: string): number => {
      let i = fileIds.get(f);
      if (i === undefined) fileIds.set(f, (i = files.push(f) - 1));
      return i;
    };
    const layoutHosts: LayoutHost[] = hosts.map((h) => {
      const rec = recs[h.idx];
      let uc = 0;
      let um = 0;
      let us = 0;
      const vms: LayoutVm[] = rec.vms.map((v) => {
        if (v.kind === 'workload') {
          const w = works[v.w];
          uc += w.cpu;
          um += w.mem;
          us += w.sto;
          return { id: v.id, kind: 'workload', os: v.os, instance: v.instance, containers: [], cost: w.cost };
        }
        let c = vmOv.cpu;
        let m = vmOv.mem;
        let s = 0;
        for (const x of v.containers) {
          const w = works[x.w];
          c += w.cpu;
          m += w.mem;
          s += w.sto;
        }
        uc += c;
        um += m;
        us += s;
        const vm: LayoutVm = { id: v.id, kind: v.kind, os: v.os, containers: v.containers, cost: toRes(c, m, s) };
        if (v.kind === 'dedicated') vm.w = v.w;
        return vm;
      });
      for (const x of rec.containers) {
        const w = works[x.w];
        uc += w.cpu;
        um += w.mem;
        us += w.sto;
      }
      const containers = rec.containers;
      const lh: LayoutHost = {
        name: h.name,
        role: h.role,
        capacity: { cpu: h.decl.cpu ?? 0, memory: h.decl.memory ?? 0 },
        overcommit: { cpu: h.ocCpu, memory: h.ocMem },
        allocatable: { cpu: h.allocCpu / 1000, memory: h.allocMem },
        used: toRes(uc, um, us),
        vms,
        containers,
      };
      if (h.decl.storage !== undefined) lh.capacity.storage = h.decl.storage;
      if (h.decl.hypervisor) lh.hypervisor = h.decl.hypervisor;
      if (h.decl.runtime) lh.runtime = h.decl.runtime;
      if (h.decl.os) lh.os = h.decl.os;
      else if (h.role === 'container-host') lh.os = 'linux';
      if (h.decl.site) lh.site = h.decl.site;
      if (h.decl.name !== undefined) lh.ref = { file: fileIndex(h.decl.file), start: h.decl.nameSpan.start, end: h.decl.nameSpan.end };
      if (overPinnedFailed.has(h.idx)) lh.overPinned = true;
      return lh;
    });

    const layoutWorkloads: LayoutWorkload[] = works.map((w) => {
      const { rec } = w;
      const lw: LayoutWorkload = {
        name: w.name,
        cost: w.cost,
        os: w.os,
        deploy: w.deploy,
        declared: !!w.decl.deploy,
        verdict: rec?.verdict ?? null,
        confidence: rec?.confidenceLabel ?? 'none',
        replicas: w.replicas + w.capped,
        placed: w.hosts.filter((h) => h >= 0).length,
      };
      if (w.decl.name !== undefined) lw.ref = { file: fileIndex(w.decl.file), start: w.decl.nameSpan.start, end: w.decl.nameSpan.end };
      if (w.decl.pins.length) lw.pins = w.decl.pins.map((p) => p.name);
      return lw;
    });
    const layoutUnplaced: LayoutUnplaced[] = unplaced.map((u) => ({ w: u.w, count: u.count, replicas: u.replicas, kind: u.kind, reason: u.reason }));

    let instances = 0;
    let placed = 0;
    for (const w of works) {
      instances += w.replicas + w.capped;
      for (const h of w.hosts) if (h >= 0) placed++;
    }
    const used = new Set<number>();
    for (const w of works) for (const h of w.hosts) if (h >= 0) used.add(h);
    const layout: Layout = {
      version: PROTOCOL_VERSION,
      files,
      hosts: layoutHosts,
      workloads: layoutWorkloads,
      unplaced: layoutUnplaced,
      quality: {
        hostsTotal: H,
        hostsUsed: used.size,
        lowerBound: lowerBound(
          hosts.map((h) => ({ role: h.role, os: h.os, cpu: h.allocCpu, mem: h.allocMem, runtime: h.runtime })),
          works.flatMap((w) => (w.deploy && w.hosts.some((h) => h >= 0) ? [{ deploy: w.deploy, os: w.os, cpu: w.cpu, mem: w.mem, count: w.hosts.filter((h) => h >= 0).length }] : [])),
        ),
        instances,
        placed,
      },
      vmOverhead: { cpu: vmOv.cpu / 1000, memory: vmOv.mem },
    };
    return layout;
  };

  const overPinned: OverPinnedInfo[] = [...overPinnedFailed].map(([h, failed]) => ({
    host: hosts[h].decl,
    allocatable: { cpu: hosts[h].allocCpu / 1000, memory: hosts[h].allocMem },
    failed: [...failed].map(([workload, replicas]) => ({ workload, replicas })),
    placed: [...new Set([...recs[h].containers.map((x) => x.w), ...recs[h].vms.flatMap((v) => (v.instance ? [v.instance.w] : v.containers.map((x) => x.w)))])]
      .filter((i) => works[i].pins)
      .map((i) => works[i].decl),
  }));

  // -------------------------------------------------------------------------
  // Failure simulation: take the host away, re-place what ran there on what is left,
  // then undo every change so the base layout stays as it was.

  const rankOf = new Int32Array(works.length);
  order.forEach((w, i) => (rankOf[w.idx] = i));
  /** Instances on a host, in the order they were placed (largest first). */
  const onHost = (h: number): { w: WorkInfo; r: number }[] => {
    const out: { w: WorkInfo; r: number }[] = [];
    for (const x of recs[h].containers) out.push({ w: works[x.w], r: x.replica });
    for (const v of recs[h].vms) {
      if (v.instance) out.push({ w: works[v.instance.w], r: v.instance.replica });
      else for (const x of v.containers) out.push({ w: works[x.w], r: x.replica });
    }
    out.sort((a, b) => rankOf[a.w.idx] - rankOf[b.w.idx] || a.r - b.r);
    return out;
  };

  const simulate = (h0: number): FailureOutcome => {
    undo = [];
    simVms = [];
    const savedCounter = vmCounter;
    vmCounter = 0;
    const moved: FailureMove[] = [];
    const lost: LayoutUnplaced[] = [];
    try {
      setFree(h0, -1, -1, -1);
      const items = onHost(h0);
      let i = 0;
      while (i < items.length) {
        const w = items[i].w;
        const group = w.group!;
        // Other replicas still running (and those re-placed in this simulation) count for spreading.
        begin(w.hosts.filter((h) => h >= 0 && h !== h0));
        const failed: number[] = [];
        for (; i < items.length && items[i].w === w; i++) {
          const r = items[i].r;
          const h = findHost(w, group);
          if (h < 0) {
            failed.push(r);
            continue;
          }
          const vm = commit(w, r, h, true);
          note(h);
          const mv: FailureMove = { w: w.idx, replica: r, deploy: w.deploy!, to: h, cost: w.cost, hostCost: toRes(paidCpu, paidMem, w.sto) };
          if (vm) {
            mv.vm = vm.id;
            if (madeVm) mv.newVm = { id: vm.id, kind: vm.kind as 'pool' | 'dedicated', os: vm.os };
          }
          moved.push(mv);
        }
        if (failed.length) {
          const why = w.pins && group.hosts.every((h) => h === h0) ? { kind: 'pin' as const, reason: `it is pinned to ${hosts[h0].name} alone` } : explain(w, group);
          lost.push({ w: w.idx, count: failed.length, replicas: failed.slice(0, MAX_LISTED), kind: 'failure', reason: `lost with ${hosts[h0].name}: ${why.reason}` });
        }
      }
    } finally {
      const log = undo!;
      undo = null;
      for (let k = log.length - 4; k >= 0; k -= 4) setFree(log[k], log[k + 1], log[k + 2], log[k + 3]);
      for (const vm of simVms!) {
        if (vm.kind === 'dedicated') recs[vm.host].dedicated.delete(vm.w);
        else recs[vm.host].pools.delete(vm.os);
      }
      simVms = null;
      vmCounter = savedCounter;
    }
    return { host: h0, moved, lost };
  };

  let workloadIndex: Map<WorkloadDecl, number> | undefined;
  return {
    get layout() {
      return (layoutCache ??= buildLayout());
    },
    unplaced,
    overPinned,
    get workloadIndex() {
      return (workloadIndex ??= new Map(works.map((w) => [w.decl, w.idx])));
    },
    decls: works.map((w) => w.decl),
    replicaHosts: (w) => works[w]?.hosts ?? [],
    hostCount: H,
    hostName: (h) => hosts[h]?.name ?? '?',
    hasHost: (name) => hostsByName.has(name),
    replicasOf: (w) => (works[w] ? works[w].replicas + works[w].capped : 0),
    deployOf: (w) => works[w]?.deploy ?? null,
    simulateFailure(name) {
      const h = hostsByName.get(name)?.[0];
      return h === undefined ? undefined : simulate(h);
    },
    capableHosts(decl) {
      const w = works[this.workloadIndex.get(decl) ?? -1];
      return w && w.deploy ? hosts.filter((h) => eligible(w, h)).map((h) => h.decl) : [];
    },
    simulateEveryFailure() {
      const out = new Map<number, FailureOutcome>();
      for (const h of hosts) if (recs[h.idx].containers.length || recs[h.idx].vms.length) out.set(h.idx, simulate(h.idx));
      return out;
    },
  };
}

// ---------------------------------------------------------------------------

/** Why a workload cannot be placed at all, before looking at capacity. */
function blockedReason(w: WorkInfo, rec: Recommendation | undefined, fleet: Fleet): WorkInfo['blocked'] {
  if (!fleet.hosts.length) return { kind: 'role', reason: 'no hosts are declared', field: 'name' };
  if (w.deploy === null) {
    const why = rec ? [...new Set(rec.constraints.map((c) => c.reason))] : [];
    return { kind: 'deploy', reason: `no deployment is possible${why.length ? `: ${why.join('; ')}` : ''}`, field: 'name' };
  }
  // A declared deployment that breaks a hard constraint is reported by its own rule.
  const broken = rec?.constraints.find((c) => c.deploy === w.deploy);
  if (w.decl.deploy && broken) return { kind: 'deploy', reason: `\`deploy: ${w.deploy}\` is impossible: ${broken.reason}`, field: 'deploy' };
  return undefined;
}

export function sizeOf(w: WorkloadDecl): Resources {
  let storage = 0;
  for (const v of w.volumes) storage += v.size ?? 0;
  return { cpu: w.cpu ?? 0, memory: w.memory ?? 0, storage };
}

function groupLabel(w: WorkInfo): string {
  if (w.deploy === 'vm') return 'hypervisor hosts';
  if (w.deploy === 'container-in-vm') return 'hypervisor hosts with a container runtime';
  return w.os === 'any' ? 'container hosts' : `${w.os} container hosts`;
}

function describeHostKind(h: HostInfo): string {
  if (h.role === 'hypervisor') return h.runtime ? 'a hypervisor with a container runtime' : 'a hypervisor without a container runtime';
  if (h.role === 'container-host') return `a ${h.os} container host`;
  return 'a host without a valid role';
}

function article(d: Deploy): string {
  return d === 'vm' ? 'a VM' : d === 'container' ? 'a container' : 'a container in a VM';
}

function pinField(w: WorkloadDecl): string {
  return w.node.entries.some((e) => e.key === 'host') ? 'host' : 'hosts';
}

function milli(cores: number): number {
  return Math.round(cores * 1000);
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

export function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  const shown = items.length > 6 ? [...items.slice(0, 5), `${items.length - 5} more`] : items;
  return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}
