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
//
// Given the placement of the previous analysis (`PlaceOptions.previous`), it resumes
// from it instead of starting over (resume.ts), with the same result as from scratch.
// docs/placement.md describes it for users.

import type { PlacementOptions } from '../config';
import type { Fleet } from '../fleet';
import type { Recommendation } from '../recommend';
import type { Deploy, HostDecl, WorkloadDecl } from '../types';
import type { FailureOutcome, Layout, UnplacedKind } from '../../../../shared/protocol';
import type { HostContents } from './contents';
import { describeHostUse, describeWorkloadPlacement, indexLayout, type LayoutIndex } from './describe';
import { type BuiltLayout, buildLayout, contentsOf, type LayoutInput } from './layout';
import { MAX_INSTANCES, MAX_REPLICAS, buildHostModel, capableHosts, type HostModel, readSpec, sameSpec, type Spec } from './model';
import { Packer } from './packer';
import { fullOrder, placeAll, resume } from './resume';
import { Simulator } from './simulate';
import { partitionPoint } from '../text';
import { type Core, MAX_LISTED, type PlacementStats, type Steps } from './state';

export { MAX_INSTANCES, MAX_REPLICAS, MAX_SPREAD_SITES, list, sizeOf } from './model';
export type { PlacementStats } from './state';

export interface PlaceOptions {
  /**
   * 'ffd' (default): first-fit decreasing with spreading. 'naive': declaration order,
   * hosts in declaration order, no spreading: the benchmark's baseline.
   */
  strategy?: 'ffd' | 'naive';
  /**
   * The placement of the previous analysis of the same workspace: what did not change is
   * taken from it (its `carry`). The result is the same as without it. It is only read:
   * it stays usable, and the new placement keeps at most its built layout.
   */
  previous?: Placement;
  /** The same recommendations in `fleet.workloads` order: saves a lookup per workload. The placement keeps the array: leave it as it is. */
  inOrder?: readonly (Recommendation | undefined)[];
  /**
   * With `previous`: its first `head` and last `tail` workloads are the same declaration
   * objects, with the same recommendation objects, as this fleet's first and last: their
   * specs are taken over without being compared (at 100,000 workloads, reading every spec
   * object costs more than the rest of an edit). Given only by the analysis session: its
   * host declarations are those of the previous placement (parsed, never changed in
   * place) and the fleet's lists are never changed once made, so they are kept uncopied.
   */
  unchanged?: { head: number; tail: number };
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
  /** By workload, then by first replica (built on first use). */
  readonly unplaced: UnplacedInfo[];
  /** The entries of `unplaced` of workload `w`. */
  unplacedOf(w: number): readonly UnplacedInfo[];
  /** Built on first use. */
  readonly overPinned: OverPinnedInfo[];
  /** Index in `layout.workloads` of each declaration (built on first use), and the reverse. */
  readonly workloadIndex: ReadonlyMap<WorkloadDecl, number>;
  decls: readonly WorkloadDecl[];
  /** The host declarations, by host index. */
  hostDecls: readonly HostDecl[];
  /** Host indices of each workload's placed replicas (by replica; -1 when unplaced). */
  replicaHosts(w: number): readonly number[];
  /** The distinct values of `replicaHosts(w)`, in order of first appearance, written to the start of `out`; returns how many. */
  distinctReplicaHosts(w: number, out: number[]): number;
  /** With at least 2 replicas placed, all on one host: that host and how many (undefined otherwise). */
  singleHost(w: number): { host: number; replicas: number } | undefined;
  /** Placed replicas that share hosts, on 2 hosts or more: how many placed, on how many hosts, and the most on one (undefined otherwise). */
  sharing(w: number): { placed: number; hosts: number; most: number; mostHost: number } | undefined;
  /** Replicas placed. */
  placedOf(w: number): number;
  /** Facts the findings need, without building the layout. */
  readonly hostCount: number;
  hostName(h: number): string;
  hasHost(name: string): boolean;
  /** Replicas asked for (placed or not) and the deployment placed. */
  replicasOf(w: number): number;
  deployOf(w: number): Deploy | null;
  /**
   * What happens when the host with this name fails, else every host of the cluster, else
   * of the site, with this name; undefined for a name that is none of them.
   */
  simulateFailure(name: string): FailureOutcome | undefined;
  /**
   * Every host failure (for `not-failure-tolerant`), in host order, re-placing at most
   * `budget` replicas (default: no limit). Outcomes already simulated (by this placement,
   * or by an earlier one with the same decisions) cost nothing; a host whose replicas
   * would take the sweep past its budget is skipped (and later, smaller ones still tried),
   * unless it is the first left (a budget above 0 always buys one host).
   */
  simulateEveryFailure(budget?: number): FailureSweep;
  /** Hosts that could run the workload as placed (its deployment, OS, runtime), pins aside. */
  capableHosts(w: WorkloadDecl): HostDecl[];
  /** The same for the workload at index `w`: the first such host that passes `accept`, and how many there are. */
  findCapableHost(w: number, accept: (h: HostDecl) => boolean): HostDecl | undefined;
  capableCount(w: number): number;
  /** Hover text: what a host runs and how full it is, and where a workload's replicas landed (`describe.ts`, over the layout, indexed once). */
  describeHostUse(hostName: string): string | undefined;
  describeWorkloadPlacement(workload: string | number): string | undefined;
  /** How this placement was computed (from scratch or from the previous one). */
  readonly stats: PlacementStats;
  /** The hosts as placement read them, each workload's spec, and the free capacity left (for the promise checks: promises.ts). */
  readonly model: HostModel;
  spec(w: number): Spec | undefined;
  readonly packer: Packer;
  /** What the next placement resumes from: for the engine alone (the session keeps it by keeping its latest snapshot). */
  readonly carry: PlacementCarry;
  /** What changed against the previous placement (`PlaceOptions.previous`); undefined when placed from scratch. */
  readonly since: PlacementSince | undefined;
}

