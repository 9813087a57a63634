// Kubernetes manifests → workloads (server/src/core/manifests/k8s.ts): a table per
// mapped field, the realistic corpus in test/manifests/corpus, joining across files,
// what is not ours (other YAML, unknown kinds, templates, broken YAML), and a property:
// reading any manifest text, however mangled, never throws.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { analyze } from '../../server/src/core/analyze';
import { defaultConfig } from '../../server/src/core/config';
import { ANNOTATION_PREFIX, looksLikeManifest, ManifestLinks, parseManifest } from '../../server/src/core/manifests/k8s';
import { parseFile } from '../../server/src/core/parse';
import type { WorkloadDecl } from '../../server/src/core/types';
import { props } from '../properties';
import { analyzeTexts, diagsOf, FLEET } from './helpers';
import { corpusFiles } from '../corpus';

const GI = 1024 ** 3;
const MI = 1024 ** 2;

/** A Deployment whose pod spec is `pod` (indented by the caller to 6 spaces). */
const deployment = (pod: string, extra = '', meta = '') =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\n${meta}spec:\n${extra}  template:\n    spec:\n${pod
    .trim()
    .split('\n')
    .map((l) => `      ${l}`)
    .join('\n')}\n`;
const container = (resources: string) => `containers:\n  - name: c\n    image: x\n    resources:\n${resources
  .trim()
  .split('\n')
  .map((l) => `      ${l}`)
  .join('\n')}`;

const one = (text: string): WorkloadDecl => {
  const p = parseManifest('m.yaml', text);
  assert.equal(p.workloads.length, 1, JSON.stringify(p.findings));
  return p.workloads[0];
};

interface FieldCase {
  name: string;
  text: string;
  /** Fields of the declaration, compared one by one. */
  expect: Partial<Record<keyof WorkloadDecl, unknown>>;
  /** The text the field's span (in `manifest.fields`) covers. */
  spans?: Record<string, string>;
}

const fieldCases: FieldCase[] = [
  { name: 'kind Deployment: stateless linux, replicas', text: deployment('containers: [{ name: c, image: x }]', '  replicas: 4\n'), expect: { state: 'stateless', os: 'linux', replicas: 4, architecture: undefined, deploy: undefined }, spans: { replicas: '4' } },
  { name: 'kind StatefulSet: stateful', text: deployment('containers: [{ name: c }]').replace('Deployment', 'StatefulSet'), expect: { state: 'stateful' }, spans: { state: 'StatefulSet' } },
  { name: 'kind Job: batch, parallelism as replicas', text: 'apiVersion: batch/v1\nkind: Job\nmetadata: { name: j }\nspec:\n  parallelism: 3\n  template:\n    spec:\n      containers: [{ name: c }]\n', expect: { architecture: 'batch', replicas: 3 } },
  { name: 'kind CronJob: batch', text: 'apiVersion: batch/v1\nkind: CronJob\nmetadata: { name: j }\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers: [{ name: c, resources: { requests: { cpu: 2 } } }]\n', expect: { architecture: 'batch', cpu: 2 } },
  { name: 'kind DaemonSet: one per host, no replicas', text: deployment('containers: [{ name: c }]', '  replicas: 9\n').replace('Deployment', 'DaemonSet'), expect: { replicas: undefined } },
  { name: 'kind Pod: the spec is the pod', text: 'apiVersion: v1\nkind: Pod\nmetadata: { name: p }\nspec:\n  containers: [{ name: c, resources: { requests: { memory: 1Gi } } }]\n', expect: { memory: GI, replicas: undefined } },
  { name: 'kind ReplicaSet and ReplicationController', text: deployment('containers: [{ name: c }]', '  replicas: 2\n').replace('Deployment', 'ReplicationController'), expect: { replicas: 2 } },
  { name: 'requests summed over containers', text: deployment(`${container('requests: { cpu: 500m, memory: 256Mi }')}\n  - name: d\n    resources: { requests: { cpu: 250m, memory: 256Mi } }`), expect: { cpu: 0.75, memory: 512 * MI } },
  { name: 'limits when a container has no requests', text: deployment(container('limits: { cpu: "2", memory: 1Gi }')), expect: { cpu: 2, memory: GI }, spans: { cpu: '"2"' } },
  { name: 'requests win over limits', text: deployment(container('requests: { cpu: 1 }\nlimits: { cpu: 4 }')), expect: { cpu: 1 } },
  { name: 'init containers: the larger of the sum and the largest init', text: deployment(`initContainers:\n  - name: i\n    resources: { requests: { cpu: 3, memory: 64Mi } }\n${container('requests: { cpu: 1, memory: 1Gi }')}`), expect: { cpu: 3, memory: GI } },
  { name: 'sidecar init containers (restartPolicy: Always) add up', text: deployment(`initContainers:\n  - name: s\n    restartPolicy: Always\n    resources: { requests: { cpu: 1 } }\n${container('requests: { cpu: 1 }')}`), expect: { cpu: 2 } },
  { name: 'nodeSelector kubernetes.io/os', text: deployment('nodeSelector:\n  kubernetes.io/os: windows\ncontainers: [{ name: c }]'), expect: { os: 'windows' }, spans: { os: 'windows' } },
  { name: 'node affinity kubernetes.io/os', text: deployment('affinity:\n  nodeAffinity:\n    requiredDuringSchedulingIgnoredDuringExecution:\n      nodeSelectorTerms:\n        - matchExpressions:\n            - { key: kubernetes.io/os, operator: In, values: [windows] }\ncontainers: [{ name: c }]'), expect: { os: 'windows' } },
  { name: 'kubernetes.io/hostname → pins', text: deployment('affinity:\n  nodeAffinity:\n    requiredDuringSchedulingIgnoredDuringExecution:\n      nodeSelectorTerms:\n        - matchExpressions:\n            - { key: kubernetes.io/hostname, operator: In, values: [k8s-01, k8s-02] }\ncontainers: [{ name: c }]'), expect: { pins: ['k8s-01', 'k8s-02'] } },
  { name: 'runtimeClassName kata → container-in-vm', text: deployment('runtimeClassName: kata-qemu\ncontainers: [{ name: c }]'), expect: { deploy: 'container-in-vm' }, spans: { deploy: 'kata-qemu' } },
  { name: 'runtimeClassName gvisor → container-in-vm', text: deployment('runtimeClassName: gvisor\ncontainers: [{ name: c }]'), expect: { deploy: 'container-in-vm' } },
  { name: 'runtimeClassName runc: a plain container', text: deployment('runtimeClassName: runc\ncontainers: [{ name: c }]'), expect: { deploy: undefined } },
  { name: 'SYS_MODULE → kernel custom', text: deployment('containers:\n  - name: c\n    securityContext: { capabilities: { add: [SYS_MODULE] } }'), expect: { kernel: 'custom' } },
  { name: 'hostPath /lib/modules → kernel custom', text: deployment('containers: [{ name: c }]\nvolumes:\n  - name: m\n    hostPath: { path: /lib/modules }'), expect: { kernel: 'custom' } },
  { name: 'hostPath /proc: no custom kernel', text: deployment('containers: [{ name: c }]\nvolumes:\n  - name: m\n    hostPath: { path: /proc }'), expect: { kernel: undefined } },
  { name: 'claimed PVC → stateful volume', text: deployment('containers: [{ name: c }]\nvolumes:\n  - name: d\n    persistentVolumeClaim: { claimName: data }'), expect: { state: 'stateful', volumes: [{ name: 'data', size: undefined }] } },
  { name: 'volumeClaimTemplates → sized volumes', text: deployment('containers: [{ name: c }]', '  volumeClaimTemplates:\n    - metadata: { name: data }\n      spec: { resources: { requests: { storage: 10Gi } } }\n').replace('Deployment', 'StatefulSet'), expect: { volumes: [{ name: 'data', size: 10 * GI }] } },
  { name: `annotation ${ANNOTATION_PREFIX}isolation`, text: deployment('containers: [{ name: c }]', '', `  annotations:\n    ${ANNOTATION_PREFIX}isolation: strict\n`), expect: { isolation: 'strict' }, spans: { isolation: 'strict' } },
  { name: `annotation ${ANNOTATION_PREFIX}live-migration`, text: deployment('containers: [{ name: c }]', '', `  annotations:\n    ${ANNOTATION_PREFIX}live-migration: "true"\n`), expect: { liveMigration: true } },
  { name: `annotation ${ANNOTATION_PREFIX}disaster-recovery`, text: deployment('containers: [{ name: c }]', '', `  annotations:\n    ${ANNOTATION_PREFIX}disaster-recovery: "true"\n`), expect: { disasterRecovery: true } },
  { name: `annotation ${ANNOTATION_PREFIX}kernel`, text: deployment('containers: [{ name: c }]', '', `  annotations:\n    ${ANNOTATION_PREFIX}kernel: custom\n`), expect: { kernel: 'custom' } },
  {
    name: 'KubeVirt VirtualMachine: vm, cores × sockets × threads, memory.guest, LiveMigrate',
    text: 'apiVersion: kubevirt.io/v1\nkind: VirtualMachine\nmetadata: { name: vm }\nspec:\n  template:\n    spec:\n      evictionStrategy: LiveMigrate\n      domain:\n        cpu: { cores: 2, sockets: 2, threads: 2 }\n        memory: { guest: 4Gi }\n',
    expect: { deploy: 'vm', cpu: 8, memory: 4 * GI, liveMigration: true, replicas: undefined },
    spans: { liveMigration: 'LiveMigrate', memory: '4Gi' },
  },
];

describe('k8s: one row per mapped field', () => {
  for (const c of fieldCases) {
    it(c.name, () => {
      const w = one(c.text);
      for (const [k, v] of Object.entries(c.expect)) {
        let got: unknown = w[k as keyof WorkloadDecl];
        if (k === 'pins') got = w.pins.map((p) => p.name);
        if (k === 'volumes') got = w.volumes.map((x) => ({ name: x.name, size: x.size }));
        assert.deepEqual(got, v, k);
      }
      for (const [field, covered] of Object.entries(c.spans ?? {})) {
        const s = w.manifest!.fields[field];
        assert.ok(s, `a span for ${field}`);
        assert.equal(c.text.slice(s.start, s.end), covered, field);
      }
      assert.equal(c.text.slice(w.nameSpan.start, w.nameSpan.end), w.name, 'named by metadata.name');
    });
  }

  it('a GPU count becomes the workload\'s gpus, placed like a descriptor\'s', () => {
    const p = parseManifest('m.yaml', deployment(container('limits:\n  nvidia.com/gpu: 2\n  cpu: 1')));
    assert.equal(p.workloads[0].manifest!.gpus, 2);
    assert.equal(p.workloads[0].gpus, 2);
    assert.deepEqual(p.findings.map((f) => f.ruleId), []);
  });

  it('an annotation under the prefix with a bad value or an unknown name is reported', () => {
    const p = parseManifest('m.yaml', deployment('containers: [{ name: c }]', '', `  annotations:\n    ${ANNOTATION_PREFIX}isolation: high\n    ${ANNOTATION_PREFIX}colour: red\n    other.io/x: y\n`));
    assert.deepEqual(p.findings.map((f) => f.ruleId), ['invalid-value', 'unknown-key']);
    assert.equal(p.workloads[0].isolation, undefined);
  });
});

/** Hosts with sites: two container hosts in zone a, one in b, a hypervisor in c. */
const SITED = `version: 1
hosts:
  - { name: node-a1, role: container-host, os: linux, runtime: containerd, cpu: 16, memory: 64Gi, site: eu-1a }
  - { name: node-a2, role: container-host, os: linux, runtime: containerd, cpu: 16, memory: 64Gi, site: eu-1a }
  - { name: node-b1, role: container-host, os: linux, runtime: containerd, cpu: 16, memory: 64Gi, site: eu-1b }
  - { name: esx-c1, role: hypervisor, hypervisor: esxi, cpu: 64, memory: 512Gi, site: eu-1c }
