// The plan as Kubernetes objects: each workload of an analysis becomes a Deployment,
// StatefulSet or Job (container, container-in-vm) or a KubeVirt VirtualMachine (vm),
// then YAML text. Pure, like the core: no file system, no command line; the CLI's
// `export` command (cli/export.ts) reads the descriptors and writes what this returns.
// Every field and where it comes from: docs/export.md.
//
// Values from descriptors reach the YAML only through the `yaml` package's stringify,
// never by pasting strings together, so a hostile name cannot add keys or documents.

import type { Deployment, StatefulSet } from 'kubernetes-types/apps/v1';
import type { HorizontalPodAutoscaler } from 'kubernetes-types/autoscaling/v2';
import type { Job } from 'kubernetes-types/batch/v1';
import type { Affinity, Container, PersistentVolumeClaim, PodSpec, PodTemplateSpec, TopologySpreadConstraint, Volume, VolumeMount } from 'kubernetes-types/core/v1';
import type { LabelSelector, ObjectMeta } from 'kubernetes-types/meta/v1';
import type { RuntimeClass } from 'kubernetes-types/node/v1';
import { stringify } from 'yaml';
import type { Analysis } from '../core/analyze';
import { dnsLabelFor, freeLabel } from '../core/names';
import type { Recommendation } from '../core/recommend';
import { lineOf } from '../core/text';
import type { Deploy, ParsedFile, WorkloadDecl } from '../core/types';

/** Every annotation the export writes is under this prefix (the Kubernetes import reads the same keys). */
export const ANNOTATION_PREFIX = 'placement.workload-advisor.io/';
export const NAME_LABEL = 'app.kubernetes.io/name';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'workload-placement';
export const OS_LABEL = 'kubernetes.io/os';
export const HOSTNAME_LABEL = 'kubernetes.io/hostname';
export const ZONE_LABEL = 'topology.kubernetes.io/zone';

/** The sandbox runtime for container-in-vm: Kata Containers, one lightweight VM per pod. */
export const KATA_RUNTIME_CLASS = 'kata';
/**
 * What a Kata pod's VM costs beyond its containers: the values of Kata Containers' own
 * RuntimeClass example (kata-deploy's `runtimeclasses`), which the scheduler adds to
 * the pod's requests.
 */
export const KATA_OVERHEAD = { cpu: '250m', memory: '160Mi' } as const;
/** The node label kata-deploy puts on the nodes where it installed the runtime. */
export const KATA_NODE_LABEL = 'katacontainers.io/kata-runtime';

/** File stems the export itself uses; a workload never gets one of these. */
export const RESERVED_STEMS = ['kustomization', 'runtimeclass-kata'];

/** Any Kubernetes (or KubeVirt) object the export writes. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta & { name: string };
  [key: string]: unknown;
}

export interface ExportedWorkload {
  /** The name in the descriptor (may be anything a YAML string holds). */
  workload: string;
  /** The Kubernetes name of its objects: a DNS-1123 label. */
  name: string;
  /** Display path and 1-based line of its declaration. */
  source: string;
  verdict: Deploy | null;
  /** What was exported: the declared deploy when feasible, else the verdict. */
  deploy: Deploy;
  /** The file (relative to the output folder) that holds its objects. */
  file: string;
  objects: K8sObject[];
  /** What a reader should know: renamed, rounded, dropped. Plain text, from descriptors: escape before printing. */
  notes: string[];
}

export interface SkippedWorkload {
  workload: string | undefined;
  source: string;
  reason: string;
}

export interface ExportFile {
  /** Relative to the output folder. */
  path: string;
  text: string;
}

export interface K8sExport {
  exported: ExportedWorkload[];
  skipped: SkippedWorkload[];
  /** The files to write: one per exported workload, the RuntimeClass when used, and kustomization.yaml. */
  files: ExportFile[];
}

export interface ExportOptions {
  /** How a descriptor file is named in the `source` annotation and the summary (default: as given). */
  display?: (file: string) => string;
}

