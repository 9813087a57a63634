// Failure simulation: take a host away, re-place what ran there on what is left by the
// same rules, then undo every change so that the placement stays as it was.

import type { FailureMove, FailureOutcome, LayoutUnplaced } from '../../../../shared/protocol';
import { addContainerVm, existingVm, type HostContents, type PlacedVm, removeContainerVm } from './contents';
import type { Blocked } from './model';
import { type Core, MAX_LISTED } from './state';

export class Simulator {
  private rankOf: Int32Array | undefined;
  /** Work done so far: replicas re-placed (what the time of a simulation follows). */
  work = 0;

  constructor(
    private readonly core: Core,
    private readonly contents: HostContents[],
  ) {}

  /** Instances on a host, in the order they were placed (largest first). */
  private onHost(h: number): { w: number; r: number }[] {
    if (!this.rankOf) {
      const { order, specs } = this.core;
      this.rankOf = new Int32Array(specs.length);
      order.forEach((w, i) => (this.rankOf![w] = i));
    }
    const rankOf = this.rankOf;
    const out: { w: number; r: number }[] = [];
    const on = this.contents[h];
    for (const x of on.containers) out.push({ w: x.w, r: x.replica });
    for (const v of on.vms) {
      if (v.instance) out.push({ w: v.instance.w, r: v.instance.replica });
      else for (const x of v.containers) out.push({ w: x.w, r: x.replica });
    }
    out.sort((a, b) => rankOf[a.w] - rankOf[b.w] || a.r - b.r);
    return out;
  }

  /** Whether a host runs anything (only those are worth failing). */
  runs(h: number): boolean {
    const on = this.contents[h];
    return on.containers.length > 0 || on.vms.length > 0;
  }

  simulate(h0: number): FailureOutcome {
    const { core, contents } = this;
    const { packer, specs, model } = core;
    const { hosts, vmOv } = model;
    const made: PlacedVm[] = [];
    let vms = 0;
    const sim = (packer.simVms = { contents, w: -1 });
    packer.undo = [];
    const moved: FailureMove[] = [];
    const lost: LayoutUnplaced[] = [];
    try {
      packer.setFree(h0, -1, -1, -1);
      const items = this.onHost(h0);
      this.work += items.length;
      let i = 0;
      while (i < items.length) {
        const w = items[i].w;
        const s = specs[w];
        const group = s.group!;
        sim.w = w;
        // Other replicas still running (and those re-placed here) count for spreading.
        const k = core.stepOf[w];
        const held: number[] = [];
        for (let x = core.start[k]; x < core.start[k + 1]; x++) if (core.host[x] !== h0) held.push(core.host[x]);
        packer.begin(s, held);
        const failed: number[] = [];
        for (; i < items.length && items[i].w === w; i++) {
          const r = items[i].r;
          const h = packer.findHost(group);
          if (h < 0) {
            failed.push(r);
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
          packer.note(h);
          const mv: FailureMove = {
            w,
            replica: r,
            deploy: s.deploy!,
            to: h,
            cost: { cpu: s.cpu / 1000, memory: s.mem, storage: s.sto },
            hostCost: { cpu: c / 1000, memory: m, storage: s.sto },
          };
          if (vm) {
            mv.vm = vm.id;
            if (isNew) mv.newVm = { id: vm.id, kind: vm.kind as 'pool' | 'dedicated', os: vm.os };
          }
          moved.push(mv);
        }
        if (failed.length) {
          const why: Pick<Blocked, 'kind' | 'reason'> = s.pins && group.hosts.every((h) => h === h0) ? { kind: 'pin', reason: `it is pinned to ${hosts[h0].name} alone` } : packer.explain(s, group);
          lost.push({ w, count: failed.length, replicas: failed.slice(0, MAX_LISTED), kind: 'failure', reason: `lost with ${hosts[h0].name}: ${why.reason}` });
        }
      }
    } finally {
      const log = packer.undo!;
      packer.undo = null;
      for (let k = log.length - 4; k >= 0; k -= 4) packer.setFree(log[k], log[k + 1], log[k + 2], log[k + 3]);
      for (const vm of made) removeContainerVm(contents[vm.host], vm);
      packer.simVms = null;
    }
    return { host: h0, moved, lost };
  }
}
