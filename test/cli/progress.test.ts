// Progress on large inputs: shown on stderr when it is a terminal (a pseudo-terminal
// from util-linux `script`), never mixed into stdout, never shown with --quiet.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { PROGRESS_MIN_FILES } from '../../server/src/cli/progress';
import { CLI, cleanEnv, tempTree } from './helpers';

const hasScript = spawnSync('script', ['--version']).status === 0;

function manyFiles(n: number): string {
  const files: Record<string, string> = {};
  for (let i = 0; i < n; i++) files[`w${i}.workload.yaml`] = `version: 1\nworkloads:\n  - name: w${i}\n    os: linux\n    architecture: batch\n`;
  return tempTree(files);
}

/** Runs a shell command line under a pseudo-terminal; returns what the terminal showed. */
function onTerminal(command: string, cwd: string): { code: number | null; screen: string } {
  const r = spawnSync('script', ['-qec', command, '/dev/null'], { cwd, env: cleanEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
  return { code: r.status, screen: r.stdout };
}

describe('progress', { skip: hasScript ? false : 'util-linux `script` is not installed' }, () => {
  const n = PROGRESS_MIN_FILES + 10;
  const dir = manyFiles(n);
  const node = JSON.stringify(process.execPath);
  const cli = JSON.stringify(CLI);

  it('is shown on a terminal for many files, while stdout stays pure JSON', () => {
    const { code, screen } = onTerminal(`${node} ${cli} check . --format json > out.json`, dir);
    assert.equal(code, 0, screen);
    assert.match(screen, new RegExp(`Reading 1/${n} files…`));
    assert.match(screen, new RegExp(`Analysing ${n} files…`));
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'out.json'), 'utf8')) as { files: string[] };
    assert.equal(report.files.length, n);
  });

  it('is not shown with --quiet or for a few files', () => {
    assert.doesNotMatch(onTerminal(`${node} ${cli} check . --quiet`, dir).screen, /Reading|Analysing/);
    const few = manyFiles(3);
    assert.doesNotMatch(onTerminal(`${node} ${cli} check .`, few).screen, /Reading|Analysing/);
  });

  it('colours the text report on a terminal', () => {
    const { screen } = onTerminal(`${node} ${cli} check .`, manyFiles(2));
    assert.match(screen, /\u001b\[/);
  });
});
