// `workload-placement export k8s <paths...> --out DIR`: read and analyse the descriptors
// as `check` does, turn the plan into Kubernetes objects (export/k8s.ts, pure) and write
// them. This module only reads, writes and reports.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze } from '../core/analyze';
import { exportK8s, type K8sExport } from '../export/k8s';
import { parseOptions, UsageError } from './args';
import { displayPath } from './check';
import { InputError, loadConfig, readFleet } from './inputs';
import { safe, safeJson } from './style';

export const EXPORT_HELP = `Usage: workload-placement export k8s [paths...] --out <folder> [options]

Analyses every *.workload.yaml / *.workload.yml file under the given folders (and the
files named) as one fleet, as \`check\` does, and writes the plan as Kubernetes objects:
a Deployment, StatefulSet or Job for each container and container-in-vm workload (with a
HorizontalPodAutoscaler for elastic scaling and a Kata RuntimeClass for container-in-vm),
a KubeVirt VirtualMachine for each vm workload, one file per workload, and a
kustomization.yaml listing them. A workload's declared deploy: is exported when the
fleet can run it, otherwise the recommendation.

Options:
  --out <folder>          Where to write (created if missing; its parent must exist)
  --force                 Overwrite files that already exist (never a symbolic link)
  --format <text|json>    The summary on stdout (default: text)
  --config <path>         Use this configuration file instead of the nearest
                          .workload-placement.json
  -h, --help              Show this help

Exit codes: 0 written, 1 written but the descriptors have errors (see \`check\`),
2 usage error, unreadable input, or files that exist without --force (nothing written).`;

export interface ExportIo {
  cwd: string;
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
}

/** The summary `--format json` prints (fields may be added, none renamed). */
export interface ExportSummary {
  version: 1;
  out: string;
  written: { file: string; workloads: string[]; kinds: string[] }[];
  exported: { workload: string; name: string; source: string; verdict: string | null; deploy: string; file: string; kinds: string[]; notes: string[] }[];
  skipped: { workload: string | null; source: string; reason: string }[];
  errors: number;
}

export function runExport(args: string[], io: ExportIo = { cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr }): number {
  const { values, positionals } = parseOptions({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      out: { type: 'string' },
      force: { type: 'boolean' },
      format: { type: 'string' },
      config: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(`${EXPORT_HELP}\n`);
    return 0;
  }
  const [target, ...rest] = positionals;
  if (target === undefined) throw new UsageError('export needs a target: `workload-placement export k8s <paths...> --out <folder>`.');
  if (target !== 'k8s') throw new UsageError(`Unknown export target '${safe(target)}' (targets: k8s).`);
  const format = (values.format as string | undefined) ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not '${safe(format)}'.`);
  const outArg = values.out as string | undefined;
  if (outArg === undefined || !outArg.trim()) throw new UsageError('export k8s needs --out <folder>.');
  if (values.config !== undefined && !String(values.config).trim()) throw new UsageError('--config needs a path.');
  const force = Boolean(values.force);

  const paths = rest.length ? rest : ['.'];
  const loaded = loadConfig(io.cwd, values.config as string | undefined, paths[0]);
  for (const n of loaded.notes ?? []) io.stderr.write(`workload-placement: ${n}\n`);
  const display = (abs: string) => displayPath(io.cwd, abs);
  const { parsed, ignored } = readFleet(io.cwd, paths, loaded, display);
  if (!parsed.length) {
    if (!ignored.length) throw new InputError(`No descriptor files (*.workload.yaml, *.workload.yml), Kubernetes manifests or Compose files found in ${paths.map(safe).join(', ')}.`);
    // As `check` does: not an error, but nothing to do (and nothing written).
    io.stderr.write(`workload-placement: every descriptor found is ignored by the configuration (${ignored.length}); nothing exported.\n`);
    return 0;
  }
  const analysis = analyze(parsed, loaded.config);
  let errors = 0;
  for (const list of analysis.diagnostics.values()) errors += list.filter((d) => d.severity === 'error').length;
  const result = exportK8s(analysis, parsed, { display });

  const outDir = path.resolve(io.cwd, outArg);
  prepareFolder(outDir, outArg);
  // Every target is checked before anything is written: a refused run writes nothing.
  const blocked: string[] = [];
  for (const f of result.files) {
    const reason = blockedReason(path.join(outDir, f.path), force);
    if (reason) blocked.push(`  ${safe(path.join(outArg, f.path))}: ${reason}`);
  }
  if (blocked.length) {
    throw new InputError(`Nothing written: ${blocked.length} file(s) in the way${force ? '' : ' (use --force to overwrite)'}:\n${blocked.join('\n')}`);
  }
  for (const f of result.files) {
    const p = path.join(outDir, f.path);
    try {
      // Without --force, 'wx' refuses a file that appeared since the check.
      fs.writeFileSync(p, f.text, { encoding: 'utf8', flag: force ? 'w' : 'wx' });
    } catch (e) {
      throw new InputError(`Cannot write ${safe(path.join(outArg, f.path))}: ${safe((e as Error).message)}`);
    }
  }

  const summary = summarize(result, display(outDir), errors);
  io.stdout.write(format === 'json' ? `${safeJson(JSON.stringify(summary, null, 2))}\n` : formatSummary(summary));
  if (errors > 0) {
    io.stderr.write(`workload-placement: the descriptors have ${errors} error(s); the export follows the engine's verdicts, but run \`workload-placement check\` and fix them.\n`);
    return 1;
  }
  return 0;
}

