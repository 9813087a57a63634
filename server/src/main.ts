// Entry point of the bundled server (dist/server.js). The transport comes from the
// command line (`--stdio`, `--node-ipc`, `--socket=N`), so other editors can run
// `workload-placement-server --stdio`.

import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';

const connection = createConnection(ProposedFeatures.all);
// A promise nobody awaited must not take the server down with it (Node exits on
// unhandled rejections); log it where the user can see it instead.
process.on('unhandledRejection', (reason) => {
  connection.console.error(`Unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`);
});
startServer(connection);
