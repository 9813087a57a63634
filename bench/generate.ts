// A deterministic generator of realistic descriptor files for the benchmark and the
// differential tests: a seeded PRNG, a fleet proportionate to the workloads, a mix of
// fields and comments, and a few deliberate mistakes of the kinds users make.

/** Mulberry32: small, fast and the same on every machine. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GenerateOptions {
  workloads: number;
  /** Hosts in the same file; defaults to one per 14 workloads (at least 8). */
  hosts?: number;
  seed?: number;
  /** Share of workloads with a deliberate mistake (default 0.005). */
  mistakes?: number;
  /** Line ending (default '\n'). */
  eol?: '\n' | '\r\n';
  /** Number of the first workload's name, less one (default 0): files of one workspace get distinct names. */
  first?: number;
  /** Write the hosts (default true); without them, pins still name the hosts a file of the same count declares. */
  withHosts?: boolean;
  /** Write the workloads (default true). */
  withWorkloads?: boolean;
}

export interface Generated {
  text: string;
  hosts: number;
  workloads: number;
  /** Offsets of every workload's `os:` value (the bench edits one of them). */
  osValues: number[];
  /** Offsets of every workload's `deploy` key, where there is one (hover target). */
  deployKeys: number[];
  /** The deliberate mistakes, by kind. */
  mistakes: Record<string, number>;
}

const TEAMS = ['checkout', 'billing', 'search', 'catalog', 'ledger', 'auth', 'media', 'report', 'notify', 'ingest', 'pricing', 'inventory'];
const PARTS = ['api', 'worker', 'db', 'cache', 'gateway', 'batch', 'etl', 'frontend', 'queue', 'scheduler', 'index', 'proxy'];
const HYPERVISORS = ['esxi', 'kvm', 'hyper-v', 'ahv', 'xen'];
const RUNTIMES = ['containerd', 'docker', 'cri-o', 'podman'];
const SITES = ['dc-east', 'dc-west', 'dc-north'];

