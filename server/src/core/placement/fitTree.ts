// A segment tree over a fixed sequence of hosts that finds the first host with room,
// in O(log n) when capacity alone decides: each node keeps the most free CPU, memory and
// storage below it, so whole ranges without room are skipped. A per-host test (spread,
// a VM's overhead) is checked only at the leaves that pass the capacity test.
// The maxima of a node may come from different hosts (the most CPU on one, the most
// memory on another), so a node can pass them while no host below it fits. Each node
// therefore also remembers the last request its whole range failed on capacity alone;
// a request at least as large in every resource fails there too, until a host below
// it gains capacity.

export class FitTree {
  /** Host index at each leaf position. */
  readonly hosts: Int32Array;
  private readonly size: number;
  private readonly cpu: Float64Array;
  private readonly mem: Float64Array;
  private readonly sto: Float64Array;
  /** Per node: a request (CPU, memory, storage) no host below it has room for; Infinity when none is known. */
  private readonly failCpu: Float64Array;
  private readonly failMem: Float64Array;
  private readonly failSto: Float64Array;
  /** How many leaves `accept` has turned down: a range with one is not a capacity failure. */
  private rejected = 0;

  constructor(
    hosts: readonly number[],
    private readonly free: FreeArrays,
  ) {
    this.hosts = Int32Array.from(hosts);
    let size = 1;
    while (size < hosts.length) size <<= 1;
    this.size = size;
    this.cpu = new Float64Array(2 * size).fill(-1);
    this.mem = new Float64Array(2 * size).fill(-1);
    this.sto = new Float64Array(2 * size).fill(-1);
    for (let i = 0; i < hosts.length; i++) {
      const h = hosts[i];
      this.cpu[size + i] = free.cpu[h];
      this.mem[size + i] = free.mem[h];
      this.sto[size + i] = free.sto[h];
    }
    for (let i = size - 1; i >= 1; i--) this.pull(i);
    this.failCpu = new Float64Array(size).fill(Infinity);
    this.failMem = new Float64Array(size).fill(Infinity);
    this.failSto = new Float64Array(size).fill(Infinity);
  }

  get length(): number {
    return this.hosts.length;
  }

  /** Re-reads one leaf's free capacity after it changed. */
  update(pos: number): void {
    const { free, cpu, mem, sto } = this;
    const h = this.hosts[pos];
    let i = this.size + pos;
    // A host that gains capacity may fit what its ancestors failed on: forget those failures.
    if (free.cpu[h] > cpu[i] || free.mem[h] > mem[i] || free.sto[h] > sto[i]) {
      for (let a = i >> 1; a >= 1; a >>= 1) this.failCpu[a] = this.failMem[a] = this.failSto[a] = Infinity;
    }
    cpu[i] = free.cpu[h];
    mem[i] = free.mem[h];
    sto[i] = free.sto[h];
    // Up to the first node whose maxima do not change: those above it do not either.
    for (i >>= 1; i >= 1; i >>= 1) {
      const l = 2 * i;
      const r = l + 1;
      const c = cpu[l] > cpu[r] ? cpu[l] : cpu[r];
      const m = mem[l] > mem[r] ? mem[l] : mem[r];
      const s = sto[l] > sto[r] ? sto[l] : sto[r];
      if (c === cpu[i] && m === mem[i] && s === sto[i]) break;
      cpu[i] = c;
      mem[i] = m;
      sto[i] = s;
    }
  }

  /**
   * The first leaf position in [lo, hi) whose host has at least the given free capacity
   * and passes `accept`, or -1.
   */
  find(lo: number, hi: number, cpu: number, mem: number, sto: number, accept: (host: number) => boolean): number {
    if (lo >= hi) return -1;
    return this.search(1, 0, this.size, lo, hi, cpu, mem, sto, accept);
  }

  private search(node: number, nodeLo: number, nodeHi: number, lo: number, hi: number, cpu: number, mem: number, sto: number, accept: (host: number) => boolean): number {
    if (nodeHi <= lo || nodeLo >= hi) return -1;
    if (this.cpu[node] < cpu || this.mem[node] < mem || this.sto[node] < sto) return -1;
    if (node >= this.size) {
      if (accept(this.hosts[node - this.size])) return node - this.size;
      this.rejected++;
      return -1;
    }
    // Only a node wholly inside [lo, hi) may use or record a failure of its whole range.
    const whole = lo <= nodeLo && nodeHi <= hi;
    if (whole && cpu >= this.failCpu[node] && mem >= this.failMem[node] && sto >= this.failSto[node]) return -1;
    const rejected = this.rejected;
    const mid = (nodeLo + nodeHi) >> 1;
    const left = this.search(2 * node, nodeLo, mid, lo, hi, cpu, mem, sto, accept);
    if (left >= 0) return left;
    const right = this.search(2 * node + 1, mid, nodeHi, lo, hi, cpu, mem, sto, accept);
    if (right < 0 && whole && this.rejected === rejected) {
      this.failCpu[node] = cpu;
      this.failMem[node] = mem;
      this.failSto[node] = sto;
    }
    return right;
  }

  private pull(i: number): void {
    const l = 2 * i;
    const r = l + 1;
    this.cpu[i] = this.cpu[l] > this.cpu[r] ? this.cpu[l] : this.cpu[r];
    this.mem[i] = this.mem[l] > this.mem[r] ? this.mem[l] : this.mem[r];
    this.sto[i] = this.sto[l] > this.sto[r] ? this.sto[l] : this.sto[r];
  }
}

/** Free capacity per host index: millicores, bytes, bytes (Infinity when unchecked). */
export interface FreeArrays {
  cpu: Float64Array;
  mem: Float64Array;
  sto: Float64Array;
}
