// The host-layout panel: command `workloadPlacement.showHostLayout`. It asks the server
// for the layout (`workloadPlacement/layout`), posts it to the webview, and asks again
// when the server says it changed. After the first answer it asks with `since`: the
// server then answers a patch (a few KB where the layout is MBs), which the panel
// applies to its copy and passes on to the webview as a patch too. Whenever something
// does not line up (a patch against another generation, one that does not apply, a
// webview that reloaded or says `resync`) it forgets its copy and asks for the whole
// layout. The webview page is strict: CSP with a fresh nonce,
// scripts and styles only from dist/, data only through postMessage (see
// shared/layoutPage.ts). A serializer brings the panel back after a reload with its
// zoom, scroll, filter and simulated failure.

import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { type LanguageClient, State } from 'vscode-languageclient/node';
import { panelHtml } from '../../shared/layoutPage';
import { applyLayoutPatch } from '../../shared/layoutPatch';
import {
  LAYOUT_CHANGED_NOTIFICATION,
  LAYOUT_CLOSED_NOTIFICATION,
  LAYOUT_REQUEST,
  type HostToWebview,
  type Layout,
  type LayoutParams,
  type LayoutPatch,
  type LayoutResult,
  type SourceRef,
  type WebviewState,
  type WebviewToHost,
} from '../../shared/protocol';
import { COMMANDS } from './commands';

export const VIEW_TYPE = 'workloadPlacement.hostLayout';
/** An exported picture larger than this is refused (it would be a runaway message). */
const MAX_SVG_CHARS = 64 * 1024 * 1024;

export function registerLayoutPanel(context: vscode.ExtensionContext, client: LanguageClient): void {
  let current: LayoutPanel | undefined;
  const adopt = (panel: vscode.WebviewPanel, state: unknown) => {
    current?.dispose();
    current = new LayoutPanel(panel, context.extensionUri, client, state, () => {
      if (current?.panel === panel) current = undefined;
    });
  };
  context.subscriptions.push(
    vscode.commands.registerCommand(COMMANDS.showHostLayout, () => {
      if (current) return current.panel.reveal(undefined, true);
      const panel = vscode.window.createWebviewPanel(VIEW_TYPE, 'Host Layout', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, webviewOptions(context.extensionUri));
      adopt(panel, undefined);
    }),
    vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
        adopt(panel, state);
      },
    }),
    { dispose: () => current?.dispose() },
  );
}

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist')] };
}

