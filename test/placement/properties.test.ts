// Properties of the placement engine over random fleets (fast-check):
// - no host is ever over its allocatable capacity, every replica is on a host of the
//   right kind and pins are honoured, counts add up, failure simulation leaves the
//   layout untouched and never re-places onto the failed host;
// - on instances built to fit, nothing is left unplaced.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { checkInvariants, hosts, run, workloads } from './helpers';
import { props } from '../properties';
import { generate } from '../../bench/generate';
import { analyze } from '../../server/src/core/analyze';
import { defaultConfig } from '../../server/src/core/config';
import { parseFile } from '../../server/src/core/parse';
import { Packer } from '../../server/src/core/placement/packer';

/** The layout and the failure of every host, with the container-VM trees on or off. */
function placedWith(vmSearch: boolean, place: () => ReturnType<typeof run>): string {
  Packer.vmSearch = vmSearch;
  try {
    const a = place();
    return JSON.stringify({ layout: a.layout, failures: a.layout.hosts.map((h) => a.placement.simulateFailure(h.name)) });
  } finally {
    Packer.vmSearch = true;
  }
}

const GI = 1024;

const hostArb = fc.record({
  role: fc.constantFrom('hypervisor', 'container-host'),
  os: fc.constantFrom('linux', 'windows'),
  runtime: fc.boolean(),
  cpu: fc.integer({ min: 1, max: 64 }),
  memoryGi: fc.integer({ min: 1, max: 256 }),
  overcommit: fc.option(fc.record({ cpu: fc.constantFrom(1, 2, 4), memory: fc.constantFrom(1, 1.5) }), { nil: undefined }),
  storageGi: fc.option(fc.integer({ min: 0, max: 2000 }), { nil: undefined }),
  site: fc.option(fc.constantFrom('a', 'b', 'c'), { nil: undefined }),
});

const workloadArb = (hostCount: number) =>
  fc.record({
    os: fc.constantFrom('linux', 'windows', 'any', 'freebsd'),
    deploy: fc.option(fc.constantFrom('vm', 'container', 'container-in-vm'), { nil: undefined }),
    replicas: fc.integer({ min: 0, max: 5 }),
    cpuMilli: fc.integer({ min: 1, max: 40000 }),
    memoryMi: fc.integer({ min: 1, max: 96 * GI }),
    volumeGi: fc.option(fc.integer({ min: 1, max: 800 }), { nil: undefined }),
    strict: fc.boolean(),
    pins: fc.option(fc.uniqueArray(fc.integer({ min: 0, max: Math.max(0, hostCount - 1) }), { minLength: 1, maxLength: 3 }), { nil: undefined }),
  });

const scenario = fc.array(hostArb, { minLength: 1, maxLength: 8 }).chain((hs) => fc.tuple(fc.constant(hs), fc.array(workloadArb(hs.length), { minLength: 1, maxLength: 25 })));

type HostGen = typeof hostArb extends fc.Arbitrary<infer T> ? T : never;
type WorkGen = ReturnType<typeof workloadArb> extends fc.Arbitrary<infer T> ? T : never;

function hostLine(h: HostGen, i: number): string {
  let s = `h${i} role=${h.role} cpu=${h.cpu} memory=${h.memoryGi}Gi`;
  if (h.role === 'container-host') s += ` os=${h.os}`;
  if (h.runtime) s += ' runtime=containerd';
  if (h.overcommit) s += ` overcommit={ cpu: ${h.overcommit.cpu}, memory: ${h.overcommit.memory} }`;
  if (h.storageGi !== undefined) s += ` storage=${h.storageGi}Gi`;
  if (h.site) s += ` site=${h.site}`;
  return s;
}

function workloadLine(w: WorkGen, i: number): string {
  let s = `w${i} os=${w.os} replicas=${w.replicas} resources={ cpu: ${w.cpuMilli}m, memory: ${w.memoryMi}Mi }`;
  if (w.deploy) s += ` deploy=${w.deploy}`;
  if (w.volumeGi) s += ` volumes=[{ name: d, size: ${w.volumeGi}Gi }]`;
  if (w.strict) s += ' isolation=strict';
  if (w.pins) s += ` hosts=[${w.pins.map((p) => `h${p}`).join(', ')}]`;
  return s;
}

