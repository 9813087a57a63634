// Compose files → workload declarations. Each service of a Compose project is a workload
// named `<project>/<service>`: the project (top-level `name:`, else the folder) scopes the
// service names, as Compose does, so two projects may both have a `web`. The project's
// files (`.env`, `compose.override.yaml`, `extends: {file}`) come through `ComposeContext`,
// which the shell fills from the editor or the disk: the reader does no I/O. Variables
// come from `.env` and defaults only, never the process environment, so that every machine
// reads the same fleet. Pure and total: bad input gives findings, never a throw. The
// mapping is documented in docs/inputs.md ("Compose").

import { insertIntoMap } from '../edits';
import { parseCpu, parseMemory } from '../quantity';
import { archValues } from '../schema';
import { type Chars, SourceText } from '../sourceText';
import { computeLineStarts, show } from '../text';
import type { Finding, Fix, ManifestFile, ManifestWorkload, ParsedFile, Span, WorkloadDecl, YEntry, YMap, YNode } from '../types';
import { MAX_DEPTH, nestingDepth, parseTree } from '../yamlTree';
import { MAX_FILE_CHARS, parsedFile, suppressionsIn } from '../parse';
import { KERNEL_CAPABILITIES, KERNEL_PATHS, kernelFinding, needsOwnKernel, readPlacementKeys, runtimeSocketFinding, runtimeSocketIn, type Setter } from './k8s';
import { at, get, int, map, str } from './tree';

/** The project's other files, read by the shell. */
export interface ComposeContext {
  /**
   * The text of a file by its path relative to the compose file's folder (`/`-separated,
   * may start with `../`), or undefined when it is missing or unreadable.
   */
  read?: (relative: string) => string | undefined;
}

/** Base files in Compose's order of precedence: the first present is the project's. */
export const COMPOSE_BASE_FILES: readonly string[] = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];
/** Overrides merged into the base without `-f`, as `docker compose` does. */
export const COMPOSE_OVERRIDE_FILES: readonly string[] = ['compose.override.yaml', 'compose.override.yml', 'docker-compose.override.yaml', 'docker-compose.override.yml'];

const COMPOSE_NAME = /^(compose(\.[^/\\]+)?|docker-compose[^/\\]*)\.ya?ml$/i;

/** A Compose file by its name: `compose.yaml`, `compose.*.yaml`, `docker-compose*.yml` (`.yml` or `.yaml`). */
export function isComposeFileName(file: string): boolean {
  return COMPOSE_NAME.test(baseName(file));
}

/** The cheap test a Compose-named file must pass: a top-level `services:` key. */
export function looksLikeCompose(text: string): boolean {
  return /^\uFEFF?services[ \t]*:/m.test(text);
}

/** Images whose repository (registry and tag ignored) is a database or another data store. */
export const DATABASE_IMAGES: readonly string[] = [
  'postgres', 'postgresql', 'postgis', 'timescaledb', 'mysql', 'mariadb', 'percona', 'percona-server', 'mongo', 'mongodb', 'mongodb-community-server',
  'redis', 'redis-stack', 'valkey', 'keydb', 'elasticsearch', 'opensearch', 'cassandra', 'scylla', 'couchdb', 'couchbase', 'neo4j', 'influxdb',
  'clickhouse-server', 'cockroach', 'etcd', 'minio', 'rabbitmq', 'kafka', 'zookeeper', 'mssql/server',
];

/** Docker runtimes that run each container in a VM of its own: Kata (`kata-runtime`, `io.containerd.kata.v2`), gVisor's `runsc`. */
const SANDBOX = /kata|runsc|gvisor/i;

/** The image's repository name, lower case: `docker.io/library/postgres:16` → `postgres`, `mcr.microsoft.com/mssql/server` → `mssql/server`. */
export function imageRepository(image: string): string {
  let s = image.trim().toLowerCase().split('@')[0];
  const slash = s.lastIndexOf('/');
  const colon = s.lastIndexOf(':');
  if (colon > slash) s = s.slice(0, colon);
  const parts = s.split('/');
  // A first part with a dot, a colon or `localhost` is a registry.
  if (parts.length > 1 && /[.:]|^localhost$/.test(parts[0])) parts.shift();
  const last = parts[parts.length - 1] ?? '';
  return parts.length > 1 && DATABASE_IMAGES.includes(parts.slice(-2).join('/')) ? parts.slice(-2).join('/') : last;
}

