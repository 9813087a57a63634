// Export → read back: the bundled example fleets are exported, the YAML text is parsed
// again with the `yaml` package alone, each workload is rebuilt from its objects
// (`readBack`, a small reader of what the export writes) and compared with its
// descriptor: the deployment (kind, runtime class), requests, instance counts, the OS
// selector and the pins. The Kubernetes importer (issue #12, item 1) will read the same
// files; docs/export.md says what it must give back.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { analyze } from '../../server/src/core/analyze';
import { defaultConfig } from '../../server/src/core/config';
import { parseManifest } from '../../server/src/core/manifests/k8s';
import { parseFile } from '../../server/src/core/parse';
import { parseCpu, parseMemory } from '../../server/src/core/quantity';
import type { Deploy, WorkloadDecl } from '../../server/src/core/types';
import { ANNOTATION_PREFIX as P, exportK8s, type K8sObject } from '../../server/src/export/k8s';
import { validateObject } from './validate';

const ROOT = path.join(__dirname, '..', '..', '..');
const EXAMPLES = path.join(ROOT, 'examples');

/** What a workload's objects say about it, read from the YAML alone. */
interface ReadBack {
  workload: string;
  deploy: Deploy;
  verdict: string;
  shape: 'stateless' | 'stateful' | 'batch' | 'vm';
  cpu?: number;
  memory?: number;
  /** Fixed instances, or the autoscaler's range. */
  replicas?: number;
  scaling?: { min: number; max: number };
  os?: string;
  pins: string[];
  source: string;
  liveMigration: boolean;
}

type Obj = K8sObject & { spec?: Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any

function readBack(objects: Obj[]): ReadBack {
  const main = objects.find((o) => o.kind !== 'HorizontalPodAutoscaler' && o.kind !== 'PersistentVolumeClaim')!;
  const a = main.metadata.annotations ?? {};
  const pinsOf = (spec: Record<string, any> | undefined): string[] => // eslint-disable-line @typescript-eslint/no-explicit-any
    spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]?.matchExpressions?.find((m: { key: string }) => m.key === 'kubernetes.io/hostname')?.values ?? [];
  const common = { workload: a[`${P}workload`], verdict: a[`${P}verdict`], source: a[`${P}source`], liveMigration: a[`${P}live-migration`] === 'true' };
  if (main.kind === 'VirtualMachine') {
    const vms = objects.filter((o) => o.kind === 'VirtualMachine');
    const spec = main.spec!.template.spec;
    return {
      ...common,
      deploy: 'vm',
      shape: 'vm',
      cpu: spec.domain.cpu?.cores,
      memory: spec.domain.memory ? value(parseMemory(spec.domain.memory.guest)) : undefined,
      replicas: vms.length,
      os: a[`${P}os`],
      pins: pinsOf(spec),
      liveMigration: spec.evictionStrategy === 'LiveMigrate',
    };
  }
  const pod = main.spec!.template.spec;
  const requests = pod.containers[0].resources?.requests ?? {};
  const hpa = objects.find((o) => o.kind === 'HorizontalPodAutoscaler');
  return {
    ...common,
    deploy: pod.runtimeClassName === 'kata' ? 'container-in-vm' : 'container',
    shape: main.kind === 'Job' ? 'batch' : main.kind === 'StatefulSet' ? 'stateful' : 'stateless',
    cpu: requests.cpu !== undefined ? value(parseCpu(requests.cpu)) : undefined,
    memory: requests.memory !== undefined ? value(parseMemory(requests.memory)) : undefined,
    replicas: main.kind === 'Job' ? main.spec!.parallelism : main.spec!.replicas,
    scaling: hpa ? { min: hpa.spec!.minReplicas, max: hpa.spec!.maxReplicas } : undefined,
    os: pod.nodeSelector?.['kubernetes.io/os'],
    pins: pinsOf(pod),
  };
}

function value(r: ReturnType<typeof parseCpu>): number {
  assert.ok(r.ok, 'a quantity the export wrote does not parse');
  return r.value;
}

/** What the descriptor says the objects must give back. */
function expected(w: WorkloadDecl, deploy: Deploy): Partial<ReadBack> {
  const elastic = w.scaling && w.scaling.max > w.scaling.min;
  const count = w.scaling ? w.scaling.min : w.replicas ?? 1;
  const e: Partial<ReadBack> = { workload: w.name, deploy, pins: w.pins.map((p) => p.name), liveMigration: w.liveMigration === true };
  if (deploy === 'vm') {
    return { ...e, shape: 'vm', cpu: w.cpu === undefined ? undefined : Math.ceil(w.cpu), memory: w.memory, replicas: Math.max(1, count), os: w.os };
  }
  const shape = w.architecture === 'batch' ? 'batch' : w.state === 'stateful' ? 'stateful' : 'stateless';
  return {
    ...e,
    shape,
    cpu: w.cpu,
    memory: w.memory,
    replicas: shape === 'batch' ? (elastic ? w.scaling!.max : count) : elastic ? undefined : count,
    scaling: shape !== 'batch' && elastic ? { min: Math.max(1, w.scaling!.min), max: w.scaling!.max } : undefined,
    os: w.os === 'linux' || w.os === 'windows' ? w.os : undefined,
  };
}

