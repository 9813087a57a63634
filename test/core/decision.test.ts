// Issue #11, the decision model: each reproduced finding as a data-driven case (a
// fleet, a workload, what the decision and the advice must be).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeTexts, FLEET, workload } from './helpers';

/** FLEET's hypervisor without `runtime:`: no container-in-vm. */
const NO_RUNTIME = FLEET.replace('    runtime: containerd\n    cpu: 64', '    cpu: 64');
const NO_HYPERVISOR = 'version: 1\nhosts:\n  - { name: k8s-01, role: container-host, runtime: containerd, os: linux, cpu: 32, memory: 128Gi }\n';
const ADVICE = ['deploy-against-recommendation', 'elastic-vm', 'strict-isolation-container', 'stateful-without-volumes', 'deploy-impossible', 'live-migration-container', 'pinned-host-mismatch'];

function analyse(lines: string, fleet = FLEET) {
  const files = { 'hosts.yaml': fleet, 'w.yaml': workload(lines) };
  const { analysis } = analyzeTexts(files);
  const [rec] = [...analysis.recommendations.values()];
  const diags = analysis.diagnostics.get('w.yaml') ?? [];
  return { rec, diags, ids: diags.map((d) => d.ruleId) };
}

interface Case {
  name: string;
  lines: string;
  fleet?: string;
  verdict: string | null;
  label?: string;
  /** Findings expected on the workload as written. */
  findings?: string[];
}

const STRICT_MICRO = 'os: linux\nisolation: strict\narchitecture: microservice\nscaling: { min: 2, max: 20 }\nstartup: fast';
const STRICT_ELASTIC_MONOLITH = 'os: linux\nisolation: strict\narchitecture: monolith\nscaling: { min: 2, max: 8 }';

const cases: Case[] = [
  // #1: strict isolation is a requirement, not a factor that start-up and density outvote.
  { name: '#1 strict microservice, hypervisors without runtime → vm, required', lines: STRICT_MICRO, fleet: NO_RUNTIME, verdict: 'vm', label: 'required', findings: [] },
  { name: '#1 strict microservice on a fleet with runtime → container-in-vm', lines: STRICT_MICRO, verdict: 'container-in-vm', findings: [] },
  { name: '#1 strict microservice, no hypervisor → nothing, an error', lines: STRICT_MICRO, fleet: NO_HYPERVISOR, verdict: null, findings: ['no-capable-host'] },
  { name: '#1 strict microservice declared container, no hypervisor', lines: `${STRICT_MICRO}\ndeploy: container`, fleet: NO_HYPERVISOR, verdict: null, findings: ['no-capable-host', 'strict-isolation-container'] },
  // #2: the tool does not contradict itself.
  { name: '#2 strict elastic monolith declared vm, as recommended: no elastic-vm', lines: `${STRICT_ELASTIC_MONOLITH}\ndeploy: vm`, verdict: 'vm', findings: [] },
  { name: '#2 strict elastic monolith without runtime → vm, no elastic-vm', lines: `${STRICT_ELASTIC_MONOLITH}\ndeploy: vm`, fleet: NO_RUNTIME, verdict: 'vm', label: 'required', findings: [] },
  { name: '#2 stateful cache without volumes → vm, no volume warning', lines: 'os: linux\nstate: stateful\narchitecture: microservice\nstartup: fast', verdict: 'vm', label: 'required', findings: [] },
  { name: '#2 stateful cache without volumes declared container', lines: 'os: linux\nstate: stateful\narchitecture: microservice\ndeploy: container', verdict: 'vm', findings: ['stateful-without-volumes'] },
  { name: '#2 stateful cache without volumes, container-only fleet', lines: 'os: linux\nstate: stateful', fleet: NO_HYPERVISOR, verdict: null, findings: ['no-capable-host'] },
  // #6: possibility is not preference.
  { name: '#6 a Windows domain controller with a Windows container host → vm', lines: 'os: windows\narchitecture: monolith\nstate: stateful\nvolumes: [{ name: d, size: 10Gi }]', fleet: `${FLEET}  - { name: win-01, role: container-host, os: windows, cpu: 16, memory: 64Gi }\n`, verdict: 'vm' },
  // #7: container-in-vm pays for its second layer; it does not win on one VM factor.
  { name: '#7 disaster recovery alone → vm, not container-in-vm', lines: 'os: linux\ndisasterRecovery: true', verdict: 'vm' },
  { name: '#7 elastic microservice: one start-up claim, one density claim', lines: 'os: linux\narchitecture: microservice\nscaling: { min: 2, max: 20 }\nstartup: fast\nreplicas: 4\nresources: { cpu: 250m, memory: 256Mi }', verdict: 'container', label: 'high' },
];