/** Reads a Compose file: one workload per service of its project, with what its override and `extends` add. */
export function parseCompose(file: string, text: string | SourceText, ctx: ComposeContext = {}): ParsedFile {
  const source = typeof text === 'string' ? SourceText.of(text) : text;
  const whole = source.text;
  const info: ManifestFile = { format: 'compose', scalers: [], claimSizes: new Map(), read: ctx.read };
  const empty = { file: new Set<string>(), lines: new Map<number, Set<string>>() };
  if (whole.length > MAX_FILE_CHARS) {
    const out = parsedFile(file, source, { findings: [{ ruleId: 'yaml-syntax', message: `The Compose file is too large to read (${(whole.length / 1048576).toFixed(1)} MB; the limit is ${MAX_FILE_CHARS / 1048576} MB).`, span: { start: 0, end: 0 } }], suppressions: empty, lineStarts: [0] });
    out.manifest = info;
    return out;
  }
  const lineStarts = computeLineStarts(whole);
  const out = parsedFile(file, source, { findings: [], suppressions: empty, lineStarts });
  out.manifest = info;
  const primary = readTree(whole, out.findings);
  if (!primary) return out;
  out.suppressions = suppressionsIn(whole, primary.comments, lineStarts);
  const read = (rel: string) => {
    try {
      return ctx.read?.(rel);
    } catch {
      return undefined;
    }
  };
  const env = parseEnvFile(read('.env') ?? '');
  const name = baseName(file);
  const lower = name.toLowerCase();
  const rank = COMPOSE_BASE_FILES.indexOf(lower);
  const base = rank >= 0;
  const present = (n: string) => n !== lower && read(n) !== undefined;
  const overrideFile = COMPOSE_OVERRIDE_FILES.includes(lower);
  const baseFile = COMPOSE_BASE_FILES.find(present);
  // Of two base files Compose takes the first; a variant (`compose.prod.yaml`) next to a
  // base is picked with `-f` at deploy time: neither adds workloads. Their variables are
  // still checked here, where they are written.
  const contributes = base ? !COMPOSE_BASE_FILES.slice(0, rank).some(present) : overrideFile || !baseFile;
  const root = prepare(primary.root, env, out.findings, undefined);
  if (!contributes || root.kind !== 'map') return out;
  const reader = new ProjectReader(read, env, out.findings, source);
  reader.files.set('', root);
  const ownServices = map(get(root, 'services'));
  let services = ownServices;
  let skip: YMap | undefined;
  let projectRoot: YMap = root;
  if (base) {
    // The first override, merged key by key. A service only it declares is its workload.
    const override = COMPOSE_OVERRIDE_FILES.find((o) => read(o) !== undefined);
    const oServices = override ? map(get(reader.load(override), 'services')) : undefined;
    if (oServices) services = services ? (mergeNodes(services, oServices, [], reader.own) as YMap) : oServices;
  } else if (overrideFile && baseFile) {
    // An override next to its base: the services the base declares are the base's workloads.
    const baseRoot = reader.load(baseFile);
    skip = map(get(baseRoot, 'services'));
    if (baseRoot && !get(root, 'name')) projectRoot = baseRoot;
  }
  // As Compose: `COMPOSE_PROJECT_NAME` (here from `.env` only) over `name:` over the folder.
  const project = projectName(env.get('COMPOSE_PROJECT_NAME') || (str(get(projectRoot, 'name')) ?? folderName(file)));
  const owned = new Map<string, YEntry>();
  for (const x of ownServices?.entries ?? []) if (x.value?.kind === 'map' && !owned.has(x.key)) owned.set(x.key, x);
  for (const e of services?.entries ?? []) {
    if (!e.value || e.value.kind !== 'map' || e.key.startsWith('x-')) continue;
    const own = owned.get(e.key);
    if (!own || get(skip, e.key)) continue;
    const merged = reader.resolve('', e.key, e.value, []);
    out.workloads.push(readService(project, e.key, own, merged, own.value as YMap, file, reader));
  }
  // In file order, one per place (the fleet finds declarations by offset).
  out.workloads.sort((a, b) => a.span.start - b.span.start);
  out.workloads = out.workloads.filter((w, i, all) => i === 0 || all[i - 1].span.start !== w.span.start);
  return out;
}

// Reading one service.

