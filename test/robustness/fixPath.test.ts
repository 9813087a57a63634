// The one fix path, as a property: over generated and mutated documents (random edits,
// and the shapes that used to corrupt files: aliases and anchors, block scalars, `---`
// and directives, CRLF, misspelt keys guessing one field), every fix the path offers
// - "fix all" and each diagnostic's fix alone - leaves a text that
//   1. parses (no yaml-syntax finding the text did not have),
//   2. clears its finding,
//   3. adds no error (no rule has more error findings in the parse than before),
//   4. and applied a second time changes nothing.
// Fixed seed; PROPERTY_SCALE and PROPERTY_SEED make a longer run with other seeds
// (test/properties.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { analyze } from '../../server/src/core/analyze';
import { defaultConfig } from '../../server/src/core/config';
import { fixFile } from '../../server/src/core/fix';
import { parseFile } from '../../server/src/core/parse';
import { RULES_BY_ID } from '../../server/src/core/rules';
import type { Diagnostic, Finding } from '../../server/src/core/types';
import { applyEdit, editArb, exampleFleets, generatedFleets } from '../incremental/support';
import { props } from '../properties';

const config = defaultConfig();
const fleets = [...exampleFleets(), ...generatedFleets()];
const targets = fleets.flatMap((f) => Object.keys(f.files).map((t) => ({ files: f.files, target: t })));

/** Rewrites that produce the shapes of issue #14, applied at a place chosen by `at`. */
const TRAPS: ((text: string, at: number) => string)[] = [
  // An anchored workload and an alias of it at the end of the list.
  (t) => {
    const m = /^( *)- name: /m.exec(t.slice(t.indexOf('workloads:')));
    if (!m || t.indexOf('workloads:') < 0) return t;
    const i = t.indexOf('workloads:') + m.index;
    return `${t.slice(0, i)}${m[1]}- &anch\n${m[1]}  name: ${t.slice(i + m[0].length)}${t.endsWith('\n') ? '' : '\n'}${m[1]}- *anch\n`;
  },
  // A flow mapping with misspellings, anchored and aliased.
  (t) => `${t}${t.endsWith('\n') ? '' : '\n'}${t.includes('workloads:') ? '' : 'workloads:\n'}  - &fl {name: fl-a, os: linux, deploy: contianer, replicaz: 2, host: esx-0l}\n  - *fl\n`,
  // A value turned into a block scalar (folded, stripped; or kept, clipped).
  (t, at) => t.replace(/^( +)(deploy|os|host|isolation): (\S+)$/m, (_, ind: string, k: string, v: string) => `${ind}${k}: ${['>-', '|-', '>', '|'][at % 4]}\n${ind}  ${v.replace(/a/, 'e')}`),
  // The version line removed, behind `---` or a directive.
  (t, at) => `${['---\n', '%YAML 1.2\n---\n', '# c\n---\n', ''][at % 4]}${t.replace(/^version: 1\r?\n/m, '')}`,
  // CRLF line endings.
  (t) => t.replace(/\r?\n/g, '\r\n'),
  // Two misspellings of one key in one workload.
  (t) => t.replace(/^( +)os: (\w+)$/m, (_, ind: string, v: string) => `${ind}os: ${v}\n${ind}replicaz: 2\n${ind}replicass: 3`),
  // A misspelt deploy value.
  (t) => t.replace(/deploy: container\b/, 'deploy: contianer'),
];

const reparse = (file: string) => (text: string) => parseFile(file, text).findings;

function diagnosticsOf(files: Record<string, string>, file: string): { findings: readonly Finding[]; diags: readonly Diagnostic[] } {
  const parsed = Object.entries(files).map(([f, t]) => parseFile(f, t));
  const analysis = analyze(parsed, config);
  return { findings: parsed.find((p) => p.file === file)!.findings, diags: analysis.diagnostics.get(file) ?? [] };
}

const isError = (f: Finding) => (f.severity ?? RULES_BY_ID.get(f.ruleId)?.defaultSeverity) === 'error';
const countOf = (fs: readonly Finding[], pred: (f: Finding) => boolean) => fs.filter(pred).length;

