// Kubernetes manifests → workload declarations. A manifest file is read whole (it is
// not a descriptor, so the piece cache does not apply): every YAML document, and every
// item of a `List`, whose kind is a workload becomes a WorkloadDecl named by
// `metadata.name`, with spans on the manifest fields it came from. What a manifest cannot
// say comes from annotations under `ANNOTATION_PREFIX`. Pure and total: bad input gives
// findings, never a throw. The mapping is documented in docs/inputs.md ("Kubernetes").

import { insertIntoMap } from '../edits';
import { parseCpu, parseMemory } from '../quantity';
import { workloadFields } from '../schema';
import { type Chars, SourceText } from '../sourceText';
import { computeLineStarts, show } from '../text';
import type { Finding, ManifestFile, ManifestScaler, ManifestWorkload, NameRef, ParsedFile, VolumeDecl, WorkloadDecl, YMap, YNode } from '../types';
import { MAX_DEPTH, nestingDepth, parseWithLibrary } from '../yamlTree';
import { MAX_FILE_CHARS, parsedFile, suppressionsIn } from '../parse';
import { at, get, int, map, str } from './tree';

/** Annotations under this prefix say what a manifest cannot (`placement.workload-advisor.io/isolation: strict`). */
export const ANNOTATION_PREFIX = 'placement.workload-advisor.io/';

/** Kinds whose pods are workloads, with where the pod spec sits. */
const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

/** Every kind that makes a workload (KubeVirt's VirtualMachine too). */
export const WORKLOAD_KINDS: readonly string[] = [...Object.keys(POD_SPEC_PATHS), 'VirtualMachine'];

/** Kinds read besides workloads: they add to workloads in any manifest file. */
const SUPPORT_KINDS = ['HorizontalPodAutoscaler', 'PersistentVolumeClaim'];
const READ_KINDS: readonly string[] = [...WORKLOAD_KINDS, ...SUPPORT_KINDS];

/** Runtime classes that run each pod in its own VM: `kata*`, gVisor's `runsc`/`gvisor`. */
export const SANDBOX_RUNTIME = /^(kata|gvisor|runsc)/i;

/** Capabilities that reach into the host kernel; SYS_MODULE loads code into it. */
export const KERNEL_CAPABILITIES: readonly string[] = ['SYS_ADMIN', 'SYS_MODULE', 'SYS_PTRACE', 'SYS_RAWIO', 'SYS_BOOT', 'SYS_TIME', 'NET_ADMIN', 'BPF', 'PERFMON', 'ALL'];

/** hostPath mounts of the host kernel's files. */
export const KERNEL_PATHS = ['/lib/modules', '/boot', '/dev', '/proc'];

/**
 * The container runtimes' control sockets. Whoever can reach one starts privileged
 * containers on the host, so it holds the host (kube-linter's `docker-sock` check).
 */
const RUNTIME_SOCKETS = ['/var/run/docker.sock', '/run/docker.sock', '/var/run/containerd/containerd.sock', '/run/containerd/containerd.sock', '/var/run/crio/crio.sock', '/run/crio/crio.sock', '/run/podman/podman.sock', '/var/run/cri-dockerd.sock'];

/** The runtime socket a host path mounts, itself or a folder above it (`/var/run`); undefined when none. Paths without a trailing `/`. */
export function runtimeSocketIn(hostPath: string): string | undefined {
  return hostPath === '/' ? undefined : RUNTIME_SOCKETS.find((s) => s === hostPath || s.startsWith(`${hostPath}/`));
}

/** An extended resource that counts GPUs: `nvidia.com/gpu`, `amd.com/gpu`, `gpu.intel.com/i915`. */
const GPU_RESOURCE = /(^|\/)gpu$|^gpu\.intel\.com\//;

const KIND_LINE = new RegExp(`^[ \\t-]*kind:[ \\t]*["']?(${[...WORKLOAD_KINDS, ...SUPPORT_KINDS].join('|')})["']?[ \\t]*(#.*)?$`, 'm');

/**
 * The cheap test a YAML file must pass to be read as a manifest: `apiVersion:`, `kind:`
 * and a line naming a kind this reader knows. Anything else is not ours: no diagnostics.
 */
export function looksLikeManifest(text: string): boolean {
  return text.includes('apiVersion:') && text.includes('kind:') && KIND_LINE.test(text);
}

