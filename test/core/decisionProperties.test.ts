// The decision model's invariants as properties over generated workloads × generated
// fleets (issue #11), in process through analyzeTexts:
//   a. declaring the recommended deployment raises no advice finding;
//   b. every quick fix that changes `deploy` lands on a feasible option and adds no
//      error and no advice finding (capacity aside: whether the replicas fit is the
//      placement's question, which the decision does not ask);
//   c. adding a requirement the verdict meets never lowers its confidence;
//   d. ±10 % cpu or memory, or ±1 replica, never flips a verdict labelled high;
//   e. `runtime:` on the hypervisors keeps a high container verdict high unless a
//      VM-side factor (disaster recovery) makes container-in-vm a contender.
// Fixed seed; PROPERTY_SCALE and PROPERTY_SEED make a longer run with other seeds
// (test/properties.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { applyEdits } from '../../server/src/core/fix';
import type { Recommendation } from '../../server/src/core/recommend';
import { RULES_BY_ID } from '../../server/src/core/rules';
import { DEPLOYS, type Deploy, type Diagnostic } from '../../server/src/core/types';
import { analyzeTexts } from './helpers';
import { props } from '../properties';

const params = props(150, 1111);

/** Every rule that judges a declared `deploy` against the decision. */
const ADVICE = new Set(['deploy-against-recommendation', 'elastic-vm', 'strict-isolation-container', 'stateful-without-volumes', 'deploy-impossible', 'live-migration-container', 'pinned-host-mismatch']);

interface Fleet {
  hypervisors: { runtime: boolean }[];
  containerHosts: ('linux' | 'windows')[];
}

interface Spec {
  os: string;
  kernel?: 'custom' | 'shared';
  architecture?: 'microservice' | 'monolith' | 'batch';
  state?: 'stateless' | 'stateful';
  volumes: boolean;
  replicas?: number;
  scaling?: { min: number; max: number };
  startup?: 'fast' | 'normal';
  isolation?: 'strict' | 'standard';
  liveMigration?: boolean;
  disasterRecovery?: boolean;
  /** Millicores and MiB. */
  cpu?: number;
  memory?: number;
  /** Index of a host to pin to (modulo the host count). */
  pin?: number;
  deploy?: Deploy;
}

const fleetArb: fc.Arbitrary<Fleet> = fc.record({
  hypervisors: fc.array(fc.record({ runtime: fc.boolean() }), { maxLength: 2 }),
  containerHosts: fc.array(fc.constantFrom('linux' as const, 'windows' as const), { maxLength: 2 }),
});

const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const specArb: fc.Arbitrary<Spec> = fc.record({
  os: fc.constantFrom('linux', 'linux', 'windows', 'any', 'freebsd', 'aix'),
  kernel: opt(fc.constantFrom('custom' as const, 'shared' as const)),
  architecture: opt(fc.constantFrom('microservice' as const, 'monolith' as const, 'batch' as const)),
  state: opt(fc.constantFrom('stateless' as const, 'stateful' as const)),
  volumes: fc.boolean(),
  replicas: opt(fc.integer({ min: 1, max: 6 })),
  scaling: opt(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 20 })).map(([min, extra]) => ({ min, max: Math.max(1, min + extra) }))),
  startup: opt(fc.constantFrom('fast' as const, 'normal' as const)),
  isolation: opt(fc.constantFrom('strict' as const, 'standard' as const)),
  liveMigration: opt(fc.boolean()),
  disasterRecovery: opt(fc.boolean()),
  cpu: opt(fc.integer({ min: 100, max: 24000 })),
  memory: opt(fc.integer({ min: 64, max: 48 * 1024 })),
  pin: opt(fc.nat(5)),
  deploy: opt(fc.constantFrom(...DEPLOYS)),
});

