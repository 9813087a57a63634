// What the placement engine reads from the fleet, as plain values: hosts with their
// allocatable capacity, the host groups a workload may land on, and per workload a
// `Spec` (its effective deployment, size, pins, or why it cannot be placed at all).
// Values, not declaration objects, decide whether a previous placement can be reused:
// a declaration may be reused across parses with its spans moved, and an edited one is
// a new object with, often, the same placement-relevant values.

import type { PlacementOptions } from '../config';
import { formatBytes, formatCpu } from '../quantity';
import type { Recommendation } from '../recommend';
import type { Deploy, HostDecl, WorkloadDecl } from '../types';
import type { Resources, UnplacedKind } from '../../../../shared/protocol';

export const EPS = 1e-6;
/** More replicas than this for one workload are reported, not placed (a typo's guard). */
export const MAX_REPLICAS = 10_000;
/** Past this many instances in all, the rest are reported, not placed. */
export const MAX_INSTANCES = 250_000;
/** With more sites than this in one host group, replicas spread across hosts only. */
export const MAX_SPREAD_SITES = 64;

export interface HostInfo {
  idx: number;
  /** The declared name, or a stand-in for messages. */
  name: string;
  declaredName: string | undefined;
  role: 'hypervisor' | 'container-host' | 'unknown';
  /** Container hosts: the OS their containers share (linux when unset). */
  os: string;
  runtime: boolean;
  /** The hypervisor type ('' when none): live migration needs another host of the same type. */
  hypervisor: string;
  siteName: string;
  clusterName: string;
  /** Zone ('' when none), CPU architecture and GPUs. */
  zone: string;
  arch: string;
  gpus: number;
  /** The failure domain replicas spread over: one per (site, cluster) pair. */
  site: number;
  /** Declared cores, for messages. */
  cpu: number;
  /** Allocatable millicores and bytes, and storage in whole bytes (Infinity: unchecked). */
  allocCpu: number;
  allocMem: number;
  storage: number;
  ocCpu: number;
  ocMem: number;
}

export interface Blocked {
  kind: UnplacedKind;
  reason: string;
  field: string;
}

/** The hosts that can take one kind of instance, in the order they are tried. */
export interface Group {
  id: number;
  key: string;
  /** What these hosts are, for messages: "hypervisor hosts", "linux container hosts". */
  label: string;
  hosts: number[];
  /** Contiguous ranges of `hosts` per site, when the group spans 2 to 64 sites. */
  sites: { site: number; lo: number; hi: number }[];
  /** The largest host (by rank), for messages; -1 when empty. */
  largest: number;
  /** Each host's position in `hosts` (-1: not in it), made on first use (`positionIn`). */
  positions: Int32Array | undefined;
}

/** Host h's position in `g.hosts` (-1: not in it): one read, where `hostGroups[h]` is a list of objects to scan. */
export function positionIn(m: HostModel, g: Group, h: number): number {
  let at = g.positions;
  if (!at) {
    g.positions = at = new Int32Array(m.hosts.length).fill(-1);
    for (let pos = 0; pos < g.hosts.length; pos++) at[g.hosts[pos]] = pos;
  }
  return at[h];
}

/**
 * Everything about the fleet's hosts that placement needs, plus the host groups built so
 * far. Shared by successive placements while the hosts and options are unchanged (groups
 * are only ever added, never changed).
 */
export interface HostModel {
  hosts: HostInfo[];
  naive: boolean;
  vmOv: { cpu: number; mem: number };
  ctOv: { cpu: number; mem: number };
  sites: number;
  maxCpu: number;
  maxMem: number;
  rank: Float64Array;
  hostsByName: Map<string, number[]>;
  groups: Map<string, Group>;
  /** Groups of workloads without pins, by deployment and OS. */
  plainGroups: Map<Deploy, Map<string, Group>>;
  /** The need and group of a workload without pins, `arch`, `zone` or `gpus` (most of them), by deployment and OS: one need shared, no key string built. */
  simpleNeeds: Map<Deploy, Map<string, { need: Need; group: Group }>>;
  groupList: Group[];
  /** Per host: the groups it belongs to and its position in each. */
  hostGroups: { g: number; pos: number }[][];
  /** Hosts able to run a kind of instance, pins aside, by `deploy|os`. */
  capable: Map<string, number[]>;
  /** Capacities are whole numbers small enough that any order of sums is exact. */
  exact: boolean;
  /** Guest OSes of shared container VMs, by number (0: none). */
  poolOs: string[];
  poolIds: Map<string, number>;
  /** Some host declares a cluster: failover then stays inside a cluster (vSphere HA, Hyper-V failover clusters). */
  clustered: boolean;
  /** What it was read from: with `sameDecls`, the next build compares these by identity instead of reading every host. */
  decls: readonly HostDecl[];
  options: PlacementOptions;
}