/** OSes a Kubernetes node runs (`kubernetes.io/os` values). */
const NODE_OSES = new Set(['linux', 'windows']);

/**
 * The export of every workload of an analysis. The files of the analysis must be the
 * parsed files it was made from (for line numbers).
 */
export function exportK8s(analysis: Analysis, files: readonly ParsedFile[], opts: ExportOptions = {}): K8sExport {
  const display = opts.display ?? ((f: string) => f);
  const lineStarts = new Map(files.map((f) => [f.file, f.lineStarts]));
  const taken = new Set<string>(RESERVED_STEMS);
  const exported: ExportedWorkload[] = [];
  const skipped: SkippedWorkload[] = [];

  for (const [w, rec] of analysis.recommendations) {
    const starts = lineStarts.get(w.file);
    const line = starts ? lineOf(starts, (w.name !== undefined ? w.nameSpan : w.span).start) + 1 : 1;
    const source = `${display(w.file)}:${line}`;
    const skip = (reason: string) => skipped.push({ workload: w.name, source, reason });
    if (w.name === undefined || w.name === '') {
      skip('it has no name');
      continue;
    }
    const choice = chooseDeploy(w, rec);
    if (!choice.deploy) {
      skip(choice.reason);
      continue;
    }
    const deploy = choice.deploy;
    const os = w.os;
    if (deploy !== 'vm' && os !== undefined && os !== 'any' && !NODE_OSES.has(os)) {
      skip(`no Kubernetes node runs ${os}, so it cannot be a container there`);
      continue;
    }
    if (deploy === 'vm' && os === 'aix') {
      skip('KubeVirt runs x86 and Arm guests only; AIX needs POWER hardware');
      continue;
    }
    if (deploy === 'container-in-vm' && os === 'windows') {
      skip('Kubernetes has no sandbox runtime for Windows pods (Kata Containers runs Linux guests): export it as a container or a vm');
      continue;
    }

    const notes = [...choice.notes];
    const label = dnsLabelFor(w.name) ?? 'workload';
    const name = freeLabel(label, (n) => taken.has(n));
    taken.add(name);
    // A Compose service `shop/web` is `shop-web` by the documented mapping: no note unless it clashed.
    if (name !== w.name && !(w.manifest?.format === 'compose' && name === label)) notes.push(`'${w.name}' is not a valid Kubernetes name (a DNS-1123 label): its objects are named '${name}'`);
    const ctx: Ctx = { w, rec, deploy, name, source, notes, taken };
    const objects = deploy === 'vm' ? virtualMachines(ctx) : podWorkload(ctx);
    exported.push({ workload: w.name, name, source, verdict: rec.verdict, deploy, file: `${name}.yaml`, objects, notes });
  }

  const out: ExportFile[] = exported.map((e) => ({ path: e.file, text: toYaml(e.objects) }));
  if (exported.some((e) => e.deploy === 'container-in-vm')) out.push({ path: 'runtimeclass-kata.yaml', text: toYaml([kataRuntimeClass()]) });
  if (out.length) {
    const kustomization = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: out.map((f) => f.path) };
    out.push({ path: 'kustomization.yaml', text: toYaml([kustomization]) });
  }
  return { exported, skipped, files: out };
}

/**
 * Which deployment to export: the declared `deploy:` when the fleet can run it (the
 * user's choice wins, as in the editor), else the verdict. Null when neither can run.
 */