/**
 * A resumed placement against the one it resumed from. The first `head` and last `tail`
 * workloads kept their specs (at the same index, and at the index moved by the count's
 * change); of those, every workload but those in `changed` also kept its replica count and
 * its decisions (the same hosts, VMs made, failures and reasons). The workloads between
 * the ends are new or changed.
 */
export interface PlacementSince {
  head: number;
  tail: number;
  /** Ascending workload indices, within the ends. */
  changed: readonly number[];
  /** Workloads (ascending) with no replica placed, not blocked: the limits left them none. */
  stepless: readonly number[];
}

/** A placement's decisions and, once built, its layout: what the next placement reuses. */
export interface PlacementCarry {
  readonly core: Core;
  /** Set once, when the layout is first built. */
  layout: BuiltLayout | undefined;
  /**
   * Host failures simulated so far, by host index: shared by consecutive placements with
   * the same decisions (the outcomes are the same), so a sweep cut short goes on where it stopped.
   */
  readonly failures: Map<number, FailureOutcome>;
}

/** The result of `simulateEveryFailure`. */
export interface FailureSweep {
  /** Host index → outcome, for the hosts in use that were simulated (or known), in host order. */
  outcomes: Map<number, FailureOutcome>;
  /** Hosts in use left out because the budget ran out, in host order. */
  skipped: number[];
  /** Replicas re-placed by this sweep (outcomes known before cost nothing), and how many outcomes were known. */
  work: number;
  known: number;
}

