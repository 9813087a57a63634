// What every feature module gets: the connection, the document store and what the
// client can do. Features register their handlers on the connection themselves.

import type { CancellationToken, ClientCapabilities, Connection, ResponseError, TextDocuments } from 'vscode-languageserver';
import type { EditorDocument } from './document';
import type { EditorSettings } from './settings';
import type { Workspace } from './workspace';

export interface ClientFeatures {
  pullDiagnostics: boolean;
  diagnosticRefresh: boolean;
  codeLensRefresh: boolean;
  configuration: boolean;
  watchedFilesDynamic: boolean;
  configurationDynamic: boolean;
  workspaceFolders: boolean;
  snippets: boolean;
  markdownHover: boolean;
  markdownCompletion: boolean;
  documentChanges: boolean;
  insertTextModeAsIs: boolean;
  hierarchicalSymbols: boolean;
  showDocument: boolean;
  prepareRename: boolean;
  /** The client shows progress the server starts (`window/workDoneProgress/create`). */
  workDoneProgress: boolean;
}

export function clientFeatures(c: ClientCapabilities): ClientFeatures {
  const td = c.textDocument;
  return {
    pullDiagnostics: !!td?.diagnostic,
    diagnosticRefresh: !!c.workspace?.diagnostics?.refreshSupport,
    codeLensRefresh: !!c.workspace?.codeLens?.refreshSupport,
    configuration: !!c.workspace?.configuration,
    watchedFilesDynamic: !!c.workspace?.didChangeWatchedFiles?.dynamicRegistration,
    configurationDynamic: !!c.workspace?.didChangeConfiguration?.dynamicRegistration,
    workspaceFolders: !!c.workspace?.workspaceFolders,
    snippets: !!td?.completion?.completionItem?.snippetSupport,
    markdownHover: !!td?.hover?.contentFormat?.includes('markdown'),
    markdownCompletion: !!td?.completion?.completionItem?.documentationFormat?.includes('markdown'),
    documentChanges: !!c.workspace?.workspaceEdit?.documentChanges,
    insertTextModeAsIs: !!td?.completion?.completionItem?.insertTextModeSupport?.valueSet?.includes(1),
    hierarchicalSymbols: !!td?.documentSymbol?.hierarchicalDocumentSymbolSupport,
    showDocument: !!c.window?.showDocument?.support,
    prepareRename: !!td?.rename?.prepareSupport,
    workDoneProgress: !!c.window?.workDoneProgress,
  };
}

export interface ServerContext {
  connection: Connection;
  documents: TextDocuments<EditorDocument>;
  workspace: Workspace;
  client: ClientFeatures;
  editor: EditorSettings;
  log(message: string): void;
  /** Runs at `shutdown` (the connection has a single shutdown handler; share it). */
  onShutdown(listener: () => void): void;
  /** Runs a request handler safely: see runner.ts. Waits for the first scan. */
  safe<T, E = void>(name: string, token: CancellationToken | undefined, fallback: T, fn: () => T | Promise<T>): Promise<T | ResponseError<E>>;
}