export function chooseDeploy(w: WorkloadDecl, rec: Recommendation): { deploy: Deploy | null; reason: string; notes: string[] } {
  // A declared deploy that breaks a requirement (stateful without volumes) can still run:
  // the user's choice is exported, with the requirement it breaks as a note.
  if (w.deploy && !rec.constraints.some((c) => c.deploy === w.deploy)) {
    const notes = rec.verdict && rec.verdict !== w.deploy ? [`exported as declared (${w.deploy}); the recommendation is ${rec.verdict}`] : [];
    // Stateful without volumes has a note of its own where the objects are built.
    for (const r of rec.requirements) if (r.deploy === w.deploy && r.field !== 'state') notes.push(`the declared ${w.deploy} breaks a requirement: ${r.reason}`);
    return { deploy: w.deploy, reason: '', notes };
  }
  if (!rec.verdict) return { deploy: null, reason: 'no deployment can run it on this fleet (see `workload-placement check`)', notes: [] };
  const notes: string[] = [];
  if (w.deploy) {
    const why = rec.constraints.find((c) => c.deploy === w.deploy)?.reason;
    notes.push(`the declared ${w.deploy} cannot run${why ? ` (${why})` : ''}: exported as the recommendation, ${rec.verdict}`);
  }
  return { deploy: rec.verdict, reason: '', notes };
}

/** Objects as a YAML stream: one document each, written by the `yaml` package. */
export function toYaml(objects: readonly object[]): string {
  const header = '# Generated by `workload-placement export k8s`: each object names its descriptor in its annotations.\n';
  return header + objects.map((o) => stringify(o, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n');
}

interface Ctx {
  w: WorkloadDecl;
  rec: Recommendation;
  deploy: Deploy;
  name: string;
  source: string;
  notes: string[];
  taken: Set<string>;
}

/** The annotations every object of a workload carries: where it came from and what the engine said. */
export function annotationsFor(ctx: Pick<Ctx, 'w' | 'rec' | 'deploy' | 'source'>): Record<string, string> {
  const { w, rec } = ctx;
  const a: Record<string, string> = {
    [`${ANNOTATION_PREFIX}source`]: ctx.source,
    [`${ANNOTATION_PREFIX}workload`]: w.name ?? '',
    [`${ANNOTATION_PREFIX}verdict`]: rec.verdict ?? 'none',
    [`${ANNOTATION_PREFIX}deploy`]: ctx.deploy,
  };
  if (w.deploy) a[`${ANNOTATION_PREFIX}declared`] = w.deploy;
  if (w.isolation === 'strict') a[`${ANNOTATION_PREFIX}isolation`] = 'strict';
  if (w.liveMigration === true) a[`${ANNOTATION_PREFIX}live-migration`] = 'true';
  if (w.disasterRecovery === true) a[`${ANNOTATION_PREFIX}disaster-recovery`] = 'true';
  if (w.kernel === 'custom') a[`${ANNOTATION_PREFIX}kernel`] = 'custom';
  if (ctx.deploy === 'vm' && w.os) a[`${ANNOTATION_PREFIX}os`] = w.os;
  // What the objects cannot say, so that reading them back (`check` on the output) gives the same verdict.
  if (w.architecture) a[`${ANNOTATION_PREFIX}architecture`] = w.architecture;
  if (w.state) a[`${ANNOTATION_PREFIX}state`] = w.state;
  if (w.startup) a[`${ANNOTATION_PREFIX}startup`] = w.startup;
  return a;
}

function labelsFor(name: string): Record<string, string> {
  return { [NAME_LABEL]: name, [MANAGED_BY_LABEL]: MANAGED_BY };
}

function meta(ctx: Ctx, name = ctx.name): K8sObject['metadata'] {
  return { name, labels: labelsFor(ctx.name), annotations: annotationsFor(ctx) };
}

/** Deployment, StatefulSet or Job, with an HPA for elastic scaling and claims for volumes. */
function podWorkload(ctx: Ctx): K8sObject[] {
  const { w, name, notes } = ctx;
  const selector: LabelSelector = { matchLabels: { [NAME_LABEL]: name } };
  const stateful = w.state === 'stateful';
  const batch = w.architecture === 'batch';
  const volumes = volumeNames(ctx);

  const container: Container = { name, image: name };
  const requests = requestsOf(w);
  if (requests) container.resources = { requests };
  else notes.push('no resources declared: no requests written');
  if (volumes.length) container.volumeMounts = volumes.map((v): VolumeMount => ({ name: v.name, mountPath: v.mountPath }));

  const pod: PodSpec = { containers: [container] };
  if (ctx.deploy === 'container-in-vm') pod.runtimeClassName = KATA_RUNTIME_CLASS;
  if (w.os && NODE_OSES.has(w.os)) pod.nodeSelector = { [OS_LABEL]: w.os };
  const affinity = pinAffinity(ctx);
  if (affinity) pod.affinity = affinity;
  pod.topologySpreadConstraints = spread(selector);
  const extra: K8sObject[] = [];
  if (!stateful && volumes.length) {
    // One claim per volume, shared by the instances (a StatefulSet gives each its own).
    const claims = volumes.map((v) => claimName(ctx, name, v.name));
    pod.volumes = volumes.map((v, i): Volume => ({ name: v.name, persistentVolumeClaim: { claimName: claims[i] } }));
    volumes.forEach((v, i) => extra.push(claim(ctx, claims[i], v)));
    if (instancesOf(w).max > 1) notes.push('its volumes are claims shared by every instance: they need a storage class that allows it (ReadWriteMany), or a StatefulSet (`state: stateful`)');
  }
  if (stateful && !volumes.length) notes.push('stateful without volumes: its data is lost when a pod is replaced');

  const template: PodTemplateSpec = { metadata: { labels: labelsFor(name) }, spec: pod };
  const { count, hpa } = instancesOf(w);

  if (batch) {
    pod.restartPolicy = 'OnFailure';
    const job: Job & K8sObject = { apiVersion: 'batch/v1', kind: 'Job', metadata: meta(ctx), spec: { parallelism: count, template } };
    if (hpa) notes.push(`a Job does not autoscale: parallelism is scaling.max (${hpa.max})`);
    if (job.spec && hpa) job.spec.parallelism = hpa.max;
    return [job, ...extra];
  }

  let main: K8sObject;
  if (stateful) {
    const sts: StatefulSet & K8sObject = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: meta(ctx),
      spec: { serviceName: name, selector, template, ...(hpa ? {} : { replicas: count }) },
    };
    if (volumes.length) {
      sts.spec!.volumeClaimTemplates = volumes.map((v) => ({
        metadata: { name: v.name },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: formatSize(v.size) } } },
      }));
    }
    main = sts;
  } else {
    const dep: Deployment & K8sObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta(ctx), spec: { selector, template, ...(hpa ? {} : { replicas: count }) } };
    main = dep;
  }
  const objects: K8sObject[] = [main, ...extra];
  if (hpa) {
    const min = Math.max(1, hpa.min);
    if (hpa.min < 1) notes.push(`scaling.min ${hpa.min}: the autoscaler's minReplicas is 1 (scaling to zero needs an alpha feature gate)`);
    const autoscaler: HorizontalPodAutoscaler & K8sObject = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: meta(ctx),
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: main.kind, name }, minReplicas: min, maxReplicas: hpa.max },
    };
    objects.push(autoscaler);
  }
  return objects;
}

