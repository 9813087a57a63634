// FitTree against a scan of every host: its failure marks (a request a range failed on)
// must never hide a host that fits, whatever the order of searches and capacity changes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FitTree, type FreeArrays } from '../../server/src/core/placement/fitTree';

/** A small deterministic generator, so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('FitTree', () => {
  it('finds what a scan finds, with capacity going down and up and hosts turned down', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const r = rng(seed);
      const n = 1 + Math.floor(r() * 60);
      const pick = (k: number) => Math.floor(r() * k);
      const free: FreeArrays = { cpu: new Float64Array(n), mem: new Float64Array(n), sto: new Float64Array(n) };
      for (let h = 0; h < n; h++) {
        free.cpu[h] = pick(10);
        free.mem[h] = pick(10);
        free.sto[h] = r() < 0.5 ? Infinity : pick(10);
      }
      // Host indices in a shuffled order, as groups list them.
      const hosts = Array.from({ length: n }, (_, i) => i).sort(() => r() - 0.5);
      const tree = new FitTree(hosts, free);
      for (let step = 0; step < 400; step++) {
        if (r() < 0.3) {
          const pos = pick(n);
          const h = hosts[pos];
          // Mostly taken, sometimes given back.
          const d = r() < 0.7 ? -1 : 1;
          free.cpu[h] = Math.max(0, free.cpu[h] + d * pick(4));
          free.mem[h] = Math.max(0, free.mem[h] + d * pick(4));
          if (free.sto[h] !== Infinity) free.sto[h] = Math.max(0, free.sto[h] + d * pick(4));
          tree.update(pos);
          continue;
        }
        const c = pick(10);
        const m = pick(10);
        const s = pick(10);
        const lo = r() < 0.7 ? 0 : pick(n);
        const hi = r() < 0.7 ? n : lo + pick(n - lo + 1);
        const banned = r() < 0.3 ? new Set([hosts[pick(n)], hosts[pick(n)]]) : new Set<number>();
        const accept = (h: number) => !banned.has(h);
        let want = -1;
        for (let p = lo; p < hi && want < 0; p++) {
          const h = hosts[p];
          if (free.cpu[h] >= c && free.mem[h] >= m && free.sto[h] >= s && accept(h)) want = p;
        }
        assert.equal(tree.find(lo, hi, c, m, s, accept), want, `seed ${seed} step ${step}`);
      }
    }
  });
});
