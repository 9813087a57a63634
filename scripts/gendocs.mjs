// `npm run docs`: writes docs/rules.md, docs/format.md, docs/engine.md, the JSON Schema and
// the README's rule table from the compiled sources (run after `tsc -b`).
// `--check` writes nothing and exits 1 when a file is stale.
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { generateAll } = require('../out/server/src/docs/generate.js');
const check = process.argv.includes('--check');
const readme = readFileSync('README.md', 'utf8');
let stale = 0;
for (const f of generateAll(readme)) {
  const old = existsSync(f.path) ? readFileSync(f.path, 'utf8') : undefined;
  if (old === f.content) continue;
  stale++;
  if (check) console.error(`stale: ${f.path} (run npm run docs)`);
  else {
    mkdirSync(dirname(f.path), { recursive: true });
    writeFileSync(f.path, f.content);
    console.log(`wrote ${f.path}`);
  }
}
if (check && stale) process.exit(1);