function readService(project: string, service: string, own: YEntry, s: YMap, ownNode: YMap, file: string, reader: ProjectReader): WorkloadDecl {
  const findings = reader.findings;
  const nameSpan = { ...own.keySpan };
  const m: ManifestWorkload = { format: 'compose', kind: 'service', project, perHost: false, zones: [], fields: {}, claims: [] };
  const w: WorkloadDecl = {
    kind: 'workload',
    file,
    node: ownNode,
    span: { start: own.keySpan.start, end: ownNode.span.end },
    name: `${project}/${service}`,
    nameSpan,
    volumes: [],
    hasVolumesKey: false,
    pins: [],
    manifest: m,
  };
  // A value from another file (override, `extends: {file}`) points at the service's name.
  const spanOf = (n: YNode) => (reader.isOwn(n) ? { ...n.span } : { ...nameSpan });
  const set: Setter = (field, value, node) => {
    w[field] = value;
    if (node) m.fields[field] = spanOf(node);
  };
  // The node with its span in this file, for findings and fields.
  const here = (n: YNode) => ({ ...n, span: spanOf(n) }) as YNode;
  const kernel = (node: YNode, what: string) => kernelFinding(findings, w, here(node), `${what}${reader.isOwn(node) ? '' : ` (${reader.whereOf(node)})`}`);

  // Replicas: `deploy.replicas`, else the older `scale`. `deploy.mode: global` runs one per
  // node, as a DaemonSet does (Swarm ignores `replicas` then): counted when the files are linked.
  const global = str(at(s, ['deploy', 'mode'])) === 'global';
  if (global) m.perHost = true;
  const replicasNode = global ? undefined : (at(s, ['deploy', 'replicas']) ?? get(s, 'scale'));
  const replicas = int(replicasNode);
  if (replicas !== undefined) set('replicas', replicas, replicasNode);

  // Resources: reservations (what the scheduler holds), then limits.
  const cpuNode = [at(s, ['deploy', 'resources', 'reservations', 'cpus']), at(s, ['deploy', 'resources', 'limits', 'cpus']), get(s, 'cpus')].find((n) => cpus(n) !== undefined);
  if (cpuNode) set('cpu', cpus(cpuNode)!, cpuNode);
  const memNode = [at(s, ['deploy', 'resources', 'reservations', 'memory']), get(s, 'mem_reservation'), at(s, ['deploy', 'resources', 'limits', 'memory']), get(s, 'mem_limit')].find((n) => bytes(n) !== undefined);
  if (memNode) set('memory', bytes(memNode)!, memNode);
  const res = m.fields.cpu ?? m.fields.memory;
  if (res) m.fields.resources = res;

  // GPUs: reserved devices with the `gpu` capability, or the short `gpus:`.
  let gpus = 0;
  let gpuNode: YNode | undefined;
  const devices = at(s, ['deploy', 'resources', 'reservations', 'devices']);
  for (const d of devices?.kind === 'seq' ? devices.items : []) {
    const caps = get(d, 'capabilities');
    if (!(caps?.kind === 'seq' && caps.items.some((c) => str(c) === 'gpu'))) continue;
    const ids = get(d, 'device_ids');
    const count = get(d, 'count');
    // `count: all` (or neither count nor ids) takes every GPU: counted as one.
    const n = ids?.kind === 'seq' ? ids.items.length : (int(count) ?? 1);
    gpus += n;
    gpuNode ??= count ?? ids ?? d;
  }
  const short = get(s, 'gpus');
  if (!gpus && short) {
    gpus = int(short) ?? (short.kind === 'seq' ? short.items.length || 1 : 1);
    gpuNode = short;
  }
  if (gpus > 0 && gpuNode) {
    m.gpus = gpus;
    w.gpus = gpus;
    m.fields.gpus = spanOf(gpuNode);
  }

  // Platform: `windows/amd64` is windows; the architecture where the model knows it.
  const platform = get(s, 'platform');
  const [osPart, archPart] = (str(platform) ?? '').toLowerCase().split('/');
  if (osPart === 'windows') set('os', 'windows', platform);
  if (archPart) {
    const arch = archValues.find((a) => a.value === archPart || a.aliases?.includes(archPart));
    if (arch) set('arch', String(arch.value), platform);
  }
  w.os ??= 'linux';

  // A sandbox runtime runs the container in a VM of its own.
  const runtime = get(s, 'runtime');
  if (SANDBOX.test(str(runtime) ?? '')) set('deploy', 'container-in-vm', runtime);

  // Storage: named volumes and writable bind mounts hold data; read-only binds are configuration.
  const volumes = get(s, 'volumes');
  for (const v of volumes?.kind === 'seq' ? volumes.items : []) {
    const mount = mountOf(v);
    if (!mount) continue;
    const hostPath = mount.type === 'bind' ? mount.source.replace(/\/+$/, '') || '/' : undefined;
    const hit = hostPath === undefined ? undefined : hostPath === '/' ? '/' : KERNEL_PATHS.find((p) => hostPath === p || hostPath.startsWith(`${p}/`));
    const socket = hostPath === undefined ? undefined : runtimeSocketIn(hostPath);
    // Read-only or not: a socket is written to through the mount either way.
    if (socket) runtimeSocketFinding(findings, w, here(v).span, socket);
    if (hit) {
      kernel(v, `mounts the host's ${show(mount.source)}`);
      if (hit === '/lib/modules' || hit === '/') needsOwnKernel(w, set, here(v));
      continue;
    }
    if (mount.type === 'tmpfs' || mount.type === 'npipe' || (mount.type === 'bind' && (mount.readOnly || /\.sock$/.test(mount.source)))) continue;
    w.hasVolumesKey = true;
    m.fields.volumes ??= spanOf(volumes!);
    w.volumes.push({ name: mount.type === 'volume' ? mount.source || undefined : mount.source, span: spanOf(v) });
  }
  if (w.volumes.length) set('state', 'stateful', volumes);

  // A database keeps data: without a volume it is lost when the container is replaced.
  const image = get(s, 'image');
  const repo = str(image) ? imageRepository(str(image)!) : '';
  if (image && DATABASE_IMAGES.includes(repo) && !w.state) {
    set('state', 'stateful', image);
    findings.push({
      ruleId: 'stateful-without-volumes',
      message: `'${w.name}' runs ${show(repo)}, a data store, without a volume: its data is lost whenever the container is replaced. Mount a named volume at its data directory.`,
      span: spanOf(image),
    });
  }
  w.state ??= 'stateless';

  // What shares, and can change, the host's kernel.
  const priv = get(s, 'privileged');
  if (priv?.kind === 'scalar' && priv.value === true) kernel(priv, 'runs privileged (`privileged: true`)');
  for (const [key, what] of [['pid', 'process'], ['network_mode', 'network'], ['ipc', 'IPC'], ['userns_mode', 'user'], ['uts', 'UTS']] as const) {
    const n = get(s, key);
    if (str(n) === 'host') kernel(n!, `uses the host's ${what} namespace (\`${key}: host\`)`);
  }
  const add = get(s, 'cap_add');
  for (const cap of add?.kind === 'seq' ? add.items : []) {
    const capName = (str(cap) ?? '').toUpperCase().replace(/^CAP_/, '');
    if (!KERNEL_CAPABILITIES.includes(capName)) continue;
    kernel(cap, `adds the capability ${capName}`);
    if (capName === 'SYS_MODULE' || capName === 'ALL') needsOwnKernel(w, set, here(cap));
  }
  const devs = get(s, 'devices');
  for (const d of devs?.kind === 'seq' ? devs.items : []) {
    const dev = str(d) ?? str(get(d, 'source'));
    if (dev) kernel(d, `passes the host's device ${show(dev.split(':')[0])}`);
  }

  // What Compose cannot say: labels under the documented prefix, map or `KEY=value` list.
  const labels = labelsOf(get(s, 'labels'));
  if (labels) {
    // Findings on labels from another file land on the service's name.
    const before = findings.length;
    readPlacementKeys(labels, w, set, findings, 'label');
    for (let i = before; i < findings.length; i++) findings[i] = { ...findings[i], span: spanOf({ kind: 'scalar', span: findings[i].span, value: null, quoted: false }) };
  }

  // Strict isolation asked for, and a plain container given: a sandbox runtime gives a VM boundary.
  if (w.isolation === 'strict' && w.deploy === undefined) {
    const fixes: Fix[] = [{ title: 'Run it in a Kata sandbox: add `runtime: kata`', edits: [insertIntoMap(reader.text, ownNode, ['runtime: kata'])], safe: false, preferred: true, lands: 'container-in-vm' }];
    findings.push({
      ruleId: 'strict-isolation-container',
      message: `'${w.name}' needs strict isolation but runs as a plain container: a kernel flaw on the host reaches every container there. Run it in a sandbox (\`runtime: kata\` or \`runsc\`, which the Docker daemon must offer) or a VM.`,
      span: { ...(m.fields.isolation ?? nameSpan) },
      // Not safe: the Docker daemon must have that runtime.
      fixes,
    });
  }
  return w;
}