/** Reads a manifest file: its workloads, and what other files' workloads need (HPAs, PVC sizes). */
export function parseManifest(file: string, text: string | SourceText): ParsedFile {
  const source = typeof text === 'string' ? SourceText.of(text) : text;
  const whole = source.text;
  const info: ManifestFile = { format: 'kubernetes', scalers: [], claimSizes: new Map(), skipped: [] };
  if (whole.length > MAX_FILE_CHARS) {
    const out = parsedFile(file, source, { findings: [tooLarge(whole.length)], suppressions: { file: new Set(), lines: new Map() }, lineStarts: [0] });
    out.manifest = info;
    return out;
  }
  const lineStarts = computeLineStarts(whole);
  const out = parsedFile(file, source, { findings: [], suppressions: { file: new Set(), lines: new Map() }, lineStarts });
  out.manifest = info;
  if (whole.includes('\u0000')) {
    out.findings.push({ ruleId: 'yaml-syntax', message: 'The file is not text: a manifest must be UTF-8 YAML.', span: { start: 0, end: 0 } });
    return out;
  }
  const depth = nestingDepth(whole);
  if (depth > MAX_DEPTH) {
    out.findings.push({ ruleId: 'yaml-syntax', message: `The YAML nests more than ${MAX_DEPTH} levels deep; the manifest was not read.`, span: { start: 0, end: 0 } });
    return out;
  }
  const tree = parseWithLibrary(whole, 0);
  const error = tree.findings.find((f) => f.severity === 'error');
  const docs: YMap[] = [];
  for (const root of tree.roots) {
    // Past a syntax error the library guesses: only documents before it are read.
    if (root?.kind !== 'map' || (error && root.span.end > error.span.start)) continue;
    // A `List` (what `kubectl get -o yaml` writes): its items are the documents.
    const items = str(get(root, 'kind')) === 'List' ? get(root, 'items') : undefined;
    if (items?.kind === 'seq') {
      for (const it of items.items) if (it.kind === 'map') docs.push(it);
    } else docs.push(root);
  }
  // A template (a Helm chart's): `{{` that breaks the YAML or sits in a document we read.
  // Rendered output may hold `{{` in a ConfigMap (alerting templates): that one is read.
  const template = whole.indexOf('{{');
  if (template >= 0 && (error || docs.some((d) => READ_KINDS.includes(str(get(d, 'kind')) ?? '') && whole.slice(d.span.start, d.span.end).includes('{{')))) {
    const close = whole.indexOf('}}', template);
    out.findings.push({
      ruleId: 'manifest-template',
      message: 'A template (`{{ … }}`): skipped. Check its rendered output (`helm template`) instead.',
      span: { start: template, end: close >= 0 ? close + 2 : Math.min(whole.length, template + 2) },
    });
    return out;
  }
  // One parse diagnostic: the first error (the rest follow from it).
  if (error) out.findings.push({ ...error, severity: undefined });
  out.suppressions = suppressionsIn(whole, tree.comments, lineStarts);
  for (const doc of docs) {
    const kind = str(get(doc, 'kind'));
    if (kind === 'PersistentVolumeClaim') readClaim(doc, info);
    else if (kind === 'HorizontalPodAutoscaler') readScaler(doc, info);
  }
  for (const doc of docs) {
    const kind = str(get(doc, 'kind'));
    const skip = (reason: 'kind' | 'no name' | 'api group') => info.skipped!.push({ kind: kind ?? '', name: str(at(doc, ['metadata', 'name'])), reason, span: { ...doc.span } });
    if (kind && SUPPORT_KINDS.includes(kind)) continue;
    if (!kind || !WORKLOAD_KINDS.includes(kind)) {
      skip('kind');
      continue;
    }
    // A VirtualMachine of another API group is not KubeVirt's.
    if (kind === 'VirtualMachine' && !/^kubevirt\.io\//.test(str(get(doc, 'apiVersion')) ?? '')) {
      skip('api group');
      continue;
    }
    const w = readWorkload(doc, kind, file, out.findings, info, source);
    if (w) out.workloads.push(w);
    else skip('no name');
  }
  return out;
}

// Reading one workload.

