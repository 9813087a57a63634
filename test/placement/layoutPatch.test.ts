// Layout patches (shared/layoutPatch.ts): named edits with the patch each must give, a
// patch that does not fit is refused, and the property that applying the diff of two
// engine layouts over randomly edited fleets gives the second one exactly (as JSON, the
// way it crosses the wire), without touching the first.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { generate } from '../../bench/generate';
import { analyze } from '../../server/src/core/analyze';
import { defaultConfig } from '../../server/src/core/config';
import { parseFile } from '../../server/src/core/parse';
import { applyLayoutPatch, diffLayout, emptyPatch, LayoutPatchError, patchWorthSending, same } from '../../shared/layoutPatch';
import type { Layout, LayoutPatch } from '../../shared/protocol';
import { applyEdit, editArb } from '../incremental/support';
import { props } from '../properties';

const json = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

function layoutOf(files: Record<string, string>): Layout {
  return analyze(
    Object.entries(files).map(([f, t]) => parseFile(f, t)),
    defaultConfig(),
  ).layout;
}

/** Diffs, checks the round trip through JSON, and returns the patch. */
function roundTrip(prev: Layout, next: Layout): LayoutPatch {
  const patch = diffLayout(prev, next, 7)!;
  assert.ok(patch, 'a patch');
  const before = JSON.stringify(prev);
  assert.deepStrictEqual(json(applyLayoutPatch(json(prev), json(patch))), json(next), 'applied over the wire');
  assert.deepStrictEqual(json(applyLayoutPatch(prev, patch)), json(next), 'applied in process');
  assert.equal(JSON.stringify(prev), before, 'the previous layout is untouched');
  return patch;
}

const FLEET = `version: 1
hosts:
  - { name: esx-01, role: hypervisor, hypervisor: esxi, runtime: containerd, cpu: 16, memory: 64Gi, site: east }
  - { name: k8s-01, role: container-host, runtime: containerd, os: linux, cpu: 8, memory: 32Gi, site: east }
workloads:
  - { name: erp, os: linux, deploy: vm, resources: { cpu: 4, memory: 8Gi } }
  - { name: api, os: linux, deploy: container, replicas: 3, resources: { cpu: 1, memory: 2Gi } }
  - { name: fn, os: linux, deploy: container-in-vm, replicas: 2, resources: { cpu: 500m, memory: 1Gi } }
  - { name: huge, os: linux, deploy: vm, resources: { cpu: 500, memory: 8Gi } }
  - { name: web, os: linux, deploy: container, resources: { cpu: 1, memory: 1Gi } }
`;

interface Case {
  name: string;
  edit: (text: string) => string;
  /** Indices of the hosts and workloads the patch must carry whole. */
  hosts: number[];
  workloads: number[];
  /** Ref moves of the workloads, and of the hosts. */
  workloadShifts?: number[];
  hostShifts?: number[];
  /** Items whose ref is set one by one (a name of another length, an added item): workloads, then hosts. */
  refsSet?: [number[], number[]];
  /** Parts besides hosts and workloads that must be in the patch. */
  parts: (keyof LayoutPatch)[];
}

