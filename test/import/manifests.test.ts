// Manifests → descriptors (server/src/import/manifests.ts), in process: every field the
// Kubernetes reader maps survives the trip (field by field, and the verdicts `check`
// gives), over the realistic corpus and over manifests that use every annotation, zones,
// GPUs and DaemonSets; what is skipped is reported; hostile text stays inert.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { analyze } from '../../server/src/core/analyze';
import { defaultConfig } from '../../server/src/core/config';
import { ANNOTATION_PREFIX, ManifestLinks, parseManifest } from '../../server/src/core/manifests/k8s';
import { parseFile } from '../../server/src/core/parse';
import type { ParsedFile, WorkloadDecl } from '../../server/src/core/types';
import { importManifests } from '../../server/src/import/manifests';
import { parseAny } from '../core/helpers';
import { corpusFiles } from '../corpus';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CORPUS = path.join(ROOT, 'test', 'manifests', 'corpus');
const HOSTS = fs.readFileSync(path.join(ROOT, 'test', 'cli', 'fixtures', 'hosts.workload.yaml'), 'utf8');

const SITED = `version: 1
hosts:
  - { name: node-a1, role: container-host, os: linux, runtime: containerd, cpu: 32, memory: 128Gi, gpus: 2, site: eu-1a }
  - { name: node-b1, role: container-host, os: linux, runtime: containerd, cpu: 32, memory: 128Gi, site: eu-1b }
  - { name: win-a1, role: container-host, os: windows, runtime: containerd, cpu: 32, memory: 128Gi, site: eu-1a }
  - { name: esx-a1, role: hypervisor, hypervisor: esxi, runtime: containerd, cpu: 64, memory: 512Gi, gpus: 4, site: eu-1a }
  - { name: esx-b1, role: hypervisor, hypervisor: esxi, runtime: containerd, cpu: 64, memory: 512Gi, site: eu-1b }
`;

const a = (k: string, v: string) => `    ${ANNOTATION_PREFIX}${k}: "${v}"\n`;

