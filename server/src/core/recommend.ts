// The recommendation engine: a pure function of one workload and a summary of the
// fleet, in two stages. Stage 1 (constraints and requirements) rules options out, each
// with a reason and the field it rests on; stage 2 (factors) only ranks what is left.
// Every constraint and factor traces to a claim of the trade-off between VMs and
// containers; docs/engine.md is generated from CONSTRAINT_DOCS and FACTOR_DOCS below.

import type { RuleId } from './rules';
import type { FleetSummary } from './fleet';
import { DEPLOYS, type Deploy, type Span, type WorkloadDecl } from './types';

export interface Factor {
  /** Stable id, documented in docs/engine.md. */
  id: string;
  /** The field the factor rests on (the first, when several trigger it). */
  field: string;
  span: Span;
  reason: string;
  /** Points added to each deployment's score. */
  weights: Partial<Record<Deploy, number>>;
  /** The deployment this factor favours most, or 'neutral'. */
  favours: Deploy | 'neutral';
}

export interface Constraint {
  /** The deployment this rules out. */
  deploy: Deploy;
  /** The need or fact, short: `isolation: strict`, `no hypervisor host`. */
  what: string;
  field: string;
  span: Span;
  reason: string;
  /** The rule that reports a declared `deploy` breaking this. */
  ruleId: Extract<RuleId, 'deploy-impossible' | 'live-migration-container' | 'pinned-host-mismatch' | 'strict-isolation-container' | 'stateful-without-volumes'>;
  /** What would lift it (a host to add, a field to declare), when something would. */
  remedy?: string;
  /** Whether it rests on the workload's own fields or on the fleet (hosts, pins). */
  source: 'workload' | 'fleet';
}

export type ConfidenceLabel = 'required' | 'high' | 'medium' | 'low' | 'none';

export interface Recommendation {
  /** Null when constraints and requirements leave no deployment. */
  verdict: Deploy | null;
  /** 1 when required; else 0.5 (a coin toss) + 0.1 per point of margin, at most 0.95. */
  confidence: number;
  confidenceLabel: ConfidenceLabel;
  /** The verdict's score minus the runner-up's (0 when there is none). */
  margin: number;
  scores: Record<Deploy, number>;
  feasible: Deploy[];
  factors: Factor[];
  /** What cannot run at all (the OS, the kernel, the fleet, pins, live migration). */
  constraints: Constraint[];
  /** The workload's needs that rule options out though they could run (isolation, storage). */
  requirements: Constraint[];
}

export const UNIX_OSES = new Set(['freebsd', 'solaris', 'aix']);
/** Per-instance size from which a monolith counts as heavy. */
export const HEAVY_MEMORY = 16 * 2 ** 30;
export const HEAVY_CPU = 8;
/** Per-instance size up to which a workload counts as light. */
export const LIGHT_MEMORY = 2 ** 30;
export const LIGHT_CPU = 1;
/** Instances from which a workload counts as many (`replicas`, or `scaling.max`). */
export const MANY_INSTANCES = 3;

type Weights = Partial<Record<Deploy, number>>;

interface FactorDoc {
  id: string;
  /** The claim of the trade-off it stands for. */
  claim: string;
  when: string;
  weights: Weights;
  why: string;
}

/** One factor per claim of the trade-off; a claim counts once however many fields trigger it. */
export const FACTOR_DOCS: readonly FactorDoc[] = [
  {
    id: 'startup',
    claim: 'start-up',
    when: '`startup: fast`, elastic `scaling` (`max` > `min`) or `architecture: batch`',
    weights: { container: 2, 'container-in-vm': 2 },
    why: 'A container starts in seconds or less; a VM boots a whole OS. Scaling out and job runs wait on start-up.',
  },
  {
    id: 'density',
    claim: 'footprint and density',
    when: `a light instance (≤ ${LIGHT_CPU} core and ≤ 1Gi), many instances (\`replicas\` or \`scaling.max\` ≥ ${MANY_INSTANCES}) or \`architecture: microservice\``,
    weights: { container: 2, 'container-in-vm': 2 },
    why: 'A container costs megabytes, a VM gigabytes: a host runs far more containers, and small or many instances feel the difference most.',
  },
  {
    id: 'monolith',
    claim: 'shape',
    when: '`architecture: monolith`',
    weights: { vm: 2 },
    why: 'A traditional application is managed as one OS image: installed, patched and moved as a unit, as VMs are.',
  },
  {
    id: 'heavy-monolith',
    claim: 'shape',
    when: `\`architecture: monolith\` and an instance needs ≥ ${HEAVY_CPU} cores or ≥ 16Gi (replaces \`monolith\`)`,
    weights: { vm: 3 },
    why: 'Heavy monoliths suit VMs: the guest OS costs little beside them, and they gain nothing from density.',
  },
  {
    id: 'stateless',
    claim: 'state',
    when: '`state: stateless`',
    weights: { container: 1, 'container-in-vm': 1 },
    why: 'Interchangeable instances suit containers, which are replaced rather than repaired.',
  },
  {
    id: 'disaster-recovery',
    claim: 'portability and migration',
    when: '`disasterRecovery: true`',
    weights: { vm: 2, 'container-in-vm': 2 },
    why: 'A VM\'s disk image replicates to a DR site that need not mirror the first (vSphere Replication and SRM, Hyper-V Replica).',
  },
  {
    id: 'second-layer',
    claim: 'patching',
    when: 'container-in-vm is possible',
    weights: { 'container-in-vm': -3 },
    why: 'Containers in a VM add a layer: a guest OS per VM to patch and its memory, on top of the containers. It pays only where both sides are needed.',
  },
];

