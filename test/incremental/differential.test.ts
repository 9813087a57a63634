// The incremental path (a PieceCache carried from edit to edit, declarations and
// recommendations reused) must give exactly what a fresh parse and analysis give,
// on random edit sequences over the examples and generated fleets.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { generate, generateWorkspace } from '../../bench/generate';
import { analyze, AnalysisSession } from '../../server/src/core/analyze';
import { defaultConfig } from '../../server/src/core/config';
import { MAX_FILE_CHARS, parseFile, PieceCache } from '../../server/src/core/parse';
import { SourceText } from '../../server/src/core/sourceText';
import { applyEdit, type Edit, editArb, editRange, exampleFleets, generatedFleets, view } from './support';
import { props } from '../properties';

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
  // One session for the sequence, as the language server holds one.
  const session = new AnalysisSession();
  let previous = session.update(incremental(), config);
  for (const [i, step] of steps.entries()) {
    texts[target] = step;
    const inc = incremental();
    const fresh = Object.entries(texts).map(([f, t]) => parseFile(f, t));
    previous = session.update(inc, config);
    assert.deepEqual(view(inc, previous), view(fresh, analyze(fresh, config)), `after edit ${i + 1} of ${steps.length}: ${describe(i)}`);
  }
}

/** One edit in offsets of the text it applies to. */
interface Range {
  start: number;
  end: number;
  insert: string;
}

/**
 * As the language server runs it: the target is the editor's text, a SourceText edited
 * range by range, so the parse learns where it changed from the text itself rather than
 * by comparing texts. `batches[i]` are the edits made between two parses (one
 * notification of several changes, or several notifications before a flush). After each
 * batch, incremental equals fresh; returns the texts the parses read whole.
 */
function checkEdited(files: Record<string, string>, target: string, batches: ((text: string) => Range)[][], describe = (i: number) => `batch ${i + 1}`): SourceText[] {
  const caches = new Map(Object.keys(files).map((f) => [f, new PieceCache()]));
  const sources = new Map(Object.entries(files).map(([f, t]) => [f, SourceText.of(t)]));
  const strings = { ...files };
  const incremental = () => [...sources].map(([f, t]) => parseFile(f, t, caches.get(f)));
  const session = new AnalysisSession();
  let previous = session.update(incremental(), config);
  const readWhole: SourceText[] = [];
  for (const [i, batch] of batches.entries()) {
    let source = sources.get(target)!;
    for (const next of batch) {
      const r = next(strings[target]);
      strings[target] = strings[target].slice(0, r.start) + r.insert + strings[target].slice(r.end);
      source = source.edit(r.start, r.end, r.insert);
    }
    sources.set(target, source);
    const inc = incremental();
    if (source.wholeReads) readWhole.push(source);
    const fresh = Object.entries(strings).map(([f, t]) => parseFile(f, t));
    previous = session.update(inc, config);
    assert.equal(source.slice(0, source.length), strings[target], 'the edited text is the string');
    assert.deepEqual(view(inc, previous), view(fresh, analyze(fresh, config)), `after batch ${i + 1} of ${batches.length}: ${describe(i)}`);
  }
  return readWhole;
}

/** Edits of the target, each at fixed offsets or found in the text it applies to. */
const at = (start: number, end: number, insert: string) => () => ({ start, end, insert });
const find = (needle: string, insert: string, replace = true, nth = 0) => (text: string) => {
  let i = -1;
  for (let k = 0; k <= nth; k++) i = text.indexOf(needle, i + 1);
  assert.ok(i >= 0, `'${needle}' in the text`);
  return { start: i, end: replace ? i + needle.length : i, insert };
};
const random = (e: Edit) => (text: string) => editRange(text, e);

