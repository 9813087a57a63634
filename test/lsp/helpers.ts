// A real protocol client for the bundled server: spawns `dist/server.js --stdio` and
// talks JSON-RPC over the child's stdio, answering the server's own requests
// (configuration, registrations, refreshes) the way an editor would.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, type MessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver-protocol/node';
import type * as P from 'vscode-languageserver-protocol';

export const ROOT = resolve(__dirname, '..', '..', '..');
export const SERVER = join(ROOT, 'dist', 'server.js');

/** Polls `probe` until it returns something truthy, failing after `ms`. */
export async function waitFor<T>(probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, what: string, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The position of `|` in `needle`, where `needle` without the bar occurs in `text`. */
export function at(text: string, needle: string, nth = 0): P.Position {
  const bar = needle.indexOf('|');
  if (bar < 0) throw new Error(`no | in ${needle}`);
  const plain = needle.slice(0, bar) + needle.slice(bar + 1);
  let idx = -1;
  for (let i = 0; i <= nth; i++) {
    idx = text.indexOf(plain, idx + 1);
    if (idx < 0) throw new Error(`'${plain}' not found`);
  }
  return positionAt(text, idx + bar);
}

export function positionAt(text: string, offset: number): P.Position {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

export function offsetAt(text: string, pos: P.Position): number {
  let off = 0;
  for (let l = 0; l < pos.line; l++) {
    const nl = text.indexOf('\n', off);
    if (nl < 0) return text.length;
    off = nl + 1;
  }
  return off + pos.character;
}

/** Applies LSP text edits (non-overlapping) to a text, last first. */
export function applyTextEdits(text: string, edits: readonly P.TextEdit[]): string {
  const withOffsets = edits.map((e, i) => ({ s: offsetAt(text, e.range.start), e: offsetAt(text, e.range.end), t: e.newText, i }));
  withOffsets.sort((a, b) => b.s - a.s || b.i - a.i);
  let out = text;
  for (const x of withOffsets) out = out.slice(0, x.s) + x.t + out.slice(x.e);
  return out;
}

export interface ClientOptions {
  /** Files written to the workspace folder before start. */
  files?: Record<string, string>;
  /** Pull diagnostics (default) or push only. */
  pull?: boolean;
  /** What `workspace/configuration` answers for `workloadPlacement`. */
  settings?: Record<string, unknown>;
  snippets?: boolean;
  documentChanges?: boolean;
  /** Markdown in hovers and completion docs (default true). */
  markdown?: boolean;
  /** Runs on the workspace folder after the files are written, before the server starts. */
  setup?: (dir: string) => void;
  /** Server-to-client requests this client answers with an error (a hostile editor). */
  failRequests?: string[];
  /** Registrations of this method are answered once `until` settles (the server's first analysis waits for them). */
  holdRegistration?: { method: string; until: Promise<void> };
}

export function capabilities(o: ClientOptions): P.ClientCapabilities {
  return {
    textDocument: {
      synchronization: { dynamicRegistration: false },
      ...(o.pull === false ? { publishDiagnostics: { relatedInformation: false } } : { diagnostic: { dynamicRegistration: false, relatedDocumentSupport: false } }),
      hover: { contentFormat: o.markdown === false ? ['plaintext'] : ['markdown', 'plaintext'] },
      completion: {
        completionItem: { snippetSupport: o.snippets !== false, documentationFormat: ['markdown', 'plaintext'], insertTextModeSupport: { valueSet: [1, 2] } },
      },
      documentSymbol: { hierarchicalDocumentSymbolSupport: true },
      rename: { prepareSupport: true },
      codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'refactor', 'source'] } }, isPreferredSupport: true, dataSupport: true },
      codeLens: {},
    },
    workspace: {
      configuration: true,
      workspaceFolders: true,
      diagnostics: { refreshSupport: true },
      codeLens: { refreshSupport: true },
      workspaceEdit: { documentChanges: o.documentChanges !== false },
      didChangeWatchedFiles: { dynamicRegistration: true },
      didChangeConfiguration: { dynamicRegistration: true },
    },
    window: { showDocument: { support: true } },
  };
}

export class TestClient {
  readonly conn: MessageConnection;
  readonly published = new Map<string, P.PublishDiagnosticsParams>();
  readonly messages: P.ShowMessageParams[] = [];
  readonly shownDocuments: P.ShowDocumentParams[] = [];
  readonly registrations: P.Registration[] = [];
  refreshes = 0;
  stderr = '';
  /** Set when the server exited without being asked to. */
  died = false;
  private shuttingDown = false;
  exited: Promise<number | null>;
  settings: Record<string, unknown>;
  private texts = new Map<string, { text: string; version: number }>();

