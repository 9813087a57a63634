// The test tiers.
//   npm test             type-check, build the bundles, then every node:test file.
//   npm run test:fast    type-check, then the core and the in-process feature tests
//                        (no bundles, no server, no browser): seconds, while you work.
// Usage: node scripts/test.mjs [--fast] [substring filter...]
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

// NODE_ENV=test turns on the checks meant for tests alone (an analysis session then
// refuses reads of a snapshot it has replaced: see docs/architecture.md).
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'test' } });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

/**
 * The fast tier: tests that call the core and the feature functions in process. A test
 * belongs here when it needs neither `dist/` nor a child process and takes well under a
 * second a file; the tier as a whole stays under 30 s on a 2-core machine.
 */
const FAST = ['out/test/core/', 'out/test/features/', 'out/test/import/', 'out/test/export/', 'out/test/placement/engine.test.js', 'out/test/placement/fleet.test.js'];

const args = process.argv.slice(2);
const fast = args.includes('--fast');
const filters = args.filter((a) => a !== '--fast');

run(process.execPath, ['node_modules/typescript/bin/tsc', '-b']);
if (!fast) run(process.execPath, ['esbuild.mjs']);

const hasSource = (js) => existsSync(js.replace(/^out[\\/]/, '').replace(/\.js$/, '.ts'));
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    // A compiled test whose source was deleted stays in out/ (tsc does not remove it): skip it.
    else if (name.endsWith('.test.js') && hasSource(p) && (!fast || FAST.some((f) => p.startsWith(f))) && (!filters.length || filters.some((f) => p.includes(f)))) files.push(p);
  }
};
walk('out/test');
files.sort();
if (!files.length) {
  console.error('No test files found under out/test.');
  process.exit(1);
}
run(process.execPath, ['--test', '--test-concurrency=2', ...files]);