`;
const zoneAffinity = (op: string, values: string) => `affinity:\n  nodeAffinity:\n    requiredDuringSchedulingIgnoredDuringExecution:\n      nodeSelectorTerms:\n        - matchExpressions:\n            - { key: topology.kubernetes.io/zone, operator: ${op}, values: ${values} }\ncontainers: [{ name: c }]`;

interface ZoneCase {
  name: string;
  pod: string;
  hosts: string;
  /** The pins after linking. */
  pins: string[];
  /** The text the pins' span covers. */
  span?: string;
  /** Findings added by linking, as `ruleId` strings. */
  findings?: string[];
}

const zoneCases: ZoneCase[] = [
  { name: 'nodeSelector zone → the hosts of that site', pod: 'nodeSelector:\n  topology.kubernetes.io/zone: eu-1a\ncontainers: [{ name: c }]', hosts: SITED, pins: ['node-a1', 'node-a2'], span: 'eu-1a' },
  { name: 'affinity In one zone → the hosts of that site', pod: zoneAffinity('In', '[eu-1b]'), hosts: SITED, pins: ['node-b1'], span: 'eu-1b' },
  { name: 'affinity In several zones → the hosts of any of them', pod: zoneAffinity('In', '[eu-1b, eu-1a]'), hosts: SITED, pins: ['node-b1', 'node-a1', 'node-a2'], span: 'eu-1b' },
  { name: 'the legacy failure-domain label', pod: 'nodeSelector:\n  failure-domain.beta.kubernetes.io/zone: eu-1b\ncontainers: [{ name: c }]', hosts: SITED, pins: ['node-b1'] },
  { name: 'a zone no host has: unknown-host at the zone, no pins', pod: zoneAffinity('In', '[us-2]'), hosts: SITED, pins: [], findings: ['unknown-host'] },
  { name: 'a fleet without sites: the zone is not modelled, nothing applied', pod: zoneAffinity('In', '[eu-1a]'), hosts: FLEET, pins: [] },
  { name: 'NotIn is not a site constraint', pod: zoneAffinity('NotIn', '[eu-1a]'), hosts: SITED, pins: [] },
  { name: 'hostname pins win over zones (the narrower constraint)', pod: 'nodeSelector:\n  topology.kubernetes.io/zone: eu-1a\n  kubernetes.io/hostname: node-b1\ncontainers: [{ name: c }]', hosts: SITED, pins: ['node-b1'] },
];

describe('k8s: topology.kubernetes.io/zone → the hosts of that site', () => {
  for (const c of zoneCases) {
    it(c.name, () => {
      const text = deployment(c.pod);
      const linked = new ManifestLinks().link([parseFile('hosts.workload.yaml', c.hosts), parseManifest('m.yaml', text)]);
      const m = linked[1];
      const w = m.workloads[0];
      assert.deepEqual(w.pins.map((p) => p.name), c.pins);
      if (c.span) assert.equal(text.slice(w.pins[0].span.start, w.pins[0].span.end), c.span);
      const added = m.findings.map((f) => f.ruleId);
      assert.deepEqual(added, c.findings ?? []);
      if (c.findings?.length) assert.match(m.findings[0].message, /no host has that `site`/);
    });
  }

  it('a zone no host has is a diagnostic on the zone, in the analysis', () => {
    const text = deployment('nodeSelector:\n  topology.kubernetes.io/zone: us-2\ncontainers: [{ name: c }]');
    assert.deepEqual(diagsOf({ 'hosts.workload.yaml': SITED, 'm.yaml': text }, 'm.yaml'), ['unknown-host@us-2']);
  });

  it('placement honours it: a zone of hypervisors only rules out a plain container', () => {
    const pod = 'nodeSelector:\n  topology.kubernetes.io/zone: eu-1c\ncontainers: [{ name: c, resources: { requests: { cpu: 1, memory: 1Gi } } }]';
    const free = analyzeTexts({ 'hosts.workload.yaml': SITED, 'm.yaml': deployment(pod.replace('eu-1c', 'eu-1a')) }).analysis;
    const held = analyzeTexts({ 'hosts.workload.yaml': SITED, 'm.yaml': deployment(pod) }).analysis;
    assert.equal([...free.recommendations.values()][0].verdict, 'container');
    assert.equal([...held.recommendations.values()][0].verdict, 'vm');
  });
});

const CORPUS = path.resolve(__dirname, '..', '..', '..', 'test', 'manifests', 'corpus');

describe('k8s: a realistic corpus', () => {
  const files = corpusFiles(CORPUS);
  const manifests = Object.entries(files).filter(([, t]) => looksLikeManifest(t));
  const parsed = manifests.map(([name, text]) => parseManifest(name, text));
  const analysis = analyze([...parsed, parseFile('hosts.workload.yaml', FLEET)], defaultConfig());
  const byName = new Map(analysis.fleet.workloads.map((w) => [w.name, w]));

  it('takes the manifests and leaves other YAML alone', () => {
    assert.deepEqual(
      manifests.map(([n]) => n),
      Object.keys(files).filter((n) => n !== 'ci.yaml'),
    );
  });

  it('finds every workload, in multi-document files and Lists, and only workloads', () => {
    assert.deepEqual([...byName.keys()].sort(), ['api', 'cache-warmer', 'inference', 'legacy-erp', 'legacy-frontend', 'nightly-report', 'node-agent', 'postgres', 'reindex', 'untrusted-build', 'web']);
  });

  it('joins an HPA in another file by scaleTargetRef', () => {
    assert.deepEqual(byName.get('web')!.scaling, { min: 3, max: 12 });
    // The file the analysis read holds the joined copy (what hover and lenses read).
    const web = analysis.fleet.files.find((f) => f.file === 'web.yaml')!;
    assert.equal(web.workloads.find((w) => w.name === 'web'), byName.get('web'));
  });

  it('maps the StatefulSet, the node agent, the GPU Deployment, the VM and the sandbox', () => {
    const pg = byName.get('postgres')!;
    assert.deepEqual(pg.volumes.map((v) => [v.name, v.size]), [['data', 100 * GI], ['wal', 20 * GI]]);
    assert.deepEqual(pg.manifest!.zones, ['eu-west-1a', 'eu-west-1b']);
    assert.equal(pg.disasterRecovery, true);
    const agent = byName.get('node-agent')!;
    assert.equal(agent.kernel, 'custom');
    assert.equal(agent.manifest!.perHost, true);
    assert.equal(agent.replicas, 1, 'one per container host (FLEET has one)');
    assert.equal(byName.get('inference')!.manifest!.gpus, 2);
    const vm = byName.get('legacy-erp')!;
    assert.deepEqual([vm.deploy, vm.cpu, vm.memory, vm.liveMigration, vm.volumes[0].size], ['vm', 4, 8 * GI, true, 60 * GI]);
    assert.equal(byName.get('untrusted-build')!.deploy, 'container-in-vm');
    assert.equal(byName.get('cache-warmer')!.volumes[0].size, 5 * GI);
  });

  it('gives every workload a verdict', () => {
    for (const w of analysis.fleet.workloads) assert.ok(analysis.recommendations.get(w)?.verdict, w.name);
    assert.equal(analysis.recommendations.get(byName.get('node-agent')!)!.verdict === 'container', false, 'a custom kernel is not a container');
  });

  it('reports what shares the host kernel, the template and the broken file, once each', () => {
    const rules = (f: string) => (analysis.diagnostics.get(f) ?? []).map((d) => d.ruleId);
    assert.deepEqual(rules('node-agent.yaml').filter((r) => r === 'host-kernel-access').length, 6);
    assert.deepEqual(rules('chart/templates/deployment.yaml'), ['manifest-template']);
    assert.deepEqual(rules('broken.yaml'), ['yaml-syntax']);
    assert.equal(parsed.find((p) => p.file === 'broken.yaml')!.workloads.length, 0);
  });

  it('descriptor fixes never apply to a manifest', () => {
    for (const [f, ds] of analysis.diagnostics) if (f !== 'hosts.workload.yaml') for (const d of ds) assert.ok(!d.fixes?.length, `${f}: ${d.ruleId}`);
  });
});

describe('k8s: not ours', () => {
  it('unknown kinds are ignored without a word', () => {
    const p = parseManifest('m.yaml', 'apiVersion: example.io/v1\nkind: Widget\nmetadata: { name: w }\n---\napiVersion: v1\nkind: Service\nmetadata: { name: s }\n');
    assert.deepEqual([p.workloads.length, p.findings.length], [0, 0]);
  });

  it('a VirtualMachine of another API group is not KubeVirt', () => {
    assert.equal(parseManifest('m.yaml', 'apiVersion: example.io/v1\nkind: VirtualMachine\nmetadata: { name: v }\n').workloads.length, 0);
  });

  it('the cheap test needs apiVersion, kind and a known kind', () => {
    assert.equal(looksLikeManifest('name: build\njobs: {}\n'), false);
    assert.equal(looksLikeManifest('apiVersion: v1\nkind: ConfigMap\n'), false);
    assert.equal(looksLikeManifest('apiVersion: v1\nkind: Pod\n'), true);
    assert.equal(looksLikeManifest('apiVersion: v1\nkind: List\nitems:\n  - kind: Deployment\n'), true);
  });

  it('`{{` in a ConfigMap of rendered output is not a template: the file is read', () => {
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: alerts }\ndata:\n  rule: "{{ $labels.instance }} is down"\n---\n${deployment('containers: [{ name: c }]')}`;
    const p = parseManifest('m.yaml', text);
    assert.deepEqual([p.workloads.map((w) => w.name), p.findings], [['app'], []]);
  });

  it('a Helm template that breaks the YAML: one note, no syntax error', () => {
    const p = parseManifest('m.yaml', '{{- if .Values.enabled }}\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n{{- end }}\n');
    assert.deepEqual(p.findings.map((f) => f.ruleId), ['manifest-template']);
    assert.equal(p.workloads.length, 0);
  });

  it('invalid YAML: one parse diagnostic, no throw', () => {
    const p = parseManifest('m.yaml', 'apiVersion: v1\nkind: Pod\nmetadata: { name: [a\n  b: "\n---\n: :\n');
    assert.deepEqual(p.findings.map((f) => f.ruleId), ['yaml-syntax']);
  });
});

