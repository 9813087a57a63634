// Completion over the protocol: the cursor is the `|` in a line inserted into the
// fixture, and the case lists labels that must and must not be offered. A few contexts
// only, one per kind of item (documentation, text edit, snippets): every context is
// covered in process by test/features/completion.test.ts.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type * as P from 'vscode-languageserver-protocol';
import { RULES } from '../../server/src/core/rules';
import { APPS, FILES, HOSTS } from './fixtures';
import { applyTextEdits, positionAt, TestClient } from './helpers';

const S = 'scratch.workload.yaml';

/** `base` with `line` inserted after the last line containing `afterLine`. */
function insertAfter(base: string, afterLine: string, line: string): string {
  const i = base.lastIndexOf(afterLine);
  const eol = base.indexOf('\n', i) + 1;
  return base.slice(0, eol) + line + '\n' + base.slice(eol);
}

interface Case {
  name: string;
  text: string;
  has: string[];
  hasNot?: string[];
  /** Documentation that one of the `has` items must carry. */
  doc?: [string, RegExp];
}

const cases: Case[] = [
  {
    name: 'keys of a workload, minus those present',
    text: insertAfter(APPS, '    startup: fast\n', '    |'),
    has: ['deploy', 'kernel', 'isolation', 'replicas', 'host', 'hosts', 'liveMigration'],
    hasNot: ['name', 'os', 'architecture', 'state', 'startup', 'role', 'hypervisor', 'version'],
    doc: ['isolation', /How strongly the workload must be isolated/],
  },
  {
    name: 'enum values with their docs',
    text: insertAfter(APPS, '    startup: fast\n', '    isolation: |'),
    has: ['standard', 'strict'],
    hasNot: ['vm', 'linux'],
    doc: ['strict', /kernel flaw on a container host/],
  },
  {
    name: 'host names after host:',
    text: insertAfter(APPS, '    startup: fast\n', '    host: |'),
    has: ['esx-01', 'k8s-01'],
    hasNot: ['checkout-api'],
    doc: ['esx-01', /Role: hypervisor/],
  },
  {
    name: 'host names in a flow list of pins',
    text: APPS.replace('hosts: [esx-02]', 'hosts: [esx-01, |]'),
    has: ['k8s-01'],
    hasNot: ['esx-01'],
  },
  {
    name: 'a new workload item: snippets and keys',
    text: insertAfter(APPS, '    startup: fast\n', '  - |'),
    has: ['workload: web service', 'workload: database', 'workload: Windows app', 'workload: batch job', 'name', 'os'],
    hasNot: ['host: hypervisor host', 'role'],
  },
  {
    name: 'rule ids in a suppression comment',
    text: insertAfter(APPS, '    startup: fast\n', '    # placement-ignore: |'),
    has: RULES.map((r) => r.id),
  },
  {
    name: 'nothing inside an ordinary comment',
    text: insertAfter(APPS, '    startup: fast\n', '    # just a note |'),
    has: [],
    hasNot: ['deploy', 'esx-01'],
  },
];

