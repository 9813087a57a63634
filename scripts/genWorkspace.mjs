// Writes the generated multi-file workspace of bench/workspace.ts into a folder: the
// corpus of the bench's CLI row (issue #13), for measuring `check` by hand.
// Usage: node scripts/genWorkspace.mjs <dir> [--files 100] [--per-file 1000] [--seed 42]
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as esbuild from 'esbuild';

const ROOT = join(import.meta.dirname, '..');
const argv = process.argv.slice(2);
const opt = (name) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : undefined);
const dir = argv[0];
if (!dir || dir.startsWith('--')) {
  console.error('Usage: node scripts/genWorkspace.mjs <dir> [--files 100] [--per-file 1000] [--seed 42]');
  process.exit(2);
}
mkdirSync(join(ROOT, 'out', 'bench'), { recursive: true });
const outfile = join(ROOT, 'out', 'bench', 'workspace.cjs');
await esbuild.build({ entryPoints: [join(ROOT, 'bench', 'workspace.ts')], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
const { writeWorkspace } = createRequire(import.meta.url)(outfile);
const ws = writeWorkspace(dir, { files: opt('--files'), perFile: opt('--per-file'), seed: opt('--seed') });
console.log(`${ws.files.length} files, ${ws.hosts.toLocaleString('en-US')} hosts, ${ws.workloads.toLocaleString('en-US')} workloads, ${(ws.chars / 1e6).toFixed(1)} MB in ${dir}`);
