// Placing workloads in order, from scratch or from the previous placement of the same
// workspace.
//
// First-fit decreasing is a sequence of steps, one per workload; a step's decisions
// depend only on the packing state before it and on the workload's own values. Free
// capacity is a sum of whole numbers (millicores, bytes), so the state after a prefix of
// steps does not depend on the order of its sums: the previous final state, with the
// steps from the first changed one taken back out, is exactly the state a full placement
// has at that point. From there the new steps run while the previous ones are replayed
// beside them, and the set D of hosts whose state differs between the two is tracked
// (free capacity, in use or not, container VMs). A workload that is the same on both
// sides keeps its previous decision for a replica unless a host of D would now be
// preferred, or the previous host is in D and no longer takes it as it did: the search
// picks the host with the lowest preference key (`Packer.keyOf`) among those that pass,
// and every host outside D passes or fails exactly as before, with the same key. When D
// is empty and nothing changed lies ahead, the rest of the previous placement is the new one.

import { EPS, type Group, positionIn, type Spec } from './model';
import { Packer } from './packer';
import { type Core, type PlacementStats, type Steps, newSteps } from './state';

/** Places every replica of step k (workload spec `s`) by searching, from the packer's current state. */
export function placeStep(packer: Packer, s: Spec, out: Steps, k: number): void {
  packer.begin(s);
  const g = s.group!;
  let failed = 0;
  for (let i = out.start[k]; i < out.start[k + 1]; i++) {
    const h = packer.findHost(g);
    out.host[i] = h;
    if (h < 0) failed++;
    else out.made[i] = packer.commit(h);
  }
  out.failed[k] = failed;
  if (failed) out.why.set(k, packer.explain(s, g));
}

/** The placement order: pinned workloads first (fewest pins first), then largest first, then declaration order. */
export function compareSteps(specs: readonly Spec[]): (a: number, b: number) => number {
  return (a, b) => stepOrder(specs[a].pinRank, specs[a].share, a, specs[b].pinRank, specs[b].share, b);
}

/** The order of two steps, from their workloads' pin rank, share and index (see `compareSteps`). */
function stepOrder(pinA: number, shareA: number, a: number, pinB: number, shareB: number, b: number): number {
  return pinA - pinB || shareB - shareA || a - b;
}

export function fullOrder(specs: readonly Spec[], replicas: Int32Array, naive: boolean): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < specs.length; i++) if (!specs[i].blocked && replicas[i] > 0) out.push(i);
  if (!naive) {
    // `compareSteps` over the keys copied out: a sort of 100,000 compares each step some 17
    // times, and reading two numbers from arrays costs less than from two specs.
    const pinRank = new Float64Array(specs.length);
    const share = new Float64Array(specs.length);
    for (let k = 0; k < out.length; k++) {
      const i = out[k];
      pinRank[i] = specs[i].pinRank;
      share[i] = specs[i].share;
    }
    out.sort((a, b) => stepOrder(pinRank[a], share[a], a, pinRank[b], share[b], b));
  }
  return Int32Array.from(out);
}

export function placeAll(packer: Packer, specs: readonly Spec[], replicas: Int32Array, order: Int32Array): Steps {
  const steps = newSteps(packer.m, order, specs.length, specs, replicas);
  for (let k = 0; k < order.length; k++) placeStep(packer, specs[order[k]], steps, k);
  return steps;
}

export interface Resumed {
  steps: Steps;
  packer: Packer;
  stats: PlacementStats;
  /** Workloads matched on both sides whose decisions differ (hosts, VMs made, failures or their reason), in step order. */
  changed: number[];
}

/**
 * Resumes from `prev`. `newToOld[i]` is the previous index of workload `i` when its spec
 * and replica count are unchanged, else -1. `fresh` copies a packer's state.
 */