describe('placement properties', () => {
  it('never over-commits a host, honours roles, OS and pins, and accounts for every replica', () => {
    fc.assert(
      fc.property(scenario, ([hs, ws]) => {
        const a = run({ 'hosts.yaml': hosts(hs.map(hostLine).join('\n')), 'w.yaml': workloads(ws.map(workloadLine).join('\n')) });
        const { layout } = a;
        checkInvariants(layout);
        const unplaced = layout.unplaced.reduce((n, u) => n + u.count, 0);
        assert.equal(layout.quality.placed + unplaced, layout.quality.instances);
        assert.ok(layout.quality.lowerBound <= layout.quality.hostsUsed, JSON.stringify(layout.quality));
        const before = JSON.stringify(layout);
        layout.hosts.forEach((h, i) => {
          const f = a.placement.simulateFailure(h.name)!;
          assert.equal(f.host, i);
          const onHost = h.containers.length + h.vms.reduce((n, v) => n + (v.instance ? 1 : v.containers.length), 0);
          assert.equal(f.moved.length + f.lost.reduce((n, l) => n + l.count, 0), onHost);
          for (const m of f.moved) assert.notEqual(m.to, i);
        });
        assert.equal(JSON.stringify(layout), before);
      }),
      props(150, 150),
    );
  });

  // The container-VM trees only skip hosts the one search would reject: same answers.
  it('places container-in-vm replicas as the one search does', () => {
    const civ = fc.array(fc.record({ os: fc.constantFrom('linux', 'windows', 'any'), replicas: fc.integer({ min: 1, max: 5 }), cpuMilli: fc.integer({ min: 100, max: 12000 }), memoryMi: fc.integer({ min: 64, max: 24 * GI }), strict: fc.boolean(), site: fc.boolean() }), { minLength: 1, maxLength: 40 });
    const hv = fc.array(fc.record({ cpu: fc.integer({ min: 2, max: 32 }), memoryGi: fc.integer({ min: 4, max: 96 }), site: fc.constantFrom('a', 'b', 'c') }), { minLength: 1, maxLength: 10 });
    fc.assert(
      fc.property(hv, civ, (hs, ws) => {
        const files = {
          'hosts.yaml': hosts(hs.map((h, i) => `h${i} role=hypervisor runtime=containerd cpu=${h.cpu} memory=${h.memoryGi}Gi site=${h.site}`).join('\n')),
          'w.yaml': workloads(ws.map((w, i) => `w${i} os=${w.os} deploy=container-in-vm replicas=${w.replicas} resources={ cpu: ${w.cpuMilli}m, memory: ${w.memoryMi}Mi }${w.strict ? ' isolation=strict' : ''}${w.site ? ' disasterRecovery=true' : ''}`).join('\n')),
        };
        assert.equal(placedWith(true, () => run(files)), placedWith(false, () => run(files)));
      }),
      props(150, 151),
    );
    // And a generated fleet of 3,000 workloads, where hosts fill up.
    const g = generate({ workloads: 3000, hosts: 120, seed: 13 });
    const place = () => analyze([parseFile('g.workload.yaml', g.text)], defaultConfig());
    assert.equal(placedWith(true, place), placedWith(false, place));
  });

  // Built to fit: in each class of interchangeable hosts, the replicas' total demand is at
  // most half of what the hosts offer less the largest replica. A replica can then only
  // fail if every host were over half full in some dimension, which the totals rule out;
  // so any first-fit placement, spread or not, must place everything.
  it('places everything on instances built to fit', () => {
    const built = fc.record({
      hv: fc.record({ n: fc.integer({ min: 1, max: 5 }), cpu: fc.constantFrom(8, 16, 32), memoryGi: fc.constantFrom(32, 64, 128) }),
      ct: fc.record({ n: fc.integer({ min: 1, max: 5 }), cpu: fc.constantFrom(8, 16, 32), memoryGi: fc.constantFrom(32, 64, 128) }),
      ws: fc.array(
        fc.record({
          deploy: fc.constantFrom('vm', 'container', 'container-in-vm'),
          replicas: fc.integer({ min: 1, max: 3 }),
          cpuShare: fc.double({ min: 0.01, max: 0.1, noNaN: true }),
          memShare: fc.double({ min: 0.01, max: 0.1, noNaN: true }),
        }),
        { minLength: 1, maxLength: 40 },
      ),
    });
    fc.assert(
      fc.property(built, ({ hv, ct, ws }) => {
        const vmOv = { cpu: 500, mem: 2 * GI };
        const ctOv = { cpu: 0, mem: 32 };
        const classes = {
          hv: { n: hv.n, cpu: hv.cpu * 1000, mem: hv.memoryGi * GI, cpuUsed: hv.n * vmOv.cpu, memUsed: hv.n * vmOv.mem },
          ct: { n: ct.n, cpu: ct.cpu * 1000, mem: ct.memoryGi * GI, cpuUsed: 0, memUsed: 0 },
        };
        const lines: string[] = [];
        ws.forEach((w, i) => {
          const c = w.deploy === 'container' ? classes.ct : classes.hv;
          const cpu = Math.max(1, Math.floor(c.cpu * w.cpuShare));
          const mem = Math.max(1, Math.floor(c.mem * w.memShare));
          const ov = w.deploy === 'vm' ? vmOv : ctOv;
          // The largest replica, a new container VM's guest OS included, is at most 10% + overheads.
          const sCpu = c.cpu * 0.1 + vmOv.cpu + ctOv.cpu;
          const sMem = c.mem * 0.1 + vmOv.mem + ctOv.mem;
          const addCpu = (cpu + ov.cpu) * w.replicas;
          const addMem = (mem + ov.mem) * w.replicas;
          if (c.cpuUsed + addCpu > (c.n * (c.cpu - sCpu)) / 2 || c.memUsed + addMem > (c.n * (c.mem - sMem)) / 2) return;
          c.cpuUsed += addCpu;
          c.memUsed += addMem;
          lines.push(`w${i} os=linux deploy=${w.deploy} replicas=${w.replicas} resources={ cpu: ${cpu}m, memory: ${mem}Mi }`);
        });
        fc.pre(lines.length > 0);
        const hostLines = [
          ...Array.from({ length: hv.n }, (_, i) => `hv${i} role=hypervisor runtime=containerd cpu=${hv.cpu} memory=${hv.memoryGi}Gi overcommit={ cpu: 1, memory: 1 }`),
          ...Array.from({ length: ct.n }, (_, i) => `ct${i} role=container-host os=linux cpu=${ct.cpu} memory=${ct.memoryGi}Gi`),
        ];
        const { layout } = run({ 'hosts.yaml': hosts(hostLines.join('\n')), 'w.yaml': workloads(lines.join('\n')) });
        checkInvariants(layout);
        assert.deepEqual(layout.unplaced, []);
        assert.equal(layout.quality.placed, layout.quality.instances);
      }),
      props(150, 150),
    );
  });
});