interface Mount {
  type: 'volume' | 'bind' | 'tmpfs' | 'npipe';
  source: string;
  readOnly: boolean;
}

/** A service's volume entry, short (`src:dst[:ro]`) or long (`{type, source, target}`). */
function mountOf(v: YNode): Mount | undefined {
  if (v.kind === 'scalar') {
    const s = str(v) ?? '';
    if (!s) return undefined;
    const parts = s.split(':');
    // `C:\…` on Windows: a drive letter is not a separator (`b:/data` is the volume `b`).
    if (parts.length > 1 && /^[a-zA-Z]$/.test(parts[0]) && parts[1].startsWith('\\')) parts.splice(0, 2, `${parts[0]}:${parts[1]}`);
    if (parts.length === 1) return { type: 'volume', source: '', readOnly: false };
    const source = parts[0];
    const mode = parts[2] ?? '';
    return { type: /^[./~\\]|^[a-zA-Z]:/.test(source) ? 'bind' : 'volume', source, readOnly: mode.split(',').includes('ro') };
  }
  if (v.kind !== 'map') return undefined;
  const type = str(get(v, 'type')) ?? 'volume';
  const ro = get(v, 'read_only');
  const readOnly = ro?.kind === 'scalar' && ro.value === true;
  if (type === 'bind' || type === 'volume' || type === 'tmpfs' || type === 'npipe') return { type, source: str(get(v, 'source')) ?? '', readOnly };
  return undefined;
}

