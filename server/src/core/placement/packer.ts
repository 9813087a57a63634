// The packing state of one placement: free capacity per host, how many replicas each
// host runs (a host in use is filled before an empty one is opened) and the container
// VMs shared per guest OS on each host; the fit trees over each host group, kept in sync
// lazily (a host changed since the last search is re-read just before the next one);
// and the first-fit search with spreading.

import type { UnplacedKind } from '../../../../shared/protocol';
import { FitTree, type FreeArrays } from './fitTree';
import { containerVmOs, existingVm, type HostContents, joinsSharedVm } from './contents';
import { KIND, type Steps, VM_PORTABLE, VM_STRICT } from './state';
import { type Blocked, EPS, type Group, type HostModel, MAX_SPREAD_SITES, positionIn, type Spec, article, describeHostKind, formatBytes, formatCpu, list, ociOs, roleFits } from './model';

export class Packer {
  /** Off: container-in-vm replicas are searched in one pass, as before the VM trees (tests compare both). */
  static vmSearch = true;
  readonly free: FreeArrays;
  /** Free capacity of hosts in use; -1 for the others (they read as full). */
  readonly openFree: FreeArrays;
  /** Replicas placed per host (in failure simulations: unchanged). */
  readonly load: Int32Array;
  /** Shared container VMs per host, by guest OS, in the order they were made. */
  readonly pools: string[][];
  private readonly poolsOwned: Uint8Array;
  private readonly trees: (FitTree | undefined)[] = [];
  private readonly openTrees: (FitTree | undefined)[] = [];
  private readonly dirty: Uint8Array;
  /**
   * Hosts changed since the last search: the first `dirtyCount` entries. This list and the
   * two below are emptied by their count, not `length = 0`, which drops the array's
   * storage, so that the next push (one per replica) would allocate it again.
   */
  private readonly dirtyList: number[] = [];
  private dirtyCount = 0;
  /**
   * Container-in-vm searches: per guest OS ('' for a portable workload, which joins any
   * container VM), the free capacity of the hosts that already run such a VM (-1 for the
   * others), over all hosts and over the hosts in use; and fit trees over them per group.
   * Without them a search for a replica that needs a new VM visits every host with room
   * for the replica but not for the VM: at 100,000 workloads, 20 million leaves.
   */
  private vmFree = new Map<string, { all: FreeArrays; open: FreeArrays }>();
  private vmTrees: (Map<string, [FitTree, FitTree]> | undefined)[] = [];
  /** The same as lists, in the maps' order, for `sync` (run per replica): no iterator or entry pair per host. */
  private vmFreeList: { os: string; arrays: { all: FreeArrays; open: FreeArrays } }[] = [];
  private vmTreeList: (FitTree[] | undefined)[] = [];
  /** Hosts given a dedicated container VM of the workload being placed (strict isolation). */
  private readonly dedicatedList: number[] = [];
  private dedicatedCount = 0;

  /** Free GPUs per host. */
  readonly gpu: Int32Array;
  /** Each host's CPU, beside `gpu`: read for every host a replica is weighed against, without touching the host objects. */
  private readonly hostCpu: Float64Array;
  /** Each host's site, read per replica placed (`note`) without touching the host objects. */
  private readonly hostSite: Int32Array;
  // Spreading state of the workload being placed: replicas per host (valid where
  // `mark` is the current stamp), per-site counts, and the fewest replicas a host with
  // room may run (hosts running fewer have no room: replicas spread evenly).
  readonly mark: Int32Array;
  readonly count: Int32Array;
  stamp = 0;
  private level = 0;
  private most = 0;
  /** The second part of the last `keyOf` (its first part is returned). */
  keyLo = 0;
  readonly siteCount: Int32Array;
  private readonly touchedSites: number[] = [];
  private touchedCount = 0;
  /** Hosts with a dedicated container VM of the workload being placed (marked with `stamp`). */
  private readonly dedicated: Int32Array;
  /** Scratch: a group's site ranges in the order they are tried. */
  private readonly siteOrder = new Int32Array(MAX_SPREAD_SITES);

