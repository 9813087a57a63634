// Hover text about the layout: a host's use and where a workload's replicas landed.
// Markdown, with every name from a descriptor escaped so it shows as written.

import type { Layout, LayoutHost } from '../../../../shared/protocol';
import { formatBytes, formatCpu } from '../quantity';

interface Where {
  host: number;
  replica: number;
  as: 'VM' | 'container' | 'container in VM';
  vm?: string;
}

/** A layout's hosts and workloads by name, and where each workload's replicas run: made once per layout by its placement (`Placement.describeHostUse`). */
export interface LayoutIndex {
  hosts: Map<string, number>;
  workloads: Map<string, number>;
  where: Where[][];
}

export function indexLayout(layout: Layout): LayoutIndex {
  const ix: LayoutIndex = { hosts: new Map(), workloads: new Map(), where: layout.workloads.map(() => []) };
  layout.hosts.forEach((h, i) => {
    if (!ix!.hosts.has(h.name)) ix!.hosts.set(h.name, i);
    for (const c of h.containers) ix!.where[c.w]?.push({ host: i, replica: c.replica, as: 'container' });
    for (const v of h.vms) {
      if (v.instance) ix!.where[v.instance.w]?.push({ host: i, replica: v.instance.replica, as: 'VM' });
      for (const c of v.containers) ix!.where[c.w]?.push({ host: i, replica: c.replica, as: 'container in VM', vm: v.id });
    }
  });
  layout.workloads.forEach((w, i) => {
    if (!ix!.workloads.has(w.name)) ix!.workloads.set(w.name, i);
  });
  for (const list of ix.where) list.sort((a, b) => a.replica - b.replica);
  return ix;
}

/** What a host runs and how full it is; undefined when the layout has no such host. (`ix`: the layout's index, when kept.) */
export function describeHostUse(layout: Layout, hostName: string, ix = indexLayout(layout)): string | undefined {
  const i = ix.hosts.get(hostName);
  if (i === undefined) return undefined;
  const h = layout.hosts[i];
  const ownVms = h.vms.filter((v) => v.kind === 'workload').length;
  const containerVms = h.vms.length - ownVms;
  const inVms = h.vms.reduce((n, v) => n + v.containers.length, 0);
  const counts: string[] = [];
  if (h.role === 'hypervisor') {
    counts.push(`${h.vms.length} VM${h.vms.length === 1 ? '' : 's'}`);
    if (containerVms) counts.push(`${inVms} container${inVms === 1 ? '' : 's'} in ${containerVms} container VM${containerVms === 1 ? '' : 's'}`);
  } else counts.push(`${h.containers.length} container${h.containers.length === 1 ? '' : 's'}`);
  const lines = [
    `**Placement:** ${counts.join(', ')}`,
    `- CPU ${bar(h.used.cpu, h.allocatable.cpu)} ${formatCpu(round(h.used.cpu))} of ${formatCpu(h.allocatable.cpu)} cores${h.overcommit.cpu !== 1 ? ` (${formatCpu(h.capacity.cpu)} × ${h.overcommit.cpu} over-commit)` : ''}${overcommitted(h, 'cpu')}`,
    `- Memory ${bar(h.used.memory, h.allocatable.memory)} ${formatBytes(h.used.memory)} of ${formatBytes(h.allocatable.memory)}${h.overcommit.memory !== 1 ? ` (× ${h.overcommit.memory} over-commit)` : ''}${overcommitted(h, 'memory')}`,
  ];
  if (h.capacity.storage !== undefined) lines.push(`- Storage ${bar(h.used.storage, h.capacity.storage)} ${formatBytes(h.used.storage)} of ${formatBytes(h.capacity.storage)}`);
  if (h.overPinned) lines.push('- ⚠ The workloads pinned here need more than it offers.');
  const traits = traitsOf(h);
  if (traits) lines.push(`- ${traits}`);
  const runs = runsOn(layout, h);
  if (runs.length) lines.push(`- Runs: ${limit(runs, 12)}`);
  return lines.join('\n');
}