/** The number of a shared container VM's guest OS (stable while the model is shared). */
export function poolId(m: HostModel, os: string): number {
  let id = m.poolIds.get(os);
  if (id === undefined) m.poolIds.set(os, (id = m.poolOs.push(os) - 1));
  return id;
}

/**
 * `sameDecls`: the caller vouches that its host declarations are never changed in place
 * (parsed ones), so the same objects with the same options read the same: checked by
 * identity, not by reading every host (milliseconds at 7,000 hosts, every edit).
 * Without it, hosts are read and compared by value (a test edits them as objects).
 */
export function buildHostModel(decls: readonly HostDecl[], options: PlacementOptions, naive: boolean, previous?: HostModel, sameDecls = false): HostModel {
  if (sameDecls && previous && previous.options === options && previous.naive === naive && previous.groupList.length <= 4 * decls.length + 1000 && sameList(previous.decls, decls)) {
    // This list now: the session gives the same one while the hosts stay (a pointer check next time).
    previous.decls = decls;
    return previous;
  }
  const vmOv = { cpu: milli(options.vmOverhead.cpu), mem: Math.ceil(options.vmOverhead.memory) };
  const ctOv = { cpu: milli(options.containerOverhead.cpu), mem: Math.ceil(options.containerOverhead.memory) };
  if (
    previous &&
    // Groups are only ever added: start afresh once many pin combinations have come and gone.
    previous.groupList.length <= 4 * decls.length + 1000 &&
    previous.naive === naive &&
    previous.hosts.length === decls.length &&
    previous.vmOv.cpu === vmOv.cpu &&
    previous.vmOv.mem === vmOv.mem &&
    previous.ctOv.cpu === ctOv.cpu &&
    previous.ctOv.mem === ctOv.mem &&
    decls.every((d, i) => sameHost(readHost(d, i, options, previous.hosts[i].site), previous.hosts[i]))
  ) {
    // Read from these now: the next build's identity check compares with them.
    previous.decls = decls;
    previous.options = options;
    return previous;
  }
  const siteIndex = new Map<string, number>();
  const hosts: HostInfo[] = decls.map((decl, idx) => {
    const domain = domainOf(decl);
    let site = siteIndex.get(domain);
    if (site === undefined) siteIndex.set(domain, (site = siteIndex.size));
    return readHost(decl, idx, options, site);
  });
  const clustered = hosts.some((h) => h.clusterName !== '');
  const H = hosts.length;
  const hostsByName = new Map<string, number[]>();
  for (const h of hosts) if (h.declaredName !== undefined) (hostsByName.get(h.declaredName) ?? hostsByName.set(h.declaredName, []).get(h.declaredName)!).push(h.idx);
  // Larger hosts first: fewer hosts end up used.
  const maxCpu = hosts.reduce((a, h) => Math.max(a, h.allocCpu), 1);
  const maxMem = hosts.reduce((a, h) => Math.max(a, h.allocMem), 1);
  const rank = new Float64Array(H);
  for (const h of hosts) rank[h.idx] = h.allocCpu / maxCpu + h.allocMem / maxMem;
  const safe = (x: number) => Number.isSafeInteger(x) && x >= 0;
  const exact =
    !naive &&
    H < 1 << 20 &&
    safe(vmOv.cpu) &&
    safe(vmOv.mem) &&
    safe(ctOv.cpu) &&
    safe(ctOv.mem) &&
    hosts.every((h) => safe(h.allocCpu) && safe(h.allocMem) && (h.storage === Infinity || safe(h.storage)));
  return {
    hosts,
    naive,
    vmOv,
    ctOv,
    sites: siteIndex.size,
    maxCpu,
    maxMem,
    rank,
    hostsByName,
    groups: new Map(),
    plainGroups: new Map(),
    simpleNeeds: new Map(),
    groupList: [],
    hostGroups: hosts.map(() => []),
    capable: new Map(),
    exact,
    poolOs: [''],
    poolIds: new Map(),
    clustered,
    decls,
    options,
  };
}

