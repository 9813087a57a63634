// Entry point of the bundled server (dist/server.js). The transport comes from the
// command line (`--stdio`, `--node-ipc`, `--socket=N`, `--pipe=name`), so other editors can run
// `workload-placement-server --stdio`.

import { setFlagsFromString } from 'node:v8';
import { format } from 'node:util';
import {
  type Connection,
  createConnection,
  createServerPipeTransport,
  createServerSocketTransport,
  type Message,
  type MessageReader,
  type MessageWriter,
  ProposedFeatures,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver/node';
import { startServer } from './server';

// The server keeps one analysis alive (about 110 MB at 10,000 workloads) and replaces it
// on every keystroke, so each edit leaves the old text and results behind in the old
// generation. V8's default growth step let the heap reach four times the live size
// before collecting it (over 450 MiB after 60 edits at 10,000 workloads); a 40% step
// keeps it near 240 MiB at no measurable cost per edit (`npm run bench`). V8 reads the
// flag whenever it computes the next limit.
setFlagsFromString('--heap-growing-percent=40');

const transport = streamTransport(process.argv.slice(2));
const connection = transport ? watchedConnection(transport) : createConnection(ProposedFeatures.all);
// A promise nobody awaited must not take the server down with it (Node exits on
// unhandled rejections); log it where the user can see it instead.
process.on('unhandledRejection', (reason) => {
  connection.console.error(`Unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`);
});
startServer(connection);

type StreamTransport = { kind: 'stdio' } | { kind: 'socket'; port: number } | { kind: 'pipe'; name: string };

/** The stream transport the command line asks for, read as the library reads it; undefined for node IPC (no framing). */
function streamTransport(argv: readonly string[]): StreamTransport | undefined {
  for (let i = 0; i < argv.length; i++) {
    const [flag, value = argv[i + 1]] = argv[i].split(/=(.*)/s);
    if (flag === '--node-ipc') return undefined;
    if (flag === '--stdio') return { kind: 'stdio' };
    if (flag === '--socket') {
      const port = Number.parseInt(value ?? '', 10);
      return port ? { kind: 'socket', port } : undefined;
    }
    if (flag === '--pipe') return value ? { kind: 'pipe', name: value } : undefined;
  }
  return undefined;
}

/**
 * A stream transport (stdio, socket, pipe) with a reader we can watch. The library's
 * reader reports a framing error (a Content-Length that is missing or not a number, a
 * body that is not JSON) and carries on reading from a stream it can no longer make
 * sense of: the server stayed alive and never answered again. A broken stream cannot be
 * resynchronised, so the server says why on stderr and exits (code 1); the editor's
 * client restarts it. A message left incomplete for a minute is treated the same way.
 */
function watchedConnection(t: StreamTransport): Connection {
  let reader: MessageReader;
  let writer: MessageWriter;
  if (t.kind === 'stdio') [reader, writer] = [new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout)];
  else if (t.kind === 'socket') [reader, writer] = createServerSocketTransport(t.port);
  else [reader, writer] = createServerPipeTransport(t.name);
  let shutdown = false;
  const broken = (why: string) => {
    process.stderr.write(`workload-placement-server: the message stream from the client is broken (${why}); exiting.\n`);
    process.exit(1);
  };
  reader.onError((e) => broken(e.message.split('\n')[0]));
  const partial = new Map<number, number>();
  reader.onPartialMessage((info) => {
    const waited = (partial.get(info.messageToken) ?? 0) + info.waitingTime;
    partial.set(info.messageToken, waited);
    if (waited >= 60_000) broken(`a message still incomplete after ${waited / 1000} s`);
  });
  const watched: MessageReader = {
    onError: reader.onError,
    onClose: reader.onClose,
    onPartialMessage: reader.onPartialMessage,
    listen: (callback) =>
      reader.listen((m: Message) => {
        if ((m as { method?: string }).method === 'shutdown') shutdown = true;
        callback(m);
      }),
    dispose: () => reader.dispose(),
  };
  if (t.kind === 'stdio') {
    // Passing our own reader skips the library's stdio set-up: exit when the client
    // closes the stream (0 after a shutdown request), and keep console output off stdout.
    for (const event of ['end', 'close'] as const) process.stdin.on(event, () => process.exit(shutdown ? 0 : 1));
    const toStderr = (...args: unknown[]) => void process.stderr.write(`${format(...args)}\n`);
    console.log = console.info = console.debug = console.warn = toStderr;
  }
  return createConnection(ProposedFeatures.all, watched, writer);
}