export function generate(opts: GenerateOptions): Generated {
  const rand = prng(opts.seed ?? 42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const chance = (p: number) => rand() < p;
  const n = opts.workloads;
  const hostCount = opts.hosts ?? Math.max(8, Math.round(n / 14));
  const mistakeRate = opts.mistakes ?? 0.005;
  const eol = opts.eol ?? '\n';
  const out: string[] = [];
  let length = 0;
  const osValues: number[] = [];
  const deployKeys: number[] = [];
  const mistakes: Record<string, number> = {};
  let emit = true;
  const line = (s: string) => {
    if (!emit) return;
    out.push(s);
    length += s.length + eol.length;
  };

  line('# Generated descriptor for the benchmark: a fleet and its workloads.');
  line('version: 1');
  line('');
  emit = opts.withHosts ?? true;
  line('hosts:');
  const hostNames: string[] = [];
  for (let i = 0; i < hostCount; i++) {
    // Half the hosts are hypervisors, half container hosts (one in six of them Windows).
    const hyper = i % 2 === 0;
    const name = `${hyper ? 'hv' : 'ch'}-${String(i + 1).padStart(4, '0')}`;
    hostNames.push(name);
    if (i % 10 === 0) line(`  # Rack ${i / 10 + 1}`);
    line(`  - name: ${name}`);
    line(`    role: ${hyper ? 'hypervisor' : 'container-host'}`);
    if (hyper) {
      line(`    hypervisor: ${pick(HYPERVISORS)}`);
      if (chance(0.7)) line(`    runtime: ${pick(RUNTIMES)}`);
    } else {
      line(`    runtime: ${pick(RUNTIMES)}`);
      line(`    os: ${i % 12 === 3 ? 'windows' : 'linux'}`);
    }
    line(`    cpu: ${pick([64, 96, 128])}`);
    line(`    memory: ${pick([512, 768, 1024])}Gi`);
    if (chance(0.5)) line(`    storage: ${pick([2, 4, 8, 16])}Ti`);
    line(`    site: ${pick(SITES)}`);
    if (hyper && chance(0.3)) line('    overcommit: { cpu: 4, memory: 1 }');
  }
  emit = true;
  line('');
  if (opts.withWorkloads === false) return { text: out.join(eol) + eol, hosts: hostCount, workloads: 0, osValues, deployKeys, mistakes };
  line('workloads:');
  const mistake = (kind: string) => {
    mistakes[kind] = (mistakes[kind] ?? 0) + 1;
  };
  for (let i = 0; i < n; i++) {
    const team = pick(TEAMS);
    const part = pick(PARTS);
    const name = `${team}-${part}-${String((opts.first ?? 0) + i + 1).padStart(5, '0')}`;
    const roll = rand();
    const os = roll < 0.82 ? 'linux' : roll < 0.94 ? 'windows' : roll < 0.98 ? 'any' : pick(['freebsd', 'solaris']);
    const heavy = part === 'db' || chance(0.1);
    const arch = part === 'batch' || part === 'etl' ? 'batch' : heavy && chance(0.6) ? 'monolith' : 'microservice';
    const stateful = part === 'db' || part === 'queue' || (part === 'index' && chance(0.5));
    const bad = chance(mistakeRate);
    const badKind = bad ? pick(['typo-key', 'bad-enum', 'bad-quantity', 'unknown-pin', 'no-volumes']) : '';

    let pinned: string | undefined;
    if (i > 0) line('');
    if (i % 4 === 0) line(`  # ${team} team, ${part} tier`);
    line(`  - name: ${name}`);
    if (chance(0.08)) line(`    description: ${cap(team)} ${part} service, owned by the ${team} team`);
    osValues.push(length + '    os: '.length);
    line(`    os: ${os}`);
    const custom = chance(0.05);
    if (custom) line('    kernel: custom');
    else if (chance(0.4)) line('    kernel: shared');
    line(`    architecture: ${arch}`);
    line(`    state: ${stateful ? 'stateful' : 'stateless'}`);
    if (stateful && badKind !== 'no-volumes') {
      line('    volumes:');
      const vols = 1 + (chance(0.3) ? 1 : 0);
      for (let v = 0; v < vols; v++) {
        line(`      - name: ${v ? 'logs' : 'data'}`);
        line(`        size: ${pick([10, 20, 50, 100, 200])}Gi`);
        line(`        mountPath: /var/lib/${v ? 'logs' : part}`);
      }
    } else if (badKind === 'no-volumes') mistake('stateful-without-volumes');
    if (arch === 'microservice' && chance(0.6)) {
      const min = 1 + Math.floor(rand() * 3);
      line('    scaling:');
      line(`      min: ${min}`);
      line(`      max: ${min + 2 + Math.floor(rand() * 20)}`);
      line(`    startup: ${chance(0.6) ? 'fast' : 'normal'}`);
    } else {
      line(`    ${badKind === 'typo-key' ? 'replicaz' : 'replicas'}: ${1 + Math.floor(rand() * 4)}`);
      if (badKind === 'typo-key') mistake('unknown-key');
      line(`    startup: ${arch === 'batch' && chance(0.5) ? 'fast' : 'normal'}`);
    }
    const strict = chance(0.08);
    if (strict) line('    isolation: strict  # handles card data');
    else if (chance(0.4)) line('    isolation: standard');
    const migrate = heavy && chance(0.4);
    line(`    liveMigration: ${migrate}`);
    if (heavy && chance(0.3)) line('    disasterRecovery: true');
    line('    resources:');
    const cpu = heavy ? pick(['4', '8', '16']) : pick(['250m', '500m', '1', '2']);
    line(`      cpu: ${badKind === 'bad-quantity' ? '2 cores' : cpu}`);
    if (badKind === 'bad-quantity') mistake('bad-quantity');
    line(`      memory: ${heavy ? pick(['16Gi', '32Gi', '64Gi']) : pick(['256Mi', '512Mi', '1Gi', '2Gi'])}`);
    if (chance(0.35) || badKind === 'bad-enum') {
      deployKeys.push(length + 4);
      const deploy =
        os === 'freebsd' || os === 'solaris' || heavy ? 'vm' : strict || custom || migrate || os === 'windows' ? 'container-in-vm' : pick(['container', 'container', 'container-in-vm']);
      pinned = deploy;
      line(`    deploy: ${badKind === 'bad-enum' ? 'contianer' : deploy}`);
      if (badKind === 'bad-enum') mistake('invalid-value');
    }
    if ((pinned && chance(0.15)) || badKind === 'unknown-pin') {
      // Pins go to a host of the right role, except the deliberate mistake.
      const candidates = hostNames.filter((h, k) => (pinned === 'container' ? h.startsWith('ch-') && k % 12 !== 3 : h.startsWith('hv-')));
      line(`    host: ${badKind === 'unknown-pin' ? 'hv-9999x' : pick(candidates.slice(0, 50))}`);
      if (badKind === 'unknown-pin') mistake('unknown-host');
    }
  }
  return { text: out.join(eol) + eol, hosts: hostCount, workloads: n, osValues, deployKeys, mistakes };
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export interface GeneratedWorkspace {
  /** Relative path → text: `hosts.workload.yaml`, then `w000.workload.yaml`… */
  files: Map<string, string>;
  hosts: number;
  workloads: number;
  /** Per workload file: its generated offsets (`osValues`, `deployKeys`). */
  parts: Map<string, Generated>;
}

/**
 * An estate spread over a workspace: one file of hosts (as many as one file of all the
 * workloads would declare) and `files` files of `perFile` workloads, named apart.
 */
export function generateWorkspace(opts: { files: number; perFile: number; seed?: number }): GeneratedWorkspace {
  const total = opts.files * opts.perFile;
  const hosts = Math.max(8, Math.round(total / 14));
  const seed = opts.seed ?? 42;
  const files = new Map<string, string>();
  const parts = new Map<string, Generated>();
  files.set('hosts.workload.yaml', generate({ workloads: 0, hosts, seed, withWorkloads: false }).text);
  for (let k = 0; k < opts.files; k++) {
    const g = generate({ workloads: opts.perFile, hosts, seed: seed + 1 + k, first: k * opts.perFile, withHosts: false });
    const name = `w${String(k).padStart(3, '0')}.workload.yaml`;
    files.set(name, g.text);
    parts.set(name, g);
  }
  return { files, hosts, workloads: total, parts };
}
