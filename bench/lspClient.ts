// A JSON-RPC client for a language server over stdio, for measuring: it spawns the
// server, answers its requests the way an editor would, takes pushed diagnostics as
// events (no polling) and pulls them when the server offers it.

import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createMessageConnection, type MessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type * as P from 'vscode-languageserver-protocol';

export interface ServerSpec {
  name: string;
  /** Node script and its arguments. */
  script: string;
  args: string[];
  /** Answer to `workspace/configuration`, by section. */
  settings: Record<string, unknown>;
  /** Sent as `workspace/didChangeConfiguration` after `initialized`. */
  pushSettings?: unknown;
  initializationOptions?: unknown;
  /** Announce pull diagnostics (the server then may choose pull). */
  pull: boolean;
}

type Waiter = { uri: string; test: (p: P.PublishDiagnosticsParams) => boolean; resolve: (p: P.PublishDiagnosticsParams) => void };

export class LspClient {
  readonly conn: MessageConnection;
  readonly child: ChildProcess;
  capabilities: P.ServerCapabilities = {};
  stderr = '';
  exited = false;
  private waiters: Waiter[] = [];
  /** The last pushed diagnostics per document. */
  readonly published = new Map<string, P.PublishDiagnosticsParams>();
  readonly notifications = new Map<string, number>();