function fleetText(f: Fleet): string {
  const hosts = [
    ...f.hypervisors.map((h, i) => `  - { name: hv-${i}, role: hypervisor, hypervisor: esxi, ${h.runtime ? 'runtime: containerd, ' : ''}cpu: 64, memory: 512Gi }`),
    ...f.containerHosts.map((os, i) => `  - { name: ch-${i}, role: container-host, runtime: containerd, os: ${os}, cpu: 32, memory: 128Gi }`),
  ];
  return hosts.length ? `version: 1\nhosts:\n${hosts.join('\n')}\n` : 'version: 1\n';
}

function hostNames(f: Fleet): string[] {
  return [...f.hypervisors.map((_, i) => `hv-${i}`), ...f.containerHosts.map((_, i) => `ch-${i}`)];
}

function workloadText(s: Spec, f: Fleet): string {
  const lines = [`os: ${s.os}`];
  for (const k of ['kernel', 'architecture', 'state', 'replicas', 'startup', 'isolation', 'liveMigration', 'disasterRecovery'] as const) {
    if (s[k] !== undefined) lines.push(`${k}: ${s[k]}`);
  }
  if (s.volumes) lines.push('volumes: [{ name: data, size: 10Gi }]');
  if (s.scaling) lines.push(`scaling: { min: ${s.scaling.min}, max: ${s.scaling.max} }`);
  const res = [s.cpu !== undefined && `cpu: ${s.cpu}m`, s.memory !== undefined && `memory: ${s.memory}Mi`].filter(Boolean);
  if (res.length) lines.push(`resources: { ${res.join(', ')} }`);
  const names = hostNames(f);
  if (s.pin !== undefined && names.length) lines.push(`host: ${names[s.pin % names.length]}`);
  if (s.deploy) lines.push(`deploy: ${s.deploy}`);
  return `version: 1\nworkloads:\n  - name: w\n${lines.map((l) => `    ${l}`).join('\n')}\n`;
}

function run(s: Spec, f: Fleet, text = workloadText(s, f)): { rec: Recommendation; diags: readonly Diagnostic[]; text: string } {
  const { analysis } = analyzeTexts({ 'hosts.yaml': fleetText(f), 'w.yaml': text });
  const [rec] = [...analysis.recommendations.values()];
  return { rec, diags: analysis.diagnostics.get('w.yaml') ?? [], text };
}

const advice = (diags: readonly Diagnostic[]) => diags.filter((d) => ADVICE.has(d.ruleId));
const errors = (diags: readonly Diagnostic[], rule: string) => diags.filter((d) => d.ruleId === rule && d.severity === 'error').length;
const capacity = (rule: string) => RULES_BY_ID.get(rule)?.category === 'capacity';
const show = (diags: readonly Diagnostic[]) => JSON.stringify(diags.map((d) => `${d.ruleId}: ${d.message}`));

