// Issue #11, the fleet and placement part: clusters, zones, CPU architectures, GPUs,
// vCPUs against cores, density, even spread, failover inside a cluster, and the
// promises (live migration, DR, peak, GPUs, architecture) checked against the fleet.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { checkInvariants, config, diags, hosts, run, unplacedOf, where, workloads } from './helpers';

const rules = (a: ReturnType<typeof run>) => diags(a).map((d) => d.ruleId);
const count = (list: readonly string[]) => {
  const m = new Map<string, number>();
  for (const h of list) m.set(h, (m.get(h) ?? 0) + 1);
  return [...m.values()].sort((a, b) => b - a);
};

describe('new fields', () => {
  it('hosts take cluster, zone, arch, gpus and hypervisor powervm; workloads take zone, gpus, arch', () => {
    const a = run({
      'h.workload.yaml': hosts('p1 role=hypervisor hypervisor=powervm cluster=power zone=core arch=ppc64 gpus=0 cpu=32 memory=256Gi'),
      'w.workload.yaml': workloads('w os=linux zone=core gpus=1 arch=arm64 deploy=vm'),
    });
    const schema = diags(a).filter((d) => ['unknown-key', 'invalid-value', 'wrong-type'].includes(d.ruleId));
    assert.deepEqual(schema, []);
  });
  it('an unknown arch is an invalid value', () => {
    const a = run({ 'h.workload.yaml': hosts('h role=hypervisor hypervisor=kvm arch=risc cpu=8 memory=8Gi') });
    assert.ok(rules(a).includes('invalid-value'));
  });
});

describe('placement feasibility', () => {
  it("a VM's vCPUs never exceed its host's cores", () => {
    const a = run({
      'h.workload.yaml': hosts('small role=hypervisor hypervisor=esxi cpu=32 memory=1Ti\nbig role=hypervisor hypervisor=esxi cpu=128 memory=1Ti'),
      'w.workload.yaml': workloads('db os=linux deploy=vm resources={ cpu: 96, memory: 64Gi }'),
    });
    assert.deepEqual(where(a.placement.layout).db, ['big/vm']);
    const b = run({
      'h.workload.yaml': hosts('small role=hypervisor hypervisor=esxi cpu=32 memory=1Ti'),
      'w.workload.yaml': workloads('db os=linux deploy=vm resources={ cpu: 96, memory: 64Gi }'),
    });
    assert.deepEqual(where(b.placement.layout).db, ['-']);
    assert.match(unplacedOf(b.placement.layout, 'db')[0].reason, /vCPU|cores/);
  });
  it('AIX runs only on POWER (powervm, ppc64)', () => {
    const fleet = hosts('esx role=hypervisor hypervisor=esxi cpu=64 memory=512Gi\npwr role=hypervisor hypervisor=powervm cpu=32 memory=512Gi');
    const a = run({ 'h.workload.yaml': fleet, 'w.workload.yaml': workloads('ledger os=aix deploy=vm resources={ cpu: 4, memory: 16Gi }') });
    assert.deepEqual(where(a.placement.layout).ledger, ['pwr/vm']);
    const b = run({ 'h.workload.yaml': hosts('esx role=hypervisor hypervisor=esxi cpu=64 memory=512Gi'), 'w.workload.yaml': workloads('ledger os=aix deploy=vm') });
    assert.deepEqual(where(b.placement.layout).ledger, ['-']);
  });
  it('a container host whose OS no OCI runtime runs is an error and gets no containers', () => {
    const a = run({
      'h.workload.yaml': hosts('sol role=container-host os=solaris cpu=32 memory=64Gi\nlnx role=container-host os=linux cpu=4 memory=8Gi'),
      'w.workload.yaml': workloads('jvm os=any deploy=container replicas=2'),
    });
    const d = diags(a, 'container-host-os');
    assert.equal(d.length, 1);
    assert.equal(d[0].severity, 'error');
    assert.deepEqual(where(a.placement.layout).jvm, ['lnx', 'lnx']);
  });
  it('containers and VMs only on hosts of their architecture', () => {
    const a = run({
      'h.workload.yaml': hosts('x86 role=container-host os=linux cpu=32 memory=64Gi\narm role=container-host os=linux arch=arm64 cpu=8 memory=16Gi'),
      'w.workload.yaml': workloads('edge os=linux arch=arm64 deploy=container\napi os=linux deploy=container'),
    });
    const w = where(a.placement.layout);
    assert.deepEqual(w.edge, ['arm']);
    assert.deepEqual(w.api, ['x86']);
  });
  it('a workload needing N GPUs goes only where N are free', () => {
    const a = run({
      'h.workload.yaml': hosts('g1 role=hypervisor hypervisor=kvm gpus=2 cpu=64 memory=512Gi\ncpu1 role=hypervisor hypervisor=kvm cpu=64 memory=512Gi'),
      'w.workload.yaml': workloads('train os=linux gpus=1 replicas=3 deploy=vm resources={ cpu: 4, memory: 16Gi }'),
    });
    assert.deepEqual(where(a.placement.layout).train, ['g1/vm', 'g1/vm', '-']);
    assert.match(unplacedOf(a.placement.layout, 'train')[0].reason, /GPU/);
  });
  it('zones: zone X workloads only on zone X hosts, which take nothing else', () => {
    const a = run({
      'h.workload.yaml': hosts('corp role=hypervisor hypervisor=esxi cpu=64 memory=512Gi\npci role=hypervisor hypervisor=esxi zone=pci cpu=16 memory=128Gi'),
      'w.workload.yaml': workloads('cards os=linux zone=pci deploy=vm replicas=2\nwiki os=linux deploy=vm replicas=2'),
    });
    const w = where(a.placement.layout);
    assert.deepEqual(w.cards, ['pci/vm', 'pci/vm']);
    assert.deepEqual(w.wiki, ['corp/vm', 'corp/vm']);
    checkInvariants(a.placement.layout);
  });
});