function checkResult(before: readonly Finding[], after: readonly Finding[], what: string): void {
  const rules = new Set(after.map((f) => f.ruleId));
  assert.ok(countOf(after, (f) => f.ruleId === 'yaml-syntax') <= countOf(before, (f) => f.ruleId === 'yaml-syntax'), `${what}: the result does not parse`);
  for (const r of rules) {
    const a = countOf(after, (f) => f.ruleId === r && isError(f));
    const b = countOf(before, (f) => f.ruleId === r && isError(f));
    assert.ok(a <= b, `${what}: adds a ${r} error (${b} → ${a}): ${after.find((f) => f.ruleId === r)?.message}`);
  }
}

/** Every fix the path offers on this document, alone and all together. */
function checkDocument(files: Record<string, string>, file: string, pick: number): void {
  const text = files[file];
  const { findings, diags } = diagnosticsOf(files, file);

  // Each diagnostic's fix alone (a few per document, chosen by `pick`).
  const fixable = diags.filter((d) => d.fixes?.some((f) => f.safe));
  for (let k = 0; k < Math.min(4, fixable.length); k++) {
    const d = fixable[(pick + k * 7) % fixable.length];
    const r = fixFile(text, [d], findings, reparse(file));
    if (r.text === text) continue; // Not offered: refused (owned or verified), and said why.
    const what = `"${r.applied[0].fix.title}" for ${d.ruleId} (${d.message})`;
    const after = diagnosticsOf({ ...files, [file]: r.text }, file);
    checkResult(findings, after.findings, what);
    const same = (x: Finding) => x.ruleId === d.ruleId && x.message === d.message;
    assert.ok(countOf(after.diags, same) < countOf(diags, same), `${what}: does not clear its finding`);
    // A second application: the same fix again (the same finding with a fix at the place
    // the first one wrote) changes nothing.
    const wrote: [number, number][] = [];
    let shift = 0;
    for (const e of r.edits) {
      const at = e.span.start + shift;
      wrote.push([at, at + e.newText.length]);
      shift += e.newText.length - (e.span.end - e.span.start);
    }
    const again = after.diags.filter((x) => same(x) && (x.fixes ?? []).some((f) => f.safe && f.edits.some((e) => wrote.some(([a, b]) => e.span.start >= a && e.span.start <= b))));
    assert.equal(fixFile(r.text, again, after.findings, reparse(file)).text, r.text, `${what}: a second application changes the text`);
  }

  // "Fix all", round after round: every round keeps the properties, and it settles.
  let cur = text;
  let cur$ = { findings, diags };
  for (let round = 0; ; round++) {
    const r = fixFile(cur, cur$.diags, cur$.findings, reparse(file));
    if (r.text === cur) break;
    assert.ok(round < 6, `fix-all did not settle on ${file}`);
    const next = diagnosticsOf({ ...files, [file]: r.text }, file);
    checkResult(cur$.findings, next.findings, `fix-all round ${round}`);
    for (const c of r.applied) for (const f of c.findings) {
      const same = (x: Finding) => x.ruleId === f.ruleId && x.message === f.message;
      assert.ok(countOf(next.diags, same) < countOf(cur$.diags, same) || countOf(cur$.diags, same) > 1, `fix-all round ${round}: "${c.fix.title}" does not clear ${f.ruleId}`);
    }
    // Line endings kept: a CRLF file gets no bare LF.
    if (/\r\n/.test(text) && !/(^|[^\r])\n/.test(text)) assert.ok(!/(^|[^\r])\n/.test(r.text), 'a bare LF in a CRLF file');
    cur = r.text;
    cur$ = next;
  }
}

describe('the one fix path, as a property', { timeout: 600_000 }, () => {
  it("every offered fix on generated and mutated documents", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...targets),
        fc.array(fc.nat(TRAPS.length - 1), { maxLength: 3 }),
        fc.array(editArb, { maxLength: 2 }),
        fc.nat(1000),
        ({ files, target }, traps, edits, pick) => {
          let text = files[target];
          for (const t of traps) text = TRAPS[t](text, pick);
          for (const e of edits) text = applyEdit(text, e);
          checkDocument({ ...files, [target]: text }, target, pick);
        },
      ),
      props(60, 1410, { includeErrorInReport: true }),
    );
  });

  it('each trap alone, on every example', () => {
    for (const { files, target } of targets) {
      for (let t = 0; t < TRAPS.length; t++) for (let at = 0; at < 4; at++) checkDocument({ ...files, [target]: TRAPS[t](files[target], at) }, target, at);
    }
  });
});
