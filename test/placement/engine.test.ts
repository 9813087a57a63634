// The placement engine, case by case: roles, OS, size, over-commit, storage, nesting,
// spreading, pins, failure simulation and determinism.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultConfig } from '../../server/src/core/config';
import { applyEdits } from '../../server/src/core/fix';
import { checkInvariants, config, diags, hosts, run, unplacedOf, where, workloads } from './helpers';

const FLEET = hosts(`
esx-01 role=hypervisor hypervisor=esxi runtime=containerd cpu=16 memory=64Gi
kvm-01 role=hypervisor hypervisor=kvm cpu=16 memory=64Gi
lnx-01 role=container-host runtime=containerd os=linux cpu=8 memory=32Gi
win-01 role=container-host runtime=containerd os=windows cpu=8 memory=32Gi
`);

interface Case {
  name: string;
  fleet?: string;
  workloads: string;
  /** Expected replica locations per workload (see `where`). */
  expect?: Record<string, string[]>;
  /** Expected unplaced kind per workload, and a word its reason must contain. */
  unplaced?: Record<string, [kind: string, word: string]>;
  /** Rule ids expected among the diagnostics (and no other capacity rule). */
  rules?: string[];
}

const cases: Case[] = [
  // Roles.
  { name: 'a vm lands on a hypervisor, never a container host', workloads: 'erp os=linux deploy=vm resources={ cpu: 4, memory: 8Gi }', expect: { erp: ['esx-01/vm'] } },
  { name: 'a VM may run any OS', workloads: 'bsd os=freebsd deploy=vm', expect: { bsd: ['esx-01/vm'] } },
  {
    name: 'a container lands on a container host of its OS',
    workloads: 'api os=linux deploy=container\nnet os=windows deploy=container',
    expect: { api: ['lnx-01'], net: ['win-01'] },
  },
  { name: 'a portable (any) container takes any container host', workloads: 'jvm os=any deploy=container', expect: { jvm: ['lnx-01'] } },
  {
    name: 'container-in-vm needs a hypervisor with a runtime',
    workloads: 'fn os=linux deploy=container-in-vm resources={ cpu: 1, memory: 1Gi }',
    expect: { fn: ['esx-01/pool:linux'] },
  },
  {
    name: 'no hypervisor offers a runtime → role',
    fleet: hosts('kvm-01 role=hypervisor cpu=16 memory=64Gi\nlnx-01 role=container-host os=linux cpu=8 memory=32Gi'),
    workloads: 'fn os=linux isolation=strict liveMigration=true deploy=container-in-vm',
    expect: { fn: ['-'] },
    unplaced: { fn: ['deploy', 'runtime'] },
  },
  // OS.
  {
    name: 'a linux container pinned to the Windows host → pin, says why',
    workloads: 'api os=linux deploy=container host=win-01',
    unplaced: { api: ['pin', 'windows container host'] },
    rules: ['no-fit'],
  },
  // Size and overheads.
  {
    name: 'a VM larger than every hypervisor → size',
    workloads: 'big os=linux deploy=vm resources={ cpu: 100, memory: 32Gi }',
    unplaced: { big: ['size', 'largest'] },
    rules: ['no-fit'],
  },
  {
    name: "the guest OS's memory counts: 63Gi fits as a container host's load but not as a VM on 64Gi",
    fleet: hosts('esx-01 role=hypervisor runtime=containerd cpu=16 memory=64Gi'),
    workloads: 'db os=linux deploy=vm resources={ cpu: 2, memory: 63Gi }',
    unplaced: { db: ['size', 'guest OS'] },
  },
  {
    name: 'memory is not over-committed by default',
    fleet: hosts('lnx-01 role=container-host os=linux cpu=64 memory=8Gi'),
    workloads: 'a os=linux deploy=container replicas=3 resources={ cpu: 1, memory: 3Gi }',
    expect: { a: ['lnx-01', 'lnx-01', '-'] },
    unplaced: { a: ['capacity', 'full'] },
    rules: ['no-fit', 'single-point-of-failure'],
  },
  {
    // `cpu` means the same for a VM and a container (issue #11): no default over-commit on either.
    name: 'CPU is not over-committed by default, on a hypervisor as on a container host',
    fleet: hosts('esx-01 role=hypervisor cpu=8 memory=256Gi'),
    workloads: 'v os=linux deploy=vm replicas=4 resources={ cpu: 7, memory: 4Gi }',
    expect: { v: ['esx-01/vm', '-', '-', '-'] },
    unplaced: { v: ['capacity', 'full'] },
    rules: ['no-fit'],
  },
  {
    name: 'CPU over-commit where a host sets it',
    fleet: hosts('esx-01 role=hypervisor cpu=8 memory=256Gi overcommit={ cpu: 4 }'),
    workloads: 'v os=linux deploy=vm replicas=4 resources={ cpu: 7, memory: 4Gi }',
    expect: { v: ['esx-01/vm', 'esx-01/vm', 'esx-01/vm', 'esx-01/vm'] },
  },
  {
    name: 'a host may set its own over-commit',
    fleet: hosts('esx-01 role=hypervisor cpu=8 memory=256Gi overcommit={ cpu: 1 }'),
    workloads: 'v os=linux deploy=vm replicas=2 resources={ cpu: 7, memory: 4Gi }',
    expect: { v: ['esx-01/vm', '-'] },
    unplaced: { v: ['capacity', 'full'] },
  },
  {
    name: 'volumes need the storage the host declares',
    fleet: hosts('lnx-01 role=container-host os=linux cpu=8 memory=32Gi storage=100Gi\nlnx-02 role=container-host os=linux cpu=8 memory=32Gi'),
    workloads: 'db os=linux deploy=container volumes=[{ name: d, size: 500Gi }]',
    expect: { db: ['lnx-02'] },
  },
  {
    name: 'storage no host has → storage',
    fleet: hosts('lnx-01 role=container-host os=linux cpu=8 memory=32Gi storage=100Gi'),
    workloads: 'db os=linux deploy=container volumes=[{ name: d, size: 500Gi }]',
    unplaced: { db: ['storage', '500Gi'] },
    rules: ['no-fit'],
  },
  // Nesting.
  {
    name: 'container-in-vm workloads of one OS share a container VM per host',
    fleet: hosts('esx-01 role=hypervisor runtime=containerd cpu=16 memory=64Gi'),
    workloads: 'a os=linux deploy=container-in-vm\nb os=linux deploy=container-in-vm\nc os=windows deploy=container-in-vm\nd os=any deploy=container-in-vm',
    expect: { a: ['esx-01/pool:linux'], b: ['esx-01/pool:linux'], c: ['esx-01/pool:windows'], d: ['esx-01/pool:linux'] },
  },
  {
    name: 'strict isolation gets a container VM of its own',
    fleet: hosts('esx-01 role=hypervisor runtime=containerd cpu=16 memory=64Gi'),
    workloads: 'a os=linux deploy=container-in-vm\nt os=linux isolation=strict deploy=container-in-vm',
    expect: { a: ['esx-01/pool:linux'], t: ['esx-01/dedicated:linux'] },
  },
  // Spreading.
  {
    name: 'replicas spread across hosts',
    fleet: hosts('n1 role=container-host os=linux cpu=32 memory=64Gi\nn2 role=container-host os=linux cpu=32 memory=64Gi\nn3 role=container-host os=linux cpu=32 memory=64Gi'),
    workloads: 'api os=linux deploy=container replicas=3',
    expect: { api: ['n1', 'n2', 'n3'] },
  },
  {
    name: 'replicas spread across sites first',
    fleet: hosts('a1 role=container-host os=linux cpu=32 memory=64Gi site=a\na2 role=container-host os=linux cpu=32 memory=64Gi site=a\nb1 role=container-host os=linux cpu=8 memory=16Gi site=b'),
    workloads: 'api os=linux deploy=container replicas=2',
    expect: { api: ['a1', 'b1'] },
  },
  {
    name: 'more replicas than hosts share hosts rather than stay unplaced',
    fleet: hosts('n1 role=container-host os=linux cpu=32 memory=64Gi\nn2 role=container-host os=linux cpu=32 memory=64Gi'),
    workloads: 'api os=linux deploy=container replicas=3',
    expect: { api: ['n1', 'n2', 'n1'] },
  },
  {
    name: 'scaling.min counts as the replica count',
    fleet: hosts('n1 role=container-host os=linux cpu=32 memory=64Gi\nn2 role=container-host os=linux cpu=32 memory=64Gi'),
    workloads: 'api os=linux deploy=container scaling={ min: 2, max: 9 }',
    expect: { api: ['n1', 'n2'] },
  },
  // Pins.
  { name: 'host: pins every replica', workloads: 'v os=linux deploy=vm host=kvm-01', expect: { v: ['kvm-01/vm'] } },
  {
    name: 'hosts: spreads over the pinned hosts only',
    fleet: hosts('n1 role=container-host os=linux cpu=32 memory=64Gi\nn2 role=container-host os=linux cpu=32 memory=64Gi\nn3 role=container-host os=linux cpu=32 memory=64Gi'),
    workloads: 'api os=linux deploy=container replicas=2 hosts=[n2, n3]',
    expect: { api: ['n2', 'n3'] },
  },
  {
    name: 'pinned workloads over a host → host-over-capacity and no-fit',
    fleet: hosts('esx-01 role=hypervisor cpu=16 memory=64Gi overcommit={ cpu: 1 }\nesx-02 role=hypervisor cpu=16 memory=64Gi'),
    workloads: 'a os=linux deploy=vm host=esx-01 resources={ cpu: 8, memory: 20Gi }\nb os=linux deploy=vm host=esx-01 resources={ cpu: 8, memory: 20Gi }',
    expect: { a: ['esx-01/vm'], b: ['-'] },
    unplaced: { b: ['capacity', 'pinned host esx-01 is full'] },
    rules: ['no-fit', 'host-over-capacity'],
  },
  {
    name: 'replicas pinned to one host → single-point-of-failure',
    workloads: 'api os=linux deploy=container replicas=2 host=lnx-01',
    expect: { api: ['lnx-01', 'lnx-01'] },
    rules: ['single-point-of-failure'],
  },
  {
    name: 'replicas on the only capable host → single-point-of-failure',
    workloads: 'api os=windows deploy=container replicas=2',
    expect: { api: ['win-01', 'win-01'] },
    rules: ['single-point-of-failure'],
  },
];