const folders = fs.readdirSync(EXAMPLES, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();

describe('export k8s: round trip over the example fleets', () => {
  it('there are examples', () => assert.ok(folders.length >= 3));
  for (const folder of folders) {
    it(folder, () => {
      const dir = path.join(EXAMPLES, folder);
      const names = fs.readdirSync(dir).filter((f) => /\.workload\.ya?ml$/i.test(f)).sort();
      const parsed = names.map((n) => parseFile(path.join(dir, n), fs.readFileSync(path.join(dir, n), 'utf8')));
      const analysis = analyze(parsed, defaultConfig());
      const display = (f: string) => path.relative(ROOT, f).split(path.sep).join('/');
      const result = exportK8s(analysis, parsed, { display });
      const texts = new Map(result.files.map((f) => [f.path, f.text]));
      const byName = new Map(parsed.flatMap((p) => p.workloads).map((w) => [w.name, w]));

      // Every workload is exported or skipped, once.
      assert.equal(result.exported.length + result.skipped.length, byName.size);
      for (const e of result.exported) {
        const objects = (parseAllDocuments(texts.get(e.file)!) as unknown as { toJS(): Obj }[]).map((d) => d.toJS());
        for (const o of objects) validateObject(o, `${folder}/${e.file}`);
        const got = readBack(objects);
        const w = byName.get(got.workload)!;
        assert.ok(w, `${e.file}: no workload '${got.workload}' in the descriptors`);
        assert.equal(got.verdict, analysis.recommendations.get(w)!.verdict ?? 'none', `${e.file}: verdict`);
        // The declared deploy when the fleet can run it, else the verdict.
        const rec = analysis.recommendations.get(w)!;
        const deploy = w.deploy && !rec.constraints.some((c) => c.deploy === w.deploy) ? w.deploy : rec.verdict!;
        const want = expected(w, deploy);
        for (const [k, v] of Object.entries(want)) assert.deepEqual(got[k as keyof ReadBack], v, `${folder}/${e.file}: ${k}`);
        // The source annotation points at the workload's name in its descriptor.
        const [file, line] = got.source.split(/:(?=\d+$)/);
        const lines = fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n');
        assert.match(lines[Number(line) - 1], new RegExp(`name: ${w.name}\\b`), `${e.file}: source ${got.source}`);
      }
    });
  }
});

describe('export k8s: read back with the Kubernetes import', () => {
  for (const folder of folders) {
    it(`${folder}: every exported workload gets its verdict back`, () => {
      const dir = path.join(EXAMPLES, folder);
      const names = fs.readdirSync(dir).filter((f) => /\.workload\.ya?ml$/i.test(f)).sort();
      const parsed = names.map((n) => parseFile(path.join(dir, n), fs.readFileSync(path.join(dir, n), 'utf8')));
      const analysis = analyze(parsed, defaultConfig());
      const result = exportK8s(analysis, parsed, { display: (f) => f });
      const verdicts = new Map([...analysis.recommendations].map(([w, r]) => [w.name, r.verdict]));
      // The fleet's hosts, and the exported objects as manifests (as `check hosts.workload.yaml k8s/` reads them).
      const hosts = parsed.filter((p) => p.hosts.length).map((p) => parseFile(p.file, p.text));
      const manifests = result.files.filter((f) => f.path.endsWith('.yaml') && f.path !== 'kustomization.yaml').map((f) => parseManifest(`k8s/${f.path}`, f.text));
      for (const m of manifests) assert.deepEqual(m.findings.map((f) => `${f.ruleId} ${f.message}`), [], `${m.file}: the import reads the export without a word`);
      const back = analyze([...hosts, ...manifests], defaultConfig());
      let read = 0;
      for (const [w, rec] of back.recommendations) {
        if (!w.manifest) continue;
        read++;
        // One VirtualMachine per instance: `name-0`, `name-1`… of one workload.
        const original = verdicts.has(w.name) ? w.name : w.name!.replace(/-\d+$/, '');
        assert.ok(verdicts.has(original), `${w.name}: no such workload in ${folder}`);
        assert.equal(rec.verdict, verdicts.get(original), `${folder}/${w.name}: the verdict read back`);
      }
      assert.ok(read >= result.exported.length, `${read} workloads read back from ${result.exported.length} exported`);
    });
  }
});
