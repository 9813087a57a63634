// The recommendation engine: a pure function of one workload and a summary of the
// fleet. It returns the verdict, a confidence and every factor that produced it, so
// that the hover can show why the verdict fell. Weights are documented in docs/rules.md
// (generated from FACTOR_DOCS below).

import type { RuleId } from './rules';
import type { FleetSummary } from './fleet';
import { DEPLOYS, type Deploy, type Span, type WorkloadDecl } from './types';

export interface Factor {
  /** Stable id, documented in docs/engine.md. */
  id: string;
  /** The field the factor rests on. */
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
  field: string;
  span: Span;
  reason: string;
  /** The rule that reports a declared `deploy` breaking this constraint. */
  ruleId: Extract<RuleId, 'deploy-impossible' | 'live-migration-container' | 'pinned-host-mismatch'>;
}

export interface Recommendation {
  /** Null when no deployment is possible on this fleet. */
  verdict: Deploy | null;
  /** 0.5 (a coin toss) to 1 (only one option is possible). */
  confidence: number;
  confidenceLabel: 'forced' | 'high' | 'medium' | 'low' | 'none';
  scores: Record<Deploy, number>;
  feasible: Deploy[];
  factors: Factor[];
  constraints: Constraint[];
}

export const UNIX_OSES = new Set(['freebsd', 'solaris', 'aix']);
/** Per-instance size from which a workload counts as heavy. */
export const HEAVY_MEMORY = 16 * 2 ** 30;
export const HEAVY_CPU = 8;
export const LIGHT_MEMORY = 2 ** 30;
export const LIGHT_CPU = 1;

/** Each factor's id, weights and reason, for the docs. */
export const FACTOR_DOCS: { id: string; when: string; weights: Partial<Record<Deploy, number>>; why: string }[] = [
  { id: 'os-unix', when: '`os` is freebsd, solaris or aix', weights: { vm: 5 }, why: 'OCI containers run only on Linux and Windows kernels; VMs run different OSes side by side.' },
  { id: 'os-windows-host', when: '`os: windows` and the fleet has a Windows container host', weights: { container: 1 }, why: 'A Windows container host makes Windows containers possible.' },
  { id: 'kernel-custom', when: '`kernel: custom`', weights: { vm: 3, 'container-in-vm': 2 }, why: 'A container shares its host\'s kernel; its own kernel, modules or tuning need a VM.' },
  { id: 'isolation-strict', when: '`isolation: strict`', weights: { vm: 4, 'container-in-vm': 4, container: -3 }, why: 'A kernel vulnerability on a container host reaches every container there; VM escape is rare.' },
  { id: 'monolith', when: '`architecture: monolith`', weights: { vm: 3 }, why: 'Heavy, traditional applications suit VMs: one OS image, managed and patched as a unit.' },
  { id: 'microservice', when: '`architecture: microservice`', weights: { container: 3, 'container-in-vm': 2 }, why: 'Small services that scale out suit containers: megabytes, start in seconds, many per host.' },
  { id: 'batch', when: '`architecture: batch`', weights: { container: 2, 'container-in-vm': 1 }, why: 'Jobs that run to completion suit containers: no OS to boot, densely packed.' },
  { id: 'heavy', when: 'an instance needs ≥ 8 cores or ≥ 16Gi', weights: { vm: 2 }, why: 'A heavy instance uses a host well as a VM; the guest OS costs little beside it.' },
  { id: 'light', when: 'an instance needs ≤ 1 core and ≤ 1Gi', weights: { container: 1, 'container-in-vm': 1 }, why: 'A light instance would cost less than its own guest OS as a VM.' },
  { id: 'stateless', when: '`state: stateless`', weights: { container: 1, 'container-in-vm': 1 }, why: 'Interchangeable instances suit containers, which are replaced rather than repaired.' },
  { id: 'stateful-volumes', when: '`state: stateful` with `volumes`', weights: {}, why: 'Data on declared volumes survives a container restart: no preference either way.' },
  { id: 'stateful-no-volumes', when: '`state: stateful` without `volumes`', weights: { vm: 1 }, why: 'A container\'s writable layer is lost on restart; without volumes only a VM disk keeps the data.' },
  { id: 'elastic', when: '`scaling.max` > `scaling.min`', weights: { container: 3, 'container-in-vm': 2 }, why: 'Elastic scaling needs instances that start in seconds and pack densely.' },
  { id: 'replicated', when: '`replicas` ≥ 3', weights: { container: 1, 'container-in-vm': 1 }, why: 'Many identical instances are cheaper as containers sharing one OS.' },
  { id: 'startup-fast', when: '`startup: fast`', weights: { container: 2, 'container-in-vm': 1 }, why: 'A container starts in seconds or less; a VM boots a whole OS.' },
  { id: 'startup-normal', when: '`startup: normal`', weights: { vm: 1 }, why: 'Minutes to boot are acceptable, so a VM\'s full boot costs nothing.' },
  { id: 'live-migration', when: '`liveMigration: true`', weights: { vm: 3, 'container-in-vm': 3 }, why: 'Moving a running workload between hosts (vMotion, Live Migration) is a VM feature.' },
  { id: 'disaster-recovery', when: '`disasterRecovery: true`', weights: { vm: 2, 'container-in-vm': 2 }, why: 'Replicating VM files to a DR site that need not mirror the first is a VM feature.' },
];

