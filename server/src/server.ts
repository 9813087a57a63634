// The language server: wires the connection to the document store and the feature
// modules. main.ts creates the connection; tests and other hosts can pass their own.

import {
  CodeActionKind,
  CodeLensRefreshRequest,
  type CancellationToken,
  type Connection,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  type InitializeParams,
  type InitializeResult,
  MessageType,
  ShowMessageNotification,
  TextDocumentSyncKind,
  TextDocuments,
} from 'vscode-languageserver';
import { CONFIG_FILE_NAME } from './core/configFile';
import { type ClientFeatures, clientFeatures, type ServerContext } from './context';
import { editorDocuments } from './document';
import { plainMessage } from './markdown';
import { FIX_ALL_KIND, registerCodeActions, SHOW_RULE_DOCS_COMMAND } from './features/codeActions';
import { registerCodeLens } from './features/codeLens';
import { registerCompletion } from './features/completion';
import { registerDiagnostics } from './features/diagnostics';
import { registerHover } from './features/hover';
import { registerLayout } from './features/layout';
import { registerNavigation } from './features/navigation';
import { registerSymbols } from './features/symbols';
import { formatError, runNotification, runSafe } from './runner';
import { afterAnswer, nextTurn, serverProgress } from './slices';
import { type EditorSettings, loadConfiguration, ProblemReporter, SETTINGS_SECTION } from './settings';
import { Workspace, YAML_RE } from './workspace';


export const SERVER_NAME = 'workload-placement';
/** Descriptor files for the watcher: the extension in any case, as the scanner takes it (server/src/scan.ts). */
export const DESCRIPTOR_GLOB = '**/*.[wW][oO][rR][kK][lL][oO][aA][dD].{[yY][aA][mM][lL],[yY][mM][lL]}';
/** Every other YAML file, for Kubernetes manifests (the workspace reads a changed one to see whether it is one). */
export const MANIFEST_GLOB = '**/*.{[yY][aA][mM][lL],[yY][mM][lL]}';
/** `.env` files: the Compose files next to one read their variables from it. */
export const ENV_GLOB = '**/.env';