function readWorkload(doc: YMap, kind: string, file: string, findings: Finding[], info: ManifestFile, text: Chars): WorkloadDecl | undefined {
  const metadata = map(get(doc, 'metadata'));
  const nameNode = metadata && get(metadata, 'name');
  const name = str(nameNode);
  // Without a name it is not a workload anyone can refer to (nor one `kubectl apply` takes).
  if (!name || !nameNode) return undefined;
  const namespace = str(metadata && get(metadata, 'namespace'));
  const m: ManifestWorkload = { format: 'kubernetes', kind, namespace, perHost: kind === 'DaemonSet', zones: [], fields: {}, claims: [] };
  const w: WorkloadDecl = {
    kind: 'workload',
    file,
    node: doc,
    span: { ...doc.span },
    name,
    nameSpan: { ...nameNode.span },
    volumes: [],
    hasVolumesKey: false,
    pins: [],
    manifest: m,
  };
  const set = <K extends keyof WorkloadDecl>(field: K, value: WorkloadDecl[K], node: YNode | undefined) => {
    w[field] = value;
    if (node) m.fields[field] = { ...node.span };
  };
  const spec = map(get(doc, 'spec'));
  const kindNode = get(doc, 'kind');
  // The kind's shape.
  if (kind === 'StatefulSet') set('state', 'stateful', kindNode);
  if (kind === 'Job' || kind === 'CronJob') set('architecture', 'batch', kindNode);
  // Replicas: the controller's, a Job's parallelism; a Pod and a VM are one.
  const replicasNode = kind === 'Job' ? get(spec, 'parallelism') : kind === 'CronJob' ? at(spec, ['jobTemplate', 'spec', 'parallelism']) : get(spec, 'replicas');
  const replicas = int(replicasNode);
  if (replicas !== undefined && replicas >= 0 && kind !== 'DaemonSet' && kind !== 'Pod' && kind !== 'VirtualMachine') set('replicas', replicas, replicasNode);

  const pod = kind === 'VirtualMachine' ? undefined : map(at(doc, POD_SPEC_PATHS[kind]));
  if (kind === 'VirtualMachine') readVirtualMachine(doc, w, set, findings);
  else if (pod) readPod(pod, w, set, findings, info);
  // StatefulSet storage: one volume per claim template.
  const templates = get(spec, 'volumeClaimTemplates');
  if (templates?.kind === 'seq') {
    w.hasVolumesKey = true;
    m.fields.volumes = { ...templates.span };
    for (const t of templates.items) {
      if (t.kind !== 'map') continue;
      w.volumes.push({ name: str(at(t, ['metadata', 'name'])), size: bytes(at(t, ['spec', 'resources', 'requests', 'storage'])), span: { ...t.span } });
    }
  }
  if (w.volumes.length && !w.state) set('state', 'stateful', templates ?? get(spec, 'template'));
  if (!w.state && kind !== 'VirtualMachine') w.state = 'stateless';
  w.os ??= 'linux';
  // The descriptor's `resources` factor points at the CPU (or memory) value read.
  const res = m.fields.cpu ?? m.fields.memory;
  if (res) m.fields.resources = res;
  readAnnotations(metadata, w, set, findings);
  // Strict isolation asked for, and a plain container given: a sandbox runtime gives a VM boundary.
  if (w.isolation === 'strict' && w.deploy === undefined && pod) {
    findings.push({
      ruleId: 'strict-isolation-container',
      message: `'${name}' needs strict isolation but runs as a plain container: a kernel flaw on the node reaches every container there. Run it in a sandbox (a Kata or gVisor runtime class) or a VM.`,
      span: { ...(m.fields.isolation ?? w.nameSpan) },
      // Not safe: the cluster must offer that runtime class.
      fixes: [{ title: 'Run it in a Kata sandbox: add `runtimeClassName: kata`', edits: [insertIntoMap(text, pod, ['runtimeClassName: kata'])], safe: false, preferred: true, lands: 'container-in-vm' }],
    });
  }
  return w;
}

export type Setter = <K extends keyof WorkloadDecl>(field: K, value: WorkloadDecl[K], node: YNode | undefined) => void;

