// Entry point of the bundled server (dist/server.js). The transport comes from the
// command line (`--stdio`, `--node-ipc`, `--socket=N`), so other editors can run
// `workload-placement-server --stdio`.

import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';

startServer(createConnection(ProposedFeatures.all));
