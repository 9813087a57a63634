// `npm test`: type-check, build the bundles, then run every node:test file.
// Usage: node scripts/test.mjs [substring filter...]
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

// NODE_ENV=test turns on the checks meant for tests alone (an analysis session then
// refuses reads of a snapshot it has replaced: see docs/architecture.md).
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'test' } });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

run(process.execPath, ['node_modules/typescript/bin/tsc', '-b']);
run(process.execPath, ['esbuild.mjs']);

const filters = process.argv.slice(2);
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.js') && (!filters.length || filters.some((f) => p.includes(f)))) files.push(p);
  }
};
walk('out/test');
files.sort();
if (!files.length) {
  console.error('No test files found under out/test.');
  process.exit(1);
}
run(process.execPath, ['--test', '--test-concurrency=2', ...files]);