function readPod(pod: YMap, w: WorkloadDecl, set: Setter, findings: Finding[], info: ManifestFile): void {
  const m = w.manifest!;
  // Resources: the app containers' requests (limits as fallback) summed; an init container
  // runs alone before them, so the pod needs the larger of the sum and the largest one.
  // Sidecars (init containers with `restartPolicy: Always`) keep running: they add up.
  const app = containers(get(pod, 'containers'));
  const init = containers(get(pod, 'initContainers'));
  const sidecars = init.filter((c) => str(get(c, 'restartPolicy')) === 'Always');
  const plain = init.filter((c) => !sidecars.includes(c));
  const total = (read: (c: YMap) => number | undefined) => {
    let sum = 0;
    let any = false;
    for (const c of [...app, ...sidecars]) {
      const v = read(c);
      if (v !== undefined) (sum += v), (any = true);
    }
    for (const c of plain) {
      const v = read(c);
      if (v !== undefined) (sum = Math.max(sum, v)), (any = true);
    }
    return any ? sum : undefined;
  };
  const cpu = total((c) => quantity(c, 'cpu', (n) => cpuOf(n)));
  if (cpu !== undefined && cpu > 0) set('cpu', cpu, resourceNode(app[0] ?? init[0], 'cpu'));
  const memory = total((c) => quantity(c, 'memory', (n) => bytes(n)));
  if (memory !== undefined && memory > 0) set('memory', memory, resourceNode(app[0] ?? init[0], 'memory'));
  let gpuNode: YNode | undefined;
  const gpus = total((c) => {
    let n: number | undefined;
    for (const which of ['requests', 'limits']) {
      const r = map(at(c, ['resources', which]));
      for (const e of r?.entries ?? []) {
        if (!GPU_RESOURCE.test(e.key)) continue;
        const v = cpuOf(e.value);
        if (v !== undefined) {
          n = (n ?? 0) + v;
          gpuNode ??= e.value ?? undefined;
        }
      }
      if (n !== undefined) return n;
    }
    return n;
  });
  if (gpus) {
    // Placed like a descriptor's `gpus`: only on hosts with that many free.
    m.gpus = gpus;
    w.gpus = gpus;
    m.fields.gpus = { ...gpuNode!.span };
  }
  // Where it may run: the OS, pinned nodes, zones.
  const selector = map(get(pod, 'nodeSelector'));
  for (const e of selector?.entries ?? []) selectorTerm(e.key, 'In', e.value && e.value.kind === 'scalar' ? [e.value] : [], w, set);
  const terms = at(pod, ['affinity', 'nodeAffinity', 'requiredDuringSchedulingIgnoredDuringExecution', 'nodeSelectorTerms']);
  if (terms?.kind === 'seq') {
    for (const t of terms.items) {
      const exprs = get(t, 'matchExpressions');
      if (exprs?.kind !== 'seq') continue;
      for (const x of exprs.items) {
        const values = get(x, 'values');
        selectorTerm(str(get(x, 'key')) ?? '', str(get(x, 'operator')) ?? '', values?.kind === 'seq' ? values.items : [], w, set);
      }
    }
  }
  const nodeName = get(pod, 'nodeName');
  if (str(nodeName)) w.pins.push({ name: str(nodeName)!, span: { ...nodeName!.span } });
  if (w.pins.length) m.fields.host = { ...w.pins[0].span };
  // A sandbox runtime runs the pod in a VM of its own.
  const runtime = get(pod, 'runtimeClassName');
  if (SANDBOX_RUNTIME.test(str(runtime) ?? '')) set('deploy', 'container-in-vm', runtime);
  // Storage: claimed PVCs, sized from a claim in this file or (when linked) another.
  const volumes = get(pod, 'volumes');
  for (const v of volumes?.kind === 'seq' ? volumes.items : []) {
    const claim = str(at(v, ['persistentVolumeClaim', 'claimName']));
    if (claim) {
      w.hasVolumesKey = true;
      m.fields.volumes ??= { ...volumes!.span };
      const size = info.claimSizes.get(`${m.namespace ?? ''}/${claim}`);
      if (size === undefined) m.claims.push(claim);
      w.volumes.push({ name: claim, size, span: { ...v.span } });
    }
    const hostPath = str(at(v, ['hostPath', 'path']));
    if (hostPath) {
      const clean = hostPath.replace(/\/+$/, '') || '/';
      const hit = clean === '/' ? '/' : KERNEL_PATHS.find((p) => clean === p || clean.startsWith(`${p}/`));
      if (hit) {
        const node = at(v, ['hostPath', 'path'])!;
        kernelFinding(findings, w, node, `mounts the host's ${show(hostPath)}`);
        if (hit === '/lib/modules' || clean === '/') needsOwnKernel(w, set, node);
      }
      const socket = runtimeSocketIn(clean);
      if (socket) runtimeSocketFinding(findings, w, at(v, ['hostPath', 'path'])!.span, socket);
    }
  }
  if (w.volumes.length) set('state', 'stateful', volumes);
  // What shares, and can change, the host's kernel.
  for (const key of ['hostPID', 'hostNetwork', 'hostIPC']) {
    const n = get(pod, key);
    if (n?.kind === 'scalar' && n.value === true) kernelFinding(findings, w, n, `uses the host's ${key.slice(4) === 'Network' ? 'network' : key.slice(4)} namespace (\`${key}: true\`)`);
  }
  for (const c of [...app, ...init]) {
    const sc = map(get(c, 'securityContext'));
    const priv = get(sc, 'privileged');
    if (priv?.kind === 'scalar' && priv.value === true) kernelFinding(findings, w, priv, `runs the container ${show(str(get(c, 'name')) ?? '')} privileged`);
    const add = at(sc, ['capabilities', 'add']);
    for (const cap of add?.kind === 'seq' ? add.items : []) {
      const name = (str(cap) ?? '').toUpperCase().replace(/^CAP_/, '');
      if (!KERNEL_CAPABILITIES.includes(name)) continue;
      kernelFinding(findings, w, cap, `adds the capability ${name}`);
      if (name === 'SYS_MODULE' || name === 'ALL') needsOwnKernel(w, set, cap);
    }
  }
}