describe('decision model (issue #11)', () => {
  for (const c of cases) {
    it(c.name, () => {
      const { rec, ids, diags } = analyse(c.lines, c.fleet);
      assert.equal(rec.verdict, c.verdict, JSON.stringify({ scores: rec.scores, feasible: rec.feasible }));
      if (c.label) assert.equal(rec.confidenceLabel, c.label);
      if (c.findings) assert.deepEqual(ids.filter((r) => ADVICE.includes(r) || r === 'no-capable-host').sort(), [...c.findings].sort(), JSON.stringify(diags.map((d) => d.message)));
    });
  }

  it('#1 the error says which requirement cannot be met and what would meet it', () => {
    const { diags } = analyse(STRICT_MICRO, NO_HYPERVISOR);
    const d = diags.find((x) => x.ruleId === 'no-capable-host');
    assert.ok(d);
    assert.equal(d.severity, 'error');
    assert.match(d.message, /isolation: strict/);
    assert.match(d.message, /a hypervisor host/);
    assert.match(d.message, /runtime:/);
  });

  it('#2 the strict-isolation fix offers only a feasible option', () => {
    const { diags } = analyse(`${STRICT_MICRO}\ndeploy: container`, NO_RUNTIME);
    const d = diags.find((x) => x.ruleId === 'strict-isolation-container');
    assert.ok(d);
    assert.deepEqual(d.fixes?.map((f) => f.edits[0].newText), ['vm']);
  });

  it('#6 each VM-only requirement added to a VM verdict keeps or raises its confidence', () => {
    let lines = 'os: linux\narchitecture: monolith\nresources: { cpu: 16, memory: 64Gi }';
    let last = analyse(lines).rec.confidence;
    for (const need of ['liveMigration: true', 'kernel: custom', 'isolation: strict']) {
      lines += `\n${need}`;
      const { rec } = analyse(lines);
      assert.equal(rec.verdict, 'vm');
      assert.ok(rec.confidence >= last, `${need}: ${rec.confidence} < ${last}`);
      last = rec.confidence;
    }
  });

  it('#6 runtime on the hypervisors does not lower a web app from high', () => {
    const web = 'os: linux\narchitecture: microservice\nstate: stateless\nscaling: { min: 2, max: 10 }';
    const before = analyse(web, NO_RUNTIME).rec;
    const after = analyse(web).rec;
    assert.equal(before.confidenceLabel, 'high');
    assert.equal(after.confidenceLabel, 'high');
    assert.equal(after.verdict, 'container');
  });

  it('#6 possibility is never a factor', () => {
    const { rec } = analyse('os: windows\narchitecture: monolith', `${FLEET}  - { name: win-01, role: container-host, os: windows, cpu: 16, memory: 64Gi }\n`);
    assert.ok(!rec.factors.some((f) => /possible/.test(f.reason)), rec.factors.map((f) => f.reason).join('\n'));
  });

  it('#7 each claim counts once: start-up and density are one factor each', () => {
    const { rec } = analyse('os: linux\narchitecture: batch\nscaling: { min: 1, max: 30 }\nstartup: fast\nresources: { cpu: 100m, memory: 64Mi }');
    const ids = rec.factors.map((f) => f.id);
    assert.equal(new Set(ids).size, ids.length, `a factor twice: ${ids}`);
    assert.equal(ids.filter((i) => i === 'startup').length, 1);
    assert.equal(ids.filter((i) => i === 'density').length, 1);
  });
});
