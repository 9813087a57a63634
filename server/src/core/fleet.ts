// The fleet: every host and workload across the workspace's descriptor files.

import type { HostDecl, ParsedFile, WorkloadDecl } from './types';

export interface FleetSummary {
  /** False when no file declares a host: fleet-based checks then stay quiet. */
  declaresHosts: boolean;
  /** OS families of container hosts. */
  containerHostOses: Set<string>;
  hypervisors: number;
  /** Hypervisors whose guests offer a container runtime (`runtime:` set). */
  hypervisorsWithRuntime: number;
  /** Changes whenever anything above changes; recommendations are cached under it. */
  key: string;
}

export interface Fleet {
  files: ParsedFile[];
  hosts: HostDecl[];
  workloads: WorkloadDecl[];
  hostsByName: Map<string, HostDecl[]>;
  workloadsByName: Map<string, WorkloadDecl[]>;
  summary: FleetSummary;
}

export function buildFleet(files: readonly ParsedFile[]): Fleet {
  const hosts: HostDecl[] = [];
  const workloads: WorkloadDecl[] = [];
  for (const f of files) {
    for (const h of f.hosts) hosts.push(h);
    for (const w of f.workloads) workloads.push(w);
  }
  const hostsByName = new Map<string, HostDecl[]>();
  for (const h of hosts) if (h.name !== undefined) push(hostsByName, h.name, h);
  const workloadsByName = new Map<string, WorkloadDecl[]>();
  for (const w of workloads) if (w.name !== undefined) push(workloadsByName, w.name, w);
  return { files: [...files], hosts, workloads, hostsByName, workloadsByName, summary: summarize(hosts) };
}

export function summarize(hosts: readonly HostDecl[]): FleetSummary {
  const containerHostOses = new Set<string>();
  let hypervisors = 0;
  let hypervisorsWithRuntime = 0;
  for (const h of hosts) {
    if (h.role === 'container-host') containerHostOses.add(h.os ?? 'linux');
    else if (h.role === 'hypervisor') {
      hypervisors++;
      if (h.runtime) hypervisorsWithRuntime++;
    }
  }
  const declaresHosts = hosts.length > 0;
  const key = `${declaresHosts ? 1 : 0}|${[...containerHostOses].sort().join(',')}|${hypervisors > 0 ? 1 : 0}|${hypervisorsWithRuntime > 0 ? 1 : 0}`;
  return { declaresHosts, containerHostOses, hypervisors, hypervisorsWithRuntime, key };
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const a = m.get(k);
  if (a) a.push(v);
  else m.set(k, [v]);
}
