// The rule catalogue: one entry per rule, with a stable id, a default severity and
// its documentation. docs/rules.md, the README's rule list and the severity settings
// in package.json are generated from it.
//
// It lives in shared/ and imports nothing, so the client (the "Open Rule
// Documentation" picker) reads it without importing server code. `RULES` is declared
// `as const`, so `RuleId` is the union of its ids and the compiler checks every
// finding's `ruleId` (server/src/core/types.ts) against the catalogue.

export type RuleCategory = 'syntax' | 'schema' | 'workspace' | 'placement' | 'capacity';

/** What a rule's findings are shown as by default (`off`: only when configured). */
export type RuleSeverity = 'error' | 'warning' | 'information' | 'hint' | 'off';

interface RuleEntry {
  id: string;
  category: RuleCategory;
  defaultSeverity: RuleSeverity;
  /** One sentence: what it reports. */
  summary: string;
  why: string;
  example: string;
  fix: string;
  /** True when a quick fix exists. */
  fixable: boolean;
}

const CATALOGUE = [
  {
    id: 'yaml-syntax',
    category: 'syntax',
    defaultSeverity: 'error',
    summary: 'The file is not valid YAML, is not text, is too large, or nests too deeply.',
    why: 'Nothing after a syntax error can be read reliably; the rest of the file is still checked where it can be.',
    example: 'workloads:\n  - name: api\n    os: [linux',
    fix: 'Correct the YAML at the marked place.',
    fixable: false,
  },
  {
    id: 'unknown-key',
    category: 'schema',
    defaultSeverity: 'warning',
    summary: 'A key the descriptor format does not define, usually a typo.',
    why: 'A misspelt key is silently ignored by every reader, so the setting you meant never applies.',
    example: '  - name: api\n    replicaz: 3',
    fix: 'The quick fix replaces the key with the closest known one. Past 100 unknown keys in one mapping, one finding counts the rest.',
    fixable: true,
  },
  {
    id: 'duplicate-key',
    category: 'schema',
    defaultSeverity: 'error',
    summary: 'The same key twice in one mapping.',
    why: 'YAML keeps one of the two values; which one depends on the reader.',
    example: '  - name: api\n    os: linux\n    os: windows',
    fix: 'Delete one of the two keys.',
    fixable: false,
  },
  {
    id: 'wrong-type',
    category: 'schema',
    defaultSeverity: 'error',
    summary: 'A value of the wrong kind: a list where a mapping belongs, text where a number belongs.',
    why: 'The value cannot be used, so the field is treated as absent.',
    example: '    replicas: three',
    fix: 'Write the value in the documented form.',
    fixable: false,
  },
  {
    id: 'invalid-value',
    category: 'schema',
    defaultSeverity: 'error',
    summary: 'A value outside its allowed set or range (an unknown enum value, `scaling.min` above `max`).',
    why: 'An unknown value cannot be reasoned about; a typo in `deploy` or `os` changes the verdict.',
    example: '    deploy: contianer',
    fix: 'The quick fix replaces a misspelt value with the closest allowed one.',
    fixable: true,
  },
  {
    id: 'bad-quantity',
    category: 'schema',
    defaultSeverity: 'error',
    summary: 'A CPU or memory amount that is not a Kubernetes quantity.',
    why: 'Sizes drive placement; `512MB` or `2 cores` cannot be read.',
    example: '    resources: { cpu: 2 cores, memory: 512MB }',
    fix: 'Use cores or millicores for CPU (`2`, `500m`) and binary or decimal suffixes for sizes (`512Mi`, `4Gi`, `1G`).',
    fixable: false,
  },
  {
    id: 'missing-field',
    category: 'schema',
    defaultSeverity: 'error',
    summary: 'A required field is missing (`version`, a host\'s `name`, `role`, `cpu`, `memory`, a workload\'s `name` and `os`).',
    why: 'Without it the host cannot be sized or the workload cannot be judged.',
    example: '  - name: api\n    deploy: container',
    fix: 'The quick fix adds the missing keys with example values to edit.',
    fixable: true,
  },
  {
    id: 'duplicate-name',
    category: 'workspace',
    defaultSeverity: 'error',
    summary: 'Two hosts, or two workloads, with the same name anywhere in the workspace.',
    why: 'Names identify hosts and workloads across files: pins and reports would be ambiguous.',
    example: '# hosts.workload.yaml and lab.workload.yaml both declare\n  - name: esx-01',
    fix: 'Rename one of them (rename on a host updates every pin).',
    fixable: false,
  },
  {
    id: 'name-not-dns-label',
    category: 'schema',
    defaultSeverity: 'warning',
    summary: 'A host or workload name that is not a DNS-1123 label: lower-case letters, digits and `-`, starting and ending with a letter or digit, at most 63 characters.',
    why: 'Names become VM names, host names and Kubernetes object names, and most of those must be DNS labels (see Kubernetes, [Object Names and IDs](https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-label-names)). A name with spaces, capitals, `_` or markup is refused or rewritten by the platform, so the name you review is not the one that runs.',
    example: '  - name: My App\n    os: linux',
    fix: 'The quick fix proposes a label: lower-case, each run of other characters made one `-`, trimmed, at most 63 characters, not a name already taken. On a host it also renames the pins to it in the same file; when other files pin the host it is not applied by "fix all" (use Rename, which renames every pin).',
    fixable: true,
  },
  {
    id: 'unknown-host',
    category: 'workspace',
    defaultSeverity: 'error',
    summary: 'A `host:` or `hosts:` pin names a host that no descriptor in the workspace declares; or a manifest\'s `topology.kubernetes.io/zone` names a site that no host has.',
    why: 'The pin cannot be honoured; it is usually a typo. A zone is a site (a failure domain): a workload held to one runs only on the hosts of that site.',
    example: '    host: esx-10',
    fix: 'The quick fix replaces the name with the closest declared host.',
    fixable: true,
  },
  {
    id: 'deploy-impossible',
    category: 'placement',
    defaultSeverity: 'error',
    summary: 'The declared `deploy` breaks a hard constraint: a container that needs a custom kernel or an OS no container host runs, a VM on a fleet without hypervisors.',
    why: 'A container shares its host\'s OS and kernel; a VM brings its own. Some combinations cannot run at all.',
    example: '    os: windows\n    deploy: container   # and no Windows container host',
    fix: 'The quick fix sets `deploy` to the recommendation.',
    fixable: true,
  },
  {
    id: 'live-migration-container',
    category: 'placement',
    defaultSeverity: 'error',
    summary: 'A plain container is declared for a workload that must be live-migrated.',
    why: 'vMotion and Live Migration move running VMs; a plain container is stopped and restarted elsewhere.',
    example: '    liveMigration: true\n    deploy: container',
    fix: 'The quick fix sets `deploy` to the recommendation: `vm`, or `container-in-vm` (the VM migrates with its containers).',
    fixable: true,
  },
  {
    id: 'pinned-host-mismatch',
    category: 'placement',
    defaultSeverity: 'error',
    summary: 'The declared `deploy` cannot run on the hosts the workload is pinned to (a VM pinned to a container host, a container pinned to a hypervisor).',
    why: 'A pin is a hard requirement: the workload would never be placed.',
    example: '    deploy: vm\n    host: k8s-node-1   # a container host',
    fix: 'Change `deploy` to one the pinned hosts run, or pin to other hosts.',
    fixable: true,
  },
  {
    id: 'no-capable-host',
    category: 'placement',
    defaultSeverity: 'error',
    summary: 'Nothing in the fleet meets the workload\'s needs: its constraints and requirements rule out every deployment. The message says which rules out which, and what would meet it.',
    why: 'For example strict isolation on a fleet with no hypervisor: a plain container would break it and there is nowhere to run a VM. Recommending a container anyway would hide the gap.',
    example: '    isolation: strict   # and the fleet has only container hosts',
    fix: 'Add what the message names: a hypervisor host, a hypervisor with `runtime:` (for a sandboxed container-in-vm), a container host of the right OS, or declared `volumes`.',
    fixable: false,
  },
  {
    id: 'deploy-against-recommendation',
    category: 'placement',
    defaultSeverity: 'warning',
    summary: 'The declared `deploy` is possible but goes against the recommendation (a warning when the recommendation is strong, information when it is weak).',
    why: 'The hover lists what the declared choice gives up: density and start time for VMs, isolation and migration for containers.',
    example: '    architecture: microservice\n    scaling: { min: 2, max: 20 }\n    deploy: vm',
    fix: 'The quick fix sets `deploy` to the recommendation; or suppress the rule with a reason in a comment.',
    fixable: true,
  },
  {
    id: 'stateful-without-volumes',
    category: 'placement',
    defaultSeverity: 'warning',
    summary: 'A stateful workload declared as a container or container-in-vm declares no volumes. Without volumes the recommendation is a VM, so only a declared `deploy` raises it.',
    why: 'A container\'s writable layer is discarded when it is replaced: without a persistent volume its data is lost.',
    example: '    state: stateful\n    deploy: container',
    fix: 'The quick fix adds a volume stub to fill in; another sets `deploy` to the recommendation.',
    fixable: true,
  },
  {
    id: 'strict-isolation-container',
    category: 'placement',
    defaultSeverity: 'warning',
    summary: 'A workload that needs strict isolation is declared as a plain container.',
    why: 'Every container on a host shares its kernel: one kernel flaw reaches all of them. VM escape is rare.',
    example: '    isolation: strict\n    deploy: container',
    fix: 'The quick fix sets `deploy` to the recommendation: `vm`, or `container-in-vm` where a hypervisor offers `runtime:` and start-up and density count. Where nothing meets it, `no-capable-host` says what would. In a Kubernetes manifest (strict isolation from the `placement.workload-advisor.io/isolation` annotation, no sandbox runtime class) it adds `runtimeClassName: kata` to the pod spec; not applied by "Fix all", since the cluster must offer that runtime class.',
    fixable: true,
  },
  {
    id: 'elastic-vm',
    category: 'placement',
    defaultSeverity: 'warning',
    summary: 'An elastically scaled workload is declared as a VM where the recommendation is not a VM (a warning when the recommendation is strong, information when it is weak).',
    why: 'Scaling out VMs means booting whole OSes and paying gigabytes per instance; containers start in seconds.',
    example: '    scaling: { min: 2, max: 30 }\n    deploy: vm',
    fix: 'The quick fix sets `deploy` to the recommendation: `container`, or `container-in-vm` where a plain container is ruled out.',
    fixable: true,
  },
  {
    id: 'host-field-mismatch',
    category: 'schema',
    defaultSeverity: 'warning',
    summary: 'A host field that does not apply to its role (`hypervisor:` on a container host), or a container host without `os`.',
    why: 'The field is ignored, which usually means the role is wrong.',
    example: '  - name: node-1\n    role: container-host\n    hypervisor: esxi',
    fix: 'Remove the field or correct the role.',
    fixable: false,
  },
  // Capacity: what the host layout says (server/src/core/placement).
  {
    id: 'no-fit',
    category: 'capacity',
    defaultSeverity: 'error',
    summary: 'A workload, or some of its replicas, fits on no host; the message says why: the OS (no container host runs it; AIX without PowerVM), the role (no host of the kind its deployment needs), the CPU architecture, the zone, GPUs, the size (bigger than any capable host, guest OS included, or more vCPUs than any host has cores) or the capacity left.',
    why: 'A workload that fits nowhere does not run. The placement engine lays every replica out on the hosts within their CPU, memory (with over-commit) and storage, so this is what would happen on the fleet as declared.',
    example: '    resources: { cpu: 96, memory: 1Ti }   # larger than every host\n    deploy: vm',
    fix: 'Shrink the workload, change its deployment, or add or enlarge a host that can run it. Show Host Layout shows where the room is.',
    fixable: false,
  },
  {
    id: 'host-over-capacity',
    category: 'capacity',
    defaultSeverity: 'error',
    summary: 'The workloads pinned to a host (`host:` / `hosts:`) need more CPU, memory or storage than it offers.',
    why: 'A pin is a hard requirement: what does not fit on the pinned host is not run anywhere else.',
    example: '  - name: esx-01\n    cpu: 16\n    memory: 64Gi\n# and three workloads pinned to esx-01 that need 48Gi each',
    fix: 'Pin some of the workloads to other hosts (`hosts: [...]`), remove pins, or give the host more capacity or over-commit.',
    fixable: false,
  },
  {
    id: 'single-point-of-failure',
    category: 'capacity',
    defaultSeverity: 'warning',
    summary: 'Every replica of a replicated workload lands on one host, because of a pin or because only one host can take them; or replicas share hosts while other capable hosts, full, run none.',
    why: 'Replicas exist to survive a failure; on one host, that host\'s failure stops them all.',
    example: '    replicas: 3\n    host: k8s-01',
    fix: 'Pin to several hosts (`hosts: [a, b]`; the quick fix offers one) or add capable hosts; replicas then spread across hosts and sites.',
    fixable: true,
  },
  {
    id: 'not-failure-tolerant',
    category: 'capacity',
    defaultSeverity: 'off',
    summary: 'Opt-in (`placement.checkHostFailure`): a workload that would lose replicas if some one host failed, because what ran there fits nowhere else, or whose replicas would then all share one host.',
    why: 'The engine simulates the loss of each host in turn: VMs restart or migrate and containers are rescheduled on what is left. What finds no room is the disaster-recovery gap.',
    example: '# .workload-placement.json\n{ "placement": { "checkHostFailure": true } }',
    fix: 'Keep spare capacity (N+1), spread across sites, or relax pins. Show Host Layout: click a host to see what moves where.',
    fixable: false,
  },
  // Promises checked against the fleet (server/src/core/placement/promises.ts).
  {
    id: 'container-host-os',
    category: 'capacity',
    defaultSeverity: 'error',
    summary: 'A container host whose `os` no OCI container runtime runs (freebsd, solaris, aix).',
    why: 'OCI runtimes (runc, crun, runhcs) run on Linux and Windows kernels only; containers declared for such a host could never start. The host gets no containers.',
    example: '  - name: sol-01\n    role: container-host\n    os: solaris',
    fix: 'Make it a hypervisor (`role: hypervisor`) or correct its `os`.',
    fixable: false,
  },
  {
    id: 'live-migration-no-target',
    category: 'capacity',
    defaultSeverity: 'warning',
    summary: 'A workload with `liveMigration: true` has nowhere to migrate to: no other host of the same hypervisor type (in the same cluster, when clusters are declared) could take it, or it uses GPUs.',
    why: 'vMotion moves VMs between ESXi hosts of one vCenter (and HA cluster), Hyper-V Live Migration between Hyper-V hosts, KubeVirt live migration between nodes of one cluster: never between hypervisor types. A VM with a passthrough GPU cannot be live-migrated (vSphere and KubeVirt refuse it).',
    example: '    liveMigration: true\n    deploy: vm\n# and a single ESXi host',
    fix: 'Add a second host of the same hypervisor type (same cluster), drop `gpus`, or drop the promise.',
    fixable: false,
  },
  {
    id: 'disaster-recovery-no-site',
    category: 'capacity',
    defaultSeverity: 'warning',
    summary: 'A workload with `disasterRecovery: true` has no second site with a host that could run it.',
    why: 'DR replicates a VM\'s disks to another site (vSphere Replication and Site Recovery Manager, Hyper-V Replica) and restarts it there: without a capable host at another `site:`, there is nowhere to recover to.',
    example: '    disasterRecovery: true\n# and every capable host in site dc-east',
    fix: 'Declare a capable host at a second site (`site:`), or drop the promise.',
    fixable: false,
  },
  {
    id: 'gpu-shortage',
    category: 'capacity',
    defaultSeverity: 'error',
    summary: 'A workload needs more GPUs than the capable hosts have in all.',
    why: 'A GPU given to an instance (passthrough or vGPU) is not shared: replicas × `gpus` must be there.',
    example: '    gpus: 2\n    replicas: 4\n# and hosts with 4 GPUs in all',
    fix: 'Add GPUs (`gpus:` on hosts), or lower `gpus` or `replicas`.',
    fixable: false,
  },
  {
    id: 'peak-no-fit',
    category: 'capacity',
    defaultSeverity: 'warning',
    summary: 'An elastic workload\'s peak (`scaling.max`) does not fit in what the fleet has left.',
    why: 'Scaling out needs room when the load comes: instances beyond what fits stay pending (Kubernetes) or are refused (VM admission control).',
    example: '    scaling: { min: 2, max: 200 }',
    fix: 'Lower `scaling.max`, shrink the instances, or add capacity.',
    fixable: false,
  },
  {
    id: 'arch-unavailable',
    category: 'capacity',
    defaultSeverity: 'error',
    summary: 'A workload needs a CPU architecture (declared, or implied by its OS: AIX needs POWER) that no host of the fleet has.',
    why: 'Hypervisors do not emulate another architecture for production VMs, and a container image runs only on its own architecture (Kubernetes schedules by `kubernetes.io/arch`).',
    example: '    os: aix\n# and only x86_64 hosts',
    fix: 'Declare a host of that architecture (`arch:`; AIX needs `hypervisor: powervm`), or correct the workload\'s `arch`.',
    fixable: false,
  },
  {
    id: 'host-kernel-access',
    category: 'placement',
    defaultSeverity: 'warning',
    summary: 'A Kubernetes workload or Compose service that shares, and can change, its host\'s kernel: privileged, host namespaces (hostPID, hostNetwork, hostIPC; `pid`, `network_mode`, `ipc: host`), kernel capabilities (SYS_ADMIN, SYS_MODULE, …), host devices, mounts of /lib/modules, /boot, /dev, /proc, or of a container runtime\'s socket (/var/run/docker.sock).',
    why: 'A container shares its host\'s kernel; these settings let it reach past its namespaces into the host and every other workload on it. A kernel module (SYS_MODULE, /lib/modules) means it needs a kernel of its own: it is read as `kernel: custom`. Whoever reaches the container runtime\'s socket starts privileged containers on the host, so it holds the host too (kube-linter\'s docker-sock check).',
    example: 'spec:\n  hostPID: true\n  containers:\n    - name: agent\n      securityContext:\n        privileged: true',
    fix: 'Drop what the workload does not need, run it in a sandbox (`runtimeClassName: kata`) or a VM, or suppress the finding for node agents that must have it (`# placement-ignore host-kernel-access`).',
    fixable: false,
  },
  {
    id: 'manifest-template',
    category: 'syntax',
    defaultSeverity: 'information',
    summary: 'A Kubernetes manifest with template expressions (`{{ … }}`, a Helm chart\'s templates) is skipped.',
    why: 'A template is not YAML until it is rendered; guessing its values would give workloads that do not exist.',
    example: 'spec:\n  replicas: {{ .Values.replicaCount }}',
    fix: 'Check the rendered output instead (`helm template … > rendered.yaml`).',
    fixable: false,
  },
  {
    id: 'compose-variable',
    category: 'syntax',
    defaultSeverity: 'information',
    summary: 'A Compose file uses a variable (`${VAR}`) that neither the `.env` file next to it nor a default (`${VAR:-x}`) sets, or a required one (`${VAR:?message}`) is missing.',
    why: 'The advisor reads variables only from `.env` and defaults, never from the environment of the editor or the shell, so that every machine reads the same fleet. Like Compose, it reads an unset variable as an empty string.',
    example: 'services:\n  web:\n    image: shop/web:${TAG}',
    fix: 'Set the variable in `.env`, or give a default: `${TAG:-latest}`.',
    fixable: false,
  },
  {
    id: 'compose-extends',
    category: 'syntax',
    defaultSeverity: 'warning',
    summary: 'A Compose service `extends` a service that does not exist, a file that cannot be read, or itself (a cycle).',
    why: 'The service is read without what it would inherit, so its resources, volumes and settings may be incomplete.',
    example: 'services:\n  web:\n    extends: base\n  base:\n    extends: web',
    fix: 'Name an existing service (and `file:`), and break the cycle.',
    fixable: false,
  },
] as const satisfies readonly RuleEntry[];