describe('density as in the seed', () => {
  it('a container never fits fewer times than a VM on the same host', () => {
    const svc = (deploy: string) => workloads(`svc os=linux replicas=40 deploy=${deploy} resources={ cpu: 2, memory: 4Gi }`);
    const placed = (role: string, deploy: string) => {
      const a = run({ 'h.workload.yaml': hosts(`box ${role} os=linux runtime=containerd hypervisor=kvm cpu=32 memory=256Gi`), 'w.workload.yaml': svc(deploy) });
      return where(a.placement.layout).svc.filter((x) => x !== '-').length;
    };
    const asVm = placed('role=hypervisor', 'vm');
    const asContainer = placed('role=container-host', 'container');
    assert.ok(asContainer >= asVm, `containers ${asContainer} < VMs ${asVm}`);
  });
});

describe('even spread', () => {
  it('8 replicas on 3 equal hosts end 3/3/2', () => {
    const a = run({
      'h.workload.yaml': hosts('a role=container-host os=linux cpu=32 memory=64Gi\nb role=container-host os=linux cpu=32 memory=64Gi\nc role=container-host os=linux cpu=32 memory=64Gi'),
      'w.workload.yaml': workloads('api os=linux replicas=8 deploy=container resources={ cpu: 1, memory: 1Gi }'),
    });
    assert.deepEqual(count(where(a.placement.layout).api), [3, 3, 2]);
  });
  it('replicas spread over clusters too', () => {
    const a = run({
      'h.workload.yaml': hosts('a1 role=hypervisor hypervisor=esxi cluster=A cpu=32 memory=256Gi\na2 role=hypervisor hypervisor=esxi cluster=A cpu=32 memory=256Gi\nb1 role=hypervisor hypervisor=esxi cluster=B cpu=32 memory=256Gi'),
      'w.workload.yaml': workloads('db os=linux replicas=2 deploy=vm resources={ cpu: 2, memory: 8Gi }'),
    });
    const w = where(a.placement.layout).db.map((x) => x[0]);
    assert.deepEqual([...w].sort(), ['a', 'b']);
  });
  it('single-point-of-failure fires when replicas share a host though others could take them', () => {
    const a = run({
      'h.workload.yaml': hosts('a role=container-host os=linux cpu=32 memory=64Gi\nb role=container-host os=linux cpu=32 memory=64Gi'),
      'w.workload.yaml': workloads('api os=linux replicas=3 hosts=[a] deploy=container\nweb os=linux replicas=3 deploy=container'),
    });
    assert.equal(diags(a, 'single-point-of-failure').length, 1);
  });
});