  private constructor(
    readonly child: ChildProcess,
    readonly dir: string,
    readonly opts: ClientOptions,
  ) {
    this.settings = opts.settings ?? {};
    this.exited = new Promise((r) =>
      child.on('exit', (code) => {
        // A dead server fails the pending requests at once instead of hanging the test.
        if (!this.shuttingDown) {
          this.died = true;
          this.conn.dispose();
        }
        r(code);
      }),
    );
    child.stderr!.on('data', (d) => (this.stderr += String(d)));
    this.conn = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    this.conn.onNotification('textDocument/publishDiagnostics', (p: P.PublishDiagnosticsParams) => this.published.set(p.uri, p));
    this.conn.onNotification('window/showMessage', (p: P.ShowMessageParams) => this.messages.push(p));
    this.conn.onNotification('window/logMessage', (p: P.LogMessageParams) => (this.stderr += `${p.message}\n`));
    this.conn.onRequest('workspace/configuration', (p: P.ConfigurationParams) => p.items.map((i) => (i.section === 'workloadPlacement' ? this.settings : null)));
    this.conn.onRequest('client/registerCapability', async (p: P.RegistrationParams) => {
      this.registrations.push(...p.registrations);
      if (opts.holdRegistration && p.registrations.some((r) => r.method === opts.holdRegistration!.method)) await opts.holdRegistration.until;
      return null;
    });
    this.conn.onRequest('client/unregisterCapability', () => null);
    this.conn.onRequest('workspace/diagnostic/refresh', () => {
      this.refreshes++;
      return null;
    });
    this.conn.onRequest('workspace/codeLens/refresh', () => null);
    this.conn.onRequest('window/workDoneProgress/create', () => null);
    this.conn.onRequest('window/showDocument', (p: P.ShowDocumentParams) => {
      this.shownDocuments.push(p);
      return { success: true };
    });
    for (const m of opts.failRequests ?? []) {
      this.conn.onRequest(m, () => {
        throw new Error(`the test client refuses ${m}`);
      });
    }
    this.conn.listen();
  }

  static async start(opts: ClientOptions = {}): Promise<TestClient> {
    const dir = mkdtempSync(join(tmpdir(), 'wp-lsp-'));
    for (const [name, text] of Object.entries(opts.files ?? {})) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    opts.setup?.(dir);
    const child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const c = new TestClient(child, dir, opts);
    const folder = pathToFileURL(dir).href;
    const init: P.InitializeParams = {
      processId: process.pid,
      rootUri: folder,
      workspaceFolders: [{ uri: folder, name: 'ws' }],
      capabilities: capabilities(opts),
    };
    c.initializeResult = await c.conn.sendRequest('initialize', init);
    await c.conn.sendNotification('initialized', {});
    return c;
  }

  initializeResult!: P.InitializeResult;

  uri(name: string): string {
    return pathToFileURL(join(this.dir, name)).href;
  }

  text(name: string): string {
    return this.texts.get(this.uri(name))!.text;
  }

  version(name: string): number {
    return this.texts.get(this.uri(name))!.version;
  }