/** Labels as a mapping: the list form `KEY=value` is split at the first `=`. */
function labelsOf(node: YNode | undefined): YMap | undefined {
  return node?.kind === 'map' || node?.kind === 'seq' ? asMap(node) : undefined;
}

// The project: its files, `extends`, and the merge.

class ProjectReader {
  /** Prepared roots by path relative to the compose file's folder (`''` is the file itself). */
  readonly files = new Map<string, YMap | null>();
  /**
   * Spans of nodes from another file, with its name. Keyed by the span object, which the
   * copies that merging makes share with their originals.
   */
  private readonly foreign = new WeakMap<Span, string>();
  readonly text: Chars;

  constructor(
    private readonly read: (rel: string) => string | undefined,
    private readonly env: ReadonlyMap<string, string>,
    readonly findings: Finding[],
    text: Chars,
  ) {
    this.text = text;
  }

  isOwn(n: YNode): boolean {
    return !this.foreign.has(n.span);
  }

  /** Whether a span is this file's (for merging). */
  readonly own = (span: Span): boolean => !this.foreign.has(span);

  whereOf(n: YNode): string {
    return `in ${this.foreign.get(n.span) ?? 'this file'}`;
  }

  /** Another file of the project, prepared (its own findings stay with it: it is checked where it is open). */
  load(rel: string): YMap | null {
    if (this.files.has(rel)) return this.files.get(rel)!;
    this.files.set(rel, null);
    const text = this.read(rel);
    if (text === undefined || text.length > MAX_FILE_CHARS) return null;
    const tree = readTree(text, []);
    if (!tree) return null;
    const root = prepare(tree.root, this.env, undefined, (n) => {
      this.foreign.set(n.span, rel);
      if (n.kind === 'map') for (const e of n.entries) this.foreign.set(e.keySpan, rel);
    });
    const out = root.kind === 'map' ? root : null;
    this.files.set(rel, out);
    return out;
  }

  /** A service with what it `extends` merged under it; cycles and missing bases are findings. */
  resolve(fileRel: string, name: string, node: YMap, stack: string[]): YMap {
    const ext = get(node, 'extends');
    if (!ext) return node;
    const key = `${fileRel}#${name}`;
    const report = (message: string) => {
      // Reported where it is written; one in another file is reported there.
      if (this.isOwn(ext)) this.findings.push({ ruleId: 'compose-extends', message, span: { ...ext.span } });
    };
    if (stack.includes(key) || stack.length > 32) {
      report(`\`extends\` goes round in a cycle (${[...stack, key].map((k) => k.replace(/^#/, '')).join(' → ')}): the service is read without what it inherits.`);
      return without(node, 'extends');
    }
    const target = str(ext) ?? str(get(ext, 'service'));
    const fileNode = get(ext, 'file');
    const relFile = str(fileNode);
    if (!target) {
      report('`extends` needs a service name (`extends: base` or `extends: {service: base, file: …}`).');
      return without(node, 'extends');
    }
    const targetFile = relFile ? joinRel(dirOf(fileRel), relFile) : fileRel;
    const root = targetFile === fileRel ? this.files.get(fileRel) : this.load(targetFile);
    if (!root) {
      report(`\`extends\` names the file ${show(relFile ?? targetFile)}, which cannot be read: the service is read without what it inherits.`);
      return without(node, 'extends');
    }
    const baseNode = map(get(get(root, 'services'), target));
    if (!baseNode) {
      report(`\`extends\` names the service ${show(target)}, which ${relFile ? `${show(relFile)} does not declare` : 'this project does not declare'}: the service is read without what it inherits.`);
      return without(node, 'extends');
    }
    const base = this.resolve(targetFile, target, baseNode, [...stack, key]);
    return mergeNodes(without(base, 'extends'), without(node, 'extends'), [], this.own) as YMap;
  }
}

