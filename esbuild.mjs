// One build for every bundle: client and server (and the CLI) for Node, the webview for
// the browser. `--production` minifies; `--watch` rebuilds on change.
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

const builds = [
  { ...common, entryPoints: { client: 'client/src/extension.ts' }, platform: 'node', format: 'cjs', target: 'node20', outdir: 'dist', external: ['vscode'] },
  // The import's libraries (exceljs, csv-parse) are a bundle of their own that the CLI
  // requires only when it imports: `check` does not load them.
  { ...common, entryPoints: { server: 'server/src/main.ts', cli: 'server/src/cli.ts' }, platform: 'node', format: 'cjs', target: 'node20', outdir: 'dist', external: ['./importLibs'] },
  { ...common, entryPoints: { importLibs: 'server/src/import/importLibs.ts' }, platform: 'node', format: 'cjs', target: 'node20', outdir: 'dist' },
  { ...common, entryPoints: { webview: 'webview/src/main.ts' }, platform: 'browser', format: 'iife', target: 'es2022', outdir: 'dist' },
];

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
  console.log('esbuild: watching');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