export function place(fleet: Fleet, recommendations: ReadonlyMap<WorkloadDecl, Recommendation>, options: PlacementOptions, placeOptions: PlaceOptions = {}): Placement {
  // Copies, but for the session's fleets (which give `unchanged`), whose lists are made for each analysis and never changed.
  const decls = placeOptions.unchanged ? fleet.workloads : fleet.workloads.slice();
  const hostDecls = placeOptions.unchanged ? fleet.hosts : fleet.hosts.slice();
  const inOrder = placeOptions.inOrder;
  // An array, not a function per call: a new closure per placement threw away the
  // optimized code calling it.
  const recsIn = inOrder && inOrder.length === decls.length ? inOrder : decls.map((d) => recommendations.get(d));
  const prev = placeOptions.previous?.carry;
  const { core, recs, stats, special, since } = compute(hostDecls, decls, recsIn, options, placeOptions.strategy === 'naive', prev?.core, prev && placeOptions.unchanged);
  // The previous layout, if it was built, lends its unchanged parts to this one's.
  // The same decisions (shared by a resume that changed nothing) on the same hosts: the same failure outcomes.
  const failures = prev && prev.core.host === core.host && prev.core.model === core.model ? prev.failures : new Map<number, FailureOutcome>();
  return finish(core, hostDecls, decls, recs, stats, special, prev?.layout, fleet.moves, failures, since);
}

/** The decisions, from scratch or resumed from `prev`. */
function compute(
  hostDecls: readonly HostDecl[],
  decls: readonly WorkloadDecl[],
  /** Each workload's recommendation (kept by the placement). */
  recs: readonly (Recommendation | undefined)[],
  options: PlacementOptions,
  naive: boolean,
  prev: Core | undefined,
  unchanged: { head: number; tail: number } | undefined,
): { core: Core; recs: readonly (Recommendation | undefined)[]; stats: PlacementStats; special: number[]; since?: PlacementSince } {
  // `unchanged` comes only from the session, whose hosts are parsed declarations: never changed in place.
  const model = buildHostModel(hostDecls, options, naive, prev?.model, unchanged !== undefined);
  const n = decls.length;
  if (prev !== undefined && unchanged !== undefined && prev.model === model && prev.exact && n === prev.specs.length && unchanged.head + unchanged.tail <= n) {
    const same = previousDecisions(prev, decls, recs, unchanged);
    if (same) return same;
  }
  const specs = new Array<Spec>(n);
  const resumable = prev !== undefined && prev.model === model && prev.exact;
  let newToOld: Int32Array | undefined;
  // The workloads matched by spec at the front and at the back (see `PlacementSince`).
  let front = 0;
  let back = 0;
  // Per workload: replicas wanted, and whether its spec is exact and blocked (read in one pass below without touching the specs).
  const wanted = new Float64Array(n);
  const flags = new Uint8Array(n);
  if (resumable) {
    // Unchanged workloads around the edit keep their specs (compared by value).
    newToOld = new Int32Array(n).fill(-1);
    const old = prev.specs;
    const limit = Math.min(n, old.length);
    let a = 0;
    let z = 0;
    if (unchanged && unchanged.head + unchanged.tail <= limit) {
      // Known to be the same: taken over whole, typed arrays included.
      const { head, tail } = unchanged;
      for (; a < head; a++) {
        specs[a] = old[a];
        newToOld[a] = a;
      }
      wanted.set(prev.wanted.subarray(0, head));
      flags.set(prev.flags.subarray(0, head));
      for (let b = 1; b <= tail; b++) {
        specs[n - b] = old[old.length - b];
        newToOld[n - b] = old.length - b;
      }
      wanted.set(prev.wanted.subarray(old.length - tail), n - tail);
      flags.set(prev.flags.subarray(old.length - tail), n - tail);
      z = tail;
    }
    for (; a < limit - z; a++) {
      const rec = recs[a];
      if (!sameSpec(old[a], decls[a], rec)) break;
      specs[a] = old[a];
      newToOld[a] = a;
      wanted[a] = prev.wanted[a];
      flags[a] = prev.flags[a];
    }
    for (let b = z + 1; b <= limit - a; b++) {
      const i = n - b;
      const rec = recs[i];
      if (!sameSpec(old[old.length - b], decls[i], rec)) break;
      specs[i] = old[old.length - b];
      newToOld[i] = old.length - b;
      wanted[i] = prev.wanted[old.length - b];
      flags[i] = prev.flags[old.length - b];
    }
    front = a;
    back = n - a;
    while (back > 0 && newToOld[n - back] < 0) back--;
    for (let i = 0; i < n; i++) if (newToOld[i] < 0) describeSpec((specs[i] = readSpec(model, decls[i], recs[i])), i, wanted, flags);
  } else {
    for (let i = 0; i < n; i++) {
      specs[i] = readSpec(model, decls[i], recs[i]);
      describeSpec(specs[i], i, wanted, flags);
    }
  }

  const replicas = new Int32Array(n);
  // Workloads reported whole or in part without being placed: blocked, or beyond the limits.
  const special: number[] = [];
  // Matched workloads whose replica count changed (the overall limit moved).
  const recounted: number[] = [];
  const stepless: number[] = [];
  let budget = MAX_INSTANCES;
  let exact = model.exact;
  for (let i = 0; i < n; i++) {
    const w = wanted[i];
    const r = Math.min(w, MAX_REPLICAS, budget);
    budget -= r;
    replicas[i] = r;
    const f = flags[i];
    if (f & INEXACT) exact = false;
    if ((f & BLOCKED && r > 0) || w > r) special.push(i);
    if (r === 0 && w > 0 && !(f & BLOCKED)) stepless.push(i);
    if (newToOld && newToOld[i] >= 0 && prev!.replicas[newToOld[i]] !== r) {
      newToOld[i] = -1;
      recounted.push(i);
    }
  }

  if (resumable && exact) {
    const r = resume(prev, specs, replicas, newToOld!, (from) => from.copy(model));
    const changed = recounted.concat(r.changed).sort((x, y) => x - y);
    return { core: makeCore(r.steps, model, specs, replicas, r.packer, exact, wanted, flags), recs, stats: r.stats, special, since: { head: front, tail: back, changed, stepless } };
  }
  const packer = new Packer(model);
  const steps = placeAll(packer, specs, replicas, fullOrder(specs, replicas, naive));
  const stats: PlacementStats = { mode: 'full', steps: steps.order.length, resumedAt: 0, searched: packer.searched, checked: 0, copied: 0, rolledBack: 0 };
  return { core: makeCore(steps, model, specs, replicas, packer, exact, wanted, flags), recs, stats, special };
}