describe('failover', () => {
  const fleet = hosts(`
a1 role=hypervisor hypervisor=esxi cluster=A site=east cpu=32 memory=128Gi
a2 role=hypervisor hypervisor=esxi cluster=A site=east cpu=32 memory=128Gi
b1 role=hypervisor hypervisor=esxi cluster=B site=west cpu=64 memory=512Gi
`);
  it('stays inside the cluster when clusters are declared', () => {
    const a = run({ 'h.workload.yaml': fleet, 'w.workload.yaml': workloads('erp os=linux deploy=vm hosts=[a1] resources={ cpu: 4, memory: 8Gi }\nmail os=linux deploy=vm resources={ cpu: 4, memory: 8Gi }') });
    const w = where(a.placement.layout);
    const host = w.mail[0].split('/')[0];
    const out = a.placement.simulateFailure(host)!;
    const layout = a.placement.layout;
    for (const m of out.moved) {
      const from = layout.hosts.find((h) => h.name === host)!;
      assert.equal(layout.hosts[m.to].cluster, from.cluster, `${layout.workloads[m.w].name} moved across clusters`);
    }
  });
  it('a cluster or a site can fail', () => {
    const a = run({ 'h.workload.yaml': fleet, 'w.workload.yaml': workloads('mail os=linux deploy=vm replicas=3 resources={ cpu: 4, memory: 8Gi }') });
    const bySite = a.placement.simulateFailure('east');
    const byCluster = a.placement.simulateFailure('A');
    assert.ok(bySite && byCluster);
    assert.deepEqual(bySite.hosts, byCluster.hosts);
    assert.equal(bySite.hosts!.length, 2);
  });
  it('says when replicas end up sharing a host', () => {
    const a = run({
      'h.workload.yaml': hosts('x role=hypervisor hypervisor=kvm cpu=32 memory=128Gi\ny role=hypervisor hypervisor=kvm cpu=32 memory=128Gi\nz role=hypervisor hypervisor=kvm cpu=32 memory=128Gi'),
      'w.workload.yaml': workloads('db os=linux deploy=vm replicas=3 resources={ cpu: 4, memory: 8Gi }'),
    });
    const out = a.placement.simulateFailure('x')!;
    assert.equal(out.lost.length, 0);
    assert.equal(out.shared?.length, 1);
    assert.equal(a.placement.layout.workloads[out.shared![0].w].name, 'db');
  });
});

describe('failure leaves replicas sharing one host', () => {
  it('not-failure-tolerant says so when nothing is lost but every replica would share a host', () => {
    const a = run(
      {
        'h.workload.yaml': hosts('x role=hypervisor hypervisor=kvm cpu=32 memory=128Gi\ny role=hypervisor hypervisor=kvm cpu=32 memory=128Gi'),
        'w.workload.yaml': workloads('db os=linux deploy=vm replicas=2 resources={ cpu: 4, memory: 8Gi }'),
      },
      config((c) => (c.placement.checkHostFailure = true)),
    );
    assert.match(diags(a, 'not-failure-tolerant')[0]?.message ?? '', /share/);
  });
});

