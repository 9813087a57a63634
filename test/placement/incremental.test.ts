// A placement resumed from the previous one (`place(..., { previous })`) must equal a
// placement from scratch: layout (VM ids and every order included), unplaced,
// over-pinned hosts, findings with every host failure simulated, and a failure
// simulation. Checked at every step of random edit chains, over generated fleets edited
// as objects (new or mutated declarations, added, removed and moved workloads and hosts,
// changed options) and over the examples edited as text (declarations reused across
// parses with their spans moved). Other tests make sure the resumed path is taken.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import fc from 'fast-check';
import { generate } from '../../bench/generate';
import { analyze } from '../../server/src/core/analyze';
import { type Config, type PlacementOptions, defaultConfig } from '../../server/src/core/config';
import { type Fleet, summarize } from '../../server/src/core/fleet';
import { parseFile, PieceCache } from '../../server/src/core/parse';
import { MAX_REPLICAS, type Placement, place, placementFindings } from '../../server/src/core/placement';
import { type Recommendation, recommend } from '../../server/src/core/recommend';
import type { Deploy, HostDecl, WorkloadDecl } from '../../server/src/core/types';
import { applyEdit, editArb, exampleFleets, generatedFleets } from '../incremental/support';
import { props } from '../properties';

// Findings with every host failure simulated, so that those are compared too.
const CHECK: Config = (() => {
  const c = defaultConfig();
  c.placement.checkHostFailure = true;
  return c;
})();

/** What a placement says, as plain data (declarations as their indices). */
function snapshot(p: Placement, fleet: Fleet, failHost: string | undefined) {
  const w = (d: WorkloadDecl) => fleet.workloads.indexOf(d);
  for (const u of p.unplaced) assert.equal(u.workload, fleet.workloads[u.w]);
  return {
    layout: p.layout,
    unplaced: p.unplaced.map((u) => ({ ...u, workload: w(u.workload) })),
    overPinned: p.overPinned.map((o) => ({ host: fleet.hosts.indexOf(o.host), allocatable: o.allocatable, failed: o.failed.map((f) => [w(f.workload), f.replicas]), placed: o.placed.map(w) })),
    findings: placementFindings(p, CHECK),
    failure: failHost === undefined ? undefined : p.simulateFailure(failHost),
  };
}

/** Places with and without `previous`, checks they agree, and returns the resumed one. */
function check(fleet: Fleet, recs: ReadonlyMap<WorkloadDecl, Recommendation>, options: PlacementOptions, previous: Placement | undefined, label: string): Placement {
  const failHost = fleet.hosts.find((h) => h.name !== undefined)?.name;
  const before = previous && JSON.stringify([previous.layout, failHost === undefined ? null : previous.simulateFailure(failHost)]);
  const resumed = place(fleet, recs, options, { previous });
  const fresh = place(fleet, recs, options);
  assert.deepEqual(snapshot(resumed, fleet, failHost), snapshot(fresh, fleet, failHost), label);
  // The previous placement stays usable, unchanged by being resumed from.
  if (previous) assert.equal(JSON.stringify([previous.layout, failHost === undefined ? null : previous.simulateFailure(failHost)]), before, `${label}: previous changed`);
  return resumed;
}

// ---------------------------------------------------------------------------
// Object-level edits over generated fleets.

interface World {
  hosts: HostDecl[];
  workloads: WorkloadDecl[];
  options: PlacementOptions;
  /** For new names. */
  serial: number;
}

function fleetOf(world: World): { fleet: Fleet; recs: Map<WorkloadDecl, Recommendation> } {
  const hostsByName = new Map<string, HostDecl[]>();
  for (const h of world.hosts) if (h.name !== undefined) (hostsByName.get(h.name) ?? hostsByName.set(h.name, []).get(h.name)!).push(h);
  const workloadsByName = new Map<string, WorkloadDecl[]>();
  for (const w of world.workloads) if (w.name !== undefined) (workloadsByName.get(w.name) ?? workloadsByName.set(w.name, []).get(w.name)!).push(w);
  const summary = summarize(world.hosts);
  const recs = new Map<WorkloadDecl, Recommendation>();
  for (const w of world.workloads) {
    const roles = new Set<string>();
    for (const p of w.pins) for (const h of hostsByName.get(p.name) ?? []) if (h.role) roles.add(h.role);
    recs.set(w, recommend(w, summary, roles));
  }
  return { fleet: { files: [], hosts: world.hosts, workloads: world.workloads, hostsByName, workloadsByName, summary }, recs };
}

