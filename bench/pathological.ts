// The "pathological inputs" table of `npm run bench` (issue #14): each shape that used to
// stall a keystroke, at about 100 KB, beside a plain generated descriptor of the same size
// measured in the same run (the baseline of the ratios). For each: the CLI's `check` of
// the file (a fresh process, start-up included), and the latency of a one-character edit
// over the real protocol (the change notification, then the diagnostics pull, which waits
// for the analysis of the change). The goal is ≤ 50 ms per edit for every shape.
//
// Runs on its own with `npm run bench -- --only pathological` (under a minute).

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as P from 'vscode-languageserver-protocol';
import { generate } from './generate';
import { LspClient, type ServerSpec, withTimeout } from './lspClient';

/** The size each shape is built to. */
export const TARGET_CHARS = 100_000;
/** The goal per edit. */
export const EDIT_GOAL_MS = 50;

interface Shape {
  name: string;
  /** Built to about TARGET_CHARS. */
  text: string;
  /** Where the edits type (and delete) one character: inside the pathological part. */
  editAt: number;
}

const pad = (lines: string[], line: (i: number) => string): number => {
  let size = lines.reduce((n, l) => n + l.length + 1, 0);
  let i = 0;
  while (size < TARGET_CHARS) {
    const l = line(i++);
    lines.push(l);
    size += l.length + 1;
  }
  return i;
};

/** The shapes, each about TARGET_CHARS; the first is the plain baseline. */
export function shapes(): Shape[] {
  const out: Shape[] = [];
  const at = (text: string, needle: string, from = text.length >> 1) => {
    const i = text.indexOf(needle, from);
    if (i < 0) throw new Error(`no '${needle}' in a pathological shape`);
    return i + needle.length;
  };

  // The baseline: a plain descriptor of the same size.
  let plain = generate({ workloads: 10, seed: 14 }).text;
  for (let n = 10; plain.length < TARGET_CHARS; n = Math.ceil((n * TARGET_CHARS) / plain.length) + 1) plain = generate({ workloads: n, seed: 14 }).text;
  out.push({ name: 'plain descriptor (baseline)', text: plain, editAt: at(plain, '    os: ') });

  // Aliases: every workload's `os` is an alias of one anchor.
  const aliases = ['version: 1', 'common: &os linux', 'workloads:'];
  pad(aliases, (i) => `  - name: w${i}\n    os: *os`);
  let text = `${aliases.join('\n')}\n`;
  out.push({ name: 'aliases (one per workload)', text, editAt: at(text, '  - name: w') });

  // Unknown keys: in one workload, and at the root.
  const keys = ['version: 1', 'workloads:', '  - name: w', '    os: linux'];
  pad(keys, (i) => `    unknown${i}: x`);
  text = `${keys.join('\n')}\n`;
  out.push({ name: 'unknown keys in one workload', text, editAt: at(text, '    unknown') });
  const root = ['version: 1'];
  pad(root, (i) => `key${i}: x`);
  text = `${root.join('\n')}\nworkloads:\n  - name: w\n    os: linux\n`;
  out.push({ name: 'unknown keys at the root', text, editAt: at(text, '\nkey') });

  // Nesting: past the bound, with a quote in a plain scalar before the brackets.
  text = `version: 1\nworkloads:\n  - name: w\n    os: linux\n    x: [a"b, ${'['.repeat(TARGET_CHARS - 50)}\n`;
  out.push({ name: 'nesting (100,000 brackets)', text, editAt: at(text, 'name: w', 0) });

  // Long lines: one 100 KB quoted value, and one 100 KB plain one.
  text = `version: 1\nworkloads:\n  - name: w\n    os: linux\n    description: "${'lorem ipsum '.repeat(TARGET_CHARS / 12)}"\n  - name: v\n    os: linux\n`;
  out.push({ name: 'one long line (quoted)', text, editAt: at(text, 'lorem ') });
  text = `version: 1\nworkloads:\n  - name: w\n    os: linux\n    description: ${'lorem-ipsum '.repeat(TARGET_CHARS / 12)}\n  - name: v\n    os: linux\n`;
  out.push({ name: 'one long line (plain)', text, editAt: at(text, 'lorem-') });

  // Suppression comments on every line of a plain descriptor.
  text = plain.replace(/^( {4}os: .*)$/gm, '$1 # placement-ignore: deploy-against-recommendation');
  out.push({ name: 'suppression comments (one per workload)', text, editAt: at(text, '    os: ') });
  return out;
}

