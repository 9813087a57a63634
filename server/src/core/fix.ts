// The one fix path: which fixes "fix all" (code actions) and `check --fix` apply, how
// their edits are applied, and the proof that the result is safe.
//
// 1. Choose (`chooseFixes`): the preferred safe fix of each diagnostic. A fix whose edits
//    are the same as a chosen one's is that fix (one de-duplication); a fix with an edit
//    that overlaps a chosen edit or starts where one starts is deferred (one conflict rule).
// 2. Own (`ownEdit`): an edit may change only text its node owns in the source. Never an
//    alias (`*name`, whose spans the tree gives every node it expands to), never a block
//    scalar's indicator or the line after it (its span ends past its last line break);
//    a block scalar's one content line is edited in place. New text takes the file's
//    line ending.
// 3. Verify (`verifyFixes`): the chosen fixes applied together, the result re-parsed;
//    for every rule, the result has no more findings than the text had minus the ones
//    the fixes clear, no new error, and no fixed finding left where the edits moved it
//    (so it still parses, clears its findings and adds no error). When the whole set
//    fails, halves are tried (bisection), so only the failing set costs more than one
//    parse; a fix that fails alone is skipped with the reason.
// The applier (`applyEdits`) is one pass over the sorted edits.

import { eolOf } from './edits';
import { parseManifestFile } from './manifests/read';
import { upperBound } from './text';
import { PieceCache, parseFile } from './parse';
import { RULES_BY_ID } from './rules';
import type { Chars } from './sourceText';
import type { Finding, Fix, ManifestFile, ParsedFile, Span, TextEdit } from './types';

/** The fix "fix all" and `--fix` apply for a finding: its preferred safe fix, else its first. */
export function safeFixOf(f: Finding): Fix | undefined {
  const fixes = (f.fixes ?? []).filter((x) => x.safe && x.edits.length);
  return fixes.find((x) => x.preferred) ?? fixes[0];
}

/** Two edits conflict when they overlap or start at the same place (two inserts there have no order). */
export function conflicts(a: Span, b: Span): boolean {
  return (a.start < b.end && b.start < a.end) || a.start === b.start;
}