/**
 * Every spec as before (a description or a comment edited): the previous decisions are
 * this placement's, shared whole as a resume that finds nothing changed shares them,
 * without a new array per workload. Undefined when some spec differs.
 */
function previousDecisions(
  prev: Core,
  decls: readonly WorkloadDecl[],
  recs: readonly (Recommendation | undefined)[],
  { head, tail }: { head: number; tail: number },
): { core: Core; recs: readonly (Recommendation | undefined)[]; stats: PlacementStats; special: number[] } | undefined {
  const n = decls.length;
  for (let i = head; i < n - tail; i++) if (!sameSpec(prev.specs[i], decls[i], recs[i])) return undefined;
  // The same wanted replicas give the same replicas placed and the same special ones (as in `compute`).
  const special: number[] = [];
  const { wanted, flags, replicas } = prev;
  for (let i = 0; i < n; i++) if ((flags[i] & BLOCKED && replicas[i] > 0) || wanted[i] > replicas[i]) special.push(i);
  // Shared, not copied: a resume copies a core's packer before it changes anything, and a
  // failure simulation undoes its changes before it returns.
  const packer = prev.packer;
  const stats: PlacementStats = { mode: 'reused', steps: prev.order.length, resumedAt: prev.order.length, searched: 0, checked: 0, copied: 0, rolledBack: 0 };
  return { core: makeCore(prev, prev.model, prev.specs, prev.replicas, packer, prev.exact, prev.wanted, prev.flags), recs, stats, special };
}

/** `Core.flags` bits. */
const INEXACT = 1;
const BLOCKED = 2;

