// What a placement decided, kept as flat arrays of plain values so that the next
// placement of the same workspace can start from it and read it in order: per step of
// the placement order (one workload), its costs and group, and per replica the host it
// went to. Nothing here refers to declaration objects or to an older placement.

import type { Packer } from './packer';
import { containerVmOs } from './contents';
import { type Blocked, type HostModel, type Spec, poolId } from './model';

/** Unplaced replica numbers listed per entry (the count is always exact). */
export const MAX_LISTED = 100;

/** The decisions of one placement, by step of its order. */
export interface Steps {
  /** Workload index of each step. */
  order: Int32Array;
  /** Step of each workload (-1: not placed at all: blocked, or no replicas). */
  stepOf: Int32Array;
  /** Replicas of step k are at [start[k], start[k + 1]) of `host` and `made`. */
  start: Int32Array;
  /** Host of each replica (-1: unplaced). */
  host: Int32Array;
  /** container-in-vm: 1 for each replica that made a new container VM (it pays the VM's overhead). */
  made: Uint8Array;
  /** Per step: unplaced replicas, and why (only steps with unplaced replicas have a reason). */
  failed: Int32Array;
  why: Map<number, Blocked>;
  /** Per step: the host group, the cost of one instance, and the shared container VM it makes (`HostModel.poolOs`; 0: none, or a dedicated one). */
  group: Int32Array;
  cpu: Float64Array;
  mem: Float64Array;
  sto: Float64Array;
  pool: Int32Array;
  /** Per step: the deployment placed, as `KIND` numbers (read per replica without touching specs). */
  kind: Uint8Array;
  /** Per step: a VM's vCPUs, and a container-in-vm's `VM_*` flags: what a resumed step's search reads besides the costs (`Packer.beginStep`). */
  vcpus: Float64Array;
  vmFlags: Uint8Array;
}

/** `Steps.vmFlags`: a dedicated container VM (strict isolation); a portable workload (it joins a shared container VM of any OS). */
export const VM_STRICT = 1;
export const VM_PORTABLE = 2;

/** `Steps.kind` of each deployment (none: 0, as a container, which places nothing). */
export const KIND = { container: 0, vm: 1, 'container-in-vm': 2 } as const;

/**
 * Empty decisions for `order`, with each step's costs and group filled in: from `prev`'s
 * step `from[k]` when there is one (the same workload), else from the workload's spec.
 * One buffer holds every array (fewer allocations for the collector to account for).
 */
export function newSteps(m: HostModel, order: Int32Array, n: number, specs: readonly Spec[], replicas: Int32Array, prev?: Steps, from?: Int32Array): Steps {
  const steps = order.length;
  let R = 0;
  for (let k = 0; k < steps; k++) R += replicas[order[k]];
  const buffer = new ArrayBuffer(steps * 32 + (steps * 5 + 1 + n + R) * 4 + R + steps * 2);
  let at = 0;
  const f64 = (len: number) => new Float64Array(buffer, (at += len * 8) - len * 8, len);
  const i32 = (len: number) => new Int32Array(buffer, (at += len * 4) - len * 4, len);
  const cpu = f64(steps);
  const mem = f64(steps);
  const sto = f64(steps);
  const vcpus = f64(steps);
  const start = i32(steps + 1);
  const stepOf = i32(n).fill(-1);
  const group = i32(steps);
  const pool = i32(steps);
  const failed = i32(steps);
  const own = i32(steps);
  own.set(order);
  const host = i32(R);
  const made = new Uint8Array(buffer, at, R);
  const kind = new Uint8Array(buffer, at + R, steps);
  const vmFlags = new Uint8Array(buffer, at + R + steps, steps);
  for (let k = 0; k < steps; k++) {
    const w = order[k];
    stepOf[w] = k;
    start[k + 1] = start[k] + replicas[w];
  }
  for (let k = 0; k < steps; k++) {
    const w = order[k];
    const j = from ? from[k] : -1;
    if (j >= 0) {
      // Steps taken over come in long runs (all but the edited ones): copied a run at a time.
      let e = k + 1;
      while (e < steps && from![e] === j + (e - k)) e++;
      const p = prev!;
      group.set(p.group.subarray(j, j + e - k), k);
      cpu.set(p.cpu.subarray(j, j + e - k), k);
      mem.set(p.mem.subarray(j, j + e - k), k);
      sto.set(p.sto.subarray(j, j + e - k), k);
      pool.set(p.pool.subarray(j, j + e - k), k);
      kind.set(p.kind.subarray(j, j + e - k), k);
      vcpus.set(p.vcpus.subarray(j, j + e - k), k);
      vmFlags.set(p.vmFlags.subarray(j, j + e - k), k);
      k = e - 1;
      continue;
    }
    const s = specs[w];
    group[k] = s.group!.id;
    cpu[k] = s.cpu;
    mem[k] = s.mem;
    sto[k] = s.sto;
    if (s.deploy === 'container-in-vm' && !s.strict) pool[k] = poolId(m, containerVmOs(s));
    kind[k] = s.deploy ? KIND[s.deploy] : 0;
    vcpus[k] = s.vcpus;
    if (s.deploy === 'container-in-vm') vmFlags[k] = (s.strict ? VM_STRICT : 0) | (s.os === 'any' ? VM_PORTABLE : 0);
  }
  return { order: own, stepOf, start, host, made, failed, why: new Map(), group, cpu, mem, sto, pool, kind, vcpus, vmFlags };
}

/** A placement's inputs as values and its decisions: what the next placement resumes from. */
export interface Core extends Steps {
  model: HostModel;
  specs: Spec[];
  /** Replicas to place per workload (after the limits). */
  replicas: Int32Array;
  /** The final packing (restored after every failure simulation). */
  packer: Packer;
  /** Every capacity and cost is a whole number: sums are exact in any order, so a later placement may resume from this one. */
  exact: boolean;
  /** Per workload, from its spec: replicas wanted, and flags (inexact 1, blocked 2): the next placement copies them for the specs it takes over. */
  wanted: Float64Array;
  flags: Uint8Array;
}

/** How a placement was computed, for tests and the benchmark. */
export interface PlacementStats {
  /** `full`: from scratch; `reused`: nothing placement-relevant changed; `resumed`: from the previous placement. */
  mode: 'full' | 'reused' | 'resumed';
  /** Workloads in the placement order, and the first position that was not taken as is. */
  steps: number;
  resumedAt: number;
  /** Replicas placed by a search of the fit trees. */
  searched: number;
  /** Replicas whose previous host was confirmed against the hosts whose state differed. */
  checked: number;
  /** Replicas whose previous host was kept without a check (no host of their group differed). */
  copied: number;
  /** Replicas taken out of the previous final state (or put into the empty one) to reach the resume point. */
  rolledBack: number;
}