/** One KubeVirt VirtualMachine per instance (a VM does not autoscale). */
function virtualMachines(ctx: Ctx): K8sObject[] {
  const { w, name, notes } = ctx;
  const { count, hpa } = instancesOf(w);
  let n = Math.max(1, count);
  if (count < 1 && !hpa) notes.push(`${count} instances: one VirtualMachine written`);
  if (hpa) {
    n = Math.max(1, hpa.min);
    notes.push(`a VirtualMachine does not autoscale: ${n} written for scaling ${hpa.min} to ${hpa.max}`);
  }
  const names = n === 1 ? [name] : Array.from({ length: n }, (_, i) => {
    const replica = freeLabel(dnsLabelFor(`${name.slice(0, 56)}-${i + 1}`) ?? name, (x) => ctx.taken.has(x));
    ctx.taken.add(replica);
    return replica;
  });
  const volumes = volumeNames(ctx);
  const domain: Record<string, unknown> = {};
  if (w.cpu !== undefined) {
    const cores = Math.max(1, Math.ceil(w.cpu - 1e-9));
    if (cores !== w.cpu) notes.push(`cpu ${formatCores(w.cpu)} rounded up to ${cores} whole core${cores > 1 ? 's' : ''}`);
    domain.cpu = { cores };
  }
  if (w.memory !== undefined) domain.memory = { guest: formatSize(w.memory) };
  else notes.push('no memory declared: set spec.template.spec.domain.memory.guest before applying');
  domain.devices = { disks: volumes.map((v) => ({ name: v.name, disk: { bus: 'virtio' } })) };
  const runStrategy = w.architecture === 'batch' ? 'RerunOnFailure' : 'Always';
  const selector: LabelSelector = { matchLabels: { [NAME_LABEL]: name } };
  return names.map((vmName) => {
    const spec: Record<string, unknown> = { domain };
    if (w.liveMigration === true) spec.evictionStrategy = 'LiveMigrate';
    const affinity = pinAffinity(ctx);
    if (affinity) spec.affinity = affinity;
    if (n > 1) spec.topologySpreadConstraints = spread(selector);
    // A DataVolume makes a claim of the same name: its name is taken like every other.
    const dataVolumes = volumes.map((v) => claimName(ctx, vmName, v.name));
    if (volumes.length) spec.volumes = volumes.map((v, i) => ({ name: v.name, dataVolume: { name: dataVolumes[i] } }));
    const vm: K8sObject = {
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachine',
      metadata: meta(ctx, vmName),
      spec: {
        runStrategy,
        ...(volumes.length
          ? {
              dataVolumeTemplates: volumes.map((v, i) => ({
                metadata: { name: dataVolumes[i] },
                spec: { source: { blank: {} }, storage: { resources: { requests: { storage: formatSize(v.size) } } } },
              })),
            }
          : {}),
        template: { metadata: { labels: labelsFor(name) }, spec },
      },
    };
    return vm;
  });
}