describe('decision properties (issue #11)', () => {
  it('a. declaring the recommended deployment raises no advice finding', () => {
    fc.assert(
      fc.property(specArb, fleetArb, (s, f) => {
        const { rec } = run({ ...s, deploy: undefined }, f);
        if (!rec.verdict) return;
        const { diags, text } = run({ ...s, deploy: rec.verdict }, f);
        assert.deepEqual(advice(diags), [], `${text}\n${fleetText(f)}\n${show(diags)}`);
      }),
      params,
    );
  });

  it('b. every quick fix that changes deploy lands on a feasible option, with no new error and no advice', () => {
    fc.assert(
      fc.property(specArb, fleetArb, (s, f) => {
        const before = run(s, f);
        for (const d of before.diags) {
          for (const fix of d.fixes ?? []) {
            const after = run(s, f, applyEdits(before.text, fix.edits));
            const [w] = analyzeTexts({ 'w.yaml': after.text }).parsed[0].workloads;
            if (w.deploy === s.deploy) continue;
            const what = `${d.ruleId} → ${fix.title}\n${before.text}\n${fleetText(f)}`;
            assert.ok(w.deploy && before.rec.feasible.includes(w.deploy), `${what}: lands on ${w.deploy}, feasible ${before.rec.feasible}`);
            assert.deepEqual(advice(after.diags), [], `${what}\n${show(after.diags)}`);
            for (const r of new Set(after.diags.map((x) => x.ruleId))) assert.ok(capacity(r) ||errors(after.diags, r) <= errors(before.diags, r), `${what}: a new ${r} error`);
          }
        }
      }),
      params,
    );
  });

  const REQUIREMENTS: { key: keyof Spec; add: Partial<Spec> }[] = [
    { key: 'isolation', add: { isolation: 'strict' } },
    { key: 'kernel', add: { kernel: 'custom' } },
    { key: 'liveMigration', add: { liveMigration: true } },
    { key: 'state', add: { state: 'stateful', volumes: false } },
  ];

  it('c. adding a requirement the verdict meets never lowers its confidence', () => {
    fc.assert(
      fc.property(specArb, fleetArb, fc.constantFrom(...REQUIREMENTS), (s, f, req) => {
        const base = { ...s, [req.key]: undefined, deploy: undefined };
        const { rec } = run(base, f);
        const next = run({ ...base, ...req.add }, f).rec;
        if (!rec.verdict || !next.feasible.includes(rec.verdict)) return;
        assert.equal(next.verdict, rec.verdict);
        assert.ok(next.confidence >= rec.confidence, `${JSON.stringify(req.add)}: ${rec.confidence} → ${next.confidence}\n${workloadText(base, f)}\n${fleetText(f)}`);
      }),
      params,
    );
  });

  it('d. ±10 % cpu or memory, or ±1 replica, never flips a verdict labelled high', () => {
    const change = fc.constantFrom<(s: Spec) => Spec>(
      (s) => ({ ...s, cpu: s.cpu && Math.round(s.cpu * 1.1) }),
      (s) => ({ ...s, cpu: s.cpu && Math.max(1, Math.round(s.cpu * 0.9)) }),
      (s) => ({ ...s, memory: s.memory && Math.round(s.memory * 1.1) }),
      (s) => ({ ...s, memory: s.memory && Math.max(1, Math.round(s.memory * 0.9)) }),
      (s) => ({ ...s, replicas: (s.replicas ?? 1) + 1 }),
      (s) => ({ ...s, replicas: s.replicas && Math.max(1, s.replicas - 1) }),
    );
    fc.assert(
      fc.property(specArb, fleetArb, change, (s, f, perturb) => {
        const { rec } = run(s, f);
        if (rec.confidenceLabel !== 'high') return;
        const moved = perturb(s);
        const next = run(moved, f).rec;
        assert.equal(next.verdict, rec.verdict, `${workloadText(s, f)}→\n${workloadText(moved, f)}\n${fleetText(f)}`);
      }),
      params,
    );
  });

  it('e. runtime on the hypervisors keeps a high container verdict high', () => {
    fc.assert(
      fc.property(specArb, fleetArb, (s, f) => {
        if (!f.hypervisors.length || s.disasterRecovery) return;
        const without = { ...f, hypervisors: f.hypervisors.map(() => ({ runtime: false })) };
        const { rec } = run({ ...s, deploy: undefined }, without);
        if (rec.verdict !== 'container' || rec.confidenceLabel !== 'high') return;
        const next = run({ ...s, deploy: undefined }, { ...f, hypervisors: f.hypervisors.map(() => ({ runtime: true })) }).rec;
        assert.equal(next.verdict, 'container');
        assert.equal(next.confidenceLabel, 'high', JSON.stringify(next.scores));
      }),
      params,
    );
  });

  it('the high band is wider than any threshold swing (the proof behind d)', async () => {
    const { HIGH_MARGIN, THRESHOLD_SWING } = await import('../../server/src/core/recommend');
    assert.ok(HIGH_MARGIN > THRESHOLD_SWING);
  });
});
