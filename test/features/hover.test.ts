// Hover in process: a caret-marked fixture, `hoverAt` against the core analysis, and
// the Markdown it answers (plus the text its span covers) compared as plain data.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hoverAt, unescapeMarkdown } from '../../server/src/features/hover';
import { APPS, HOSTS } from '../lsp/fixtures';
import { caret, fixture, twoFiles } from './helpers';

interface Case {
  name: string;
  fixture: string;
  /** The text the hover's span covers, or null for no hover. */
  span: string | null;
  /** Lines (or parts of lines) the Markdown must contain, in order. */
  contains?: string[];
  /** The whole Markdown. */
  equals?: string;
  /** Text the Markdown must not contain. */
  lacks?: string[];
}

const apps = (needle: string) => twoFiles(HOSTS, caret(APPS, needle));
const hosts = (needle: string) => twoFiles(caret(HOSTS, needle), APPS);
const one = (body: string) => `version: 1\nworkloads:\n${body}`;

const cases: Case[] = [
  {
    name: 'workload name: verdict, confidence, factor table, what the declared deploy gives up',
    fixture: apps('name: checkout-$0api'),
    span: 'checkout-api',
    contains: [
      '**checkout\\-api** → **container**',
      'Confidence: ',
      'Declared `deploy: vm`, against the recommendation (container).',
      '**Trade-offs** (among vm, container, container-in-vm)',
      '| Factor | Field | Favours | Weights | Reason |',
      '| startup | startup | container | container \\+2, container\\-in\\-vm \\+2 | A container starts in seconds',
      '\\(from startup, scaling\\)',
      '| second\\-layer | name | neutral | container\\-in\\-vm \\-3 |',
      '**`vm` gives up**',
      '**Placement:** 2 of 2 replicas placed as vm',
    ],
  },
  {
    name: 'workload with constraints',
    fixture: apps('name: leg$0acy'),
    span: 'legacy',
    contains: ['**legacy** → **vm**', 'Confidence: high', '**Requirements**', "- met: `kernel: custom` (kernel) rules out container: a container shares its host's kernel", '**Trade-offs** (among vm, container-in-vm)'],
  },
  { name: 'workload item dash', fixture: apps('  $0- name: reports'), span: '-', contains: ['**reports** → **container**'] },
  {
    name: 'requirements met and unmet, apart from the trade-offs',
    fixture: apps('  $0- name: orders-db'),
    span: '-',
    contains: ['**orders\\-db** → no option: nothing in the fleet meets its needs', '**Requirements**', '- met: its pins to container hosts only (host) rules out vm, container-in-vm', '- **unmet**: `state: stateful without volumes` (state) rules out container, container-in-vm'],
    lacks: ['**Trade-offs**'],
  },
  { name: 'start of a workload name', fixture: apps('name: $0reports'), span: 'reports', contains: ['**reports** →'] },
  { name: 'end of a workload name', fixture: apps('name: reports$0'), span: 'reports', contains: ['**reports** →'] },
  {
    name: 'host pin: what the host is',
    fixture: apps('host: k8s-$001'),
    span: 'k8s-01',
    contains: ['**k8s\\-01** (host)', '- Role: container host, runtime containerd', '- OS: linux', '- Size: 32 cores, 128Gi memory'],
  },
  { name: 'pin of an undeclared host', fixture: apps('hosts: [esx-$002]'), span: 'esx-02', contains: ['**esx\\-02**: no host with this name is declared in the workspace.'] },
  {
    name: 'host declaration in the hosts file',
    fixture: hosts('name: esx$0-01'),
    span: 'esx-01',
    contains: ['**esx\\-01** (host)', '- Role: hypervisor (esxi), guests run containerd', '- Site: dc\\-east'],
  },
  {
    name: 'a host declared twice',
    fixture: `version: 1\nhosts:\n  - name: h$01\n    role: hypervisor\n    cpu: 8\n    memory: 8Gi\n  - name: h1\n    role: hypervisor\n    cpu: 8\n    memory: 8Gi\n`,
    span: 'h1',
    contains: ['**h1** (host)', 'Declared 2 times: host names must be unique.'],
  },
  {
    name: 'a container host without os is assumed linux',
    fixture: `version: 1\nhosts:\n  - name: c$01\n    role: container-host\n    runtime: docker\n    cpu: 4\n    memory: 8Gi\n    storage: 1Ti\n`,
    span: 'c1',
    contains: ['- Role: container host, runtime docker', '- OS: linux (assumed)', '- Size: 4 cores, 8Gi memory, 1Ti storage'],
  },
  {
    name: 'key: its documentation and values',
    fixture: apps('star$0tup: fast'),
    span: 'startup',
    contains: ['**startup**: one of the values below', 'How fast an instance must start', '- **fast**: '],
  },
  { name: 'required key', fixture: apps('  - name: reports\n    o$0s: linux'), span: 'os', contains: ['**os** (required): one of the values below'] },
  { name: 'root key', fixture: apps('ver$0sion: 1'), span: 'version', contains: ['**version** (required)'] },
  { name: 'key of a mapping', fixture: apps('resou$0rces: { cpu: 500m'), span: 'resources', contains: ['**resources**: a mapping', 'Keys: cpu, memory'] },
  { name: 'key inside a flow mapping', fixture: apps('{ c$0pu: 500m'), span: 'cpu', contains: ['**cpu**: cores or millicores (`2`, `500m`)'] },
  { name: 'host key', fixture: hosts('hyper$0visor: esxi'), span: 'hypervisor', contains: ['**hypervisor**: one of the values below', '- **esxi**: '] },
  { name: 'enum value', fixture: apps('architecture: mono$0lith'), span: 'monolith', contains: ['**architecture: monolith**', 'suits a VM'] },
  { name: 'deploy value compares with the recommendation', fixture: apps('deploy: v$0m'), span: 'vm', contains: ['**deploy: vm**', 'Recommended: **container** ('] },
  { name: 'host enum value', fixture: hosts('role: container$0-host'), span: 'container-host', contains: ['**role: container\\-host**'] },
  { name: 'a comment', fixture: apps("# The sh$0op's"), span: null },
  { name: 'an unknown key', fixture: apps('repl$0icaz: 2'), span: null },
  { name: 'a value that is not an enum', fixture: apps('cpu: 50$00m'), span: null },
  { name: 'an unknown enum value', fixture: one('  - name: w\n    os: bs$0d\n'), span: null },
  { name: 'blank line at the end', fixture: `${APPS}$0`, span: null },
  {
    name: 'a workload no host can run',
    fixture: `//- h.workload.yaml\nversion: 1\nhosts:\n  - { name: k1, role: container-host, os: linux, cpu: 4, memory: 8Gi }\n//- w.workload.yaml\n${one('  - name: lo$0ne\n    os: windows\n')}`,
    span: 'lone',
    contains: ['**lone** → no option: nothing in the fleet meets its needs', "- fleet: the fleet has no Windows container host, and a container must use its host's OS and kernel (rules out container)", '- fleet: the fleet has no hypervisor host (rules out vm, container-in-vm)'],
  },
  {
    name: 'Markdown in a name is escaped (on the name)',
    fixture: one('  - name: "*bo$0ld* [x](y) <b>&`"\n    os: linux\n'),
    span: '"*bold* [x](y) <b>&`"',
    contains: ['**\\*bold\\* \\[x\\]\\(y\\) &lt;b&gt;&amp;\\`** →'],
    lacks: ['<b>', '[x](y)'],
  },
  {
    name: 'a long name is clipped',
    fixture: one(`  - name: ${'a'.repeat(50)}$0${'b'.repeat(100)}\n    os: linux\n`),
    span: 'a'.repeat(50) + 'b'.repeat(100),
    contains: [`**${'a'.repeat(50)}${'b'.repeat(29)}…** →`],
  },
];