/** Manifests that use every annotation, zones, GPUs, a DaemonSet, a claim sized in another file. */
const ANNOTATED: Record<string, string> = {
  'apps/annotated.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ledger
  namespace: bank
  annotations:
${a('isolation', 'strict')}${a('live-migration', 'true')}${a('disaster-recovery', 'true')}${a('startup', 'normal')}${a('architecture', 'monolith')}${a('kernel', 'custom')}
spec:
  replicas: 2
  template:
    spec:
      nodeSelector:
        topology.kubernetes.io/zone: eu-1a
      containers:
        - name: c
          resources: { requests: { cpu: 1500m, memory: 3Gi } }
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: trainer
  annotations:
${a('state', 'stateful')}${a('deploy', 'container')}
spec:
  template:
    spec:
      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
              - matchExpressions:
                  - { key: topology.kubernetes.io/zone, operator: In, values: [eu-1b, eu-1a] }
      containers:
        - name: c
          resources: { limits: { nvidia.com/gpu: 1, cpu: 4, memory: 16Gi } }
      volumes:
        - name: data
          persistentVolumeClaim: { claimName: datasets }
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: iis
  annotations:
${a('os', 'windows')}
spec:
  template:
    spec:
      containers: [{ name: c, resources: { requests: { cpu: 2, memory: 4Gi } } }]
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: logs
spec:
  template:
    spec:
      containers: [{ name: c, resources: { requests: { cpu: 50m, memory: 64Mi } } }]
---
apiVersion: v1
kind: Service
metadata: { name: ledger }
spec: { ports: [{ port: 80 }] }
`,
  'apps/claims.yaml': 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: { name: datasets }\nspec: { resources: { requests: { storage: 500Gi } } }\n',
  'apps/hpa.yaml': 'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: { name: iis }\nspec:\n  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: iis }\n  minReplicas: 2\n  maxReplicas: 6\n',
};

/** Every field the Kubernetes reader may set, as the descriptor reader must read it back. */
const FIELDS = ['os', 'kernel', 'architecture', 'state', 'replicas', 'scaling', 'startup', 'isolation', 'liveMigration', 'disasterRecovery', 'zone', 'gpus', 'arch', 'cpu', 'memory', 'deploy', 'hasVolumesKey'] as const;

function fieldsOf(w: WorkloadDecl): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of FIELDS) out[k] = w[k];
  out.volumes = w.volumes.map((v) => ({ name: v.name, size: v.size }));
  out.pins = w.pins.map((p) => p.name);
  return out;
}

function parseAll(files: Record<string, string>): ParsedFile[] {
  return Object.entries(files).map(([name, text]) => parseAny(name, text));
}

const FLEETS: { name: string; files: Record<string, string>; workloads: number }[] = [
  { name: 'the realistic corpus', files: { ...corpusFiles(CORPUS, 'manifests'), 'hosts.workload.yaml': HOSTS }, workloads: 11 },
  { name: 'every annotation, zones, GPUs, a DaemonSet, a claim and an HPA in other files', files: { ...ANNOTATED, 'hosts.workload.yaml': SITED }, workloads: 4 },
];

describe('import k8s: the round trip keeps every mapped field and every verdict', () => {
  for (const fleet of FLEETS) {
    it(fleet.name, () => {
      const parsed = parseAll(fleet.files);
      const result = importManifests(parsed, { display: (f) => f, command: 'import k8s' });
      const hosts = parsed.filter((p) => !p.manifest);
      const imported = result.files.map((f) => parseFile(`out/${f.name}`, f.text));
      for (const f of imported) assert.deepEqual(f.findings.map((x) => `${x.ruleId} ${x.message}`), [], `${f.file} reads without a finding`);

      const linked = new ManifestLinks().link(parsed).flatMap((p) => (p.manifest ? p.workloads : []));
      const back = new Map(imported.flatMap((f) => f.workloads).map((w) => [w.name, w]));
      assert.equal(linked.length, fleet.workloads);
      assert.equal(back.size, linked.length);
      for (const w of linked) assert.deepEqual(fieldsOf(back.get(w.name)!), fieldsOf(w), w.name);

      const before = analyze(parsed, defaultConfig());
      const after = analyze([...hosts, ...imported], defaultConfig());
      const verdicts = (an: ReturnType<typeof analyze>) => new Map([...an.recommendations].map(([w, r]) => [w.name, r.verdict]));
      const want = verdicts(before);
      const got = verdicts(after);
      for (const w of linked) assert.equal(got.get(w.name), want.get(w.name), `${w.name}: the verdict`);
    });
  }

  it('the annotated fleet really exercises the mapping (so the trip above is not trivial)', () => {
    const linked = new ManifestLinks().link(parseAll({ ...ANNOTATED, 'hosts.workload.yaml': SITED })).flatMap((p) => p.workloads);
    const by = new Map(linked.map((w) => [w.name, w]));
    assert.deepEqual(by.get('ledger')!.pins.map((p) => p.name), ['node-a1', 'win-a1', 'esx-a1']);
    assert.equal(by.get('ledger')!.liveMigration, true);
    assert.deepEqual(by.get('trainer')!.volumes.map((v) => v.size), [500 * 1024 ** 3]);
    assert.equal(by.get('trainer')!.gpus, 1);
    assert.deepEqual(by.get('iis')!.scaling, { min: 2, max: 6 });
    assert.equal(by.get('logs')!.replicas, 2);
  });
});

describe('import k8s: files, comments and the summary', () => {
  const parsed = parseAll({ ...corpusFiles(CORPUS, 'manifests'), 'hosts.workload.yaml': HOSTS });
  const result = importManifests(parsed, { display: (f) => f, command: 'import k8s' });

  it('one descriptor per manifest file with workloads, each workload under a comment naming its source', () => {
    assert.deepEqual(result.files.map((f) => f.name), ['gpu.workload.yaml', 'list.workload.yaml', 'node-agent.workload.yaml', 'postgres.workload.yaml', 'sandbox.workload.yaml', 'vm.workload.yaml', 'web.workload.yaml']);
    const web = result.files.find((f) => f.name === 'web.workload.yaml')!.text;
    const line = corpusFiles(CORPUS, 'manifests')['manifests/web.yaml'].split('\n').findIndex((l) => /^ {2}name: web$/.test(l)) + 1;
    assert.match(web, new RegExp(`^ {2}# from manifests/web\\.yaml:${line}, Deployment/web in namespace shop\\n {2}- name: web$`, 'm'));
    assert.match(web, /# scaling from the HorizontalPodAutoscaler in manifests\/hpa\.yaml/);
  });

  it('reports templates, invalid YAML and other kinds as skipped, with where', () => {
    const skipped = result.skipped.map((s) => `${s.reason} ${s.kind ?? ''}${s.name ? `/${s.name}` : ''} ${s.source.replace(/:\d+$/, '')}`);
    assert.deepEqual(skipped.sort(), [
      'kind ConfigMap/web-config manifests/web.yaml',
      'kind Service/api manifests/list.yaml',
      'kind Service/web manifests/web.yaml',
      'syntax  manifests/broken.yaml',
      'template  manifests/chart/templates/deployment.yaml',
    ]);
  });

  it('the same base name in two folders gets two files', () => {
    const text = corpusFiles(CORPUS, 'manifests')['manifests/web.yaml'];
    const r = importManifests([parseManifest('a/web.yaml', text), parseManifest('b/web.yml', text.replace(/name: web$/m, 'name: web-b'))], { display: (f) => f, command: 'import k8s' });
    assert.deepEqual(r.files.map((f) => f.name), ['web.workload.yaml', 'web-2.workload.yaml']);
  });

  it('a zone without hosts, a claim of unknown size and a DaemonSet without nodes are notes, and comments', () => {
    const r = importManifests(parseAll(ANNOTATED).filter((p) => !p.file.endsWith('claims.yaml')), { display: (f) => f, command: 'import k8s' });
    assert.equal(r.notes.length, 4, r.notes.join('\n'));
    assert.match(r.notes.join('\n'), /ledger: held to the zone eu-1a/);
    assert.match(r.notes.join('\n'), /the size of the claim datasets is unknown/);
    assert.match(r.notes.join('\n'), /logs: a DaemonSet/);
    assert.match(r.files[0].text, /# size: unknown/);
  });

  it('a zone no host has is a note and a comment, not a pin', () => {
    const elsewhere = SITED.replace(/eu-1a/g, 'eu-9z');
    const r = importManifests([parseFile('hosts.workload.yaml', elsewhere), ...parseAll(ANNOTATED)], { display: (f) => f, command: 'import k8s' });
    assert.match(r.notes.join('\n'), /ledger: held to the zone eu-1a, and no host has that site/);
    assert.match(r.files[0].text, /# topology\.kubernetes\.io\/zone eu-1a: no host of the descriptors read has that site\n/);
  });
});

describe('import k8s: hostile text stays inert', () => {
  const cases: { name: string; value: string }[] = [
    { name: 'a suppression in a name', value: 'x #placement-ignore-file' },
    { name: 'a bidirectional override', value: 'abc\u202edef' },
    { name: 'a newline and a key', value: 'a\nhosts: [evil]' },
    { name: 'YAML that reads as a number', value: '0123' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const text = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${JSON.stringify(c.value)}\n  namespace: ${JSON.stringify(c.value)}\nspec:\n  containers: [{ name: c }]\n`;
      const r = importManifests([parseManifest(`${c.value}.yaml`, text)], { display: (f) => f, command: 'import k8s' });
      const back = parseFile('out.workload.yaml', r.files[0].text);
      assert.deepEqual(back.workloads.map((w) => w.name), [c.value]);
      assert.deepEqual(back.workloads[0].pins, []);
      assert.equal(back.suppressions.file.size + back.suppressions.lines.size, 0, r.files[0].text);
      assert.doesNotMatch(r.files[0].text, /[\u202e]/);
    });
  }
});