/** Parses YAML to its first document's root; a syntax error is one finding (when `findings` is this file's). */
function readTree(text: string, findings: Finding[]): { root: YNode; comments: Span[] } | undefined {
  if (text.includes('\u0000')) {
    findings.push({ ruleId: 'yaml-syntax', message: 'The file is not text: a Compose file must be UTF-8 YAML.', span: { start: 0, end: 0 } });
    return undefined;
  }
  const depth = nestingDepth(text);
  if (depth > MAX_DEPTH) {
    findings.push({ ruleId: 'yaml-syntax', message: `The YAML nests more than ${MAX_DEPTH} levels deep; the Compose file was not read.`, span: { start: 0, end: 0 } });
    return undefined;
  }
  // The descriptors' reader: plain block YAML directly (several times faster), the rest with the library.
  const tree = parseTree(text, 0);
  const error = tree.findings.find((f) => f.severity === 'error');
  // One parse diagnostic: the first error (the rest follow from it). A broken file is not read.
  if (error) {
    findings.push({ ...error, severity: undefined });
    return undefined;
  }
  const root = tree.roots[0];
  if (!root) return undefined;
  return { root, comments: tree.comments };
}

// Preparing a tree: merge keys, interpolation.

/**
 * The tree with `<<` merge keys applied (explicit keys win; of several merged maps the
 * first wins) and variables interpolated in string values. `findings` (this file's only)
 * get one note per unset variable; `mark` tags every node of another file.
 */
function prepare(node: YNode, env: ReadonlyMap<string, string>, findings: Finding[] | undefined, mark: ((n: YNode) => void) | undefined): YNode {
  let budget = 200_000;
  const walk = (n: YNode, depth: number): YNode => {
    if (--budget < 0 || depth > MAX_DEPTH * 4) return { kind: 'scalar', span: { ...n.span }, value: null, quoted: false };
    let out: YNode;
    if (n.kind === 'scalar') {
      // Fields named, not spread: a parsed scalar's span is not an own field (yamlNodes.ts).
      out = typeof n.value === 'string' && n.value.includes('$') ? { kind: 'scalar', span: n.span, quoted: n.quoted, value: interpolate(n.value, env, (msg) => findings?.push({ ruleId: 'compose-variable', message: msg, span: { ...n.span } })) } : n;
    } else if (n.kind === 'seq') {
      out = { ...n, items: n.items.map((it) => walk(it, depth + 1)) };
    } else {
      // Keys seen, so that a mapping is read in one pass however many keys it merges.
      const entries: YEntry[] = [];
      const explicit = new Set<string>();
      const merged = new Map<string, YEntry>();
      for (const e of n.entries) {
        if (e.key === '<<' && e.value) {
          const v = walk(e.value, depth + 1);
          const maps = v.kind === 'map' ? [v] : v.kind === 'seq' ? v.items.filter((x): x is YMap => x.kind === 'map') : [];
          for (const m of maps) for (const me of m.entries) if (!merged.has(me.key)) merged.set(me.key, me);
          continue;
        }
        explicit.add(e.key);
        entries.push({ key: e.key, keySpan: e.keySpan, colonEnd: e.colonEnd, value: e.value ? walk(e.value, depth + 1) : null });
      }
      for (const [k, me] of merged) if (!explicit.has(k)) entries.push(me);
      out = { ...n, entries };
    }
    mark?.(out);
    return out;
  };
  return walk(node, 0);
}

/**
 * Compose interpolation: `$$` is a `$`; `${VAR}` and `$VAR`; `${VAR:-default}` (unset or
 * empty), `${VAR-default}` (unset); `${VAR:?message}`, `${VAR?message}` (required);
 * `${VAR:+other}`, `${VAR+other}` (when set). Defaults may hold variables. An unset
 * variable is an empty string and a note, as Compose warns.
 */
