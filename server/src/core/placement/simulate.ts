// Failure simulation: take a host away, re-place what ran there on what is left by the
// same rules, then undo every change so that the placement stays as it was.

import type { FailureMove, FailureOutcome, LayoutUnplaced } from '../../../../shared/protocol';
import { addContainerVm, existingVm, type HostContents, type PlacedVm, removeContainerVm } from './contents';
import { type Blocked, clusterGroup, type Group, list, type Spec } from './model';
import { type Core, MAX_LISTED } from './state';

export class Simulator {
  private rankOf: Int32Array | undefined;
  /** Work done so far: replicas re-placed (what the time of a simulation follows). */
  work = 0;

  constructor(
    private readonly core: Core,
    private readonly contents: HostContents[],
  ) {}

  /** Instances on the hosts, in the order they were placed (largest first). */
  private onHosts(failed: readonly number[]): { w: number; r: number; h: number }[] {
    if (!this.rankOf) {
      const { order, specs } = this.core;
      this.rankOf = new Int32Array(specs.length);
      order.forEach((w, i) => (this.rankOf![w] = i));
    }
    const rankOf = this.rankOf;
    const out: { w: number; r: number; h: number }[] = [];
    for (const h of failed) {
      const on = this.contents[h];
      for (const x of on.containers) out.push({ w: x.w, r: x.replica, h });
      for (const v of on.vms) {
        if (v.instance) out.push({ w: v.instance.w, r: v.instance.replica, h });
        else for (const x of v.containers) out.push({ w: x.w, r: x.replica, h });
      }
    }
    out.sort((a, b) => rankOf[a.w] - rankOf[b.w] || a.r - b.r);
    return out;
  }

  /** Whether a host runs anything (only those are worth failing). */
  runs(h: number): boolean {
    const on = this.contents[h];
    return on.containers.length > 0 || on.vms.length > 0;
  }

  /**
   * The failure of the hosts `failed` (one host, or a cluster's or a site's). When the
   * fleet declares clusters, a replica fails over only inside its own cluster, as vSphere
   * HA and Hyper-V failover clustering do, unless it promises disaster recovery (then any
   * capable host, as Site Recovery Manager or Hyper-V Replica recover it at another site).
   */
  simulate(h0: number, failed: readonly number[] = [h0]): FailureOutcome {
    const { core, contents } = this;
    const { packer, specs, model } = core;
    const { hosts, vmOv } = model;
    const made: PlacedVm[] = [];
    let vms = 0;
    const sim = (packer.simVms = { contents, w: -1 });
    packer.undo = [];
    const gpuUndo: number[] = [];
    const moved: FailureMove[] = [];
    const lost: LayoutUnplaced[] = [];
    const shared: NonNullable<FailureOutcome['shared']> = [];
    const down = new Set(failed);
    try {
      for (const h of failed) packer.setFree(h, -1, -1, -1);
      const items = this.onHosts(failed);
      this.work += items.length;
      let i = 0;
      while (i < items.length) {
        const w = items[i].w;
        const s = specs[w];
        sim.w = w;
        // Other replicas still running (and those re-placed here) count for spreading.
        const k = core.stepOf[w];
        const held: number[] = [];
        for (let x = core.start[k]; x < core.start[k + 1]; x++) if (core.host[x] >= 0 && !down.has(core.host[x])) held.push(core.host[x]);
        packer.begin(s, held);
        const before = new Set(held.filter((h, j) => held.indexOf(h) !== j));
        const lostHere: number[] = [];
        let why: Pick<Blocked, 'kind' | 'reason'> | undefined;
        let from = items[i].h;
        for (; i < items.length && items[i].w === w; i++) {
          const r = items[i].r;
          from = items[i].h;
          const group = this.failoverGroup(s, from);
          const h = packer.findHost(group);
          if (h < 0) {
            lostHere.push(r);
            why ??= s.pins && s.group!.hosts.every((x) => down.has(x)) ? { kind: 'pin', reason: `it is pinned to ${hosts[from].name} alone` } : packer.explain(s, group);
            continue;
          }
          let c = s.cpu;
          let m = s.mem;
          let vm: PlacedVm | undefined;
          let isNew = false;
          if (s.deploy === 'container-in-vm') {
            vm = existingVm(contents[h], s, w);
            if (!vm) {
              isNew = true;
              vm = addContainerVm(contents[h], s, w, h, `f${++vms}`);
              c += vmOv.cpu;
              m += vmOv.mem;
              made.push(vm);
            }
          }
          const { free } = packer;
          packer.setFree(h, free.cpu[h] - c, free.mem[h] - m, free.sto[h] - s.sto);
          if (s.gpus) {
            gpuUndo.push(h, packer.gpu[h]);
            packer.gpu[h] -= s.gpus;
          }
          packer.note(h);
          const mv: FailureMove = {
            w,
            replica: r,
            deploy: s.deploy!,
            to: h,
            from,
            cost: { cpu: s.cpu / 1000, memory: s.mem, storage: s.sto },
            hostCost: { cpu: c / 1000, memory: m, storage: s.sto },
          };
          if (vm) {
            mv.vm = vm.id;
            if (isNew) mv.newVm = { id: vm.id, kind: vm.kind as 'pool' | 'dedicated', os: vm.os };
          }
          moved.push(mv);
        }
        if (lostHere.length) lost.push({ w, count: lostHere.length, replicas: lostHere.slice(0, MAX_LISTED), kind: 'failure', reason: `lost with ${this.what(failed)}: ${why!.reason}` });
        this.sharing(w, held, moved, before, shared);
      }
    } finally {
      const log = packer.undo!;
      packer.undo = null;
      for (let k = log.length - 4; k >= 0; k -= 4) packer.setFree(log[k], log[k + 1], log[k + 2], log[k + 3]);
      for (let k = gpuUndo.length - 2; k >= 0; k -= 2) packer.gpu[gpuUndo[k]] = gpuUndo[k + 1];
      for (const vm of made) removeContainerVm(contents[vm.host], vm);
      packer.simVms = null;
    }
    const out: FailureOutcome = { host: h0, hosts: [...failed], moved, lost };
    if (shared.length) out.shared = shared;
    return out;
  }

  /** Where a replica that ran on `from` may fail over to. */
  private failoverGroup(s: Spec, from: number): Group {
    const { model } = this.core;
    if (!model.clustered || s.dr) return s.group!;
    return clusterGroup(model, s.group!, model.hosts[from].clusterName);
  }

  private what(failed: readonly number[]): string {
    const { hosts } = this.core.model;
    return failed.length === 1 ? hosts[failed[0]].name : `${failed.length} hosts (${list(failed.map((h) => hosts[h].name))})`;
  }

  /** Notes the hosts where workload `w`'s replicas now share a host they did not share before. */
  private sharing(w: number, held: readonly number[], moved: readonly FailureMove[], before: ReadonlySet<number>, out: NonNullable<FailureOutcome['shared']>): void {
    const per = new Map<number, number>();
    for (const h of held) per.set(h, (per.get(h) ?? 0) + 1);
    for (let j = moved.length - 1; j >= 0 && moved[j].w === w; j--) per.set(moved[j].to, (per.get(moved[j].to) ?? 0) + 1);
    for (const [host, replicas] of per) if (replicas >= 2 && !before.has(host)) out.push({ w, host, replicas });
  }
}