function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A host's failure domain for spreading: its site and cluster. */
function domainOf(decl: HostDecl): string {
  return `${decl.site ?? ''}\u0000${decl.cluster ?? ''}`;
}

function readHost(decl: HostDecl, idx: number, options: PlacementOptions, site: number): HostInfo {
  const role = decl.role === 'hypervisor' || decl.role === 'container-host' ? decl.role : 'unknown';
  const dflt = role === 'hypervisor' ? options.overcommit.hypervisor : options.overcommit.containerHost;
  const ocCpu = decl.overcommit.cpu ?? dflt.cpu;
  const ocMem = decl.overcommit.memory ?? dflt.memory;
  return {
    idx,
    name: decl.name ?? `(host ${idx + 1})`,
    declaredName: decl.name,
    role,
    os: role === 'container-host' ? (decl.os ?? 'linux') : (decl.os ?? ''),
    runtime: !!decl.runtime,
    hypervisor: role === 'hypervisor' ? (decl.hypervisor ?? '') : '',
    siteName: decl.site ?? '',
    clusterName: decl.cluster ?? '',
    zone: decl.zone ?? '',
    arch: hostArch(decl),
    gpus: Math.max(0, Math.floor(decl.gpus ?? 0)),
    site,
    cpu: decl.cpu ?? 0,
    allocCpu: role === 'unknown' ? 0 : Math.floor((decl.cpu ?? 0) * ocCpu * 1000 + EPS),
    allocMem: role === 'unknown' ? 0 : Math.floor((decl.memory ?? 0) * ocMem + EPS),
    // Whole bytes: free capacity is then a sum of integers, exact in any order.
    storage: decl.storage === undefined ? Infinity : Math.floor(decl.storage + EPS),
    ocCpu,
    ocMem,
  };
}

/** Same placement-relevant values (the site index follows from the site names of all hosts). */
function sameHost(a: HostInfo, b: HostInfo): boolean {
  return (
    a.declaredName === b.declaredName &&
    a.role === b.role &&
    a.os === b.os &&
    a.runtime === b.runtime &&
    a.hypervisor === b.hypervisor &&
    a.siteName === b.siteName &&
    a.clusterName === b.clusterName &&
    a.zone === b.zone &&
    a.arch === b.arch &&
    a.gpus === b.gpus &&
    a.cpu === b.cpu &&
    a.allocCpu === b.allocCpu &&
    a.allocMem === b.allocMem &&
    a.storage === b.storage &&
    a.ocCpu === b.ocCpu &&
    a.ocMem === b.ocMem
  );
}

/** A host's CPU architecture: declared, else ppc64 under PowerVM, else x86_64. */
export function hostArch(decl: HostDecl): string {
  return decl.arch ?? (decl.hypervisor === 'powervm' ? 'ppc64' : 'x86_64');
}

/** Whether an OCI container runtime runs on this OS (runc/crun: Linux; runhcs: Windows): the others get no containers. */
export function ociOs(os: string): boolean {
  return os === 'linux' || os === 'windows';
}

/** What an instance needs of a host beyond room: the static part of feasibility. */
export interface Need {
  deploy: Deploy;
  os: string;
  /** Architectures it can run on. */
  archs: readonly string[];
  zone: string;
  gpus: number;
}

/** The architectures a workload runs on: declared, else implied by its OS (AIX: POWER; Solaris: SPARC or x86), else x86_64. */
export function workloadArchs(decl: WorkloadDecl): readonly string[] {
  if (decl.arch) return [decl.arch];
  if (decl.os === 'aix') return ['ppc64'];
  if (decl.os === 'solaris') return ['sparc', 'x86_64'];
  return ['x86_64'];
}

