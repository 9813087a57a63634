// Descriptor text is untrusted. Over random edits of the examples and generated
// fleets, random bytes and random YAML-ish soup, the core must never throw, every
// span it reports must lie inside the document, messages must not carry raw control
// characters, and every safe fix must leave YAML that parses, remove its diagnostic,
// and, applied as "fix all" until nothing is left, settle instead of oscillating.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { analyze } from '../../server/src/core/analyze';
import { defaultConfig } from '../../server/src/core/config';
import { fixFile } from '../../server/src/core/fix';
import { parseFile } from '../../server/src/core/parse';
import type { Diagnostic, Span } from '../../server/src/core/types';
import { applyEdit, editArb, exampleFleets, generatedFleets } from '../incremental/support';
import { props } from '../properties';

const config = defaultConfig();
const fleets = [...exampleFleets(), ...generatedFleets()];

function run(files: Record<string, string>) {
  const parsed = Object.entries(files).map(([f, t]) => parseFile(f, t));
  return { parsed, analysis: analyze(parsed, config) };
}

// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;

function checkSpan(s: Span, length: number, what: string): void {
  assert.ok(Number.isInteger(s.start) && Number.isInteger(s.end), `${what}: integer offsets ${JSON.stringify(s)}`);
  assert.ok(s.start >= 0 && s.start <= s.end && s.end <= length, `${what}: ${JSON.stringify(s)} outside 0..${length}`);
}

/** Runs the whole core over the files and checks what must hold for any input. */
function checkInvariants(files: Record<string, string>): ReturnType<typeof run> {
  const r = run(files);
  for (const p of r.parsed) {
    const n = p.text.length;
    const diags = r.analysis.diagnostics.get(p.file) ?? [];
    for (const d of [...p.findings, ...diags]) {
      checkSpan(d.span, n, `${d.ruleId} span`);
      assert.ok(d.message.length > 0 && !RAW_CONTROL.test(d.message), `${d.ruleId} message is plain text: ${JSON.stringify(d.message)}`);
      for (const fix of d.fixes ?? []) for (const e of fix.edits) checkSpan(e.span, n, `${d.ruleId} fix edit`);
    }
    for (const w of p.workloads) checkSpan(w.span, n, 'workload span');
    for (const h of p.hosts) checkSpan(h.span, n, 'host span');
  }
  for (const rec of r.analysis.recommendations.values()) for (const f of rec.factors) checkSpan(f.span, Math.max(...r.parsed.map((p) => p.text.length)), 'factor span');
  return r;
}

const syntaxErrors = (ds: readonly Diagnostic[]) => ds.filter((d) => d.ruleId === 'yaml-syntax').length;
const count = (ds: readonly Diagnostic[], d: Diagnostic) => ds.filter((x) => x.ruleId === d.ruleId && x.message === d.message).length;

/**
 * Each safe fix, as the fix path applies it (core/fix.ts: owned and verified; a fix it
 * refuses is not offered): the text still parses, and its diagnostic is gone.
 */
function checkSafeFixes(files: Record<string, string>, file: string, limit: number): void {
  const parsedBefore = parseFile(file, files[file]);
  const before = run(files).analysis.diagnostics.get(file) ?? [];
  const reparse = (t: string) => parseFile(file, t).findings;
  let tried = 0;
  for (const d of before) {
    if (!(d.fixes ?? []).some((f) => f.safe)) continue;
    if (tried++ >= limit) return;
    const r = fixFile(files[file], [d], parsedBefore.findings, reparse);
    if (r.text === files[file]) continue;
    const title = r.applied[0].fix.title;
    const after = checkInvariants({ ...files, [file]: r.text }).analysis.diagnostics.get(file) ?? [];
    if (syntaxErrors(before) === 0) assert.equal(syntaxErrors(after), 0, `"${title}" for ${d.ruleId} broke the YAML`);
    assert.ok(count(after, d) < count(before, d), `"${title}" did not remove ${d.ruleId}: ${d.message}`);
  }
}