  /** The workload being placed when `begin` was given its spec (failure simulations read it); null after `beginStep`. */
  cur: Spec | null = null;
  // What the searches read of the workload being placed, as plain numbers: set from its
  // spec or from a placement's step arrays, so a resumed step reads no spec object.
  private needCpu = 0;
  private needMem = 0;
  private needSto = 0;
  private needVcpus = 0;
  private needGpus = 0;
  /** container-in-vm, and then: a dedicated VM per workload (strict), the guest OS of a new shared VM, and the workload's OS (the shared VMs it joins). */
  private civ = false;
  private strict = false;
  private vmOs = '';
  private joinOs = '';
  /**
   * While a failure is simulated: the container VMs on each host, and the workload being
   * re-placed (else the packing's own pools and dedicated marks are used).
   */
  simVms: { contents: HostContents[]; w: number } | null = null;
  /** Replicas placed by a search (for tests and the benchmark). */
  searched = 0;
  /** Set while a failure is simulated: every change of free capacity, to undo. */
  undo: number[] | null = null;

  constructor(
    readonly m: HostModel,
    state?: { cpu: Float64Array; mem: Float64Array; sto: Float64Array; load: Int32Array; pools: string[][] },
  ) {
    const H = m.hosts.length;
    if (state) {
      // `slice` copies a typed array in one go; `from` goes element by element through an iterator.
      this.free = { cpu: state.cpu.slice(), mem: state.mem.slice(), sto: state.sto.slice() };
      this.load = state.load.slice();
      this.pools = state.pools.slice();
    } else {
      this.free = { cpu: new Float64Array(H), mem: new Float64Array(H), sto: new Float64Array(H) };
      for (const h of m.hosts) {
        this.free.cpu[h.idx] = h.allocCpu;
        this.free.mem[h.idx] = h.allocMem;
        this.free.sto[h.idx] = h.storage;
      }
      this.load = new Int32Array(H);
      this.pools = m.hosts.map(() => NONE);
    }
    this.poolsOwned = new Uint8Array(H);
    this.openFree = { cpu: new Float64Array(H), mem: new Float64Array(H), sto: new Float64Array(H) };
    this.resetOpen();
    this.dirty = new Uint8Array(H);
    // Placements that use GPUs are never resumed, so a copied state has every GPU free.
    this.gpu = new Int32Array(H);
    this.hostCpu = new Float64Array(H);
    this.hostSite = new Int32Array(H);
    for (let h = 0; h < H; h++) {
      this.gpu[h] = m.hosts[h].gpus;
      this.hostCpu[h] = m.hosts[h].cpu;
      this.hostSite[h] = m.hosts[h].site;
    }
    this.mark = new Int32Array(H);
    this.count = new Int32Array(H);
    this.dedicated = new Int32Array(H);
    this.siteCount = new Int32Array(Math.max(1, m.sites));
  }

  /** A packer on `m` (this one's model or its successor with the same hosts) starting from this one's packing. */
  copy(m: HostModel = this.m): Packer {
    return new Packer(m, { cpu: this.free.cpu, mem: this.free.mem, sto: this.free.sto, load: this.load, pools: this.pools });
  }

  /** Re-derives the open hosts' free capacity after `free` and `load` were set directly. */
  resetOpen(): void {
    const { free, openFree, load } = this;
    for (let h = 0; h < load.length; h++) {
      const open = load[h] > 0;
      openFree.cpu[h] = open ? free.cpu[h] : -1;
      openFree.mem[h] = open ? free.mem[h] : -1;
      openFree.sto[h] = open ? free.sto[h] : -1;
    }
    for (let g = 0; g < this.trees.length; g++) this.trees[g] = this.openTrees[g] = undefined;
    this.vmFree = new Map();
    this.vmTrees = [];
    this.vmFreeList = [];
    this.vmTreeList = [];
    for (let k = 0; k < this.dirtyCount; k++) this.dirty[this.dirtyList[k]] = 0;
    this.dirtyCount = 0;
  }

  setFree(h: number, cpu: number, mem: number, sto: number): void {
    const { free, openFree } = this;
    if (this.undo) this.undo.push(h, free.cpu[h], free.mem[h], free.sto[h]);
    free.cpu[h] = cpu;
    free.mem[h] = mem;
    free.sto[h] = sto;
    const open = this.load[h] > 0;
    openFree.cpu[h] = open ? cpu : -1;
    openFree.mem[h] = open ? mem : -1;
    openFree.sto[h] = open ? sto : -1;
    if (!this.dirty[h]) {
      this.dirty[h] = 1;
      this.dirtyList[this.dirtyCount++] = h;
    }
  }