export function interpolate(text: string, env: ReadonlyMap<string, string>, note: (message: string) => void, depth = 0): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    const bare = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1, i + 200));
    if (bare) {
      out += lookup(bare[0], env, note);
      i += 1 + bare[0].length;
      continue;
    }
    if (next !== '{') {
      out += c;
      i++;
      continue;
    }
    // The closing brace, counting nested `${`.
    let level = 1;
    let j = i + 2;
    for (; j < text.length && level > 0; j++) {
      if (text[j] === '{' && text[j - 1] === '$') level++;
      else if (text[j] === '}') level--;
    }
    if (level > 0) {
      note(`Unclosed \`\${\` in ${show(text)}: read as written.`);
      out += text.slice(i);
      break;
    }
    const body = text.slice(i + 2, j - 1);
    i = j;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([\s\S]*))?$/.exec(body);
    if (!m) {
      note(`\`\${${body}}\` is not a variable Compose can read: read as an empty string.`);
      continue;
    }
    const [, name, op, arg = ''] = m;
    const value = env.get(name);
    const empty = value === undefined || (op?.startsWith(':') && value === '');
    const inner = () => (depth > 8 ? arg : interpolate(arg, env, note, depth + 1));
    if (op === ':-' || op === '-') out += empty ? inner() : value;
    else if (op === ':+' || op === '+') out += empty ? '' : inner();
    else if (op === ':?' || op === '?') {
      if (empty) note(`Required variable \`${name}\` is not set in \`.env\`${arg ? `: ${inner()}` : ''}. Read as an empty string.`);
      out += value ?? '';
    } else out += lookup(name, env, note);
  }
  return out;
}

function lookup(name: string, env: ReadonlyMap<string, string>, note: (message: string) => void): string {
  const v = env.get(name);
  if (v === undefined) note(`The variable \`${name}\` is not set in \`.env\` and has no default: read as an empty string (the advisor never reads the shell's environment).`);
  return v ?? '';
}