describe('k8s: reading never throws', () => {
  const base = Object.values(corpusFiles(CORPUS)).filter(looksLikeManifest);
  it('mutated manifests (cut, spliced, characters inserted) are read without a throw', () => {
    const mutated = fc
      .tuple(fc.constantFrom(...base), fc.nat(), fc.nat(), fc.string({ unit: fc.constantFrom(' ', '\n', '-', ':', '{', '}', '[', ']', '"', "'", '&', '*', '!', '#', '|', '>', 'a', '1', '\t', '\r', '\u0000') }))
      .map(([t, a, b, ins]) => {
        const i = a % (t.length + 1);
        const j = Math.min(t.length, i + (b % 40));
        return t.slice(0, i) + ins + t.slice(j);
      });
    fc.assert(
      fc.property(mutated, (text) => {
        const p = parseManifest('m.yaml', text);
        analyze([p, parseFile('h.workload.yaml', FLEET)], defaultConfig());
        assert.ok(p.findings.filter((f) => f.ruleId === 'yaml-syntax').length <= 1);
      }),
      props(200, 4242),
    );
  });
});

describe('k8s: docs/inputs.md', () => {
  const doc = fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'docs', 'inputs.md'), 'utf8');
  it('lists every annotation with its values', async () => {
    const { ANNOTATIONS } = await import('../../server/src/core/manifests/k8s');
    for (const [k, values] of Object.entries(ANNOTATIONS)) {
      const row = doc.split('\n').find((l) => l.startsWith(`| \`${ANNOTATION_PREFIX}${k}\` |`));
      assert.ok(row, k);
      for (const v of values) assert.ok(row.includes(v), `${k}: ${v}`);
    }
  });
});