function readVirtualMachine(doc: YMap, w: WorkloadDecl, set: Setter, findings: Finding[]): void {
  const m = w.manifest!;
  const vmSpec = map(at(doc, ['spec', 'template', 'spec']));
  const kindNode = get(doc, 'kind');
  set('deploy', 'vm', kindNode);
  const cpu = map(at(vmSpec, ['domain', 'cpu']));
  if (cpu) {
    const n = (k: string) => int(get(cpu, k)) ?? 1;
    const cores = n('cores') * n('sockets') * n('threads');
    if (cores > 0) set('cpu', cores, get(cpu, 'cores') ?? cpu);
  } else {
    const req = at(vmSpec, ['domain', 'resources', 'requests', 'cpu']);
    const v = cpuOf(req);
    if (v) set('cpu', v, req);
  }
  const guest = at(vmSpec, ['domain', 'memory', 'guest']) ?? at(vmSpec, ['domain', 'resources', 'requests', 'memory']);
  const mem = bytes(guest);
  if (mem) set('memory', mem, guest);
  const eviction = get(vmSpec, 'evictionStrategy');
  if (str(eviction) === 'LiveMigrate') set('liveMigration', true, eviction);
  const selector = map(get(vmSpec, 'nodeSelector'));
  for (const e of selector?.entries ?? []) selectorTerm(e.key, 'In', e.value && e.value.kind === 'scalar' ? [e.value] : [], w, set);
  if (w.pins.length) m.fields.host = { ...w.pins[0].span };
  // Disks from DataVolume templates.
  const dvs = at(doc, ['spec', 'dataVolumeTemplates']);
  for (const dv of dvs?.kind === 'seq' ? dvs.items : []) {
    const size = bytes(at(dv, ['spec', 'storage', 'resources', 'requests', 'storage']) ?? at(dv, ['spec', 'pvc', 'resources', 'requests', 'storage']));
    w.volumes.push({ name: str(at(dv, ['metadata', 'name'])), size, span: { ...dv.span } });
  }
  if (w.volumes.length) {
    w.hasVolumesKey = true;
    set('state', 'stateful', dvs);
  }
  void findings;
}

/** One nodeSelector entry or node-affinity expression. */
function selectorTerm(key: string, operator: string, values: readonly YNode[], w: WorkloadDecl, set: Setter): void {
  if (operator !== 'In') return;
  const first = values.find((v) => str(v) !== undefined);
  if (!first) return;
  if (key === 'kubernetes.io/os' || key === 'beta.kubernetes.io/os') set('os', str(first)!.toLowerCase(), first);
  else if (key === 'kubernetes.io/hostname') {
    for (const v of values) if (str(v)) w.pins.push({ name: str(v)!, span: { ...v.span } } satisfies NameRef);
  } else if (key === 'topology.kubernetes.io/zone' || key === 'failure-domain.beta.kubernetes.io/zone') {
    for (const v of values) if (str(v)) w.manifest!.zones.push(str(v)!);
    w.manifest!.fields.site ??= { ...first.span };
  }
}