describe('completion', { timeout: 120_000 }, () => {
  let c: TestClient;
  let opened = false;
  before(async () => {
    c = await TestClient.start({ files: FILES });
  });
  after(async () => {
    await c.shutdown();
  });

  /** Completion at the `|` of `text` (the only one). */
  const complete = async (text: string): Promise<P.CompletionItem[]> => {
    const bar = text.indexOf('|');
    assert.equal(text.indexOf('|', bar + 1), -1, 'one cursor');
    const clean = text.slice(0, bar) + text.slice(bar + 1);
    const pos = positionAt(clean, bar);
    if (!opened) {
      await c.open(S, clean);
      opened = true;
    } else await c.change(S, clean);
    const list = await c.conn.sendRequest<P.CompletionList | null>('textDocument/completion', { textDocument: { uri: c.uri(S) }, position: pos });
    return list?.items ?? [];
  };

  for (const k of cases) {
    it(k.name, async () => {
      const items = await complete(k.text);
      const labels = items.map((i) => i.label);
      for (const l of k.has) assert.ok(labels.includes(l), `'${l}' offered; got ${labels.join(', ')}`);
      for (const l of k.hasNot ?? []) assert.ok(!labels.includes(l), `'${l}' not offered; got ${labels.join(', ')}`);
      if (!k.has.length) assert.deepEqual(labels, []);
      if (k.doc) {
        const it = items.find((i) => i.label === k.doc![0])!;
        const doc = typeof it.documentation === 'string' ? it.documentation : it.documentation?.value;
        assert.match(doc ?? '', k.doc[1]);
      }
    });
  }

  it('a key item inserts `key: ` with a choice of values', async () => {
    const items = await complete(insertAfter(APPS, '    startup: fast\n', '    iso|'));
    const iso = items.find((i) => i.label === 'isolation')!;
    assert.equal(iso.insertTextFormat, 2);
    assert.equal((iso.textEdit as P.TextEdit).newText, 'isolation: ${1|standard,strict|}');
    // It replaces the word typed so far.
    assert.equal((iso.textEdit as P.TextEdit).range.end.character - (iso.textEdit as P.TextEdit).range.start.character, 3);
  });

  // Each snippet, expanded with its defaults, is a workload the server accepts.
  for (const label of ['workload: web service', 'workload: database', 'workload: Windows app', 'workload: batch job']) {
    it(`snippet '${label}' expands to a valid workload`, async () => {
      const text = insertAfter(APPS, '    startup: fast\n', '  - |');
      const items = await complete(text);
      const snip = items.find((i) => i.label === label)!;
      assert.equal(snip.kind, 15);
      const edit = snip.textEdit as P.TextEdit;
      const expanded = edit.newText
        .replace(/\$\{\d+\|([^,|]*)[^|]*\|\}/g, '$1')
        .replace(/\$\{\d+:([^}]*)\}/g, '$1')
        .replace(/\$\d+/g, '');
      const next = applyTextEdits(text.replace('|', ''), [{ range: edit.range, newText: expanded }]);
      await c.change(S, next);
      const name = /name: (\S+)/.exec(expanded)![1];
      const res = await c.pull(S);
      assert.equal(res.kind, 'full');
      const lines = next.split('\n');
      const start = lines.findIndex((l) => l === `  - name: ${name}`);
      assert.ok(start > 0, next);
      const end = start + expanded.split('\n').length;
      // The fixture's own mistakes and duplicate names lie outside the snippet.
      const inSnippet = res.items.filter((d) => d.range.start.line >= start && d.range.start.line < end);
      assert.deepEqual(
        inSnippet.filter((d) => d.severity === 1 || ['yaml-syntax', 'unknown-key', 'wrong-type', 'missing-field'].includes(String(d.code))).map((d) => `${d.code}: ${d.message}`),
        [],
      );
    });
  }
});

describe('completion for a client without snippets', { timeout: 120_000 }, () => {
  it('gets plain text: no placeholders, no re-trigger command, names as written', async () => {
    const hosts = HOSTS.replace('name: k8s-01', `name: 'k8s$1'`);
    const c = await TestClient.start({ files: { 'hosts.workload.yaml': hosts, 'apps.workload.yaml': APPS }, snippets: false });
    try {
      const text = insertAfter(APPS, '    startup: fast\n', '    |');
      const bar = text.indexOf('|');
      await c.open(S, text.replace('|', ''));
      const list = await c.conn.sendRequest<P.CompletionList | null>('textDocument/completion', { textDocument: { uri: c.uri(S) }, position: positionAt(text, bar) });
      const items = list?.items ?? [];
      const iso = items.find((i) => i.label === 'isolation')!;
      assert.equal(iso.insertTextFormat, 1);
      assert.equal((iso.textEdit as P.TextEdit).newText, 'isolation: standard');
      assert.equal(iso.command, undefined);
      for (const i of items) assert.doesNotMatch((i.textEdit as P.TextEdit).newText, /\$\{?\d/, i.label);

      const pin = insertAfter(APPS, '    startup: fast\n', '    host: |');
      await c.change(S, pin.replace('|', ''));
      const pins = await c.conn.sendRequest<P.CompletionList | null>('textDocument/completion', { textDocument: { uri: c.uri(S) }, position: positionAt(pin, pin.indexOf('|')) });
      const k8s = pins?.items.find((i) => i.label === 'k8s$1');
      assert.ok(k8s, JSON.stringify(pins?.items.map((i) => i.label)));
      assert.equal((k8s.textEdit as P.TextEdit).newText, '"k8s$1"');
    } finally {
      await c.shutdown();
    }
  });
});