/** A `.env` file: `KEY=value` lines, `export` allowed, `#` comments, quoted values. Earlier keys interpolate later values. */
export function parseEnvFile(text: string): Map<string, string> {
  const env = new Map<string, string>();
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const line = raw.replace(/^\uFEFF/, '').trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*([\s\S]*)$/.exec(line);
    if (!m) continue;
    let value = m[2];
    if (value.startsWith("'")) {
      const end = value.indexOf("'", 1);
      value = end < 0 ? value.slice(1) : value.slice(1, end);
    } else if (value.startsWith('"')) {
      const end = value.indexOf('"', 1);
      value = (end < 0 ? value.slice(1) : value.slice(1, end)).replace(/\\n/g, '\n').replace(/\\"/g, '"');
      value = interpolate(value, env, () => {});
    } else {
      value = interpolate(value.replace(/\s+#.*$/, '').trim(), env, () => {});
    }
    env.set(m[1], value);
  }
  return env;
}

/** Lists merged by a key, the way Compose merges them; other lists are joined without duplicates. */
const MERGE_BY_TARGET: readonly string[] = ['volumes', 'devices'];
/** Lists an override replaces. */
const REPLACED: readonly string[] = ['command', 'entrypoint', 'test'];

/**
 * Compose's merge of `over` onto `base`: mappings key by key, scalars and `command`/
 * `entrypoint` replaced, volumes and devices by their target path, other lists joined
 * without duplicates. `labels` and `environment` in list form merge as mappings.
 */
function mergeNodes(base: YNode, over: YNode, path: readonly string[], own: (s: Span) => boolean): YNode {
  const key = path[path.length - 1] ?? '';
  // A merged mapping or list keeps this file's span when either side has one: what it
  // points at (a service, its `volumes`) is then in this file.
  const span = own(over.span) || !own(base.span) ? over.span : base.span;
  if ((key === 'labels' || key === 'environment') && (base.kind === 'seq' || over.kind === 'seq')) {
    return mergeNodes(asMap(base), asMap(over), [...path.slice(0, -1), `${key}#map`], own);
  }
  if (base.kind === 'map' && over.kind === 'map') {
    const entries = base.entries.map((e): YEntry => ({ key: e.key, keySpan: e.keySpan, value: e.value, colonEnd: e.colonEnd }));
    const index = new Map<string, number>();
    entries.forEach((e, i) => index.has(e.key) || index.set(e.key, i));
    for (const oe of over.entries) {
      const i = index.get(oe.key) ?? -1;
      if (i < 0) index.set(oe.key, entries.length);
      const keySpan = i >= 0 && !own(oe.keySpan) && own(entries[i].keySpan) ? entries[i].keySpan : oe.keySpan;
      if (i < 0) entries.push(oe);
      else if (entries[i].value && oe.value) entries[i] = { key: oe.key, colonEnd: oe.colonEnd, keySpan, value: mergeNodes(entries[i].value!, oe.value, [...path, oe.key], own) };
      else entries[i] = oe;
    }
    return { ...over, span, entries };
  }
  if (base.kind === 'seq' && over.kind === 'seq' && !REPLACED.includes(key)) {
    const id = MERGE_BY_TARGET.includes(key) ? targetOf : (n: YNode) => (n.kind === 'scalar' ? String(n.value) : undefined);
    const items = [...base.items];
    const index = new Map<string, number>();
    items.forEach((x, i) => {
      const k = id(x);
      if (k !== undefined && !index.has(k)) index.set(k, i);
    });
    for (const it of over.items) {
      const k = id(it);
      const i = k === undefined ? -1 : (index.get(k) ?? -1);
      if (i >= 0) items[i] = it;
      else {
        if (k !== undefined) index.set(k, items.length);
        items.push(it);
      }
    }
    return { ...over, span, items };
  }
  return over;
}

/** Where a volume or device is mounted in the container. */
function targetOf(n: YNode): string | undefined {
  if (n.kind === 'scalar') {
    const parts = String(n.value).split(':');
    return parts.length === 1 ? parts[0] : parts[1];
  }
  return str(get(n, 'target'));
}

function asMap(n: YNode): YMap {
  if (n.kind === 'map') return n;
  const entries: YEntry[] = [];
  if (n.kind === 'seq') {
    for (const it of n.items) {
      const t = str(it);
      if (t === undefined) continue;
      const eq = t.indexOf('=');
      // The item's own span object: it tells which file the item came from.
      const value: YNode = { kind: 'scalar', span: it.span, value: eq < 0 ? null : t.slice(eq + 1), quoted: true };
      entries.push({ key: eq < 0 ? t : t.slice(0, eq), keySpan: it.span, value, colonEnd: it.span.end });
    }
  }
  return { kind: 'map', span: n.span, flow: false, entries };
}

function without(node: YMap, key: string): YMap {
  return node.entries.some((e) => e.key === key) ? { ...node, entries: node.entries.filter((e) => e.key !== key) } : node;
}

// Names and paths.

/** A project name as Compose normalises it: lower case, `[a-z0-9_-]`, starting with a letter or digit. */
export function projectName(raw: string): string {
  const s = raw.toLowerCase().replace(/[^a-z0-9_-]/g, '').replace(/^[^a-z0-9]+/, '');
  return s || 'default';
}

function baseName(file: string): string {
  const clean = file.split(/[?#]/)[0];
  const last = clean.split(/[\\/]/).pop() ?? '';
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

function folderName(file: string): string {
  const parts = file.split(/[?#]/)[0].split(/[\\/]/);
  return baseName(parts[parts.length - 2] ?? '');
}

function dirOf(rel: string): string {
  const i = rel.lastIndexOf('/');
  return i < 0 ? '' : rel.slice(0, i);
}

/** `dir` joined with `rel`, `/`-separated, `.` and `..` resolved (`..` may stay in front). */
export function joinRel(dir: string, rel: string): string {
  const out: string[] = [];
  for (const p of `${dir}/${rel.replace(/\\/g, '/')}`.split('/')) {
    if (!p || p === '.') continue;
    if (p === '..' && out.length && out[out.length - 1] !== '..') out.pop();
    else out.push(p);
  }
  return out.join('/');
}

function cpus(node: YNode | null | undefined): number | undefined {
  if (node?.kind !== 'scalar' || node.value === null || node.value === '') return undefined;
  const r = parseCpu(typeof node.value === 'string' && /^\d*\.?\d+$/.test(node.value.trim()) ? Number(node.value) : node.value);
  return r.ok && r.value > 0 ? r.value : undefined;
}

/** Docker's byte sizes: a number of bytes, or `512m`, `1g`, `1.5gb` (powers of 1024); Kubernetes-style `1Gi` too. */
function bytes(node: YNode | null | undefined): number | undefined {
  if (node?.kind !== 'scalar' || node.value === null) return undefined;
  if (typeof node.value === 'number') return node.value > 0 && Number.isFinite(node.value) ? node.value : undefined;
  if (typeof node.value !== 'string') return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*([bkmgt]?)b?$/i.exec(node.value.trim());
  if (m) {
    const n = Number(m[1]) * 1024 ** 'bkmgt'.indexOf((m[2] || 'b').toLowerCase());
    return n > 0 && n < 2 ** 63 ? Math.round(n) : undefined;
  }
  const r = parseMemory(node.value);
  return r.ok && r.value > 0 ? r.value : undefined;
}
