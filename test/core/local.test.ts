// File-local diagnostics (core/local.ts): what the language server shows for a file
// opened before the rest of the workspace is read. They must never claim what only the
// fleet can say, and what the file says about its own syntax and schema must be what the
// full analysis says.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateWorkspace } from '../../bench/generate';
import { analyze } from '../../server/src/core/analyze';
import { defaultConfig } from '../../server/src/core/config';
import { fileLocalDiagnostics, isFileLocal } from '../../server/src/core/local';
import { parseFile } from '../../server/src/core/parse';
import { RULES_BY_ID } from '../../server/src/core/rules';

const config = defaultConfig();

describe('file-local diagnostics', () => {
  it('leave out what reads other files: duplicates, pins, capacity', () => {
    for (const id of ['duplicate-name', 'unknown-host', 'pinned-host-mismatch', 'no-capable-host', 'no-fit', 'single-point-of-failure']) assert.equal(isFileLocal(id), false, id);
    for (const id of ['yaml-syntax', 'unknown-key', 'invalid-value', 'bad-quantity', 'stateful-without-volumes', 'elastic-vm']) assert.equal(isFileLocal(id), true, id);
  });

  it('of a file of a workspace: its syntax and schema diagnostics are the full analysis\'s', () => {
    const ws = generateWorkspace({ files: 3, perFile: 40, seed: 9 });
    const parsed = [...ws.files].map(([name, text]) => parseFile(name, text.replace('os: linux', 'os: linx').replace('replicas:', 'replicaz:')));
    const full = analyze(parsed, config);
    // A name's suggested label reads the fleet's names: left out of the comparison.
    const own = (ruleId: string) => ['syntax', 'schema'].includes(RULES_BY_ID.get(ruleId as never)?.category ?? '') && ruleId !== 'name-not-dns-label';
    let compared = 0;
    for (const p of parsed) {
      const local = fileLocalDiagnostics(p, config);
      assert.ok(local.every((d) => isFileLocal(d.ruleId)), p.file);
      const expected = (full.diagnostics.get(p.file) ?? []).filter((d) => own(d.ruleId));
      assert.deepEqual(local.filter((d) => own(d.ruleId)), expected, p.file);
      compared += expected.length;
    }
    assert.ok(compared >= 4, `${compared} diagnostics compared`);
  });
});
