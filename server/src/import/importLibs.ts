// The libraries the import reads exports with, in a bundle of their own (dist/importLibs.js):
// the CLI requires it only when it imports, so `check` does not load 1.4 MB of exceljs.
// esbuild.mjs marks `./importLibs` external in dist/cli.js and builds this file beside it.

import * as ExcelJS from 'exceljs';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parse } = require('csv-parse/sync') as { parse: (input: string, options: Record<string, unknown>) => string[][] };

export { ExcelJS, parse as parseCsv };