  async open(name: string, text: string, languageId = 'workload-descriptor'): Promise<void> {
    this.texts.set(this.uri(name), { text, version: 1 });
    await this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: this.uri(name), languageId, version: 1, text } });
  }

  /** Sends the change as one ranged edit (what an editor with incremental sync does). */
  async change(name: string, text: string): Promise<void> {
    await this.prepareChange(name, text)();
  }

  /**
   * The change to `text`, worked out now and sent when the returned function is called:
   * for tests that must send it the moment something happens, without first diffing a
   * big document.
   */
  prepareChange(name: string, text: string): () => Promise<void> {
    const uri = this.uri(name);
    const cur = this.texts.get(uri)!;
    let s = 0;
    while (s < cur.text.length && s < text.length && cur.text[s] === text[s]) s++;
    let e = 0;
    while (e < cur.text.length - s && e < text.length - s && cur.text[cur.text.length - 1 - e] === text[text.length - 1 - e]) e++;
    const range = { start: positionAt(cur.text, s), end: positionAt(cur.text, cur.text.length - e) };
    const version = cur.version + 1;
    const inserted = text.slice(s, text.length - e);
    return () => {
      this.texts.set(uri, { text, version });
      return this.conn.sendNotification('textDocument/didChange', {
        textDocument: { uri, version },
        contentChanges: [{ range, text: inserted }],
      });
    };
  }

  async close(name: string): Promise<void> {
    this.texts.delete(this.uri(name));
    await this.conn.sendNotification('textDocument/didClose', { textDocument: { uri: this.uri(name) } });
  }

  /** Applies a workspace edit to the open documents and sends the changes. */
  async apply(edit: P.WorkspaceEdit): Promise<void> {
    const byUri = new Map<string, P.TextEdit[]>();
    for (const dc of edit.documentChanges ?? []) {
      if ('textDocument' in dc) byUri.set(dc.textDocument.uri, [...(byUri.get(dc.textDocument.uri) ?? []), ...(dc.edits as P.TextEdit[])]);
    }
    for (const [uri, edits] of Object.entries(edit.changes ?? {})) byUri.set(uri, [...(byUri.get(uri) ?? []), ...edits]);
    for (const [uri, edits] of byUri) {
      const name = [...this.texts.keys()].find((u) => u === uri);
      if (!name) throw new Error(`edit for a document that is not open: ${uri}`);
      const file = decodeURIComponent(uri.slice(pathToFileURL(this.dir).href.length + 1));
      await this.change(file, applyTextEdits(this.texts.get(uri)!.text, edits));
    }
  }

  pull(name: string, previousResultId?: string): Promise<P.DocumentDiagnosticReport> {
    return this.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri: this.uri(name) }, previousResultId });
  }

  /** Pulls until `accept` holds (diagnostics settle after debounced work). */
  async diagnostics(name: string, accept: (d: P.Diagnostic[]) => boolean = () => true, what = `diagnostics of ${name}`): Promise<P.Diagnostic[]> {
    if (this.opts.pull === false) {
      return waitFor(() => {
        const p = this.published.get(this.uri(name));
        return p && accept(p.diagnostics) ? p.diagnostics : undefined;
      }, what);
    }
    return waitFor(async () => {
      const r = await this.pull(name);
      const items = r.kind === 'full' ? r.items : [];
      return accept(items) ? items : undefined;
    }, what);
  }

  hover(name: string, position: P.Position): Promise<P.Hover | null> {
    return this.conn.sendRequest('textDocument/hover', { textDocument: { uri: this.uri(name) }, position });
  }

  completion(name: string, position: P.Position): Promise<P.CompletionList | null> {
    return this.conn.sendRequest('textDocument/completion', { textDocument: { uri: this.uri(name) }, position });
  }

  codeActions(name: string, range: P.Range, diagnostics: P.Diagnostic[] = [], only?: string[]): Promise<P.CodeAction[]> {
    return this.conn.sendRequest('textDocument/codeAction', { textDocument: { uri: this.uri(name) }, range, context: { diagnostics, only } });
  }

  symbols(name: string): Promise<P.DocumentSymbol[]> {
    return this.conn.sendRequest('textDocument/documentSymbol', { textDocument: { uri: this.uri(name) } });
  }

  definition(name: string, position: P.Position): Promise<P.Location[] | null> {
    return this.conn.sendRequest('textDocument/definition', { textDocument: { uri: this.uri(name) }, position });
  }

  references(name: string, position: P.Position, includeDeclaration = true): Promise<P.Location[] | null> {
    return this.conn.sendRequest('textDocument/references', { textDocument: { uri: this.uri(name) }, position, context: { includeDeclaration } });
  }

  prepareRename(name: string, position: P.Position): Promise<{ range: P.Range; placeholder: string } | null> {
    return this.conn.sendRequest('textDocument/prepareRename', { textDocument: { uri: this.uri(name) }, position });
  }

  rename(name: string, position: P.Position, newName: string): Promise<P.WorkspaceEdit | null> {
    return this.conn.sendRequest('textDocument/rename', { textDocument: { uri: this.uri(name) }, position, newName });
  }

  codeLens(name: string): Promise<P.CodeLens[]> {
    return this.conn.sendRequest('textDocument/codeLens', { textDocument: { uri: this.uri(name) } });
  }

  /** Writes a file in the workspace and tells the server, as a file watcher would. */
  async writeFile(name: string, text: string | null): Promise<void> {
    const p = join(this.dir, name);
    if (text === null) rmSync(p, { force: true });
    else {
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, text);
    }
    await this.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: this.uri(name), type: text === null ? 3 : 2 }] });
  }

  async shutdown(): Promise<number | null> {
    this.shuttingDown = true;
    try {
      await this.conn.sendRequest('shutdown');
      await this.conn.sendNotification('exit');
      return await this.exited;
    } finally {
      this.conn.dispose();
      if (this.child.exitCode === null) this.child.kill();
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

/** The text of a hover's contents. */
export function hoverText(h: P.Hover | null): string {
  if (!h) return '';
  const c = h.contents;
  if (typeof c === 'string') return c;
  if (Array.isArray(c)) return c.map((x) => (typeof x === 'string' ? x : x.value)).join('\n');
  return (c as P.MarkupContent).value;
}

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}
