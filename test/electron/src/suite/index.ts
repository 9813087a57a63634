// The extension-API checks, run inside a VS Code extension host: the desktop build through
// @vscode/test-electron where it can be downloaded, or code-server's extension host (see
// test/e2e/src/extensionHost.e2e.test.ts). The window opens a copy of examples/.
// Writes one result per check to $WP_RESULTS (JSON) and fails the run if any check fails.
import * as vscode from 'vscode';
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';

const EXTENSION_ID = 'workload-placement.workload-placement';

interface Result {
  name: string;
  ok: boolean;
  error?: string;
  ms: number;
}

/** Polls until `fn` gives a value other than undefined/false; fails with `what` at the deadline. */
async function until<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function folder(): vscode.Uri {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'the window has the examples folder open');
  return f.uri;
}

const fileUri = (...parts: string[]) => vscode.Uri.joinPath(folder(), ...parts);

async function open(...parts: string[]): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(fileUri(...parts));
  await vscode.window.showTextDocument(doc);
  return doc;
}

/** Position just inside the first occurrence of `needle` (plus `offset` characters). */
function at(doc: vscode.TextDocument, needle: string, offset = 0): vscode.Position {
  const i = doc.getText().indexOf(needle);
  assert.ok(i >= 0, `${needle} is in ${doc.uri.path}`);
  return doc.positionAt(i + offset);
}

function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
    .join('\n');
}

const codes = (diags: readonly vscode.Diagnostic[]) =>
  diags.map((d) => (typeof d.code === 'object' && d.code ? String(d.code.value) : String(d.code)));

async function diagnosticsOf(uri: vscode.Uri, what: string, pred: (d: readonly vscode.Diagnostic[]) => boolean): Promise<readonly vscode.Diagnostic[]> {
  return until(what, () => {
    const d = vscode.languages.getDiagnostics(uri);
    return pred(d) ? d : undefined;
  });
}