  constructor(readonly spec: ServerSpec) {
    // BENCH_SERVER_NODE_OPTIONS (e.g. `--cpu-prof`) goes to the server's node, for profiles.
    const nodeArgs = process.env.BENCH_SERVER_NODE_OPTIONS?.split(' ').filter(Boolean) ?? [];
    this.child = spawn(process.execPath, [...nodeArgs, spec.script, ...spec.args], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr!.on('data', (d: Buffer) => {
      if (this.stderr.length < 100_000) this.stderr += d.toString();
    });
    this.conn = createMessageConnection(new StreamMessageReader(this.child.stdout!), new StreamMessageWriter(this.child.stdin!));
    // A server that dies must not leave requests waiting forever: disposing rejects them.
    this.child.on('exit', () => {
      this.exited = true;
      this.conn.dispose();
    });
    this.conn.onRequest('workspace/configuration', (params: P.ConfigurationParams) => params.items.map((i) => (i.section ? (this.spec.settings[i.section] ?? null) : null)));
    this.conn.onRequest('client/registerCapability', () => null);
    this.conn.onRequest('client/unregisterCapability', () => null);
    this.conn.onRequest('window/workDoneProgress/create', () => null);
    this.conn.onRequest('workspace/diagnostic/refresh', () => null);
    this.conn.onRequest('workspace/codeLens/refresh', () => null);
    this.conn.onRequest('workspace/semanticTokens/refresh', () => null);
    this.conn.onRequest('workspace/inlayHint/refresh', () => null);
    this.conn.onRequest('workspace/workspaceFolders', () => []);
    this.conn.onRequest('window/showMessageRequest', () => null);
    this.conn.onNotification('textDocument/publishDiagnostics', (p: P.PublishDiagnosticsParams) => {
      this.published.set(p.uri, p);
      const keep: Waiter[] = [];
      for (const w of this.waiters) {
        if (w.uri === p.uri && w.test(p)) w.resolve(p);
        else keep.push(w);
      }
      this.waiters = keep;
    });
    this.conn.onUnhandledNotification((n) => this.notifications.set(n.method, (this.notifications.get(n.method) ?? 0) + 1));
    this.conn.listen();
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Whether diagnostics are pulled from this server (else they are pushed). */
  get pulls(): boolean {
    return this.spec.pull && !!this.capabilities.diagnosticProvider;
  }

  async initialize(rootUri: string | null): Promise<void> {
    const caps: P.ClientCapabilities = {
      textDocument: {
        synchronization: { dynamicRegistration: false, didSave: false },
        publishDiagnostics: { relatedInformation: false, versionSupport: true },
        ...(this.spec.pull ? { diagnostic: { dynamicRegistration: false, relatedDocumentSupport: false } } : {}),
        hover: { contentFormat: ['markdown', 'plaintext'] },
        completion: { completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'] } },
      },
      workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: false }, workspaceFolders: false, diagnostics: { refreshSupport: true } },
      window: { workDoneProgress: false },
    };
    const res = await this.conn.sendRequest<P.InitializeResult>('initialize', {
      processId: process.pid,
      rootUri,
      capabilities: caps,
      initializationOptions: this.spec.initializationOptions,
      workspaceFolders: null,
    } satisfies P.InitializeParams);
    this.capabilities = res.capabilities;
    await this.conn.sendNotification('initialized', {});
    if (this.spec.pushSettings !== undefined) await this.conn.sendNotification('workspace/didChangeConfiguration', { settings: this.spec.pushSettings });
  }

  /** Resolves with the next push for `uri` that passes `test`. */
  nextPublish(uri: string, test: (p: P.PublishDiagnosticsParams) => boolean): Promise<P.PublishDiagnosticsParams> {
    return new Promise((resolve) => this.waiters.push({ uri, test, resolve }));
  }

  async open(uri: string, text: string, languageId = 'yaml'): Promise<void> {
    await this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } } satisfies P.DidOpenTextDocumentParams);
  }

  async close(uri: string): Promise<void> {
    await this.conn.sendNotification('textDocument/didClose', { textDocument: { uri } } satisfies P.DidCloseTextDocumentParams);
  }

  /** Replaces the whole text (as editors do when a file changes on disk). */
  async replace(uri: string, version: number, text: string): Promise<void> {
    await this.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] } satisfies P.DidChangeTextDocumentParams);
  }

  async watchedFiles(changes: P.FileEvent[]): Promise<void> {
    await this.conn.sendNotification('workspace/didChangeWatchedFiles', { changes } satisfies P.DidChangeWatchedFilesParams);
  }

  async change(uri: string, version: number, range: P.Range, text: string): Promise<void> {
    await this.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ range, text }],
    } satisfies P.DidChangeTextDocumentParams);
  }

  /** Pulls diagnostics (servers that offer it). */
  async pull(uri: string): Promise<P.Diagnostic[]> {
    const r = await this.conn.sendRequest<P.DocumentDiagnosticReport>('textDocument/diagnostic', { textDocument: { uri } } satisfies P.DocumentDiagnosticParams);
    return r.kind === 'full' ? r.items : [];
  }

  hover(uri: string, position: P.Position): Promise<P.Hover | null> {
    return this.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position } satisfies P.HoverParams);
  }

  completion(uri: string, position: P.Position): Promise<P.CompletionList | P.CompletionItem[] | null> {
    return this.conn.sendRequest('textDocument/completion', { textDocument: { uri }, position } satisfies P.CompletionParams);
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.conn.sendRequest(method, params);
  }

  /** CPU time the server has used so far, all its threads, in ms (Linux: schedstat); undefined elsewhere. */
  cpuMs(): number | undefined {
    try {
      let ns = 0;
      for (const task of readdirSync(`/proc/${this.pid}/task`)) ns += Number(readFileSync(`/proc/${this.pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
      return ns / 1e6;
    } catch {
      return undefined;
    }
  }

  /** Peak resident set size so far, in bytes (Linux: VmHWM). */
  peakRss(): number | undefined {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
      return m ? Number(m[1]) * 1024 : undefined;
    } catch {
      return undefined;
    }
  }

  async stop(): Promise<void> {
    const exited = new Promise<void>((r) => (this.exited ? r() : this.child.once('exit', () => r())));
    try {
      // A child already killed (or dying) gets no shutdown: writing to its closed stdin would fail.
      if (!this.exited && !this.child.killed && this.child.exitCode === null && this.child.signalCode === null) {
        await withTimeout(this.conn.sendRequest('shutdown'), 5000);
        await this.conn.sendNotification('exit');
      }
    } catch {
      // A server that does not shut down in time is killed below.
    }
    const killed = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killed);
    this.conn.dispose();
  }
}

/** Rejects when `p` takes longer than `ms`. */
export function withTimeout<T>(p: Promise<T>, ms: number, what = 'operation'): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    }),
  ]);
}
