// Helpers for placement tests: build a fleet from compact YAML, analyse it, and read
// the layout back as "which host (and VM) holds each replica".
import { analyze, type Analysis } from '../../server/src/core/analyze';
import { type Config, defaultConfig } from '../../server/src/core/config';
import { parseFile } from '../../server/src/core/parse';
import type { Diagnostic } from '../../server/src/core/types';
import type { Layout } from '../../shared/protocol';

/** One host per line: `name role key=value ...` (YAML flow values). */
export function hosts(spec: string): string {
  return `version: 1\nhosts:\n${items(spec)}`;
}

/** One workload per line: `name key=value ...`. */
export function workloads(spec: string): string {
  return `version: 1\nworkloads:\n${items(spec)}`;
}

function items(spec: string): string {
  return spec
    .trim()
    .split('\n')
    .map((line) => {
      const [name, ...rest] = line.trim().split(/\s+(?=[A-Za-z]+=)/);
      const fields = rest.map((kv) => {
        const i = kv.indexOf('=');
        return `${kv.slice(0, i)}: ${kv.slice(i + 1)}`;
      });
      return `  - { name: ${name}${fields.map((f) => `, ${f}`).join('')} }`;
    })
    .join('\n')
    .concat('\n');
}

export function run(files: Record<string, string>, config: Config = defaultConfig()): Analysis {
  return analyze(
    Object.entries(files).map(([f, t]) => parseFile(f, t)),
    config,
  );
}

export function config(mod: (c: Config) => void): Config {
  const c = defaultConfig();
  mod(c);
  return c;
}

/**
 * Each workload's replicas as `host`, `host/vm` (own VM), `host/pool:<os>` or
 * `host/dedicated:<os>` (container VMs), in replica order; `-` when unplaced.
 */
export function where(layout: Layout): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const w of layout.workloads) out[w.name] = new Array(w.replicas).fill('-');
  layout.hosts.forEach((h) => {
    for (const c of h.containers) out[layout.workloads[c.w].name][c.replica] = h.name;
    for (const v of h.vms) {
      if (v.instance) out[layout.workloads[v.instance.w].name][v.instance.replica] = `${h.name}/vm`;
      for (const c of v.containers) out[layout.workloads[c.w].name][c.replica] = `${h.name}/${v.kind}:${v.os}`;
    }
  });
  return out;
}

export function diags(a: Analysis, ruleId?: string): Diagnostic[] {
  const all = [...a.diagnostics.values()].flat();
  return ruleId ? all.filter((d) => d.ruleId === ruleId) : all;
}

export function unplacedOf(layout: Layout, name: string) {
  const i = layout.workloads.findIndex((w) => w.name === name);
  return layout.unplaced.filter((u) => u.w === i);
}

/** Throws when any host's use exceeds what it may allocate, or a replica is on the wrong kind of host. */
export function checkInvariants(layout: Layout): void {
  for (const h of layout.hosts) {
    const eps = 1e-6;
    if (h.used.cpu > h.allocatable.cpu + eps) throw new Error(`${h.name}: cpu ${h.used.cpu} > ${h.allocatable.cpu}`);
    if (h.used.memory > h.allocatable.memory + eps) throw new Error(`${h.name}: memory ${h.used.memory} > ${h.allocatable.memory}`);
    if (h.capacity.storage !== undefined && h.used.storage > h.capacity.storage + eps) throw new Error(`${h.name}: storage ${h.used.storage} > ${h.capacity.storage}`);
    let cpu = 0;
    let mem = 0;
    for (const v of h.vms) {
      if (h.role !== 'hypervisor') throw new Error(`${h.name}: a VM on a ${h.role}`);
      cpu += v.cost.cpu;
      mem += v.cost.memory;
      if (v.kind === 'workload' && layout.workloads[v.instance!.w].deploy !== 'vm') throw new Error('own VM for a non-vm workload');
      for (const c of v.containers) if (layout.workloads[c.w].deploy !== 'container-in-vm') throw new Error('a non-container-in-vm workload in a container VM');
      if (v.containers.length && h.runtime === undefined) throw new Error(`${h.name}: container VM without a runtime`);
    }
    for (const c of h.containers) {
      if (h.role !== 'container-host') throw new Error(`${h.name}: a bare container on a ${h.role}`);
      const w = layout.workloads[c.w];
      if (w.deploy !== 'container') throw new Error(`${w.name} as ${w.deploy} directly on a container host`);
      if (w.os !== 'any' && w.os !== (h.os ?? 'linux')) throw new Error(`${w.name} (${w.os}) on ${h.name} (${h.os})`);
      cpu += w.cost.cpu;
      mem += w.cost.memory;
    }
    if (Math.abs(cpu - h.used.cpu) > 1e-6 || Math.abs(mem - h.used.memory) > 1) throw new Error(`${h.name}: used does not add up`);
  }
  for (const w of layout.workloads) {
    if (!w.pins) continue;
    layout.hosts.forEach((h) => {
      const here = h.containers.some((c) => layout.workloads[c.w] === w) || h.vms.some((v) => (v.instance && layout.workloads[v.instance.w] === w) || v.containers.some((c) => layout.workloads[c.w] === w));
      if (here && !w.pins!.includes(h.name)) throw new Error(`${w.name} is pinned to ${w.pins} but runs on ${h.name}`);
    });
  }
}
