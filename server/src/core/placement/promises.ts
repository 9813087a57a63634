// Promises checked against the fleet: what a workload says it needs beyond room
// (live migration, disaster recovery, GPUs, an elastic peak, a CPU architecture) and
// whether the declared hosts can deliver it. Rules (shared/rules.ts): container-host-os,
// live-migration-no-target, disaster-recovery-no-site, gpu-shortage, peak-no-fit,
// arch-unavailable. Each check reads the placement, never changes it.

import type { Finding, HostDecl, Span, WorkloadDecl } from '../types';
import type { Placement } from './engine';
import type { FileFinding } from './findings';
import { EPS, type Group, type HostInfo, type HostModel, capableHosts, eligible, list, ociOs, type Spec } from './model';

/**
 * Whether a workload's declaration makes any promise checked here, on the default
 * architecture (`mayPromise` is a superset of the workloads `promiseFindings` checks
 * when some host is x86_64: the session keeps the list from one analysis to the next).
 */
export function mayPromise(decl: WorkloadDecl): boolean {
  return (
    decl.liveMigration === true ||
    decl.disasterRecovery === true ||
    decl.gpus !== undefined ||
    (decl.scaling !== undefined && decl.replicas === undefined && decl.scaling.max > decl.scaling.min) ||
    decl.arch !== undefined ||
    decl.os === 'aix' ||
    decl.os === 'solaris'
  );
}

/** The host checks (container-host-os, host-field-mismatch for PowerVM). */
export function hostPromiseFindings(p: Placement): FileFinding[] {
  const out: FileFinding[] = [];
  for (const h of p.hostDecls) {
    containerHostOs(h, out);
    powerArch(h, out);
  }
  return out;
}

/** What the workload checks of one analysis share, made once per analysis (`newContext`). */
export interface PromiseContext {
  archs: Set<string>;
  /** Most workloads need x86_64 by default: when some host has it, only the workloads of `mayPromise` are checked. */
  x86: boolean;
  /** Room left per host group, summed once (many elastic workloads share a group), and the sites of each list of capable hosts. */
  rooms: Map<Group, { cpu: number; mem: number }>;
  sites: Map<Group, Set<string>>;
  targets: Targets;
  /** Its part that the host model alone decides, for the next analysis. */
  models: ModelContext;
}

/**
 * What a context holds that the host model alone decides (architectures, each group's
 * sites and capable hosts per domain, each host's domain): made once per model and
 * handed from one analysis to the next (`SplitFindings.models`) while the hosts stay the same.
 */
export interface ModelContext {
  model: HostModel;
  archs: Set<string>;
  x86: boolean;
  sites: Map<Group, Set<string>>;
  domains: string[];
  inDomain: Map<Group, Map<string, number[]>>;
}

/** `known`: the model context of an earlier analysis, used when its model is this placement's. */
export function newContext(p: Placement, known?: ModelContext): PromiseContext {
  let m = known;
  if (!m || m.model !== p.model) {
    const archs = new Set(p.model.hosts.map((h) => h.arch));
    m = { model: p.model, archs, x86: archs.has('x86_64'), sites: new Map(), domains: [], inDomain: new Map() };
  }
  return { archs: m.archs, x86: m.x86, rooms: new Map(), sites: m.sites, targets: { bySize: new Map(), domains: m.domains, seen: [], inDomain: m.inDomain }, models: m };
}

/** `roomReads` bits: the live-migration check reads the room left on the capable hosts of the workload's domains; the peak's, on its group's hosts. */
export const READS_TARGETS = 1;
export const READS_ROOM = 2;

/**
 * Which of workload `w`'s promise checks read the capacity left by the whole placement
 * (not only its own decisions): with the same spec and decisions, only these can change
 * when other workloads move.
 */
export function roomReads(p: Placement, w: number): number {
  const s = p.spec(w);
  if (!s || !s.need || s.blocked) return 0;
  const decl = p.decls[w];
  let out = 0;
  // (With GPUs the live-migration finding reads nothing of the placement.)
  if (decl.liveMigration === true && s.deploy !== 'container' && !s.gpus) out |= READS_TARGETS;
  if (decl.scaling && decl.replicas === undefined && decl.scaling.max > decl.scaling.min) out |= READS_ROOM;
  return out;
}

/**
 * Whether workload `w` (the same spec and decisions in both placements, over the same
 * host model) could find other live-migration targets in `p` than in `before`: the first
 * two hosts with room in the domain of any of its hosts differ. Only the domains in
 * `touched` (those of the hosts whose free capacity differs) are compared.
 */