/** The claims that are requirements only (stage 1): they rule out, never add points. */
export const REQUIREMENT_CLAIMS = ['OS', 'kernel', 'isolation', 'live migration', 'persistent storage'];

/** Stage 1, for the docs: what rules each deployment out. */
export const CONSTRAINT_DOCS: readonly { rulesOut: string; when: string; rule: RuleId; source: string }[] = [
  { rulesOut: 'container, container-in-vm', when: '`os` is freebsd, solaris or aix', rule: 'deploy-impossible', source: 'OCI runtimes run on Linux and Windows kernels only (OCI runtime spec); a VM runs its own OS.' },
  { rulesOut: 'container', when: 'no container host of the workload\'s OS (`any`: no container host)', rule: 'deploy-impossible', source: 'Every container on a host uses that host\'s OS and kernel (Kubernetes: Windows pods need Windows nodes).' },
  { rulesOut: 'container', when: '`kernel: custom`', rule: 'deploy-impossible', source: 'A container shares its host\'s kernel; its own kernel, modules or tuning need a VM.' },
  { rulesOut: 'container', when: '`liveMigration: true`', rule: 'live-migration-container', source: 'vMotion, Hyper-V Live Migration and KubeVirt live migration move VMs; a plain container is restarted elsewhere.' },
  { rulesOut: 'container', when: '`isolation: strict`', rule: 'strict-isolation-container', source: 'A kernel flaw on a container host reaches every container there; VM escape is rare. Container-in-vm meets it in VMs of its own workload (Kata Containers, KubeVirt).' },
  { rulesOut: 'container, container-in-vm', when: '`state: stateful` without `volumes`', rule: 'stateful-without-volumes', source: 'A container\'s writable layer is lost when it is replaced (Kubernetes: persistent volumes); a VM\'s disk keeps its data.' },
  { rulesOut: 'vm, container-in-vm', when: 'the fleet has no hypervisor', rule: 'deploy-impossible', source: 'A VM needs a hypervisor.' },
  { rulesOut: 'container-in-vm', when: 'no hypervisor offers a container runtime (`runtime:`) to its VMs', rule: 'deploy-impossible', source: 'Containers in a VM need a runtime in the guest.' },
  { rulesOut: 'container', when: 'pinned only to hypervisors', rule: 'pinned-host-mismatch', source: 'A pin is a hard requirement.' },
  { rulesOut: 'vm, container-in-vm', when: 'pinned only to container hosts', rule: 'pinned-host-mismatch', source: 'A pin is a hard requirement.' },
];

/** The largest change one factor toggled by a size or instance-count threshold makes to any two scores. */
export const THRESHOLD_SWING = Math.max(swing(doc('density').weights, {}), swing(doc('heavy-monolith').weights, doc('monolith').weights));
/**
 * Confidence bands on the margin between the verdict and the runner-up. High is wider
 * than any threshold's swing, so ±10 % cpu or memory, or ±1 replica (each crosses one
 * threshold at most), cannot flip a verdict labelled high.
 */
export const HIGH_MARGIN = THRESHOLD_SWING + 1;
export const MEDIUM_MARGIN = 2;

/** Roles of the hosts a workload is pinned to (known pins only). */
export type PinRoles = ReadonlySet<string> | undefined;

