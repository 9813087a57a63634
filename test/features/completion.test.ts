// Completion in process: the caret is where the user types; `completeAt` runs against
// the core analysis and its items are compared as plain data (labels, insert text,
// the text they replace). test/lsp/completion.test.ts keeps the protocol's view.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RULES } from '../../shared/rules';
import { type Completion, type CompletionOptions, completeAt, escapeSnippet, plainText } from '../../server/src/features/completion';
import { APPS, HOSTS } from '../lsp/fixtures';
import { caret, fixture, insertAfter, twoFiles } from './helpers';

const SNIPPETS: CompletionOptions = { snippets: true, insertTextModeAsIs: true };
const PLAIN: CompletionOptions = { snippets: false, insertTextModeAsIs: false };

function complete(src: string, options = SNIPPETS): { items: Completion[]; replaced: (c: Completion) => string } {
  const f = fixture(src);
  const items = completeAt(f.parsed, f.analysis, f.offset, options);
  return { items, replaced: (c) => f.slice(c.span) };
}

const apps = (text: string) => twoFiles(HOSTS, text);
const inApps = (line: string) => apps(insertAfter(APPS, '    startup: fast\n', line));

interface Case {
  name: string;
  fixture: string;
  /** Labels that must be offered. */
  has?: string[];
  /** Labels that must not be offered. */
  hasNot?: string[];
  /** Exactly these labels, in this order. */
  exactly?: string[];
  /** Documentation that one of the items must carry. */
  doc?: [string, RegExp];
}

const WORKLOAD_SNIPPETS = ['workload: web service', 'workload: database', 'workload: Windows app', 'workload: batch job'];
const HOST_SNIPPETS = ['host: hypervisor host', 'host: container host'];

