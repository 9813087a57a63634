// `workload-placement import rvtools <export> --out DIR`: read the export
// (import/rvtoolsRead.ts), map it (import/rvtools.ts), write the files, print what was
// written and what was skipped. Problems with the input or the output folder are
// InputErrors (exit 2); nothing is written unless every file can be.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { mapRvtools, type OutputFile, type Skipped, VHOST_COLUMNS, VINFO_COLUMNS, writeDescriptors } from '../import/rvtools';
import { ReadError, readExport } from '../import/rvtoolsRead';
import type { ImportCommandOptions } from './args';
import { displayPath } from './check';
import { InputError } from './inputs';
import { Progress } from './progress';
import { safe } from './style';

export interface ImportIo {
  cwd: string;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WriteStream;
}

/** How many names a summary line lists before "and N more". */
const LIST_NAMES = 8;

export async function runImport(opts: ImportCommandOptions, io: ImportIo): Promise<number> {
  const input = path.resolve(io.cwd, opts.input);
  const out = path.resolve(io.cwd, opts.out);
  const display = (abs: string) => safe(displayPath(io.cwd, abs));
  const progress = new Progress(io.stderr, !opts.quiet && (opts.progress || Boolean(io.stderr.isTTY)));
  try {
    checkOutFolder(out, display(out));
    let read;
    try {
      read = await readExport(input, display(input), (m) => progress.update(m, true));
    } catch (e) {
      if (e instanceof ReadError) throw new InputError(e.message);
      throw e;
    }
    const mapped = mapRvtools(read.sheets, {
      includePoweredOff: opts.includePoweredOff,
      onRow: (done, total) => progress.update(`Mapping ${done}/${total} VMs…`),
    });
    if (!mapped.ok) throw new InputError(`${display(input)} is not a usable RVTools export:\n  ${mapped.problems.map(safe).join('\n  ')}`);
    const { model } = mapped;
    progress.update('Writing descriptors…', true);
    const files = writeDescriptors(model, { source: path.basename(input), pinCurrentHost: opts.pinCurrentHost, perFile: opts.perFile });
    writeFiles(out, files, opts.force, display, (i) => progress.update(`Writing ${i + 1}/${files.length} files…`));
    progress.done();

    if (opts.quiet) return 0;
    const lines: string[] = [];
    const vInfoRows = read.sheets.vInfo?.rows.length ?? 0;
    const vHostRows = read.sheets.vHost?.rows.length ?? 0;
    lines.push(`Read ${display(input)} (${read.kind}): vInfo ${vInfoRows} row${vInfoRows === 1 ? '' : 's'}, vHost ${vHostRows} row${vHostRows === 1 ? '' : 's'}.`);
    lines.push(`Wrote ${files.length} file${files.length === 1 ? '' : 's'} to ${display(out)}:`);
    const width = Math.max(...files.map((f) => display(path.join(out, f.name)).length));
    for (const f of files) {
      const what = f.hosts || !f.workloads ? plural(f.hosts, 'host') : plural(f.workloads, 'workload');
      lines.push(`  ${display(path.join(out, f.name)).padEnd(width)}  ${what}`);
    }
    lines.push(`Imported ${plural(model.vms.length, 'VM')} and ${plural(model.hosts.length, 'ESXi host')}.`);
    lines.push(...skippedLines(model.skipped));
    const notes: string[] = [];
    const absent = [
      ...VINFO_COLUMNS.filter((c) => !c.required && !c.key.startsWith('os') && !(c.key in model.columns.vInfo)).map((c) => `vInfo '${c.aliases[0]}'`),
      ...VHOST_COLUMNS.filter((c) => !c.required && !(c.key in model.columns.vHost)).map((c) => `vHost '${c.aliases[0]}'`),
    ];
    if (absent.length) notes.push(`Optional columns not in the export (what they give is left out${absent.some((a) => /Powerstate|Template/.test(a)) ? '; without Powerstate or Template no VM is skipped for it' : ''}): ${absent.join(', ')}.`);
    const renamed = model.vms.filter((v) => v.name !== v.original).length;
    if (renamed) notes.push(`${plural(renamed, 'VM')} renamed to DNS-1123 labels; the original names are the descriptions.`);
    const unknownOs = model.vms.filter((v) => !v.os);
    if (unknownOs.length) {
      notes.push(
        `${plural(unknownOs.length, 'VM')} with an OS not recognised: \`os\` is left out (and \`check\` reports it) until you set it: ${names(unknownOs.map((v) => `${v.name} (${v.osText || 'no OS given'})`))}`,
      );
    }
    const poweredOff = model.vms.filter((v) => v.poweredOff).length;
    if (poweredOff) notes.push(`${plural(poweredOff, 'powered-off VM')} imported (--include-powered-off), marked with a comment.`);
    const strayHost = model.vms.filter((v) => v.host !== undefined && !v.hostName);
    if (strayHost.length) notes.push(`${plural(strayHost.length, 'VM')} on a host that vHost does not list (its name is a comment, not a pin): ${names(strayHost.map((v) => v.name))}`);
    if (opts.pinCurrentHost) {
      const pinned = model.vms.filter((v) => v.hostName).length;
      notes.push(`${plural(pinned, 'VM')} pinned to the current host (--pin-current-host).`);
    }
    const unreadable = [...model.hosts.map((h) => ({ name: h.name, u: h.unreadable })), ...model.vms.map((v) => ({ name: v.name, u: v.unreadable }))].filter((x) => x.u.length);
    if (unreadable.length) notes.push(`${plural(unreadable.length, 'host or VM', 'hosts or VMs')} with unreadable numbers, left out (see the comments): ${names(unreadable.map((x) => `${x.name} (${x.u.join('; ')})`))}`);
    if (notes.length) lines.push('Notes:', ...notes.map((n) => `  ${n}`));
    lines.push(`Next: workload-placement check ${shellWord(display(out))}`);
    io.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    progress.done();
  }
}

