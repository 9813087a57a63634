// Editor features on a Kubernetes manifest, in process: hover on `metadata.name` (the
// verdict, its factors with the manifest lines they came from, the HPA in another file),
// a code lens per workload, and nothing that would fight the YAML and Kubernetes
// extensions (no completion, no outline, no hover elsewhere).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codeLenses } from '../../server/src/features/codeLens';
import { completeAt } from '../../server/src/features/completion';
import { hoverAt } from '../../server/src/features/hover';
import { documentSymbols } from '../../server/src/features/symbols';
import { FLEET } from '../core/helpers';
import { fixture } from './helpers';

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: $NAME
  namespace: shop
spec:
  replicas: 3
  template:
    spec:
      containers:
        - name: web
          image: shop/web:1
          resources:
            requests: { cpu: 500m, memory: 512Mi }
`;
const HPA = `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: web, namespace: shop }
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: web }
  minReplicas: 3
  maxReplicas: 12
`;

const files = (web: string) => `//- hosts.workload.yaml\n${FLEET}//- deploy/web.yaml\n${web}//- deploy/hpa.yaml\n${HPA}`;

describe('features on a Kubernetes manifest', () => {
  it('hover on metadata.name: verdict, where it came from, factors with manifest lines', () => {
    const f = fixture(files(DEPLOYMENT.replace('$NAME', 'w$0eb')));
    const h = hoverAt(f.parsed, f.analysis, f.offset);
    assert.ok(h, 'a hover');
    assert.equal(f.slice(h.span), 'web');
    assert.match(h.text, /\*\*web\*\* → \*\*container\*\*/);
    assert.ok(h.text.includes('From Kubernetes Deployment in namespace shop · scaling from a HorizontalPodAutoscaler in hpa\\.yaml.'), h.text);
    // `resources` from line 14 of the manifest; `scaling` from the HPA's file (no line here).
    assert.ok(h.text.includes('| density | resources \\(line 14\\) |'), h.text);
    assert.ok(h.text.includes('| startup | scaling |'), h.text);
  });

  it('no hover elsewhere in the manifest (the Kubernetes extension documents its fields)', () => {
    const f = fixture(files(DEPLOYMENT.replace('$NAME', 'web').replace('replicas: 3', 'repl$0icas: 3')));
    assert.equal(hoverAt(f.parsed, f.analysis, f.offset), undefined);
  });

  it('a code lens on each workload name', async () => {
    const f = fixture(files(DEPLOYMENT.replace('$NAME', 'web') + '# $0\n'));
    const lenses = await codeLenses(f.parsed, f.analysis);
    assert.deepEqual(
      lenses.map((l) => [f.slice({ start: l.span.start, end: l.span.start + 3 }), l.title]),
      [['web', '→ container (high, 80%)']],
    );
  });

  it('no completion and no outline', async () => {
    const f = fixture(files(DEPLOYMENT.replace('$NAME', 'web').replace('replicas: 3', 'replicas: 3\n  $0')));
    assert.deepEqual(completeAt(f.parsed, f.analysis, f.offset, { snippets: true } as never), []);
    assert.deepEqual(await documentSymbols(f.parsed, f.analysis), []);
  });
});