describe('hover (in process)', () => {
  for (const k of cases) {
    it(k.name, () => {
      const f = fixture(k.fixture);
      const h = hoverAt(f.parsed, f.analysis, f.offset);
      if (k.span === null) {
        assert.equal(h, undefined, h?.text);
        return;
      }
      assert.ok(h, 'a hover');
      assert.equal(f.slice(h.span), k.span);
      if (k.equals !== undefined) assert.equal(h.text, k.equals);
      let from = 0;
      for (const s of k.contains ?? []) {
        const at = h.text.indexOf(s, from);
        assert.ok(at >= 0, `hover should contain ${JSON.stringify(s)} after offset ${from}:\n${h.text}`);
        from = at + s.length;
      }
      for (const s of k.lacks ?? []) assert.ok(!h.text.includes(s), `hover should not contain ${JSON.stringify(s)}:\n${h.text}`);
    });
  }

  it('plain text for clients without Markdown: the escapes undone', () => {
    assert.equal(unescapeMarkdown('**a\\-b** \\(x\\) &lt;b&gt; &amp;'), '**a-b** (x) <b> &');
  });
});

// Issue #14: descriptor text is untrusted. Direction overrides (U+202E and friends) would
// make a hover read differently from the file; they are shown as visible escapes. A URL
// or an address in a name must not become a link.
describe('hover on hostile names (in process)', () => {
  const RAW_BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
  const fleetWith = (name: string, site = 'dc-1') =>
    `//- hosts.workload.yaml\nversion: 1\nhosts:\n  - { name: "${name}", role: container-host, os: linux, cpu: 4, memory: 8Gi, site: "${site}" }\n`;
  const cases: { name: string; fixture: string; contains: string[]; lacks: string[] }[] = [
    {
      name: 'a right-to-left override in a workload name',
      fixture: one('  - name: "invoice\u202Efdp.exe$0"\n    os: linux\n'),
      contains: ['**invoice\\\\u202Efdp\\.exe** →'],
      lacks: ['\u202E'],
    },
    {
      name: 'isolates and marks in a workload name',
      fixture: one('  - name: "a\u2066b\u2069c\u200Fd\u061Ce$0"\n    os: linux\n'),
      contains: ['**a\\\\u2066b\\\\u2069c\\\\u200Fd\\\\u061Ce** →'],
      lacks: ['\u2066', '\u2069', '\u200F', '\u061C'],
    },
    {
      name: 'an override in a host name and its site (also in the placement part)',
      fixture: `${fleetWith('k\u202E1', 'dc\u202Eeast')}//- apps.workload.yaml\n${one('  - name: w\n    os: linux\n    host: "k\u202E$01"\n')}`,
      contains: ['**k\\\\u202E1** (host)', '- Site: dc\\\\u202Eeast'],
      lacks: ['\u202E'],
    },
    {
      name: 'a URL in a workload name is not linkified',
      fixture: one('  - name: "https://evil.example/login$0"\n    os: linux\n'),
      contains: ['**https&#58;//evil\\.example/login** →'],
      lacks: ['https://', 'http://'],
    },
    {
      name: 'a URL as a host name, in the host hover and the placement',
      fixture: `${fleetWith('http://h.example')}//- apps.workload.yaml\n${one('  - name: w\n    os: linux\n    host: "http://h$0.example"\n')}`,
      contains: ['**http&#58;//h\\.example** (host)'],
      lacks: ['http://'],
    },
    {
      name: 'an address as a site, also in the placement part (escaped there)',
      fixture: `${fleetWith('k1', 'ops@evil.example')}//- apps.workload.yaml\n${one('  - name: w\n    os: linux\n    host: k$01\n')}`,
      contains: ['- Site: ops&#64;evil\\.example'],
      lacks: ['ops@'],
    },
    {
      name: 'our own "host @ site" keeps its @',
      fixture: `${fleetWith('k1', 'east')}//- apps.workload.yaml\n${one('  - name: w$0\n    os: linux\n    host: k1\n')}`,
      contains: ['- On: k1 @ east'],
      lacks: ['&#64;'],
    },
    {
      name: 'an address in a workload name is not linkified',
      fixture: one('  - name: "ops@evil.example$0"\n    os: linux\n'),
      contains: ['**ops&#64;evil\\.example** →'],
      lacks: ['@'],
    },
  ];
  for (const k of cases) {
    it(k.name, () => {
      const f = fixture(k.fixture);
      const h = hoverAt(f.parsed, f.analysis, f.offset);
      assert.ok(h, 'a hover');
      for (const s of k.contains) assert.ok(h.text.includes(s), `hover should contain ${JSON.stringify(s)}:\n${h.text}`);
      for (const s of k.lacks) assert.ok(!h.text.includes(s), `hover should not contain ${JSON.stringify(s)}:\n${h.text}`);
      assert.doesNotMatch(h.text, RAW_BIDI);
      // A client without Markdown sees the escapes as text, the address as written.
      const plain = unescapeMarkdown(h.text);
      assert.doesNotMatch(plain, RAW_BIDI);
    });
  }

  it('plain text shows the escapes and the original characters of a URL', () => {
    assert.equal(unescapeMarkdown('**a\\\\u202Eb** https&#58;//x\\.example ops&#64;y'), '**a\\u202Eb** https://x.example ops@y');
  });
});