export function recommend(w: WorkloadDecl, fleet: FleetSummary, pinRoles?: PinRoles): Recommendation {
  const constraints = hardConstraints(w, fleet, pinRoles);
  const requirements = needs(w);
  // Plain loops, no closures: this runs once per workload (100,000 at estate scale).
  const feasible: Deploy[] = [];
  for (const d of DEPLOYS) if (!rulesOut(constraints, d) && !rulesOut(requirements, d)) feasible.push(d);
  const scores = { vm: 0, container: 0, 'container-in-vm': 0 } as Record<Deploy, number>;
  const factors = preferences(w, feasible.includes('container-in-vm'), scores);
  // Ties go to the lighter option first, then the simpler one (a stable sort by score).
  let first: Deploy | undefined;
  let second: Deploy | undefined;
  let count = 0;
  for (const d of TIE_ORDER) {
    if (!feasible.includes(d)) continue;
    count++;
    if (first === undefined || scores[d] > scores[first]) {
      second = first;
      first = d;
    } else if (second === undefined || scores[d] > scores[second]) second = d;
  }
  // Literals with every property named: a spread into a literal is copied property by property at run time.
  if (first === undefined) return { verdict: null, confidence: 0, confidenceLabel: 'none', margin: 0, scores, feasible, factors, constraints, requirements };
  if (count === 1 || second === undefined) return { verdict: first, confidence: 1, confidenceLabel: 'required', margin: 0, scores, feasible, factors, constraints, requirements };
  const margin = scores[first] - scores[second];
  return { verdict: first, confidence: Math.min(0.95, 0.5 + 0.1 * margin), confidenceLabel: band(margin), margin, scores, feasible, factors, constraints, requirements };
}

const TIE_ORDER: readonly Deploy[] = ['container', 'vm', 'container-in-vm'];

function rulesOut(cs: readonly Constraint[], d: Deploy): boolean {
  for (const c of cs) if (c.deploy === d) return true;
  return false;
}

function band(margin: number): ConfidenceLabel {
  return margin >= HIGH_MARGIN ? 'high' : margin >= MEDIUM_MARGIN ? 'medium' : 'low';
}

/**
 * The constraints or requirements of a recommendation that has none (most): one list
 * shared by all of them, never written to, rather than two kept per workload.
 */
const NO_CONSTRAINTS = Object.freeze([]) as unknown as Constraint[];

// A function with the target list as an argument rather than a closure per workload.
function rule(out: Constraint[], w: WorkloadDecl, source: Constraint['source'], deploy: Deploy, what: string, field: string, reason: string, ruleId: Constraint['ruleId'] = 'deploy-impossible', remedy?: string): void {
  const c: Constraint = { deploy, what, field, span: fieldSpan(w, field), reason, ruleId, source };
  if (remedy) c.remedy = remedy;
  out.push(c);
}

/** What cannot run at all: the OS, the kernel, live migration, the fleet, the pins. */
function hardConstraints(w: WorkloadDecl, fleet: FleetSummary, pinRoles: PinRoles): Constraint[] {
  const out: Constraint[] = [];
  osConstraints(out, w, fleet);
  if (w.kernel === 'custom') rule(out, w, 'workload', 'container', 'kernel: custom', 'kernel', "a container shares its host's kernel, so it cannot have a custom kernel");
  if (w.liveMigration === true) rule(out, w, 'workload', 'container', 'liveMigration: true', 'liveMigration', 'a plain container cannot be live-migrated; run it in a VM that can be', 'live-migration-container');
  if (fleet.declaresHosts) fleetConstraints(out, w, fleet);
  if (pinRoles && pinRoles.size) pinConstraints(out, w, pinRoles);
  return out.length ? out : NO_CONSTRAINTS;
}

function osConstraints(out: Constraint[], w: WorkloadDecl, fleet: FleetSummary): void {
  const os = w.os;
  if (os && UNIX_OSES.has(os)) {
    rule(out, w, 'workload', 'container', `os: ${os}`, 'os', `a ${os} workload cannot be a container: OCI containers run on Linux and Windows kernels only`);
    rule(out, w, 'workload', 'container-in-vm', `os: ${os}`, 'os', `a ${os} workload cannot be a container, even inside a VM`);
  } else if (fleet.declaresHosts && os) {
    const hasHost = os === 'any' ? fleet.containerHostOses.size > 0 : fleet.containerHostOses.has(os);
    if (!hasHost) {
      const host = os === 'any' ? 'container host' : `${cap(os)} container host`;
      rule(out, w, 'fleet', 'container', `os: ${os}`, 'os', `the fleet has no ${host}, and a container must use its host's OS and kernel`, 'deploy-impossible', `a ${host}`);
    }
  }
}