/** Writes what the replica pass reads of spec `s` (workload `i`). */
function describeSpec(s: Spec, i: number, wanted: Float64Array, flags: Uint8Array): void {
  wanted[i] = s.wanted;
  flags[i] = (s.exact ? 0 : INEXACT) | (s.blocked ? BLOCKED : 0);
}

/**
 * A core, field by field: an object spread gives each core a new hidden class, and the
 * optimized code that reads cores (the layout, the next resume) was thrown away on every edit.
 */
function makeCore(s: Steps, model: HostModel, specs: Spec[], replicas: Int32Array, packer: Packer, exact: boolean, wanted: Float64Array, flags: Uint8Array): Core {
  const { order, stepOf, start, host, made, failed, why, group, cpu, mem, sto, pool, kind, vcpus, vmFlags } = s;
  return { order, stepOf, start, host, made, failed, why, group, cpu, mem, sto, pool, kind, vcpus, vmFlags, model, specs, replicas, packer, exact, wanted, flags };
}

/** The placement's public face over its decisions (sees nothing of a previous placement but its built layout). */
function finish(
  core: Core,
  hostDecls: readonly HostDecl[],
  decls: readonly WorkloadDecl[],
  recs: readonly (Recommendation | undefined)[],
  stats: PlacementStats,
  special: readonly number[],
  prevLayout: BuiltLayout | undefined,
  moves: LayoutInput['moves'],
  failures: Map<number, FailureOutcome>,
  since: PlacementSince | undefined,
): Placement {
  return new PlacementView(core, hostDecls, decls, recs, stats, special, prevLayout, moves, failures, since);
}

/** Replicas not placed: those that found no host, those of blocked workloads, those beyond the limits. */
function unplacedOf(core: Core, decls: readonly WorkloadDecl[], special: readonly number[]): UnplacedInfo[] {
  const { order, failed } = core;
  const unplaced: UnplacedInfo[] = [];
  for (let k = 0; k < order.length; k++) if (failed[k]) unplaced.push(failedOf(core, decls, k));
  for (const i of special) specialOf(core, decls, i, unplaced);
  unplaced.sort((a, b) => a.w - b.w || a.replicas[0] - b.replicas[0]);
  return unplaced;
}

/** The unplaced replicas of workload `w` alone, as in `unplacedOf`. */
function unplacedOfOne(core: Core, decls: readonly WorkloadDecl[], w: number): readonly UnplacedInfo[] {
  const k = core.stepOf[w] ?? -1;
  const s = core.specs[w];
  const r = core.replicas[w];
  if (!(k >= 0 && core.failed[k]) && !(s.blocked && r > 0) && s.wanted <= r) return NO_UNPLACED;
  const out: UnplacedInfo[] = [];
  if (k >= 0 && core.failed[k]) out.push(failedOf(core, decls, k));
  specialOf(core, decls, w, out);
  return out.sort((a, b) => a.replicas[0] - b.replicas[0]);
}

const NO_UNPLACED: readonly UnplacedInfo[] = [];

/** Step k's replicas that found no host. */
function failedOf(core: Core, decls: readonly WorkloadDecl[], k: number): UnplacedInfo {
  const { order, start, host, failed, why } = core;
  const listed: number[] = [];
  for (let i = start[k]; i < start[k + 1] && listed.length < MAX_LISTED; i++) if (host[i] < 0) listed.push(i - start[k]);
  return { workload: decls[order[k]], w: order[k], count: failed[k], replicas: listed, ...why.get(k)! };
}