export function kernelFinding(findings: Finding[], w: WorkloadDecl, node: YNode, what: string): void {
  findings.push({ ruleId: 'host-kernel-access', message: `'${w.name}' ${what}: it shares, and can change, the host's kernel.`, span: { ...node.span } });
}

export function runtimeSocketFinding(findings: Finding[], w: WorkloadDecl, span: { start: number; end: number }, socket: string): void {
  findings.push({ ruleId: 'host-kernel-access', message: `'${w.name}' mounts the container runtime's socket ${show(socket)}: it can start privileged containers, so it controls the host and its kernel.`, span: { ...span } });
}

export function needsOwnKernel(w: WorkloadDecl, set: Setter, node: YNode): void {
  if (w.kernel !== 'custom') set('kernel', 'custom', node);
}

// Annotations.

type Annotated = 'os' | 'kernel' | 'isolation' | 'live-migration' | 'disaster-recovery' | 'startup' | 'architecture' | 'state' | 'deploy';
type Field = 'os' | 'kernel' | 'isolation' | 'liveMigration' | 'disasterRecovery' | 'startup' | 'architecture' | 'state' | 'deploy';

/**
 * What each annotation (under ANNOTATION_PREFIX) may say: the schema's values. Names are
 * kebab-case, as Kubernetes annotation keys are; `export k8s` writes the same ones.
 */
export const ANNOTATIONS: Readonly<Record<Annotated, readonly string[]>> = {
  isolation: enumValues('isolation'),
  'live-migration': ['true', 'false'],
  'disaster-recovery': ['true', 'false'],
  kernel: enumValues('kernel'),
  startup: enumValues('startup'),
  architecture: enumValues('architecture'),
  state: enumValues('state'),
  deploy: enumValues('deploy'),
  os: enumValues('os'),
};

/** The descriptor field each annotation sets. */
const ANNOTATED_FIELD: Readonly<Record<Annotated, Field>> = {
  isolation: 'isolation',
  'live-migration': 'liveMigration',
  'disaster-recovery': 'disasterRecovery',
  kernel: 'kernel',
  startup: 'startup',
  architecture: 'architecture',
  state: 'state',
  deploy: 'deploy',
  os: 'os',
};

/** Provenance `export k8s` writes (where the object came from, what the engine said): read as such, not as settings. */
export const PROVENANCE_ANNOTATIONS: readonly string[] = ['source', 'workload', 'verdict', 'declared'];

function enumValues(key: string): readonly string[] {
  const t = workloadFields.find((f) => f.key === key)?.type;
  return t?.kind === 'enum' ? t.values.map((v) => String(v.value)) : [];
}

function readAnnotations(metadata: YMap | undefined, w: WorkloadDecl, set: Setter, findings: Finding[]): void {
  readPlacementKeys(map(get(metadata, 'annotations')), w, set, findings, 'annotation');
}

/** Keys under ANNOTATION_PREFIX of a mapping: a manifest's annotations, a Compose service's labels. */
export function readPlacementKeys(annotations: YMap | undefined, w: WorkloadDecl, set: Setter, findings: Finding[], noun: 'annotation' | 'label'): void {
  for (const e of annotations?.entries ?? []) {
    if (!e.key.startsWith(ANNOTATION_PREFIX)) continue;
    const name = e.key.slice(ANNOTATION_PREFIX.length) as Annotated;
    if (PROVENANCE_ANNOTATIONS.includes(name)) continue;
    const allowed = Object.hasOwn(ANNOTATIONS, name) ? ANNOTATIONS[name] : undefined;
    if (!allowed) {
      findings.push({ ruleId: 'unknown-key', message: `Unknown ${noun} ${show(e.key)}: known ones are ${Object.keys(ANNOTATIONS).map((k) => `\`${ANNOTATION_PREFIX}${k}\``).join(', ')}.`, span: { ...e.keySpan } });
      continue;
    }
    const raw = e.value?.kind === 'scalar' && e.value.value !== null ? String(e.value.value) : undefined;
    if (raw === undefined || !allowed.includes(raw)) {
      findings.push({ ruleId: 'invalid-value', message: `\`${e.key}\` must be one of ${allowed.join(', ')}${raw === undefined ? '' : `, not ${show(raw)}`}.`, span: { ...(e.value?.span ?? e.keySpan) } });
      continue;
    }
    const value = allowed[0] === 'true' ? raw === 'true' : raw;
    set(ANNOTATED_FIELD[name], value as never, e.value!);
  }
}