function fleetConstraints(out: Constraint[], w: WorkloadDecl, fleet: FleetSummary): void {
  if (fleet.hypervisors === 0) {
    rule(out, w, 'fleet', 'vm', 'a hypervisor', 'name', 'the fleet has no hypervisor host', 'deploy-impossible', 'a hypervisor host');
    rule(out, w, 'fleet', 'container-in-vm', 'a hypervisor', 'name', 'the fleet has no hypervisor host', 'deploy-impossible', 'a hypervisor host with `runtime:`');
  } else if (fleet.hypervisorsWithRuntime === 0) {
    rule(out, w, 'fleet', 'container-in-vm', 'a container runtime in VMs', 'name', 'no hypervisor host offers a container runtime to its VMs (set `runtime:` on one)', 'deploy-impossible', '`runtime:` on a hypervisor');
  }
}

function pinConstraints(out: Constraint[], w: WorkloadDecl, pinRoles: ReadonlySet<string>): void {
  const field = w.node.entries.some((e) => e.key === 'host') ? 'host' : 'hosts';
  if (!pinRoles.has('container-host')) rule(out, w, 'workload', 'container', 'its pins to hypervisors only', field, 'it is pinned to hypervisor hosts only', 'pinned-host-mismatch', 'a pin to a container host');
  if (!pinRoles.has('hypervisor')) {
    const what = 'its pins to container hosts only';
    rule(out, w, 'workload', 'vm', what, field, 'it is pinned to container hosts only', 'pinned-host-mismatch', 'a pin to a hypervisor');
    rule(out, w, 'workload', 'container-in-vm', what, field, 'it is pinned to container hosts only', 'pinned-host-mismatch', 'a pin to a hypervisor');
  }
}

/** The workload's needs that rule options out though they could run. */
function needs(w: WorkloadDecl): Constraint[] {
  const out: Constraint[] = [];
  if (w.isolation === 'strict') {
    rule(out, w, 'workload', 'container', 'isolation: strict', 'isolation', 'a kernel flaw on a container host reaches every container there, while VM escape is rare: it needs a VM of its own (vm, or container-in-vm in VMs of its own workload)', 'strict-isolation-container');
  }
  if (w.state === 'stateful' && w.volumes.length === 0) {
    const why = "its data would live in the container's writable layer, lost when the container is replaced; a VM's disk keeps it";
    rule(out, w, 'workload', 'container', 'state: stateful without volumes', 'state', why, 'stateful-without-volumes', 'declared `volumes`');
    rule(out, w, 'workload', 'container-in-vm', 'state: stateful without volumes', 'state', why, 'stateful-without-volumes', 'declared `volumes`');
  }
  return out.length ? out : NO_CONSTRAINTS;
}

interface FactorKind {
  doc: FactorDoc;
  favours: Deploy | 'neutral';
  /** Its weights as numbers (0 when absent): added to the scores without a keyed read of each weights object, all of different shapes. */
  vm: number;
  container: number;
  containerInVm: number;
  /** `why (from a, b)` by the mask of the triggers (bit i: the i-th name), made at load rather than per workload. */
  reasons: readonly string[];
}

/** Each factor's doc and favourite, looked up once rather than per workload. */
function kind(id: string, triggers: readonly string[] = []): FactorKind {
  const d = doc(id);
  const reasons: string[] = [d.why];
  for (let mask = 1; mask < 1 << triggers.length; mask++) {
    const from: string[] = [];
    for (let b = 0; b < triggers.length; b++) if (mask & (1 << b)) from.push(triggers[b]);
    reasons.push(`${d.why} (from ${from.join(', ')})`);
  }
  return { doc: d, favours: favourite(d.weights), vm: d.weights.vm ?? 0, container: d.weights.container ?? 0, containerInVm: d.weights['container-in-vm'] ?? 0, reasons };
}

const START_TRIGGERS = ['startup', 'scaling', 'architecture'];
const DENSITY_TRIGGERS = ['resources', 'scaling', 'replicas', 'architecture'];
const START = kind('startup', START_TRIGGERS);
const DENSITY = kind('density', DENSITY_TRIGGERS);
const MONOLITH = kind('monolith');
const HEAVY_MONOLITH = kind('heavy-monolith');
const STATELESS = kind('stateless');
const DR = kind('disaster-recovery');
const SECOND_LAYER = kind('second-layer');