class LayoutPanel {
  private readonly disposables: vscode.Disposable[] = [];
  private failedHost: string | null = null;
  /** The webview has said `ready` (it reloads when hidden, and says it again). */
  private ready = false;
  private inFlight = false;
  private again = false;
  private stale = true;
  /** Files the last layout refers to: the only ones a `reveal` may open. */
  private files = new Set<string>();
  private disposed = false;
  /** Numbers the layouts sent to the webview: the server's own count restarts with it. */
  private sent = 0;
  /**
   * The base layout (no failure applied) both the server and the webview were last given,
   * with the server's generation for it; a patch applies to it. Undefined: ask for all.
   */
  private held: { generation: number; layout: Layout } | undefined;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private readonly client: LanguageClient,
    state: unknown,
    private readonly onDispose: () => void,
  ) {
    const s = state as Partial<WebviewState> | undefined;
    if (s && typeof s.failedHost === 'string') this.failedHost = s.failedHost;
    const webview = panel.webview;
    webview.options = webviewOptions(extensionUri);
    const dist = vscode.Uri.joinPath(extensionUri, 'dist');
    webview.html = panelHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.css')).toString(),
      nonce: randomBytes(16).toString('base64'),
    });
    this.disposables.push(
      webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)),
      client.onNotification(LAYOUT_CHANGED_NOTIFICATION, () => {
        this.stale = true;
        if (this.panel.visible) void this.refresh();
      }),
      client.onDidChangeState((e) => {
        // A restarted server has a new analysis, and no memory of what we hold: ask for all.
        this.held = undefined;
        if (e.newState === State.Running) void this.refresh();
      }),
      panel.onDidChangeViewState(() => {
        if (this.panel.visible && this.stale) void this.refresh();
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const d of this.disposables) d.dispose();
    // The server stops preparing layouts for a panel that is gone.
    if (this.client.isRunning()) this.client.sendNotification(LAYOUT_CLOSED_NOTIFICATION).catch(() => undefined);
    this.onDispose();
    this.panel.dispose();
  }

  private post(message: HostToWebview): void {
    if (!this.disposed) void this.panel.webview.postMessage(message);
  }

  /** Asks the server for the layout; a request asked for while one is out is sent after it. */
  private async refresh(): Promise<void> {
    if (!this.ready || this.disposed) return;
    if (this.inFlight) {
      this.again = true;
      return;
    }
    if (this.client.state !== State.Running) return;
    this.inFlight = true;
    this.stale = false;
    try {
      // A failure simulation is answered whole: no `since`.
      const params: LayoutParams = this.failedHost ? { failedHost: this.failedHost } : this.held ? { since: this.held.generation } : {};
      const r = await this.client.sendRequest<LayoutResult | null>(LAYOUT_REQUEST, params);
      if (r?.patch) {
        const layout = this.held && r.patch.since === this.held.generation ? this.tryPatch(this.held.layout, r.patch) : undefined;
        if (!layout) {
          // Not against what we hold (an answer crossed a reset): ask for all.
          this.held = undefined;
          this.again = true;
          return;
        }
        this.held = { generation: r.generation, layout };
        this.files = new Set(layout.files);
        const base = this.sent;
        this.post({ type: 'patch', generation: ++this.sent, base, patch: r.patch });
      } else if (r) {
        this.held = { generation: r.generation, layout: r.layout };
        this.files = new Set(r.layout.files);
        // The host failed away (renamed, deleted): the simulation ends.
        if (this.failedHost && !r.failure) this.failedHost = null;
        this.post({ type: 'layout', generation: ++this.sent, layout: r.layout, failure: r.failure });
      }
    } catch (err) {
      this.held = undefined;
      this.post({ type: 'error', message: `The layout is not available: ${err instanceof Error ? err.message : String(err)}` });
    } finally {
      this.inFlight = false;
      if (this.again) {
        this.again = false;
        void this.refresh();
      }
    }
  }

  private tryPatch(layout: Layout, patch: LayoutPatch): Layout | undefined {
    try {
      return applyLayoutPatch(layout, patch);
    } catch {
      return undefined;
    }
  }

  /** Messages from the webview: checked, since the page shows untrusted names. */
  private onMessage(raw: unknown): void {
    const m = raw as WebviewToHost;
    if (!m || typeof m !== 'object' || typeof m.type !== 'string') return;
    switch (m.type) {
      case 'ready':
        // A (re)loaded webview holds nothing: it gets the whole layout.
        this.ready = true;
        this.held = undefined;
        void this.refresh();
        break;
      case 'resync':
        this.held = undefined;
        void this.refresh();
        break;
      case 'simulateFailure':
        if (m.host !== null && typeof m.host !== 'string') return;
        this.failedHost = m.host;
        void this.refresh();
        break;
      case 'reveal':
        if (isRef(m.ref) && this.files.has(m.ref.file)) void this.reveal(m.ref);
        break;
      case 'exportSvg':
        if (typeof m.svg === 'string' && m.svg.length <= MAX_SVG_CHARS) void this.exportSvg(m.svg);
        break;
    }
  }

  private async reveal(ref: SourceRef): Promise<void> {
    try {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(ref.file));
      const range = new vscode.Range(doc.positionAt(ref.start), doc.positionAt(ref.end));
      const column = this.panel.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Beside : vscode.ViewColumn.One;
      await vscode.window.showTextDocument(doc, { viewColumn: column, selection: range, preserveFocus: false });
    } catch (err) {
      void vscode.window.showWarningMessage(`Cannot open the definition: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private async exportSvg(svg: string): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, 'host-layout.svg') : undefined,
      filters: { 'SVG image': ['svg'] },
      saveLabel: 'Export',
    });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n${svg}\n`, 'utf8'));
    void vscode.window.showInformationMessage(`Host layout exported to ${vscode.workspace.asRelativePath(target)}.`);
  }
}

function isRef(x: unknown): x is SourceRef {
  const r = x as SourceRef | undefined;
  return !!r && typeof r.file === 'string' && Number.isInteger(r.start) && Number.isInteger(r.end) && r.start >= 0 && r.end >= r.start;
}
