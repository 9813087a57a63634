// The descriptor format, version 1: the single source of truth for validation,
// completion, hover documentation, the generated JSON Schema and docs/format.md.

export type FieldType =
  | { kind: 'string'; pattern?: string }
  | { kind: 'hostRef' }
  | { kind: 'enum'; values: EnumValue[] }
  | { kind: 'integer'; minimum?: number; maximum?: number }
  | { kind: 'number'; minimum?: number; exclusiveMinimum?: number }
  | { kind: 'boolean' }
  | { kind: 'cpu' }
  | { kind: 'memory' }
  | { kind: 'object'; fields: FieldSpec[] }
  | { kind: 'array'; items: FieldType; minItems?: number };

export interface EnumValue {
  value: string | number;
  doc: string;
  /** Words people write for this value; "did you mean" suggests the value for them. */
  aliases?: string[];
}

export interface FieldSpec {
  key: string;
  type: FieldType;
  doc: string;
  required?: boolean;
  /** Shown in completion and docs; also the snippet's placeholder. */
  example?: string;
  default?: string;
}

const osFamilies: EnumValue[] = [
  { value: 'linux', doc: 'Linux: containers need a Linux container host (or a Linux VM that runs a container runtime).' },
  { value: 'windows', doc: 'Windows: Windows containers need a Windows container host; otherwise a Windows VM.' },
  { value: 'freebsd', doc: 'FreeBSD: a Unix family that OCI container runtimes do not run; it needs a VM.' },
  { value: 'solaris', doc: 'Solaris/illumos: a Unix family that OCI container runtimes do not run; it needs a VM.' },
  { value: 'aix', doc: 'AIX: a Unix family that OCI container runtimes do not run; it needs a VM.' },
];

export const hostOsValues: EnumValue[] = osFamilies;
export const workloadOsValues: EnumValue[] = [
  ...osFamilies,
  { value: 'any', doc: 'Portable: runs on whatever OS its host offers (for example a JVM or a static binary).' },
];

export const deployValues: EnumValue[] = [
  { value: 'vm', aliases: ['virtual-machine', 'virtualmachine', 'virtual machine', 'machine'], doc: 'A virtual machine with its own guest OS and kernel: strongest isolation, live migration and DR, any OS; costs gigabytes and a full boot.' },
  { value: 'container', aliases: ['docker', 'pod', 'kubernetes', 'k8s', 'oci'], doc: "A container on a container host: megabytes, starts in seconds, shares the host's OS and kernel." },
  { value: 'container-in-vm', aliases: ['kata', 'vm-container', 'container-vm', 'nested'], doc: 'Containers inside a VM: container packaging and density, with a VM boundary around them (isolation, live migration, own kernel).' },
];

export const archValues: EnumValue[] = [
  { value: 'x86_64', aliases: ['amd64', 'x64', 'x86', 'intel'], doc: 'x86-64 (Intel, AMD): the default.' },
  { value: 'arm64', aliases: ['aarch64', 'arm'], doc: '64-bit ARM (Ampere, Graviton).' },
  { value: 'ppc64', aliases: ['power', 'ppc64le', 'ppc'], doc: 'IBM POWER: AIX runs only here, under PowerVM.' },
  { value: 's390x', aliases: ['z', 'mainframe'], doc: 'IBM Z (LinuxONE, z/VM).' },
  { value: 'sparc', aliases: ['sparc64'], doc: 'SPARC (Oracle Solaris).' },
];

