// Placing workloads in order, from scratch or from the previous placement of the same
// workspace.
//
// First-fit decreasing is a sequence of steps, one per workload; a step's decisions
// depend only on the packing state before it and on the workload's own values. Free
// capacity is a sum of whole numbers (millicores, bytes), so the state after a prefix of
// steps does not depend on the order of its sums: the previous final state, with the
// steps from the first changed one taken back out, is exactly the state a full placement
// has at that point. From there the new steps run while the previous ones are replayed
// beside them, and the hosts whose state differs between the two are tracked (free
// capacity, in use or not, container VMs). A workload that is the same on both sides
// keeps its previous decision for a replica unless one of those differing hosts would
// now be preferred, or the previous host itself changed and no longer takes it: the
// search picks the host with the lowest preference key (`Packer.keyOf`) among those that
// pass, and every other host passes or fails exactly as before. When no host differs
// and nothing changed lies ahead, the rest of the previous placement is the new one.

import type { HostModel, Spec } from './model';
import type { Packer } from './packer';
import { type Core, EMPTY, type PlacementStats, type Result, makeResult } from './state';

/** Places every replica of one workload by searching, from the packer's current state. */
export function placeStep(packer: Packer, s: Spec, replicas: number): Result {
  packer.begin(s);
  const g = s.group!;
  const hosts = new Array<number>(replicas);
  const made = s.deploy === 'container-in-vm' ? new Uint8Array(replicas) : null;
  let failed = 0;
  for (let r = 0; r < replicas; r++) {
    const h = packer.findHost(g);
    hosts[r] = h;
    if (h < 0) failed++;
    else if (made) made[r] = packer.commit(h);
    else packer.commit(h);
  }
  return makeResult(hosts, made, failed ? packer.explain(s, g) : undefined);
}

/** The placement order: pinned workloads first (fewest pins first), then largest first, then declaration order. */
export function compareSteps(specs: readonly Spec[]): (a: number, b: number) => number {
  return (a, b) => specs[a].pinRank - specs[b].pinRank || specs[b].share - specs[a].share || a - b;
}

export function fullOrder(specs: readonly Spec[], replicas: Int32Array, naive: boolean): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < specs.length; i++) if (!specs[i].blocked && replicas[i] > 0) out.push(i);
  if (!naive) out.sort(compareSteps(specs));
  return Int32Array.from(out);
}

export function placeAll(packer: Packer, specs: readonly Spec[], replicas: Int32Array, order: Int32Array): Result[] {
  const results = new Array<Result>(specs.length).fill(EMPTY);
  for (const w of order) results[w] = placeStep(packer, specs[w], replicas[w]);
  return results;
}

export interface Resumed {
  order: Int32Array;
  results: Result[];
  packer: Packer;
  stats: PlacementStats;
}

/**
 * Resumes from `prev`. `newToOld[i]` is the previous index of workload `i` when its spec
 * and replica count are unchanged, else -1. `fresh` makes a packer from a state.
 */
export function resume(
  prev: Core,
  specs: readonly Spec[],
  replicas: Int32Array,
  newToOld: Int32Array,
  fresh: (state: Packer) => Packer,
): Resumed {
  const model = prev.model;
  const n = specs.length;
  const oldOrder = prev.order;
  const oldToNew = new Int32Array(prev.specs.length).fill(-1);
  for (let i = 0; i < n; i++) if (newToOld[i] >= 0) oldToNew[newToOld[i]] = i;
  const order = mergeOrder(specs, replicas, newToOld, oldOrder, oldToNew);
  const results = new Array<Result>(n).fill(EMPTY);
  const mOld = oldOrder.length;
  const mNew = order.length;
  let p = 0;
  while (p < mOld && p < mNew && oldToNew[oldOrder[p]] === order[p]) p++;
  for (let k = 0; k < p; k++) results[order[k]] = prev.results[oldOrder[k]];
  const stats: PlacementStats = { mode: 'resumed', steps: mNew, resumedAt: p, searched: 0, checked: 0, copied: 0, rolledBack: 0 };
  if (p === mOld && p === mNew) {
    stats.mode = 'reused';
    return { order, results, packer: fresh(prev.packer), stats };
  }

  // Roll the previous final state back to step p.
  const packer = fresh(prev.packer);
  const { vmOv } = model;
  const { free, load } = packer;
  for (let k = mOld - 1; k >= p; k--) {
    const w = oldOrder[k];
    const s = prev.specs[w];
    const { hosts, made } = prev.results[w];
    for (let r = hosts.length - 1; r >= 0; r--) {
      const h = hosts[r];
      if (h < 0) continue;
      const vm = made !== null && made[r] === 1;
      free.cpu[h] += vm ? s.cpu + vmOv.cpu : s.cpu;
      free.mem[h] += vm ? s.mem + vmOv.mem : s.mem;
      free.sto[h] += s.sto;
      load[h]--;
      if (vm && !s.strict) packer.popPool(h);
      stats.rolledBack++;
    }
  }
  packer.resetOpen();

  const walk = new Walk(model, packer, stats);
  let unmatchedOld = 0;
  let unmatchedNew = 0;
  for (let k = p; k < mOld; k++) if (oldToNew[oldOrder[k]] < 0) unmatchedOld++;
  for (let k = p; k < mNew; k++) if (newToOld[order[k]] < 0) unmatchedNew++;
  let j = p;
  let k = p;
  for (;;) {
    while (j < mOld && oldToNew[oldOrder[j]] < 0) {
      const w = oldOrder[j++];
      walk.replayOld(prev.specs[w], prev.results[w]);
      unmatchedOld--;
    }
    if (k >= mNew) break;
    const w = order[k];
    if (newToOld[w] < 0) {
      const r = placeStep(packer, specs[w], replicas[w]);
      results[w] = r;
      walk.touchAll(r.hosts);
      unmatchedNew--;
      k++;
      continue;
    }
    // The same workload on both sides (matched workloads keep their relative order).
    if (walk.size === 0 && unmatchedOld === 0 && unmatchedNew === 0) {
      // Nothing differs and nothing changed lies ahead: the rest is as before.
      for (; k < mNew; k++, j++) results[order[k]] = prev.results[oldOrder[j]];
      stats.searched = packer.searched;
      return { order, results, packer: fresh(prev.packer), stats };
    }
    results[w] = walk.step(specs[w], replicas[w], prev.results[oldOrder[j]]);
    j++;
    k++;
  }
  stats.searched = packer.searched;
  return { order, results, packer, stats };
}