// Support kinds.

function readClaim(doc: YMap, info: ManifestFile): void {
  const name = str(at(doc, ['metadata', 'name']));
  const size = bytes(at(doc, ['spec', 'resources', 'requests', 'storage']));
  if (name && size !== undefined) info.claimSizes.set(`${str(at(doc, ['metadata', 'namespace'])) ?? ''}/${name}`, size);
}

function readScaler(doc: YMap, info: ManifestFile): void {
  const spec = map(get(doc, 'spec'));
  const ref = map(get(spec, 'scaleTargetRef'));
  const kind = str(get(ref, 'kind'));
  const name = str(get(ref, 'name'));
  const max = int(get(spec, 'maxReplicas'));
  if (!kind || !name || max === undefined) return;
  const min = int(get(spec, 'minReplicas')) ?? 1;
  if (min < 0 || min > max) return;
  const s: ManifestScaler = { kind, name, namespace: str(at(doc, ['metadata', 'namespace'])), min, max, span: { ...doc.span } };
  info.scalers.push(s);
}

function cpuOf(node: YNode | null | undefined): number | undefined {
  if (node?.kind !== 'scalar') return undefined;
  const r = parseCpu(node.value);
  return r.ok ? r.value : undefined;
}

function bytes(node: YNode | null | undefined): number | undefined {
  if (node?.kind !== 'scalar') return undefined;
  const r = parseMemory(node.value);
  return r.ok ? r.value : undefined;
}

function containers(node: YNode | undefined): YMap[] {
  return node?.kind === 'seq' ? node.items.filter((c): c is YMap => c.kind === 'map') : [];
}

/** A container's request for `what`, its limit when it has no request. */
function quantity(c: YMap, what: string, read: (n: YNode | undefined) => number | undefined): number | undefined {
  return read(at(c, ['resources', 'requests', what])) ?? read(at(c, ['resources', 'limits', what]));
}

function resourceNode(c: YMap | undefined, what: string): YNode | undefined {
  return at(c, ['resources', 'requests', what]) ?? at(c, ['resources', 'limits', what]);
}

/**
 * The hosts a workload's zones hold it to: those whose `site` is one of them. Undefined
 * when nothing applies: no zones, hostname pins (the narrower constraint wins), or a fleet
 * that declares no site at all (zones are then not modelled, not unmet).
 */
function zoneHostsOf(w: WorkloadDecl, sites: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const zones = w.manifest?.zones ?? [];
  if (!zones.length || w.pins.length || !sites.size) return undefined;
  const hosts = new Set<string>();
  for (const z of zones) for (const h of sites.get(z) ?? []) hosts.add(h);
  return [...hosts];
}

function tooLarge(length: number): Finding {
  return { ruleId: 'yaml-syntax', message: `The manifest is too large to read (${(length / 1048576).toFixed(1)} MB; the limit is ${MAX_FILE_CHARS / 1048576} MB).`, span: { start: 0, end: 0 } };
}

// Joining across files.

/**
 * Per original declaration, its copy with what other documents say (HPA scaling, claim
 * sizes), and per file its copy with those workloads: kept while nothing changes, so that
 * the analysis memo (keyed by declaration) keeps its entries. One per analysis session.
 */
export class ManifestLinks {
  private workloads = new WeakMap<WorkloadDecl, { key: string; copy: WorkloadDecl }>();
  private files = new WeakMap<ParsedFile, { key: string; copy: ParsedFile }>();

  /**
   * The files with every manifest workload given the scaling of the HPAs that target it
   * (`scaleTargetRef` kind and name, same namespace) and the sizes of claims declared in
   * other files, and every DaemonSet one replica per container host of its OS. Files
   * without manifests are returned as they are.
   */
  link(files: readonly ParsedFile[]): readonly ParsedFile[] {
    let any = false;
    for (const f of files) if (f.manifest && (f.manifest.scalers.length || f.workloads.length)) any = true;
    if (!any) return files;
    const scalers = new Map<string, ManifestScaler & { file: string }>();
    const claims = new Map<string, number>();
    for (const f of files) {
      if (!f.manifest) continue;
      // The first HPA for a target wins (files are in path order): Kubernetes refuses two.
      for (const s of f.manifest.scalers) {
        const k = `${s.namespace ?? ''}/${s.kind}/${s.name}`;
        if (!scalers.has(k)) scalers.set(k, { ...s, file: f.file });
      }
      for (const [k, v] of f.manifest.claimSizes) if (!claims.has(k)) claims.set(k, v);
    }
    // A DaemonSet runs on every node: the container hosts of its OS (a host without `os` is linux).
    const nodes = new Map<string, number>();
    for (const f of files) for (const h of f.hosts) if (h.role === 'container-host') nodes.set(h.os ?? 'linux', (nodes.get(h.os ?? 'linux') ?? 0) + 1);
    // A Kubernetes zone is a failure domain, which the format calls a host's `site`.
    const sites = new Map<string, string[]>();
    for (const f of files) for (const h of f.hosts) if (h.site !== undefined && h.name !== undefined) sites.set(h.site, [...(sites.get(h.site) ?? []), h.name]);
    return files.map((f) => (f.manifest && f.workloads.length ? this.linkFile(f, scalers, claims, nodes, sites) : f));
  }