export function needOf(decl: WorkloadDecl, deploy: Deploy): Need {
  return { deploy, os: decl.os ?? 'any', archs: workloadArchs(decl), zone: decl.zone ?? '', gpus: Math.max(0, Math.floor(decl.gpus ?? 0)) };
}

/** The deployment's kind of host alone (role, runtime, container OS). */
export function roleFits(deploy: Deploy, os: string, h: HostInfo): boolean {
  if (deploy === 'vm') return h.role === 'hypervisor' && (os !== 'aix' || h.hypervisor === 'powervm');
  if (deploy === 'container-in-vm') return h.role === 'hypervisor' && h.runtime;
  return h.role === 'container-host' && ociOs(h.os) && (os === 'any' || h.os === os);
}

export function eligible(n: Need, h: HostInfo): boolean {
  return roleFits(n.deploy, n.os, h) && n.archs.includes(h.arch) && h.zone === n.zone && h.gpus >= n.gpus;
}

/** The part of a need that picks hosts, as a key. */
function needKey(n: Need): string {
  const os = n.deploy === 'container' ? n.os : n.os === 'aix' ? 'aix' : '';
  return `${os}|${n.archs.join('/')}|${n.zone}|${n.gpus}`;
}

/** The group of hosts for a kind of instance (and pins), made on first use. */
export function groupFor(m: HostModel, n: Need, pins: readonly number[] | null): Group {
  const deploy = n.deploy;
  const nk = needKey(n);
  // Most workloads are not pinned: their groups are found without building the full key.
  const plain = pins ? undefined : (m.plainGroups.get(deploy) ?? m.plainGroups.set(deploy, new Map()).get(deploy)!);
  let g = plain?.get(nk);
  if (g) return g;
  const key = `${deploy}|${nk}|${pins ? pins.join(',') : '*'}`;
  g = m.groups.get(key);
  if (g) {
    plain?.set(nk, g);
    return g;
  }
  const candidates = (pins ?? m.hosts.map((h) => h.idx)).filter((i) => eligible(n, m.hosts[i]));
  g = makeGroup(m, key, labelOf(n), candidates);
  plain?.set(nk, g);
  return g;
}

/** The hosts of `g` in one cluster: where its replicas from that cluster fail over to. */
export function clusterGroup(m: HostModel, g: Group, cluster: string): Group {
  const key = `${g.key}@${cluster}`;
  return m.groups.get(key) ?? makeGroup(m, key, `${g.label} of cluster '${cluster}'`, g.hosts.filter((h) => m.hosts[h].clusterName === cluster));
}

function makeGroup(m: HostModel, key: string, label: string, candidates: number[]): Group {
  const { hosts, rank } = m;
  if (!m.naive) candidates.sort((a, b) => hosts[a].site - hosts[b].site || rank[b] - rank[a] || a - b);
  const sites: Group['sites'] = [];
  if (!m.naive) {
    for (let i = 0; i < candidates.length; i++) {
      const s = hosts[candidates[i]].site;
      if (sites.length && sites[sites.length - 1].site === s) sites[sites.length - 1].hi = i + 1;
      else sites.push({ site: s, lo: i, hi: i + 1 });
    }
  }
  const largest = candidates.length ? candidates.reduce((a, b) => (rank[b] > rank[a] ? b : a)) : -1;
  const g: Group = { id: m.groupList.length, key, label, hosts: candidates, sites: sites.length > 1 && sites.length <= MAX_SPREAD_SITES ? sites : [], largest, positions: undefined };
  m.groups.set(key, g);
  m.groupList.push(g);
  candidates.forEach((h, pos) => m.hostGroups[h].push({ g: g.id, pos }));
  return g;
}