export interface PathologicalRow {
  shape: string;
  chars: number;
  cliMs: number;
  editMs: number;
  editMaxMs: number;
  diagnostics: number;
}

export interface PathologicalResult {
  rows: PathologicalRow[];
  error?: string;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Runs the table: `root` is the repository, `tmp` a scratch folder, `server` our server's spec. */
export async function runPathological(root: string, tmp: string, server: ServerSpec, edits = 10, cliRuns = 3): Promise<PathologicalResult> {
  const rows: PathologicalRow[] = [];
  const client = new LspClient(server);
  try {
    await withTimeout(client.initialize(null), 60_000, 'initialize');
    for (const [k, s] of shapes().entries()) {
      const file = join(tmp, `pathological-${k}.workload.yaml`);
      writeFileSync(file, s.text);
      const cli: number[] = [];
      for (let r = 0; r < cliRuns; r++) {
        const t = performance.now();
        // Its report (thousands of lines for some shapes) goes to /dev/null.
        const p = spawnSync(process.execPath, [join(root, 'bin', 'workload-placement.js'), 'check', file], { encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'ignore', 'pipe'] });
        cli.push(performance.now() - t);
        if (p.status !== 0 && p.status !== 1) throw new Error(`check ${s.name}: exit ${p.status ?? p.signal ?? p.error?.message} ${p.stderr?.slice(0, 300) ?? ''}`);
      }
      const uri = pathToFileURL(file).href;
      await client.open(uri, s.text, 'workload-descriptor');
      const first = await withTimeout(client.pull(uri), 120_000, `open ${s.name}`);
      const pos = positionOf(s.text, s.editAt);
      const ms: number[] = [];
      let version = 1;
      // One warm-up pair, then the measured edits: a character typed, then deleted.
      for (let e = 0; e < edits + 2; e++) {
        const typing = e % 2 === 0;
        const range: P.Range = typing ? { start: pos, end: pos } : { start: pos, end: { line: pos.line, character: pos.character + 1 } };
        const t = performance.now();
        await client.change(uri, ++version, range, typing ? 'x' : '');
        await withTimeout(client.pull(uri), 120_000, `edit ${s.name}`);
        if (e >= 2) ms.push(performance.now() - t);
      }
      await client.close(uri);
      rows.push({ shape: s.name, chars: s.text.length, cliMs: median(cli), editMs: median(ms), editMaxMs: Math.max(...ms), diagnostics: first.length });
      console.log(`  ${s.name}: ${(s.text.length / 1000).toFixed(0)} KB, check ${median(cli).toFixed(0)} ms, edit ${median(ms).toFixed(1)} ms (max ${Math.max(...ms).toFixed(1)}), ${first.length} diagnostics`);
    }
  } catch (err) {
    return { rows, error: err instanceof Error ? err.message : String(err) };
  } finally {
    await client.stop().catch(() => client.child.kill('SIGKILL'));
  }
  return { rows };
}

function positionOf(text: string, offset: number): P.Position {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

export function pathologicalMarkdown(r: PathologicalResult): string {
  const lines = ['#### Pathological inputs (about 100 KB each)', ''];
  lines.push(
    `\`check\` is the CLI on the file alone (a fresh process, start-up included); an edit is one character typed or deleted inside the pathological part, timed from the change notification to the diagnostics pull's answer (median of the measured edits, and the slowest). Ratios are against the plain descriptor of the same size in the same run. Goal: ≤ ${EDIT_GOAL_MS} ms per edit.`,
  );
  lines.push('');
  lines.push('| Shape | Size | `check` | / plain | Edit → diagnostics | / plain | Slowest edit | ≤ 50 ms |');
  lines.push('|---|---|---|---|---|---|---|---|');
  const base = r.rows[0];
  for (const x of r.rows) {
    const ratio = (a: number, b: number | undefined) => (b ? `${(a / b).toFixed(1)}×` : '');
    lines.push(
      `| ${x.shape} | ${(x.chars / 1000).toFixed(0)} KB | ${x.cliMs.toFixed(0)} ms | ${ratio(x.cliMs, base?.cliMs)} | ${x.editMs.toFixed(1)} ms | ${ratio(x.editMs, base?.editMs)} | ${x.editMaxMs.toFixed(1)} ms | ${x.editMs <= EDIT_GOAL_MS ? 'yes' : '**no**'} |`,
    );
  }
  if (r.error) lines.push('', `> The table stopped: ${r.error.replace(/\n/g, ' ')}`);
  lines.push('');
  return lines.join('\n');
}
