// The open documents' store (server/src/document.ts) must track the editor's text as
// vscode-languageserver-textdocument does, and an edit must reach fresh diagnostics
// over the real protocol without the server ever building the whole new text (the
// copy that costs ~10 ms per keystroke on a 2.8 MB file).

import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver-protocol/node';
import type * as P from 'vscode-languageserver-protocol';
import { createConnection } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { generate } from '../../bench/generate';
import { analyze } from '../../server/src/core/analyze';
import { defaultConfig } from '../../server/src/core/config';
import { parseFile } from '../../server/src/core/parse';
import { toLspDiagnostic } from '../../server/src/convert';
import { editorDocuments } from '../../server/src/document';
import { startServer } from '../../server/src/server';
import { capabilities, positionAt } from './helpers';
import { props } from '../properties';

describe('the open documents\' store', () => {
  const change = fc.record({
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    len: fc.nat({ max: 30 }),
    text: fc.constantFrom('', 'x', '\n', '\r\n', '\r', 'a\nb', 'é\r\n  - ', '\n\n'),
    past: fc.boolean(),
  });

  it('reads like a TextDocument of the same text after random incremental and full changes', () => {
    const start = 'version: 1\r\nworkloads:\n  - name: a\r    os: linux\n';
    // The reference is a TextDocument made afresh from each text: the library's own
    // incremental line table mishandles a CR and a LF that meet at a change.
    const reference = (text: string) => TextDocument.create('file:///a.workload.yaml', 'workload-descriptor', 1, text);
    fc.assert(
      fc.property(fc.array(fc.array(change, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 25 }), fc.nat(), (batches, probe) => {
        const ours = editorDocuments.create('file:///a.workload.yaml', 'workload-descriptor', 1, start);
        let text = start;
        for (const [v, batch] of batches.entries()) {
          // One notification: each change's range is in the terms of the text before it.
          const changes = batch.map((c, k) => {
            if (k === 2 && c.past) {
              text = `full ${c.text}`;
              return { text };
            }
            const ref = reference(text);
            const s = Math.floor(c.at * (text.length + 1));
            const from = ref.positionAt(s);
            const to = ref.positionAt(Math.min(text.length, s + c.len));
            // Sometimes past the line's end, which means the end of the line.
            const range = { start: from, end: c.past ? { line: to.line, character: to.character + 5 } : to };
            text = text.slice(0, ref.offsetAt(range.start)) + c.text + text.slice(ref.offsetAt(range.end));
            return { range, text: c.text };
          });
          editorDocuments.update(ours, changes, v + 2);
          assert.equal(ours.getText(), text);
          assert.equal(ours.version, v + 2);
        }
        const ref = reference(text);
        assert.equal(ours.lineCount, ref.lineCount);
        const n = text.length;
        for (const offset of [0, probe % (n + 1), n, n + 3]) assert.deepEqual(ours.positionAt(offset), ref.positionAt(offset), `positionAt ${offset}`);
        for (let line = 0; line <= ref.lineCount; line++) {
          for (const character of [0, 1, 3, 1000]) {
            const pos = { line, character };
            assert.equal(ours.offsetAt(pos), ref.offsetAt(pos), `offsetAt ${JSON.stringify(pos)}`);
          }
        }
        const range = { start: ref.positionAt(probe % (n + 1)), end: ref.positionAt(n) };
        assert.equal(ours.getText(range), ref.getText(range));
      }),
      props(150, 3),
    );
  });
});

describe('an edit over the protocol', { timeout: 120_000 }, () => {
  it('gets fresh diagnostics without building the whole new text; completion builds it once', async () => {
    // The server in this process, over a pair of pipes, so that the test sees its texts.
    const up = new PassThrough();
    const down = new PassThrough();
    const ctx = startServer(createConnection(new StreamMessageReader(up), new StreamMessageWriter(down)));
    const client = createMessageConnection(new StreamMessageReader(down), new StreamMessageWriter(up));
    client.onRequest(() => null);
    client.onNotification(() => undefined);
    client.listen();
    try {
      await client.sendRequest('initialize', { processId: null, rootUri: null, capabilities: capabilities({}) });
      await client.sendNotification('initialized', {});
      const g = generate({ workloads: 2000, seed: 6 });
      const uri = 'untitled:big.workload.yaml';
      await client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'workload-descriptor', version: 1, text: g.text } });
      const pull = async () => (await client.sendRequest<P.FullDocumentDiagnosticReport>('textDocument/diagnostic', { textDocument: { uri } })).items;
      await pull();

      // Edits of an `os:` value, as typed: a character in, and out again.
      let text = g.text;
      const at = g.osValues[1000] + 2;
      const edits = [
        { start: at, end: at, insert: 'x' },
        { start: at, end: at + 1, insert: '' },
        { start: at, end: at + 2, insert: '' },
      ];
      for (const [i, e] of edits.entries()) {
        const range = { start: positionAt(text, e.start), end: positionAt(text, e.end) };
        text = text.slice(0, e.start) + e.insert + text.slice(e.end);
        await client.sendNotification('textDocument/didChange', { textDocument: { uri, version: i + 2 }, contentChanges: [{ range, text: e.insert }] });
        const items = await pull();
        const source = ctx.documents.get(uri)!.source;
        assert.equal(source.wholeReads, 0, `edit ${i + 1}: the parse, the analysis and the answer read around the change only`);
        assert.equal(source.slice(0, source.length), text);
        const fresh = parseFile(uri, text);
        const expected = (analyze([fresh], defaultConfig()).diagnostics.get(uri) ?? []).map((d) => toLspDiagnostic(fresh, d));
        assert.deepEqual(items, expected, `edit ${i + 1}: the diagnostics of a fresh analysis`);
      }
      // The edit broke the value: a diagnostic on that line says so.
      const line = positionAt(text, at).line;
      assert.ok((await pull()).some((d) => d.range.start.line === line));

      // Completion looks at the lines around the cursor, from the whole text.
      const source = ctx.documents.get(uri)!.source;
      await client.sendRequest('textDocument/completion', { textDocument: { uri }, position: positionAt(text, at) });
      assert.ok(source.wholeReads >= 1, "completion read the whole text");
    } finally {
      await client.sendRequest('shutdown').catch(() => undefined);
      client.dispose();
      ctx.workspace.dispose();
      up.end();
      down.end();
    }
  });
});