const cases: Case[] = [
  {
    name: 'keys of a workload, minus those present',
    fixture: inApps('    $0'),
    has: ['deploy', 'kernel', 'isolation', 'replicas', 'host', 'hosts', 'liveMigration'],
    hasNot: ['name', 'os', 'architecture', 'state', 'startup', 'role', 'hypervisor', 'version'],
    doc: ['isolation', /How strongly the workload must be isolated/],
  },
  { name: 'keys of a workload between keys', fixture: apps(APPS.replace('    kernel: custom\n', '    kernel: custom\n    li$0\n')), has: ['liveMigration', 'deploy'], hasNot: ['kernel', 'replicaz', 'hosts', 'name', 'os'] },
  { name: 'keys of the first workload, after its name', fixture: apps(insertAfter(APPS, '  - name: checkout-api\n', '    $0')), has: ['kernel', 'isolation'], hasNot: ['name', 'os', 'deploy', 'scaling'] },
  { name: 'enum values with their docs', fixture: inApps('    isolation: $0'), exactly: ['standard', 'strict'], doc: ['strict', /kernel flaw on a container host/] },
  { name: 'deploy values', fixture: inApps('    deploy: con$0'), exactly: ['vm', 'container', 'container-in-vm'] },
  { name: 'os values', fixture: inApps('    kernel: $0'), has: ['custom'] },
  { name: 'boolean values', fixture: inApps('    liveMigration: $0'), exactly: ['true', 'false'] },
  { name: 'no values for a number', fixture: inApps('    replicas: $0'), exactly: [] },
  { name: 'no values for an unknown key', fixture: inApps('    replicaz: $0'), exactly: [] },
  { name: 'host names after host:', fixture: inApps('    host: $0'), exactly: ['esx-01', 'k8s-01'], doc: ['esx-01', /Role: hypervisor/] },
  { name: 'host names after host: with a word typed', fixture: inApps('    host: es$0'), has: ['esx-01', 'k8s-01'] },
  { name: 'host names in a flow list of pins, minus those listed', fixture: apps(APPS.replace('hosts: [esx-02]', 'hosts: [esx-01, $0]')), exactly: ['k8s-01'] },
  { name: 'host names in an empty flow list', fixture: apps(APPS.replace('hosts: [esx-02]', 'hosts: [$0]')), exactly: ['esx-01', 'k8s-01'] },
  { name: 'host names in a block list of pins', fixture: apps(APPS.replace('    hosts: [esx-02]\n', '    hosts:\n      - $0\n')), exactly: ['esx-01', 'k8s-01'] },
  { name: 'root keys, minus those present', fixture: apps(`${APPS}$0`), exactly: ['hosts'] },
  { name: 'root keys of an empty file', fixture: `$0`, has: ['version', 'hosts', 'workloads'] },
  { name: 'a new workload item: snippets and keys', fixture: inApps('  - $0'), has: [...WORKLOAD_SNIPPETS, 'name', 'os'], hasNot: [...HOST_SNIPPETS, 'role'] },
  { name: 'a new item position without a dash yet', fixture: inApps('  $0'), has: WORKLOAD_SNIPPETS },
  { name: 'a new host item: host snippets and host keys', fixture: twoFiles(insertAfter(HOSTS, '    memory: 128Gi\n', '  - $0'), APPS), has: [...HOST_SNIPPETS, 'role', 'cpu'], hasNot: [...WORKLOAD_SNIPPETS, 'architecture'] },
  {
    name: 'keys of a host, minus those present',
    fixture: twoFiles(insertAfter(HOSTS, '    site: dc-east\n', '    $0'), APPS),
    has: ['os', 'storage', 'overcommit'],
    hasNot: ['name', 'role', 'hypervisor', 'runtime', 'cpu', 'memory', 'site', 'deploy'],
  },
  { name: 'host enum values', fixture: twoFiles(caret(HOSTS, 'hypervisor: $0esxi'), APPS), has: ['esxi', 'kvm', 'hyper-v', 'ahv', 'xen'] },
  { name: 'host role values', fixture: twoFiles(caret(HOSTS, 'role: $0hypervisor'), APPS), exactly: ['hypervisor', 'container-host'] },
  { name: 'keys inside a flow mapping, minus those written', fixture: apps(APPS.replace('resources: { cpu: 500m, memory: 512Mi }', 'resources: { cpu: 500m, $0 }')), exactly: ['memory'] },
  { name: 'keys of an empty flow mapping', fixture: apps(APPS.replace('scaling: { min: 2, max: 20 }', 'scaling: { $0 }')), has: ['min', 'max'] },
  { name: 'keys of a nested block mapping', fixture: inApps('    scaling:\n      $0'), has: ['min', 'max'], hasNot: ['name', 'os'] },
  { name: 'keys of a volume item', fixture: inApps('    volumes:\n      - $0'), has: ['name', 'size', 'mountPath'], hasNot: [...WORKLOAD_SNIPPETS, 'os'] },
  { name: 'rule ids in a suppression comment', fixture: inApps('    # placement-ignore: $0'), exactly: RULES.map((r) => r.id) },
  { name: 'rule ids after another rule id', fixture: inApps('    # placement-ignore: unknown-key, $0'), has: ['no-fit'] },
  { name: 'rule ids in a file suppression', fixture: apps(`# placement-ignore-file: $0\n${APPS}`), has: ['unknown-key'] },
  { name: 'nothing inside an ordinary comment', fixture: inApps('    # just a note $0'), exactly: [] },
  { name: 'nothing after a value in a comment-free scalar', fixture: inApps('    name2: "quoted $0'), exactly: [] },
];

describe('completion (in process)', () => {
  for (const k of cases) {
    it(k.name, () => {
      const { items } = complete(k.fixture);
      const labels = items.map((i) => i.label);
      if (k.exactly) assert.deepEqual(labels, k.exactly);
      for (const l of k.has ?? []) assert.ok(labels.includes(l), `'${l}' offered; got ${labels.join(', ')}`);
      for (const l of k.hasNot ?? []) assert.ok(!labels.includes(l), `'${l}' not offered; got ${labels.join(', ')}`);
      if (k.doc) {
        const item = items.find((i) => i.label === k.doc![0]);
        assert.ok(item, `'${k.doc[0]}' offered`);
        assert.match(item.documentation ?? '', k.doc[1]);
      }
    });
  }
});