/** The new placement order from the previous one: matched workloads keep their relative order. */
function mergeOrder(specs: readonly Spec[], replicas: Int32Array, newToOld: Int32Array, oldOrder: Int32Array, oldToNew: Int32Array): Int32Array {
  const cmp = compareSteps(specs);
  const added: number[] = [];
  for (let i = 0; i < specs.length; i++) if (newToOld[i] < 0 && !specs[i].blocked && replicas[i] > 0) added.push(i);
  added.sort(cmp);
  const out = new Int32Array(oldOrder.length + added.length);
  let m = 0;
  let a = 0;
  for (let k = 0; k < oldOrder.length; k++) {
    const i = oldToNew[oldOrder[k]];
    if (i < 0) continue;
    while (a < added.length && cmp(added[a], i) < 0) out[m++] = added[a++];
    out[m++] = i;
  }
  while (a < added.length) out[m++] = added[a++];
  return out.subarray(0, m);
}

/**
 * The previous placement replayed beside the new one: its state at the aligned step
 * (`old*`), and the set D of hosts whose state differs from the new packing's.
 */
class Walk {
  private readonly oldCpu: Float64Array;
  private readonly oldMem: Float64Array;
  private readonly oldSto: Float64Array;
  private readonly oldLoad: Int32Array;
  private readonly oldPools: string[][];
  private readonly oldPoolsOwned: Uint8Array;
  private readonly inD: Uint8Array;
  private readonly dPos: Int32Array;
  private readonly d: number[] = [];
  /** Per group: how many of its hosts are in D. */
  private readonly groupD: Int32Array;

  constructor(
    private readonly m: HostModel,
    private readonly packer: Packer,
    private readonly stats: PlacementStats,
  ) {
    const H = m.hosts.length;
    this.oldCpu = Float64Array.from(packer.free.cpu);
    this.oldMem = Float64Array.from(packer.free.mem);
    this.oldSto = Float64Array.from(packer.free.sto);
    this.oldLoad = Int32Array.from(packer.load);
    this.oldPools = packer.sharePools();
    this.oldPoolsOwned = new Uint8Array(H);
    this.inD = new Uint8Array(H);
    this.dPos = new Int32Array(H);
    this.groupD = new Int32Array(m.groupList.length);
  }

  get size(): number {
    return this.d.length;
  }

  /** Advances the previous side by one replica of `s` on `h`. */
  private old(s: Spec, h: number, vm: boolean): void {
    const { vmOv } = this.m;
    this.oldCpu[h] -= vm ? s.cpu + vmOv.cpu : s.cpu;
    this.oldMem[h] -= vm ? s.mem + vmOv.mem : s.mem;
    this.oldSto[h] -= s.sto;
    this.oldLoad[h]++;
    if (vm && !s.strict) {
      if (!this.oldPoolsOwned[h]) {
        this.oldPools[h] = this.oldPools[h].slice();
        this.oldPoolsOwned[h] = 1;
      }
      this.oldPools[h].push(s.os === 'any' ? 'linux' : s.os);
    }
  }

  /** A previous step with no counterpart in the new order. */
  replayOld(s: Spec, r: Result): void {
    for (let i = 0; i < r.hosts.length; i++) {
      const h = r.hosts[i];
      if (h < 0) continue;
      this.old(s, h, r.made !== null && r.made[i] === 1);
      this.touch(h);
    }
  }

  touchAll(hosts: readonly number[]): void {
    for (const h of hosts) if (h >= 0) this.touch(h);
  }