/** One round of "fix all": the core's one fix path (choose, own, verify). */
function fixAllOnce(text: string, diags: readonly Diagnostic[]): string {
  const reparse = (t: string) => parseFile('fix.workload.yaml', t).findings;
  return fixFile(text, diags, reparse(text), reparse).text;
}

/** "Fix all" repeated: settles within a few rounds, and is then a no-op. */
function checkFixAllSettles(files: Record<string, string>, file: string): void {
  let text = files[file];
  const parsesAtStart = syntaxErrors(run(files).analysis.diagnostics.get(file) ?? []) === 0;
  for (let round = 0; round < 6; round++) {
    const diags = checkInvariants({ ...files, [file]: text }).analysis.diagnostics.get(file) ?? [];
    if (parsesAtStart) assert.equal(syntaxErrors(diags), 0, `fix-all round ${round} broke the YAML`);
    const next = fixAllOnce(text, diags);
    if (next === text) return;
    text = next;
  }
  assert.fail(`fix-all did not settle in 6 rounds for ${file}`);
}

describe('robustness properties of the core', { timeout: 300_000 }, () => {
  it('random edits of the examples and generated fleets: no throw, spans inside, plain messages', () => {
    const targets = fleets.flatMap((f) => Object.keys(f.files).map((t) => ({ files: f.files, target: t })));
    fc.assert(
      fc.property(fc.constantFrom(...targets), fc.array(editArb, { minLength: 1, maxLength: 8 }), ({ files, target }, edits) => {
        let text = files[target];
        for (const e of edits) text = applyEdit(text, e);
        checkInvariants({ ...files, [target]: text });
      }),
      props(100, 101),
    );
  });

  it('random bytes, read as UTF-8 and as Latin-1: no throw, spans inside', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.boolean(), (bytes, utf8) => {
        const text = Buffer.from(bytes).toString(utf8 ? 'utf8' : 'latin1');
        checkInvariants({ 'bytes.workload.yaml': text });
      }),
      props(200, 102),
    );
  });

  it('random bytes spliced into an example: no throw, spans inside', () => {
    const [fleet] = exampleFleets();
    const [name, text] = Object.entries(fleet.files)[0];
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.uint8Array({ minLength: 1, maxLength: 40 }), (at, bytes) => {
        const i = Math.floor(at * text.length);
        checkInvariants({ ...fleet.files, [name]: text.slice(0, i) + Buffer.from(bytes).toString('latin1') + text.slice(i) });
      }),
      props(100, 103),
    );
  });

  it('random unicode strings, including lone surrogates: no throw, spans inside', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
        checkInvariants({ 'u.workload.yaml': s });
        checkInvariants({ 'u.workload.yaml': `version: 1\nworkloads:\n  - name: ${s}\n    os: linux\n` });
      }),
      props(200, 104),
    );
  });

  for (const fleet of fleets) {
    for (const file of Object.keys(fleet.files)) {
      it(`every safe fix in ${file} (${fleet.name}) parses and removes its diagnostic`, () => checkSafeFixes(fleet.files, file, 25));
      it(`fix-all on ${file} (${fleet.name}) settles`, () => checkFixAllSettles(fleet.files, file));
    }
  }

  it('safe fixes on randomly edited examples parse, remove their diagnostic, and fix-all settles', () => {
    const targets = fleets.flatMap((f) => Object.keys(f.files).map((t) => ({ files: f.files, target: t })));
    fc.assert(
      fc.property(fc.constantFrom(...targets), fc.array(editArb, { minLength: 1, maxLength: 3 }), ({ files, target }, edits) => {
        let text = files[target];
        for (const e of edits) text = applyEdit(text, e);
        const edited = { ...files, [target]: text };
        checkSafeFixes(edited, target, 6);
        checkFixAllSettles(edited, target);
      }),
      props(25, 105),
    );
  });
});