describe('incremental analysis equals a full re-analysis', () => {
  const fleets = [...exampleFleets(), ...generatedFleets()];
  it('has examples to edit', () => assert.ok(exampleFleets().length >= 1));
  for (const fleet of fleets) {
    for (const target of Object.keys(fleet.files)) {
      it(`random edit sequences in ${target} (${fleet.name})`, () => {
        fc.assert(
          fc.property(fc.array(editArb, { minLength: 1, maxLength: 12 }), (edits) => checkSequence(fleet.files, target, edits)),
          props(15, 20261127 + target.length),
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
      props(3, 7),
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
    const session = new AnalysisSession();
    const before = session.update([parseFile('f', g.text, cache)], config);
    const index = before.fleet.workloadsByName;
    const at = g.osValues[25];
    const after = session.update([parseFile('f', `${g.text.slice(0, at)}w${g.text.slice(at)}`, cache)], config);
    assert.equal(after.fleet.workloadsByName, index, 'the same index object, patched');
    assert.deepEqual([...after.fleet.workloadsByName.keys()].sort(), [...analyze([parseFile('f', g.text)], config).fleet.workloadsByName.keys()].sort());
  });

  it('says how the declarations it took over moved, and the layout moves its refs by it', () => {
    const g = generate({ workloads: 60, hosts: 6, seed: 9 });
    const cache = new PieceCache();
    const other = parseFile('other.workload.yaml', 'version: 1\nworkloads:\n  - { name: solo, os: linux, resources: { cpu: 1, memory: 1Gi } }\n', new PieceCache());
    let text = g.text;
    const session = new AnalysisSession();
    let previous = session.update([other, parseFile('f.workload.yaml', text, cache)], config);
    void previous.layout;
    const hostsAt = previous.fleet.hosts.length;
    const steps: { edit: (t: string) => string; workloads: number[]; hosts: number[] }[] = [
      // A character more in workload 30's OS: the 29 after it move by one (the fleet lists
      // files by name: these come before `solo`).
      { edit: (t) => `${t.slice(0, g.osValues[30])}w${t.slice(g.osValues[30])}`, workloads: [31, 29, 1], hosts: [] },
      // A comment line above everything: every declaration moves, hosts included.
      { edit: (t) => `# top\n${t}`, workloads: [0, 60, 6], hosts: [0, hostsAt, 6] },
    ];
    for (const step of steps) {
      text = step.edit(text);
      const parsed = parseFile('f.workload.yaml', text, cache);
      assert.equal(parsed.moves?.since, previous.fleet.files.find((f) => f.file === 'f.workload.yaml')?.parseId, 'relative to the previous parse');
      const next = session.update([other, parsed], config);
      assert.deepEqual(next.fleet.moves, { hosts: step.hosts, workloads: step.workloads });
      const fresh = analyze([other, parseFile('f.workload.yaml', text)], config);
      assert.deepEqual(next.layout, fresh.layout, 'the moved refs are those of a fresh layout');
      previous = next;
    }
    // Items that trade places are taken over by their text: each run says its own shift.
    const items = text.split(/(?=^ {2}- name: )/m);
    const swapped = [items[0], items[2], items[1], ...items.slice(3)].join('');
    const parsed = parseFile('f.workload.yaml', swapped, cache);
    assert.ok(parsed.moves && parsed.moves.hosts.length + parsed.moves.workloads.length >= 6, JSON.stringify(parsed.moves));
    const next = session.update([other, parsed], config);
    assert.deepEqual(next.layout, analyze([other, parseFile('f.workload.yaml', swapped)], config).layout);
    // A parse without a cache knows nothing of moves, nor does a fleet built from it.
    assert.equal(parseFile('f.workload.yaml', swapped).moves, undefined);
    assert.equal(session.update([other, parseFile('f.workload.yaml', swapped)], config).fleet.moves, undefined);
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

  describe('with the editor\'s text (the parse learns where it changed from the text)', () => {
    for (const fleet of fleets) {
      for (const target of Object.keys(fleet.files)) {
        it(`random edit sequences in ${target} (${fleet.name})`, () => {
          fc.assert(
            fc.property(fc.array(fc.array(editArb, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 10 }), (batches) => {
              checkEdited(fleet.files, target, batches.map((b) => b.map(random)), (i) => JSON.stringify(batches[i]));
            }),
            props(15, 20261128 + target.length),
          );
        });
      }
    }

    const g = generate({ workloads: 40, seed: 8, mistakes: 0.1 });
    const w = (n: number) => `  - name: ${g.text.match(/^ {2}- name: (\S+)$/gm)![n].slice('  - name: '.length)}\n`;
    const named: [string, ((text: string) => Range)[][]][] = [
      ['typing at the very start, and deleting it', [[at(0, 0, 'x')], [at(0, 0, 'y')], [at(0, 2, '')]]],
      ['the first line ending turned into CRLF and back', [[find('\n', '\r\n')], [find('\r\n', '\n')]]],
      ['a CR typed before the first newline, then a LF after a lone CR', [[find('\n', '\r', false)], [find('\r', '\r\n')]]],
      ['edits in the header', [[find('version: 1', 'version: 2')], [find('hosts:', '# hosts\n', false)], [find('# hosts\n', '')]]],
      ['an edit across the boundary of two items', [[find(`\n${w(5)}`, ' # joined\n')], [find(' # joined\n', `\n${w(5)}`)]]],
      ['a paste of many lines', [[find(w(10), g.text.slice(g.text.indexOf(w(1)), g.text.indexOf(w(30))), false)]]],
      ['a whole item deleted, then another', [[(t) => ({ start: t.indexOf(w(3)), end: t.indexOf(w(4)), insert: '' })], [(t) => ({ start: t.indexOf(w(20)), end: t.indexOf(w(21)), insert: '' })]]],
      ['the last item deleted to the end', [[(t) => ({ start: t.indexOf(w(39)), end: t.length, insert: '' })]]],
      ['several edits between two parses', [[find(w(7), '  # a\n', false), find(w(30), '  # b\n', false), find(w(2), '  # c\n', false)]]],
      [
        'a suppression comment typed, edited inside, and removed',
        [[find(w(12), '  # placement-ignore\n', false)], [find('placement-ignore\n', 'placement-ignore: deploy-against-recommendation\n')], [find('ignore: deploy', 'ignore: x-deploy')], [find('  # placement-ignore: x-deploy-against-recommendation\n', '')]],
      ],
      ['a NUL at the start makes it binary-looking, then it is removed', [[at(0, 0, '\u0000')], [at(0, 1, '')]]],
      ['controls after the binary probe are fine', [[find(w(39), '  # \u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000e\u000f\n', false)]]],
      ['a tab in an item (a whole parse), then fixed', [[find(w(15), '\t', false)], [find('\t', '')]]],
      ['the whole text replaced by itself', [[(t) => ({ start: 0, end: t.length, insert: t })]]],
    ];
    for (const [name, batches] of named) {
      it(name, () => {
        checkEdited({ 'gen.workload.yaml': g.text }, 'gen.workload.yaml', batches);
      });
    }

    it('an edit that makes the file too large, then undoes it', () => {
      const big = `\n# ${'x'.repeat(MAX_FILE_CHARS)}\n`;
      checkEdited({ 'gen.workload.yaml': g.text }, 'gen.workload.yaml', [[(t) => ({ start: t.length, end: t.length, insert: big })], [(t) => ({ start: t.length - big.length, end: t.length, insert: '' })]]);
    });

    it('a one-character edit of a large file reads only around it', () => {
      const big = generate({ workloads: 2000, seed: 2 });
      const mid = big.osValues[1000];
      const read = checkEdited({ 'big.workload.yaml': big.text }, 'big.workload.yaml', [[at(mid, mid, 'x')], [at(mid, mid + 1, '')], [at(mid + 2, mid + 2, '\n      ')], [at(mid + 2, mid + 9, '')]]);
      assert.deepEqual(read, [], 'no parse read the whole text');
    });
  });
});

describe('edits over a generated workspace: what the placement reads, and what it does not', () => {
  // Four files of workloads and one of hosts, as the estate bench has them, small.
  const ws = generateWorkspace({ files: 4, perFile: 40, seed: 13 });
  const files = Object.fromEntries(ws.files);
  const target = 'w001.workload.yaml';
  const hostsFile = 'hosts.workload.yaml';
  /** Inserts `line` after the line holding the nth `needle`. */
  const after = (needle: string, line: string, nth = 0) => (text: string) => {
    let i = -1;
    for (let k = 0; k <= nth; k++) i = text.indexOf(needle, i + 1);
    assert.ok(i >= 0, `'${needle}' in the text`);
    const end = text.indexOf('\n', i) + 1;
    return { start: end, end, insert: line };
  };

  const named: [string, string, ((text: string) => Range)[][]][] = [
    ['a description and a comment (nothing the placement reads)', target, [[find('description: ', 'description: x', true)], [find('description: x', 'description: ')], [find('  - name: ', '  # a note\n', false, 3)]]],
    ['a workload renamed, and back', target, [[find('  - name: ', '  - name: z', true, 2)], [find('  - name: z', '  - name: ')]]],
    ['an OS changed, and back (the placement resumes)', target, [[find('os: linux', 'os: windows', true, 5)], [find('os: windows', 'os: linux', true, 0)]]],
    ['a promise made and withdrawn (live migration, disaster recovery, GPUs, a peak)', target, [
      [find('liveMigration: false', 'liveMigration: true', true, 2)],
      [after('  - name: ', '    disasterRecovery: true\n', 4)],
      [after('  - name: ', '    gpus: 8\n', 6)],
      [find('max: ', 'max: 99', false, 1)],
      [find('max: 99', 'max: ')],
      [find('    gpus: 8\n', '')],
      [find('    disasterRecovery: true\n', '')],
      [find('liveMigration: true', 'liveMigration: false', true, 0)],
    ]],
    ['a verdict flipped (stateful, strict isolation, a declared deployment)', target, [
      [find('state: stateless', 'state: stateful', true, 3)],
      [after('  - name: ', '    isolation: strict\n', 8)],
      [after('  - name: ', '    deploy: vm\n', 9)],
      [find('    deploy: vm\n', '')],
      [find('    isolation: strict\n', '')],
    ]],
    ['a workload added and removed', target, [[after('workloads:', '  - name: added-one\n    os: linux\n    replicas: 40\n    resources: { cpu: 8, memory: 64Gi }\n')], [find('  - name: added-one\n    os: linux\n    replicas: 40\n    resources: { cpu: 8, memory: 64Gi }\n', '')]]],
    ['hosts edited: capacity, a comment above them, a rename, one removed', hostsFile, [
      [find('cpu: 64', 'cpu: 2', true, 0)],
      [find('hosts:\n', 'hosts:\n  # moved\n')],
      [find('memory: 768Gi', 'memory: 1Gi')],
      [find('  - name: hv-0001', '  - name: hv-0001x')],
      [find('cpu: 2', 'cpu: 64')],
      [(t) => { const i = t.indexOf('  - name: ch-0002'); return { start: i, end: t.indexOf('  - name: ', i + 1), insert: '' }; }],
    ]],
  ];
  for (const [name, file, batches] of named) {
    it(name, () => {
      checkEdited(files, file, batches);
    });
  }

  it('a description edit keeps the other files\' diagnostics (the same arrays) and takes the placement findings over', () => {
    // As the language server holds them: a file that is not edited is not parsed again.
    const cache = new PieceCache();
    const texts = { ...files };
    const others = Object.entries(files).filter(([f]) => f !== target).map(([f, t]) => parseFile(f, t, new PieceCache()));
    const parse = () => [...others, parseFile(target, texts[target], cache)];
    const session = new AnalysisSession();
    const before = session.update(parse(), config);
    const kept = new Map([...before.diagnostics].filter(([f]) => f !== target));
    assert.ok([...kept.values()].some((ds) => ds.length > 0), 'some other file has diagnostics');
    texts[target] = texts[target].replace('description: ', 'description: more ');
    const after = session.update(parse(), config);
    assert.equal(after.placement.stats.mode, 'reused');
    for (const [f, ds] of kept) assert.equal(after.diagnostics.get(f), ds, `${f}: the same array`);
    const inc = parse();
    const fresh = inc.map((p) => parseFile(p.file, texts[p.file]));
    assert.deepEqual(view(inc, after), view(fresh, analyze(fresh, config)));
  });
});
