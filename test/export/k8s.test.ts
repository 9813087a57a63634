// The Kubernetes export, field by field: each row is a workload (on a small fleet) and
// what its objects must hold. Every object every row emits is validated with
// kubernetes-models (KubeVirt's with the schema in validate.ts).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { ANNOTATION_PREFIX as P, exportK8s, formatCores, formatSize, type K8sExport, type K8sObject } from '../../server/src/export/k8s';
import { analyzeTexts } from '../core/helpers';
import { validateObject } from './validate';

const FLEET = `version: 1
hosts:
  - name: esx-01
    role: hypervisor
    hypervisor: kvm
    runtime: containerd
    cpu: 64
    memory: 512Gi
  - name: k8s-01
    role: container-host
    runtime: containerd
    os: linux
    cpu: 32
    memory: 128Gi
  - name: k8s-02
    role: container-host
    runtime: containerd
    os: linux
    cpu: 32
    memory: 128Gi
  - name: win-01
    role: container-host
    runtime: containerd
    os: windows
    cpu: 32
    memory: 128Gi
`;

/** One workload named `w` (or as `name:` says) made of these lines. */
function one(lines: string): string {
  const body = lines.trim().split('\n').map((l) => `    ${l.trim()}`);
  const hasName = body.some((l) => /^\s*name:/.test(l));
  return `version: 1\nworkloads:\n${hasName ? '' : '  - name: w\n'}${body.map((l, i) => (hasName && i === 0 ? `  - ${l.trim()}` : l)).join('\n')}\n`;
}

function run(files: Record<string, string>): K8sExport {
  const { analysis, parsed } = analyzeTexts({ 'fleet.workload.yaml': FLEET, ...files });
  const result = exportK8s(analysis, parsed);
  // Every object, as written, parses back and validates.
  for (const f of result.files) {
    const docs = parseAllDocuments(f.text);
    for (const d of Array.isArray(docs) ? docs : [docs]) {
      assert.deepEqual(d.errors, [], f.path);
      validateObject(d.toJS() as K8sObject, f.path);
    }
  }
  return result;
}

