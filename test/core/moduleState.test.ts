// The core keeps no state between calls in module variables: incremental state belongs
// to an AnalysisSession (docs/architecture.md, "The analysis session"). This scans the
// core's sources for module-level `let`/`var` and collections made at module level, and
// fails on any not listed here with the reason it may stay.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = join(__dirname, '..', '..', '..');
const CORE = join(ROOT, 'server', 'src', 'core');

/** file:name → why it may stay. */
const ALLOWED: Record<string, string> = {
  // Counters that make ids unique (the parser's and the source text's): no state a result depends on.
  'parse.ts:generation': 'id counter',
  'parse.ts:parseIds': 'id counter',
  'sourceText.ts:nextId': 'id counter',
  // Derived once from constant tables, never changed.
  'validate.ts:fieldMaps': 'cache of a pure function of constant field tables',
  'validate.ts:requiredCounts': 'cache of a pure function of constant field tables',
  'validate.ts:cpuResults': 'bounded cache of a pure function (parseCpu) whose results are never written to',
  'validate.ts:memoryResults': 'bounded cache of a pure function (parseMemory) whose results are never written to',
  'recommend.ts:UNIX_OSES': 'constant',
  'recommend.ts:DOC': 'constant',
  'config.ts:LEVELS': 'constant',
  'rules.ts:RULES_BY_ID': 'constant',
  'placement/findings.ts:REPORTED_ELSEWHERE': 'constant',
  'configSchema.ts:EDITOR_ONLY': 'constant',
  'local.ts:LOCAL': 'constant',
  'local.ts:NEEDS_FLEET': 'constant',
  'configSchema.ts:cached': 'cache of a pure function of the constant settings table',
  // Fixed-size tables of equal strings (not caught by the scan, listed for the record).
  'fastYaml.ts:KEY_RAW': 'cache of key strings: which equal string holds a key changes no result',
  'fastYaml.ts:KEY_VALUE': 'cache of key strings: which equal string holds a key changes no result',
  'fastYaml.ts:VALUE_RAW': 'cache of plain scalars: which equal string holds a value changes no result',
  'fastYaml.ts:VALUE_VALUE': 'cache of plain scalars: which equal string holds a value changes no result',
  'parse.ts:NO_ANCHORS': 'constant (an empty map, never written)',
  'fastYaml.ts:NO_ANCHORS': 'constant (an empty map, never written: a reader makes its own at its first anchor)',
  // Scratch rows of the edit distance: their contents never outlive one call.
  'text.ts:rowA': 'scratch buffer',
  'text.ts:rowB': 'scratch buffer',
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('core module state', () => {
  it('no module-level mutable state outside the allowed list', () => {
    const found: string[] = [];
    for (const file of sources(CORE)) {
      const rel = relative(CORE, file).split('\\').join('/');
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        const m = /^(?:export )?(?:(?:let|var) (\w+)|const (\w+)(?::[^=]+)? = new (?:Map|WeakMap|Set|WeakSet)\b)/.exec(line);
        if (!m) continue;
        const key = `${rel}:${m[1] ?? m[2]}`;
        if (!(key in ALLOWED)) found.push(`${key}: ${line.trim()}`);
      }
    }
    assert.deepEqual(found, [], 'module-level state in the core: move it into the AnalysisSession (or the object it belongs to)');
  });
});