/** Applies edits in one pass (sorted by position); an edit that conflicts with an earlier one is dropped. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  const parts: string[] = [];
  let at = 0;
  let lastStart = -1;
  for (const e of sorted) {
    if (e.span.start < at || e.span.start === lastStart) continue;
    parts.push(text.slice(at, e.span.start), e.newText);
    at = e.span.end;
    lastStart = e.span.start;
  }
  parts.push(text.slice(at));
  return parts.join('');
}

// ---------------------------------------------------------------------------------------
// Ownership

const isBreak = (c: string) => c === '\n' || c === '\r';
const isBlank = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r';

function lineStartOf(text: Chars, offset: number): number {
  let i = offset;
  while (i > 0 && !isBreak(text.charAt(i - 1))) i--;
  return i;
}

function lineEndOf(text: Chars, offset: number): number {
  let i = offset;
  while (i < text.length && !isBreak(text.charAt(i))) i++;
  return i;
}

function sliceOf(text: Chars, start: number, end: number): string {
  let out = '';
  for (let i = start; i < end; i++) out += text.charAt(i);
  return out;
}

/** Text before `offset` on its line, without a trailing comment and spaces. */
function codeBefore(text: Chars, offset: number): string {
  const line = sliceOf(text, lineStartOf(text, offset), offset);
  return line.replace(/(^|\s)#.*$/, '').trimEnd();
}

const ENDS_WITH_ALIAS = /(?:^|[\s,[{:-])\*[^\s,[\]{}]+$/;

/** Where a block scalar's content is, when `start` is its indicator (`|`, `>-`…) and it has one content line. */
function blockContent(text: Chars, start: number, end: number): Span | string {
  const headerEnd = lineEndOf(text, start);
  let s = headerEnd;
  while (s < end && isBlank(text.charAt(s))) s++;
  let e = end;
  while (e > s && isBlank(text.charAt(e - 1))) e--;
  if (s >= e) return 'the block scalar is empty';
  for (let i = s; i < e; i++) if (isBreak(text.charAt(i))) return 'the value is a block scalar over several lines';
  return { start: s, end: e };
}

/**
 * The edit as it may be applied, or why it may not: it must change only text that its
 * node owns (see the file comment). New text gets the file's line ending.
 */
export function ownEdit(text: Chars, edit: TextEdit, eol = eolOf(text)): TextEdit | string {
  let { start, end } = edit.span;
  let newText = edit.newText;
  if (start < 0 || end > text.length || start > end) return 'the edit is outside the text';
  const first = text.charAt(start);
  if (eol === '\r\n') newText = newText.replace(/\r?\n/g, '\r\n');
  else newText = newText.replace(/\r\n/g, '\n');
  if (start < end) {
    if (first === '*') return `it would overwrite the alias \`${sliceOf(text, start, Math.min(end, start + 40)).trim()}\` (fix the anchored original instead)`;
    if (first === '&' || first === '!') return 'it would overwrite an anchor or a tag';
    if (first === '|' || first === '>') {
      if (/[\r\n]/.test(newText)) return 'the value is a block scalar';
      const content = blockContent(text, start, end);
      if (typeof content === 'string') return content;
      return { span: content, newText };
    }
    // A node's span may run past its last line break (to the next line): never eat it.
    while (end > start && isBlank(text.charAt(end - 1))) end--;
    if (end === start) return 'the edit replaces only blank space';
    return { span: { start, end }, newText };
  }
  // An insertion: not into an alias, nor onto the line of one (it would extend the alias).
  if (first === '*' || ENDS_WITH_ALIAS.test(codeBefore(text, start))) return 'it would add to an alias (fix the anchored original instead)';
  return { span: { start, end }, newText };
}

/** Every edit of a fix owned, or the first reason one is not. */
export function ownFix(text: Chars, fix: Fix, eol = eolOf(text)): TextEdit[] | string {
  const out: TextEdit[] = [];
  for (const e of fix.edits) {
    const owned = ownEdit(text, e, eol);
    if (typeof owned === 'string') return owned;
    out.push(owned);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Choosing

export interface ChosenFix {
  fix: Fix;
  /** The edits as they will be applied (owned, line endings kept). */
  edits: TextEdit[];
  /** The findings this fix clears (more than one when several report the same fix). */
  findings: Finding[];
}

export interface SkippedFix {
  finding: Finding;
  fix: Fix;
  reason: string;
}

export interface Choice {
  chosen: ChosenFix[];
  /** Fixes that may not be applied, with why. */
  skipped: SkippedFix[];
  /** Fixes that conflict with a chosen one: the next round (on the fixed text) may apply them. */
  deferred: number;
}

const editsKey = (edits: readonly TextEdit[]) => edits.map((e) => `${e.span.start}:${e.span.end}:${e.newText}`).join('\u0000');

/**
 * The safe fixes to apply to one file in one round. `each` runs the loop (the server
 * runs it in slices); it defaults to a plain loop.
 */
export async function chooseFixesAsync(text: Chars, findings: readonly Finding[], each: <T>(items: readonly T[], fn: (t: T) => void) => Promise<void> | void = plainEach): Promise<Choice> {
  const state = newChoice();
  const eol = eolOf(text);
  await each(findings, (f) => takeFix(text, eol, f, state));
  return finish(state);
}

export function chooseFixes(text: Chars, findings: readonly Finding[]): Choice {
  const state = newChoice();
  const eol = eolOf(text);
  for (const f of findings) takeFix(text, eol, f, state);
  return finish(state);
}

function plainEach<T>(items: readonly T[], fn: (t: T) => void): void {
  items.forEach((t) => fn(t));
}

interface ChoiceState {
  choice: Choice;
  byKey: Map<string, ChosenFix>;
  /** Chosen edit spans, sorted by start, for the conflict test. */
  spans: Span[];
}

function newChoice(): ChoiceState {
  return { choice: { chosen: [], skipped: [], deferred: 0 }, byKey: new Map(), spans: [] };
}

function finish(state: ChoiceState): Choice {
  return state.choice;
}

function takeFix(text: Chars, eol: string, f: Finding, state: ChoiceState): void {
  const fix = safeFixOf(f);
  if (!fix) return;
  const owned = ownFix(text, fix, eol);
  if (typeof owned === 'string') {
    state.choice.skipped.push({ finding: f, fix, reason: owned });
    return;
  }
  const key = editsKey(owned);
  const same = state.byKey.get(key);
  if (same) {
    same.findings.push(f);
    return;
  }
  if (owned.some((e) => conflictsWithAny(state.spans, e.span))) {
    state.choice.deferred++;
    return;
  }
  const chosen: ChosenFix = { fix, edits: owned, findings: [f] };
  state.byKey.set(key, chosen);
  state.choice.chosen.push(chosen);
  for (const e of owned) insertSorted(state.spans, e.span);
}

function lowerBound(spans: readonly Span[], start: number): number {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (spans[mid].start < start) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function conflictsWithAny(spans: readonly Span[], s: Span): boolean {
  // Chosen spans never conflict with each other, so they are disjoint and sorted by
  // start and by end alike: only the neighbours around `s.start` can conflict.
  const i = lowerBound(spans, s.start);
  for (let j = Math.max(0, i - 1); j < spans.length && spans[j].start <= s.end; j++) if (conflicts(spans[j], s)) return true;
  return false;
}

function insertSorted(spans: Span[], s: Span): void {
  spans.splice(lowerBound(spans, s.start), 0, s);
}

// ---------------------------------------------------------------------------------------
// Verifying

/** Re-parses a text and returns its findings (the core's `parseFile(...).findings`). */
export type Reparse = (text: string) => readonly Finding[];

/**
 * A Reparse for one file through a piece cache of its own: the first text costs a whole
 * parse, each later one (the fixed text, a bisection's halves) only the pieces that
 * changed. Each result is read before the next parse, as the cache's contract wants.
 */
export function reparser(file: string, keep?: { parsed?: ParsedFile }, manifest: boolean | ManifestFile = false): Reparse {
  const m = typeof manifest === 'object' ? manifest : undefined;
  const cache = new PieceCache();
  return (text) => {
    // A manifest (Kubernetes or Compose) is read whole, by its own reader.
    // A Compose file reads its project's other files as its first parse did.
    const parsed = manifest ? parseManifestFile(file, text, m?.read, m?.format === 'compose') : parseFile(file, text, cache);
    // The last parse may be kept (the cache is not used after it): `--fix` reuses it.
    if (keep) keep.parsed = parsed;
    return parsed.findings;
  };
}

export interface Verified {
  /** The text with the verified fixes applied. */
  text: string;
  applied: ChosenFix[];
  /** Fixes dropped because the result would not parse, keep their finding or add one. */
  rejected: SkippedFix[];
  /** Fixes not verified within the budget of re-parses: the next round may take them. */
  deferred: number;
  /** How many re-parses verification took. */
  parses: number;
}

export interface VerifyOptions {
  /** At most this many re-parses (bisection of a failing set); the rest are deferred. */
  maxParses?: number;
}

function isError(f: Finding): boolean {
  return (f.severity ?? RULES_BY_ID.get(f.ruleId)?.defaultSeverity) === 'error';
}

function countByRule(findings: readonly Finding[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const f of findings) m.set(f.ruleId, (m.get(f.ruleId) ?? 0) + 1);
  return m;
}

const findingKey = (f: Finding) => `${f.ruleId}\u0000${f.span.start}\u0000${f.span.end}\u0000${f.message}`;

/** Where an offset of the text is after the edits (an offset inside a replaced range stays at its start). */
function positionMap(edits: readonly TextEdit[]): (offset: number) => number {
  const sorted = [...edits].sort((a, b) => a.span.start - b.span.start);
  const ends: number[] = [];
  const shift: number[] = [];
  let total = 0;
  for (const e of sorted) {
    total += e.newText.length - (e.span.end - e.span.start);
    ends.push(e.span.end);
    shift.push(total);
  }
  return (offset) => {
    // The edits that end at or before the offset (inserts there included) move it.
    const lo = upperBound(ends, offset);
    return offset + (lo ? shift[lo - 1] : 0);
  };
}

/**
 * Applies the chosen fixes to `text` and keeps only what can be shown safe: `before` are
 * the text's own findings from `reparse` (a parse's findings, for the editor the cached
 * parse's). A set of fixes is accepted when, for every rule, the result has at most the
 * findings the text had less those the set clears (the parse-level findings among the
 * fixes' findings), and no error the text did not have. The whole set costs one re-parse;
 * a failing set is halved until the fixes that fail alone are found.
 */
export function verifyFixes(text: string, chosen: readonly ChosenFix[], before: readonly Finding[], reparse: Reparse, opts: VerifyOptions = {}): Verified {
  const maxParses = opts.maxParses ?? 64;
  const beforeCount = countByRule(before);
  const beforeErrors = countByRule(before.filter(isError));
  // Which of a fix's findings the parse reports (the others come from the analysis of the fleet).
  const beforeKeys = new Set(before.map(findingKey));
  const beforeMessages = new Set(before.map((b) => `${b.ruleId}\u0000${b.message}`));
  const parseLevel = new Map<ChosenFix, Map<string, number>>();
  const ownFindings = new Map<ChosenFix, Finding[]>();
  for (const c of chosen) {
    const m = new Map<string, number>();
    const own: Finding[] = [];
    for (const f of c.findings) {
      if (!beforeKeys.has(findingKey(f))) continue;
      m.set(f.ruleId, (m.get(f.ruleId) ?? 0) + 1);
      own.push(f);
    }
    parseLevel.set(c, m);
    ownFindings.set(c, own);
  }
  let parses = 0;
  const rejected: SkippedFix[] = [];
  let deferred = 0;

  /** Undefined when the set is safe, else why not. */
  const check = (set: readonly ChosenFix[]): string | undefined => {
    parses++;
    const after = reparse(applyEdits(text, set.flatMap((c) => c.edits)));
    const cleared = new Map<string, number>();
    for (const c of set) for (const [r, n] of parseLevel.get(c)!) cleared.set(r, (cleared.get(r) ?? 0) + n);
    const afterCount = countByRule(after);
    const afterErrors = countByRule(after.filter(isError));
    for (const [rule, n] of afterCount) {
      const allowed = (beforeCount.get(rule) ?? 0) - (cleared.get(rule) ?? 0);
      const errorsAllowed = beforeErrors.get(rule) ?? 0;
      if (n > allowed || (afterErrors.get(rule) ?? 0) > errorsAllowed) {
        const extra = after.find((f) => f.ruleId === rule && !beforeMessages.has(`${rule}\u0000${f.message}`));
        if (rule === 'yaml-syntax') return `the result would not parse${extra ? ` (${extra.message})` : ''}`;
        if (extra) return `the result would add ${rule}: ${extra.message}`;
        return (cleared.get(rule) ?? 0) > 0 ? `it would not clear its ${rule} finding` : `the result would add ${rule}`;
      }
    }
    for (const [rule, n] of cleared) {
      if ((afterCount.get(rule) ?? 0) > (beforeCount.get(rule) ?? 0) - n) return `it would not clear its ${rule} finding`;
    }
    // Counts alone can be fooled (a fix that fails while an edit to an anchor clears an
    // alias's finding): each fixed finding must be gone from where the edits moved it.
    // (Counted per place: two findings may share one, such as each document's missing `version`.)
    const moved = positionMap(set.flatMap((c) => c.edits));
    const at = (f: Finding, start: number) => `${f.ruleId}@${start}`;
    const places = new Map<string, number>();
    for (const c of set) for (const f of ownFindings.get(c)!) places.set(at(f, moved(f.span.start)), 0);
    if (!places.size) return undefined;
    const left = new Map(places);
    for (const f of before) {
      const k = at(f, moved(f.span.start));
      if (left.has(k)) left.set(k, left.get(k)! + 1);
    }
    for (const c of set) for (const f of ownFindings.get(c)!) {
      const k = at(f, moved(f.span.start));
      left.set(k, left.get(k)! - 1);
    }
    for (const f of after) {
      const k = at(f, f.span.start);
      if (!places.has(k)) continue;
      places.set(k, places.get(k)! + 1);
      if (places.get(k)! > left.get(k)!) return `it would not clear its ${f.ruleId} finding`;
    }
    return undefined;
  };

  const accept = (base: readonly ChosenFix[], cands: readonly ChosenFix[]): ChosenFix[] => {
    if (!cands.length) return [];
    if (parses >= maxParses) {
      deferred += cands.length;
      return [];
    }
    const why = check([...base, ...cands]);
    if (why === undefined) return [...cands];
    if (cands.length === 1) {
      rejected.push({ finding: cands[0].findings[0], fix: cands[0].fix, reason: why });
      return [];
    }
    const mid = cands.length >> 1;
    const left = accept(base, cands.slice(0, mid));
    const right = accept([...base, ...left], cands.slice(mid));
    return [...left, ...right];
  };

  const applied = accept([], chosen);
  return { text: applied.length ? applyEdits(text, applied.flatMap((c) => c.edits)) : text, applied, rejected, deferred, parses };
}

/** Choose, own and verify: the fixes of one file in one round, as "fix all" and `--fix` apply them. */
export interface FileFixes {
  text: string;
  /** The edits of the applied fixes, against the original text, sorted. */
  edits: TextEdit[];
  applied: ChosenFix[];
  skipped: SkippedFix[];
  deferred: number;
}

export function fixFile(text: string, findings: readonly Finding[], before: readonly Finding[], reparse: Reparse, opts?: VerifyOptions): FileFixes {
  return verifyChoice(text, chooseFixes(text, findings), before, reparse, opts);
}

export function verifyChoice(text: string, choice: Choice, before: readonly Finding[], reparse: Reparse, opts?: VerifyOptions): FileFixes {
  if (!choice.chosen.length) return { text, edits: [], applied: [], skipped: choice.skipped, deferred: choice.deferred };
  const v = verifyFixes(text, choice.chosen, before, reparse, opts);
  const edits = v.applied.flatMap((c) => c.edits).sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  return { text: v.text, edits, applied: v.applied, skipped: [...choice.skipped, ...v.rejected], deferred: choice.deferred + v.deferred };
}