interface InsertCase {
  name: string;
  fixture: string;
  label: string;
  /** The item's text with snippets, and without. */
  snippet: string;
  plain: string;
  /** The text the item replaces. */
  replaces: string;
}

const inserts: InsertCase[] = [
  { name: 'a key with a choice of values', fixture: inApps('    iso$0'), label: 'isolation', snippet: 'isolation: ${1|standard,strict|}', plain: 'isolation: standard', replaces: 'iso' },
  { name: 'a boolean key', fixture: inApps('    live$0'), label: 'liveMigration', snippet: 'liveMigration: ${1|true,false|}', plain: 'liveMigration: true', replaces: 'live' },
  { name: 'a host pin', fixture: inApps('    $0'), label: 'host', snippet: 'host: $1', plain: 'host: ', replaces: '' },
  { name: 'a list of pins', fixture: inApps('    $0'), label: 'hosts', snippet: 'hosts: [$1]', plain: 'hosts: []', replaces: '' },
  { name: 'a flow mapping with examples', fixture: inApps('    $0'), label: 'resources', snippet: 'resources: { cpu: ${1:500m}, memory: ${2:512Mi} }', plain: 'resources: { cpu: 500m, memory: 512Mi }', replaces: '' },
  { name: 'an enum value', fixture: inApps('    deploy: con$0'), label: 'container-in-vm', snippet: 'container-in-vm', plain: 'container-in-vm', replaces: 'con' },
  { name: 'a host name', fixture: inApps('    host: k8$0'), label: 'k8s-01', snippet: 'k8s-01', plain: 'k8s-01', replaces: 'k8' },
  { name: 'a rule id', fixture: inApps('    # placement-ignore: no-$0'), label: 'no-fit', snippet: 'no-fit', plain: 'no-fit', replaces: 'no-' },
  {
    name: 'a workload snippet after a dash',
    fixture: inApps('  - $0'),
    label: 'workload: web service',
    snippet: 'name: ${1:web}\n    os: linux\n    architecture: microservice\n    state: stateless\n    scaling: { min: ${2:2}, max: ${3:10} }\n    startup: fast\n    resources: { cpu: ${4:500m}, memory: ${5:512Mi} }',
    plain: 'name: web\n    os: linux\n    architecture: microservice\n    state: stateless\n    scaling: { min: 2, max: 10 }\n    startup: fast\n    resources: { cpu: 500m, memory: 512Mi }',
    replaces: '',
  },
];

describe('completion insert text (in process)', () => {
  for (const k of inserts) {
    it(k.name, () => {
      for (const [options, expected, format] of [
        [SNIPPETS, k.snippet, 'snippet'],
        [PLAIN, k.plain, 'plain'],
      ] as const) {
        const { items, replaced } = complete(k.fixture, options);
        const item = items.find((i) => i.label === k.label);
        assert.ok(item, `'${k.label}' offered; got ${items.map((i) => i.label).join(', ')}`);
        assert.equal(item.format, format);
        // Continuation lines: absolute columns with insertTextMode asIs, else relative (the client indents).
        assert.equal(item.insert, format === 'plain' ? expected.replace(/\n {4}/g, '\n  ') : expected);
        assert.equal(replaced(item), k.replaces);
      }
    });
  }

  it('keys whose value is chosen next retrigger suggestions, with snippets only', () => {
    const withSnippets = complete(inApps('    $0')).items;
    assert.equal(withSnippets.find((i) => i.label === 'deploy')?.retrigger, true);
    assert.equal(withSnippets.find((i) => i.label === 'replicas')?.retrigger, undefined);
    assert.equal(complete(inApps('    $0'), PLAIN).items.find((i) => i.label === 'deploy')?.retrigger, undefined);
  });

  it('required keys sort first', () => {
    const items = complete(inApps('  - $0')).items.filter((i) => i.kind === 'key');
    const sorted = [...items].sort((a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label));
    assert.deepEqual(sorted.slice(0, 2).map((i) => i.label), ['name', 'os']);
  });
});

