// The extension's client side: starts the bundled language server (dist/server.js,
// over IPC), shows its state in the status bar, restarts it when it dies (within a
// budget), and offers the commands. Everything about descriptors lives in the server.

import * as vscode from 'vscode';
import { CloseAction, ErrorAction, LanguageClient, type LanguageClientOptions, type ServerOptions, State, TransportKind } from 'vscode-languageclient/node';
import { isRuleId, RULES, RULES_DOC_PATH, ruleDocAnchor, ruleDocHeadings, SHOW_RULE_DOCS_COMMAND } from '../../shared/rules';
import { COMMANDS, LANGUAGE_ID, SETTINGS_SECTION } from './commands';
import { registerLayoutPanel } from './layoutPanel';
import { RestartPolicy } from './restartPolicy';
import { ServerStatus } from './status';

/** Diagnostics from our server carry this source. */
const SOURCE = 'workload-placement';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('Workload Placement');
  const status = new ServerStatus(COMMANDS.showOutput);
  const policy = new RestartPolicy();
  context.subscriptions.push(output, status);

  const serverModule = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    // Plain YAML files too: the server reads those whose text names a Kubernetes workload
    // kind (manifests) and answers only with diagnostics, hover and code lens for them.
    documentSelector: [{ language: LANGUAGE_ID }, { scheme: 'file', pattern: '**/*.workload.{yaml,yml}' }, { scheme: 'file', language: 'yaml' }, { scheme: 'file', language: 'dockercompose' }],
    outputChannel: output,
    // Descriptor text reaches hovers: never trust the markdown.
    markdown: { isTrusted: false, supportHtml: false },
    middleware: {
      // "Show documentation" (a code action running the server's command): opened here,
      // in the Markdown preview, rather than by the server as a plain file.
      executeCommand: async (command, args, next) => {
        if (command === SHOW_RULE_DOCS_COMMAND && typeof args[0] === 'string' && isRuleId(args[0])) return openRuleDocs(context, args[0]);
        return next(command, args);
      },
    },
    errorHandler: {
      error: (_error, _message, count) => ({ action: policy.onError(count) === 'continue' ? ErrorAction.Continue : ErrorAction.Shutdown }),
      closed: () => {
        const d = policy.onClosed(Date.now());
        status.set(d.restart ? 'restarting' : 'stopped');
        if (d.restart) output.appendLine(`[${new Date().toISOString()}] The server stopped; restarting it.`);
        return d.restart ? { action: CloseAction.Restart, handled: true } : { action: CloseAction.DoNotRestart, message: d.message };
      },
    },
  };
  client = new LanguageClient(SETTINGS_SECTION, 'Workload Placement', serverOptions, clientOptions);
  const c = client;
  context.subscriptions.push(
    c.onDidChangeState((e) => {
      if (e.newState === State.Running) status.set('ready');
      else if (e.newState === State.Starting) status.set(status.state === 'restarting' ? 'restarting' : 'starting');
      else if (status.state !== 'restarting') status.set('stopped');
    }),
  );

  context.subscriptions.push(
    vscode.commands.registerCommand(COMMANDS.restartServer, async () => {
      policy.reset();
      status.set('starting');
      await c.restart();
    }),
    vscode.commands.registerCommand(COMMANDS.showOutput, () => c.outputChannel.show(true)),
    vscode.commands.registerCommand(COMMANDS.openRuleDocs, async (ruleId?: unknown) => {
      const id = typeof ruleId === 'string' && isRuleId(ruleId) ? ruleId : await pickRule();
      if (id) await openRuleDocs(context, id);
    }),
  );

  // Problem count in the status bar, recounted at most every 300 ms.
  let countTimer: NodeJS.Timeout | undefined;
  context.subscriptions.push(
    vscode.languages.onDidChangeDiagnostics(() => {
      if (countTimer) return;
      countTimer = setTimeout(() => {
        countTimer = undefined;
        let n = 0;
        for (const [, diags] of vscode.languages.getDiagnostics()) for (const d of diags) if (d.source === SOURCE) n++;
        status.setProblems(n);
      }, 300);
    }),
    { dispose: () => countTimer && clearTimeout(countTimer) },
  );

  // ---- Host layout panel: `workloadPlacement.showHostLayout` (client/src/layoutPanel.ts).
  registerLayoutPanel(context, c);
  // ----

  try {
    await c.start();
  } catch (err) {
    status.set('stopped');
    output.appendLine(`The server did not start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    void vscode.window.showErrorMessage('The Workload Placement server did not start. See "Workload Placement: Show Output".');
  }
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

/** A rule from the catalogue; the one under the cursor comes first. */
/**
 * Opens the rule's section of the docs/rules.md packaged with the extension: in the
 * Markdown preview at the rule's anchor when the built-in Markdown extension is there,
 * else as text at the rule's heading.
 */
async function openRuleDocs(context: vscode.ExtensionContext, id: string): Promise<void> {
  const file = vscode.Uri.joinPath(context.extensionUri, RULES_DOC_PATH);
  try {
    await vscode.commands.executeCommand('markdown.showPreview', file.with({ fragment: ruleDocAnchor(id) }));
    return;
  } catch {
    // No Markdown preview (the extension is disabled): the text will do.
  }
  const doc = await vscode.workspace.openTextDocument(file);
  const line = ruleDocHeadings(doc.getText()).get(id) ?? 0;
  const at = new vscode.Position(line, 0);
  await vscode.window.showTextDocument(doc, { selection: new vscode.Range(at, at) });
}

async function pickRule(): Promise<string | undefined> {
  const editor = vscode.window.activeTextEditor;
  const here = new Set<string>();
  if (editor) {
    for (const d of vscode.languages.getDiagnostics(editor.document.uri)) {
      if (d.source === SOURCE && d.range.contains(editor.selection.active)) here.add(typeof d.code === 'object' ? String(d.code.value) : String(d.code));
    }
  }
  const rules = [...RULES].sort((a, b) => Number(here.has(b.id)) - Number(here.has(a.id)));
  const pick = await vscode.window.showQuickPick(
    rules.map((r) => ({ label: r.id, description: here.has(r.id) ? `${r.category} · at the cursor` : r.category, detail: r.summary })),
    { placeHolder: 'Open the documentation of a Workload Placement rule', matchOnDetail: true },
  );
  return pick?.label;
}