export function targetsDiffer(before: Placement, bctx: PromiseContext, p: Placement, ctx: PromiseContext, w: number, touched: ReadonlySet<string>): boolean {
  const s = p.spec(w)!;
  const seen = ctx.targets.seen;
  const count = p.distinctReplicaHosts(w, seen);
  for (let i = 0; i < count; i++) {
    const h = seen[i];
    if (h < 0) continue;
    const d = domainOf(p, h, ctx.targets.domains);
    if (!touched.has(d)) continue;
    const a = roomIn(p, s, d, bySizeOf(ctx.targets, s.roomKey), ctx.targets);
    const b = roomIn(before, s, d, bySizeOf(bctx.targets, s.roomKey), bctx.targets);
    if (a.length !== b.length || a.some((x, k) => x !== b[k])) return true;
  }
  return false;
}

/** The migration domain of host `h` (see `domainOf`). */
export function domainOfHost(p: Placement, h: number, ctx: PromiseContext): string {
  return domainOf(p, h, ctx.targets.domains);
}

/** Whether the room left on group `g`'s hosts (what the peak check reads) differs between the two placements. */
export function roomDiffers(before: Placement, bctx: PromiseContext, p: Placement, ctx: PromiseContext, g: Group): boolean {
  const a = roomOf(p, g, ctx.rooms);
  const b = roomOf(before, g, bctx.rooms);
  return a.cpu !== b.cpu || a.mem !== b.mem;
}

/** Workload `w`'s peak check alone (the last of its promise checks: see `workloadPromiseFindings`). */
export function peakFindings(p: Placement, w: number, ctx: PromiseContext, emit: (f: Finding) => void): void {
  const s = p.spec(w)!;
  peak(p, p.decls[w], w, s, roomOf(p, s.group!, ctx.rooms), emit);
}

function bySizeOf(targets: Targets, size: string): Map<string, number[]> {
  let bySize = targets.bySize.get(size);
  if (!bySize) targets.bySize.set(size, (bySize = new Map()));
  return bySize;
}

/** The promise checks of workload `w` (every one: the caller skips the workloads that `mayPromise` rules out, when `ctx.x86`). */
export function workloadPromiseFindings(p: Placement, w: number, ctx: PromiseContext, emit: (f: Finding) => void): void {
  const s = p.spec(w);
  if (!s) return;
  const decl = p.decls[w];
  if (!ctx.x86 || decl.arch !== undefined || decl.os === 'aix' || decl.os === 'solaris') arch(decl, s, ctx.archs, emit);
  if (!s.need || s.blocked) return;
  if (s.gpus) gpuShortage(p, decl, s, emit);
  if (decl.liveMigration === true && s.deploy !== 'container') liveMigration(p, decl, w, s, ctx.targets, emit);
  if (decl.disasterRecovery === true && s.deploy !== 'container') disasterRecovery(p, decl, s, ctx.sites, emit);
  if (decl.scaling && decl.replicas === undefined && decl.scaling.max > decl.scaling.min) peak(p, decl, w, s, roomOf(p, s.group!, ctx.rooms), emit);
}

/**
 * Live-migration targets found so far in one analysis: per size (`Spec.roomKey`), per
 * migration domain (`domainOf`), the first two hosts with room. `domains` caches each
 * host's domain key; `inDomain`, per group (which decides the capable hosts), the capable
 * hosts of each domain (in order); `seen` is scratch space for a workload's distinct hosts.
 */
interface Targets {
  bySize: Map<string, Map<string, number[]>>;
  domains: string[];
  seen: number[];
  inDomain: Map<Group, Map<string, number[]>>;
}

/** A container host whose OS no OCI runtime runs: its containers could never start. */
function containerHostOs(h: HostDecl, out: FileFinding[]): void {
  if (h.role !== 'container-host' || h.os === undefined || ociOs(h.os)) return;
  out.push({
    file: h.file,
    finding: {
      ruleId: 'container-host-os',
      message: `'${h.name ?? 'this host'}' is a container host with \`os: ${h.os}\`, which no OCI container runtime runs (runc and crun run on Linux, runhcs on Windows): it gets no containers. Make it a hypervisor, or correct its \`os\`.`,
      span: entrySpan(h.node.entries, 'os') ?? h.nameSpan,
    },
  });
}

/** PowerVM runs on POWER only: another declared architecture contradicts it. */
function powerArch(h: HostDecl, out: FileFinding[]): void {
  if (h.hypervisor !== 'powervm' || h.arch === undefined || h.arch === 'ppc64') return;
  out.push({
    file: h.file,
    finding: { ruleId: 'host-field-mismatch', message: `PowerVM runs on IBM POWER servers only (\`arch: ppc64\`), not \`arch: ${h.arch}\`.`, span: entrySpan(h.node.entries, 'arch') ?? h.nameSpan },
  });
}

