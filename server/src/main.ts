// Entry point of the bundled server (dist/server.js). The transport comes from the
// command line (`--stdio`, `--node-ipc`, `--socket=N`), so other editors can run
// `workload-placement-server --stdio`.

import { setFlagsFromString } from 'node:v8';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';

// The server keeps one analysis alive (about 110 MB at 10,000 workloads) and replaces it
// on every keystroke, so each edit leaves the old text and results behind in the old
// generation. V8's default growth step let the heap reach four times the live size
// before collecting it (over 450 MiB after 60 edits at 10,000 workloads); a 40% step
// keeps it near 240 MiB at no measurable cost per edit (`npm run bench`). V8 reads the
// flag whenever it computes the next limit.
setFlagsFromString('--heap-growing-percent=40');

const connection = createConnection(ProposedFeatures.all);
// A promise nobody awaited must not take the server down with it (Node exits on
// unhandled rejections); log it where the user can see it instead.
process.on('unhandledRejection', (reason) => {
  connection.console.error(`Unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`);
});
startServer(connection);