export const hostFields: FieldSpec[] = [
  { key: 'name', type: { kind: 'string' }, required: true, doc: 'The host\'s name, unique across the workspace. Workloads pin to it with `host:` or `hosts:`.', example: 'esx-01' },
  {
    key: 'role',
    required: true,
    doc: 'What the host runs: virtual machines on a hypervisor, or containers directly on its OS.',
    type: {
      kind: 'enum',
      values: [
        { value: 'hypervisor', doc: 'Runs virtual machines (and, with `runtime:`, VMs that host containers).' },
        { value: 'container-host', doc: "Runs containers directly: every container shares this host's OS and kernel." },
      ],
    },
  },
  {
    key: 'hypervisor',
    doc: 'The hypervisor, for `role: hypervisor`.',
    type: {
      kind: 'enum',
      values: [
        { value: 'esxi', doc: 'VMware ESXi (live migration: vMotion).' },
        { value: 'kvm', doc: 'Linux KVM (live migration: libvirt/QEMU).' },
        { value: 'hyper-v', doc: 'Microsoft Hyper-V (Live Migration).' },
        { value: 'ahv', doc: 'Nutanix AHV.' },
        { value: 'xen', doc: 'Xen / XenServer / XCP-ng.' },
        { value: 'powervm', doc: 'IBM PowerVM on POWER servers (`arch: ppc64`, the default for it): the only hypervisor that runs AIX (live migration: Live Partition Mobility).' },
      ],
    },
  },
  {
    key: 'runtime',
    doc: 'The container runtime. On a container host: the runtime its containers use. On a hypervisor: the runtime its guest VMs offer, which makes it able to run container-in-vm workloads.',
    type: {
      kind: 'enum',
      values: [
        { value: 'docker', doc: 'Docker Engine.' },
        { value: 'containerd', doc: 'containerd (the Kubernetes default).' },
        { value: 'cri-o', doc: 'CRI-O.' },
        { value: 'podman', doc: 'Podman (daemonless).' },
        { value: 'lxc', doc: 'LXC system containers.' },
      ],
    },
  },
  { key: 'os', type: { kind: 'enum', values: hostOsValues }, doc: "The host's OS family. Containers on a container host must match it; a hypervisor's guests may run any OS." },
  { key: 'cpu', type: { kind: 'number', exclusiveMinimum: 0 }, required: true, doc: 'Physical cores.', example: '64' },
  { key: 'memory', type: { kind: 'memory' }, required: true, doc: 'Physical memory, as a Kubernetes quantity (`512Gi`).', example: '512Gi' },
  { key: 'storage', type: { kind: 'memory' }, doc: 'Storage available to persistent volumes on this host (`4Ti`). Without it, volumes are not checked against capacity.', example: '4Ti' },
  { key: 'site', type: { kind: 'string' }, doc: 'Failure domain (data centre, room, zone). Replicas spread across sites where given.', example: 'dc-east' },
  { key: 'cluster', type: { kind: 'string' }, doc: 'The cluster the host belongs to (a vSphere or Hyper-V cluster, a Kubernetes cluster). HA restarts and live migration stay inside a cluster, so when clusters are declared failover does too; replicas spread over clusters.', example: 'prod-a' },
  { key: 'zone', type: { kind: 'string' }, doc: 'A compliance or network zone (`pci`, `dmz`). A zoned host takes only workloads of its zone; a workload with `zone:` runs only on hosts of that zone.', example: 'pci' },
  { key: 'arch', type: { kind: 'enum', values: archValues }, doc: 'The CPU architecture. Default: `x86_64` (`ppc64` for `hypervisor: powervm`). A VM or a container runs only on a host of its own architecture.' },
  { key: 'gpus', type: { kind: 'integer', minimum: 0 }, doc: 'GPUs that can be given to workloads (passthrough or vGPU). Default: 0.', example: '4' },
  {
    key: 'overcommit',
    doc: 'How far this host may be over-committed: allocatable = capacity × ratio.',
    type: {
      kind: 'object',
      fields: [
        { key: 'cpu', type: { kind: 'number', minimum: 0.1 }, doc: 'CPU over-commit ratio (default 1 on every host: `cpu` is what an instance needs, a container\'s request or a VM\'s vCPUs, so VMs and containers count the same; raise it where vCPUs are sized for peaks).', example: '2' },
        { key: 'memory', type: { kind: 'number', minimum: 0.1 }, doc: 'Memory over-commit ratio (default 1: memory is not over-committed).', example: '1' },
      ],
    },
  },
];

const volumeFields: FieldSpec[] = [
  { key: 'name', type: { kind: 'string' }, required: true, doc: 'The volume\'s name.', example: 'data' },
  { key: 'size', type: { kind: 'memory' }, required: true, doc: 'Capacity, as a Kubernetes quantity (`20Gi`).', example: '20Gi' },
  { key: 'mountPath', type: { kind: 'string' }, doc: 'Where the workload mounts it.', example: '/var/lib/data' },
];

