// Dispatches a command line to its command and maps every failure to an exit code with
// a message: 2 for usage and input problems, never a stack trace for those.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { CHECK_HELP, HELP, IMPORT_HELP, parseCommand, RULES_HELP, UsageError } from './args';
import { runCheck } from './check';
import { runExport } from './export';
import { runImport } from './import';
import { runManifestImport } from './importManifests';
import { InputError } from './inputs';
import { runRules } from './rules';
import { safeLines } from './style';

export async function main(argv: readonly string[]): Promise<number> {
  const { stdout, stderr } = process;
  try {
    const cmd = parseCommand(argv);
    switch (cmd.kind) {
      case 'help':
        stdout.write(`${cmd.topic === 'check' ? CHECK_HELP : cmd.topic === 'rules' ? RULES_HELP : cmd.topic === 'import' ? IMPORT_HELP : HELP}\n`);
        return 0;
      case 'version':
        stdout.write(`${toolVersion()}\n`);
        return 0;
      case 'rules':
        stdout.write(runRules(cmd.format, cmd.ids));
        return 0;
      case 'layout':
        return await runLayoutCommand(cmd.args);
      case 'export':
        return runExport(cmd.args);
      case 'import':
        if (cmd.options.source === 'manifests') return runManifestImport(cmd.options, { cwd: process.cwd(), stdout, stderr });
        return await runImport(cmd.options, { cwd: process.cwd(), stdout, stderr });
      case 'check':
        return await runCheck(cmd.options, { cwd: process.cwd(), env: process.env, stdout, stderr, toolVersion: toolVersion() });
    }
  } catch (e) {
    if (e instanceof UsageError) {
      stderr.write(`workload-placement: ${safeLines(e.message)}\nRun \`workload-placement --help\` for usage.\n`);
      return 2;
    }
    if (e instanceof InputError) {
      stderr.write(`workload-placement: ${safeLines(e.message)}\n`);
      return 2;
    }
    stderr.write(`workload-placement: internal error: ${safeLines((e as Error)?.stack ?? String(e))}\nPlease report this with the input that caused it.\n`);
    return 2;
  }
}

/**
 * The layout command lives in its own module (cli/layout.ts, owned by the host-layout
 * work). It is loaded with a guarded require so the CLI builds and runs without it.
 */
async function runLayoutCommand(args: string[]): Promise<number> {
  let mod: { runLayout?: (args: string[]) => number | Promise<number> | void | Promise<void> } | undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require('./layout');
  } catch {
    mod = undefined;
  }
  if (!mod?.runLayout) {
    process.stderr.write('workload-placement: the `layout` command is not available in this build.\n');
    return 2;
  }
  const code = await mod.runLayout(args);
  return typeof code === 'number' ? code : 0;
}

export function toolVersion(): string {
  // The bundle lives in dist/, beside the package's package.json one folder up.
  for (const p of [path.join(__dirname, '..', 'package.json'), path.join(__dirname, '..', '..', 'package.json')]) {
    try {
      const pkg = JSON.parse(fs.readFileSync(p, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'workload-placement' && pkg.version) return pkg.version;
    } catch {
      // Try the next location.
    }
  }
  return '0.0.0-unknown';
}
