// Manifests in a session: what one file adds to another's workloads (an HPA's scaling, a
// claim's size, a DaemonSet's hosts) is joined in the session, with copies kept while
// nothing changes. Over random sequences of file versions, where only changed files are
// parsed again (as the workspace does), every snapshot must equal a fresh analysis.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { analyze, AnalysisSession } from '../../server/src/core/analyze';
import { defaultConfig } from '../../server/src/core/config';
import { parseManifest } from '../../server/src/core/manifests/k8s';
import { parseFile } from '../../server/src/core/parse';
import type { ParsedFile } from '../../server/src/core/types';
import { FLEET } from '../core/helpers';
import { props } from '../properties';
import { view } from './support';

const deployment = (replicas: number, claim: string) => `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: ${replicas}
  template:
    spec:
      containers: [{ name: web, resources: { requests: { cpu: 500m, memory: 1Gi } } }]
      volumes: [{ name: d, persistentVolumeClaim: { claimName: ${claim} } }]
`;
const hpa = (min: number, max: number) => `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: web }
spec: { scaleTargetRef: { kind: Deployment, name: web }, minReplicas: ${min}, maxReplicas: ${max} }
`;
const pvc = (size: string) => `apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: { name: data }\nspec: { resources: { requests: { storage: ${size} } } }\n`;
const daemon = 'apiVersion: apps/v1\nkind: DaemonSet\nmetadata: { name: agent }\nspec:\n  template:\n    spec:\n      containers: [{ name: a }]\n';
const moreHosts = `version: 1\nhosts:\n  - { name: k8s-02, role: container-host, os: linux, cpu: 8, memory: 32Gi }\n`;

/** Versions of each file (undefined: the file is absent). */
const VERSIONS: Record<string, (string | undefined)[]> = {
  'a/web.yaml': [deployment(2, 'data'), deployment(3, 'data'), deployment(2, 'other'), undefined],
  'b/hpa.yaml': [hpa(2, 8), hpa(3, 9), undefined],
  'c/pvc.yaml': [pvc('5Gi'), pvc('8Gi'), undefined],
  'd/agent.yaml': [daemon, undefined],
  'hosts.workload.yaml': [FLEET],
  'more.workload.yaml': [moreHosts, undefined],
};
const NAMES = Object.keys(VERSIONS);
const config = defaultConfig();
const parse = (name: string, text: string): ParsedFile => (name.endsWith('.workload.yaml') ? parseFile(name, text) : parseManifest(name, text));

describe('manifests in an analysis session', () => {
  it('every snapshot equals a fresh analysis, over random sequences of versions', () => {
    const step = fc.record({ file: fc.constantFrom(...NAMES), version: fc.nat() });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 12 }), (steps) => {
        const session = new AnalysisSession();
        const current = new Map<string, { text: string; parsed: ParsedFile }>();
        for (const n of NAMES) current.set(n, { text: VERSIONS[n][0]!, parsed: parse(n, VERSIONS[n][0]!) });
        session.update([...current.values()].map((x) => x.parsed), config);
        for (const s of steps) {
          const vs = VERSIONS[s.file];
          const text = vs[s.version % vs.length];
          if (text === undefined) current.delete(s.file);
          else if (current.get(s.file)?.text !== text) current.set(s.file, { text, parsed: parse(s.file, text) });
          const files = [...current.values()].map((x) => x.parsed);
          const a = session.update(files, config);
          const fresh = analyze(files.map((f) => parse(f.file, f.text)), config);
          assert.deepEqual(view(a.fleet.files, a), view(fresh.fleet.files, fresh));
        }
      }),
      props(60, 1212),
    );
  });

  it('joins as expected: scaling, claim size, one agent replica per container host', () => {
    const files = NAMES.map((n) => parse(n, VERSIONS[n][0]!));
    const a = analyze(files, config);
    const byName = new Map(a.fleet.workloads.map((w) => [w.name, w]));
    assert.deepEqual(byName.get('web')!.scaling, { min: 2, max: 8 });
    assert.equal(byName.get('web')!.volumes[0].size, 5 * 1024 ** 3);
    assert.equal(byName.get('agent')!.replicas, 2);
  });
});
