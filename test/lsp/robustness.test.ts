// Malformed and hostile input never crashes the server, never makes a feature throw
// (the runner would hide it, so its log is checked too), and descriptor text shown in
// markdown is escaped. After each input the server still answers a hover.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type * as P from 'vscode-languageserver-protocol';
import { APPS, FILES } from './fixtures';
import { at, hoverText, positionAt, TestClient, waitFor } from './helpers';
import { props } from '../properties';

const A = 'apps.workload.yaml';
const X = 'hostile.workload.yaml';
const XSS = '<img src=x onerror=alert(1)>';

const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`)].join('\n');

const junk = (() => {
  let s = '';
  let x = 12345;
  for (let i = 0; i < 20_000; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    s += String.fromCharCode(x % 256);
  }
  return s;
})();

const inputs: { name: string; text: string }[] = [
  { name: 'unclosed flow sequence', text: 'version: 1\nworkloads:\n  - name: [unclosed\n    os: linux\n  - name: ok\n    os: linux\n' },
  { name: 'bad indentation', text: 'version: 1\nworkloads:\n  - name: a\n   os: linux\n     deploy: vm\n' },
  { name: 'binary junk', text: junk },
  { name: 'NUL bytes in a descriptor', text: 'version: 1\u0000\nworkloads:\n  - name: a\u0000b\n' },
  { name: 'flow nesting 100,000 deep', text: `version: 1\nworkloads: ${'['.repeat(100_000)}` },
  { name: 'mapping nesting 50,000 deep', text: `version: 1\nx: ${'{a: '.repeat(50_000)}` },
  { name: 'block nesting 2,000 deep', text: `version: 1\nworkloads:\n  - name: deep\n    resources:\n${Array.from({ length: 2000 }, (_, i) => `${' '.repeat(6 + i * 2)}k${i}:`).join('\n')}\n` },
  { name: 'alias bomb', text: `version: 1\n${bomb}\nworkloads: *j\n` },
  { name: 'a 1 MB line', text: `version: 1\nworkloads:\n  - name: ${'x'.repeat(1_000_000)}\n    os: linux\n` },
  { name: 'script in names, keys and values', text: `version: 1\nhosts:\n  - name: "${XSS}"\n    role: hypervisor\n    cpu: 8\n    memory: 8Gi\nworkloads:\n  - name: "${XSS}"\n    os: "${XSS}"\n    "${XSS}": 1\n    host: "${XSS}"\n` },
  { name: 'prototype keys', text: 'version: 1\n__proto__: { polluted: 1 }\nworkloads:\n  - name: p\n    os: linux\n    constructor: 1\n    __proto__: { deploy: vm }\n    resources: { __proto__: 1 }\n' },
  { name: 'CRLF, BOM and tabs', text: '\ufeffversion: 1\r\nworkloads:\r\n\t- name: t\r\n  - name: crlf\r\n    os: linux\r\n' },
  { name: 'emoji and surrogate pairs', text: 'version: 1\nworkloads:\n  - name: 🚀-api\n    os: linux\n    deploy: 🐳\n    host: 🖥️\n' },
  { name: 'lone surrogates', text: 'version: 1\nworkloads:\n  - name: "\ud800"\n    os: linux\n' },
  { name: 'several documents', text: 'version: 1\n---\nworkloads:\n  - name: a\n---\n- just a list\n...\n' },
  { name: 'wrong shapes everywhere', text: 'version: [1]\nhosts: 5\nworkloads:\n  - 3\n  - [a, b]\n  - name: {x: 1}\n    os: 7\n    volumes: {a: 1}\n    scaling: [1, 2]\n    hosts: {a: b}\n' },
  { name: 'empty', text: '' },
  { name: 'only comments', text: '# nothing here\n# placement-ignore-file\n' },
  { name: 'a root sequence', text: '- a\n- b\n' },
  { name: 'a scalar', text: 'just text' },
];

describe('malformed and hostile input', { timeout: 120_000 }, () => {
  let c: TestClient;
  let opened = false;
  before(async () => {
    c = await TestClient.start({ files: FILES });
    await c.open(A, APPS);
  });
  after(async () => {
    assert.equal(await c.shutdown(), 0);
  });

  const probe = async (text: string) => {
    if (!opened) {
      await c.open(X, text);
      opened = true;
    } else await c.change(X, text);
    const report = await c.pull(X);
    assert.equal(report.kind, 'full');
    const lines = Math.min(text.split('\n').length, 40);
    for (let line = 0; line < lines; line += 3) {
      for (const character of [0, 2, 4, 8, 12]) {
        const pos = { line, character };
        await c.hover(X, pos);
        await c.completion(X, pos);
        await c.definition(X, pos);
        await c.codeActions(X, { start: pos, end: pos });
      }
    }
    await c.symbols(X);
    await c.codeLens(X);
    await c.codeActions(X, { start: { line: 0, character: 0 }, end: positionAt(text, text.length) }, [], ['source.fixAll']);
    return report;
  };

  for (const input of inputs) {
    it(`survives ${input.name}`, async () => {
      await probe(input.text);
      assert.equal(c.died, false, 'the server is alive');
      const h = hoverText(await c.hover(A, at(APPS, 'name: orders|-db')));
      assert.match(h, /→/, 'the good file still gets its hover');
      assert.doesNotMatch(c.stderr, /failed|Unhandled/, `no handler threw:\n${c.stderr.slice(0, 2000)}`);
    });
  }

  it('reports malformed YAML as a yaml-syntax diagnostic and keeps the rest', async () => {
    const r = (await probe(inputs[0].text)) as P.FullDocumentDiagnosticReport;
    assert.ok(r.items.some((d) => d.code === 'yaml-syntax'));
  });

  it('refuses deep nesting with a diagnostic instead of recursing', async () => {
    const r = (await probe(inputs[4].text)) as P.FullDocumentDiagnosticReport;
    assert.ok(r.items.some((d) => d.code === 'yaml-syntax' && /nests/.test(d.message)), JSON.stringify(r.items.map((d) => d.message)));
  });

  it('escapes descriptor text in hovers and completion docs', async () => {
    const text = inputs.find((i) => i.name.startsWith('script'))!.text;
    await probe(text);
    const hovers = [
      hoverText(await c.hover(X, at(text, '  - name: "<im|g', 1))),
      hoverText(await c.hover(X, at(text, '  - name: "<im|g', 0))),
      hoverText(await c.hover(X, at(text, 'host: "<im|g'))),
    ];
    for (const h of hovers) {
      assert.ok(h.length > 0, 'there is a hover');
      assert.ok(!h.includes('<img'), `raw HTML in a hover:\n${h}`);
      assert.ok(h.includes('&lt;img src=x onerror=alert\\(1\\)&gt;'), h);
    }
    const text2 = `${text}    hosts: [`;
    await c.change(X, text2);
    const items = (await c.completion(X, positionAt(text2, text2.length)))!.items;
    const item = items.find((i) => i.label === XSS);
    assert.ok(item, 'the host is offered by its (plain-text) label');
    const doc = typeof item.documentation === 'string' ? item.documentation : item.documentation!.value;
    assert.ok(!doc.includes('<img'), doc);
    assert.equal((item.textEdit as P.TextEdit).newText, JSON.stringify(XSS), 'inserted quoted');
  });

  it('survives random edits and requests (property test)', async () => {
    const alphabet = [':', '-', ' ', '  ', '\n', '[', ']', '{', '}', '#', '"', "'", '&a', '*a', '!', 'x', '\t', 'deploy: vm', 'host: k8s-01', '\u0000'];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(), fc.nat(3), fc.array(fc.constantFrom(...alphabet), { maxLength: 6 })), { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 5 }),
        async (edits, probes) => {
          let text = APPS;
          for (const [pos, del, ins] of edits) {
            const p = pos % (text.length + 1);
            text = text.slice(0, p) + ins.join('') + text.slice(Math.min(text.length, p + del));
          }
          if (!opened) {
            await c.open(X, text);
            opened = true;
          } else await c.change(X, text);
          await c.pull(X);
          for (const o of probes) {
            const pos = positionAt(text, o % (text.length + 1));
            await c.hover(X, pos);
            await c.completion(X, pos);
            await c.codeActions(X, { start: pos, end: pos });
            await c.references(X, pos);
          }
          await c.symbols(X);
          await c.codeLens(X);
          return !c.died;
        },
      ),
      props(40, 42),
    );
    assert.doesNotMatch(c.stderr, /failed|Unhandled/, c.stderr.slice(0, 2000));
  });

  it('cancellation: a cancelled request is answered as cancelled and the server goes on', async () => {
    const { CancellationTokenSource } = await import('vscode-languageserver-protocol');
    const src = new CancellationTokenSource();
    const p = c.conn.sendRequest('textDocument/hover', { textDocument: { uri: c.uri(A) }, position: at(APPS, 'name: orders|-db') }, src.token);
    src.cancel();
    await p.then(
      () => undefined,
      (e: { code?: number }) => assert.equal(e.code, -32800),
    );
    await waitFor(async () => hoverText(await c.hover(A, at(APPS, 'name: orders|-db'))).includes('→'), 'hover after cancellation');
  });
});

describe('a client that fails every request the server sends', { timeout: 120_000 }, () => {
  it('still gets diagnostics and hovers', async () => {
    const c = await TestClient.start({
      files: FILES,
      failRequests: ['workspace/configuration', 'client/registerCapability', 'workspace/diagnostic/refresh', 'window/showDocument', 'workspace/codeLens/refresh'],
    });
    try {
      await c.open(A, APPS);
      await c.open('hosts.workload.yaml', FILES['hosts.workload.yaml']);
      await c.diagnostics(A, (d) => d.length > 0);
      // A cross-file change makes the server ask for a refresh, which fails.
      await c.change('hosts.workload.yaml', FILES['hosts.workload.yaml'].replace('k8s-01', 'k8s-02'));
      await c.diagnostics(A, (d) => d.some((x) => x.message.includes("'k8s-01'")), 'cross-file diagnostics');
      // Opening the docs fails in the client: the link comes as a message instead.
      await c.conn.sendRequest('workspace/executeCommand', { command: 'workloadPlacement.showRuleDocs', arguments: ['elastic-vm'] });
      await waitFor(() => c.messages.find((m) => m.message.includes('docs/rules.md#elastic-vm')), 'the docs link in a message');
      assert.match(hoverText(await c.hover(A, at(APPS, 'name: orders|-db'))), /→/);
      assert.equal(c.died, false);
    } finally {
      await c.shutdown();
    }
  });
});