function skippedLines(skipped: readonly Skipped[]): string[] {
  if (!skipped.length) return ['Skipped nothing.'];
  const vms = skipped.filter((s) => s.sheet === 'vInfo');
  const lines = [`Skipped ${plural(vms.length, 'VM')}${skipped.length > vms.length ? ` and ${plural(skipped.length - vms.length, 'vHost row')}` : ''}:`];
  const group = (reason: Skipped['reason'], sheet: Skipped['sheet'], one: string, many: string, why: string) => {
    const hit = skipped.filter((s) => s.reason === reason && s.sheet === sheet);
    if (!hit.length) return;
    lines.push(`  ${plural(hit.length, one, many)} ${why}: ${names(hit.map((s) => (s.original ? s.original : `row ${s.row}`)))}`);
  };
  group('template', 'vInfo', 'template', 'templates', '(not workloads)');
  group('powered off', 'vInfo', 'VM', 'VMs', 'powered off (import them with --include-powered-off)');
  group('no name', 'vInfo', 'row', 'rows', 'without a VM name');
  group('no name', 'vHost', 'vHost row', 'vHost rows', 'without a host name');
  return lines;
}

/** Names, escaped, the first few and a count of the rest. */
export function names(list: readonly string[]): string {
  const shown = list.slice(0, LIST_NAMES).map(safe).join(', ');
  return list.length > LIST_NAMES ? `${shown} and ${list.length - LIST_NAMES} more` : shown;
}

/** A path as one shell word: quoted when it holds anything but letters, digits and `_./-`. */
export function shellWord(p: string): string {
  return /^[\w./-]+$/.test(p) ? p : `'${p.replace(/'/g, "'\\''")}'`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function checkOutFolder(out: string, shown: string): void {
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(out);
  } catch {
    st = undefined;
  }
  if (st && !st.isDirectory()) throw new InputError(`--out ${shown} exists and is not a folder.`);
}

/** All or nothing: refuses before writing when a file exists (without --force) or is not a regular file. */
export function writeFiles(out: string, files: readonly OutputFile[], force: boolean, display: (abs: string) => string, onFile: (i: number) => void): void {
  const existing: string[] = [];
  for (const f of files) {
    const p = path.join(out, f.name);
    let st: fs.Stats | undefined;
    try {
      st = fs.lstatSync(p);
    } catch {
      continue;
    }
    if (st.isDirectory()) throw new InputError(`${display(p)} is a folder; not replacing it.`);
    existing.push(f.name);
  }
  if (existing.length && !force) {
    const shown = existing.slice(0, LIST_NAMES).map(safe).join(', ') + (existing.length > LIST_NAMES ? ` and ${existing.length - LIST_NAMES} more` : '');
    throw new InputError(`${display(out)} already holds ${shown}; nothing written. Use --force to replace them, or another --out folder.`);
  }
  try {
    fs.mkdirSync(out, { recursive: true });
  } catch (e) {
    throw new InputError(`Cannot create ${display(out)}: ${safe((e as Error).message)}.`);
  }
  files.forEach((f, i) => {
    onFile(i);
    const p = path.join(out, f.name);
    try {
      // A link in the way is replaced, not written through.
      if (existing.includes(f.name)) fs.unlinkSync(p);
      fs.writeFileSync(p, f.text, { flag: 'wx' });
    } catch (e) {
      throw new InputError(`Cannot write ${display(p)}: ${safe((e as Error).message)}.`);
    }
  });
}