const checks: [string, () => Promise<void>][] = [
  [
    'the extension activates on a descriptor',
    async () => {
      const ext = vscode.extensions.getExtension(EXTENSION_ID);
      assert.ok(ext, `${EXTENSION_ID} is installed`);
      await open('small-company', 'apps.workload.yaml');
      await until('activation', () => ext.isActive);
      const commands = await vscode.commands.getCommands(true);
      assert.ok(commands.includes('workloadPlacement.showHostLayout'), 'Show Host Layout is registered');
    },
  ],
  [
    'diagnostics carry the rule ids the examples mark as mistakes',
    async () => {
      const doc = await open('small-company', 'apps.workload.yaml');
      const expected = ['unknown-key', 'unknown-host', 'stateful-without-volumes', 'elastic-vm'];
      const diags = await diagnosticsOf(doc.uri, `diagnostics ${expected.join(', ')}`, (d) => expected.every((c) => codes(d).includes(c)));
      const unknownKey = diags.find((d) => codes([d])[0] === 'unknown-key')!;
      assert.equal(doc.getText(unknownKey.range), 'replicaz');
      assert.match(unknownKey.message, /replicas/);
      const unknownHost = diags.find((d) => codes([d])[0] === 'unknown-host')!;
      assert.equal(doc.getText(unknownHost.range), 'docker-03');
      // The suppressed rule on intranet-wiki stays quiet.
      const wiki = doc.getText().indexOf('name: intranet-wiki');
      assert.ok(!diags.some((d) => codes([d])[0] === 'deploy-against-recommendation' && doc.offsetAt(d.range.start) > wiki), 'placement-ignore is honoured');
    },
  ],
  [
    'hover on a workload gives its verdict and reasons',
    async () => {
      const doc = await open('small-company', 'apps.workload.yaml');
      const hovers = await until('a hover on orders-db', async () => {
        const h = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, at(doc, 'name: orders-db', 8));
        return h.length ? h : undefined;
      });
      const text = hoverText(hovers);
      assert.match(text, /\bvm\b/i, 'names the verdict');
      assert.match(text, /volume|stateful/i, 'gives the state reason');
      assert.match(text, /container/, 'says what the declared container gives up');
    },
  ],
  [
    'a quick fix corrects the misspelt key and its diagnostic goes away',
    async () => {
      const doc = await open('small-company', 'apps.workload.yaml');
      const diags = await diagnosticsOf(doc.uri, 'unknown-key', (d) => codes(d).includes('unknown-key'));
      const diag = diags.find((d) => codes([d])[0] === 'unknown-key')!;
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, diag.range, vscode.CodeActionKind.QuickFix.value);
      const fix = actions.find((a) => /replicas/.test(a.title) && a.edit);
      assert.ok(fix, `a fix names replicas; got: ${actions.map((a) => a.title).join(' | ')}`);
      assert.ok(await vscode.workspace.applyEdit(fix.edit!), 'the edit applies');
      assert.match(doc.getText(), /\n {4}replicas: 2\n/);
      assert.doesNotMatch(doc.getText(), /replicaz/);
      await diagnosticsOf(doc.uri, 'unknown-key to disappear', (d) => !codes(d).includes('unknown-key'));
      await doc.save();
    },
  ],
  [
    'completion offers keys and values',
    async () => {
      const doc = await open('small-company', 'apps.workload.yaml');
      const editor = vscode.window.activeTextEditor!;
      // A fresh key line inside the reporting workload, then a deploy value.
      const line = at(doc, '    host: docker-03').line;
      await editor.edit((e) => e.insert(new vscode.Position(line + 1, 0), '    \n'));
      const keys = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(line + 1, 4));
      const keyLabels = keys.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
      for (const k of ['deploy', 'state', 'isolation']) assert.ok(keyLabels.some((l) => l === k || l.startsWith(`${k}`)), `key ${k} offered; got ${keyLabels.join(', ')}`);
      assert.ok(!keyLabels.includes('os'), 'keys already present are not offered again');
      await editor.edit((e) => e.insert(new vscode.Position(line + 1, 4), 'deploy: '));
      const values = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(line + 1, 12));
      const valueLabels = values.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
      for (const v of ['vm', 'container', 'container-in-vm']) assert.ok(valueLabels.includes(v), `value ${v} offered; got ${valueLabels.join(', ')}`);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    },
  ],
  [
    'renaming a host changes every reference across files',
    async () => {
      const hosts = await open('small-company', 'hosts.workload.yaml');
      const apps = await vscode.workspace.openTextDocument(fileUri('small-company', 'apps.workload.yaml'));
      const edit = await vscode.commands.executeCommand<vscode.WorkspaceEdit>('vscode.executeDocumentRenameProvider', hosts.uri, at(hosts, 'name: esx-01', 7), 'esx-north-01');
      assert.ok(edit, 'a rename edit');
      const touched = edit.entries().map(([u]) => u.toString()).sort();
      assert.deepEqual(touched, [apps.uri.toString(), hosts.uri.toString()].sort());
      assert.ok(await vscode.workspace.applyEdit(edit));
      assert.match(hosts.getText(), /name: esx-north-01\n/);
      assert.match(apps.getText(), /hosts: \[esx-north-01, esx-02\]/);
      assert.match(apps.getText(), /# maintenance on esx-01 must not stop it/, 'comments are left alone');
      await vscode.workspace.saveAll(false);
      await diagnosticsOf(apps.uri, 'no unknown-host for the renamed host', (d) => !d.some((x) => /esx-north-01|esx-01/.test(x.message)));
    },
  ],
  [
    'Show Host Layout opens a webview panel',
    async () => {
      await open('small-company', 'hosts.workload.yaml');
      await vscode.commands.executeCommand('workloadPlacement.showHostLayout');
      await until('a webview tab', () =>
        vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => t.input instanceof vscode.TabInputWebview),
      );
    },
  ],
];

export async function run(): Promise<void> {
  const results: Result[] = [];
  for (const [name, fn] of checks) {
    const t0 = Date.now();
    try {
      await fn();
      results.push({ name, ok: true, ms: Date.now() - t0 });
      console.log(`ok - ${name}`);
    } catch (e) {
      const error = e instanceof Error ? e.stack ?? e.message : String(e);
      results.push({ name, ok: false, error, ms: Date.now() - t0 });
      console.log(`not ok - ${name}\n${error}`);
    }
  }
  if (process.env.WP_RESULTS) writeFileSync(process.env.WP_RESULTS, JSON.stringify(results, null, 2));
  const failed = results.filter((r) => !r.ok).length;
  console.log(`${results.length - failed} passed, ${failed} failed`);
  if (failed) throw new Error(`${failed} extension-host check(s) failed`);
}