describe('promises checked against the fleet', () => {
  it('live migration needs another host of the same hypervisor type that could take it', () => {
    const lone = run({
      'h.workload.yaml': hosts('esx role=hypervisor hypervisor=esxi cpu=32 memory=128Gi\nhv role=hypervisor hypervisor=hyper-v cpu=32 memory=128Gi'),
      'w.workload.yaml': workloads('erp os=linux liveMigration=true deploy=vm'),
    });
    assert.equal(diags(lone, 'live-migration-no-target').length, 1);
    const pair = run({
      'h.workload.yaml': hosts('esx role=hypervisor hypervisor=esxi cpu=32 memory=128Gi\nesx2 role=hypervisor hypervisor=esxi cpu=32 memory=128Gi'),
      'w.workload.yaml': workloads('erp os=linux liveMigration=true deploy=vm'),
    });
    assert.equal(diags(pair, 'live-migration-no-target').length, 0);
  });
  it('GPUs rule live migration out', () => {
    const a = run({
      'h.workload.yaml': hosts('g1 role=hypervisor hypervisor=kvm gpus=2 cpu=32 memory=128Gi\ng2 role=hypervisor hypervisor=kvm gpus=2 cpu=32 memory=128Gi'),
      'w.workload.yaml': workloads('ml os=linux gpus=1 liveMigration=true deploy=vm'),
    });
    assert.match(diags(a, 'live-migration-no-target')[0]?.message ?? '', /GPU/);
  });
  it('DR needs a second site with a capable host', () => {
    const a = run({
      'h.workload.yaml': hosts('esx role=hypervisor hypervisor=esxi site=east cpu=32 memory=128Gi\nesx2 role=hypervisor hypervisor=esxi site=east cpu=32 memory=128Gi'),
      'w.workload.yaml': workloads('erp os=linux disasterRecovery=true deploy=vm'),
    });
    assert.equal(diags(a, 'disaster-recovery-no-site').length, 1);
  });
  it('too few GPUs, a peak that does not fit, an architecture no host has', () => {
    const a = run({
      'h.workload.yaml': hosts('g1 role=hypervisor hypervisor=kvm gpus=1 cpu=16 memory=64Gi'),
      'w.workload.yaml': workloads('train os=linux gpus=2 deploy=vm\nweb os=linux deploy=vm scaling={ min: 1, max: 40 } resources={ cpu: 2, memory: 4Gi }\nmain os=linux arch=s390x deploy=vm'),
    });
    const r = rules(a);
    assert.ok(r.includes('gpu-shortage'), r.join());
    assert.ok(r.includes('peak-no-fit'), r.join());
    assert.ok(r.includes('arch-unavailable'), r.join());
  });
});

describe('properties (fast-check)', () => {
  it('a container fits at least as many times as a VM on the same host, with the defaults', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 64 }), fc.integer({ min: 4, max: 512 }), fc.constantFrom('250m', '500m', '1', '2', '3', '8'), fc.constantFrom('256Mi', '1Gi', '4Gi', '16Gi'), (cores, gi, cpu, mem) => {
        const placed = (role: string, deploy: string) => {
          const a = run({
            'h.workload.yaml': hosts(`box ${role} os=linux runtime=containerd hypervisor=kvm cpu=${cores} memory=${gi}Gi`),
            'w.workload.yaml': workloads(`svc os=linux replicas=300 deploy=${deploy} resources={ cpu: ${cpu}, memory: ${mem} }`),
          });
          return where(a.placement.layout).svc.filter((x) => x !== '-').length;
        };
        return placed('role=container-host', 'container') >= placed('role=hypervisor', 'vm');
      }),
      { numRuns: 40 },
    );
  });
  it('replicas on equal hosts spread evenly: max − min ≤ 1 while room allows', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 3 }), (n, replicas, sites) => {
        const fleet = hosts(Array.from({ length: n }, (_, i) => `h${i} role=container-host os=linux cpu=64 memory=256Gi site=s${i % sites}`).join('\n'));
        const a = run({ 'h.workload.yaml': fleet, 'w.workload.yaml': workloads(`api os=linux replicas=${replicas} deploy=container resources={ cpu: 1, memory: 1Gi }`) });
        const per = new Map<string, number>(Array.from({ length: n }, (_, i) => [`h${i}`, 0]));
        for (const h of where(a.placement.layout).api) per.set(h, (per.get(h) ?? 0) + 1);
        const counts = [...per.values()];
        return Math.max(...counts) - Math.min(...counts) <= 1;
      }),
      { numRuns: 60 },
    );
  });
});

describe('why not placed', () => {
  const why = (fleet: string, w: string) => {
    const a = run({ 'h.workload.yaml': hosts(fleet), 'w.workload.yaml': workloads(w) });
    return unplacedOf(a.placement.layout, w.split(' ')[0])[0];
  };
  it('names the architecture, the zone, the GPUs or the vCPUs', () => {
    assert.equal(why('h role=container-host os=linux cpu=8 memory=8Gi', 'edge os=linux arch=arm64 deploy=container').kind, 'arch');
    assert.equal(why('h role=container-host os=linux cpu=8 memory=8Gi', 'cards os=linux zone=pci deploy=container').kind, 'zone');
    assert.equal(why('h role=hypervisor hypervisor=kvm gpus=1 cpu=8 memory=64Gi', 'ml os=linux gpus=2 deploy=vm').kind, 'gpu');
    assert.match(why('h role=hypervisor hypervisor=esxi cpu=32 memory=1Ti overcommit={ cpu: 4 }', 'db os=linux deploy=vm resources={ cpu: 96, memory: 8Gi }').reason, /96 vCPUs/);
    assert.match(why('h role=hypervisor hypervisor=esxi cpu=32 memory=64Gi', 'ledger os=aix deploy=vm').reason, /PowerVM/);
  });
});

