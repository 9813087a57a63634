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
    id: 'unknown-host',
    category: 'workspace',
    defaultSeverity: 'error',
    summary: 'A `host:` or `hosts:` pin names a host that no descriptor in the workspace declares.',
    why: 'The pin cannot be honoured; it is usually a typo.',
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
    fix: 'The quick fix switches to `container-in-vm` (the VM migrates with its containers) or `vm`.',
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
    summary: 'No host in the fleet could run this workload in any form.',
    why: 'For example a Solaris workload in a fleet with no hypervisor: it needs a VM and there is nowhere to run one.',
    example: '    os: solaris   # and the fleet has only container hosts',
    fix: 'Add a host that can run it (a hypervisor for VMs, a container host of the right OS).',
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
    summary: 'A stateful workload deployed in containers declares no volumes.',
    why: 'A container\'s writable layer is discarded when it is replaced: without a persistent volume its data is lost.',
    example: '    state: stateful\n    deploy: container',
    fix: 'The quick fix adds a volume stub to fill in.',
    fixable: true,
  },
  {
    id: 'strict-isolation-container',
    category: 'placement',
    defaultSeverity: 'warning',
    summary: 'A workload that needs strict isolation is declared as a plain container.',
    why: 'Every container on a host shares its kernel: one kernel flaw reaches all of them. VM escape is rare.',
    example: '    isolation: strict\n    deploy: container',
    fix: 'The quick fix switches to `container-in-vm`. In a Kubernetes manifest (strict isolation from the `placement.workload-advisor.io/isolation` annotation, no sandbox runtime class) it adds `runtimeClassName: kata` to the pod spec; not applied by "Fix all", since the cluster must offer that runtime class.',
    fixable: true,
  },
  {
    id: 'elastic-vm',
    category: 'placement',
    defaultSeverity: 'warning',
    summary: 'An elastically scaled workload is declared as a VM.',
    why: 'Scaling out VMs means booting whole OSes and paying gigabytes per instance; containers start in seconds.',
    example: '    scaling: { min: 2, max: 30 }\n    deploy: vm',
    fix: 'The quick fix switches to `container` (or `container-in-vm` where a plain container is impossible).',
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
    summary: 'A workload, or some of its replicas, fits on no host; the message says why: the OS (no container host runs it), the role (no host of the kind its deployment needs), the size (bigger than any capable host, guest OS included) or the capacity left.',
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
    summary: 'Every replica of a replicated workload lands on one host, because of a pin or because only one host can take them.',
    why: 'Replicas exist to survive a failure; on one host, that host\'s failure stops them all.',
    example: '    replicas: 3\n    host: k8s-01',
    fix: 'Pin to several hosts (`hosts: [a, b]`; the quick fix offers one) or add capable hosts; replicas then spread across hosts and sites.',
    fixable: true,
  },
  {
    id: 'not-failure-tolerant',
    category: 'capacity',
    defaultSeverity: 'off',
    summary: 'Opt-in (`placement.checkHostFailure`): a workload that would lose replicas if some one host failed, because what ran there fits nowhere else.',
    why: 'The engine simulates the loss of each host in turn: VMs restart or migrate and containers are rescheduled on what is left. What finds no room is the disaster-recovery gap.',
    example: '# .workload-placement.json\n{ "placement": { "checkHostFailure": true } }',
    fix: 'Keep spare capacity (N+1), spread across sites, or relax pins. Show Host Layout: click a host to see what moves where.',
    fixable: false,
  },
  {
    id: 'host-kernel-access',
    category: 'placement',
    defaultSeverity: 'warning',
    summary: 'A Kubernetes workload that shares, and can change, its host\'s kernel: privileged, host namespaces (hostPID, hostNetwork, hostIPC), kernel capabilities (SYS_ADMIN, SYS_MODULE, …) or hostPath mounts of /lib/modules, /boot, /dev, /proc.',
    why: 'A container shares its host\'s kernel; these settings let it reach past its namespaces into the host and every other workload on it. A kernel module (SYS_MODULE, /lib/modules) means it needs a kernel of its own: it is read as `kernel: custom`.',
    example: 'spec:\n  hostPID: true\n  containers:\n    - name: agent\n      securityContext:\n        privileged: true',
    fix: 'Drop what the workload does not need, run it in a sandbox (`runtimeClassName: kata`) or a VM, or suppress the finding for node agents that must have it (`# placement-ignore host-kernel-access`).',
    fixable: false,
  },
  {
    id: 'gpu-request',
    category: 'capacity',
    defaultSeverity: 'information',
    summary: 'A Kubernetes workload requests GPUs (`nvidia.com/gpu` or another `…/gpu` extended resource).',
    why: 'GPUs are placed like CPU and memory only where hosts declare them; until then the request is noted so that it is not lost silently.',
    example: 'resources:\n  limits:\n    nvidia.com/gpu: 1',
    fix: 'Nothing to fix: a note of what the workload needs.',
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

export const DOCS_BASE = 'https://github.com/workload-placement/workload-placement/blob/main/docs/rules.md';

export function ruleDocUrl(id: string): string {
  return `${DOCS_BASE}#${id}`;
}