/** The RuntimeClass container-in-vm pods name: Kata Containers, with its VM's overhead. */
export function kataRuntimeClass(): RuntimeClass & K8sObject {
  return {
    apiVersion: 'node.k8s.io/v1',
    kind: 'RuntimeClass',
    metadata: { name: KATA_RUNTIME_CLASS, labels: { [MANAGED_BY_LABEL]: MANAGED_BY } },
    handler: KATA_RUNTIME_CLASS,
    overhead: { podFixed: { ...KATA_OVERHEAD } },
    scheduling: { nodeSelector: { [KATA_NODE_LABEL]: 'true' } },
  };
}

/** Instances: a fixed count, or an autoscaler's range when `scaling` lets the count move. */
export function instancesOf(w: WorkloadDecl): { count: number; max: number; hpa?: { min: number; max: number } } {
  if (w.scaling && w.scaling.max > w.scaling.min) return { count: w.scaling.min, max: w.scaling.max, hpa: { ...w.scaling } };
  const count = w.scaling ? w.scaling.min : w.replicas ?? 1;
  return { count, max: count };
}

function requestsOf(w: WorkloadDecl): Record<string, string> | undefined {
  const r: Record<string, string> = {};
  if (w.cpu !== undefined) r.cpu = formatCores(w.cpu);
  if (w.memory !== undefined) r.memory = formatSize(w.memory);
  return Object.keys(r).length ? r : undefined;
}

/** Pins (`host:`, `hosts:`) as required node affinity on the hostname label. */
function pinAffinity(ctx: Ctx): Affinity | undefined {
  const values: string[] = [];
  for (const p of ctx.w.pins) {
    // The kubelet lower-cases the host name it puts in this label.
    const node = p.name.toLowerCase();
    if (isLabelValue(node)) {
      if (node !== p.name && !ctx.notes.some((n) => n.includes(`pin '${p.name}'`))) ctx.notes.push(`pin '${p.name}' matches the node '${node}' (the hostname label is lower-case)`);
      if (!values.includes(node)) values.push(node);
    } else if (!ctx.notes.some((n) => n.includes(`pin '${p.name}'`))) {
      ctx.notes.push(`pin '${p.name}' is not a valid node label value: left out of the node affinity`);
    }
  }
  if (!values.length) return undefined;
  return {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: HOSTNAME_LABEL, operator: 'In', values }] }],
      },
    },
  };
}