  /** Notes that `h`'s free capacity was changed directly (its tree leaves are re-read before the next search). */
  changed(h: number): void {
    if (!this.dirty[h]) {
      this.dirty[h] = 1;
      this.dirtyList[this.dirtyCount++] = h;
    }
  }

  // -------------------------------------------------------------------------
  // One workload at a time.

  /** Starts placing `s`: no host runs it yet except `held`. */
  begin(s: Spec, held?: readonly number[]): void {
    this.cur = s;
    this.needCpu = s.cpu;
    this.needMem = s.mem;
    this.needSto = s.sto;
    this.needVcpus = s.vcpus;
    this.needGpus = s.gpus;
    this.civ = s.deploy === 'container-in-vm';
    this.strict = s.strict;
    this.vmOs = containerVmOs(s);
    this.joinOs = s.os;
    this.start(held);
  }

  /** Starts placing the workload of step k of `steps` (its costs as `begin` would read them from the spec). */
  beginStep(steps: Steps, k: number): void {
    this.cur = null;
    this.needCpu = steps.cpu[k];
    this.needMem = steps.mem[k];
    this.needSto = steps.sto[k];
    this.needVcpus = steps.vcpus[k];
    // Placements that use GPUs are never resumed.
    this.needGpus = 0;
    const kind = steps.kind[k];
    this.civ = kind === KIND['container-in-vm'];
    this.strict = this.civ && (steps.vmFlags[k] & VM_STRICT) !== 0;
    if (this.civ && !this.strict) {
      this.vmOs = this.m.poolOs[steps.pool[k]];
      this.joinOs = steps.vmFlags[k] & VM_PORTABLE ? 'any' : this.vmOs;
    }
    this.start();
  }

  private start(held?: readonly number[]): void {
    this.stamp++;
    this.level = 0;
    this.most = 0;
    this.dedicatedCount = 0;
    for (let k = 0; k < this.touchedCount; k++) this.siteCount[this.touchedSites[k]] = 0;
    this.touchedCount = 0;
    if (held) for (const h of held) if (h >= 0) this.note(h);
  }

  /** Records that the current workload now runs on `h`. */
  note(h: number): void {
    const c = this.mark[h] === this.stamp ? this.count[h] + 1 : 1;
    this.mark[h] = this.stamp;
    this.count[h] = c;
    if (c > this.most) this.most = c;
    const s = this.hostSite[h];
    if (this.siteCount[s]++ === 0) this.touchedSites[this.touchedCount++] = s;
  }

  /** Whether a container-in-vm replica of the current workload would join a VM already on `h`. */
  private hasVm(h: number): boolean {
    const sim = this.simVms;
    if (sim) return existingVm(sim.contents[h], this.cur!, sim.w) !== undefined;
    if (this.strict) return this.dedicated[h] === this.stamp;
    return joinsSharedVm(this.pools[h], this.joinOs);
  }

  /** Replicas of the current workload on `h`. */
  countOn(h: number): number {
    return this.mark[h] === this.stamp ? this.count[h] : 0;
  }

  /**
   * What the fit trees do not check: no VM gets more vCPUs than its host has cores
   * (vSphere and Hyper-V refuse it), free GPUs, and room for a new container VM too
   * when the replica would need one.
   */
  readonly fitsVm = (h: number): boolean => {
    if (this.needVcpus > this.hostCpu[h] + EPS || this.gpu[h] < this.needGpus) return false;
    if (!this.civ || this.hasVm(h)) return true;
    return this.free.cpu[h] + EPS >= this.needCpu + this.m.vmOv.cpu && this.free.mem[h] + EPS >= this.needMem + this.m.vmOv.mem;
  };
  readonly spread = (h: number): boolean => this.countOn(h) <= this.level && this.fitsVm(h);