const GI = 2 ** 30;
const CPUS = [0.25, 0.5, 1, 2, 4, 8, 16, 48];
const MEMS = [0.25 * GI, GI, 2 * GI, 16 * GI, 64 * GI, 300 * GI];
const OSES = ['linux', 'linux', 'windows', 'any', 'linx', 'freebsd'];
const DEPLOYS: (Deploy | undefined)[] = [undefined, undefined, 'vm', 'container', 'container-in-vm'];
const KINDS = [
  'cpu', 'cpu', 'memory', 'memory', 'replicas', 'os', 'os', 'deploy', 'deploy', 'pins', 'isolation', 'isolation', 'volumes', 'same', 'same',
  'addWorkload', 'removeWorkload', 'moveWorkload',
  'hostCpu', 'hostMemory', 'hostSite', 'hostRuntime', 'addHost', 'removeHost', 'moveHost', 'options',
  // Issue #11: zones, architectures, GPUs, clusters, DR (failover outside the cluster).
  'zone', 'arch', 'gpus', 'dr', 'hostZone', 'hostArch', 'hostGpus', 'hostCluster',
] as const;

const objectEditArb = fc.record({ kind: fc.constantFrom(...KINDS), at: fc.nat(), to: fc.nat(), value: fc.nat(), inPlace: fc.boolean() });
type ObjectEdit = typeof objectEditArb extends fc.Arbitrary<infer T> ? T : never;

/**
 * Applies one edit: a changed declaration is a new object, or (inPlace, hosts only) the
 * same one mutated. Workload declarations are never changed in place (the parse's
 * contract, which the engine relies on: the same object reads the same).
 */
