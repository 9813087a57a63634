// When the server dies, restart it, but not forever: a server that crashes on start
// would otherwise loop. Pure (no vscode import) so the policy is unit-tested.

export interface RestartDecision {
  restart: boolean;
  /** Shown to the user when giving up. */
  message?: string;
}

export class RestartPolicy {
  private restarts: number[] = [];

  constructor(
    readonly maxRestarts = 5,
    readonly windowMs = 3 * 60_000,
  ) {}

  /** The connection to the server closed: restart unless it crashed too often lately. */
  onClosed(now: number): RestartDecision {
    this.restarts = this.restarts.filter((t) => now - t < this.windowMs);
    if (this.restarts.length >= this.maxRestarts) {
      const minutes = Math.round(this.windowMs / 60_000);
      return {
        restart: false,
        message: `The Workload Placement server stopped ${this.maxRestarts + 1} times in ${minutes} minutes and will not be restarted. See "Workload Placement: Show Output", then run "Workload Placement: Restart Server".`,
      };
    }
    this.restarts.push(now);
    return { restart: true };
  }

  /** A transport error; `count` is how many in a row. A few are tolerated. */
  onError(count: number | undefined): 'continue' | 'shutdown' {
    return (count ?? 1) <= 3 ? 'continue' : 'shutdown';
  }

  /** A restart the user asked for starts a new budget. */
  reset(): void {
    this.restarts = [];
  }
}
