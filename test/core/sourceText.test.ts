// SourceText must read exactly like the string it stands for, whatever edits built it,
// and know what changed since the versions it was edited from.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type Change, SourceText } from '../../server/src/core/sourceText';
import { props } from '../properties';

/** An edit at fractions of the text's length, so that it fits any text. */
const editArb = fc.record({
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  len: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 6, max: 400 })),
  insert: fc.oneof(fc.constantFrom('', 'x', '\n', '\r\n', 'ab\ncd', 'é'), fc.string({ maxLength: 300 })),
});

function apply(s: string, start: number, end: number, insert: string): string {
  return s.slice(0, start) + insert + s.slice(end);
}

/** The texts agree outside the change, as `Change` promises. */
function assertChange(older: string, newer: string, c: Change): void {
  assert.ok(0 <= c.start && c.start <= c.oldEnd && c.oldEnd <= older.length && c.start <= c.newEnd && c.newEnd <= newer.length, JSON.stringify(c));
  assert.equal(newer.length - c.newEnd, older.length - c.oldEnd, 'the same tail length');
  assert.equal(newer.slice(0, c.start), older.slice(0, c.start), 'the same head');
  assert.equal(newer.slice(c.newEnd), older.slice(c.oldEnd), 'the same tail');
}

describe('SourceText', () => {
  const base = Array.from({ length: 300 }, (_, i) => `line ${i}: ${'abc'.repeat(i % 7)}`).join('\n');

  it('reads like the string after random edits: slices, characters, searches', () => {
    fc.assert(
      fc.property(fc.array(editArb, { minLength: 1, maxLength: 120 }), fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 5, maxLength: 5 }), (edits, probes) => {
        let s = base;
        let t = SourceText.of(base);
        for (const e of edits) {
          const start = Math.floor(e.at * (s.length + 1));
          const end = Math.min(s.length, start + e.len);
          s = apply(s, start, end, e.insert);
          t = t.edit(start, end, e.insert);
          assert.equal(t.length, s.length);
        }
        for (const [a, b] of probes) {
          const i = a % (s.length + 2);
          const j = b % (s.length + 2);
          assert.equal(t.slice(Math.min(i, j), Math.max(i, j)), s.slice(Math.min(i, j), Math.max(i, j)));
          assert.equal(t.charAt(i), s.charAt(i));
          assert.deepEqual(t.charCodeAt(i), s.charCodeAt(i));
          for (const needle of ['\n', 'line 1', 'c\nl', 'x', '\r\n', 'no such text']) assert.equal(t.indexOf(needle, i), s.indexOf(needle, i), `indexOf ${JSON.stringify(needle)} from ${i}`);
          assert.equal(t.lastIndexOfChar('\n', i), i < 0 ? -1 : s.lastIndexOf('\n', i));
        }
        assert.equal(t.text, s);
      }),
      props(60, 42),
    );
  });

  it('knows what changed since each of its recent ancestors', () => {
    fc.assert(
      fc.property(fc.array(editArb, { minLength: 1, maxLength: 16 }), (edits) => {
        const versions: { s: string; t: SourceText }[] = [{ s: base, t: SourceText.of(base) }];
        for (const e of edits) {
          const { s, t } = versions[versions.length - 1];
          const start = Math.floor(e.at * (s.length + 1));
          const end = Math.min(s.length, start + e.len);
          versions.push({ s: apply(s, start, end, e.insert), t: t.edit(start, end, e.insert) });
        }
        const last = versions[versions.length - 1];
        for (const v of versions) {
          const c = last.t.changeSince(v.t);
          assert.ok(c, 'a recent ancestor is known');
          assertChange(v.s, last.s, c);
        }
      }),
      props(100, 7),
    );
  });

  it('forgets ancestors past its history, and unrelated texts', () => {
    const first = SourceText.of('abc');
    let t = first;
    for (let i = 0; i < 40; i++) t = t.edit(0, 0, 'x');
    assert.equal(t.changeSince(first), undefined);
    assert.equal(t.changeSince(SourceText.of(t.slice(0))), undefined);
    assert.deepEqual(t.changeSince(t), { start: t.length, oldEnd: t.length, newEnd: t.length });
  });

  it('an edit and a range read do not read the whole text; `text` does, once per call', () => {
    const t = SourceText.of(base);
    const u = t.edit(100, 101, 'x').edit(5000, 5000, 'yy');
    assert.equal(u.slice(90, 110), apply(base, 100, 101, 'x').slice(90, 110));
    assert.equal(u.indexOf('\n', 4990), apply(apply(base, 100, 101, 'x'), 5000, 5000, 'yy').indexOf('\n', 4990));
    assert.equal(t.wholeReads + u.wholeReads, 0);
    assert.equal(u.text, apply(apply(base, 100, 101, 'x'), 5000, 5000, 'yy'));
    assert.equal(u.wholeReads, 1);
    assert.equal(t.wholeReads, 0, 'the older version is untouched');
  });
});