function applyObjectEdit(world: World, e: ObjectEdit): void {
  const ws = world.workloads;
  const hs = world.hosts;
  const pick = <T>(xs: readonly T[], i: number): T => xs[i % xs.length];
  const editWorkload = (change: (w: WorkloadDecl) => void) => {
    if (!ws.length) return;
    const i = e.at % ws.length;
    const copy = { ...ws[i], volumes: [...ws[i].volumes], pins: [...ws[i].pins] };
    change(copy);
    ws[i] = copy;
  };
  const editHost = (change: (h: HostDecl) => void) => {
    if (!hs.length) return;
    const i = e.at % hs.length;
    if (e.inPlace) change(hs[i]);
    else {
      const copy = { ...hs[i], overcommit: { ...hs[i].overcommit } };
      change(copy);
      hs[i] = copy;
    }
  };
  switch (e.kind) {
    case 'cpu':
      return editWorkload((w) => (w.cpu = pick(CPUS, e.value)));
    case 'memory':
      return editWorkload((w) => (w.memory = pick(MEMS, e.value)));
    case 'replicas':
      return editWorkload((w) => {
        w.replicas = e.value % 7;
        w.scaling = undefined;
      });
    case 'os':
      return editWorkload((w) => (w.os = pick(OSES, e.value)));
    case 'deploy':
      return editWorkload((w) => (w.deploy = pick(DEPLOYS, e.value)));
    case 'pins':
      return editWorkload((w) => {
        const names = [...hs.map((h) => h.name ?? ''), 'nowhere'];
        const n = e.value % 3;
        w.pins = Array.from({ length: n }, (_, k) => ({ name: pick(names, e.to + k * 7), span: w.nameSpan }));
      });
    case 'isolation':
      return editWorkload((w) => (w.isolation = pick(['strict', 'standard', undefined] as const, e.value)));
    case 'volumes':
      return editWorkload((w) => (w.volumes = e.value % 3 ? [{ name: 'data', size: (e.value % 5) * 100 * GI, span: w.nameSpan }] : []));
    case 'same':
      // A new object with the same values (an edit elsewhere in the item), or nothing at all.
      return editWorkload(() => undefined);
    case 'addWorkload': {
      if (!ws.length) return;
      const w = { ...pick(ws, e.at), name: `added-${world.serial++}` };
      ws.splice(e.to % (ws.length + 1), 0, w);
      return;
    }
    case 'removeWorkload':
      if (ws.length > 1) ws.splice(e.at % ws.length, 1);
      return;
    case 'moveWorkload': {
      if (!ws.length) return;
      const [w] = ws.splice(e.at % ws.length, 1);
      ws.splice(e.to % (ws.length + 1), 0, w);
      return;
    }
    case 'hostCpu':
      return editHost((h) => (h.cpu = pick([8, 16, 64, 96, 128], e.value)));
    case 'hostMemory':
      return editHost((h) => (h.memory = pick([32, 256, 512, 1024], e.value) * GI));
    case 'hostRuntime':
      return editHost((h) => (h.runtime = h.runtime ? undefined : 'containerd'));
    case 'hostSite':
      return editHost((h) => (h.site = pick(['dc-east', 'dc-west', 'dc-north', undefined], e.value)));
    case 'addHost': {
      if (!hs.length) return;
      const h = { ...pick(hs, e.at), name: `new-${world.serial++}`, overcommit: { ...pick(hs, e.at).overcommit } };
      hs.splice(e.to % (hs.length + 1), 0, h);
      return;
    }
    case 'removeHost':
      if (hs.length > 1) hs.splice(e.at % hs.length, 1);
      return;
    case 'moveHost': {
      if (!hs.length) return;
      const [h] = hs.splice(e.at % hs.length, 1);
      hs.splice(e.to % (hs.length + 1), 0, h);
      return;
    }
    case 'zone':
      return editWorkload((w) => (w.zone = pick([undefined, undefined, 'pci'], e.value)));
    case 'arch':
      return editWorkload((w) => (w.arch = pick([undefined, undefined, 'arm64', 'x86_64'], e.value)));
    case 'gpus':
      return editWorkload((w) => (w.gpus = pick([undefined, 0, 1, 2], e.value)));
    case 'dr':
      return editWorkload((w) => (w.disasterRecovery = pick([undefined, true, false], e.value)));
    case 'hostZone':
      return editHost((h) => (h.zone = pick([undefined, undefined, 'pci'], e.value)));
    case 'hostArch':
      return editHost((h) => (h.arch = pick([undefined, undefined, 'arm64'], e.value)));
    case 'hostGpus':
      return editHost((h) => (h.gpus = pick([undefined, 2, 4], e.value)));
    case 'hostCluster':
      return editHost((h) => (h.cluster = pick([undefined, 'a', 'b'], e.value)));
    case 'options':
      world.options = { ...world.options, vmOverhead: { cpu: pick([0, 0.5, 1], e.value), memory: pick([0, 2, 4], e.to) * GI } };
      return;
  }
}

function generatedWorld(workloads: number, seed: number): World {
  const g = generate({ workloads, seed, mistakes: 0.05 });
  const a = analyze([parseFile('gen.workload.yaml', g.text)], defaultConfig());
  return { hosts: [...a.fleet.hosts], workloads: [...a.fleet.workloads], options: defaultConfig().placement, serial: 0 };
}