function arch(decl: WorkloadDecl, s: Spec, archs: ReadonlySet<string>, emit: (f: Finding) => void): void {
  const wants = s.need?.archs ?? (decl.arch ? [decl.arch] : decl.os === 'aix' ? ['ppc64'] : []);
  if (!wants.length || wants.some((a) => archs.has(a))) return;
  const implied = decl.arch ? '' : ` (implied by \`os: ${decl.os}\`)`;
  emit({
    ruleId: 'arch-unavailable',
    message: `'${name(decl)}' needs ${list(wants)}${implied}, and no host of the fleet has that architecture (they have ${list([...archs].sort())}).${decl.os === 'aix' ? ' AIX runs only on POWER, under PowerVM (`hypervisor: powervm`).' : ''}`,
    span: fieldSpan(decl, decl.arch ? 'arch' : 'os'),
  });
}

/** GPUs are not shared between instances: replicas × gpus must exist on hosts that could run them. */
function gpuShortage(p: Placement, decl: WorkloadDecl, s: Spec, emit: (f: Finding) => void): void {
  const need = { ...s.need!, gpus: 0 };
  let total = 0;
  for (const h of p.model.hosts) if (eligible(need, h)) total += h.gpus;
  const wanted = s.wanted * s.gpus;
  if (total >= wanted) return;
  emit({
    ruleId: 'gpu-shortage',
    message: `'${name(decl)}' needs ${wanted} GPU${wanted > 1 ? 's' : ''} (${s.wanted} × ${s.gpus}); the hosts that could run it have ${total} in all.`,
    span: fieldSpan(decl, 'gpus'),
  });
}

/**
 * Live migration moves a running VM to another host of the same hypervisor type (vMotion
 * between ESXi hosts, Live Migration between Hyper-V hosts, KubeVirt within its cluster),
 * inside one cluster when clusters are declared, and never with a passthrough GPU.
 */
function liveMigration(p: Placement, decl: WorkloadDecl, w: number, s: Spec, targets: Targets, emit: (f: Finding) => void): void {
  if (s.gpus) {
    emit({ ruleId: 'live-migration-no-target', message: `'${name(decl)}' asks for live migration and ${s.gpus} GPU${s.gpus > 1 ? 's' : ''} per instance: a VM with a passthrough GPU cannot be live-migrated (vSphere, Hyper-V and KubeVirt refuse it).`, span: fieldSpan(decl, 'liveMigration') });
    return;
  }
  const { hosts } = p.model;
  // Its distinct hosts, in the order of its replicas.
  const seen = targets.seen;
  const count = p.distinctReplicaHosts(w, seen);
  let bySize: Map<string, number[]> | undefined;
  for (let i = 0; i < count; i++) {
    const h = seen[i];
    if (h < 0) continue;
    const from = hosts[h];
    if (!bySize) {
      const size = s.roomKey;
      bySize = targets.bySize.get(size);
      if (!bySize) targets.bySize.set(size, (bySize = new Map()));
    }
    const room = roomIn(p, s, domainOf(p, h, targets.domains), bySize, targets);
    if (room.length > 1 || (room.length === 1 && room[0] !== h)) continue;
    const kind = from.hypervisor || 'hypervisor';
    const where = p.model.clustered ? ` in cluster '${from.clusterName || '(none)'}'` : '';
    emit({
      ruleId: 'live-migration-no-target',
      message: `'${name(decl)}' asks for live migration, but no other ${kind} host${where} could take it from '${from.name}': live migration moves a VM only between hosts of the same hypervisor type (vMotion, Hyper-V Live Migration)${p.model.clustered ? ', inside its cluster' : ''}.`,
      span: fieldSpan(decl, 'liveMigration'),
    });
    return;
  }
}

/** The migration domain of host `h` (its hypervisor type, and cluster when clusters are declared), made once per host. */
function domainOf(p: Placement, h: number, domains: string[]): string {
  let d = domains[h];
  if (d === undefined) {
    const from = p.model.hosts[h];
    // Length-prefixed: any hypervisor string (a misspelt one too) and cluster name make one key.
    d = domains[h] = `${from.hypervisor.length}:${from.hypervisor}|${p.model.clustered ? from.clusterName : ''}`;
  }
  return d;
}