export const workloadFields: FieldSpec[] = [
  { key: 'name', type: { kind: 'string' }, required: true, doc: "The workload's name, unique across the workspace.", example: 'checkout-api' },
  { key: 'description', type: { kind: 'string' }, doc: 'Free text for people; not analysed.' },
  { key: 'os', type: { kind: 'enum', values: workloadOsValues }, required: true, doc: 'The OS family the workload needs. A container shares its host\'s OS and kernel, so it can only run where a container host (or a container-running VM) has this OS.' },
  {
    key: 'kernel',
    default: 'shared',
    doc: 'Whether the workload can share its host\'s kernel.',
    type: {
      kind: 'enum',
      values: [
        { value: 'shared', doc: "Runs on whatever kernel the host has: fine for containers." },
        { value: 'custom', doc: 'Needs its own kernel, modules, kernel version or tuning: impossible in a plain container, which shares the host kernel.' },
      ],
    },
  },
  {
    key: 'architecture',
    doc: 'The application\'s shape.',
    type: {
      kind: 'enum',
      values: [
        { value: 'microservice', doc: 'A small service that scales out: suits containers.' },
        { value: 'monolith', doc: 'A heavy, traditional application: suits a VM.' },
        { value: 'batch', doc: 'A job that runs to completion: suits containers (start in seconds, pack densely).' },
      ],
    },
  },
  {
    key: 'state',
    default: 'stateless',
    doc: 'Whether the workload keeps data that must survive a restart.',
    type: {
      kind: 'enum',
      values: [
        { value: 'stateless', doc: 'Keeps nothing: instances are interchangeable.' },
        { value: 'stateful', doc: 'Keeps data: in a container it needs declared `volumes`, or the data is lost on restart.' },
      ],
    },
  },
  { key: 'volumes', type: { kind: 'array', items: { kind: 'object', fields: volumeFields } }, doc: 'Persistent storage the workload needs, wherever it runs.' },
  { key: 'replicas', type: { kind: 'integer', minimum: 1 }, doc: 'A fixed number of instances (default 1).', example: '3' },
  {
    key: 'scaling',
    doc: 'Elastic scaling: the instance count moves between `min` and `max` with load.',
    type: {
      kind: 'object',
      fields: [
        { key: 'min', type: { kind: 'integer', minimum: 0 }, required: true, doc: 'Fewest instances.', example: '2' },
        { key: 'max', type: { kind: 'integer', minimum: 1 }, required: true, doc: 'Most instances.', example: '20' },
      ],
    },
  },
  {
    key: 'startup',
    doc: 'How fast an instance must start.',
    type: {
      kind: 'enum',
      values: [
        { value: 'fast', doc: 'Seconds or less: containers start in seconds, VMs boot a whole OS.' },
        { value: 'normal', doc: 'Minutes are acceptable.' },
      ],
    },
  },
  {
    key: 'isolation',
    default: 'standard',
    doc: 'How strongly the workload must be isolated from its neighbours.',
    type: {
      kind: 'enum',
      values: [
        { value: 'standard', doc: 'Ordinary process isolation is enough.' },
        { value: 'strict', doc: 'Untrusted code, multi-tenant or compliance: a kernel flaw on a container host hits every container there, while VM escape is rare.' },
      ],
    },
  },
  { key: 'liveMigration', type: { kind: 'boolean' }, doc: 'Must move between hosts while running (vMotion, Live Migration): a VM feature.', example: 'false' },
  { key: 'disasterRecovery', type: { kind: 'boolean' }, doc: 'Must be recoverable at another site by replicating its disk image: a VM feature (the DR site need not mirror the first).', example: 'false' },
  { key: 'zone', type: { kind: 'string' }, doc: 'The compliance or network zone the workload must run in (`pci`): only hosts of that zone take it.', example: 'pci' },
  { key: 'gpus', type: { kind: 'integer', minimum: 0 }, doc: 'GPUs each instance needs (passthrough or vGPU). It goes only where that many are free, and it cannot be live-migrated.', example: '1' },
  { key: 'arch', type: { kind: 'enum', values: archValues }, doc: 'The CPU architecture the workload is built for, where its OS does not imply it. Default: `x86_64`; `os: aix` implies `ppc64`; `os: solaris` runs on `sparc` or `x86_64`.' },
  {
    key: 'resources',
    doc: 'What one instance needs.',
    type: {
      kind: 'object',
      fields: [
        { key: 'cpu', type: { kind: 'cpu' }, doc: 'CPU per instance, in cores or millicores (`500m`): what it needs, the same for every deployment. A container requests it (Kubernetes `requests.cpu`); a VM gets it as vCPUs (rounded up), never more than its host has cores.', example: '500m' },
        { key: 'memory', type: { kind: 'memory' }, doc: 'Memory per instance (`512Mi`).', example: '512Mi' },
      ],
    },
  },
  { key: 'deploy', type: { kind: 'enum', values: deployValues }, doc: 'Your choice of deployment. Optional: without it the recommendation is used. The extension checks it against the workload\'s needs.' },
  { key: 'host', type: { kind: 'hostRef' }, doc: 'Pin every instance to this host.', example: 'esx-01' },
  { key: 'hosts', type: { kind: 'array', items: { kind: 'hostRef' }, minItems: 1 }, doc: 'Pin the instances to these hosts (they spread across them).' },
];