/** The factor of kind `k`, its weights added to `scores`. */
function factor(w: WorkloadDecl, k: FactorKind, field: string, reason: string, scores: Record<Deploy, number>): Factor {
  scores.vm += k.vm;
  scores.container += k.container;
  scores['container-in-vm'] += k.containerInVm;
  return { id: k.doc.id, field, span: fieldSpan(w, field), reason, weights: k.doc.weights, favours: k.favours };
}

/** Stage 2: one factor per claim, among the options stage 1 left; their weights are added to `scores`. */
function preferences(w: WorkloadDecl, withSecondLayer: boolean, scores: Record<Deploy, number>): Factor[] {
  const out: Factor[] = [];
  // The triggers as bit masks (bit i: the i-th name above), the field being the lowest bit's.
  const elastic = w.scaling !== undefined && w.scaling.max > w.scaling.min;
  const start = (w.startup === 'fast' ? 1 : 0) | (elastic ? 2 : 0) | (w.architecture === 'batch' ? 4 : 0);
  if (start) out.push(factor(w, START, START_TRIGGERS[lowBit(start)], START.reasons[start], scores));
  const many = (w.scaling ? w.scaling.max : (w.replicas ?? 1)) >= MANY_INSTANCES;
  const dense = (isLight(w) ? 1 : 0) | (many ? (w.scaling ? 2 : 4) : 0) | (w.architecture === 'microservice' ? 8 : 0);
  if (dense) out.push(factor(w, DENSITY, DENSITY_TRIGGERS[lowBit(dense)], DENSITY.reasons[dense], scores));
  if (w.architecture === 'monolith') {
    const k = isHeavy(w) ? HEAVY_MONOLITH : MONOLITH;
    out.push(factor(w, k, 'architecture', k.doc.why, scores));
  }
  if (w.state === 'stateless') out.push(factor(w, STATELESS, 'state', STATELESS.doc.why, scores));
  if (w.disasterRecovery === true) out.push(factor(w, DR, 'disasterRecovery', DR.doc.why, scores));
  if (withSecondLayer) out.push(factor(w, SECOND_LAYER, 'name', SECOND_LAYER.doc.why, scores));
  return out;
}

function lowBit(mask: number): number {
  return 31 - Math.clz32(mask & -mask);
}

function isHeavy(w: WorkloadDecl): boolean {
  return (w.memory !== undefined && w.memory >= HEAVY_MEMORY) || (w.cpu !== undefined && w.cpu >= HEAVY_CPU);
}

function isLight(w: WorkloadDecl): boolean {
  return w.memory !== undefined && w.cpu !== undefined && w.memory <= LIGHT_MEMORY && w.cpu <= LIGHT_CPU;
}

/** A need as shown in a message: a field and its value as code, anything else as words. */
export function needLabel(c: Constraint): string {
  return c.what.includes(':') ? `\`${c.what}\`` : c.what;
}

/** Every constraint and requirement: what rules options out. */
export function ruledOut(rec: Recommendation): Constraint[] {
  return rec.requirements.length ? [...rec.constraints, ...rec.requirements] : rec.constraints;
}

/** Factors that favour the verdict over `declared`: what choosing `declared` gives up. */
export function givesUp(rec: Recommendation, declared: Deploy): Factor[] {
  if (!rec.verdict || rec.verdict === declared) return [];
  const v = rec.verdict;
  return rec.factors.filter((f) => (f.weights[v] ?? 0) > (f.weights[declared] ?? 0));
}

export function fieldSpan(w: WorkloadDecl, field: string): Span {
  // A manifest's workload: the manifest field the value came from.
  if (w.manifest) return w.manifest.fields[field] ?? w.nameSpan;
  for (const e of w.node.entries) if (e.key === field) return e.value ? e.value.span : e.keySpan;
  return w.nameSpan;
}

function doc(id: string): FactorDoc {
  return FACTOR_DOCS.find((d) => d.id === id)!;
}

/** How far replacing weights `b` by `a` moves the difference between any two deployments. */
function swing(a: Weights, b: Weights): number {
  const xs = DEPLOYS.map((d) => (a[d] ?? 0) - (b[d] ?? 0));
  return Math.max(...xs) - Math.min(...xs);
}

function favourite(weights: Weights): Deploy | 'neutral' {
  // A cost points away from an option: shown as favouring nothing in particular.
  let best: Deploy | 'neutral' = 'neutral';
  let bw = 0;
  for (const d of DEPLOYS) {
    const x = weights[d] ?? 0;
    if (x > bw) {
      bw = x;
      best = d;
    }
  }
  return best;
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