describe('placement resumed from the previous one equals a placement from scratch', () => {
  const modes = { full: 0, reused: 0, resumed: 0 };

  it('random edit chains over generated fleets, edited as objects', () => {
    fc.assert(
      fc.property(fc.constantFrom(50, 120, 400), fc.integer({ min: 1, max: 1000 }), fc.array(objectEditArb, { minLength: 1, maxLength: 12 }), (size, seed, edits) => {
        const world = generatedWorld(size, seed);
        let { fleet, recs } = fleetOf(world);
        let previous = check(fleet, recs, world.options, undefined, 'start');
        for (const [i, e] of edits.entries()) {
          applyObjectEdit(world, e);
          ({ fleet, recs } = fleetOf(world));
          previous = check(fleet, recs, world.options, previous, `after edit ${i + 1}: ${JSON.stringify(e)}`);
          modes[previous.stats.mode]++;
        }
      }),
      props(80, 5150),
    );
    // Most edits leave the hosts and options alone: those must not fall back to a full placement.
    assert.ok(modes.resumed + modes.reused > modes.full, JSON.stringify(modes));
    assert.ok(modes.resumed > 0 && modes.reused > 0, JSON.stringify(modes));
  });

  it('random text edits over the examples and generated files (declarations reused with moved spans)', () => {
    for (const set of [...exampleFleets(), ...generatedFleets()]) {
      for (const target of Object.keys(set.files)) {
        fc.assert(
          fc.property(fc.array(editArb, { minLength: 1, maxLength: 10 }), (edits) => {
            const caches = new Map(Object.keys(set.files).map((f) => [f, new PieceCache()]));
            const texts = { ...set.files };
            const analyse = () => analyze(Object.entries(texts).map(([f, t]) => parseFile(f, t, caches.get(f))), CHECK);
            let a = analyse();
            let previous = check(a.fleet, a.recommendations, CHECK.placement, undefined, 'start');
            for (const [i, e] of edits.entries()) {
              texts[target] = applyEdit(texts[target], e);
              a = analyse();
              previous = check(a.fleet, a.recommendations, CHECK.placement, previous, `${target} after edit ${i + 1}: ${JSON.stringify(e)}`);
            }
          }),
          props(12, 42 + target.length),
        );
      }
    }
  });

  it('a one-workload edit resumes from the previous placement and searches few replicas', () => {
    const world = generatedWorld(400, 7);
    let { fleet, recs } = fleetOf(world);
    const first = place(fleet, recs, world.options);
    assert.equal(first.stats.mode, 'full');
    const total = first.layout.quality.instances;

    // Nothing placement-relevant changed (new declaration objects with the same values).
    world.workloads = world.workloads.map((w) => ({ ...w }));
    ({ fleet, recs } = fleetOf(world));
    const same = check(fleet, recs, world.options, first, 'same values');
    assert.equal(same.stats.mode, 'reused');
    assert.equal(same.stats.searched, 0);

    // The middle workload's memory, then its OS (it moves in the placement order, or out of it).
    const mid = Math.floor(world.workloads.length / 2);
    let previous = same;
    for (const change of [(w: WorkloadDecl) => (w.memory = (w.memory ?? 0) + GI), (w: WorkloadDecl) => (w.os = 'linx'), (w: WorkloadDecl) => (w.os = 'linux')]) {
      const w = { ...world.workloads[mid] };
      change(w);
      world.workloads[mid] = w;
      ({ fleet, recs } = fleetOf(world));
      previous = check(fleet, recs, world.options, previous, 'middle workload');
      const { stats } = previous;
      assert.equal(stats.mode, 'resumed');
      assert.ok(stats.searched < total / 4, `searched ${stats.searched} of ${total}: ${JSON.stringify(stats)}`);
    }

    // A host change starts over.
    world.hosts[0] = { ...world.hosts[0], cpu: (world.hosts[0].cpu ?? 0) + 1 };
    ({ fleet, recs } = fleetOf(world));
    assert.equal(check(fleet, recs, world.options, previous, 'host').stats.mode, 'full');
  });

  it('a resumed step weighs the hosts that differ with its own vCPUs and container VMs (read from the step arrays, not the spec)', () => {
    // `small` is in use (its pinned workloads are placed first) and so preferred; editing
    // `pinned` puts it among the hosts that differ, which each later workload weighs.
    // `portable` (any OS) joins the Windows container VM already on `small` rather than
    // making one; `big-vm` has more vCPUs than `small` has cores.
    const hosts = `version: 1
hosts:
  - { name: big, role: hypervisor, runtime: containerd, cpu: 64, memory: 512Gi }
  - { name: small, role: hypervisor, runtime: containerd, cpu: 8, memory: 512Gi, overcommit: { cpu: 4, memory: 1 } }
`;
    const workloads = (memory: number) => `version: 1
workloads:
  - { name: pinned, os: windows, deploy: container-in-vm, host: small, resources: { cpu: 1, memory: ${memory}Gi } }
  - { name: big-vm, os: linux, deploy: vm, resources: { cpu: 12, memory: 4Gi } }
  - { name: portable, os: any, deploy: container-in-vm, hosts: [big, small], resources: { cpu: 1, memory: 1Gi } }
`;
    const analyse = (memory: number) => analyze([parseFile('hosts.workload.yaml', hosts), parseFile('apps.workload.yaml', workloads(memory))], CHECK);
    let a = analyse(1);
    let previous = check(a.fleet, a.recommendations, CHECK.placement, undefined, 'start');
    // Each host's VMs: kind, guest OS and the workloads in it.
    const vms = (p: Placement) => p.layout.hosts.map((h) => `${h.name}: ${h.vms.map((v) => `${v.kind} ${v.os} ${v.instance ? v.instance.w : v.containers.map((c) => c.w).join('+')}`).join(', ')}`);
    const expected = ['big: workload linux 1', 'small: pool windows 0+2'];
    assert.deepEqual(vms(previous), expected);
    for (const memory of [2, 3, 1]) {
      a = analyse(memory);
      previous = check(a.fleet, a.recommendations, CHECK.placement, previous, `pinned memory ${memory}Gi`);
      assert.equal(previous.stats.mode, 'resumed');
      assert.ok(previous.stats.checked >= 2, JSON.stringify(previous.stats));
      assert.deepEqual(vms(previous), expected);
    }
  });

  it('starts from scratch when capacities are not whole numbers it can sum exactly, and still agrees', () => {
    const world = generatedWorld(50, 4);
    let { fleet, recs } = fleetOf(world);
    let previous = check(fleet, recs, world.options, undefined, 'start');
    world.hosts[1] = { ...world.hosts[1], memory: 1e300 };
    ({ fleet, recs } = fleetOf(world));
    previous = check(fleet, recs, world.options, previous, 'huge host');
    assert.equal(previous.stats.mode, 'full');
    world.workloads[3] = { ...world.workloads[3], cpu: (world.workloads[3].cpu ?? 0) + 1 };
    ({ fleet, recs } = fleetOf(world));
    assert.equal(check(fleet, recs, world.options, previous, 'after').stats.mode, 'full');
  });

  it('replica counts beyond the limit, no hosts, and the naive strategy', () => {
    const world = generatedWorld(50, 6);
    let { fleet, recs } = fleetOf(world);
    let previous = check(fleet, recs, world.options, undefined, 'start');
    for (const replicas of [MAX_REPLICAS + 5, 3, MAX_REPLICAS + 5]) {
      world.workloads[7] = { ...world.workloads[7], replicas, scaling: undefined };
      ({ fleet, recs } = fleetOf(world));
      previous = check(fleet, recs, world.options, previous, `replicas ${replicas}`);
      assert.equal(previous.stats.mode, 'resumed');
    }
    const hosts = world.hosts;
    world.hosts = [];
    ({ fleet, recs } = fleetOf(world));
    previous = check(fleet, recs, world.options, previous, 'no hosts');
    world.hosts = hosts;
    ({ fleet, recs } = fleetOf(world));
    previous = check(fleet, recs, world.options, previous, 'hosts back');
    // The naive baseline is never resumed, and never resumed from.
    const naive = place(fleet, recs, world.options, { strategy: 'naive', previous });
    assert.equal(naive.stats.mode, 'full');
    assert.deepEqual(naive.layout, place(fleet, recs, world.options, { strategy: 'naive' }).layout);
    assert.equal(place(fleet, recs, world.options, { previous: naive }).stats.mode, 'full');
  });

  it('keeps no older placement alive', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const world = generatedWorld(50, 3);
    const refs: WeakRef<Placement>[] = [];
    let previous: Placement | undefined;
    for (let i = 0; i < 4; i++) {
      world.workloads[i] = { ...world.workloads[i], cpu: (world.workloads[i].cpu ?? 0) + 1 };
      const { fleet, recs } = fleetOf(world);
      previous = place(fleet, recs, world.options, { previous });
      void previous.layout;
      refs.push(new WeakRef(previous));
    }
    // WeakRefs hold their targets until the current job ends.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    assert.deepEqual(
      refs.map((r) => r.deref() !== undefined),
      [false, false, false, true],
    );
    assert.ok(previous);
  });
});