/** What narrows which workloads a host takes: cluster (failover stays in it), zone, architecture, GPUs. */
function traitsOf(h: LayoutHost): string {
  const parts: string[] = [];
  if (h.cluster) parts.push(`cluster ${escapeMarkdown(h.cluster)}`);
  if (h.zone) parts.push(`zone ${escapeMarkdown(h.zone)} (takes only that zone's workloads)`);
  if (h.arch) parts.push(h.arch);
  if (h.gpus) parts.push(`${h.gpus} GPU${h.gpus === 1 ? '' : 's'}`);
  return parts.join(' · ');
}

/**
 * Where a workload's replicas landed, and what was not placed; undefined when unknown.
 * Takes a name (the first workload so named) or an index into `layout.workloads`.
 */
export function describeWorkloadPlacement(layout: Layout, workload: string | number, ix = indexLayout(layout)): string | undefined {
  const i = typeof workload === 'number' ? (layout.workloads[workload] ? workload : undefined) : ix.workloads.get(workload);
  if (i === undefined) return undefined;
  const w = layout.workloads[i];
  const where = ix.where[i];
  const lines: string[] = [];
  if (!w.replicas) return '**Placement:** no replicas to place (0 requested).';
  lines.push(`**Placement:** ${where.length} of ${w.replicas} replica${w.replicas === 1 ? '' : 's'} placed${w.deploy ? ` as ${w.deploy}` : ''}`);
  if (where.length) {
    const byHost = new Map<number, Where[]>();
    for (const x of where) (byHost.get(x.host) ?? byHost.set(x.host, []).get(x.host)!).push(x);
    const parts = [...byHost].map(([h, xs]) => {
      const host = layout.hosts[h];
      const site = host.site ? ` @ ${escapeMarkdown(host.site)}` : '';
      return `${escapeMarkdown(host.name)}${site}${xs.length > 1 ? ` ×${xs.length}` : ''}`;
    });
    lines.push(`- On: ${limit(parts, 12)}`);
    if (byHost.size === 1 && where.length > 1) lines.push('- ⚠ Every replica is on one host: its failure stops them all.');
    const sites = new Set([...byHost.keys()].map((h) => layout.hosts[h].site ?? ''));
    if (sites.size > 1) lines.push(`- Across ${sites.size} sites`);
  }
  for (const u of layout.unplaced) {
    if (u.w !== i) continue;
    lines.push(`- Not placed: ${u.count} replica${u.count === 1 ? '' : 's'}: ${escapeMarkdown(u.reason)}`);
  }
  return lines.join('\n');
}

/** Escapes Markdown and HTML so that text from a descriptor renders literally. */
export function escapeMarkdown(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>&~]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : `\\${c}`)).replace(/[\r\n]+/g, ' ');
}

function runsOn(layout: Layout, h: LayoutHost): string[] {
  const counts = new Map<string, number>();
  const add = (w: number, as: string) => {
    const name = layout.workloads[w]?.name ?? '?';
    const key = `${escapeMarkdown(name)} (${as})`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  };
  for (const v of h.vms) {
    if (v.instance) add(v.instance.w, 'VM');
    for (const c of v.containers) add(c.w, `container in ${v.os} VM`);
  }
  for (const c of h.containers) add(c.w, 'container');
  return [...counts].map(([k, n]) => (n > 1 ? `${k} ×${n}` : k));
}

function limit(items: string[], n: number): string {
  return items.length > n ? `${items.slice(0, n).join(', ')} and ${items.length - n} more` : items.join(', ');
}

function bar(used: number, cap: number): string {
  const ratio = cap > 0 ? used / cap : used > 0 ? 1 : 0;
  return `${Math.round(ratio * 100)}%`;
}

function overcommitted(h: LayoutHost, dim: 'cpu' | 'memory'): string {
  return h.used[dim] > h.capacity[dim] + 1e-9 && h.capacity[dim] > 0 ? ` — over-committed: ${Math.round((h.used[dim] / h.capacity[dim]) * 100)}% of physical` : '';
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