export function resume(prev: Core, specs: readonly Spec[], replicas: Int32Array, newToOld: Int32Array, fresh: (from: Packer) => Packer): Resumed {
  const n = specs.length;
  const oldOrder = prev.order;
  if (n === prev.specs.length) {
    let same = true;
    for (let i = 0; i < n && same; i++) same = newToOld[i] === i;
    // Every workload as before, at the same index: the previous decisions are the new ones
    // (they are never changed once made, so they can be shared).
    if (same) return { steps: prev, packer: fresh(prev.packer), stats: { mode: 'reused', steps: oldOrder.length, resumedAt: oldOrder.length, searched: 0, checked: 0, copied: 0, rolledBack: 0 }, changed: [] };
  }
  const oldToNew = new Int32Array(prev.specs.length).fill(-1);
  for (let i = 0; i < n; i++) if (newToOld[i] >= 0) oldToNew[newToOld[i]] = i;
  const { order, from } = mergeOrder(specs, replicas, newToOld, oldOrder, oldToNew);
  const out = newSteps(prev.model, order, n, specs, replicas, prev, from);
  const mOld = oldOrder.length;
  const mNew = order.length;
  let p = 0;
  while (p < mOld && p < mNew && oldToNew[oldOrder[p]] === order[p]) p++;
  copySteps(prev, 0, out, 0, p);
  const stats: PlacementStats = { mode: 'resumed', steps: mNew, resumedAt: p, searched: 0, checked: 0, copied: 0, rolledBack: 0 };
  if (p === mOld && p === mNew) {
    stats.mode = 'reused';
    return { steps: out, packer: fresh(prev.packer), stats, changed: [] };
  }

  // The state before step p: the previous final state with the later steps taken out, or
  // the empty state with the earlier ones put in, whichever touches fewer replicas.
  const forward = prev.start[p] < prev.start[mOld] - prev.start[p];
  const packer = forward ? new Packer(prev.model) : fresh(prev.packer);
  stats.rolledBack = forward ? putIn(prev, p, packer) : takeOut(prev, p, packer);
  packer.resetOpen();

  const walk = new Walk(prev, packer, out, stats);
  let unmatchedOld = 0;
  let unmatchedNew = 0;
  for (let k = p; k < mOld; k++) if (oldToNew[oldOrder[k]] < 0) unmatchedOld++;
  for (let k = p; k < mNew; k++) if (newToOld[order[k]] < 0) unmatchedNew++;
  let j = p;
  let k = p;
  for (;;) {
    while (j < mOld && oldToNew[oldOrder[j]] < 0) {
      walk.replayOld(j++);
      unmatchedOld--;
    }
    if (k >= mNew) break;
    const w = order[k];
    if (newToOld[w] < 0) {
      placeStep(packer, specs[w], out, k);
      walk.touchStep(k);
      unmatchedNew--;
      k++;
      continue;
    }
    // The same workload on both sides (matched workloads keep their relative order).
    if (walk.size === 0 && unmatchedOld === 0 && unmatchedNew === 0) {
      // Nothing differs and nothing changed lies ahead: the rest is as before.
      copySteps(prev, j, out, k, mNew - k);
      stats.searched = packer.searched;
      return { steps: out, packer: fresh(prev.packer), stats, changed: walk.changed };
    }
    walk.step(specs, w, j++, k++);
  }
  stats.searched = packer.searched;
  return { steps: out, packer, stats, changed: walk.changed };
}

/** Adds the effects of `prev`'s steps before p to the (empty) packing; returns the replicas added. */
function putIn(prev: Core, p: number, packer: Packer): number {
  const { vmOv, poolOs } = prev.model;
  const { start, host, made, cpu, mem, sto, pool } = prev;
  const { free, load } = packer;
  for (let k = 0; k < p; k++) {
    for (let i = start[k]; i < start[k + 1]; i++) {
      const h = host[i];
      if (h < 0) continue;
      const vm = made[i] === 1;
      free.cpu[h] -= vm ? cpu[k] + vmOv.cpu : cpu[k];
      free.mem[h] -= vm ? mem[k] + vmOv.mem : mem[k];
      free.sto[h] -= sto[k];
      load[h]++;
      if (vm && pool[k]) packer.addPool(h, poolOs[pool[k]]);
    }
  }
  return start[p];
}

/** Takes the effects of `prev`'s steps from p on out of its final packing, last first; returns the replicas taken out. */
function takeOut(prev: Core, p: number, packer: Packer): number {
  const { vmOv } = prev.model;
  const { start, host, made, cpu, mem, sto, pool } = prev;
  const { free, load } = packer;
  const m = prev.order.length;
  for (let k = m - 1; k >= p; k--) {
    for (let i = start[k + 1] - 1; i >= start[k]; i--) {
      const h = host[i];
      if (h < 0) continue;
      const vm = made[i] === 1;
      free.cpu[h] += vm ? cpu[k] + vmOv.cpu : cpu[k];
      free.mem[h] += vm ? mem[k] + vmOv.mem : mem[k];
      free.sto[h] += sto[k];
      load[h]--;
      if (vm && pool[k]) packer.popPool(h);
    }
  }
  return start[m] - start[p];
}