const CASES: Case[] = [
  { name: 'no change', edit: (t) => t, hosts: [], workloads: [], parts: [] },
  // `erp` is declared at the same place; everything after it moves by one.
  { name: 'a name longer by one', edit: (t) => t.replace('name: erp,', 'name: erp2,'), hosts: [], workloads: [0], workloadShifts: [1, 4, 1], refsSet: [[0], []], parts: [] },
  { name: 'a comment above the workloads', edit: (t) => t.replace('workloads:\n', 'workloads:\n  # hello\n'), hosts: [], workloads: [], workloadShifts: [0, 5, 10], parts: [] },
  { name: 'a comment above everything', edit: (t) => `# top\n${t}`, hosts: [], workloads: [], workloadShifts: [0, 5, 6], hostShifts: [0, 2, 6], parts: [] },
  { name: 'more replicas of a container', edit: (t) => t.replace('replicas: 3', 'replicas: 4'), hosts: [1], workloads: [1], parts: ['quality'] },
  { name: 'a workload removed at the end', edit: (t) => t.replace(/ {2}- \{ name: web.*\n/, ''), hosts: [1], workloads: [], parts: ['quality'] },
  {
    name: 'a workload added at the end',
    edit: (t) => `${t}  - { name: db, os: linux, deploy: vm, resources: { cpu: 1, memory: 1Gi } }\n`,
    hosts: [0],
    workloads: [5],
    refsSet: [[5], []],
    parts: ['quality'],
  },
  {
    name: 'a host added at the end',
    edit: (t) => t.replace('workloads:', '  - { name: k8s-02, role: container-host, os: linux, cpu: 8, memory: 32Gi }\nworkloads:'),
    // A replica of `api` moves to it: replicas spread over hosts.
    hosts: [1, 2],
    workloads: [],
    workloadShifts: [0, 5, 76],
    refsSet: [[], [2]],
    parts: ['quality'],
  },
];

describe('layout patches', () => {
  const base = layoutOf({ 'fleet.workload.yaml': FLEET });

  for (const c of CASES) {
    it(c.name, () => {
      const next = layoutOf({ 'fleet.workload.yaml': c.edit(FLEET) });
      const patch = roundTrip(base, next);
      assert.deepEqual(patch.hosts.map(([i]) => i), c.hosts, 'hosts sent whole');
      assert.deepEqual(patch.workloads.map(([i]) => i), c.workloads, 'workloads sent whole');
      assert.deepEqual(patch.workloadRefs?.shifts ?? [], c.workloadShifts ?? [], 'workload ref shifts');
      assert.deepEqual(patch.hostRefs?.shifts ?? [], c.hostShifts ?? [], 'host ref shifts');
      const sets = [(patch.workloadRefs?.set ?? []).map(([i]) => i), (patch.hostRefs?.set ?? []).map(([i]) => i)];
      assert.deepEqual(sets, c.refsSet ?? [[], []], 'refs set one by one');
      const parts = (['files', 'unplaced', 'quality', 'vmOverhead'] as const).filter((k) => patch[k] !== undefined);
      assert.deepEqual(parts, c.parts);
      assert.equal(emptyPatch(patch), c.name === 'no change');
    });
  }

  it('moves refs into another file, and a file added in front renumbers them', () => {
    const a = layoutOf({ 'a.workload.yaml': FLEET });
    const b = layoutOf({ '0.workload.yaml': 'version: 1\nhosts:\n  - { name: zz, role: container-host, os: linux, cpu: 1, memory: 1Gi }\n', 'a.workload.yaml': FLEET });
    const patch = roundTrip(a, b);
    assert.deepEqual(patch.files, ['0.workload.yaml', 'a.workload.yaml']);
    assert.equal(patch.workloadRefs?.set.length, 5, 'each workload ref now points at file 1');
  });

  it('sees a change to any value of a host or workload, and to optional fields set or cleared', () => {
    // Every leaf of the first host (with a VM and containers) and workload, changed in turn.
    const leaves = (x: unknown, path: (string | number)[] = []): (string | number)[][] =>
      x !== null && typeof x === 'object' ? Object.entries(x).flatMap(([k, v]) => leaves(v, [...path, Array.isArray(x) ? Number(k) : k])) : [path];
    const hostWithVms = base.hosts.findIndex((h) => h.vms.some((v) => v.containers.length) && h.vms.some((v) => v.instance));
    assert.ok(hostWithVms >= 0, 'a host with a workload VM and a container VM');
    const paths = [...leaves(base.hosts[hostWithVms], ['hosts', hostWithVms]), ...leaves(base.hosts[1], ['hosts', 1]), ...leaves(base.workloads[0], ['workloads', 0])];
    // Optional fields the fixture leaves out.
    const extra: [(string | number)[], unknown][] = [
      [['hosts', 0, 'failed'], true],
      [['hosts', 0, 'overPinned'], true],
      [['hosts', 0, 'site'], undefined],
      [['hosts', 1, 'containers', 0, 'movedFrom'], 0],
      [['hosts', hostWithVms, 'vms', 0, 'added'], true],
      [['hosts', 0, 'capacity', 'storage'], 1],
      [['workloads', 0, 'pins'], ['esx-01']],
    ];
    assert.ok(paths.length > 40, `${paths.length} values`);
    const changes: [(string | number)[], unknown][] = [...paths.map((p): [(string | number)[], unknown] => [p, 'changed']), ...extra];
    for (const [path, value] of changes) {
      const next = json(base);
      let at: any = next;
      for (const k of path.slice(0, -1)) at = at[k];
      at[path[path.length - 1]] = value;
      const patch = roundTrip(base, next);
      const sent = path[0] === 'hosts' ? patch.hosts : patch.workloads;
      assert.deepEqual(sent.map(([i]) => i), [path[1]], path.join('.'));
    }
  });

  it('sees a changed, set or cleared ref of any host or workload', () => {
    const edits: [keyof Pick<Layout, 'hostRefs' | 'workloadRefs'>, number, number[]][] = [
      ['hostRefs', 1, [0, 5, 9]],
      ['hostRefs', 0, [-1, 0, 0]],
      ['workloadRefs', 4, [0, 1, 2]],
      ['workloadRefs', 2, [-1, 0, 0]],
    ];
    for (const [list, i, ref] of edits) {
      const next = json(base);
      next[list].splice(3 * i, 3, ...ref);
      const patch = roundTrip(base, next);
      const moves = list === 'hostRefs' ? patch.hostRefs : patch.workloadRefs;
      assert.deepEqual(moves?.set.map(([k]) => k), [i], `${list} ${i}`);
      assert.deepEqual([patch.hosts, patch.workloads], [[], []], 'the items themselves are not sent');
      // And back: a ref set where there was none.
      roundTrip(next, base);
    }
  });

  it('treats shared objects, undefined properties and key order as JSON does', () => {
    assert.ok(same({ a: 1, b: undefined }, { a: 1 }));
    assert.ok(same({ a: [1, { x: 2 }], c: 'z' }, { c: 'z', a: [1, { x: 2 }] }));
    assert.ok(!same({ a: [1, 2] }, { a: [1, 2, 3] }));
    assert.ok(!same({ a: null }, { a: 0 }));
    assert.ok(!same([1], { 0: 1 }));
    assert.ok(same(NaN, NaN));
  });

  it('refuses a patch that does not fit the layout it is given', () => {
    const next = layoutOf({ 'fleet.workload.yaml': `# top\n${FLEET.replace('replicas: 3', 'replicas: 4')}` });
    const patch = diffLayout(base, next, 1)!;
    const small = layoutOf({ 'fleet.workload.yaml': FLEET.replace(/ {2}- \{ name: (huge|web).*\n/g, '') });
    assert.throws(() => applyLayoutPatch(small, patch), LayoutPatchError, 'ref shifts beyond the layout');
    assert.throws(() => applyLayoutPatch(base, { ...patch, workloadCount: 9 }), LayoutPatchError, 'new workloads missing');
    assert.throws(() => applyLayoutPatch(base, { ...patch, hosts: [[5, base.hosts[0]]] }), LayoutPatchError, 'a host beyond the count');
    assert.throws(() => applyLayoutPatch(base, { ...patch, workloadRefs: { shifts: [0, 1], set: [] } }), LayoutPatchError, 'a broken run');
    assert.throws(() => applyLayoutPatch(base, { ...patch, hostCount: -1 }), LayoutPatchError);
    assert.throws(() => applyLayoutPatch(base, { ...patch, hostRefs: { shifts: [], set: [[0, { file: -2, start: 0, end: 1 }]] } }), LayoutPatchError, 'a ref to no file');
    const noRef = { ...base, workloadRefs: base.workloadRefs.map((x, j) => (j === 0 ? -1 : x)) };
    assert.throws(() => applyLayoutPatch(noRef, { ...patch, workloadRefs: { shifts: [0, 1, 4], set: [] } }), LayoutPatchError, 'a shift of an item without a ref');
    assert.throws(() => applyLayoutPatch({ ...base, hostRefs: [0] }, patch), LayoutPatchError, 'refs that do not match the hosts');
  });

  it('is not worth sending when most workloads changed', () => {
    const next = layoutOf({ 'fleet.workload.yaml': FLEET.replace('workloads:\n', 'workloads:\n  - { name: first, os: linux, deploy: container }\n') });
    const patch = roundTrip(base, next);
    assert.equal(patchWorthSending(patch), false, 'an insertion in front renumbers every workload');
    assert.equal(patchWorthSending(diffLayout(base, layoutOf({ 'fleet.workload.yaml': `# top\n${FLEET}` }), 1)!), true);
  });

  it('gives the next layout for random edits of generated fleets and of its own output', () => {
    const fleets = [generate({ workloads: 120, seed: 5, mistakes: 0.05 }).text, generate({ workloads: 60, hosts: 12, seed: 11, mistakes: 0.1 }).text];
    let patched = 0;
    fc.assert(
      fc.property(fc.constantFrom(...fleets.keys()), fc.array(editArb, { minLength: 1, maxLength: 4 }), (which, edits) => {
        let text = fleets[which];
        let prev = layoutOf({ 'gen.workload.yaml': text });
        for (const e of edits) {
          text = applyEdit(text, e);
          const next = layoutOf({ 'gen.workload.yaml': text });
          const patch = roundTrip(prev, next);
          if (!emptyPatch(patch)) patched++;
          // The client applies the next patch to what it built from this one.
          prev = applyLayoutPatch(prev, patch);
        }
      }),
      props(60, 20240605),
    );
    assert.ok(patched > 30, `${patched} edits changed the layout`);
  });

  it('keeps a small edit of 2,000 workloads small', () => {
    const g = generate({ workloads: 2000, seed: 42 });
    const prev = layoutOf({ 'gen.workload.yaml': g.text });
    const at = g.osValues[1000];
    const next = layoutOf({ 'gen.workload.yaml': `${g.text.slice(0, at)}x${g.text.slice(at)}` });
    const patch = roundTrip(prev, next);
    assert.ok(patch.workloads.length <= 2 && patch.hosts.length <= 4, `${patch.workloads.length} workloads, ${patch.hosts.length} hosts`);
    assert.equal(patch.workloadRefs?.shifts.length, 3, 'one run of moved refs');
    // Nothing but what changed: the hosts that changed go whole, and one full hypervisor
    // holds a hundred VMs (the decision model puts more workloads in VMs than it did).
    const changed = JSON.stringify(patch.hosts).length + JSON.stringify(patch.workloads).length;
    assert.ok(JSON.stringify(patch).length < changed + 1000, `${JSON.stringify(patch).length} bytes for ${changed} bytes of changes`);
    assert.ok(JSON.stringify(patch).length * 20 < JSON.stringify(next).length, `${JSON.stringify(patch).length} vs ${JSON.stringify(next).length} bytes`);
  });
});
