// `npm run examples`: the main job on the bundled examples. Each folder under examples/ is
// its own fleet: check it (every diagnostic and every workload's verdict with its reasons),
// then draw its host layout into examples-out/<name>.html and .svg.
// The examples contain deliberate mistakes, so `check` finding errors is expected here;
// this script fails only when the CLI cannot run (exit code 2) or a layout is not written.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const cli = join('bin', 'workload-placement.js');
const build = spawnSync(process.execPath, ['esbuild.mjs'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

mkdirSync('examples-out', { recursive: true });
let failed = false;
for (const name of readdirSync('examples').sort()) {
  const dir = join('examples', name);
  if (!statSync(dir).isDirectory()) continue;
  console.log(`\n━━ ${name} ${'━'.repeat(Math.max(0, 70 - name.length))}`);
  const check = spawnSync(process.execPath, [cli, 'check', dir], { stdio: 'inherit' });
  if (check.status === 2 || check.status === null) failed = true;
  for (const ext of ['html', 'svg']) {
    const out = join('examples-out', `${name}.${ext}`);
    const layout = spawnSync(process.execPath, [cli, 'layout', dir, '--out', out], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (layout.status !== 0 || !existsSync(out)) {
      console.error(`layout of ${name} was not written (exit ${layout.status})`);
      failed = true;
    } else console.log(`layout: ${out}`);
  }
}
process.exit(failed ? 1 : 0);