describe('placement', () => {
  for (const c of cases) {
    it(c.name, () => {
      const a = run({ 'hosts.yaml': c.fleet ?? FLEET, 'w.yaml': workloads(c.workloads) });
      checkInvariants(a.layout);
      const got = where(a.layout);
      for (const [name, exp] of Object.entries(c.expect ?? {})) assert.deepEqual(got[name], exp, `${name}: ${JSON.stringify(a.layout.unplaced)}`);
      for (const [name, [kind, word]] of Object.entries(c.unplaced ?? {})) {
        const u = unplacedOf(a.layout, name);
        assert.equal(u.length, 1, `${name} unplaced: ${JSON.stringify(a.layout.unplaced)}`);
        assert.equal(u[0].kind, kind, u[0].reason);
        assert.ok(u[0].reason.includes(word), `'${word}' in: ${u[0].reason}`);
      }
      if (!c.unplaced) assert.deepEqual(a.layout.unplaced, []);
      if (c.rules) {
        const capacity = new Set(['no-fit', 'host-over-capacity', 'single-point-of-failure', 'not-failure-tolerant']);
        const got = [...new Set(diags(a).filter((d) => capacity.has(d.ruleId)).map((d) => d.ruleId))].sort();
        assert.deepEqual(got, [...c.rules].sort());
      }
    });
  }
});

