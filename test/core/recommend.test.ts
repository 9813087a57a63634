// One case per factor and per bullet of the placement reasoning.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeTexts, FLEET, workload } from './helpers';

const WINDOWS_HOST = `
  - name: win-01
    role: container-host
    runtime: containerd
    os: windows
    cpu: 16
    memory: 64Gi
`;

function verdict(lines: string, fleet = FLEET) {
  const { analysis } = analyzeTexts({ 'hosts.yaml': fleet, 'w.yaml': workload(lines) });
  const [rec] = [...analysis.recommendations.values()];
  return rec;
}

const cases: { name: string; lines: string; fleet?: string; verdict: string | null; factor?: string; rules?: string; label?: string }[] = [
  { name: 'elastic stateless microservice → container', lines: 'os: linux\narchitecture: microservice\nstate: stateless\nscaling: { min: 2, max: 20 }\nstartup: fast', verdict: 'container', factor: 'startup', label: 'high' },
  { name: 'heavy monolith → vm', lines: 'os: linux\narchitecture: monolith\nresources: { cpu: 16, memory: 64Gi }', verdict: 'vm', factor: 'heavy-monolith', label: 'high' },
  { name: 'monolith → vm', lines: 'os: linux\narchitecture: monolith', verdict: 'vm', factor: 'monolith', label: 'medium' },
  { name: 'batch job → container', lines: 'os: linux\narchitecture: batch', verdict: 'container', factor: 'startup' },
  { name: 'Unix family → vm, required', lines: 'os: solaris\narchitecture: microservice\nscaling: { min: 1, max: 9 }', verdict: 'vm', rules: 'container-in-vm', label: 'required' },
  { name: 'Windows without a Windows container host → not a container', lines: 'os: windows\narchitecture: microservice\nstartup: fast', verdict: 'container-in-vm', rules: 'container' },
  { name: 'a Windows container host makes Windows containers possible, not preferred', lines: 'os: windows\narchitecture: microservice\nstartup: fast', fleet: FLEET + WINDOWS_HOST, verdict: 'container', factor: 'density' },
  { name: 'custom kernel + container traits → container-in-vm', lines: 'os: linux\nkernel: custom\narchitecture: microservice\nscaling: { min: 2, max: 10 }', verdict: 'container-in-vm', rules: 'container' },
  { name: 'custom kernel monolith → vm', lines: 'os: linux\nkernel: custom\narchitecture: monolith', verdict: 'vm', rules: 'container' },
  { name: 'strict isolation + container traits → container-in-vm', lines: 'os: linux\nisolation: strict\narchitecture: microservice\nscaling: { min: 2, max: 10 }\nstartup: fast', verdict: 'container-in-vm', rules: 'container' },
  { name: 'strict isolation heavy monolith → vm', lines: 'os: linux\nisolation: strict\narchitecture: monolith\nresources: { cpu: 8, memory: 32Gi }', verdict: 'vm', rules: 'container', label: 'high' },
  { name: 'strict isolation alone → vm: the second layer is not worth it', lines: 'os: linux\nisolation: strict', verdict: 'vm', factor: 'second-layer', label: 'high' },
  { name: 'live migration → never a plain container', lines: 'os: linux\nliveMigration: true\narchitecture: microservice\nscaling: { min: 2, max: 10 }', verdict: 'container-in-vm', rules: 'container' },
  { name: 'disaster recovery leans to VMs', lines: 'os: linux\ndisasterRecovery: true', verdict: 'vm', factor: 'disaster-recovery' },
  { name: 'disaster recovery on an elastic stateless service → container: nothing on its disks to replicate', lines: 'os: linux\ndisasterRecovery: true\nscaling: { min: 2, max: 10 }\nstate: stateless', verdict: 'container', factor: 'disaster-recovery' },
  { name: 'stateful without volumes → vm, required', lines: 'os: linux\nstate: stateful', verdict: 'vm', rules: 'container-in-vm', label: 'required' },
  { name: 'stateful with volumes is neutral', lines: 'os: linux\nstate: stateful\nvolumes: [{ name: d, size: 1Gi }]\narchitecture: microservice', verdict: 'container', factor: 'density' },
  { name: 'light instance', lines: 'os: linux\nresources: { cpu: 250m, memory: 256Mi }', verdict: 'container', factor: 'density' },
  { name: 'fixed replicas', lines: 'os: linux\nreplicas: 5', verdict: 'container', factor: 'density' },
  { name: 'nothing to go on → container, low', lines: 'os: linux\nstartup: normal', verdict: 'container', label: 'low' },
  { name: 'solaris on a container-only fleet → nothing', lines: 'os: solaris', fleet: 'version: 1\nhosts:\n  - { name: n1, role: container-host, os: linux, cpu: 4, memory: 8Gi }\n', verdict: null },
];

describe('recommend', () => {
  for (const c of cases) {
    it(c.name, () => {
      const rec = verdict(c.lines, c.fleet);
      assert.ok(rec, 'a recommendation');
      assert.equal(rec.verdict, c.verdict, JSON.stringify(rec.scores));
      if (c.factor) assert.ok(rec.factors.some((f) => f.id === c.factor), `factor ${c.factor} in ${rec.factors.map((f) => f.id)}`);
      if (c.rules) assert.ok(!rec.feasible.includes(c.rules as never), `${c.rules} ruled out`);
      if (c.label) assert.equal(rec.confidenceLabel, c.label, JSON.stringify(rec.scores));
      for (const f of rec.factors) assert.ok(f.span.end >= f.span.start);
    });
  }

  it('is deterministic and pure', () => {
    const a = verdict('os: linux\narchitecture: microservice');
    const b = verdict('os: linux\narchitecture: microservice');
    assert.deepEqual(a.scores, b.scores);
    assert.equal(a.confidence, b.confidence);
  });

  it('labels a verdict required when only one option is left', () => {
    const rec = verdict('os: aix');
    assert.equal(rec.confidenceLabel, 'required');
    assert.equal(rec.confidence, 1);
  });
});

describe('analysis', () => {
  it('does not depend on the order of the files', () => {
    const files = {
      'a.yaml': FLEET,
      'b.yaml': workload('os: linux\narchitecture: monolith\nresources: { cpu: 4, memory: 8Gi }\nreplicas: 2'),
      'c.yaml': 'version: 1\nhosts:\n  - { name: esx-02, role: hypervisor, cpu: 8, memory: 64Gi }\n',
    };
    const forward = analyzeTexts(files).analysis;
    const backward = analyzeTexts(Object.fromEntries(Object.entries(files).reverse())).analysis;
    const hostsOf = (a: typeof forward) => JSON.stringify(a.layout.hosts.map((h) => [h.name, JSON.stringify(h)]));
    assert.equal(hostsOf(backward), hostsOf(forward));
    assert.deepEqual([...backward.diagnostics.entries()].sort(), [...forward.diagnostics.entries()].sort());
  });
});