// Issue #14: a `$` in a host name is text, not a tab stop: without snippet support it
// goes in as written; with it, it is escaped (`\$`, `\}`, `\\`) so the editor inserts
// it as written too.
describe('completion of names with snippet syntax in them (in process)', () => {
  const fleet = (names: string[]) =>
    `//- hosts.workload.yaml\nversion: 1\nhosts:\n${names.map((n) => `  - { name: '${n}', role: container-host, os: linux, cpu: 4, memory: 8Gi }\n`).join('')}`;
  const cases: { name: string; snippet: string; plain: string }[] = [
    { name: 'cost$1', snippet: '"cost\\$1"', plain: '"cost$1"' },
    { name: '$HOME', snippet: '"\\$HOME"', plain: '"$HOME"' },
    { name: '${1:evil}', snippet: '"\\${1:evil\\}"', plain: '"${1:evil}"' },
    { name: 'x}y', snippet: '"x\\}y"', plain: '"x}y"' },
    { name: 'back\\slash', snippet: '"back\\\\\\\\slash"', plain: '"back\\\\slash"' },
    { name: 'a|b,c', snippet: '"a|b,c"', plain: '"a|b,c"' },
  ];
  const where: [string, string][] = [
    ['after host:', 'version: 1\nworkloads:\n  - name: w\n    os: linux\n    host: $0\n'],
    ['in a flow list', 'version: 1\nworkloads:\n  - name: w\n    os: linux\n    hosts: [$0]\n'],
    ['in a block list', 'version: 1\nworkloads:\n  - name: w\n    os: linux\n    hosts:\n      - $0\n'],
  ];
  for (const k of cases) {
    for (const [place, apps] of where) {
      it(`${JSON.stringify(k.name)} ${place}`, () => {
        const src = `${fleet([k.name])}//- apps.workload.yaml\n${apps}`;
        for (const [options, expected] of [
          [SNIPPETS, k.snippet],
          [PLAIN, k.plain],
        ] as const) {
          const item = complete(src, options).items.find((i) => i.label === k.name);
          assert.ok(item, `${k.name} offered`);
          assert.equal(item.insert, expected, options.snippets ? 'snippet' : 'plain text');
          // The plain text is what a snippet-capable editor would insert.
          if (!options.snippets) assert.ok(!/\$\{?\d/.test(item.insert) || k.name.includes('$'), item.insert);
        }
      });
    }
  }

  it('plain text written in YAML reads back as the name', () => {
    for (const k of cases) assert.equal(JSON.parse(k.plain), k.name);
  });
});

describe('plain text of a snippet', () => {
  const cases: [string, string][] = [
    ['name: ${1:web}', 'name: web'],
    ['os: ${1|linux,windows|}', 'os: linux'],
    ['x: ${1|a\\,b,c|}', 'x: a,b'],
    ['host: $1$0', 'host: '],
    ['cost\\$1', 'cost$1'],
    ['\\${1:x\\}', '${1:x}'],
    ['${1:a ${2:b}} c', 'a b c'],
    ['${1:\\}}', '}'],
    ['back\\\\slash', 'back\\slash'],
    ['x}y|z', 'x}y|z'],
    ['$HOME', '$HOME'],
  ];
  for (const [snippet, plain] of cases) it(JSON.stringify(snippet), () => assert.equal(plainText(snippet), plain));

  it('escaped text reads back as itself', () => {
    for (const t of ['a$1b', '${1:x}', 'x}y', 'a\\b', '$', '\\', 'plain']) assert.equal(plainText(escapeSnippet(t)), t);
  });
});