  /**
   * Puts a replica of the current workload on `h` in the packing; returns 1 when it made
   * a container VM. (Failure simulations charge hosts through `setFree` themselves.)
   */
  commit(h: number): number {
    let c = this.needCpu;
    let m = this.needMem;
    let made = 0;
    if (this.civ && !this.hasVm(h)) {
      made = 1;
      c += this.m.vmOv.cpu;
      m += this.m.vmOv.mem;
      if (this.strict) {
        this.dedicated[h] = this.stamp;
        this.dedicatedList[this.dedicatedCount++] = h;
      } else this.addPool(h, this.vmOs);
    }
    this.load[h]++;
    this.gpu[h] -= this.needGpus;
    const { free } = this;
    this.setFree(h, free.cpu[h] - c, free.mem[h] - m, free.sto[h] - this.needSto);
    this.note(h);
    return made;
  }

  /** The per-host pool lists are now shared with another reader: copy each before changing it. */
  sharePools(): string[][] {
    this.poolsOwned.fill(0);
    return this.pools.slice();
  }

  addPool(h: number, os: string): void {
    if (!this.poolsOwned[h]) {
      this.pools[h] = this.pools[h].slice();
      this.poolsOwned[h] = 1;
    }
    this.pools[h].push(os);
    // The container-VM trees read the pools.
    this.changed(h);
  }

  popPool(h: number): void {
    if (!this.poolsOwned[h]) {
      this.pools[h] = this.pools[h].slice();
      this.poolsOwned[h] = 1;
    }
    this.pools[h].pop();
    this.changed(h);
  }

  // -------------------------------------------------------------------------
  // Search.

  /** The group's tree, its open tree made with it (read from `openTrees`): no pair array per search. */
  private treeOf(g: Group): FitTree {
    let t = this.trees[g.id];
    if (!t || !this.openTrees[g.id]) {
      this.trees[g.id] = t = new FitTree(g.hosts, this.free);
      this.openTrees[g.id] = new FitTree(g.hosts, this.openFree);
    }
    return t;
  }

  /** Re-reads the hosts changed since the last search into the trees built so far. */
  private sync(): void {
    const list = this.dirtyList;
    const n = this.dirtyCount;
    if (!n) return;
    const { hostGroups } = this.m;
    const vmFree = this.vmFreeList;
    for (let i = 0; i < n; i++) {
      const h = list[i];
      this.dirty[h] = 0;
      for (let k = 0; k < vmFree.length; k++) this.readVmFree(vmFree[k].os, vmFree[k].arrays, h);
      const groups = hostGroups[h];
      for (let k = 0; k < groups.length; k++) {
        const { g, pos } = groups[k];
        const t = this.trees[g];
        if (t) {
          t.update(pos);
          this.openTrees[g]!.update(pos);
        }
        // Each OS's pair of trees, all hosts then open ones, as `vmTreesOf` made them.
        const v = this.vmTreeList[g];
        if (v) for (let j = 0; j < v.length; j++) v[j].update(pos);
      }
    }
    this.dirtyCount = 0;
  }

  /** The host for the next replica of the current workload, preferring spread; -1 if none. */
  findHost(g: Group): number {
    const n = g.hosts.length;
    if (!n) return -1;
    this.searched++;
    if (this.m.naive) {
      const { free } = this;
      for (let pos = 0; pos < n; pos++) {
        const h = g.hosts[pos];
        if (free.cpu[h] + EPS >= this.needCpu && free.mem[h] + EPS >= this.needMem && free.sto[h] + EPS >= this.needSto && this.fitsVm(h)) return h;
      }
      return -1;
    }
    this.sync();
    const tree = this.treeOf(g);
    const open = this.openTrees[g.id]!;
    const c = this.needCpu - EPS;
    const m = this.needMem - EPS;
    const st = this.needSto - EPS;
    // Hosts running fewest replicas first: the level rises only when no host at it has
    // room, which stays so (counts only grow, room only shrinks), so replicas end even.
    for (;;) {
      const pos = this.searchLevel(g, tree, open, c, m, st);
      if (pos >= 0) return g.hosts[pos];
      if (this.level >= this.most) return -1;
      this.level++;
    }
  }