/** Spread over nodes and zones: a preference, as the engine's placement spreads replicas. */
function spread(labelSelector: LabelSelector): TopologySpreadConstraint[] {
  return [HOSTNAME_LABEL, ZONE_LABEL].map((topologyKey) => ({ maxSkew: 1, topologyKey, whenUnsatisfiable: 'ScheduleAnyway', labelSelector }));
}

interface VolumeName {
  /** The volume's name in the pod or VM (a DNS-1123 label). */
  name: string;
  mountPath: string;
  size: number;
}

/** The workload's volumes with valid, distinct names and their mount paths. */
function volumeNames(ctx: Ctx): VolumeName[] {
  const { w, notes } = ctx;
  const seen = new Set<string>();
  const items = w.node.entries.find((e) => e.key === 'volumes')?.value;
  const out: VolumeName[] = [];
  for (const v of w.volumes) {
    if (v.name === undefined || v.size === undefined) {
      notes.push(`a volume without ${v.name === undefined ? 'a name' : 'a size'} is left out`);
      continue;
    }
    const name = freeLabel((dnsLabelFor(v.name) ?? 'data').slice(0, 40), (n) => seen.has(n));
    seen.add(name);
    if (name !== v.name) notes.push(`volume '${v.name}' is named '${name}'`);
    const item = items?.kind === 'seq' ? items.items.find((i) => i.span.start === v.span.start) : undefined;
    const mp = item?.kind === 'map' ? item.entries.find((e) => e.key === 'mountPath')?.value : undefined;
    let mountPath = mp?.kind === 'scalar' && typeof mp.value === 'string' && mp.value ? mp.value : '';
    if (!mountPath) {
      mountPath = `/mnt/${name}`;
      if (ctx.deploy !== 'vm') notes.push(`volume '${v.name}' has no mountPath: mounted at ${mountPath}`);
    }
    out.push({ name, mountPath, size: v.size });
  }
  return out;
}

/**
 * `<owner>-<volume>` as a free name: claims (and DataVolumes, which make claims) share
 * one namespace with each other, so `a` + `b-c` and `a-b` + `c` must not meet.
 */
function claimName(ctx: Ctx, owner: string, volume: string): string {
  const name = freeLabel(dnsLabelFor(`${owner.slice(0, 62 - volume.length)}-${volume}`) ?? volume, (n) => ctx.taken.has(n));
  ctx.taken.add(name);
  return name;
}

function claim(ctx: Ctx, name: string, v: VolumeName): PersistentVolumeClaim & K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: meta(ctx, name),
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: formatSize(v.size) } } },
  };
}

/** A label value: at most 63 characters, alphanumerics with '-', '_' and '.' inside. */
export function isLabelValue(s: string): boolean {
  return s.length <= 63 && /^(?:[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)?$/.test(s);
}

/** Cores as a Kubernetes quantity: whole cores as a number, otherwise millicores (rounded up). */
export function formatCores(cores: number): string {
  if (Number.isInteger(cores)) return String(cores);
  return `${Math.ceil(cores * 1000 - 1e-6)}m`;
}

/**
 * Bytes as a Kubernetes quantity, exactly: the largest binary suffix that divides it
 * (`512Mi`), else the largest decimal one (`1G`), else plain bytes.
 */
export function formatSize(bytes: number): string {
  const n = Math.round(bytes);
  const exact = (base: number, units: string[]) => {
    let i = 0;
    let v = n;
    while (i < units.length - 1 && v >= base && v % base === 0) {
      v /= base;
      i++;
    }
    return { i, text: `${v}${units[i]}` };
  };
  const binary = exact(1024, ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei']);
  const decimal = exact(1000, ['', 'k', 'M', 'G', 'T', 'P', 'E']);
  return decimal.i > binary.i ? decimal.text : binary.text;
}
