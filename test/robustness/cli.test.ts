// The command line on untrusted files: whatever the bytes, `check` (and `check --fix`)
// exits with 0, 1 or 2 and a message, never an internal error or a stack trace, and
// `--fix` never turns a file that parsed into one that does not.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { parseFile } from '../../server/src/core/parse';
import { applyEdit, editArb, exampleFleets } from '../incremental/support';
import { props } from '../properties';

const CLI = resolve(__dirname, '..', '..', '..', 'dist', 'cli.js');

function check(dir: string, args: string[]): { code: number | null; out: string } {
  const env = { ...process.env };
  for (const k of ['NO_COLOR', 'FORCE_COLOR', 'TERM', 'CI']) delete env[k];
  const r = spawnSync(process.execPath, [CLI, 'check', ...args], { cwd: dir, env, encoding: 'utf8', timeout: 120_000 });
  if (r.error) throw r.error;
  return { code: r.status, out: `${r.stdout}\n${r.stderr}` };
}

function clean(r: { code: number | null; out: string }, what: string): void {
  assert.ok(r.code === 0 || r.code === 1 || r.code === 2, `${what}: exit code ${r.code}`);
  assert.doesNotMatch(r.out, /internal error|\n\s+at .+:\d+:\d+/, `${what}: ${r.out.slice(0, 600)}`);
  assert.ok(r.out.trim().length > 0, `${what}: says something`);
}

const syntaxErrors = (text: string) => parseFile('f', text).findings.filter((f) => f.ruleId === 'yaml-syntax').length;

describe('the command line on untrusted files', { timeout: 300_000 }, () => {
  const dirs: string[] = [];
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const scratch = () => {
    const d = mkdtempSync(join(tmpdir(), 'wp-cli-'));
    dirs.push(d);
    return d;
  };

  it('random bytes: a clear exit, never a crash', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), (bytes) => {
        const dir = scratch();
        writeFileSync(join(dir, 'r.workload.yaml'), bytes);
        clean(check(dir, ['r.workload.yaml']), `bytes ${Buffer.from(bytes.slice(0, 40)).toString('hex')}`);
      }),
      props(8, 201),
    );
  });

  it('randomly edited examples, checked and fixed: a clear exit, and --fix keeps them parsing', () => {
    const fleets = exampleFleets();
    fc.assert(
      fc.property(fc.constantFrom(...fleets), fc.array(editArb, { minLength: 1, maxLength: 4 }), (fleet, edits) => {
        const dir = scratch();
        const names = Object.keys(fleet.files).map((n) => n.replace('/', '-'));
        Object.values(fleet.files).forEach((text, i) => {
          let t = text;
          if (i === 0) for (const e of edits) t = applyEdit(t, e);
          writeFileSync(join(dir, names[i]), t);
        });
        clean(check(dir, names), 'check');
        const before = readFileSync(join(dir, names[0]), 'utf8');
        clean(check(dir, ['--fix', ...names]), 'check --fix');
        const fixed = readFileSync(join(dir, names[0]), 'utf8');
        if (syntaxErrors(before) === 0) assert.equal(syntaxErrors(fixed), 0, '--fix broke the YAML');
      }),
      props(6, 202),
    );
  });
});