  /** The first host, by site order, running at most `level` replicas with room. */
  private searchLevel(g: Group, tree: FitTree, open: FitTree, c: number, m: number, st: number): number {
    const n = g.hosts.length;
    let pos = -1;
    if (g.sites.length) {
      // Sites running fewest replicas of this workload first (insertion sort, stable: a few sites).
      const { sites } = g;
      const order = this.siteOrder;
      const count = this.siteCount;
      for (let k = 0; k < sites.length; k++) {
        let i = k;
        while (i > 0 && count[sites[order[i - 1]].site] > count[sites[k].site]) {
          order[i] = order[i - 1];
          i--;
        }
        order[i] = k;
      }
      for (let k = 0; k < sites.length; k++) {
        const r = sites[order[k]];
        if ((pos = this.first(g, open, true, r.lo, r.hi, c, m, st)) >= 0 || (pos = this.first(g, tree, false, r.lo, r.hi, c, m, st)) >= 0) break;
      }
    } else if ((pos = this.first(g, open, true, 0, n, c, m, st)) < 0) pos = this.first(g, tree, false, 0, n, c, m, st);
    return pos;
  }

  /**
   * `tree.find` with the spread test: the first position in [lo, hi) that takes the
   * replica. For a container-in-vm replica, in two searches that skip what cannot take
   * it: the first host with room for the replica and a new VM (A), then, before A, the
   * first host with room for the replica that already runs a VM it joins. Every leaf is
   * still accepted by `spread`, so the answer is the one search's, exactly.
   */
  private first(g: Group, tree: FitTree, open: boolean, lo: number, hi: number, c: number, m: number, st: number): number {
    const ov = this.m.vmOv;
    if (!this.civ || this.simVms || !(ov.cpu > 0 || ov.mem > 0) || !Packer.vmSearch) return tree.find(lo, hi, c, m, st, this.spread);
    // A little below the exact bound (the leaf test is exact): never above `c`, `m`.
    const slack = (x: number) => 4 * EPS + Math.abs(x) * 1e-12;
    const a = tree.find(lo, hi, Math.max(c, c + ov.cpu - slack(c + ov.cpu)), Math.max(m, m + ov.mem - slack(m + ov.mem)), st, this.spread);
    const end = a < 0 ? hi : a;
    if (end <= lo) return a;
    const b = this.strict ? this.firstDedicated(g, open, lo, end, c, m, st) : this.vmTreesOf(g, this.joinOs === 'any' ? '' : this.joinOs)[open ? 1 : 0].find(lo, end, c, m, st, this.spread);
    return b >= 0 ? b : a;
  }

  /** The first position in [lo, hi) of a host with the current workload's dedicated VM and room for one more replica. */
  private firstDedicated(g: Group, open: boolean, lo: number, hi: number, c: number, m: number, st: number): number {
    const free = open ? this.openFree : this.free;
    let best = -1;
    for (let k = 0; k < this.dedicatedCount; k++) {
      const h = this.dedicatedList[k];
      if (free.cpu[h] < c || free.mem[h] < m || free.sto[h] < st) continue;
      const pos = positionIn(this.m, g, h);
      if (pos >= lo && pos < hi && (best < 0 || pos < best) && this.spread(h)) best = pos;
    }
    return best;
  }

  /** The container-VM trees of a group for a guest OS ('' for any), made on first use. */
  private vmTreesOf(g: Group, os: string): [FitTree, FitTree] {
    let arrays = this.vmFree.get(os);
    if (!arrays) {
      const H = this.m.hosts.length;
      const make = (): FreeArrays => ({ cpu: new Float64Array(H), mem: new Float64Array(H), sto: new Float64Array(H) });
      arrays = { all: make(), open: make() };
      for (let h = 0; h < H; h++) this.readVmFree(os, arrays, h);
      this.vmFree.set(os, arrays);
      this.vmFreeList.push({ os, arrays });
    }
    let byOs = this.vmTrees[g.id];
    if (!byOs) this.vmTrees[g.id] = byOs = new Map();
    let trees = byOs.get(os);
    if (!trees) {
      byOs.set(os, (trees = [new FitTree(g.hosts, arrays.all), new FitTree(g.hosts, arrays.open)]));
      (this.vmTreeList[g.id] ??= []).push(trees[0], trees[1]);
    }
    return trees;
  }

  /** One host's entry in the container-VM arrays: its free capacity when it runs a container VM for `os`, else -1. */
  private readVmFree(os: string, arrays: { all: FreeArrays; open: FreeArrays }, h: number): void {
    const pools = this.pools[h];
    const has = os === '' ? pools.length > 0 : pools.includes(os);
    const { free, openFree } = this;
    arrays.all.cpu[h] = has ? free.cpu[h] : -1;
    arrays.all.mem[h] = has ? free.mem[h] : -1;
    arrays.all.sto[h] = has ? free.sto[h] : -1;
    arrays.open.cpu[h] = has ? openFree.cpu[h] : -1;
    arrays.open.mem[h] = has ? openFree.mem[h] : -1;
    arrays.open.sto[h] = has ? openFree.sto[h] : -1;
  }