const DOC = new Map(FACTOR_DOCS.map((d) => [d.id, d]));

/** Roles of the hosts a workload is pinned to (known pins only). */
export type PinRoles = ReadonlySet<string> | undefined;

export function recommend(w: WorkloadDecl, fleet: FleetSummary, pinRoles?: PinRoles): Recommendation {
  const factors: Factor[] = [];
  const constraints: Constraint[] = [];
  const at = (field: string): Span => fieldSpan(w, field);
  const add = (id: string, field: string, reason?: string) => {
    const d = DOC.get(id)!;
    factors.push({ id, field, span: at(field), reason: reason ?? d.why, weights: d.weights, favours: favourite(d.weights) });
  };
  const rule = (deploy: Deploy, field: string, reason: string, ruleId: Constraint['ruleId'] = 'deploy-impossible') =>
    constraints.push({ deploy, field, span: at(field), reason, ruleId });

  // The OS and the kernel: containers share both with their host.
  const os = w.os;
  if (os && UNIX_OSES.has(os)) {
    add('os-unix', 'os', `${os} is a Unix family that container runtimes do not run; VMs run different OSes side by side.`);
    rule('container', 'os', `a ${os} workload cannot be a container: OCI containers run on Linux and Windows kernels only`);
    rule('container-in-vm', 'os', `a ${os} workload cannot be a container, even inside a VM`);
  } else if (fleet.declaresHosts && os) {
    const hasHost = os === 'any' ? fleet.containerHostOses.size > 0 : fleet.containerHostOses.has(os);
    if (!hasHost) {
      const label = os === 'any' ? 'no container host' : `no ${cap(os)} container host`;
      rule('container', 'os', `the fleet has ${label}, and a container must use its host's OS and kernel`);
    } else if (os === 'windows') add('os-windows-host', 'os');
  }
  if (w.kernel === 'custom') {
    add('kernel-custom', 'kernel');
    rule('container', 'kernel', 'a container shares its host\'s kernel, so it cannot have a custom kernel');
  }
  if (w.liveMigration === true) {
    add('live-migration', 'liveMigration');
    rule('container', 'liveMigration', 'a plain container cannot be live-migrated; run it in a VM that can be', 'live-migration-container');
  }
  if (w.disasterRecovery === true) add('disaster-recovery', 'disasterRecovery');
  if (w.isolation === 'strict') add('isolation-strict', 'isolation');

  // The workload's shape.
  if (w.architecture === 'monolith') add('monolith', 'architecture');
  else if (w.architecture === 'microservice') add('microservice', 'architecture');
  else if (w.architecture === 'batch') add('batch', 'architecture');
  if ((w.memory !== undefined && w.memory >= HEAVY_MEMORY) || (w.cpu !== undefined && w.cpu >= HEAVY_CPU)) add('heavy', 'resources');
  else if (w.memory !== undefined && w.cpu !== undefined && w.memory <= LIGHT_MEMORY && w.cpu <= LIGHT_CPU) add('light', 'resources');
  if (w.state === 'stateless') add('stateless', 'state');
  else if (w.state === 'stateful') add(w.volumes.length ? 'stateful-volumes' : 'stateful-no-volumes', 'state');
  if (w.scaling && w.scaling.max > w.scaling.min) add('elastic', 'scaling', `Elastic scaling (${w.scaling.min} to ${w.scaling.max}) needs instances that start in seconds and pack densely.`);
  else if (w.replicas !== undefined && w.replicas >= 3) add('replicated', 'replicas');
  if (w.startup === 'fast') add('startup-fast', 'startup');
  else if (w.startup === 'normal') add('startup-normal', 'startup');

  // What the fleet can run at all.
  if (fleet.declaresHosts) {
    if (fleet.hypervisors === 0) {
      rule('vm', 'name', 'the fleet has no hypervisor host');
      rule('container-in-vm', 'name', 'the fleet has no hypervisor host');
    } else if (fleet.hypervisorsWithRuntime === 0) {
      rule('container-in-vm', 'name', 'no hypervisor host offers a container runtime to its VMs (set `runtime:` on one)');
    }
  }
  if (pinRoles && pinRoles.size) {
    const field = w.node.entries.some((e) => e.key === 'host') ? 'host' : 'hosts';
    if (!pinRoles.has('container-host')) rule('container', field, 'it is pinned to hypervisor hosts only', 'pinned-host-mismatch');
    if (!pinRoles.has('hypervisor')) {
      rule('vm', field, 'it is pinned to container hosts only', 'pinned-host-mismatch');
      rule('container-in-vm', field, 'it is pinned to container hosts only', 'pinned-host-mismatch');
    }
  }

  const scores = { vm: 0, container: 0, 'container-in-vm': 0 } as Record<Deploy, number>;
  for (const f of factors) for (const d of DEPLOYS) scores[d] += f.weights[d] ?? 0;
  const feasible = DEPLOYS.filter((d) => !constraints.some((c) => c.deploy === d));
  // Ties go to the lighter option first, then the simpler one.
  const order: Deploy[] = ['container', 'vm', 'container-in-vm'];
  const ranked = order.filter((d) => feasible.includes(d)).sort((a, b) => scores[b] - scores[a]);
  if (ranked.length === 0) return { verdict: null, confidence: 0, confidenceLabel: 'none', scores, feasible, factors, constraints };
  const best = ranked[0];
  let confidence = 1;
  let confidenceLabel: Recommendation['confidenceLabel'] = 'forced';
  if (ranked.length > 1) {
    const a = scores[best];
    const b = scores[ranked[1]];
    // Only a forced choice is certain; a strong preference tops out below it.
    confidence = Math.min(0.95, 0.5 + (0.5 * (a - b)) / Math.max(a, 4));
    confidenceLabel = confidence >= 0.75 ? 'high' : confidence >= 0.6 ? 'medium' : 'low';
  }
  return { verdict: best, confidence, confidenceLabel, scores, feasible, factors, constraints };
}

/** Factors that favour `better` over `declared`: what choosing `declared` gives up. */
export function givesUp(rec: Recommendation, declared: Deploy): Factor[] {
  if (!rec.verdict || rec.verdict === declared) return [];
  const v = rec.verdict;
  return rec.factors.filter((f) => (f.weights[v] ?? 0) > (f.weights[declared] ?? 0));
}

export function fieldSpan(w: WorkloadDecl, field: string): Span {
  // A manifest's workload: the manifest field the value came from.
  if (w.manifest) return w.manifest.fields[field] ?? w.nameSpan;
  const e = w.node.entries.find((x) => x.key === field);
  if (e) return e.value ? e.value.span : e.keySpan;
  return w.nameSpan;
}

function favourite(weights: Partial<Record<Deploy, number>>): Deploy | 'neutral' {
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
