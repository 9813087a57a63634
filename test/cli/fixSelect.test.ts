// Choosing and applying `--fix` edits (cli/fix.ts): one fix per diagnostic, conflicting
// fixes deferred, and the one-pass application equal to the core's applyEdits.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { applyAll, chooseFixes } from '../../server/src/cli/fix';
import { applyEdits } from '../../server/src/core/edits';
import type { Diagnostic, Fix, TextEdit } from '../../server/src/core/types';

const edit = (start: number, end: number, newText: string): TextEdit => ({ span: { start, end }, newText });
const diag = (...fixes: Fix[]): Diagnostic => ({ ruleId: 'unknown-key', message: 'm', span: { start: 0, end: 1 }, severity: 'warning', file: 'f', fixes });
const fix = (safe: boolean, preferred: boolean, ...edits: TextEdit[]): Fix => ({ title: 't', safe, preferred, edits });

describe('chooseFixes', () => {
  it('takes the preferred safe fix, never an unsafe one', () => {
    const r = chooseFixes([diag(fix(false, true, edit(0, 1, 'x')), fix(true, false, edit(2, 3, 'y')), fix(true, true, edit(4, 5, 'z'))), diag(fix(false, true, edit(8, 9, 'u')))]);
    assert.deepEqual(r.edits, [edit(4, 5, 'z')]);
    assert.equal(r.fixes, 1);
  });

  it('defers a fix that overlaps or inserts at the same place as a chosen one', () => {
    const r = chooseFixes([diag(fix(true, true, edit(5, 10, 'a'))), diag(fix(true, true, edit(8, 12, 'b'))), diag(fix(true, true, edit(20, 20, 'c'))), diag(fix(true, true, edit(20, 20, 'd'))), diag(fix(true, true, edit(10, 11, 'e')))]);
    assert.deepEqual(r.edits, [edit(5, 10, 'a'), edit(20, 20, 'c'), edit(10, 11, 'e')]);
  });
});

describe('applyAll', () => {
  it('matches applyEdits on non-overlapping edits', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), fc.array(fc.tuple(fc.nat(60), fc.nat(5), fc.string({ maxLength: 4 })), { maxLength: 8 }), (text, raw) => {
        // Build sorted, disjoint edits within the text.
        const edits: TextEdit[] = [];
        let at = 0;
        for (const [gap, len, t] of raw) {
          const start = Math.min(text.length, at + (gap % 7));
          const end = Math.min(text.length, start + len);
          if (edits.length && start === edits[edits.length - 1].span.start) continue;
          edits.push(edit(start, end, t));
          at = end + 1;
          if (at > text.length) break;
        }
        const shuffled = [...edits].reverse();
        assert.equal(applyAll(text, shuffled), applyEdits(text, edits));
      }),
    );
  });
});