describe('k8s: container runtime sockets', () => {
  const cases: [string, string, boolean][] = [
    ['the Docker socket', '/var/run/docker.sock', true],
    ['the folder holding it', '/var/run', true],
    ['the containerd socket', '/run/containerd/containerd.sock', true],
    ['CRI-O, with a trailing slash on its folder', '/var/run/crio/', true],
    ['an unrelated socket', '/var/run/app.sock', false],
    ['a data folder', '/srv/data', false],
  ];
  for (const [name, path, hit] of cases) {
    it(`hostPath ${name}: ${hit ? 'host-kernel-access' : 'nothing'}`, () => {
      const p = parseManifest('m.yaml', deployment(`containers: [{ name: c }]\nvolumes:\n  - name: s\n    hostPath: { path: ${path} }`));
      const found = p.findings.filter((f) => f.ruleId === 'host-kernel-access');
      assert.equal(found.length, hit ? 1 : 0, JSON.stringify(p.findings));
      if (hit) assert.match(found[0].message, /container runtime's socket .*controls the host and its kernel/);
    });
  }
});

describe('k8s: suppression comments', () => {
  it('`# placement-ignore` works in a manifest, on the line or above it', () => {
    const t = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  hostPID: true # placement-ignore host-kernel-access\n  # placement-ignore host-kernel-access\n  hostNetwork: true\n  hostIPC: true\n  containers: [{ name: c }]\n';
    const a = analyze([parseManifest('m.yaml', t)], defaultConfig());
    assert.deepEqual(a.diagnostics.get('m.yaml')!.map((d) => t.slice(d.span.start - 9, d.span.end)), ['hostIPC: true']);
  });
});

describe('k8s: quick fixes', () => {
  it('strict isolation in a plain container: the fix adds a Kata runtime class, which the fix path verifies', async () => {
    const { applyEdits, reparser, verifyFixes } = await import('../../server/src/core/fix');
    const text = deployment('containers:\n  - name: c\n    image: x', '', `  annotations:\n    ${ANNOTATION_PREFIX}isolation: strict\n`);
    const p = parseManifest('m.yaml', text);
    const f = p.findings.find((x) => x.ruleId === 'strict-isolation-container');
    assert.ok(f, JSON.stringify(p.findings));
    assert.equal(text.slice(f.span.start, f.span.end), 'strict');
    const fix = f.fixes![0];
    assert.equal(fix.safe, false, 'the cluster must offer the runtime class');
    const after = applyEdits(text, fix.edits);
    assert.match(after, /\n {6}runtimeClassName: kata\n/);
    const again = parseManifest('m.yaml', after);
    assert.deepEqual(again.findings, []);
    assert.equal(again.workloads[0].deploy, 'container-in-vm');
    const v = verifyFixes(text, [{ fix, edits: fix.edits, findings: [f] }], p.findings, reparser('m.yaml', undefined, true));
    assert.equal(v.applied.length, 1);
  });

  it('the sandbox fix is offered only where the fleet can run a container in a VM', () => {
    const text = deployment('containers:\n  - name: c\n    image: x', '', `  annotations:\n    ${ANNOTATION_PREFIX}isolation: strict\n`);
    const fleet = (runtime: string) => `version: 1\nhosts:\n  - { name: k8s-01, role: container-host, os: linux, runtime: containerd, cpu: 16, memory: 64Gi }\n  - { name: esx-01, role: hypervisor, hypervisor: esxi, ${runtime}cpu: 32, memory: 256Gi }\n`;
    const fixesOf = (hosts: string) => {
      const a = analyze([parseFile('hosts.workload.yaml', hosts), parseManifest('m.yaml', text)], defaultConfig());
      const d = a.diagnostics.get('m.yaml')!.find((x) => x.ruleId === 'strict-isolation-container');
      assert.ok(d);
      return { titles: (d.fixes ?? []).map((f) => f.title), feasible: [...a.recommendations.values()][0].feasible };
    };
    // No hypervisor offers a container runtime: container-in-vm is ruled out, so is the fix.
    const without = fixesOf(fleet(''));
    assert.ok(!without.feasible.includes('container-in-vm'));
    assert.deepEqual(without.titles, []);
    const withRuntime = fixesOf(fleet('runtime: containerd, '));
    assert.ok(withRuntime.feasible.includes('container-in-vm'));
    assert.deepEqual(withRuntime.titles, ['Run it in a Kata sandbox: add `runtimeClassName: kata`']);
  });

  it('a sandboxed workload asked to be strict is left alone', () => {
    const text = deployment('runtimeClassName: kata\ncontainers: [{ name: c }]', '', `  annotations:\n    ${ANNOTATION_PREFIX}isolation: strict\n`);
    assert.deepEqual(parseManifest('m.yaml', text).findings, []);
  });
});
