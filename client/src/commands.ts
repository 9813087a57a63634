// Command ids the client registers (declared in package.json `contributes.commands`).
// Kept apart from extension.ts so tests can read them without loading vscode.

export const COMMANDS = {
  restartServer: 'workloadPlacement.restartServer',
  showOutput: 'workloadPlacement.showOutput',
  openRuleDocs: 'workloadPlacement.openRuleDocs',
  /** Registered by layoutPanel.ts. */
  showHostLayout: 'workloadPlacement.showHostLayout',
} as const;

/** The settings section the server reads; `workloadPlacement.trace.server` is the client's. */
export const SETTINGS_SECTION = 'workloadPlacement';
export const LANGUAGE_ID = 'workload-descriptor';