export const rootFields: FieldSpec[] = [
  { key: 'version', type: { kind: 'enum', values: [{ value: 1, doc: 'Descriptor format version 1.' }] }, required: true, doc: 'The descriptor format version. Only `1` exists.' },
  { key: 'hosts', type: { kind: 'array', items: { kind: 'object', fields: hostFields } }, doc: 'The machines of the fleet. Hosts in one file and workloads in others is normal.' },
  { key: 'workloads', type: { kind: 'array', items: { kind: 'object', fields: workloadFields } }, doc: 'The workloads to place.' },
];

export function findField(fields: readonly FieldSpec[], key: string): FieldSpec | undefined {
  return fields.find((f) => f.key === key);
}

/** Resolves the field list for a path of keys and array markers from the root. */
export function fieldsAt(path: readonly (string | number)[]): FieldSpec[] | undefined {
  let fields: FieldSpec[] = rootFields;
  let type: FieldType | undefined;
  for (const seg of path) {
    if (typeof seg === 'number') {
      if (!type || type.kind !== 'array') return undefined;
      type = type.items;
      if (type.kind !== 'object') return undefined;
      fields = type.fields;
      continue;
    }
    const f = findField(fields, seg);
    if (!f) return undefined;
    type = f.type;
    if (type.kind === 'object') fields = type.fields;
  }
  if (type && type.kind !== 'object') return undefined;
  return fields;
}

/** Builds the JSON Schema (draft-07) from the field specs. */
export function toJsonSchema(): object {
  const conv = (t: FieldType, f?: FieldSpec): Record<string, unknown> => {
    const base: Record<string, unknown> = {};
    if (f) base.description = f.doc;
    if (f?.default) base.default = f.default;
    switch (t.kind) {
      case 'string':
      case 'hostRef':
        return { ...base, type: 'string' };
      case 'enum':
        return {
          ...base,
          enum: t.values.map((v) => v.value),
          markdownEnumDescriptions: t.values.map((v) => v.doc),
        };
      case 'integer':
        return { ...base, type: 'integer', ...(t.minimum !== undefined ? { minimum: t.minimum } : {}) };
      case 'number':
        return {
          ...base,
          type: 'number',
          ...(t.minimum !== undefined ? { minimum: t.minimum } : {}),
          ...(t.exclusiveMinimum !== undefined ? { exclusiveMinimum: t.exclusiveMinimum } : {}),
        };
      case 'boolean':
        return { ...base, type: 'boolean' };
      case 'cpu':
        return {
          ...base,
          anyOf: [
            { type: 'number', exclusiveMinimum: 0 },
            { type: 'string', pattern: CPU_PATTERN },
          ],
        };
      case 'memory':
        return {
          ...base,
          anyOf: [
            { type: 'number', minimum: 0 },
            { type: 'string', pattern: MEMORY_PATTERN },
          ],
        };
      case 'array':
        return { ...base, type: 'array', items: conv(t.items), ...(t.minItems ? { minItems: t.minItems } : {}) };
      case 'object':
        return {
          ...base,
          type: 'object',
          additionalProperties: false,
          required: t.fields.filter((x) => x.required).map((x) => x.key),
          properties: Object.fromEntries(t.fields.map((x) => [x.key, conv(x.type, x)])),
        };
    }
  };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://workload-placement.dev/schema/descriptor-v1.json',
    title: 'Workload Placement descriptor, version 1',
    ...conv({ kind: 'object', fields: rootFields }),
  };
}

export const CPU_PATTERN = '^([0-9]+(\\.[0-9]+)?|\\.[0-9]+)m?$';
export const MEMORY_PATTERN = '^([0-9]+(\\.[0-9]+)?|\\.[0-9]+)([eE][0-9]+|Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$';
