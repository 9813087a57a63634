// Symbols (outline and workspace), code lenses, definition and references, in process:
// caret-marked fixtures through the core and the feature functions, the answers
// rendered as short lines (`file line:col text`) and compared whole.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codeLenses } from '../../server/src/features/codeLens';
import { definitionAt, type Occurrence, referencesAt } from '../../server/src/features/navigation';
import { documentSymbols, type OutlineSymbol, workspaceSymbols } from '../../server/src/features/symbols';
import { APPS, HOSTS } from '../lsp/fixtures';
import { caret, type Fixture, fixture, twoFiles } from './helpers';

const H = 'hosts.workload.yaml';
const A = 'apps.workload.yaml';
const inApps = (needle: string, apps = APPS) => twoFiles(HOSTS, caret(apps, needle));
const inHosts = (needle: string) => twoFiles(caret(HOSTS, needle), APPS);

/** `file line:col text` for each occurrence. */
function render(f: Fixture, occ: Occurrence[] | undefined): string[] | undefined {
  return occ?.map((o) => `${o.file.file} ${f.lineCol(o.span.start, o.file.file)} ${f.slice(o.span, o.file.file)}`);
}

/** The outline as indented lines: `name [kind] detail @ first line of its span`. */
function outline(f: Fixture, symbols: OutlineSymbol[], depth = 0): string[] {
  const out: string[] = [];
  for (const s of symbols) {
    assert.ok(s.selection.start >= s.span.start && s.selection.end <= s.span.end, `${s.name}: the selection lies inside the range`);
    const first = f.slice(s.span).split('\n')[0];
    out.push(`${'  '.repeat(depth)}${s.name} [${s.kind}]${s.detail ? ` ${s.detail}` : ''} @ ${f.lineCol(s.span.start)} ${first}`);
    if (s.children) out.push(...outline(f, s.children, depth + 1));
  }
  return out;
}

describe('definition (in process)', () => {
  const cases: { name: string; fixture: string; expected: string[] | undefined }[] = [
    { name: 'from a pin to the host in the other file', fixture: inApps('host: k8s-$001'), expected: [`${H} 9:10 k8s-01`] },
    { name: 'from the start of a pin', fixture: inApps('host: $0k8s-01'), expected: [`${H} 9:10 k8s-01`] },
    { name: 'from a pin in a flow list', fixture: inApps('hosts: [es$0x-01]', APPS.replace('esx-02', 'esx-01')), expected: [`${H} 2:10 esx-01`] },
    { name: 'from a pin in a block list', fixture: inApps('- k8s$0-01', APPS.replace('hosts: [esx-02]', 'hosts:\n      - k8s-01')), expected: [`${H} 9:10 k8s-01`] },
    { name: 'from a quoted pin', fixture: inApps('host: "k8s$0-01"', APPS.replace('host: k8s-01', 'host: "k8s-01"')), expected: [`${H} 9:10 k8s-01`] },
    { name: 'from a declaration to itself', fixture: inHosts('name: esx$0-01'), expected: [`${H} 2:10 esx-01`] },
    { name: 'a pin of an undeclared host', fixture: inApps('hosts: [esx-$002]'), expected: [] },
    {
      name: 'a host declared twice: both',
      fixture: twoFiles(HOSTS, caret(APPS, 'host: k8s$0-01').replace('version: 1\n', 'version: 1\nhosts:\n  - { name: k8s-01, role: container-host, cpu: 1, memory: 1Gi }\n')),
      expected: [`${A} 2:12 k8s-01`, `${H} 9:10 k8s-01`],
    },
    { name: 'not a host name: a workload name', fixture: inApps('name: checkout$0-api'), expected: undefined },
    { name: 'not a host name: an enum value', fixture: inApps('os: li$0nux'), expected: undefined },
    { name: 'not a host name: a comment', fixture: inApps("# The sh$0op's"), expected: undefined },
  ];
  for (const k of cases) {
    it(k.name, () => {
      const f = fixture(k.fixture);
      assert.deepEqual(render(f, definitionAt(f.parsed, f.analysis, f.offset)), k.expected);
    });
  }
});

describe('references (in process)', () => {
  const two = APPS.replace('hosts: [esx-02]', 'hosts: [k8s-01, esx-01]');
  const cases: { name: string; fixture: string; includeDeclaration: boolean; expected: string[] | undefined }[] = [
    { name: 'every pin and the declaration, from the declaration', fixture: twoFiles(caret(HOSTS, 'name: k8s-0$01'), two), includeDeclaration: true, expected: [`${H} 9:10 k8s-01`, `${A} 16:10 k8s-01`, `${A} 21:12 k8s-01`] },
    { name: 'pins only, from a pin', fixture: twoFiles(HOSTS, caret(two, 'host: k8s-$001')), includeDeclaration: false, expected: [`${A} 16:10 k8s-01`, `${A} 21:12 k8s-01`] },
    { name: 'a host without pins', fixture: twoFiles(caret(HOSTS, 'name: esx$0-01'), APPS), includeDeclaration: false, expected: [] },
    { name: 'a host without pins, with its declaration', fixture: twoFiles(caret(HOSTS, 'name: esx$0-01'), APPS), includeDeclaration: true, expected: [`${H} 2:10 esx-01`] },
    { name: 'an undeclared host: its pins', fixture: inApps('hosts: [esx$0-02]'), includeDeclaration: true, expected: [`${A} 21:12 esx-02`] },
    { name: 'not a host name', fixture: inApps('startup: f$0ast'), includeDeclaration: true, expected: undefined },
  ];
  for (const k of cases) {
    it(k.name, async () => {
      const f = fixture(k.fixture);
      assert.deepEqual(render(f, await referencesAt(f.parsed, f.analysis, f.offset, k.includeDeclaration)), k.expected);
    });
  }
});