/** Copies `count` steps' decisions from `from` (at step j) to `to` (at step k); the workloads are the same. */
function copySteps(from: Steps, j: number, to: Steps, k: number, count: number): void {
  if (count <= 0) return;
  const a = from.start[j];
  const b = from.start[j + count];
  to.host.set(from.host.subarray(a, b), to.start[k]);
  to.made.set(from.made.subarray(a, b), to.start[k]);
  to.failed.set(from.failed.subarray(j, j + count), k);
  for (const [step, why] of from.why) if (step >= j && step < j + count) to.why.set(step - j + k, why);
}

/**
 * The new placement order from the previous one (matched workloads keep their relative
 * order), and for each new step the previous step of the same workload (-1: none).
 */
function mergeOrder(specs: readonly Spec[], replicas: Int32Array, newToOld: Int32Array, oldOrder: Int32Array, oldToNew: Int32Array): { order: Int32Array; from: Int32Array } {
  const cmp = compareSteps(specs);
  const added: number[] = [];
  for (let i = 0; i < specs.length; i++) if (newToOld[i] < 0 && !specs[i].blocked && replicas[i] > 0) added.push(i);
  added.sort(cmp);
  const order = new Int32Array(oldOrder.length + added.length);
  const from = new Int32Array(order.length);
  // Where each added workload goes: before the first matched previous step that compares
  // after it (a binary search: the matched steps keep their order, so they are sorted),
  // rather than a comparison (a read of two specs) per step.
  const at = new Int32Array(added.length);
  let lo = 0;
  for (let a = 0; a < added.length; a++) {
    let hi = oldOrder.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      // The first matched step from mid on (unmatched ones are few: the removed workloads).
      let k = mid;
      while (k < hi && oldToNew[oldOrder[k]] < 0) k++;
      if (k === hi || cmp(added[a], oldToNew[oldOrder[k]]) < 0) hi = mid;
      else lo = k + 1;
    }
    at[a] = lo;
  }
  let m = 0;
  let a = 0;
  for (let k = 0; k < oldOrder.length; k++) {
    while (a < added.length && at[a] <= k) {
      from[m] = -1;
      order[m++] = added[a++];
    }
    const i = oldToNew[oldOrder[k]];
    if (i < 0) continue;
    from[m] = k;
    order[m++] = i;
  }
  while (a < added.length) {
    from[m] = -1;
    order[m++] = added[a++];
  }
  return { order: order.subarray(0, m), from: from.subarray(0, m) };
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
  /**
   * Per group: its hosts in D with each one's position in the group (what `decide` reads,
   * without looking for it), most free CPU first: a replica is compared only with the
   * hosts that have its CPU free (most hosts of D are full, and fail for it as before).
   */
  private readonly dOf: (number[] | undefined)[];
  private readonly dPosOf: (number[] | undefined)[];
  private readonly vmCpu: number;
  private readonly vmMem: number;
  /** Matched workloads whose decisions differ from their previous ones (`Resumed.changed`). */
  readonly changed: number[] = [];

  constructor(
    private readonly prev: Core,
    private readonly packer: Packer,
    private readonly out: Steps,
    private readonly stats: PlacementStats,
  ) {
    const m = prev.model;
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
    this.dOf = new Array(m.groupList.length);
    this.dPosOf = new Array(m.groupList.length);
    this.vmCpu = m.vmOv.cpu;
    this.vmMem = m.vmOv.mem;
  }

  get size(): number {
    return this.d.length;
  }

  /** Advances the previous side by replica i (of previous step j) on `h`. */
  private old(j: number, h: number, vm: boolean): void {
    const { prev } = this;
    this.oldCpu[h] -= vm ? prev.cpu[j] + this.vmCpu : prev.cpu[j];
    this.oldMem[h] -= vm ? prev.mem[j] + this.vmMem : prev.mem[j];
    this.oldSto[h] -= prev.sto[j];
    this.oldLoad[h]++;
    const pool = prev.pool[j];
    if (vm && pool) this.oldPool(h, this.prev.model.poolOs[pool]);
  }

  private oldPool(h: number, os: string): void {
    if (!this.oldPoolsOwned[h]) {
      this.oldPools[h] = this.oldPools[h].slice();
      this.oldPoolsOwned[h] = 1;
    }
    this.oldPools[h].push(os);
  }

  /** A previous step with no counterpart in the new order. */
  replayOld(j: number): void {
    const { prev } = this;
    for (let i = prev.start[j]; i < prev.start[j + 1]; i++) {
      const h = prev.host[i];
      if (h < 0) continue;
      this.old(j, h, prev.made[i] === 1);
      this.touch(h);
    }
  }

  /** A new step with no counterpart in the previous order, just placed. */
  touchStep(k: number): void {
    const { out } = this;
    for (let i = out.start[k]; i < out.start[k + 1]; i++) if (out.host[i] >= 0) this.touch(out.host[i]);
  }

  /** Re-evaluates whether `h` differs between the two sides. */
  private touch(h: number): void {
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
    if (differs === (this.inD[h] === 1)) {
      // Still in D, with less CPU free than before (it only falls): moved down its lists.
      if (differs) this.sink(h);
      return;
    }
    const groups = this.prev.model.hostGroups[h];
    if (differs) {
      this.inD[h] = 1;
      this.dPos[h] = this.d.length;
      this.d.push(h);
      const c = free.cpu[h];
      for (const { g, pos } of groups) {
        if (g >= this.groupD.length) continue;
        this.groupD[g]++;
        const list = (this.dOf[g] ??= []);
        const at = (this.dPosOf[g] ??= []);
        let i = list.length;
        list.push(h);
        at.push(pos);
        for (; i > 0 && free.cpu[list[i - 1]] < c; i--) {
          list[i] = list[i - 1];
          at[i] = at[i - 1];
        }
        list[i] = h;
        at[i] = pos;
      }
    } else {
      this.inD[h] = 0;
      const last = this.d.pop()!;
      if (last !== h) {
        this.d[this.dPos[h]] = last;
        this.dPos[last] = this.dPos[h];
      }
      for (const { g } of groups) {
        if (g >= this.groupD.length) continue;
        this.groupD[g]--;
        const list = this.dOf[g]!;
        const at = this.dPosOf[g]!;
        const i = list.indexOf(h);
        list.splice(i, 1);
        at.splice(i, 1);
      }
    }
  }

  /** Host h (in D) has less CPU free: restores the order of its groups' lists. */
  private sink(h: number): void {
    const cpu = this.packer.free.cpu;
    const c = cpu[h];
    for (const { g } of this.prev.model.hostGroups[h]) {
      if (g >= this.groupD.length) continue;
      const list = this.dOf[g]!;
      const at = this.dPosOf[g]!;
      let i = list.indexOf(h);
      const pos = at[i];
      for (; i + 1 < list.length && cpu[list[i + 1]] > c; i++) {
        list[i] = list[i + 1];
        at[i] = at[i + 1];
      }
      list[i] = h;
      at[i] = pos;
    }
  }

  /** Previous step j and new step k place the same workload `w`: its decisions, checked against D. */
  step(specs: readonly Spec[], w: number, j: number, k: number): void {
    const { packer, stats, prev, out } = this;
    const a = prev.start[j];
    const len = prev.start[j + 1] - a;
    const a2 = out.start[k];
    if (this.groupD[prev.group[j]] === 0) {
      // No host it may use differs: the same decisions, the same effects on both sides.
      const { free, openFree, load } = packer;
      const pool = prev.pool[j] ? prev.model.poolOs[prev.pool[j]] : null;
      for (let r = 0; r < len; r++) {
        const h = prev.host[a + r];
        out.host[a2 + r] = h;
        if (h < 0) continue;
        const vm = prev.made[a + r];
        out.made[a2 + r] = vm;
        const c = vm ? prev.cpu[j] + this.vmCpu : prev.cpu[j];
        const m = vm ? prev.mem[j] + this.vmMem : prev.mem[j];
        const st = prev.sto[j];
        load[h]++;
        openFree.cpu[h] = free.cpu[h] -= c;
        openFree.mem[h] = free.mem[h] -= m;
        openFree.sto[h] = free.sto[h] -= st;
        packer.changed(h);
        this.oldCpu[h] -= c;
        this.oldMem[h] -= m;
        this.oldSto[h] -= st;
        this.oldLoad[h]++;
        if (vm && pool !== null) {
          packer.addPool(h, pool);
          this.oldPool(h, pool);
        }
      }
      if ((out.failed[k] = prev.failed[j])) out.why.set(k, prev.why.get(j)!);
      stats.copied += len;
      return;
    }
    // The workload's values from the step arrays: its spec is read only to explain a failure.
    const g = prev.model.groupList[prev.group[j]];
    packer.beginStep(out, k);
    let deviated = false;
    let changed = false;
    let failed = 0;
    for (let r = 0; r < len; r++) {
      const hOld = prev.host[a + r];
      const vm = prev.made[a + r] === 1;
      let h: number;
      if (!deviated) {
        stats.checked++;
        h = this.decide(g, out.cpu[k], hOld);
        if (h === UNKNOWN) h = packer.findHost(g);
        if (h !== hOld) deviated = true;
      } else h = packer.findHost(g);
      out.host[a2 + r] = h;
      if (h >= 0) {
        const mk = packer.commit(h);
        out.made[a2 + r] = mk;
        if (mk !== (vm ? 1 : 0)) changed = true;
      } else failed++;
      if (h !== hOld) changed = true;
      if (hOld >= 0) this.old(j, hOld, vm);
      // The same effect on both sides leaves a host that did not differ as it was.
      if (h >= 0 && (h !== hOld || this.inD[h] || out.made[a2 + r] !== (vm ? 1 : 0))) this.touch(h);
      if (hOld >= 0 && hOld !== h) this.touch(hOld);
    }
    out.failed[k] = failed;
    if (failed !== prev.failed[j]) changed = true;
    if (failed) {
      const old = prev.why.get(j);
      if (!changed && old && this.groupD[g.id] === 0) out.why.set(k, old);
      else {
        // The reason for what failed rests on the state of the group's hosts.
        const why = packer.explain(specs[w], g);
        const same = old && why.kind === old.kind && why.reason === old.reason && why.field === old.field;
        out.why.set(k, same ? old : why);
        if (!same) changed = true;
      }
    }
    if (changed) this.changed.push(w);
  }

  /**
   * The host the search would choose for the current replica, given that it chose `hOld`
   * on the previous side with the same spreading state; UNKNOWN when only a search can
   * tell. Hosts outside D pass or fail as before with the same key: those with a lower
   * key than hOld's previous one failed, so the choice is the lowest key among hOld and
   * the hosts of D, unless hOld's own key rose.
   */
  private decide(g: Group, cpuNeed: number, hOld: number): number {
    const { packer } = this;
    const { model } = this.prev;
    let best = hOld;
    // hOld's key (two parts, see `Packer.keyOf`), computed when first needed (-2: not yet).
    let bestKey = hOld < 0 ? Infinity : -2;
    let bestLo = 0;
    if (hOld >= 0 && this.inD[hOld]) {
      bestKey = packer.keyOf(g, hOld, positionIn(model, g, hOld));
      bestLo = packer.keyLo;
      if (bestKey < 0) return UNKNOWN;
      // Its key rose (it is empty now, no longer in use): a host that came after it before
      // may come first now, and only a search knows which.
      if (packer.load[hOld] === 0 && this.oldLoad[hOld] > 0) return UNKNOWN;
    }
    // The group's hosts in D, most free CPU first: from the first without room for it, none has.
    const list = this.dOf[g.id];
    if (!list) return best;
    const at = this.dPosOf[g.id]!;
    const cpu = packer.free.cpu;
    const need = cpuNeed - EPS;
    for (let i = 0; i < list.length; i++) {
      const h = list[i];
      if (cpu[h] < need) break;
      if (h === hOld) continue;
      const pos = at[i];
      const key = packer.keyOf(g, h, pos);
      if (key < 0) continue;
      const lo = packer.keyLo;
      if (bestKey === -2) {
        if ((bestKey = packer.keyOf(g, hOld, positionIn(model, g, hOld))) < 0) return UNKNOWN;
        bestLo = packer.keyLo;
      }
      if (key < bestKey || (key === bestKey && lo < bestLo)) {
        best = h;
        bestKey = key;
        bestLo = lo;
      }
    }
    return best;
  }
}

const UNKNOWN = -2;
