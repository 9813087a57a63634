// The opt-in host-failure check under a budget: each analysis re-places at most so many
// replicas, says so when it stops early, and goes on where it stopped while the
// placement stays the same. Work is counted, not timed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generate } from '../../bench/generate';
import { analyze, AnalysisSession } from '../../server/src/core/analyze';
import { defaultConfig } from '../../server/src/core/config';
import { parseFile, PieceCache } from '../../server/src/core/parse';
import type { Layout } from '../../shared/protocol';

const config = defaultConfig();
config.placement.checkHostFailure = true;
const BUDGET = 70;
const gen = generate({ workloads: 120, hosts: 12, seed: 21 });

/** Replicas on each host of a layout. */
function loads(layout: Layout): number[] {
  return layout.hosts.map((h) => h.containers.length + h.vms.reduce((n, v) => n + (v.instance ? 1 : 0) + v.containers.length, 0));
}

const stoppedEarly = (a: { diagnostics: Map<string, { message: string; severity: string }[]> }) =>
  [...a.diagnostics.values()].flat().filter((d) => d.message.startsWith('The host-failure check stopped early'));

describe('host-failure check under a budget', () => {
  it('a sweep re-places at most its budget, and the next goes on where it stopped', () => {
    const a = analyze([parseFile('f.workload.yaml', gen.text)], defaultConfig());
    const load = loads(a.layout);
    const inUse = load.filter((n) => n > 0).length;
    const total = load.reduce((x, y) => x + y, 0);
    assert.ok(total > 3 * BUDGET && Math.max(...load) <= BUDGET, `a fleet the budget covers in a few sweeps (${total} replicas, largest host ${Math.max(...load)})`);
    const first = a.placement.simulateEveryFailure(BUDGET);
    assert.ok(first.work <= BUDGET && first.work > 0, `work ${first.work}`);
    assert.equal(first.work, [...first.outcomes.keys()].reduce((n, h) => n + load[h], 0), 'work is the replicas of the hosts simulated');
    assert.equal(first.outcomes.size + first.skipped.length, inUse);
    assert.equal(first.known, 0);
    const second = a.placement.simulateEveryFailure(BUDGET);
    assert.equal(second.known, first.outcomes.size, 'what the first sweep did is known');
    assert.ok(second.outcomes.size > first.outcomes.size && second.work <= BUDGET);
    const whole = a.placement.simulateEveryFailure();
    assert.equal(whole.skipped.length, 0);
    assert.equal(whole.work, total - [...second.outcomes.keys()].reduce((n, h) => n + load[h], 0), 'only what was left is done');
    // The outcomes are those of sweeps without a budget.
    assert.deepEqual([...whole.outcomes], [...analyze([parseFile('f.workload.yaml', gen.text)], config).placement.simulateEveryFailure().outcomes]);
    assert.equal(a.placement.simulateEveryFailure(0).work, 0);
  });

  it('a budget smaller than a host still simulates one host per sweep', () => {
    const a = analyze([parseFile('f.workload.yaml', gen.text)], defaultConfig());
    const load = loads(a.layout);
    const sweep = a.placement.simulateEveryFailure(1);
    assert.equal(sweep.outcomes.size, 1);
    assert.equal(sweep.work, load[[...sweep.outcomes.keys()][0]]);
    assert.equal(a.placement.simulateEveryFailure(1).outcomes.size, 2);
    assert.equal(a.placement.simulateEveryFailure(0).outcomes.size, 2, 'a budget of 0 only reads what is known');
  });

  it('in a session, the check says it stopped early and completes over analyses that keep the placement', () => {
    const session = new AnalysisSession({ failureBudget: BUDGET });
    const cache = new PieceCache();
    let text = gen.text;
    let a = session.update([parseFile('f.workload.yaml', text, cache)], config);
    const notes = stoppedEarly(a);
    assert.equal(notes.length, 1);
    assert.equal(notes[0].severity, 'information');
    const hostsInUse = loads(a.layout).filter((n) => n > 0).length;
    let known = a.placement.simulateEveryFailure(0).outcomes.size;
    assert.ok(known > 0 && known < hostsInUse);
    let updates = 1;
    while (stoppedEarly(a).length) {
      // A comment: nothing the placement reads changes, so the sweep goes on.
      text += `# note ${updates}\n`;
      a = session.update([parseFile('f.workload.yaml', text, cache)], config);
      assert.equal(a.placement.stats.mode, 'reused');
      const now = a.placement.simulateEveryFailure(0).outcomes.size;
      assert.ok(now > known, `update ${updates + 1} went on (${known} → ${now} of ${hostsInUse} hosts)`);
      known = now;
      assert.ok(++updates < 20);
    }
    assert.ok(updates > 2, `took ${updates} analyses`);
    // Complete: the same diagnostics as the whole check at once.
    const whole = analyze([parseFile('f.workload.yaml', text)], config);
    assert.deepEqual(a.diagnostics, whole.diagnostics);
    assert.ok([...whole.diagnostics.values()].flat().some((d) => d.ruleId === 'not-failure-tolerant'), 'the fleet has findings to compare');

    // An edit that moves replicas starts the sweep over, within the budget again.
    const at = text.indexOf('memory: ', text.indexOf('resources:', gen.osValues[60])) + 'memory: '.length;
    text = `${text.slice(0, at)}1${text.slice(at)}`;
    a = session.update([parseFile('f.workload.yaml', text, cache)], config);
    assert.notEqual(a.placement.stats.mode, 'reused');
    const after = a.placement.simulateEveryFailure(0);
    assert.ok(after.outcomes.size < hostsInUse && after.skipped.length > 0, 'started over');
    assert.equal(stoppedEarly(a).length, 1);
  });

  it('the one-off analysis and the CLI run the whole check', () => {
    const a = analyze([parseFile('f.workload.yaml', gen.text)], config);
    assert.equal(stoppedEarly(a).length, 0);
    assert.equal(a.placement.simulateEveryFailure(0).skipped.length, 0);
  });
});
