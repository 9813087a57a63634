// Edits across a workspace's files (files added, removed, renamed; names duplicated
// across files and un-duplicated; hosts edited; names made and unmade DNS labels;
// descriptions and comments): after each, the session's snapshot must equal a fresh
// analysis. The fleet's lists, name indices and duplicate sets are patched or taken
// over from the analysis before, and the placement shares its decisions when no spec
// changed: these check that what is taken over is what a fresh analysis builds.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { generateWorkspace } from '../../bench/generate';
import { type Analysis, analyze, AnalysisSession } from '../../server/src/core/analyze';
import { defaultConfig } from '../../server/src/core/config';
import type { Fleet } from '../../server/src/core/fleet';
import { parseFile, PieceCache } from '../../server/src/core/parse';
import type { ParsedFile } from '../../server/src/core/types';
import { props } from '../properties';
import { applyEdit, type Edit, editArb, view } from './support';

const config = defaultConfig();

/** A workspace as the language server holds it: texts, a piece cache per file, one session. */
class Workspace {
  readonly texts = new Map<string, string>();
  private readonly caches = new Map<string, PieceCache>();
  private readonly parsed = new Map<string, { text: string; parsed: ParsedFile }>();
  readonly session = new AnalysisSession();
  latest!: Analysis;
  constructor(files: Iterable<[string, string]>) {
    for (const [f, t] of files) this.texts.set(f, t);
  }
  /** Parses what changed (a file not edited is the same parse, as in the server), analyses, and compares with a fresh analysis. */
  step(what: string): Analysis {
    const inc: ParsedFile[] = [];
    for (const [f, t] of this.texts) {
      let p = this.parsed.get(f);
      if (!p || p.text !== t) {
        if (!this.caches.has(f)) this.caches.set(f, new PieceCache());
        p = { text: t, parsed: parseFile(f, t, this.caches.get(f)) };
        this.parsed.set(f, p);
      }
      inc.push(p.parsed);
    }
    for (const f of [...this.parsed.keys()]) {
      if (this.texts.has(f)) continue;
      this.parsed.delete(f);
      this.caches.delete(f);
    }
    const a = (this.latest = this.session.update(inc, config));
    const fresh = [...this.texts].map(([f, t]) => parseFile(f, t));
    const full = analyze(fresh, config);
    assert.deepEqual(view(inc, a), view(fresh, full), what);
    checkIndices(a.fleet, what);
    return a;
  }
  edit(file: string, from: string, to: string, nth = 0): void {
    const t = this.texts.get(file)!;
    let i = -1;
    for (let k = 0; k <= nth; k++) i = t.indexOf(from, i + 1);
    assert.ok(i >= 0, `'${from}' in ${file}`);
    this.texts.set(file, t.slice(0, i) + to + t.slice(i + from.length));
  }
}

