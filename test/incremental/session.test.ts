// The analysis session: it owns the incremental state, hands out snapshots, and (in
// tests) refuses reads of a snapshot it has replaced.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generate } from '../../bench/generate';
import { analyze, AnalysisSession } from '../../server/src/core/analyze';
import { defaultConfig } from '../../server/src/core/config';
import { buildFleet } from '../../server/src/core/fleet';
import { parseFile, PieceCache } from '../../server/src/core/parse';

const config = defaultConfig();

describe('analysis session', () => {
  it('the guard is on under the test runner', () => {
    assert.equal(process.env.NODE_ENV, 'test');
  });

  it('a consumed snapshot refuses to be read; the latest reads as a fresh analysis', () => {
    const g = generate({ workloads: 30, seed: 2 });
    const cache = new PieceCache();
    const session = new AnalysisSession();
    const first = session.update([parseFile('f', g.text, cache)], config);
    const { fleet, placement, recommendations } = first;
    assert.equal(first.fleet.workloads.length, 30);
    const at = g.osValues[10];
    const edited = `${g.text.slice(0, at)}w${g.text.slice(at)}`;
    const second = session.update([parseFile('f', edited, cache)], config);
    assert.throws(() => first.fleet, /consumed analysis/);
    assert.throws(() => first.diagnostics, /consumed analysis/);
    assert.throws(() => fleet.workloads, /consumed analysis/);
    assert.throws(() => placement.layout, /consumed analysis/);
    assert.throws(() => recommendations.get(second.fleet.workloads[0]), /consumed analysis/);
    assert.equal(session.current?.fleet, second.fleet);
    assert.deepEqual(second.diagnostics, analyze([parseFile('f', edited)], config).diagnostics);
    session.reset();
    assert.throws(() => second.placement, /consumed analysis/);
    assert.equal(session.current, undefined);
  });

  it('without the guard, snapshots are the plain objects', () => {
    const session = new AnalysisSession({ guard: false });
    const a = session.update([parseFile('f', generate({ workloads: 5, seed: 1 }).text)], config);
    session.update([parseFile('f', generate({ workloads: 6, seed: 1 }).text)], config);
    assert.equal(a.fleet.workloads.length, 5);
  });

  it('a one-off analysis is never consumed', () => {
    const a = analyze([parseFile('f', generate({ workloads: 5, seed: 1 }).text)], config);
    analyze([parseFile('f', generate({ workloads: 6, seed: 1 }).text)], config);
    assert.equal(a.fleet.workloads.length, 5);
  });

  it('recommendations answer for the snapshot’s own declarations only', () => {
    const g = generate({ workloads: 20, seed: 4 });
    const cache = new PieceCache();
    const session = new AnalysisSession();
    const first = session.update([parseFile('f', g.text, cache)], config);
    const gone = first.fleet.workloads[5];
    assert.ok(first.recommendations.has(gone));
    // The workload's text changes: its declaration is replaced, while the session's memo still knows the old one.
    const at = g.osValues[5];
    const second = session.update([parseFile('f', `${g.text.slice(0, at)}w${g.text.slice(at)}`, cache)], config);
    assert.equal(second.recommendations.has(gone), false);
    assert.equal(second.recommendations.get(gone), undefined);
    for (const w of second.fleet.workloads) assert.ok(second.recommendations.has(w) && second.recommendations.get(w));
    // Nor for another session's declarations, at the same place in the same file.
    const other = analyze([parseFile('f', g.text)], config);
    assert.equal(second.recommendations.has(other.fleet.workloads[0]), false);
    assert.equal(second.recommendations.size, 20);
  });

  it('a name index that cannot be patched is left as it was', () => {
    const g = generate({ workloads: 12, seed: 6 });
    const cache = new PieceCache();
    const a = parseFile('f', g.text, cache);
    const previous = buildFleet([a]);
    // Damage the index: workload 3's bucket no longer holds it, so a patch that removes it must give up.
    const w3 = previous.workloads[3];
    previous.workloadsByName.delete(w3.name!);
    const before = new Map([...previous.workloadsByName].map(([k, v]) => [k, [...v]]));
    const at = g.osValues[3];
    const b = parseFile('f', `${g.text.slice(0, at)}w${g.text.slice(at)}`, cache);
    // The edit replaces workloads 2 to 4 or so; whatever it replaces, 3 is among them.
    assert.notEqual(b.workloads[3], w3);
    const fleet = buildFleet([b], previous);
    assert.notEqual(fleet.workloadsByName, previous.workloadsByName, 'rebuilt, not patched');
    assert.deepEqual(previous.workloadsByName, before, 'the previous index is untouched');
    assert.deepEqual([...fleet.workloadsByName.keys()].sort(), [...buildFleet([parseFile('f', b.text)]).workloadsByName.keys()].sort());
  });
});
