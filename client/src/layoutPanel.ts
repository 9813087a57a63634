// Placeholder: the host layout panel (`workloadPlacement.showHostLayout`) is filled in
// by the placement/webview work. extension.ts calls this once the client exists.

import type * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

export function registerLayoutPanel(context: vscode.ExtensionContext, client: LanguageClient): void {
  void context;
  void client;
}