describe('feasibility over generated fleets (fast-check)', () => {
  const hostArb = fc.record({
    role: fc.constantFrom('hypervisor', 'container-host'),
    zone: fc.constantFrom('', '', 'pci'),
    arch: fc.constantFrom('', '', 'arm64'),
    gpus: fc.constantFrom(0, 0, 1, 2),
    cpu: fc.constantFrom(4, 16, 64),
    cluster: fc.constantFrom('', 'a', 'b'),
  });
  const workloadArb = fc.record({
    deploy: fc.constantFrom('vm', 'container', 'container-in-vm'),
    zone: fc.constantFrom('', '', 'pci'),
    arch: fc.constantFrom('', '', 'arm64'),
    gpus: fc.constantFrom(0, 0, 1),
    cpu: fc.constantFrom(1, 2, 8, 24),
    replicas: fc.integer({ min: 1, max: 5 }),
  });
  it('every placed replica is on a host of its zone and architecture, with its vCPUs within the cores and its GPUs free', () => {
    fc.assert(
      fc.property(fc.array(hostArb, { minLength: 1, maxLength: 6 }), fc.array(workloadArb, { minLength: 1, maxLength: 6 }), (hs, ws) => {
        const opt = (k: string, v: string | number) => (v === '' || v === 0 ? '' : ` ${k}=${v}`);
        const fleet = hosts(hs.map((h, i) => `h${i} role=${h.role} os=linux runtime=containerd hypervisor=kvm cpu=${h.cpu} memory=256Gi${opt('zone', h.zone)}${opt('arch', h.arch)}${opt('gpus', h.gpus)}${opt('cluster', h.cluster)}`).join('\n'));
        const text = workloads(ws.map((w, i) => `w${i} os=linux deploy=${w.deploy} replicas=${w.replicas} resources={ cpu: ${w.cpu}, memory: 1Gi }${opt('zone', w.zone)}${opt('arch', w.arch)}${opt('gpus', w.gpus)}`).join('\n'));
        const a = run({ 'h.workload.yaml': fleet, 'w.workload.yaml': text });
        const got = where(a.placement.layout);
        const gpusUsed = new Map<number, number>();
        ws.forEach((w, i) => {
          for (const at of got[`w${i}`]) {
            if (at === '-') continue;
            const k = Number(at.split('/')[0].slice(1));
            const h = hs[k];
            assert.equal(h.zone, w.zone, `w${i} zone`);
            assert.equal(h.arch, w.arch, `w${i} arch`);
            if (w.deploy === 'vm') assert.ok(w.cpu <= h.cpu, `w${i} vCPUs`);
            gpusUsed.set(k, (gpusUsed.get(k) ?? 0) + w.gpus);
          }
        });
        for (const [k, n] of gpusUsed) assert.ok(n <= hs[k].gpus, `h${k} GPUs`);
        checkInvariants(a.placement.layout);
        // Failover stays inside the cluster when clusters are declared.
        const clustered = hs.some((h) => h.cluster !== '');
        for (let k = 0; k < hs.length && clustered; k++) {
          for (const m of a.placement.simulateFailure(`h${k}`)!.moved) assert.equal(hs[m.to].cluster, hs[k].cluster, `h${k} → h${m.to}`);
        }
      }),
      { numRuns: 80 },
    );
  });
});

describe('host consistency', () => {
  it('PowerVM on another architecture is a mismatch', () => {
    const a = run({ 'h.workload.yaml': hosts('p role=hypervisor hypervisor=powervm arch=x86_64 cpu=8 memory=8Gi') });
    assert.match(diags(a, 'host-field-mismatch')[0]?.message ?? '', /POWER/);
  });
});