describe('placement diagnostics', () => {
  it('no-fit sits on the field that explains it and says why', () => {
    const text = workloads('big os=linux deploy=vm resources={ cpu: 100, memory: 32Gi }');
    const a = run({ 'hosts.yaml': FLEET, 'w.yaml': text });
    const [d] = diags(a, 'no-fit');
    assert.equal(text.slice(d.span.start, d.span.end), '{ cpu: 100, memory: 32Gi }');
    assert.match(d.message, /'big' fits on no host: it needs 100\.5 cores/);
    assert.equal(d.severity, 'error');
  });

  it('no-fit counts the replicas that do not fit', () => {
    const a = run({ 'hosts.yaml': hosts('n1 role=container-host os=linux cpu=4 memory=8Gi'), 'w.yaml': workloads('a os=linux deploy=container replicas=5 resources={ cpu: 1, memory: 1Gi }') });
    assert.match(diags(a, 'no-fit')[0].message, /^1 of 5 replicas of 'a' fit on no host/);
  });

  it('a declared deployment that is impossible is left to deploy-impossible', () => {
    const a = run({ 'hosts.yaml': FLEET, 'w.yaml': workloads('k os=linux kernel=custom deploy=container') });
    assert.equal(diags(a, 'no-fit').length, 0);
    assert.equal(diags(a, 'deploy-impossible').length, 1);
    assert.equal(unplacedOf(a.layout, 'k')[0].kind, 'deploy');
  });

  it('host-over-capacity sits on the host and names what does not fit', () => {
    const fleet = hosts('esx-01 role=hypervisor cpu=4 memory=16Gi');
    const a = run({ 'hosts.yaml': fleet, 'w.yaml': workloads('a os=linux deploy=vm host=esx-01 resources={ cpu: 2, memory: 10Gi }\nb os=linux deploy=vm host=esx-01 resources={ cpu: 2, memory: 10Gi }') });
    const [d] = diags(a, 'host-over-capacity');
    assert.equal(fleet.slice(d.span.start, d.span.end), 'esx-01');
    assert.match(d.message, /'b' \(1 replica\) does not fit; already pinned and placed here: 'a'/);
    assert.equal(a.layout.hosts[0].overPinned, true);
  });

  it('single-point-of-failure offers to spread the pin, and the fix removes it', () => {
    const text = workloads('api os=linux deploy=container replicas=2 host=lnx-01');
    const files = { 'hosts.yaml': hosts('lnx-01 role=container-host os=linux cpu=8 memory=32Gi\nlnx-02 role=container-host os=linux cpu=8 memory=32Gi'), 'w.yaml': text };
    const [d] = diags(run(files), 'single-point-of-failure');
    assert.equal(text.slice(d.span.start, d.span.end), 'lnx-01');
    const fix = d.fixes![0];
    assert.equal(fix.safe, false);
    const after = applyEdits(text, fix.edits);
    assert.ok(after.includes('hosts: [lnx-01, lnx-02]'), after);
    const again = run({ ...files, 'w.yaml': after });
    assert.equal(diags(again, 'single-point-of-failure').length, 0);
    assert.deepEqual(where(again.layout).api, ['lnx-01', 'lnx-02']);
  });

  it('placement findings can be suppressed like any rule', () => {
    const text = workloads('api os=linux deploy=container replicas=2 host=lnx-01').replace('  - {', '  # placement-ignore: single-point-of-failure\n  - {');
    assert.equal(diags(run({ 'hosts.yaml': FLEET, 'w.yaml': text }), 'single-point-of-failure').length, 0);
  });

  it('not-failure-tolerant is off by default and on with placement.checkHostFailure', () => {
    const files = { 'hosts.yaml': FLEET, 'w.yaml': workloads('api os=linux deploy=container resources={ cpu: 1, memory: 1Gi }') };
    assert.equal(diags(run(files), 'not-failure-tolerant').length, 0);
    const on = diags(run(files, config((c) => (c.placement.checkHostFailure = true))), 'not-failure-tolerant');
    assert.equal(on.length, 1);
    assert.match(on[0].message, /'api' does not survive the loss of 'lnx-01'/);
    assert.equal(on[0].severity, 'warning');
    // A rule setting also turns it on, at its level.
    const lvl = diags(run(files, config((c) => (c.rules['not-failure-tolerant'] = 'error'))), 'not-failure-tolerant');
    assert.equal(lvl[0].severity, 'error');
  });

  it('no capacity findings when the workspace declares no hosts', () => {
    const a = run({ 'w.yaml': workloads('api os=linux replicas=3') });
    assert.equal(diags(a).filter((d) => ['no-fit', 'single-point-of-failure', 'host-over-capacity'].includes(d.ruleId)).length, 0);
    assert.equal(a.layout.hosts.length, 0);
  });
});

