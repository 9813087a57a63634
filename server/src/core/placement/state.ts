// What a placement decided, kept as plain values so that the next placement of the same
// workspace can start from it: per workload where each replica went, and the packing's
// final state. Nothing here refers to declaration objects or to an older placement.

import type { Packer } from './packer';
import type { Blocked, HostModel, Spec } from './model';

/** Unplaced replica numbers listed per entry (the count is always exact). */
export const MAX_LISTED = 100;

/** Where one workload's replicas went. Immutable: shared by placements that agree on it. */
export interface Result {
  /** Host of each replica (-1: unplaced). */
  hosts: number[];
  /** container-in-vm: 1 for each replica that made a new container VM. */
  made: Uint8Array | null;
  placed: number;
  failed: number;
  /** The first failed replica numbers (at most MAX_LISTED). */
  listed: number[];
  why: Blocked | undefined;
  /** The host, when at least 2 replicas are placed and all on it; else -1. */
  single: number;
}

export const EMPTY: Result = { hosts: [], made: null, placed: 0, failed: 0, listed: [], why: undefined, single: -1 };

export function makeResult(hosts: number[], made: Uint8Array | null, why: Blocked | undefined): Result {
  let placed = 0;
  let failed = 0;
  const listed: number[] = [];
  let single = -2;
  for (let r = 0; r < hosts.length; r++) {
    const h = hosts[r];
    if (h < 0) {
      if (failed++ < MAX_LISTED) listed.push(r);
    } else {
      placed++;
      single = single === -2 || single === h ? h : -1;
    }
  }
  return { hosts, made, placed, failed, listed, why, single: placed >= 2 ? single : -1 };
}

/** A placement's inputs as values and its decisions: what the next placement resumes from. */
export interface Core {
  model: HostModel;
  specs: Spec[];
  /** Replicas to place per workload (after the limits). */
  replicas: Int32Array;
  results: Result[];
  /** Workload indices in the order they were placed. */
  order: Int32Array;
  /** The final packing (restored after every failure simulation). */
  packer: Packer;
  /** Every capacity and cost is a whole number: sums are exact in any order, so a later placement may resume from this one. */
  exact: boolean;
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
  /** Replicas rolled back from the previous final state to the resume point. */
  rolledBack: number;
}
