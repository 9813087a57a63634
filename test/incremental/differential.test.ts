// The incremental path (a PieceCache carried from edit to edit, declarations and
// recommendations reused) must give exactly what a fresh parse and analysis give,
// on random edit sequences over the examples and generated fleets.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { generate } from '../../bench/generate';
import { analyze } from '../../server/src/core/analyze';
import { defaultConfig } from '../../server/src/core/config';
import { parseFile, PieceCache } from '../../server/src/core/parse';
import { applyEdit, editArb, exampleFleets, generatedFleets, view } from './support';

const config = defaultConfig();

/** Edits one file of a fleet step by step; after each step, incremental equals fresh. */
function checkSequence(files: Record<string, string>, target: string, edits: Parameters<typeof applyEdit>[1][]): void {
  let text = files[target];
  const steps = edits.map((e) => (text = applyEdit(text, e)));
  checkTexts(files, target, steps, (i) => JSON.stringify(edits[i]));
}

/** The target file takes each of `steps` in turn; after each, incremental equals fresh. */
function checkTexts(files: Record<string, string>, target: string, steps: string[], describe = (i: number) => `step ${i + 1}`): void {
  const caches = new Map(Object.keys(files).map((f) => [f, new PieceCache()]));
  const texts = { ...files };
  const incremental = () => Object.entries(texts).map(([f, t]) => parseFile(f, t, caches.get(f)));
  // Each analysis hands the next one what it can reuse, as the language server does.
  let previous = analyze(incremental(), config);
  for (const [i, step] of steps.entries()) {
    texts[target] = step;
    const inc = incremental();
    const fresh = Object.entries(texts).map(([f, t]) => parseFile(f, t));
    previous = analyze(inc, config, previous);
    assert.deepEqual(view(inc, previous), view(fresh, analyze(fresh, config)), `after edit ${i + 1} of ${steps.length}: ${describe(i)}`);
  }
}