describe('failure simulation', () => {
  const fleet = hosts(`
esx-01 role=hypervisor runtime=containerd cpu=16 memory=64Gi site=a
esx-02 role=hypervisor runtime=containerd cpu=16 memory=64Gi site=b
n1 role=container-host os=linux cpu=8 memory=16Gi
n2 role=container-host os=linux cpu=8 memory=16Gi
`);

  it('re-places VMs, container VMs and containers on what is left', () => {
    const a = run({ 'hosts.yaml': fleet, 'w.yaml': workloads('erp os=linux deploy=vm resources={ cpu: 4, memory: 16Gi }\nfn os=linux deploy=container-in-vm resources={ cpu: 1, memory: 1Gi }\napi os=linux deploy=container resources={ cpu: 1, memory: 1Gi }') });
    assert.deepEqual(where(a.layout), { erp: ['esx-01/vm'], fn: ['esx-01/pool:linux'], api: ['n1'] });
    const f = a.placement.simulateFailure('esx-01')!;
    assert.equal(a.layout.hosts[f.host].name, 'esx-01');
    assert.deepEqual(f.lost, []);
    const moves = f.moved.map((m) => `${a.layout.workloads[m.w].name}→${a.layout.hosts[m.to].name}${m.newVm ? `(new ${m.newVm.kind} VM)` : ''}`).sort();
    assert.deepEqual(moves, ['erp→esx-02', 'fn→esx-02(new pool VM)']);
    const fn = f.moved.find((m) => a.layout.workloads[m.w].name === 'fn')!;
    assert.ok(fn.hostCost.memory > fn.cost.memory, 'a new VM costs its guest OS');
    const g = a.placement.simulateFailure('n1')!;
    assert.deepEqual(g.moved.map((m) => a.layout.hosts[m.to].name), ['n2']);
  });

  it('reports what no longer fits, and pinned replicas lost with their host', () => {
    const a = run({ 'hosts.yaml': fleet, 'w.yaml': workloads('big os=linux deploy=vm replicas=2 resources={ cpu: 8, memory: 40Gi }\npinned os=linux deploy=container host=n1') });
    assert.deepEqual(where(a.layout).big, ['esx-01/vm', 'esx-02/vm']);
    const f = a.placement.simulateFailure('esx-01')!;
    assert.equal(f.lost.length, 1);
    assert.equal(f.lost[0].kind, 'failure');
    assert.match(f.lost[0].reason, /^lost with esx-01: /);
    const p = a.placement.simulateFailure('n1')!;
    assert.match(p.lost[0].reason, /pinned to n1 alone/);
  });

  it('leaves the base layout as it was, so simulations repeat', () => {
    const a = run({ 'hosts.yaml': fleet, 'w.yaml': workloads('erp os=linux deploy=vm replicas=3 resources={ cpu: 4, memory: 16Gi }') });
    const before = JSON.stringify(a.layout);
    const first = a.placement.simulateFailure('esx-02');
    for (const h of ['esx-01', 'n1', 'n2']) a.placement.simulateFailure(h);
    assert.deepEqual(a.placement.simulateFailure('esx-02'), first);
    assert.equal(JSON.stringify(a.layout), before);
    assert.equal(a.placement.simulateFailure('nope'), undefined);
  });
});

