// The status bar item: the server's state (starting, ready, restarting, stopped) and
// the number of problems it reports. Clicking it shows the output.

import * as vscode from 'vscode';

export type ServerState = 'starting' | 'ready' | 'restarting' | 'stopped';

const ICON: Record<ServerState, string> = {
  starting: '$(loading~spin)',
  ready: '$(check)',
  restarting: '$(sync~spin)',
  stopped: '$(error)',
};

const TOOLTIP: Record<ServerState, string> = {
  starting: 'Workload Placement: the server is starting.',
  ready: 'Workload Placement: the server is running.',
  restarting: 'Workload Placement: the server stopped and is being restarted.',
  stopped: 'Workload Placement: the server is not running. Click for its output; run "Workload Placement: Restart Server" to start it.',
};

export class ServerStatus implements vscode.Disposable {
  readonly item: vscode.StatusBarItem;
  state: ServerState = 'starting';
  problems = 0;

  constructor(showOutputCommand: string) {
    this.item = vscode.window.createStatusBarItem('workloadPlacement.status', vscode.StatusBarAlignment.Left, 10);
    this.item.name = 'Workload Placement';
    this.item.command = showOutputCommand;
    this.render();
    this.item.show();
  }

  set(state: ServerState): void {
    this.state = state;
    this.render();
  }

  setProblems(n: number): void {
    this.problems = n;
    this.render();
  }

  private render(): void {
    const problems = this.state === 'ready' && this.problems > 0 ? ` $(warning) ${this.problems}` : '';
    this.item.text = `${ICON[this.state]} Workload Placement${problems}`;
    this.item.tooltip = TOOLTIP[this.state] + (problems ? ` ${this.problems} problem${this.problems === 1 ? '' : 's'} in descriptor files.` : '');
    this.item.backgroundColor = this.state === 'stopped' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  }

  dispose(): void {
    this.item.dispose();
  }
}
