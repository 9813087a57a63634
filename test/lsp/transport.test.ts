// The server's entry point takes its transport from the command line, so other
// editors can run `workload-placement-server --stdio`; VS Code uses node IPC.

import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createMessageConnection, IPCMessageReader, IPCMessageWriter, type MessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver-protocol/node';
import type * as P from 'vscode-languageserver-protocol';
import { ROOT, SERVER } from './helpers';

const transports: { name: string; start: () => { child: ChildProcess; conn: MessageConnection } }[] = [
  {
    name: 'bin/workload-placement-server --stdio',
    start: () => {
      const child = spawn(process.execPath, [join(ROOT, 'bin', 'workload-placement-server.js'), '--stdio'], { stdio: 'pipe' });
      return { child, conn: createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!)) };
    },
  },
  {
    name: 'dist/server.js --node-ipc',
    start: () => {
      const child = spawn(process.execPath, [SERVER, '--node-ipc'], { stdio: ['pipe', 'pipe', 'pipe', 'ipc'] });
      return { child, conn: createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child)) };
    },
  },
];

describe('transports', { timeout: 60_000 }, () => {
  for (const t of transports) {
    it(`${t.name}: initialize, hover on an open document, shutdown, exit 0`, async () => {
      const { child, conn } = t.start();
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      conn.listen();
      try {
        const init = await conn.sendRequest<P.InitializeResult>('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
        assert.equal(init.serverInfo?.name, 'workload-placement');
        await conn.sendNotification('initialized', {});
        const uri = 'untitled:one.workload.yaml';
        const text = 'version: 1\nworkloads:\n  - name: api\n    os: linux\n    architecture: microservice\n';
        await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'workload-descriptor', version: 1, text } });
        const hover = await conn.sendRequest<P.Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 11 } });
        assert.match((hover!.contents as P.MarkupContent).value, /api.*→/);
        await conn.sendRequest('shutdown');
        await conn.sendNotification('exit');
        assert.equal(await exited, 0);
      } finally {
        conn.dispose();
        if (child.exitCode === null) child.kill();
      }
    });
  }
});

describe('a broken message stream', { timeout: 60_000 }, () => {
  const initialize = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });
  const cases: { name: string; bytes: string }[] = [
    { name: 'a Content-Length that is not a number', bytes: `Content-Length: abc\r\n\r\n${initialize}` },
    { name: 'a header without Content-Length', bytes: `Content-Type: application/vscode-jsonrpc\r\n\r\n${initialize}` },
    { name: 'a Content-Length shorter than the body', bytes: `Content-Length: 7\r\n\r\n${initialize}` },
    { name: 'a body that is not JSON', bytes: `Content-Length: 9\r\n\r\n{"jsonrpc` },
  ];
  for (const c of cases) {
    it(`${c.name}: the server says so on stderr and exits instead of hanging`, async () => {
      const child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: 'pipe' });
      let stderr = '';
      child.stderr!.on('data', (d) => (stderr += String(d)));
      child.stdout!.resume();
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      child.stdin!.write(c.bytes);
      // A well-formed request after the damage: the old server took neither.
      child.stdin!.write(`Content-Length: ${Buffer.byteLength(initialize)}\r\n\r\n${initialize}`);
      const timeout = new Promise<'hung'>((r) => setTimeout(() => r('hung'), 10_000).unref());
      const code = await Promise.race([exited, timeout]);
      if (code === 'hung') child.kill();
      assert.notEqual(code, 'hung', `the server neither answered nor exited; stderr: ${stderr}`);
      assert.equal(code, 1);
      assert.match(stderr, /message stream .*broken/i);
    });
  }
});

describe('a broken message stream over a socket', { timeout: 60_000 }, () => {
  it('--socket=N: a Content-Length that is not a number ends the server with a message', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    server.on('connection', (socket) => socket.write('Content-Length: abc\r\n\r\n{}'));
    const child = spawn(process.execPath, [SERVER, `--socket=${port}`], { stdio: 'pipe' });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += String(d)));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const timeout = new Promise<'hung'>((r) => setTimeout(() => r('hung'), 10_000).unref());
    const code = await Promise.race([exited, timeout]);
    if (code === 'hung') child.kill();
    server.close();
    assert.equal(code, 1, `stderr: ${stderr}`);
    assert.match(stderr, /message stream .*broken/i);
  });
});