function labelOf(n: Need): string {
  const base = n.deploy === 'vm' ? (n.os === 'aix' ? 'PowerVM hosts' : 'hypervisor hosts') : n.deploy === 'container-in-vm' ? 'hypervisor hosts with a container runtime' : n.os === 'any' ? 'container hosts' : `${n.os} container hosts`;
  const arch = n.archs.length === 1 && n.archs[0] !== 'x86_64' ? ` (${n.archs[0]})` : '';
  const zone = n.zone ? ` in zone '${n.zone}'` : '';
  const gpus = n.gpus ? ` with ${n.gpus} GPU${n.gpus > 1 ? 's' : ''} or more` : '';
  return `${base}${arch}${zone}${gpus}`;
}

/** Hosts that could run this kind of instance, pins aside. */
export function capableHosts(m: HostModel, n: Need): number[] {
  const key = `${n.deploy}|${needKey(n)}`;
  let list = m.capable.get(key);
  if (!list) m.capable.set(key, (list = m.hosts.filter((h) => eligible(n, h)).map((h) => h.idx)));
  return list;
}

/**
 * A workload as placement sees it. Immutable: a later placement reuses the object when
 * the workload's placement-relevant values are unchanged (see `sameSpec`).
 */
export interface Spec {
  // What it was read from (compared by `sameSpec`).
  /** The declaration and recommendation objects themselves (see `sameSpec`). */
  src: WorkloadDecl;
  recSrc: Recommendation | undefined;
  declared: Deploy | undefined;
  deploy: Deploy | null;
  osRaw: string | undefined;
  replicasRaw: number | undefined;
  scalingMin: number | undefined;
  cpuRaw: number | undefined;
  memRaw: number | undefined;
  stoRaw: number;
  strict: boolean;
  zoneRaw: string | undefined;
  gpusRaw: number | undefined;
  archRaw: string | undefined;
  /** `disasterRecovery: true`: after a failure it may be recovered outside its cluster (a DR site). */
  dr: boolean;
  pinNames: readonly string[];
  /** The pin key as written (`host` or `hosts`), for the diagnostic's range. */
  pinField: string;
  blocked: Blocked | undefined;
  blockKey: string | undefined;
  // Derived.
  os: string;
  /** What it needs of a host beyond room (null when it has no deployment). */
  need: Need | null;
  /** A VM's vCPUs (0 for containers): never more than its host's cores. */
  vcpus: number;
  /** GPUs per instance. */
  gpus: number;
  wanted: number;
  /** What one instance costs its host (millicores, bytes, bytes), overheads included; a container-in-vm's VM is extra. */
  cpu: number;
  mem: number;
  sto: number;
  pins: number[] | null;
  group: Group | null;
  /** Sort keys: pinned first (fewest pins first), then largest share of a host first. */
  pinRank: number;
  share: number;
  /** Costs are whole numbers small enough for exact sums (else placement is never resumed). */
  exact: boolean;
  /**
   * Its group, deployment and costs as one string: specs with the same key need the same
   * room on the same hosts (the live-migration check shares its search between them). Made on first read.
   */
  readonly roomKey: string;
}

