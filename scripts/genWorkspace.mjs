// Writes the generated multi-file workspace (`generateWorkspace` in bench/generate.ts, the
// corpus of the bench's estate rows, issue #13) into a folder, for measuring `check` or the
// editor by hand.
// Usage: node scripts/genWorkspace.mjs <dir> [--files 100] [--per-file 1000] [--seed 42]
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as esbuild from 'esbuild';

const ROOT = join(import.meta.dirname, '..');
const argv = process.argv.slice(2);
const opt = (name, dflt) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : dflt);
const dir = argv[0];
if (!dir || dir.startsWith('--')) {
  console.error('Usage: node scripts/genWorkspace.mjs <dir> [--files 100] [--per-file 1000] [--seed 42]');
  process.exit(2);
}
mkdirSync(join(ROOT, 'out', 'bench'), { recursive: true });
const outfile = join(ROOT, 'out', 'bench', 'generate.cjs');
await esbuild.build({ entryPoints: [join(ROOT, 'bench', 'generate.ts')], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
const { generateWorkspace } = createRequire(import.meta.url)(outfile);
const ws = generateWorkspace({ files: opt('--files', 100), perFile: opt('--per-file', 1000), seed: opt('--seed', 42) });
mkdirSync(dir, { recursive: true });
let chars = 0;
for (const [name, text] of ws.files) {
  writeFileSync(join(dir, name), text);
  chars += text.length;
}
console.log(`${ws.files.size} files, ${ws.hosts.toLocaleString('en-US')} hosts, ${ws.workloads.toLocaleString('en-US')} workloads, ${(chars / 1e6).toFixed(1)} MB in ${dir}`);