/** Expected ⊆ actual: objects key by key, arrays element by element (same length), `undefined` = absent. */
function matches(actual: unknown, expected: unknown, at = '$'): void {
  if (expected === undefined) return assert.equal(actual, undefined, `${at} should be absent`);
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${at} should be a list`);
    assert.equal(actual.length, expected.length, `${at}: length`);
    expected.forEach((e, i) => matches(actual[i], e, `${at}[${i}]`));
    return;
  }
  if (expected && typeof expected === 'object') {
    assert.ok(actual && typeof actual === 'object', `${at} should be a mapping`);
    for (const [k, v] of Object.entries(expected)) matches((actual as Record<string, unknown>)[k], v, `${at}.${k}`);
    return;
  }
  assert.deepEqual(actual, expected, at);
}

const OS = 'kubernetes.io/os';
const HOSTNAME = 'kubernetes.io/hostname';

interface Row {
  name: string;
  workload: string;
  /** The kinds of the workload's objects, in order. */
  kinds: string[];
  /** Partial objects, in the same order. */
  expect: Record<string, unknown>[];
  /** Substrings of its notes, or [] for none. */
  notes?: string[];
}

const ROWS: Row[] = [
  {
    name: 'stateless replicas → Deployment with replicas, requests and the OS selector',
    workload: 'os: linux\narchitecture: microservice\nstate: stateless\nreplicas: 3\nresources: { cpu: 500m, memory: 512Mi }\ndeploy: container',
    kinds: ['Deployment'],
    expect: [
      {
        apiVersion: 'apps/v1',
        metadata: { name: 'w', labels: { 'app.kubernetes.io/name': 'w' }, annotations: { [`${P}deploy`]: 'container', [`${P}verdict`]: 'container', [`${P}source`]: 'w.workload.yaml:3' } },
        spec: {
          replicas: 3,
          selector: { matchLabels: { 'app.kubernetes.io/name': 'w' } },
          template: {
            spec: {
              nodeSelector: { [OS]: 'linux' },
              runtimeClassName: undefined,
              affinity: undefined,
              containers: [{ name: 'w', image: 'w', resources: { requests: { cpu: '500m', memory: '512Mi' } } }],
              topologySpreadConstraints: [
                { topologyKey: HOSTNAME, maxSkew: 1, whenUnsatisfiable: 'ScheduleAnyway' },
                { topologyKey: 'topology.kubernetes.io/zone', maxSkew: 1, whenUnsatisfiable: 'ScheduleAnyway' },
              ],
            },
          },
        },
      },
    ],
    notes: [],
  },
  {
    name: 'no replicas → one',
    workload: 'os: linux\narchitecture: microservice\ndeploy: container',
    kinds: ['Deployment'],
    expect: [{ spec: { replicas: 1 } }],
    notes: ['no resources declared'],
  },
  {
    name: 'elastic scaling → Deployment without replicas + HorizontalPodAutoscaler',
    workload: 'os: linux\narchitecture: microservice\nscaling: { min: 2, max: 10 }\nresources: { cpu: 1, memory: 1Gi }\ndeploy: container',
    kinds: ['Deployment', 'HorizontalPodAutoscaler'],
    expect: [
      { spec: { replicas: undefined, template: { spec: { containers: [{ resources: { requests: { cpu: '1', memory: '1Gi' } } }] } } } },
      { apiVersion: 'autoscaling/v2', metadata: { name: 'w' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'w' }, minReplicas: 2, maxReplicas: 10 } },
    ],
  },
  {
    name: 'scaling from zero → minReplicas 1, with a note',
    workload: 'os: linux\narchitecture: microservice\nscaling: { min: 0, max: 5 }\nresources: { cpu: 1, memory: 1Gi }\ndeploy: container',
    kinds: ['Deployment', 'HorizontalPodAutoscaler'],
    expect: [{}, { spec: { minReplicas: 1, maxReplicas: 5 } }],
    notes: ['minReplicas is 1'],
  },
  {
    name: 'scaling with min = max → a fixed count',
    workload: 'os: linux\narchitecture: microservice\nscaling: { min: 4, max: 4 }\nresources: { cpu: 1, memory: 1Gi }\ndeploy: container',
    kinds: ['Deployment'],
    expect: [{ spec: { replicas: 4 } }],
  },
  {
    name: 'stateful with volumes → StatefulSet with volumeClaimTemplates and mounts',
    workload: 'os: linux\narchitecture: microservice\nstate: stateful\nreplicas: 2\nvolumes:\n  - { name: data, size: 20Gi, mountPath: /var/lib/data }\n  - { name: Logs_A, size: 1500Mi }\nresources: { cpu: 1, memory: 2Gi }\ndeploy: container',
    kinds: ['StatefulSet'],
    expect: [
      {
        spec: {
          replicas: 2,
          serviceName: 'w',
          volumeClaimTemplates: [
            { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '20Gi' } } } },
            { metadata: { name: 'logs-a' }, spec: { resources: { requests: { storage: '1500Mi' } } } },
          ],
          template: { spec: { volumes: undefined, containers: [{ volumeMounts: [{ name: 'data', mountPath: '/var/lib/data' }, { name: 'logs-a', mountPath: '/mnt/logs-a' }] }] } },
        },
      },
    ],
    notes: ["volume 'Logs_A' is named 'logs-a'", 'has no mountPath'],
  },
  {
    name: 'stateful without volumes → StatefulSet, with a note',
    workload: 'os: linux\narchitecture: microservice\nstate: stateful\nresources: { cpu: 1, memory: 2Gi }\ndeploy: container',
    kinds: ['StatefulSet'],
    expect: [{ spec: { volumeClaimTemplates: undefined } }],
    notes: ['exported as declared (container); the recommendation is vm', 'stateful without volumes'],
  },
  {
    name: 'stateless with a volume → Deployment + PersistentVolumeClaim',
    workload: 'os: linux\narchitecture: microservice\nstate: stateless\nvolumes:\n  - { name: cache, size: 5Gi, mountPath: /cache }\nresources: { cpu: 1, memory: 2Gi }\ndeploy: container',
    kinds: ['Deployment', 'PersistentVolumeClaim'],
    expect: [
      { spec: { template: { spec: { volumes: [{ name: 'cache', persistentVolumeClaim: { claimName: 'w-cache' } }], containers: [{ volumeMounts: [{ name: 'cache', mountPath: '/cache' }] }] } } } },
      { apiVersion: 'v1', metadata: { name: 'w-cache' }, spec: { resources: { requests: { storage: '5Gi' } } } },
    ],
  },
  {
    name: 'batch → Job with parallelism and restartPolicy',
    workload: 'os: linux\narchitecture: batch\nreplicas: 3\nresources: { cpu: 2, memory: 4Gi }\ndeploy: container',
    kinds: ['Job'],
    expect: [{ apiVersion: 'batch/v1', spec: { parallelism: 3, template: { spec: { restartPolicy: 'OnFailure', nodeSelector: { [OS]: 'linux' } } } } }],
  },
  {
    name: 'elastic batch → Job at scaling.max, with a note',
    workload: 'os: linux\narchitecture: batch\nscaling: { min: 0, max: 8 }\nresources: { cpu: 1, memory: 1Gi }\ndeploy: container',
    kinds: ['Job'],
    expect: [{ spec: { parallelism: 8 } }],
    notes: ['does not autoscale'],
  },
  {
    name: 'host: pin → required node affinity on the hostname',
    workload: 'os: linux\narchitecture: microservice\nresources: { cpu: 1, memory: 1Gi }\ndeploy: container\nhost: k8s-01',
    kinds: ['Deployment'],
    expect: [
      {
        spec: {
          template: {
            spec: {
              affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: HOSTNAME, operator: 'In', values: ['k8s-01'] }] }] } } },
            },
          },
        },
      },
    ],
  },
  {
    name: 'hosts: pins → every host in one term',
    workload: 'os: linux\narchitecture: microservice\nreplicas: 2\nresources: { cpu: 1, memory: 1Gi }\ndeploy: container\nhosts: [k8s-01, k8s-02]',
    kinds: ['Deployment'],
    expect: [{ spec: { template: { spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ values: ['k8s-01', 'k8s-02'] }] }] } } } } } } }],
  },
  {
    name: 'windows container → the windows node selector',
    workload: 'os: windows\narchitecture: microservice\nresources: { cpu: 1, memory: 2Gi }\ndeploy: container',
    kinds: ['Deployment'],
    expect: [{ spec: { template: { spec: { nodeSelector: { [OS]: 'windows' } } } } }],
  },
  {
    name: 'os: any → no OS selector',
    workload: 'os: any\narchitecture: microservice\nresources: { cpu: 1, memory: 1Gi }\ndeploy: container',
    kinds: ['Deployment'],
    expect: [{ spec: { template: { spec: { nodeSelector: undefined } } } }],
  },
  {
    name: 'container-in-vm → runtimeClassName kata and the isolation annotation',
    workload: 'os: linux\narchitecture: microservice\nisolation: strict\nreplicas: 2\nresources: { cpu: 250m, memory: 256Mi }\ndeploy: container-in-vm',
    kinds: ['Deployment'],
    expect: [{ metadata: { annotations: { [`${P}isolation`]: 'strict', [`${P}deploy`]: 'container-in-vm' } }, spec: { template: { spec: { runtimeClassName: 'kata', nodeSelector: { [OS]: 'linux' } } } } }],
  },
  {
    name: 'vm → VirtualMachine with cores, guest memory, LiveMigrate and runStrategy Always',
    workload: 'os: linux\narchitecture: monolith\nliveMigration: true\ndisasterRecovery: true\nkernel: custom\nresources: { cpu: 8, memory: 64Gi }\ndeploy: vm',
    kinds: ['VirtualMachine'],
    expect: [
      {
        apiVersion: 'kubevirt.io/v1',
        metadata: {
          name: 'w',
          annotations: { [`${P}live-migration`]: 'true', [`${P}disaster-recovery`]: 'true', [`${P}kernel`]: 'custom', [`${P}os`]: 'linux', [`${P}verdict`]: 'vm' },
        },
        spec: { runStrategy: 'Always', template: { spec: { evictionStrategy: 'LiveMigrate', domain: { cpu: { cores: 8 }, memory: { guest: '64Gi' } } } } },
      },
    ],
    notes: [],
  },
  {
    name: 'vm without live migration → no evictionStrategy; fractional cores rounded up',
    workload: 'os: windows\narchitecture: monolith\nresources: { cpu: 1500m, memory: 6Gi }\ndeploy: vm',
    kinds: ['VirtualMachine'],
    expect: [{ metadata: { annotations: { [`${P}os`]: 'windows', [`${P}live-migration`]: undefined } }, spec: { template: { spec: { evictionStrategy: undefined, domain: { cpu: { cores: 2 } } } } } }],
    notes: ['rounded up to 2 whole cores'],
  },
  {
    name: 'batch vm → runStrategy RerunOnFailure',
    workload: 'os: linux\narchitecture: batch\nresources: { cpu: 4, memory: 8Gi }\ndeploy: vm',
    kinds: ['VirtualMachine'],
    expect: [{ spec: { runStrategy: 'RerunOnFailure' } }],
  },
  {
    name: 'vm replicas → one VirtualMachine per instance, spread; volumes → data volumes',
    workload: 'os: linux\narchitecture: monolith\nstate: stateful\nreplicas: 2\nvolumes:\n  - { name: db, size: 2Ti, mountPath: /db }\nresources: { cpu: 16, memory: 128Gi }\ndeploy: vm\nhosts: [esx-01]',
    kinds: ['VirtualMachine', 'VirtualMachine'],
    expect: [
      {
        metadata: { name: 'w-1', labels: { 'app.kubernetes.io/name': 'w' } },
        spec: {
          dataVolumeTemplates: [{ metadata: { name: 'w-1-db' }, spec: { storage: { resources: { requests: { storage: '2Ti' } } } } }],
          template: {
            spec: {
              volumes: [{ name: 'db', dataVolume: { name: 'w-1-db' } }],
              domain: { devices: { disks: [{ name: 'db' }] } },
              affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ values: ['esx-01'] }] }] } } },
              topologySpreadConstraints: [{ topologyKey: HOSTNAME }, { topologyKey: 'topology.kubernetes.io/zone' }],
            },
          },
        },
      },
      { metadata: { name: 'w-2' }, spec: { dataVolumeTemplates: [{ metadata: { name: 'w-2-db' } }] } },
    ],
  },
  {
    name: 'solaris and freebsd run as KubeVirt guests',
    workload: 'os: solaris\narchitecture: monolith\nresources: { cpu: 2, memory: 4Gi }',
    kinds: ['VirtualMachine'],
    expect: [{ metadata: { annotations: { [`${P}os`]: 'solaris', [`${P}declared`]: undefined } } }],
  },
  {
    name: 'the declared deploy wins when feasible',
    workload: 'os: linux\narchitecture: microservice\nscaling: { min: 2, max: 20 }\nstartup: fast\nresources: { cpu: 500m, memory: 512Mi }\ndeploy: vm',
    kinds: ['VirtualMachine', 'VirtualMachine'],
    expect: [{ metadata: { annotations: { [`${P}verdict`]: 'container', [`${P}deploy`]: 'vm', [`${P}declared`]: 'vm' } } }, {}],
    notes: ['exported as declared (vm); the recommendation is container', 'does not autoscale', 'cpu 500m rounded up to 1 whole core'],
  },
  {
    name: 'an infeasible declared deploy gives way to the verdict',
    workload: 'os: linux\narchitecture: microservice\nliveMigration: true\nresources: { cpu: 1, memory: 1Gi }\ndeploy: container',
    kinds: ['VirtualMachine'],
    expect: [{ metadata: { annotations: { [`${P}declared`]: 'container', [`${P}deploy`]: 'vm', [`${P}live-migration`]: 'true' } }, spec: { template: { spec: { evictionStrategy: 'LiveMigrate' } } } }],
    notes: ['the declared container cannot run'],
  },
  {
    name: 'a name that is not a DNS-1123 label is sanitized, with a note; the original is annotated',
    workload: 'name: Shop_API.v2\nos: linux\narchitecture: microservice\nresources: { cpu: 1, memory: 1Gi }\ndeploy: container',
    kinds: ['Deployment'],
    expect: [{ metadata: { name: 'shop-api-v2', annotations: { [`${P}workload`]: 'Shop_API.v2' } }, spec: { template: { spec: { containers: [{ name: 'shop-api-v2' }] } } } }],
    notes: ["'Shop_API.v2' is not a valid Kubernetes name"],
  },
];

describe('export k8s: field mapping', () => {
  for (const row of ROWS) {
    it(row.name, () => {
      const r = run({ 'w.workload.yaml': one(row.workload) });
      assert.deepEqual(r.skipped, []);
      assert.equal(r.exported.length, 1);
      const [e] = r.exported;
      assert.deepEqual(
        e.objects.map((o) => o.kind),
        row.kinds,
      );
      row.expect.forEach((x, i) => matches(e.objects[i], x, `${row.kinds[i]}[${i}]`));
      if (row.notes) {
        assert.equal(e.notes.length, row.notes.length, `notes: ${JSON.stringify(e.notes)}`);
        for (const n of row.notes) assert.ok(e.notes.some((m) => m.includes(n)), `no note with '${n}' in ${JSON.stringify(e.notes)}`);
      }
      // Every object of a workload carries the same provenance.
      for (const o of e.objects) assert.equal(o.metadata.annotations?.[`${P}source`], e.source);
    });
  }
});

describe('export k8s: skipped workloads', () => {
  const SKIPS: { name: string; workload: string; reason: string }[] = [
    { name: 'AIX: KubeVirt runs x86 and Arm guests only', workload: 'os: aix\narchitecture: monolith\nresources: { cpu: 4, memory: 8Gi }\ndeploy: vm', reason: 'AIX needs POWER' },
    { name: 'windows container-in-vm: no sandbox runtime for Windows pods', workload: 'os: windows\narchitecture: microservice\nisolation: strict\nresources: { cpu: 1, memory: 1Gi }\ndeploy: container-in-vm', reason: 'no sandbox runtime for Windows' },
    { name: 'nothing can run it', workload: 'os: linux\nkernel: custom\nresources: { cpu: 1, memory: 1Gi }\nhost: k8s-01', reason: 'no deployment can run it' },
  ];
  for (const s of SKIPS) {
    it(s.name, () => {
      const r = run({ 'w.workload.yaml': one(s.workload) });
      assert.deepEqual(r.exported, []);
      assert.equal(r.skipped.length, 1);
      assert.equal(r.skipped[0].workload, 'w');
      assert.equal(r.skipped[0].source, 'w.workload.yaml:3');
      assert.ok(r.skipped[0].reason.includes(s.reason), r.skipped[0].reason);
      // Nothing exported: no files at all, not even an empty kustomization.
      assert.deepEqual(r.files, []);
    });
  }
});

describe('export k8s: names and files', () => {
  it('sanitized names that collide get distinct names; reserved file stems are avoided', () => {
    const text = `version: 1
workloads:
  - { name: a_b, os: linux, architecture: microservice, resources: { cpu: 1, memory: 1Gi }, deploy: container }
  - { name: a-b, os: linux, architecture: microservice, resources: { cpu: 1, memory: 1Gi }, deploy: container }
  - { name: kustomization, os: linux, architecture: microservice, resources: { cpu: 1, memory: 1Gi }, deploy: container }
  - { name: "日本", os: linux, architecture: microservice, resources: { cpu: 1, memory: 1Gi }, deploy: container }
  - { name: "${'x'.repeat(80)}", os: linux, architecture: microservice, resources: { cpu: 1, memory: 1Gi }, deploy: container }
`;
    const r = run({ 'n.workload.yaml': text });
    const names = r.exported.map((e) => e.name);
    assert.equal(new Set(names).size, names.length);
    assert.deepEqual(names.slice(0, 4).sort(), ['a-b', 'a-b-2', 'kustomization-2', 'workload'].sort());
    assert.equal(names[4], 'x'.repeat(63));
    assert.deepEqual(
      r.files.map((f) => f.path),
      [...r.exported.map((e) => `${e.name}.yaml`), 'kustomization.yaml'],
    );
  });

  it('a hostile name stays a value: no extra keys or documents', () => {
    const hostile = 'evil\\nkind: Secret\\n---\\napiVersion: v1 \\u001b[31m\\u202e';
    const r = run({ 'h.workload.yaml': one(`name: "${hostile}"\nos: linux\narchitecture: microservice\nresources: { cpu: 1, memory: 1Gi }\ndeploy: container`) });
    const [e] = r.exported;
    assert.match(e.name, /^[a-z0-9-]+$/);
    const file = r.files.find((f) => f.path === e.file)!;
    const docs = parseAllDocuments(file.text) as ReturnType<typeof parseAllDocuments> & unknown[];
    assert.equal(docs.length, 1);
    const obj = docs[0].toJS() as K8sObject;
    assert.equal(obj.kind, 'Deployment');
    assert.equal(obj.metadata.annotations?.[`${P}workload`], 'evil\nkind: Secret\n---\napiVersion: v1 \u001b[31m\u202e');
  });

  it('kustomization.yaml lists every file, the RuntimeClass once', () => {
    const text = `version: 1
workloads:
  - { name: a, os: linux, architecture: microservice, isolation: strict, resources: { cpu: 1, memory: 1Gi }, deploy: container-in-vm }
  - { name: b, os: linux, architecture: microservice, isolation: strict, resources: { cpu: 1, memory: 1Gi }, deploy: container-in-vm }
`;
    const r = run({ 'k.workload.yaml': text });
    assert.deepEqual(
      r.files.map((f) => f.path),
      ['a.yaml', 'b.yaml', 'runtimeclass-kata.yaml', 'kustomization.yaml'],
    );
    const rc = parseAllDocuments(r.files[2].text) as unknown as { toJS(): K8sObject }[];
    matches(rc[0].toJS(), { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'kata' }, handler: 'kata', overhead: { podFixed: { cpu: '250m', memory: '160Mi' } } });
    const k = (parseAllDocuments(r.files[3].text) as unknown as { toJS(): { resources: string[] } }[])[0].toJS();
    assert.deepEqual(k.resources, ['a.yaml', 'b.yaml', 'runtimeclass-kata.yaml']);
  });
});

describe('export k8s: claim names', () => {
  it('claims and DataVolumes of different workloads never share a name', () => {
    const text = `version: 1
workloads:
  - { name: a, os: linux, architecture: microservice, volumes: [{ name: b-c, size: 1Gi }], resources: { cpu: 1, memory: 1Gi }, deploy: container }
  - { name: a-b, os: linux, architecture: microservice, volumes: [{ name: c, size: 1Gi }], resources: { cpu: 1, memory: 1Gi }, deploy: container }
  - { name: a-b-c, os: linux, architecture: monolith, volumes: [{ name: d, size: 1Gi }], resources: { cpu: 1, memory: 1Gi }, deploy: vm }
`;
    const r = run({ 'c.workload.yaml': text });
    const claims = r.exported.flatMap((e) =>
      e.objects.flatMap((o) => (o.kind === 'PersistentVolumeClaim' ? [o.metadata.name] : o.kind === 'VirtualMachine' ? (o.spec as { dataVolumeTemplates: { metadata: { name: string } }[] }).dataVolumeTemplates.map((d) => d.metadata.name) : [])),
    );
    assert.deepEqual(claims, ['a-b-c', 'a-b-c-2', 'a-b-c-3-d']);
    // The third workload's own name, and the next, were taken by claims first.
    assert.deepEqual(r.exported.map((e) => e.name), ['a', 'a-b', 'a-b-c-3']);
    const dep = r.exported[1].objects[0] as K8sObject & { spec: { template: { spec: { volumes: { persistentVolumeClaim: { claimName: string } }[] } } } };
    assert.equal(dep.spec.template.spec.volumes[0].persistentVolumeClaim.claimName, 'a-b-c-2');
  });

  it('pins are lower-cased, as the kubelet writes the hostname label', () => {
    const fleet = FLEET.replace('name: k8s-01', 'name: K8S-01');
    const { analysis, parsed } = analyzeTexts({ 'fleet.workload.yaml': fleet, 'w.workload.yaml': one('os: linux\narchitecture: microservice\nresources: { cpu: 1, memory: 1Gi }\ndeploy: container\nhost: K8S-01') });
    const [e] = exportK8s(analysis, parsed).exported;
    matches(e.objects[0], { spec: { template: { spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ values: ['k8s-01'] }] }] } } } } } } });
    assert.ok(e.notes.some((n) => n.includes("pin 'K8S-01' matches the node 'k8s-01'")), JSON.stringify(e.notes));
  });
});

describe('export k8s: the module is pure', () => {
  it('server/src/export imports neither the file system nor the command line', () => {
    const dir = path.join(__dirname, '..', '..', '..', 'server', 'src', 'export');
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
      const text = fs.readFileSync(path.join(dir, f), 'utf8');
      for (const m of text.matchAll(/^\s*(?:import|export)\b[^'"]*?\bfrom\s+['"]([^'"]+)['"]/gm)) {
        assert.ok(!/^(node:)?(fs|child_process|net|http|https|process)$/.test(m[1]) && !m[1].includes('/cli/') && !/^vscode/.test(m[1]), `${f} imports ${m[1]}`);
      }
    }
  });
});

describe('export k8s: quantities', () => {
  const CORES: [number, string][] = [
    [1, '1'],
    [16, '16'],
    [0.5, '500m'],
    [0.25, '250m'],
    [1.5, '1500m'],
    [0.0015, '2m'],
  ];
  for (const [n, s] of CORES) it(`${n} cores → ${s}`, () => assert.equal(formatCores(n), s));
  const SIZES: [number, string][] = [
    [512 * 2 ** 20, '512Mi'],
    [1536 * 2 ** 20, '1536Mi'],
    [2 ** 30, '1Gi'],
    [2 * 2 ** 40, '2Ti'],
    [1e9, '1G'],
    [1500 * 1000, '1500k'],
    [1000, '1k'],
    [1023, '1023'],
    [1, '1'],
  ];
  for (const [n, s] of SIZES) it(`${n} bytes → ${s}`, () => assert.equal(formatSize(n), s));
});