/** Workload i's replicas reported without being placed: blocked, or beyond the limits. */
function specialOf(core: Core, decls: readonly WorkloadDecl[], i: number, unplaced: UnplacedInfo[]): void {
  const { specs, replicas } = core;
  {
    const s = specs[i];
    const workload = decls[i];
    if (s.blocked && replicas[i] > 0) unplaced.push({ workload, w: i, count: replicas[i], replicas: range(Math.min(replicas[i], MAX_LISTED)), ...s.blocked });
    const capped = s.wanted - replicas[i];
    if (capped > 0) {
      unplaced.push({
        workload,
        w: i,
        count: capped,
        replicas: range(Math.min(capped, MAX_LISTED)).map((k) => k + replicas[i]),
        kind: 'limit',
        reason: `only ${replicas[i]} replicas are placed: the engine stops at ${MAX_REPLICAS.toLocaleString('en')} per workload and ${MAX_INSTANCES.toLocaleString('en')} in all`,
        field: s.replicasRaw !== undefined ? 'replicas' : 'scaling',
      });
    }
  }
}

/** Hosts whose pinned workloads do not all fit, in the order the failures came, and what is pinned and placed there. */
function overPinnedOf(core: Core, hostDecls: readonly HostDecl[], decls: readonly WorkloadDecl[]): { overPinned: OverPinnedInfo[]; hosts: Set<number> } {
  const { model, specs, order, failed, why } = core;
  const failedOn = new Map<number, Map<WorkloadDecl, number>>();
  let pinnedSteps = order.length;
  // Pinned workloads come first in the placement order: only they are read here.
  if (!model.naive) for (pinnedSteps = 0; pinnedSteps < order.length && specs[order[pinnedSteps]].pins; ) pinnedSteps++;
  for (let k = 0; k < pinnedSteps; k++) {
    if (!failed[k]) continue;
    const y = why.get(k);
    if (!y || (y.kind !== 'capacity' && y.kind !== 'size' && y.kind !== 'storage')) continue;
    const s = specs[order[k]];
    if (!s.pins) continue;
    for (const h of s.group!.hosts) {
      const m = failedOn.get(h) ?? failedOn.set(h, new Map()).get(h)!;
      m.set(decls[order[k]], failed[k]);
    }
  }
  const hosts = new Set(failedOn.keys());
  if (!hosts.size) return { overPinned: [], hosts };
  const pinnedOn = contentsOf(core, hosts, pinnedSteps);
  const overPinned = [...failedOn].map(([h, failedHere]): OverPinnedInfo => {
    const on = pinnedOn[h]!;
    const placed = new Set([...on.containers.map((x) => x.w), ...on.vms.flatMap((v) => (v.instance ? [v.instance.w] : v.containers.map((x) => x.w)))]);
    return {
      host: hostDecls[h],
      allocatable: { cpu: model.hosts[h].allocCpu / 1000, memory: model.hosts[h].allocMem },
      failed: [...failedHere].map(([workload, replicas]) => ({ workload, replicas })),
      placed: [...placed].filter((i) => specs[i].pins).map((i) => decls[i]),
    };
  });
  return { overPinned, hosts };
}

/** A placement: its decisions, and what is derived from them on first use (the layout, the failure simulations, indexes). */
class PlacementView implements Placement {
  readonly carry: PlacementCarry;
  readonly hostCount: number;
  private built: Layout | undefined;
  private contents: HostContents[] | undefined;
  private simulator: Simulator | undefined;
  private index: Map<WorkloadDecl, number> | undefined;
  private layoutIndex: LayoutIndex | undefined;
  private unplacedList: UnplacedInfo[] | undefined;
  private pinned: { overPinned: OverPinnedInfo[]; hosts: Set<number> } | undefined;
  /** Replicas per host of one workload, zeroed after each use (`sharing`). */
  private counts: Int32Array | undefined;

  constructor(
    private readonly core: Core,
    readonly hostDecls: readonly HostDecl[],
    readonly decls: readonly WorkloadDecl[],
    private readonly recs: readonly (Recommendation | undefined)[],
    readonly stats: PlacementStats,
    private readonly special: readonly number[],
    /** The previous layout, until this one is built (only the newest is lent on: no chain of older ones stays alive). */
    private prevLayout: BuiltLayout | undefined,
    private readonly moves: LayoutInput['moves'],
    failures: Map<number, FailureOutcome>,
    readonly since: PlacementSince | undefined,
  ) {
    this.carry = { core, layout: undefined, failures };
    this.hostCount = core.model.hosts.length;
  }