  /**
   * The search's preference for `h` (at leaf position `pos` of `g`) for the next replica
   * of the current workload: lower is preferred, -1 when `h` would not be chosen at all.
   * The search returns the host with the lowest key; resuming a placement relies on that.
   */
  keyOf(g: Group, h: number, pos: number): number {
    const { free } = this;
    if (free.cpu[h] < this.needCpu - EPS || free.mem[h] < this.needMem - EPS || free.sto[h] < this.needSto - EPS || !this.fitsVm(h)) return -1;
    const closed = this.load[h] > 0 ? 0 : 1;
    let slot = 0;
    let count = 0;
    if (g.sites.length) {
      // Sites are tried by how many replicas they run, then in their order in the group.
      while (g.sites[slot].hi <= pos) slot++;
      count = this.siteCount[g.sites[slot].site];
    }
    // Two parts, compared in order (one number would lose bits): host count and site count; slot, closed, position.
    this.keyLo = (slot * 2 + closed) * 2 ** 21 + pos;
    return this.countOn(h) * 2 ** 20 + count;
  }

  // -------------------------------------------------------------------------
  // Why not.

  /** Explains why no host of `g` takes another replica of `s`. */
  explain(s: Spec, g: Group): Blocked {
    const { hosts, vmOv } = this.m;
    if (!g.hosts.length) return this.noEligible(s);
    const civ = s.deploy === 'container-in-vm';
    const needCpu = s.cpu + (civ ? vmOv.cpu : 0);
    const needMem = s.mem + (civ ? vmOv.mem : 0);
    const need = `${formatCpu(needCpu / 1000)} cores and ${formatBytes(needMem)}${s.sto ? ` with ${formatBytes(s.sto)} of volumes` : ''} per replica${this.overheadNote(s)}`;
    const fitsEmpty = (h: number) => hosts[h].allocCpu + EPS >= needCpu && hosts[h].allocMem + EPS >= needMem;
    if (!g.hosts.some(fitsEmpty)) {
      const hb = hosts[g.largest];
      return {
        kind: 'size',
        reason: `it needs ${need}; the largest of the ${g.label} offers ${formatCpu(hb.allocCpu / 1000)} cores${hb.ocCpu !== 1 ? ` (${formatCpu(hb.cpu)} × ${hb.ocCpu} over-commit)` : ''} and ${formatBytes(hb.allocMem)}`,
        field: 'resources',
      };
    }
    const cores = g.hosts.reduce((a, h) => Math.max(a, hosts[h].cpu), 0);
    if (s.vcpus > cores + EPS) {
      return { kind: 'size', reason: `it needs ${s.vcpus} vCPUs, and no hypervisor gives a VM more vCPUs than its host has cores: the most any of the ${g.label} has is ${formatCpu(cores)}`, field: 'resources' };
    }
    if (s.gpus && !g.hosts.some((h) => this.gpu[h] >= s.gpus)) {
      return { kind: 'gpu', reason: `it needs ${s.gpus} GPU${s.gpus > 1 ? 's' : ''} per replica, and no GPU of the ${g.label} is free that many (${g.hosts.reduce((a, h) => a + hosts[h].gpus, 0)} in all, given whole to instances)`, field: 'gpus' };
    }
    if (s.sto > 0 && !g.hosts.some((h) => fitsEmpty(h) && hosts[h].storage + EPS >= s.sto)) {
      const most = g.hosts.reduce((a, h) => Math.max(a, hosts[h].storage), 0);
      return { kind: 'storage', reason: `its volumes need ${formatBytes(s.sto)} per replica; the most storage any of the ${g.label} has is ${formatBytes(most)}`, field: 'volumes' };
    }
    const { free } = this;
    const room = (h: number) => free.cpu[h] / Math.max(1, needCpu) + free.mem[h] / Math.max(1, needMem);
    const best = g.hosts.reduce((a, b) => (room(b) > room(a) ? b : a));
    const most = `most room left: ${formatCpu(Math.max(0, free.cpu[best]) / 1000)} cores, ${formatBytes(Math.max(0, free.mem[best]))}${Number.isFinite(free.sto[best]) ? `, ${formatBytes(Math.max(0, free.sto[best]))} storage` : ''} on ${hosts[best].name}`;
    const where = s.pins ? `its pinned host${g.hosts.length > 1 ? 's' : ''} ${list(g.hosts.map((h) => hosts[h].name))} ${g.hosts.length > 1 ? 'are' : 'is'} full` : `the ${g.hosts.length} ${g.label} are full`;
    return { kind: 'capacity', reason: `${where}: it needs ${need} (${most})`, field: s.pins ? s.pinField : 'resources' };
  }