/** The first two capable hosts of `from`'s hypervisor type (and cluster) with room for `s`: cached per size and domain, as many workloads share one. */
function roomIn(p: Placement, s: Spec, domain: string, cache: Map<string, number[]>, targets: Targets): number[] {
  let found = cache.get(domain);
  if (!found) {
    found = [];
    for (const t of capableIn(p, s, domain, targets)) if (hasRoom(p, s, t) && found.push(t) >= 2) break;
    cache.set(domain, found);
  }
  return found;
}

/** The hosts capable of `s` in one migration domain, in host order: split once per group (its need decides which hosts are capable). */
function capableIn(p: Placement, s: Spec, domain: string, targets: Targets): readonly number[] {
  let split = targets.inDomain.get(s.group!);
  if (!split) {
    split = new Map();
    for (const t of capableHosts(p.model, s.need!)) {
      const d = domainOf(p, t, targets.domains);
      const list = split.get(d);
      if (list) list.push(t);
      else split.set(d, [t]);
    }
    targets.inDomain.set(s.group!, split);
  }
  return split.get(domain) ?? [];
}

/** Room on `h` for one more instance, with what is placed now. */
function hasRoom(p: Placement, s: Spec, h: number): boolean {
  const { free, gpu } = p.packer;
  const vm = s.deploy === 'container-in-vm';
  const cpu = vm ? s.cpu + p.model.vmOv.cpu : s.cpu;
  const mem = vm ? s.mem + p.model.vmOv.mem : s.mem;
  return free.cpu[h] + EPS >= cpu && free.mem[h] + EPS >= mem && free.sto[h] + EPS >= s.sto && gpu[h] >= s.gpus && s.vcpus <= p.model.hosts[h].cpu + EPS;
}

/** DR recovers a VM at another site (Site Recovery Manager, Hyper-V Replica): a capable host must be there. */
function disasterRecovery(p: Placement, decl: WorkloadDecl, s: Spec, known: Map<Group, Set<string>>, emit: (f: Finding) => void): void {
  const { hosts } = p.model;
  // Wherever its replicas run, a capable host at another site (an undeclared site counts as one) takes it over.
  // The capable hosts follow from the need, and so from the group (which adds the pins): kept per group.
  let sites = known.get(s.group!);
  if (!sites) known.set(s.group!, (sites = new Set(capableHosts(p.model, s.need!).map((h) => hosts[h].siteName))));
  if (sites.size >= 2) return;
  const only = [...sites][0];
  emit({
    ruleId: 'disaster-recovery-no-site',
    message: `'${name(decl)}' asks for disaster recovery, but no host at a second site could run it${sites.size ? ` (every capable host is ${only ? `in site '${only}'` : 'without a `site:`'})` : ''}: declare a capable host with a different \`site:\`.`,
    span: fieldSpan(decl, 'disasterRecovery'),
  });
}

/**
 * The peak: `scaling.max` instances, each alone against the room left on its capable
 * hosts (in total: fragmentation aside, so what this reports is certain to fail).
 */
function peak(p: Placement, decl: WorkloadDecl, w: number, s: Spec, left: { cpu: number; mem: number }, emit: (f: Finding) => void): void {
  const more = decl.scaling!.max - p.placedOf(w);
  if (more <= 0) return;
  const room = Math.min(s.cpu > 0 ? Math.floor((left.cpu + EPS) / s.cpu) : Infinity, s.mem > 0 ? Math.floor((left.mem + EPS) / s.mem) : Infinity);
  if (room >= more) return;
  emit({
    ruleId: 'peak-no-fit',
    message: `At its peak (\`scaling.max: ${decl.scaling!.max}\`) '${name(decl)}' needs ${more} more instance${more > 1 ? 's' : ''} than are placed; the ${s.group!.label} have room for ${room} more in all.`,
    span: fieldSpan(decl, 'scaling'),
  });
}

function roomOf(p: Placement, g: Group, rooms: Map<Group, { cpu: number; mem: number }>): { cpu: number; mem: number } {
  let r = rooms.get(g);
  if (!r) {
    const { free } = p.packer;
    r = { cpu: 0, mem: 0 };
    for (const h of g.hosts) {
      r.cpu += Math.max(0, free.cpu[h]);
      r.mem += Math.max(0, free.mem[h]);
    }
    rooms.set(g, r);
  }
  return r;
}

function name(w: WorkloadDecl): string {
  return w.name ?? 'this workload';
}

function entrySpan(entries: WorkloadDecl['node']['entries'], key: string): Span | undefined {
  const e = entries.find((x) => x.key === key);
  return e ? (e.value ? e.value.span : e.keySpan) : undefined;
}

function fieldSpan(w: WorkloadDecl, key: string): Span {
  return entrySpan(w.node.entries, key) ?? w.nameSpan;
}