/** A rule id of the catalogue: `'unknown-key'`, `'no-fit'`… */
export type RuleId = (typeof CATALOGUE)[number]['id'];

export interface RuleDoc extends RuleEntry {
  id: RuleId;
}

export const RULES: readonly RuleDoc[] = CATALOGUE;

/** Looked up by any string (a setting, a suppression comment, a command argument). */
export const RULES_BY_ID: ReadonlyMap<string, RuleDoc> = new Map(RULES.map((r) => [r.id, r]));

export function isRuleId(id: string): id is RuleId {
  return RULES_BY_ID.has(id);
}

/**
 * The rule documentation, relative to the package root: generated by `npm run docs`,
 * shipped in the .vsix (`.vscodeignore`) next to `dist/`, so links open the copy that
 * matches the installed version, offline. Each rule has a `## <id>` section.
 */
export const RULES_DOC_PATH = 'docs/rules.md';

/** The anchor of a rule's section in docs/rules.md (the slug of its `## <id>` heading). */
export function ruleDocAnchor(id: string): string {
  return id;
}

/**
 * The server's command that opens a rule's docs (the "Show documentation" code action);
 * the VS Code client runs it itself, in the Markdown preview.
 */
export const SHOW_RULE_DOCS_COMMAND = 'workloadPlacement.showRuleDocs';

/** `docs/rules.md#<id>`, relative to the package root. */
export function ruleDocPath(id: string): string {
  return `${RULES_DOC_PATH}#${ruleDocAnchor(id)}`;
}

/** The 0-based line of each rule's `## <id>` heading in the text of docs/rules.md. */
export function ruleDocHeadings(markdown: string): Map<string, number> {
  const lines = new Map<string, number>();
  let line = 0;
  for (const l of markdown.split('\n')) {
    if (l.startsWith('## ')) {
      const id = l.slice(3).trim();
      if (RULES_BY_ID.has(id) && !lines.has(id)) lines.set(id, line);
    }
    line++;
  }
  return lines;
}