export function startServer(connection: Connection): ServerContext {
  const documents = new TextDocuments(editorDocuments);
  const log = (message: string) => connection.console.error(message);
  const workspace = new Workspace(log);
  const editor: EditorSettings = { codeLensEnable: true };
  const problems = new ProblemReporter();
  const shutdownListeners: (() => void)[] = [];
  let client: ClientFeatures = clientFeatures({});
  let pushedSettings: unknown;

  const ctx: ServerContext = {
    connection,
    documents,
    workspace,
    get client() {
      return client;
    },
    editor,
    log,
    onShutdown: (l) => void shutdownListeners.push(l),
    safe: <T, E = void>(name: string, token: CancellationToken | undefined, fallback: T, fn: () => T | Promise<T>) =>
      runSafe<T, E>(log, name, token, fallback, async () => {
        await workspace.ready;
        return fn();
      }),
  };

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    client = clientFeatures(params.capabilities);
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    workspace.setFolders(folders);
    pushedSettings = (params.initializationOptions as { settings?: unknown } | undefined)?.settings;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        ...(client.pullDiagnostics ? { diagnosticProvider: { identifier: SERVER_NAME, interFileDependencies: true, workspaceDiagnostics: true } } : {}),
        hoverProvider: true,
        completionProvider: { triggerCharacters: [' ', '[', ',', '{', ':'], resolveProvider: false },
        // `workDoneProgress`: the requests whose work grows with the workspace report
        // progress to a client that passes a work-done token (server/src/slices.ts).
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND, CodeActionKind.RefactorRewrite], resolveProvider: false, workDoneProgress: true },
        executeCommandProvider: { commands: [SHOW_RULE_DOCS_COMMAND] },
        documentSymbolProvider: { workDoneProgress: true },
        workspaceSymbolProvider: { workDoneProgress: true },
        definitionProvider: true,
        referencesProvider: { workDoneProgress: true },
        renameProvider: client.prepareRename ? { prepareProvider: true, workDoneProgress: true } : { workDoneProgress: true },
        codeLensProvider: { resolveProvider: false, workDoneProgress: true },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: SERVER_NAME, version: '0.1.0' },
    };
  });

  // Configuration: the file, then the editor's settings over it.
  const reloadConfiguration = async () => {
    let settings: unknown = pushedSettings;
    if (client.configuration) {
      try {
        settings = await connection.workspace.getConfiguration(SETTINGS_SECTION);
      } catch (err) {
        log(formatError('Reading settings failed', err));
      }
    }
    const loaded = await loadConfiguration(workspace.getFolders(), settings);
    const codeLensChanged = editor.codeLensEnable !== loaded.editor.codeLensEnable;
    Object.assign(editor, loaded.editor);
    const ignoreChanged = JSON.stringify(workspace.getConfig().ignore) !== JSON.stringify(loaded.config.ignore);
    workspace.setConfig(loaded.config);
    const fresh = problems.fresh(loaded.problems);
    if (fresh.length) {
      // A notification, not a request: nothing to wait for, nothing to fail.
      void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: plainMessage(`Workload Placement configuration: ${fresh.join(' ')}`) });
    }
    if (codeLensChanged && client.codeLensRefresh) connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
    return ignoreChanged;
  };

  connection.onInitialized(() =>
    runNotification(log, 'initialized', async () => {
      // Whatever the client refuses, the first scan happens and requests get answers.
      const register = async (what: string, fn: () => Promise<unknown>) => {
        try {
          await fn();
        } catch (err) {
          log(formatError(`Registering ${what} was refused by the client`, err));
        }
      };
      // Reading and analysing a big workspace the first time takes seconds: shown as progress.
      const progress = serverProgress(ctx, 'Workload Placement');
      progress.report('Reading descriptor files…');
      try {
        // The configuration first: a file opened during the scan gets its file-local
        // diagnostics under it (features/diagnostics.ts), before the scan ends.
        try {
          await reloadConfiguration();
        } finally {
          workspace.markConfigured();
        }
        if (client.watchedFilesDynamic) {
          await register('file watchers', () =>
            connection.client.register(DidChangeWatchedFilesNotification.type, {
              watchers: [{ globPattern: DESCRIPTOR_GLOB }, { globPattern: `**/${CONFIG_FILE_NAME}` }, { globPattern: MANIFEST_GLOB }, { globPattern: ENV_GLOB }],
            }),
          );
        }
        // Asked while the scan reads (the first analysis waits for the answer): a client slow to
        // answer delays the analysis, not the file-local diagnostics of the files opened meanwhile.
        const configRegistered = client.configurationDynamic
          ? register('configuration changes', () => connection.client.register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION }))
          : undefined;
        if (client.workspaceFolders) {
          connection.workspace.onDidChangeWorkspaceFolders((e) =>
            runNotification(log, 'workspace folders', async () => {
              const gone = new Set(e.removed.map((f) => f.uri));
              workspace.setFolders([...workspace.getFolders().filter((f) => !gone.has(f)), ...e.added.map((f) => f.uri)]);
              await reloadConfiguration();
              await workspace.scan();
            }),
          );
        }
        const found = await workspace.scan((read, total) => progress.report(`Reading descriptor files… ${read.toLocaleString('en-US')} of ${total.toLocaleString('en-US')}`));
        await configRegistered;
        progress.report(`Analysing ${found.toLocaleString('en-US')} descriptor files…`);
      } finally {
        workspace.markReady();
        // One turn first, so that the report is on the wire before the analysis blocks.
        await nextTurn();
        try {
          workspace.flush();
        } finally {
          progress.done();
        }
      }
    }),
  );

  connection.onDidChangeConfiguration((params) =>
    runNotification(log, 'configuration', async () => {
      const s = params.settings as Record<string, unknown> | null | undefined;
      if (s && typeof s === 'object' && SETTINGS_SECTION in s) pushedSettings = s[SETTINGS_SECTION];
      if (await reloadConfiguration()) await workspace.scan();
    }),
  );

  connection.onDidChangeWatchedFiles((params) =>
    runNotification(log, 'watched files', async () => {
      let config = false;
      for (const ch of params.changes) {
        if (ch.uri.endsWith(`/${CONFIG_FILE_NAME}`)) config = true;
        // Descriptors, and other YAML that may be a manifest (the workspace reads it to see).
        else if (YAML_RE.test(ch.uri) || ch.uri.endsWith('/.env')) await workspace.diskChanged(ch.uri, ch.type === FileChangeType.Deleted);
      }
      if (config && (await reloadConfiguration())) await workspace.scan();
    }),
  );

  documents.onDidChangeContent((e) =>
    runNotification(log, 'document change', () => {
      const d = e.document;
      if (workspace.isDescriptor(d.uri, d.languageId)) workspace.setOpenText(d.uri, d.source, d.version);
      else if (workspace.isManifestCandidate(d.uri, d.languageId)) workspace.setOpenManifest(d.uri, d.source, d.version, d.languageId);
    }),
  );
  documents.onDidClose((e) => runNotification(log, 'document close', () => workspace.close(e.document.uri)));
  // A document's line table is first needed by its first edit: build it once the
  // analysis that includes the opened document has been answered, not on that keystroke.
  const unprepared = new Set<string>();
  documents.onDidOpen((e) => unprepared.add(e.document.uri));
  workspace.onDidAnalyze(() => {
    if (!unprepared.size) return;
    const uris = [...unprepared];
    unprepared.clear();
    afterAnswer(() => runNotification(log, 'document open', () => uris.forEach((u) => documents.get(u)?.prepare())));
  });

  registerDiagnostics(ctx);
  registerHover(ctx);
  registerCompletion(ctx);
  registerCodeActions(ctx);
  registerSymbols(ctx);
  registerNavigation(ctx);
  registerCodeLens(ctx);
  registerLayout(ctx);

  connection.onShutdown(() => {
    for (const l of shutdownListeners) runNotification(log, 'shutdown', l);
    workspace.dispose();
  });

  documents.listen(connection);
  connection.listen();
  return ctx;
}