export function readSpec(m: HostModel, decl: WorkloadDecl, rec: Recommendation | undefined): Spec {
  const deploy = decl.deploy ?? rec?.verdict ?? null;
  const os = decl.os ?? 'any';
  let volumes = 0;
  for (const v of decl.volumes) volumes += v.size ?? 0;
  const ov = deploy === 'vm' ? m.vmOv : m.ctOv;
  const cpu = milli(decl.cpu ?? 0) + ov.cpu;
  const mem = Math.ceil(decl.memory ?? 0) + ov.mem;
  const sto = Math.ceil(volumes);
  const pinNames = decl.pins.length ? decl.pins.map((p) => p.name) : NO_PINS;
  const pinField = decl.pins.length ? pinKey(decl) : '';
  let blocked = blockedReason(m, deploy, decl, rec);
  let pins: number[] | null = null;
  if (!blocked && pinNames.length) {
    const known = [...new Set(pinNames.flatMap((p) => m.hostsByName.get(p) ?? []))].sort((a, b) => a - b);
    if (!known.length) blocked = { kind: 'pin', reason: `it is pinned to ${list(pinNames.map((p) => `'${p}'`))}, which no descriptor declares`, field: pinField };
    else pins = known;
  }
  let need: Need | null = null;
  let group: Group | null = null;
  if (deploy && !blocked && !pins && decl.arch === undefined && decl.zone === undefined && decl.gpus === undefined) {
    // A need is never changed once made: workloads that need the same share one.
    let byOs = m.simpleNeeds.get(deploy);
    if (!byOs) m.simpleNeeds.set(deploy, (byOs = new Map()));
    let simple = byOs.get(os);
    if (!simple) {
      const n = needOf(decl, deploy);
      byOs.set(os, (simple = { need: n, group: groupFor(m, n, null) }));
    }
    need = simple.need;
    group = simple.group;
  } else if (deploy) {
    need = needOf(decl, deploy);
    group = !blocked ? groupFor(m, need, pins) : null;
  }
  // GPUs are a packing dimension the resume does not track: a placement using them is computed whole.
  const exact = Number.isSafeInteger(cpu) && Number.isSafeInteger(mem) && Number.isSafeInteger(sto) && cpu >= 0 && mem >= 0 && sto >= 0 && !need?.gpus;
  const blockKeyOf = deploy !== null && decl.deploy === undefined ? undefined : blockKey(deploy, rec);
  const wanted = Math.max(0, Math.floor(decl.replicas ?? decl.scaling?.min ?? 1));
  // A class instance, not an object literal: a literal this large is built slowly by V8.
  return new SpecRecord(decl, rec, deploy, volumes, pinNames, pinField, blocked, blockKeyOf, os, need, wanted, cpu, mem, sto, pins, group, Math.max(cpu / m.maxCpu, mem / m.maxMem), exact);
}

class SpecRecord implements Spec {
  readonly declared: Deploy | undefined;
  readonly osRaw: string | undefined;
  readonly replicasRaw: number | undefined;
  readonly scalingMin: number | undefined;
  readonly cpuRaw: number | undefined;
  readonly memRaw: number | undefined;
  readonly strict: boolean;
  readonly zoneRaw: string | undefined;
  readonly gpusRaw: number | undefined;
  readonly archRaw: string | undefined;
  readonly dr: boolean;
  readonly vcpus: number;
  readonly gpus: number;
  readonly pinRank: number;
  readonly src: WorkloadDecl;
  readonly recSrc: Recommendation | undefined;
  private key: string | undefined = undefined;
  constructor(
    decl: WorkloadDecl,
    rec: Recommendation | undefined,
    readonly deploy: Deploy | null,
    readonly stoRaw: number,
    readonly pinNames: readonly string[],
    readonly pinField: string,
    readonly blocked: Blocked | undefined,
    readonly blockKey: string | undefined,
    readonly os: string,
    readonly need: Need | null,
    readonly wanted: number,
    readonly cpu: number,
    readonly mem: number,
    readonly sto: number,
    readonly pins: number[] | null,
    readonly group: Group | null,
    readonly share: number,
    readonly exact: boolean,
  ) {
    this.src = decl;
    this.recSrc = rec;
    this.declared = decl.deploy;
    this.osRaw = decl.os;
    this.replicasRaw = decl.replicas;
    this.scalingMin = decl.scaling?.min;
    this.cpuRaw = decl.cpu;
    this.memRaw = decl.memory;
    this.strict = decl.isolation === 'strict';
    this.zoneRaw = decl.zone;
    this.gpusRaw = decl.gpus;
    this.archRaw = decl.arch;
    this.dr = decl.disasterRecovery === true;
    this.vcpus = deploy === 'vm' ? Math.ceil((decl.cpu ?? 0) - EPS) : 0;
    this.gpus = need ? need.gpus : 0;
    this.pinRank = pins ? pins.length : Infinity;
  }
  get roomKey(): string {
    return (this.key ??= `${this.group ? this.group.id : -1}|${this.deploy}|${this.cpu}|${this.mem}|${this.sto}|${this.vcpus}`);
  }
}

