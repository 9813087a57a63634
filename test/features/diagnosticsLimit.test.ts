// The editor shows at most MAX_DIAGNOSTICS per file, the most severe first, in file
// order, with a note of how many were left out (a file of 8,000 misspelt keys sent
// thousands of diagnostics on every keystroke).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Diagnostic, Severity } from '../../server/src/core/types';
import { limitDiagnostics, MAX_DIAGNOSTICS, toLspDiagnostics } from '../../server/src/features/diagnostics';
import { analyzeTexts, FLEET } from '../core/helpers';

const diag = (at: number, severity: Severity): Diagnostic => ({ ruleId: 'unknown-key', message: `d${at}`, span: { start: at, end: at + 1 }, severity, file: 'f' });

describe('diagnostics limit', () => {
  const cases: { name: string; severities: Severity[]; max: number; shown: string; hidden: number }[] = [
    { name: 'under the limit: all, in order', severities: ['hint', 'error', 'warning'], max: 3, shown: 'd0 d1 d2', hidden: 0 },
    { name: 'errors first, then warnings in file order', severities: ['warning', 'error', 'warning', 'hint', 'error', 'warning'], max: 3, shown: 'd0 d1 d4', hidden: 3 },
    { name: 'only errors fit', severities: ['error', 'warning', 'error', 'error'], max: 2, shown: 'd0 d2', hidden: 2 },
    { name: 'information before hints', severities: ['hint', 'information', 'hint'], max: 1, shown: 'd1', hidden: 2 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = limitDiagnostics(
        c.severities.map((s, i) => diag(i, s)),
        c.max,
      );
      assert.equal(r.shown.map((d) => d.message).join(' '), c.shown);
      assert.equal(r.hidden, c.hidden);
    });
  }

  it('1,500 workloads with two unknown keys each and one bad value: the error, 999 warnings and a note', () => {
    const items = Array.from({ length: 1500 }, (_, i) => `  - name: w${i}\n    os: linux\n    zzkey: 1\n    zzother: 2`).join('\n');
    const text = `version: 1\nworkloads:\n${items}\n  - name: last\n    os: linux\n    deploy: nowhere\n`;
    const { analysis, parsed } = analyzeTexts({ 'hosts.workload.yaml': FLEET, 'w.workload.yaml': text });
    const file = parsed.find((p) => p.file === 'w.workload.yaml')!;
    const all = analysis.diagnostics.get('w.workload.yaml') ?? [];
    assert.ok(all.length > 3000, `the analysis keeps them all (${all.length})`);
    const lsp = toLspDiagnostics(file, all);
    assert.equal(lsp.length, MAX_DIAGNOSTICS + 1);
    assert.ok(lsp.some((d) => d.code === 'invalid-value'), 'the error is shown');
    const note = lsp[lsp.length - 1];
    assert.equal(note.code, undefined);
    assert.match(note.message, new RegExp(`^${(all.length - MAX_DIAGNOSTICS).toLocaleString('en-US')} more problems in this file are not shown`));
  });
});