describe('document symbols (in process)', () => {
  const cases: { name: string; fixture: string; expected: string[] }[] = [
    {
      name: 'workloads with their verdicts and declared deploys',
      fixture: twoFiles(HOSTS, `$0${APPS}`),
      expected: [
        'workloads [group] @ 1:0 workloads:',
        '  checkout-api [workload] → container · declared vm @ 3:2 - name: checkout-api',
        '  orders-db [workload] → no option · declared container @ 11:2 - name: orders-db',
        '  legacy [workload] → vm @ 17:2 - name: legacy',
        '  reports [workload] → container @ 22:2 - name: reports',
      ],
    },
    {
      name: 'hosts with role, hypervisor or runtime, and OS',
      fixture: twoFiles(`$0${HOSTS}`, APPS),
      expected: ['hosts [group] @ 1:0 hosts:', '  esx-01 [host] hypervisor · esxi @ 2:2 - name: esx-01', '  k8s-01 [host] container-host · containerd · linux @ 9:2 - name: k8s-01'],
    },
    {
      name: 'both groups in one file, flow items, an unnamed workload',
      fixture: '$0version: 1\nhosts:\n  - { name: h1, role: hypervisor, cpu: 8, memory: 16Gi }\nworkloads:\n  - { name: w1, os: linux }\n  - os: linux\n',
      expected: [
        'hosts [group] @ 1:0 hosts:',
        '  h1 [host] hypervisor @ 2:2 - { name: h1, role: hypervisor, cpu: 8, memory: 16Gi }',
        'workloads [group] @ 3:0 workloads:',
        '  w1 [workload] → container @ 4:2 - { name: w1, os: linux }',
        '  (unnamed workload) [workload] → container @ 5:2 - os: linux',
      ],
    },
    { name: 'an empty file', fixture: '$0', expected: [] },
    { name: 'a file without hosts or workloads', fixture: '$0version: 1\n', expected: [] },
    { name: 'an empty workloads list', fixture: '$0version: 1\nworkloads: []\n', expected: ['workloads [group] @ 1:0 workloads: []'] },
  ];
  for (const k of cases) {
    it(k.name, async () => {
      const f = fixture(k.fixture);
      assert.deepEqual(outline(f, await documentSymbols(f.parsed, f.analysis)), k.expected);
    });
  }
});

describe('workspace symbols (in process)', () => {
  const all = [`host esx-01 ${H} 2:10`, `host k8s-01 ${H} 9:10`, `workload checkout-api ${A} 3:10`, `workload orders-db ${A} 11:10`, `workload legacy ${A} 17:10`, `workload reports ${A} 22:10`];
  const cases: { query: string; expected: string[] }[] = [
    { query: '', expected: all },
    { query: 'k8s', expected: [`host k8s-01 ${H} 9:10`] },
    { query: 'K8S', expected: [`host k8s-01 ${H} 9:10`] },
    { query: 'e01', expected: [`host esx-01 ${H} 2:10`] },
    { query: 'ck', expected: [`workload checkout-api ${A} 3:10`] },
    { query: 'o d', expected: [`workload orders-db ${A} 11:10`] },
    { query: 're', expected: [`workload orders-db ${A} 11:10`, `workload reports ${A} 22:10`] },
    { query: 'zzz', expected: [] },
  ];
  for (const k of cases) {
    it(`query ${JSON.stringify(k.query)}`, async () => {
      const f = fixture(twoFiles(HOSTS, `$0${APPS}`));
      const found = await workspaceSymbols(f.analysis, k.query);
      for (const s of found) assert.equal(s.container, s.kind === 'host' ? 'hosts' : 'workloads');
      assert.deepEqual(
        found.map((s) => `${s.kind} ${s.name} ${s.file} ${f.lineCol(s.span.start, s.file)}`),
        k.expected,
      );
    });
  }
});

describe('code lens (in process)', () => {
  const cases: { name: string; fixture: string; expected: string[] }[] = [
    {
      name: 'verdict, confidence and the declared deploy on each workload',
      fixture: twoFiles(HOSTS, `$0${APPS}`),
      expected: [
        '3:10 → container (high, 80%) · declared vm',
        '11:10 → no option: nothing in the fleet meets its needs · declared container',
        '17:10 → vm (high, 80%)',
        '22:10 → container (high, 80%)',
      ],
    },
    { name: 'a workload without hosts: no preference', fixture: `$0version: 1\nworkloads:\n  - name: w\n    os: linux\n`, expected: ['2:10 → container (low, 50%)'] },
    {
      name: 'a workload no host can run',
      fixture: `//- h.workload.yaml\nversion: 1\nhosts:\n  - { name: k1, role: container-host, os: linux, cpu: 4, memory: 8Gi }\n//- w.workload.yaml\n$0version: 1\nworkloads:\n  - name: w\n    os: windows\n`,
      expected: ['2:10 → no option: nothing in the fleet meets its needs'],
    },
    { name: 'hosts get none', fixture: twoFiles(`$0${HOSTS}`, APPS), expected: [] },
  ];
  for (const k of cases) {
    it(k.name, async () => {
      const f = fixture(k.fixture, { alone: true });
      const lenses = await codeLenses(f.parsed, f.analysis);
      for (const l of lenses) assert.equal(l.span.start, l.span.end, 'an empty span');
      assert.deepEqual(
        lenses.map((l) => `${f.lineCol(l.span.start)} ${l.title}`),
        k.expected,
      );
    });
  }
});