  /** Re-evaluates whether `h` differs between the two sides. */
  touch(h: number): void {
    const { free, load, pools } = this.packer;
    let differs = free.cpu[h] !== this.oldCpu[h] || free.mem[h] !== this.oldMem[h] || free.sto[h] !== this.oldSto[h] || load[h] > 0 !== this.oldLoad[h] > 0;
    if (!differs) {
      const a = pools[h];
      const b = this.oldPools[h];
      if (a !== b) {
        if (a.length !== b.length) differs = true;
        else for (let i = 0; i < a.length && !differs; i++) differs = a[i] !== b[i];
      }
    }
    if (differs === (this.inD[h] === 1)) return;
    const groups = this.m.hostGroups[h];
    if (differs) {
      this.inD[h] = 1;
      this.dPos[h] = this.d.length;
      this.d.push(h);
      for (const { g } of groups) if (g < this.groupD.length) this.groupD[g]++;
    } else {
      this.inD[h] = 0;
      const last = this.d.pop()!;
      if (last !== h) {
        this.d[this.dPos[h]] = last;
        this.dPos[last] = this.dPos[h];
      }
      for (const { g } of groups) if (g < this.groupD.length) this.groupD[g]--;
    }
  }

  /** A workload placed on both sides: its previous decisions, checked against D. */
  step(s: Spec, replicas: number, prev: Result): Result {
    const g = s.group!;
    const { packer, stats } = this;
    const { hosts, made } = prev;
    if (this.groupD[g.id] === 0) {
      // No host it may use differs: the same decisions, the same effects on both sides.
      packer.begin(s);
      for (let r = 0; r < replicas; r++) {
        const h = hosts[r];
        if (h < 0) continue;
        const vm = made !== null && made[r] === 1;
        const mk = packer.commit(h);
        this.old(s, h, vm);
        if (mk !== (vm ? 1 : 0)) this.touch(h);
      }
      stats.copied += replicas;
      return prev;
    }
    packer.begin(s);
    const newHosts = new Array<number>(replicas);
    const newMade = made ? new Uint8Array(replicas) : null;
    let deviated = false;
    let changed = false;
    for (let r = 0; r < replicas; r++) {
      const hOld = hosts[r];
      let h: number;
      if (!deviated) {
        stats.checked++;
        h = this.decide(s, hOld);
        if (h === UNKNOWN) h = packer.findHost(g);
        if (h !== hOld) deviated = true;
      } else h = packer.findHost(g);
      newHosts[r] = h;
      const vm = made !== null && made[r] === 1;
      if (h >= 0) {
        const mk = packer.commit(h);
        if (newMade) newMade[r] = mk;
        if (mk !== (vm ? 1 : 0) || h !== hOld) changed = true;
      } else if (hOld >= 0) changed = true;
      if (hOld >= 0) this.old(s, hOld, vm);
      if (h >= 0) this.touch(h);
      if (hOld >= 0 && hOld !== h) this.touch(hOld);
    }
    let failed = false;
    for (const h of newHosts) if (h < 0) failed = true;
    if (!changed) {
      // Same decisions; the reason for what failed rests on the group's state.
      if (!failed || this.groupD[g.id] === 0) return prev;
      const why = packer.explain(s, g);
      if (prev.why && why.kind === prev.why.kind && why.reason === prev.why.reason && why.field === prev.why.field) return prev;
      return makeResult(prev.hosts, prev.made, why);
    }
    return makeResult(newHosts, newMade, failed ? packer.explain(s, g) : undefined);
  }

  /**
   * The host the search would choose for the current replica, given that it chose `hOld`
   * on the previous side with the same spreading state; UNKNOWN when only a search can
   * tell. Hosts outside D pass or fail as before with the same key: those with a lower
   * key than hOld's previous one failed, so the choice is the lowest key among hOld and
   * the hosts of D, unless hOld's own key rose.
   */
  private decide(s: Spec, hOld: number): number {
    const g = s.group!;
    const { packer } = this;
    let best = -1;
    let bestKey = Infinity;
    if (hOld >= 0) {
      const key = packer.keyOf(g, hOld, posIn(this.m, g.id, hOld));
      if (key < 0) return UNKNOWN;
      // Its key rose (it is empty now, no longer in use): a host that came after it before
      // may come first now, and only a search knows which.
      if (this.inD[hOld] && packer.load[hOld] === 0 && this.oldLoad[hOld] > 0) return UNKNOWN;
      best = hOld;
      bestKey = key;
    }
    for (const h of this.d) {
      if (h === hOld) continue;
      const pos = posIn(this.m, g.id, h);
      if (pos < 0) continue;
      const key = packer.keyOf(g, h, pos);
      if (key >= 0 && key < bestKey) {
        best = h;
        bestKey = key;
      }
    }
    return best;
  }
}

const UNKNOWN = -2;

function posIn(m: HostModel, g: number, h: number): number {
  for (const x of m.hostGroups[h]) if (x.g === g) return x.pos;
  return -1;
}
