// The estate-scale row of `npm run bench`: 100,000 workloads over a workspace of 101
// files (one of hosts, 100 of 1,000 workloads). Our server is started on the folder and
// one file is opened before its scan ends: the time to that file's first diagnostics,
// then to its full set (fleet-wide findings included). Then one-character edits of two
// kinds (an `os:` value, which placement reads, and a `description:`, which it does
// not), each timed to its diagnostics and set beside a full re-analysis of the whole
// workspace in-process, whose diagnostics for the file the server's must equal.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as P from 'vscode-languageserver-protocol';
import { analyze } from '../server/src/core/analyze';
import { defaultConfig } from '../server/src/core/config';
import { parseFile } from '../server/src/core/parse';
import type { ParsedFile } from '../server/src/core/types';
import { toLspDiagnostics } from '../server/src/features/diagnostics';
import { generateWorkspace } from './generate';
import { LspClient, type ServerSpec, withTimeout } from './lspClient';
import { fmt, type Stat, stat } from './main';

const TIMEOUT = 300_000;

export interface WorkspaceResult {
  files: number;
  workloads: number;
  hosts: number;
  chars: number;
  /** Open one file before the scan ends → its first diagnostics, and → its full set. */
  firstDiagnosticsMs?: number;
  fullDiagnosticsMs?: number;
  /**
   * Edits that placement reads (`os:`) and that it does not (`description:`), after the
   * first ones; those (`…FirstMs`) are timed apart, as V8 is still compiling the server's
   * per-edit code while they run.
   */
  placementEditMs?: Stat;
  plainEditMs?: Stat;
  placementFirstMs?: Stat;
  plainFirstMs?: Stat;
  /** The same edits, a full re-analysis of the workspace in-process (parse of the edited file + analyze). */
  placementFullMs?: Stat;
  plainFullMs?: Stat;
  /** Edits whose diagnostics equalled the full re-analysis's, of those measured. */
  equal?: number;
  measured?: number;
  peakRssBytes?: number;
  error?: string;
}

export async function runWorkspaceBench(tmp: string, spec: ServerSpec, opts: { files: number; perFile: number; edits: number }): Promise<WorkspaceResult> {
  const g = generateWorkspace({ files: opts.files, perFile: opts.perFile, seed: 42 });
  const dir = join(tmp, `estate-${g.workloads}`);
  mkdirSync(dir, { recursive: true });
  let chars = 0;
  for (const [name, text] of g.files) {
    writeFileSync(join(dir, name), text);
    chars += text.length;
  }
  const result: WorkspaceResult = { files: g.files.size, workloads: g.workloads, hosts: g.hosts, chars };
  // The file opened: one in the middle, with a `linux` value and a description to edit.
  const names = [...g.parts.keys()];
  const name = names[names.length >> 1];
  const text0 = g.files.get(name)!;
  const osAt = g.parts.get(name)!.osValues.find((o) => text0.startsWith('linux\n', o));
  const descKey = text0.indexOf('    description: ');
  if (osAt === undefined || descKey < 0) throw new Error(`${name} has no \`os: linux\` or no description to edit`);
  const descAt = text0.indexOf('\n', descKey) - 1;
  const uri = pathToFileURL(join(dir, name)).href;

  // The reference: every file parsed once, then a full analysis after each edit.
  const config = defaultConfig();
  const parsed = new Map<string, ParsedFile>();
  for (const [n, t] of g.files) parsed.set(n, parseFile(pathToFileURL(join(dir, n)).href, t));
  const full = (text: string): { ms: number; expected: string } => {
    const t = performance.now();
    const p = parseFile(uri, text);
    parsed.set(name, p);
    const a = analyze([...parsed.values()], config);
    const ms = performance.now() - t;
    return { ms, expected: canonical(toLspDiagnostics(p, a.diagnostics.get(uri) ?? [])) };
  };
  const expected0 = full(text0).expected;

  const client = new LspClient(spec);
  try {
    await withTimeout(client.initialize(pathToFileURL(dir).href), 60_000, 'initialize');
    const t0 = performance.now();
    await client.open(uri, text0, 'workload-descriptor');
    // The first answer with anything in it, then the full set (equal to the reference's).
    for (;;) {
      const d = await withTimeout(client.pull(uri), TIMEOUT, 'open → diagnostics');
      const now = performance.now() - t0;
      if (d.length && result.firstDiagnosticsMs === undefined) result.firstDiagnosticsMs = now;
      if (canonical(d) === expected0) {
        result.fullDiagnosticsMs = now;
        break;
      }
      if (now > TIMEOUT) throw new Error('the full diagnostics never came');
      await new Promise((r) => setTimeout(r, 5));
    }

    let text = text0;
    let version = 1;
    const lineCol = (offset: number): P.Position => {
      const start = text.lastIndexOf('\n', offset - 1) + 1;
      let line = 0;
      for (let i = text.indexOf('\n'); i >= 0 && i < start; i = text.indexOf('\n', i + 1)) line++;
      return { line, character: offset - start };
    };
    // Where the two edits are now: each moves the other when it comes first.
    const at = { os: osAt + 4, desc: descAt };
    const times = { placement: [] as number[], plain: [] as number[], placementFirst: [] as number[], plainFirst: [] as number[], placementFull: [] as number[], plainFull: [] as number[] };
    let equal = 0;
    let measured = 0;
    // `edits` of each kind right after opening, then as many again: every one compared.
    for (let k = 0; k < opts.edits * 4; k++) {
      const first = k < opts.edits * 2;
      const placement = k % 2 === 0;
      // Each kind alternates: the character goes, then comes back.
      const remove = (k >> 1) % 2 === 0;
      const here = placement ? at.os : at.desc;
      const pos = lineCol(here);
      const range: P.Range = remove ? { start: pos, end: { line: pos.line, character: pos.character + 1 } } : { start: pos, end: pos };
      const inserted = placement ? 'x' : text0[descAt];
      text = remove ? text.slice(0, here) + text.slice(here + 1) : text.slice(0, here) + inserted + text.slice(here);
      const other = placement ? 'desc' : 'os';
      if (at[other] > here) at[other] += remove ? -1 : 1;
      version++;
      const t = performance.now();
      await client.change(uri, version, range, remove ? '' : inserted);
      // A pull after the change answers for it: the server analyses before it answers.
      const d = await withTimeout(client.pull(uri), TIMEOUT, 'edit → diagnostics');
      const took = performance.now() - t;
      if (first) (placement ? times.placementFirst : times.plainFirst).push(took);
      else (placement ? times.placement : times.plain).push(took);
      const ref = full(text);
      (placement ? times.placementFull : times.plainFull).push(ref.ms);
      measured++;
      if (canonical(d) === ref.expected) equal++;
    }
    result.placementEditMs = stat(times.placement);
    result.plainEditMs = stat(times.plain);
    result.placementFirstMs = stat(times.placementFirst);
    result.plainFirstMs = stat(times.plainFirst);
    result.placementFullMs = stat(times.placementFull);
    result.plainFullMs = stat(times.plainFull);
    result.equal = equal;
    result.measured = measured;
    result.peakRssBytes = client.peakRss();
  } catch (err) {
    result.error = `${err instanceof Error ? err.message : String(err)}${client.stderr ? ` | server stderr: ${client.stderr.slice(-400)}` : ''}`;
    result.peakRssBytes ??= client.peakRss();
  } finally {
    await client.stop().catch(() => client.child.kill('SIGKILL'));
  }
  return result;
}

