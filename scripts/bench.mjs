// `npm run bench`: builds the server bundle and the benchmark, then runs bench/main.ts
// (our server and Red Hat's yaml-language-server side by side; see that file).
// Arguments are passed on, e.g. `npm run bench -- --sizes 100,1000 --quick`.
import { spawnSync } from 'node:child_process';
import * as esbuild from 'esbuild';

const run = (args) => {
  const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

run(['esbuild.mjs']);
await esbuild.build({
  entryPoints: ['bench/main.ts'],
  outfile: 'out/bench/bench.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
});
run(['--enable-source-maps', '--max-old-space-size=4096', 'out/bench/bench.cjs', ...process.argv.slice(2)]);