describe('incremental analysis equals a full re-analysis', () => {
  const fleets = [...exampleFleets(), ...generatedFleets()];
  it('has examples to edit', () => assert.ok(exampleFleets().length >= 1));
  for (const fleet of fleets) {
    for (const target of Object.keys(fleet.files)) {
      it(`random edit sequences in ${target} (${fleet.name})`, () => {
        fc.assert(
          fc.property(fc.array(editArb, { minLength: 1, maxLength: 12 }), (edits) => checkSequence(fleet.files, target, edits)),
          { numRuns: 15, seed: 20261127 + target.length },
        );
      });
    }
  }

  it('one-character edits all over a generated file of 100 workloads', () => {
    const g = generate({ workloads: 100, seed: 11, mistakes: 0.05 });
    fc.assert(
      fc.property(fc.array(fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), remove: fc.constantFrom(0, 1), insert: fc.constantFrom('', 'x', ' ', '\n', '-', ':', '#') }), { minLength: 1, maxLength: 10 }), (edits) =>
        checkSequence({ 'big.workload.yaml': g.text }, 'big.workload.yaml', edits),
      ),
      { numRuns: 3, seed: 7 },
    );
  });

  it('renaming, removing and adding hosts updates pinned workloads in other files', () => {
    // Workloads keep their place in their file, so only the fleet around them changes.
    for (const fleet of exampleFleets()) {
      const names = Object.keys(fleet.files);
      if (names.length < 2) continue;
      const hostsFile = names.find((n) => /hosts:\n {2}- /.test(fleet.files[n]))!;
      const pinned = new Set<string>();
      for (const text of Object.values(fleet.files)) {
        for (const m of text.matchAll(/^ +host: ([\w-]+)/gm)) pinned.add(m[1]);
        for (const m of text.matchAll(/^ +hosts: \[([^\]]+)\]/gm)) for (const h of m[1].split(',')) pinned.add(h.trim());
      }
      for (const host of pinned) {
        if (!fleet.files[hostsFile].includes(`name: ${host}\n`)) continue;
        const at = fleet.files[hostsFile].indexOf(`name: ${host}\n`) + 'name: '.length;
        const edits = [
          { at: at / (fleet.files[hostsFile].length + 1), remove: 0, insert: 'z' },
          { at: at / (fleet.files[hostsFile].length + 2), remove: 1, insert: '' },
          { at: 0.999, remove: 0, insert: `\n  - name: ${host}x\n    role: hypervisor\n    cpu: 8\n    memory: 8Gi\n` },
        ];
        checkSequence(fleet.files, hostsFile, edits);
      }
    }
  });

  it('renaming a workload to another one\'s name and back (duplicates appear and go)', () => {
    const g = generate({ workloads: 60, seed: 4 });
    const names = [...g.text.matchAll(/^ {2}- name: (\S+)$/gm)].map((m) => m[1]);
    const [first, mid, last] = [names[0], names[30], names[names.length - 1]];
    const rename = (text: string, from: string, to: string) => text.replace(`  - name: ${from}\n`, `  - name: ${to}\n`);
    const a = rename(g.text, mid, first);
    const b = rename(a, last, first);
    const c = rename(b.replace(`  - name: ${first}\n`, '  - name: \u0000\n'), first, mid).replace('  - name: \u0000\n', `  - name: ${first}\n`);
    assert.notEqual(a, g.text);
    assert.notEqual(c, b);
    checkTexts({ 'dup.workload.yaml': g.text }, 'dup.workload.yaml', [a, b, c, g.text, b]);
  });

  it('a one-workload edit patches the name index instead of rebuilding it', () => {
    const g = generate({ workloads: 50, seed: 5 });
    const cache = new PieceCache();
    const before = analyze([parseFile('f', g.text, cache)], config);
    const index = before.fleet.workloadsByName;
    const at = g.osValues[25];
    const after = analyze([parseFile('f', `${g.text.slice(0, at)}w${g.text.slice(at)}`, cache)], config, before);
    assert.equal(after.fleet.workloadsByName, index, 'the same index object, patched');
    assert.deepEqual([...after.fleet.workloadsByName.keys()].sort(), [...analyze([parseFile('f', g.text)], config).fleet.workloadsByName.keys()].sort());
  });

  it('undo brings back the same pieces, and moved pieces are reused', () => {
    const g = generate({ workloads: 50, seed: 5 });
    const cache = new PieceCache();
    parseFile('f', g.text, cache);
    const pieces = cache.map.size;
    const at = g.osValues[25];
    const edited = `${g.text.slice(0, at)}w${g.text.slice(at)}`;
    cache.hits = cache.misses = 0;
    parseFile('f', edited, cache);
    assert.equal(cache.misses, 1, 'only the edited workload is parsed again');
    cache.hits = cache.misses = 0;
    const back = parseFile('f', g.text, cache);
    assert.equal(cache.misses, 1, 'undo parses the one piece again (its old result was dropped)');
    assert.equal(cache.hits, pieces - 1);
    assert.deepEqual(view([back], analyze([back], config)), view([parseFile('f', g.text)], analyze([parseFile('f', g.text)], config)));
  });

  it('a different file name or line ending starts afresh', () => {
    const g = generate({ workloads: 5, seed: 1 });
    const cache = new PieceCache();
    parseFile('a', g.text, cache);
    cache.hits = cache.misses = 0;
    const crlf = g.text.replace(/\n/g, '\r\n');
    const p = parseFile('a', crlf, cache);
    assert.equal(cache.hits, 0);
    assert.deepEqual(view([p], analyze([p], config)), view([parseFile('a', crlf)], analyze([parseFile('a', crlf)], config)));
    cache.hits = cache.misses = 0;
    const q = parseFile('b', crlf, cache);
    assert.equal(cache.hits, 0);
    assert.equal(q.workloads[0].file, 'b');
  });
});