/** Diagnostics as JSON text, as they travel (fields left undefined are dropped). */
function canonical(d: readonly P.Diagnostic[]): string {
  return JSON.stringify(d);
}

function ratio(a: Stat | undefined, b: Stat | undefined): string {
  if (!a || !b || !b.median) return 'n/a';
  const r = a.median / b.median;
  return r >= 10 ? `${Math.round(r)}×` : `${r.toFixed(r < 0.1 ? 3 : 2)}×`;
}

export function workspaceMarkdown(r: WorkspaceResult): string {
  const ms = (x: number | undefined) => (x === undefined ? 'n/a' : `${fmt(x)} ms`);
  const cell = (s: Stat | undefined) => (s ? `${fmt(s.median)} ms (${fmt(s.min)}–${fmt(s.max)})` : 'n/a');
  const lines: string[] = [];
  lines.push(`#### ${r.workloads.toLocaleString('en-US')} workloads in ${r.files} files, ${r.hosts.toLocaleString('en-US')} hosts (${(r.chars / 1048576).toFixed(1)} MB): language server`);
  lines.push('');
  lines.push('| | Ours (incremental) | Full re-analysis | Ours / full |');
  lines.push('|---|---|---|---|');
  lines.push(`| open one file before the scan ends → its first diagnostics | ${ms(r.firstDiagnosticsMs)} | | |`);
  lines.push(`| → its full diagnostics (fleet-wide ones included) | ${ms(r.fullDiagnosticsMs)} | | |`);
  const first = r.placementFirstMs ? `the first ${r.placementFirstMs.runs.length} after opening (ours warming up)` : '';
  if (r.placementFirstMs) lines.push(`| edit placement reads (\`os:\`) → diagnostics, ${first} | ${cell(r.placementFirstMs)} | ${cell(r.placementFullMs)} | ${ratio(r.placementFirstMs, r.placementFullMs)} |`);
  lines.push(`| edit placement reads (\`os:\`) → diagnostics${first ? ', after those' : ''} | ${cell(r.placementEditMs)} | ${cell(r.placementFullMs)} | ${ratio(r.placementEditMs, r.placementFullMs)} |`);
  if (r.plainFirstMs) lines.push(`| edit placement does not read (\`description:\`) → diagnostics, ${first} | ${cell(r.plainFirstMs)} | ${cell(r.plainFullMs)} | ${ratio(r.plainFirstMs, r.plainFullMs)} |`);
  lines.push(`| edit placement does not read (\`description:\`) → diagnostics${first ? ', after those' : ''} | ${cell(r.plainEditMs)} | ${cell(r.plainFullMs)} | ${ratio(r.plainEditMs, r.plainFullMs)} |`);
  lines.push(`| peak RSS | ${r.peakRssBytes === undefined ? 'n/a' : `${Math.round(r.peakRssBytes / 2 ** 20).toLocaleString('en-US')} MiB`} | | |`);
  lines.push(`| diagnostics equal to a full re-analysis's | ${r.equal ?? 0} of ${r.measured ?? 0} edits | | |`);
  if (r.error) lines.push(`\n> ours failed: ${r.error.replace(/\n/g, ' ')}`);
  lines.push('');
  return `${lines.join('\n')}\n`;
}