  private noEligible(s: Spec): Blocked {
    const { hosts } = this.m;
    if (s.pins) {
      const named = s.pins.map((i) => `${hosts[i].name} (${describeHostKind(hosts[i])})`);
      return { kind: 'pin', reason: `it is pinned to ${list(named)}, which cannot run it as ${article(s.deploy!)}`, field: s.pinField };
    }
    const n = s.need!;
    const roleOk = hosts.filter((h) => roleFits(n.deploy, n.os, h));
    if (!roleOk.length) return this.noRole(s);
    // The filters in the order they narrow: the first that leaves no host is the reason.
    const archOk = roleOk.filter((h) => n.archs.includes(h.arch));
    if (!archOk.length) return { kind: 'arch', reason: `it needs ${list(n.archs)}; the hosts that could run it as ${article(n.deploy)} are ${list([...new Set(roleOk.map((h) => h.arch))])}`, field: s.archRaw !== undefined ? 'arch' : 'os' };
    const zoneOk = archOk.filter((h) => h.zone === n.zone);
    if (!zoneOk.length) {
      return n.zone
        ? { kind: 'zone', reason: `no capable host is in zone '${n.zone}', and a zoned workload runs only in its zone`, field: 'zone' }
        : { kind: 'zone', reason: 'every capable host is in a zone, and zoned hosts take only their zone\'s workloads (set `zone:`)', field: 'name' };
    }
    const most = zoneOk.reduce((a, h) => Math.max(a, h.gpus), 0);
    return { kind: 'gpu', reason: `it needs ${n.gpus} GPU${n.gpus > 1 ? 's' : ''} per instance; the most any capable host has is ${most}`, field: 'gpus' };
  }

  /** No host of the kind the deployment needs. */
  private noRole(s: Spec): Blocked {
    const { hosts } = this.m;
    if (s.deploy === 'vm') {
      if (s.os === 'aix' && hosts.some((h) => h.role === 'hypervisor')) return { kind: 'os', reason: 'AIX runs only on POWER, under PowerVM, and no host has `hypervisor: powervm`', field: 'os' };
      return { kind: 'role', reason: 'the fleet has no hypervisor host', field: 'deploy' };
    }
    if (s.deploy === 'container-in-vm') {
      return hosts.some((h) => h.role === 'hypervisor')
        ? { kind: 'role', reason: 'no hypervisor host offers a container runtime to its VMs (set `runtime:` on one)', field: 'deploy' }
        : { kind: 'role', reason: 'the fleet has no hypervisor host', field: 'deploy' };
    }
    const oses = [...new Set(hosts.filter((h) => h.role === 'container-host' && ociOs(h.os)).map((h) => h.os))];
    if (!oses.length) return { kind: 'role', reason: 'the fleet has no container host that an OCI runtime runs on', field: 'deploy' };
    return { kind: 'os', reason: `no container host runs ${s.os} (they run ${list(oses)}), and a container shares its host's OS`, field: 'os' };
  }

  private overheadNote(s: Spec): string {
    const { vmOv } = this.m;
    if (s.deploy === 'vm' && (vmOv.cpu || vmOv.mem)) return `, with its guest OS's ${formatCpu(vmOv.cpu / 1000)} cores and ${formatBytes(vmOv.mem)}`;
    if (s.deploy === 'container-in-vm' && (vmOv.cpu || vmOv.mem)) return `, with a new VM's guest OS (${formatCpu(vmOv.cpu / 1000)} cores, ${formatBytes(vmOv.mem)})`;
    return '';
  }
}

const NONE: string[] = [];

export type { UnplacedKind };
