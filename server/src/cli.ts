// Entry of the command line (bundled to dist/cli.js, run by bin/workload-placement.js).

import { main } from './cli/main';

// A closed pipe (`... | head`) is not an error worth a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`workload-placement: internal error: ${String(e)}\n`);
    process.exitCode = 2;
  },
);