  private linkFile(
    f: ParsedFile,
    scalers: ReadonlyMap<string, ManifestScaler & { file: string }>,
    claims: ReadonlyMap<string, number>,
    nodes: ReadonlyMap<string, number>,
    sites: ReadonlyMap<string, readonly string[]>,
  ): ParsedFile {
    let changed = false;
    const keys: string[] = [];
    const extra: Finding[] = [];
    const workloads = f.workloads.map((w) => {
      const m = w.manifest!;
      const s = scalers.get(`${m.namespace ?? ''}/${m.kind}/${w.name}`);
      const sizes = m.claims.map((c) => claims.get(`${m.namespace ?? ''}/${c}`));
      const perHost = m.perHost && w.replicas === undefined ? (nodes.get(w.os ?? 'linux') ?? 0) : 0;
      const zoneHosts = zoneHostsOf(w, sites);
      if (zoneHosts?.length === 0) {
        extra.push({
          ruleId: 'unknown-host',
          message: `'${w.name}' is held to the zone${m.zones.length === 1 ? '' : 's'} ${m.zones.map((z) => show(z)).join(', ')} (\`topology.kubernetes.io/zone\`), and no host has that \`site\`: declare the hosts of the zone with \`site: ${m.zones[0]}\`.`,
          span: { ...(m.fields.site ?? w.nameSpan) },
        });
      }
      const key = `${s ? `${s.min}-${s.max}@${s.file}` : ''}|${sizes.join(',')}|${perHost}|${zoneHosts?.join(',') ?? '-'}`;
      keys.push(key);
      if (!s && !perHost && sizes.every((x) => x === undefined) && zoneHosts === undefined) return w;
      changed = true;
      const had = this.workloads.get(w);
      if (had?.key === key) return had.copy;
      const copy: WorkloadDecl = { ...w, volumes: w.volumes.map((v) => ({ ...v })), manifest: { ...m, fields: { ...m.fields } } };
      if (s) {
        // Its span is in the HPA's file: the factor points at the workload's name instead.
        copy.scaling = { min: s.min, max: s.max };
        copy.manifest!.scaledBy = s.file;
      }
      if (perHost) copy.replicas = perHost;
      if (zoneHosts) {
        // Held to the hosts of its zones, as a pin (a Kubernetes `In` is any of them).
        copy.manifest!.zoneHosts = zoneHosts;
        const span = m.fields.site ?? w.nameSpan;
        copy.pins = zoneHosts.map((name) => ({ name, span: { ...span } }));
        if (zoneHosts.length) copy.manifest!.fields.host = { ...span };
      }
      copy.volumes.forEach((v: VolumeDecl) => {
        const i = m.claims.indexOf(v.name ?? '');
        if (v.size === undefined && i >= 0 && sizes[i] !== undefined) v.size = sizes[i];
      });
      this.workloads.set(w, { key, copy });
      return copy;
    });
    if (!changed) return f;
    const key = keys.join('\u0000');
    const had = this.files.get(f);
    if (had?.key === key) return had.copy;
    const copy: ParsedFile = {
      file: f.file,
      get text() {
        return f.text;
      },
      source: f.source,
      hosts: f.hosts,
      workloads,
      root: f.root,
      findings: extra.length ? [...f.findings, ...extra] : f.findings,
      suppressions: f.suppressions,
      lineStarts: f.lineStarts,
      parseId: f.parseId,
      manifest: f.manifest,
    };
    this.files.set(f, { key, copy });
    return copy;
  }
}