describe('determinism and quality', () => {
  const text = workloads(
    Array.from({ length: 40 }, (_, i) => `w${i} os=${i % 3 ? 'linux' : 'any'} deploy=${['vm', 'container', 'container-in-vm'][i % 3]} replicas=${1 + (i % 3)} resources={ cpu: ${1 + (i % 5)}, memory: ${2 + (i % 7)}Gi }`).join('\n'),
  );
  const fleet = hosts(Array.from({ length: 12 }, (_, i) => (i % 2 ? `c${i} role=container-host os=linux cpu=16 memory=64Gi site=s${i % 3}` : `h${i} role=hypervisor runtime=containerd cpu=16 memory=128Gi site=s${i % 3} overcommit={ cpu: 4 }`)).join('\n'));

  it('the same input gives the same layout', () => {
    const a = run({ 'hosts.yaml': fleet, 'w.yaml': text });
    const b = run({ 'hosts.yaml': fleet, 'w.yaml': text });
    assert.deepEqual(a.layout, b.layout);
    assert.deepEqual(a.placement.simulateFailure('h0'), b.placement.simulateFailure('h0'));
  });

  it('reports hosts used against a lower bound no layout can beat', () => {
    const { quality } = run({ 'hosts.yaml': fleet, 'w.yaml': text }).layout;
    assert.equal(quality.hostsTotal, 12);
    assert.ok(quality.lowerBound >= 2 && quality.lowerBound <= quality.hostsUsed, JSON.stringify(quality));
    assert.equal(quality.instances, quality.placed);
  });

  it('the bound is reached when one host is enough', () => {
    const { quality } = run({ 'hosts.yaml': hosts('n1 role=container-host os=linux cpu=16 memory=64Gi\nn2 role=container-host os=linux cpu=16 memory=64Gi'), 'w.yaml': workloads('a os=linux deploy=container\nb os=linux deploy=container') }).layout;
    assert.deepEqual([quality.hostsUsed, quality.lowerBound], [1, 1]);
  });

  it('a huge replica count is capped and reported, not looped over', () => {
    const a = run({ 'hosts.yaml': FLEET, 'w.yaml': workloads('a os=linux deploy=container replicas=100000000') }, defaultConfig());
    const u = unplacedOf(a.layout, 'a');
    assert.ok(u.some((x) => x.kind === 'limit'));
  });
});