/** The name indices and duplicate sets the fleet carries are those its lists give. */
function checkIndices(fleet: Fleet, what: string): void {
  const index = <D extends { name?: string }>(ds: readonly D[]) => {
    const m = new Map<string, D[]>();
    for (const d of ds) if (d.name !== undefined) (m.get(d.name) ?? m.set(d.name, []).get(d.name)!).push(d);
    return m;
  };
  const sorted = <D>(m: Map<string, D[]>) => new Map([...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const dups = <D>(m: Map<string, D[]>) => [...m].filter(([, ds]) => ds.length > 1).map(([n]) => n).sort();
  assert.deepEqual(sorted(fleet.hostsByName), sorted(index(fleet.hosts)), `${what}: host index`);
  assert.deepEqual(sorted(fleet.workloadsByName), sorted(index(fleet.workloads)), `${what}: workload index`);
  assert.ok(fleet.duplicates, `${what}: the session's fleet keeps its duplicates`);
  assert.deepEqual([...fleet.duplicates.hosts].sort(), dups(index(fleet.hosts)), `${what}: duplicated host names`);
  assert.deepEqual([...fleet.duplicates.workloads].sort(), dups(index(fleet.workloads)), `${what}: duplicated workload names`);
}

const ruleCount = (a: Analysis, file: string, rule: string) => (a.diagnostics.get(file) ?? []).filter((d) => d.ruleId === rule).length;

describe('edits across a workspace equal a fresh analysis', () => {
  const ws = generateWorkspace({ files: 3, perFile: 20, seed: 21 });
  const hostsFile = 'hosts.workload.yaml';
  const [w0, w1, w2] = [...ws.parts.keys()];
  const nameIn = (file: string, nth: number) => {
    const t = ws.files.get(file)!;
    let i = -1;
    // A workload's or host's name (a volume's is indented further).
    for (let k = 0; k <= nth; k++) i = t.indexOf('\n  - name: ', i + 1);
    return t.slice(i + 11, t.indexOf('\n', i + 1));
  };

  it('descriptions and comments: the hosts, their index and the placement are taken over', () => {
    const w = new Workspace(ws.files);
    let a = w.step('start');
    const { hosts, hostsByName } = a.fleet;
    w.edit(w2, 'description: ', 'description: more ');
    a = w.step('a description edited');
    assert.equal(a.fleet.hosts, hosts, 'the same host list');
    assert.equal(a.fleet.hostsByName, hostsByName, 'the same host index');
    assert.equal(a.placement.stats.mode, 'reused');
    w.edit(w0, '\n  - name: ', '\n  # a note\n  - name: ', 2);
    a = w.step('a comment added');
    assert.equal(a.fleet.hosts, hosts);
    assert.equal(a.placement.stats.mode, 'reused');
    w.edit(w2, 'description: more ', 'description: ');
    w.edit(w0, '  # a note\n', '');
    a = w.step('both undone');
    assert.equal(a.fleet.hosts, hosts);
  });

  it('names duplicated across files and un-duplicated, in workloads and hosts', () => {
    const w = new Workspace(ws.files);
    w.step('start');
    const taken = nameIn(w0, 3);
    const own = nameIn(w2, 5);
    w.edit(w2, `  - name: ${own}\n`, `  - name: ${taken}\n`);
    let a = w.step('a workload renamed to another file’s name');
    assert.ok(ruleCount(a, w0, 'duplicate-name') > 0 && ruleCount(a, w2, 'duplicate-name') > 0, 'both files report it');
    w.edit(w0, 'description: ', 'description: x');
    a = w.step('another file edited while the duplicate stands');
    assert.ok(ruleCount(a, w2, 'duplicate-name') > 0);
    w.edit(w2, `  - name: ${taken}\n`, `  - name: ${own}\n`);
    a = w.step('renamed back');
    assert.equal(ruleCount(a, w0, 'duplicate-name') + ruleCount(a, w2, 'duplicate-name'), 0);
    const host = nameIn(hostsFile, 1);
    const other = nameIn(hostsFile, 4);
    w.edit(hostsFile, `  - name: ${other}\n`, `  - name: ${host}\n`);
    a = w.step('a host renamed to another host’s name');
    assert.ok(ruleCount(a, hostsFile, 'duplicate-name') >= 2);
    w.edit(hostsFile, `  - name: ${host}\n`, `  - name: ${other}\n`, 1);
    a = w.step('the host renamed back');
    assert.equal(ruleCount(a, hostsFile, 'duplicate-name'), 0);
  });

  it('files added, renamed and removed; hosts declared in a workload file', () => {
    const w = new Workspace(ws.files);
    w.step('start');
    const dup = nameIn(w1, 2);
    const extra = `workloads:\n  - name: ${dup}\n    os: linux\n    description: a copy\n  - name: lone-one\n    os: linux\nhosts:\n  - name: extra-host\n    role: hypervisor\n    cpu: 16\n    memory: 64Gi\n`;
    w.texts.set('w9.workload.yaml', extra);
    let a = w.step('a file added, with a duplicate name and a host');
    assert.ok(ruleCount(a, 'w9.workload.yaml', 'duplicate-name') > 0);
    w.texts.delete('w9.workload.yaml');
    w.texts.set('a0.workload.yaml', extra);
    a = w.step('the file renamed (now sorted first)');
    assert.ok(ruleCount(a, w1, 'duplicate-name') > 0);
    w.edit('a0.workload.yaml', 'description: a copy', 'description: a copy, edited');
    w.step('a description edited in the file with hosts');
    w.edit('a0.workload.yaml', 'cpu: 16', 'cpu: 2');
    w.step('its host edited');
    w.texts.delete('a0.workload.yaml');
    a = w.step('the file removed');
    assert.equal(ruleCount(a, w1, 'duplicate-name'), 0);
    const hosts = w.texts.get(hostsFile)!;
    w.texts.delete(hostsFile);
    w.step('the hosts file removed');
    w.texts.set(hostsFile, hosts);
    w.step('the hosts file back');
  });

  it('hosts edited, and names made and unmade DNS labels', () => {
    const w = new Workspace(ws.files);
    w.step('start');
    w.edit(hostsFile, 'cpu: 64', 'cpu: 2');
    w.step('a host’s capacity');
    const host = nameIn(hostsFile, 2);
    w.edit(hostsFile, `  - name: ${host}\n`, `  - name: ${host}_Bad\n`);
    let a = w.step('a host name that is not a DNS label');
    assert.ok(ruleCount(a, hostsFile, 'name-not-dns-label') > 0);
    w.edit(hostsFile, `  - name: ${host}_Bad\n`, `  - name: ${host}\n`);
    a = w.step('fixed');
    assert.equal(ruleCount(a, hostsFile, 'name-not-dns-label'), 0);
    const name = nameIn(w1, 4);
    w.edit(w1, `  - name: ${name}\n`, `  - name: ${name}_Bad\n`);
    a = w.step('a workload name that is not a DNS label');
    assert.ok(ruleCount(a, w1, 'name-not-dns-label') > 0);
    w.edit(w0, 'description: ', 'description: y');
    a = w.step('another file edited meanwhile');
    assert.ok(ruleCount(a, w1, 'name-not-dns-label') > 0);
    w.edit(w1, `  - name: ${name}_Bad\n`, `  - name: ${name}\n`);
    a = w.step('fixed');
    assert.equal(ruleCount(a, w1, 'name-not-dns-label'), 0);
    w.edit(hostsFile, 'cpu: 2', 'cpu: 64');
    w.step('the capacity back');
  });

  it('random sequences of file edits, additions, removals and renames', () => {
    const small = generateWorkspace({ files: 3, perFile: 8, seed: 33 });
    type Op = { kind: 'edit' | 'add' | 'remove' | 'rename'; file: number; other: number; edit: Edit };
    const opArb: fc.Arbitrary<Op> = fc.record({ kind: fc.constantFrom('edit', 'edit', 'edit', 'add', 'remove', 'rename'), file: fc.nat(), other: fc.nat(), edit: editArb }) as fc.Arbitrary<Op>;
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 6 }), (ops) => {
        const w = new Workspace(small.files);
        w.step('start');
        let added = 0;
        for (const [i, op] of ops.entries()) {
          const names = [...w.texts.keys()];
          if (!names.length) break;
          const f = names[op.file % names.length];
          const t = w.texts.get(f)!;
          if (op.kind === 'edit') w.texts.set(f, applyEdit(t, op.edit));
          else if (op.kind === 'add') w.texts.set(`n${added++}-${op.other % 100}.workload.yaml`, w.texts.get(names[op.other % names.length])!);
          else if (op.kind === 'remove') w.texts.delete(f);
          else {
            w.texts.delete(f);
            w.texts.set(`r${added++}-${f}`, t);
          }
          w.step(`op ${i + 1}: ${JSON.stringify(op)}`);
        }
      }),
      props(25, 1313),
    );
  });
});
