// Quick in-process measure of the editor's hot path: a one-character edit at 10,000
// workloads, parsed with the piece cache and analysed from the session's latest
// analysis (as the language server runs it). Seconds, not minutes.
// Usage: node scripts/benchEdit.mjs [--workloads N] [--edits N] [--files F] [--plain] [--compare DIR] [--layout] [--check-failure]
// `--files F` spreads the workloads over F files and a file of hosts (bench/generate.ts,
// `generateWorkspace`) and edits the middle one; `--plain` edits a description (which
// placement does not read) instead of an `os:` value.
// `--layout` also builds each analysis's layout (as the server does while a client shows it);
// `--check-failure` turns the opt-in host-failure check on.
// `--compare DIR` measures another checkout's core (DIR, e.g. a `git worktree` of main)
// in the same process, edit for edit alternating with this one, so both see the same load.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';

const ROOT = join(import.meta.dirname, '..');
const argv = process.argv.slice(2);
const opt = (name, dflt) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : dflt);
const n = Number(opt('--workloads', '10000'));
const edits = Number(opt('--edits', '60'));
const compare = opt('--compare', undefined);
const withLayout = argv.includes('--layout');
const checkFailure = argv.includes('--check-failure');
const fileCount = Number(opt('--files', '0'));
const plain = argv.includes('--plain');

async function load(root, name) {
  mkdirSync(join(ROOT, 'out', 'bench'), { recursive: true });
  const outfile = join(ROOT, 'out', 'bench', `${name}.cjs`);
  await esbuild.build({
    stdin: {
      contents: `
        export { generate, generateWorkspace } from './bench/generate';
        export { parseFile, PieceCache } from './server/src/core/parse';
        export * as analyzeModule from './server/src/core/analyze';
        export { defaultConfig } from './server/src/core/config';
        export { SourceText } from './server/src/core/sourceText';
      `,
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile,
    logLevel: 'error',
  });
  return createRequire(import.meta.url)(outfile);
}

/** A workspace of one generated file, edited one character at a time. */
function editor(core) {
  let gen;
  let name = 'bench.workload.yaml';
  const others = [];
  if (fileCount) {
    const ws = core.generateWorkspace({ files: fileCount, perFile: Math.round(n / fileCount), seed: 7 });
    const names = [...ws.parts.keys()];
    name = names[names.length >> 1];
    gen = ws.parts.get(name);
    for (const [other, text] of ws.files) if (other !== name) others.push(core.parseFile(other, text));
  } else gen = core.generate({ workloads: n, seed: 7 });
  const mid = gen.osValues.length >> 1;
  let at = -1;
  for (let k = 0; k < gen.osValues.length && at < 0; k++) if (gen.text.startsWith('linux\n', gen.osValues[(mid + k) % gen.osValues.length])) at = gen.osValues[(mid + k) % gen.osValues.length];
  // A description's last character instead (at - 4 + the cut below).
  if (plain) at = gen.text.indexOf('\n', gen.text.indexOf('    description: ')) - 5;
  const config = core.defaultConfig();
  config.placement.checkHostFailure = checkFailure;
  const A = core.analyzeModule;
  // The session when there is one, else the older `analyze(files, config, previous)`.
  const session = A.AnalysisSession ? new A.AnalysisSession() : undefined;
  let analysis;
  const run = (files) => (analysis = session ? session.update([...others, ...files], config) : A.analyze([...others, ...files], config, analysis));
  const cache = new core.PieceCache();
  let cur = core.SourceText.of(gen.text);
  run([core.parseFile(name, cur, cache)]);
  let i = 0;
  return () => {
    const cut = at + 4;
    cur = i++ % 2 === 0 ? cur.edit(cut, cut + 1, '') : cur.edit(cut, cut, plain ? gen.text[cut] : 'x');
    if (process.env.BENCH_EDIT_MARK) console.log(`-- edit ${i}`);
    const t = performance.now();
    run([core.parseFile(name, cur, cache)]);
    if (withLayout) void analysis.layout;
    return performance.now() - t;
  };
}

const sides = [{ name: 'this', edit: editor(await load(ROOT, 'editCore')), xs: [] }];
if (compare) sides.push({ name: compare, edit: editor(await load(resolve(compare), 'editCoreCompare')), xs: [] });
for (let i = 0; i < edits; i++) for (const s of sides) s.xs.push(s.edit());
for (const s of sides) {
  const typing = s.xs.slice(10).sort((a, b) => a - b);
  const q = (p) => typing[Math.min(typing.length - 1, Math.floor(p * typing.length))].toFixed(1);
  console.log(`${s.name}: the first 10 edits after opening: ${s.xs.slice(0, 10).map((x) => x.toFixed(0)).join(', ')} ms`);
  console.log(`${s.name}: ${n} workloads${fileCount ? ` in ${fileCount} files and one of hosts` : ''}, ${plain ? 'a description' : 'an os: value'} edited, edit → diagnostics (parse + analyze${withLayout ? ' + layout' : ''}${checkFailure ? ', host-failure check on' : ''}), ${typing.length} edits after 10 warm-up: median ${q(0.5)} ms, p90 ${q(0.9)} ms, min ${q(0)} ms`);
}