  get overPinned(): OverPinnedInfo[] {
    return this.overPinnedOf().overPinned;
  }

  private overPinnedOf(): { overPinned: OverPinnedInfo[]; hosts: Set<number> } {
    return (this.pinned ??= overPinnedOf(this.core, this.hostDecls, this.decls));
  }

  /** Made when first read: an edit's findings ask per workload (`unplacedOf`). */
  get unplaced(): UnplacedInfo[] {
    return (this.unplacedList ??= unplacedOf(this.core, this.decls, this.special));
  }

  unplacedOf(w: number): readonly UnplacedInfo[] {
    if (this.unplacedList) {
      const list = this.unplacedList;
      const from = partitionPoint(list.length, (i) => list[i].w < w);
      let to = from;
      while (to < list.length && list[to].w === w) to++;
      return to === from ? NO_UNPLACED : list.slice(from, to);
    }
    return unplacedOfOne(this.core, this.decls, w);
  }

  get layout(): Layout {
    if (!this.built) {
      const { core, hostDecls, decls, recs, contents, prevLayout: prev, moves } = this;
      const built = buildLayout({ core, hostDecls, decls, recs, contents, unplaced: this.unplaced, overPinned: this.overPinnedOf().hosts, prev, moves });
      this.built = built.layout;
      this.prevLayout = undefined;
      this.carry.layout = built;
    }
    return this.built;
  }

  get workloadIndex(): ReadonlyMap<WorkloadDecl, number> {
    return (this.index ??= new Map(this.decls.map((d, i) => [d, i])));
  }

  describeHostUse(hostName: string): string | undefined {
    return describeHostUse(this.layout, hostName, (this.layoutIndex ??= indexLayout(this.layout)));
  }

  describeWorkloadPlacement(workload: string | number): string | undefined {
    return describeWorkloadPlacement(this.layout, workload, (this.layoutIndex ??= indexLayout(this.layout)));
  }

  replicaHosts(w: number): readonly number[] {
    const { stepOf, host, start } = this.core;
    const k = stepOf[w] ?? -1;
    return k < 0 ? [] : Array.from(host.subarray(start[k], start[k + 1]));
  }

  distinctReplicaHosts(w: number, out: number[]): number {
    const { stepOf, host, start } = this.core;
    const k = stepOf[w] ?? -1;
    if (k < 0) return 0;
    let n = 0;
    if (start[k + 1] - start[k] > 16) {
      // Many replicas: a set, not a search of what is found so far.
      for (const h of new Set(host.subarray(start[k], start[k + 1]))) out[n++] = h;
      return n;
    }
    for (let r = start[k]; r < start[k + 1]; r++) {
      const h = host[r];
      let i = 0;
      while (i < n && out[i] !== h) i++;
      if (i === n) out[n++] = h;
    }
    return n;
  }

  singleHost(w: number): { host: number; replicas: number } | undefined {
    const { stepOf, start, host } = this.core;
    const k = stepOf[w] ?? -1;
    if (k < 0) return undefined;
    let at = -1;
    let placed = 0;
    for (let i = start[k]; i < start[k + 1]; i++) {
      const h = host[i];
      if (h < 0) continue;
      if (placed++ === 0) at = h;
      else if (h !== at) return undefined;
    }
    return placed >= 2 ? { host: at, replicas: placed } : undefined;
  }

  sharing(w: number): { placed: number; hosts: number; most: number; mostHost: number } | undefined {
    const { stepOf, start, host } = this.core;
    const k = stepOf[w] ?? -1;
    if (k < 0 || start[k + 1] - start[k] < 3) return undefined;
    const count = (this.counts ??= new Int32Array(this.hostCount));
    let placed = 0;
    let hosts = 0;
    let most = 0;
    let mostHost = -1;
    for (let i = start[k]; i < start[k + 1]; i++) {
      const h = host[i];
      if (h < 0) continue;
      placed++;
      if (count[h]++ === 0) hosts++;
      if (count[h] > most) {
        most = count[h];
        mostHost = h;
      }
    }
    for (let i = start[k]; i < start[k + 1]; i++) if (host[i] >= 0) count[host[i]] = 0;
    return hosts >= 2 && most >= 2 ? { placed, hosts, most, mostHost } : undefined;
  }