/** True when `decl` (with its recommendation) reads as `s` under the same host model. */
export function sameSpec(s: Spec, decl: WorkloadDecl, rec: Recommendation | undefined): boolean {
  // The same objects read the same: a declaration's values never change after the parse
  // that made it (a later parse reuses it only for the same text, moving its spans
  // alone), and the analysis keeps a recommendation object while its inputs are the same.
  if (s.src === decl && s.recSrc === rec) return true;
  const declared = decl.deploy;
  const deploy = declared ?? (rec === undefined ? null : rec.verdict);
  if (s.declared !== declared || s.deploy !== deploy) return false;
  if (s.osRaw !== decl.os || s.replicasRaw !== decl.replicas || s.cpuRaw !== decl.cpu || s.memRaw !== decl.memory) return false;
  const scaling = decl.scaling;
  if (s.scalingMin !== (scaling === undefined ? undefined : scaling.min) || s.strict !== (decl.isolation === 'strict')) return false;
  if (s.zoneRaw !== decl.zone || s.gpusRaw !== decl.gpus || s.archRaw !== decl.arch || s.dr !== (decl.disasterRecovery === true)) return false;
  const volumes = decl.volumes;
  let sto = 0;
  for (let i = 0; i < volumes.length; i++) sto += volumes[i].size ?? 0;
  if (s.stoRaw !== sto) return false;
  const pins = decl.pins;
  if (s.pinNames.length !== pins.length) return false;
  if (pins.length) {
    for (let i = 0; i < pins.length; i++) if (pins[i].name !== s.pinNames[i]) return false;
    if (s.pinField !== pinKey(decl)) return false;
  }
  // Whether (and why) it is blocked rests on the recommendation's constraints.
  return deploy !== null && declared === undefined ? true : s.blockKey === blockKey(deploy, rec);
}

/** The recommendation's part in `blockedReason`, as one comparable value. */
function blockKey(deploy: Deploy | null, rec: Recommendation | undefined): string | undefined {
  if (!rec) return undefined;
  const cs = rec.constraints;
  if (deploy === null) return cs.map((c) => c.reason).join('\u0000');
  for (let i = 0; i < cs.length; i++) if (cs[i].deploy === deploy) return cs[i].reason;
  return undefined;
}

const NO_PINS: readonly string[] = [];

/** Why a workload cannot be placed at all, before looking at capacity. */
function blockedReason(m: HostModel, deploy: Deploy | null, decl: WorkloadDecl, rec: Recommendation | undefined): Blocked | undefined {
  if (!m.hosts.length) return { kind: 'role', reason: 'no hosts are declared', field: 'name' };
  if (deploy === null) {
    const why = rec ? [...new Set(rec.constraints.map((c) => c.reason))] : [];
    return { kind: 'deploy', reason: `no deployment is possible${why.length ? `: ${why.join('; ')}` : ''}`, field: 'name' };
  }
  if (!decl.deploy || !rec) return undefined;
  // A declared deployment that breaks a hard constraint is reported by its own rule.
  const broken = rec.constraints.find((c) => c.deploy === deploy);
  if (broken) return { kind: 'deploy', reason: `\`deploy: ${deploy}\` is impossible: ${broken.reason}`, field: 'deploy' };
  return undefined;
}

export function sizeOf(w: WorkloadDecl): Resources {
  let storage = 0;
  for (const v of w.volumes) storage += v.size ?? 0;
  return { cpu: w.cpu ?? 0, memory: w.memory ?? 0, storage };
}

function pinKey(w: WorkloadDecl): string {
  const entries = w.node.entries;
  for (let i = 0; i < entries.length; i++) if (entries[i].key === 'host') return 'host';
  return 'hosts';
}

export function milli(cores: number): number {
  return Math.round(cores * 1000);
}

export function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  const shown = items.length > 6 ? [...items.slice(0, 5), `${items.length - 5} more`] : items;
  return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

export function article(d: Deploy): string {
  return d === 'vm' ? 'a VM' : d === 'container' ? 'a container' : 'a container in a VM';
}

export function describeHostKind(h: HostInfo): string {
  if (h.role === 'hypervisor') return h.runtime ? 'a hypervisor with a container runtime' : 'a hypervisor without a container runtime';
  if (h.role === 'container-host') return `a ${h.os} container host`;
  return 'a host without a valid role';
}

export { formatBytes, formatCpu };
