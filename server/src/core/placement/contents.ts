// What runs on a host (its containers and VMs, and the container VMs by guest OS or
// owner), and the one rule for container VMs that the packer, the layout and the failure
// simulation all follow: which guest OS a container-in-vm replica's VM runs, and which
// VM already on a host it joins. Depends on the model alone (no placement state).

import type { LayoutInstance } from '../../../../shared/protocol';
import type { Spec } from './model';

/** A VM on a host: a workload's own (`workload`), a shared container VM (`pool`) or a workload's dedicated one. */
export interface PlacedVm {
  id: string;
  kind: 'workload' | 'pool' | 'dedicated';
  os: string;
  host: number;
  /** `workload` VMs: the instance's workload; `dedicated`: the owning workload. */
  w: number;
  instance: LayoutInstance | undefined;
  /** Shared with the layout: the instances are the layout's own objects. */
  containers: LayoutInstance[];
}

/** What runs on one host, in the order it was placed. */
export interface HostContents {
  containers: LayoutInstance[];
  vms: PlacedVm[];
  /** Container VMs: shared ones by guest OS, dedicated ones by workload index. */
  pools: Map<string, PlacedVm>;
  dedicated: Map<number, PlacedVm>;
}

/** A host's contents; its container-VM maps are made on first use (most hosts have none). */
export class Contents implements HostContents {
  containers: LayoutInstance[] = [];
  vms: PlacedVm[] = [];
  private poolMap: Map<string, PlacedVm> | undefined;
  private dedicatedMap: Map<number, PlacedVm> | undefined;
  get pools(): Map<string, PlacedVm> {
    return (this.poolMap ??= new Map());
  }
  get dedicated(): Map<number, PlacedVm> {
    return (this.dedicatedMap ??= new Map());
  }
}

/** The guest OS of the container VM a container-in-vm replica makes: its own OS, Linux for a portable workload. */
export function containerVmOs(s: Pick<Spec, 'os'>): string {
  return s.os === 'any' ? 'linux' : s.os;
}

/** Whether a container-in-vm replica (not strict) of a workload with OS `os` joins one of the shared container VMs of a host (their guest OSes). */
export function joinsSharedVm(pools: readonly string[], os: string): boolean {
  // A portable workload joins any container VM already on the host.
  return os === 'any' ? pools.length > 0 : pools.includes(os);
}

/** The container VM a container-in-vm replica of workload `w` would join on a host, if one exists. */
export function existingVm(on: HostContents, s: Spec, w: number): PlacedVm | undefined {
  if (s.strict) return on.dedicated.get(w);
  if (s.os !== 'any') return on.pools.get(s.os);
  // A portable workload joins any container VM already on the host, Linux first.
  return on.pools.get('linux') ?? on.pools.values().next().value;
}

/** Makes the container VM a replica of workload `w` needs on host `h`, and records it there. */
export function addContainerVm(on: HostContents, s: Spec, w: number, h: number, id: string): PlacedVm {
  const vm: PlacedVm = { id, kind: s.strict ? 'dedicated' : 'pool', os: containerVmOs(s), host: h, w, instance: undefined, containers: [] };
  if (s.strict) on.dedicated.set(w, vm);
  else on.pools.set(vm.os, vm);
  return vm;
}

/** Takes a container VM made by `addContainerVm` back out of its host's maps. */
export function removeContainerVm(on: HostContents, vm: PlacedVm): void {
  if (vm.kind === 'dedicated') on.dedicated.delete(vm.w);
  else on.pools.delete(vm.os);
}