  placedOf(w: number): number {
    const { stepOf, start, failed } = this.core;
    const k = stepOf[w] ?? -1;
    return k < 0 ? 0 : start[k + 1] - start[k] - failed[k];
  }

  hostName(h: number): string {
    return this.core.model.hosts[h]?.name ?? '?';
  }

  get model(): HostModel {
    return this.core.model;
  }

  get packer(): Packer {
    return this.core.packer;
  }

  spec(w: number): Spec | undefined {
    return this.core.specs[w];
  }

  hasHost(name: string): boolean {
    return this.core.model.hostsByName.has(name);
  }

  replicasOf(w: number): number {
    return this.core.specs[w]?.wanted ?? 0;
  }

  deployOf(w: number): Deploy | null {
    return this.core.specs[w]?.deploy ?? null;
  }

  private contentsOfHosts(): HostContents[] {
    return (this.contents ??= contentsOf(this.core) as HostContents[]);
  }

  private simulate(h: number): FailureOutcome {
    const known = this.carry.failures.get(h);
    if (known) return known;
    const outcome = this.simulatorOf().simulate(h);
    this.carry.failures.set(h, outcome);
    return outcome;
  }

  private simulatorOf(): Simulator {
    return (this.simulator ??= new Simulator(this.core, this.contentsOfHosts()));
  }

  simulateFailure(name: string): FailureOutcome | undefined {
    const { hosts, hostsByName } = this.core.model;
    const h = hostsByName.get(name)?.[0];
    if (h !== undefined) return { ...this.simulate(h), target: { kind: 'host', name } };
    for (const kind of ['cluster', 'site'] as const) {
      const failed = hosts.filter((x) => (kind === 'cluster' ? x.clusterName : x.siteName) === name).map((x) => x.idx);
      if (name && failed.length) return { ...this.simulatorOf().simulate(failed[0], failed), target: { kind, name } };
    }
    return undefined;
  }

  simulateEveryFailure(budget = Infinity): FailureSweep {
    const sweep: FailureSweep = { outcomes: new Map(), skipped: [], work: 0, known: 0 };
    const { failures } = this.carry;
    // Replicas per host in the final packing: a host's failure re-places that many.
    const { load } = this.core.packer;
    for (let h = 0; h < load.length; h++) {
      if (load[h] === 0) continue;
      const known = failures.get(h);
      if (known) {
        sweep.outcomes.set(h, known);
        sweep.known++;
      } else if (sweep.work + load[h] <= budget || (budget > 0 && sweep.work === 0)) {
        // (The first host left is simulated whatever its size: each sweep makes progress.)
        const sim = this.simulatorOf();
        const before = sim.work;
        sweep.outcomes.set(h, this.simulate(h));
        // As counted by the simulator: the host's replicas.
        sweep.work += sim.work - before;
      } else sweep.skipped.push(h);
    }
    return sweep;
  }

  private capableOf(w: number): number[] {
    const s = this.core.specs[w];
    return s && s.need ? capableHosts(this.core.model, s.need) : [];
  }

  capableHosts(decl: WorkloadDecl): HostDecl[] {
    const i = this.workloadIndex.get(decl);
    return i === undefined ? [] : this.capableOf(i).map((h) => this.hostDecls[h]);
  }

  findCapableHost(w: number, accept: (h: HostDecl) => boolean): HostDecl | undefined {
    for (const h of this.capableOf(w)) if (accept(this.hostDecls[h])) return this.hostDecls[h];
    return undefined;
  }

  capableCount(w: number): number {
    return this.capableOf(w).length;
  }
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
