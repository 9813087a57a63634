// The client's restart budget: restart after a crash, give up after too many in the
// window, start over when the window has passed or the user restarts by hand.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RestartPolicy } from '../../client/src/restartPolicy';

const MIN = 60_000;

describe('restart policy', () => {
  const cases: { name: string; closes: number[]; expect: boolean[]; max?: number; window?: number }[] = [
    { name: 'restarts after a crash', closes: [0], expect: [true] },
    { name: 'restarts five times in three minutes, then gives up', closes: [0, 1, 2, 3, 4, 5], expect: [true, true, true, true, true, false] },
    { name: 'keeps giving up while the window is full', closes: [0, 1, 2, 3, 4, 5, 6], expect: [true, true, true, true, true, false, false] },
    { name: 'old crashes leave the window', closes: [0, 1, 2, 3, 4, 3 * MIN + 1], expect: [true, true, true, true, true, true] },
    { name: 'a smaller budget', closes: [0, 10, 20], expect: [true, true, false], max: 2 },
    { name: 'crashes spread out never exhaust it', closes: Array.from({ length: 20 }, (_, i) => i * MIN), expect: Array(20).fill(true) },
  ];
  for (const k of cases) {
    it(k.name, () => {
      const p = new RestartPolicy(k.max, k.window);
      assert.deepEqual(
        k.closes.map((t) => p.onClosed(t).restart),
        k.expect,
      );
    });
  }

  it('explains why it gave up, and a manual restart starts a new budget', () => {
    const p = new RestartPolicy(1);
    assert.equal(p.onClosed(0).restart, true);
    const d = p.onClosed(1);
    assert.equal(d.restart, false);
    assert.match(d.message!, /stopped 2 times in 3 minutes.*Restart Server/);
    p.reset();
    assert.equal(p.onClosed(2).restart, true);
  });

  it('tolerates a few transport errors in a row, then shuts down', () => {
    const p = new RestartPolicy();
    assert.deepEqual(
      [1, 2, 3, 4, 10].map((n) => p.onError(n)),
      ['continue', 'continue', 'continue', 'shutdown', 'shutdown'],
    );
  });
});