/** Creates the output folder when missing (not its parents: a typo should not build a tree). */
function prepareFolder(outDir: string, shown: string): void {
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(outDir);
  } catch {
    st = undefined;
  }
  if (st && !st.isDirectory()) throw new InputError(`--out ${safe(shown)} is not a folder.`);
  if (st) return;
  try {
    fs.mkdirSync(outDir);
  } catch (e) {
    throw new InputError(`Cannot create the folder ${safe(shown)}: ${safe((e as Error).message)}`);
  }
}

/** Why a target may not be written, or undefined. */
function blockedReason(p: string, force: boolean): string | undefined {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(p);
  } catch {
    return undefined;
  }
  if (st.isSymbolicLink()) return 'a symbolic link (never written through)';
  if (!st.isFile()) return 'not a regular file';
  return force ? undefined : 'exists';
}

export function summarize(result: K8sExport, out: string, errors: number): ExportSummary {
  const byFile = new Map<string, { workloads: string[]; kinds: string[] }>();
  for (const e of result.exported) byFile.set(e.file, { workloads: [e.workload], kinds: e.objects.map((o) => o.kind) });
  return {
    version: 1,
    out,
    written: result.files.map((f) => ({
      file: f.path,
      workloads: byFile.get(f.path)?.workloads ?? [],
      kinds: byFile.get(f.path)?.kinds ?? (f.path === 'kustomization.yaml' ? ['Kustomization'] : ['RuntimeClass']),
    })),
    exported: result.exported.map((e) => ({
      workload: e.workload,
      name: e.name,
      source: e.source,
      verdict: e.verdict,
      deploy: e.deploy,
      file: e.file,
      kinds: e.objects.map((o) => o.kind),
      notes: e.notes,
    })),
    skipped: result.skipped.map((s) => ({ workload: s.workload ?? null, source: s.source, reason: s.reason })),
    errors,
  };
}

/** The text summary: what was written, from where, what was skipped and why. Descriptor text escaped. */
export function formatSummary(s: ExportSummary): string {
  const lines: string[] = [];
  lines.push(`Wrote ${s.written.length} file${s.written.length === 1 ? '' : 's'} to ${safe(s.out)}:`);
  for (const e of s.exported) {
    const kinds = [...new Set(e.kinds)].map((k) => `${k}${e.kinds.filter((x) => x === k).length > 1 ? ` ×${e.kinds.filter((x) => x === k).length}` : ''}`).join(' + ');
    lines.push(`  ${safe(e.file)}  ${kinds} (${e.deploy})  from ${safe(e.workload)} at ${safe(e.source)}`);
    for (const n of e.notes) lines.push(`    note: ${safe(n)}`);
  }
  for (const w of s.written) if (!w.workloads.length) lines.push(`  ${safe(w.file)}  ${w.kinds.join(' + ')}`);
  if (s.skipped.length) {
    lines.push('', `Skipped ${s.skipped.length}:`);
    for (const k of s.skipped) lines.push(`  ${k.workload === null ? '(unnamed)' : safe(k.workload)} at ${safe(k.source)}: ${safe(k.reason)}`);
  }
  const count = (d: string) => s.exported.filter((e) => e.deploy === d).length;
  lines.push(
    '',
    `${s.exported.length} workload${s.exported.length === 1 ? '' : 's'} exported (${count('container')} container, ${count('container-in-vm')} container-in-vm, ${count('vm')} vm), ${s.skipped.length} skipped; ${s.errors} error${s.errors === 1 ? '' : 's'} in the descriptors.`,
  );
  return `${lines.join('\n')}\n`;
}
