// `workload-placement import k8s <paths…> --out DIR`: find the manifests as `check` does
// (the same scanner and configuration), read the descriptors among the paths for their
// hosts, write descriptors (import/manifests.ts) all or nothing, and print what was
// imported and what was skipped, and why. The format is a row of MANIFEST_SOURCES.

import * as path from 'node:path';
import { parseFile } from '../core/parse';
import type { ParsedFile } from '../core/types';
import { importManifests, type ManifestSkip } from '../import/manifests';
import type { ManifestImportOptions } from './args';
import { displayPath } from './check';
import { checkOutFolder, type ImportIo, names, plural, shellWord, writeFiles } from './import';
import { MANIFEST_SOURCES } from './importSources';
import { collectFiles, InputError, loadConfig, readDescriptor } from './inputs';
import { safe } from './style';

export function runManifestImport(opts: ManifestImportOptions, io: ImportIo): number {
  const source = MANIFEST_SOURCES[opts.format];
  const out = path.resolve(io.cwd, opts.out);
  const display = (abs: string) => displayPath(io.cwd, abs);
  const shown = (abs: string) => safe(display(abs));
  checkOutFolder(out, shown(out));
  const loaded = loadConfig(io.cwd, opts.config, opts.paths[0]);
  const collected = collectFiles(io.cwd, opts.paths, loaded);

  const parsed: ParsedFile[] = [];
  const notManifests: string[] = [];
  // YAML found in folders: a manifest when its text says so; anything unreadable is not one.
  for (const f of collected.manifests) {
    let text: string;
    try {
      text = readDescriptor(f, display(f)).text;
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      notManifests.push(f);
      continue;
    }
    if (source.looksLike(f, text)) parsed.push(source.parse(f, text));
    else notManifests.push(f);
  }
  // Files named: descriptors for their hosts, other YAML a manifest when it says so.
  const problems: string[] = [];
  for (const f of collected.files) {
    try {
      const { text } = readDescriptor(f, display(f));
      if (!collected.maybeManifests.has(f)) parsed.push(parseFile(f, text));
      else if (source.looksLike(f, text)) parsed.push(source.parse(f, text));
      else notManifests.push(f);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      problems.push(e.message);
    }
  }
  if (problems.length) throw new InputError(problems.join('\n'));
  parsed.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));

  const result = importManifests(parsed, { display, command: `import ${opts.format}` });
  const manifests = parsed.filter((p) => p.manifest);
  const descriptors = parsed.filter((p) => !p.manifest);
  if (!result.files.length) {
    const why = [...skipLines(result.skipped), ...(notManifests.length ? [`  ${plural(notManifests.length, 'YAML file')} that ${notManifests.length === 1 ? 'is' : 'are'} not ${source.title}: ${names(notManifests.map(display))}`] : [])];
    throw new InputError(`No workloads in ${source.title} found in ${opts.paths.map(safe).join(', ')}; nothing written.${why.length ? `\n${why.join('\n')}` : ''}`);
  }
  writeFiles(out, result.files, opts.force, shown, () => undefined);
  if (opts.quiet) return 0;

  const hosts = descriptors.reduce((n, p) => n + p.hosts.length, 0);
  const lines: string[] = [];
  lines.push(`Read ${plural(manifests.length, `file of ${source.title}`, `files of ${source.title}`)}${descriptors.length ? ` and ${plural(descriptors.length, 'descriptor')} (${plural(hosts, 'host')}, read for the fleet, not written)` : ''}.`);
  lines.push(`Wrote ${plural(result.files.length, 'file')} to ${shown(out)}:`);
  const width = Math.max(...result.files.map((f) => shown(path.join(out, f.name)).length));
  for (const f of result.files) lines.push(`  ${shown(path.join(out, f.name)).padEnd(width)}  ${plural(f.workloads, 'workload')}`);
  const kinds = new Map<string, number>();
  for (const w of result.imported) kinds.set(w.kind, (kinds.get(w.kind) ?? 0) + 1);
  lines.push(`Imported ${plural(result.imported.length, 'workload')}: ${[...kinds].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, n]) => `${n} ${safe(k)}`).join(', ')}.`);
  const scalers = manifests.reduce((n, p) => n + p.manifest!.scalers.length, 0);
  const claims = manifests.reduce((n, p) => n + p.manifest!.claimSizes.size, 0);
  if (scalers || claims) lines.push(`Joined into the workloads they serve: ${plural(scalers, 'HorizontalPodAutoscaler')}, ${plural(claims, 'PersistentVolumeClaim')}.`);
  const skipped = skipLines(result.skipped);
  if (notManifests.length) skipped.push(`  ${plural(notManifests.length, 'YAML file')} that ${notManifests.length === 1 ? 'is' : 'are'} not ${source.title}: ${names(notManifests.map(display))}`);
  lines.push(...(skipped.length ? ['Skipped:', ...skipped] : ['Skipped nothing.']));
  if (result.notes.length) lines.push('Notes:', ...result.notes.map((n) => `  ${safe(n)}`));
  const next = [display(out), ...descriptors.map((d) => display(d.file))].map((p) => shellWord(safe(p)));
  lines.push(`Next: workload-placement check ${next.join(' ')}`);
  io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

/** The skips grouped by reason, each with its sources (escaped, the first few). */
function skipLines(skipped: readonly ManifestSkip[]): string[] {
  const lines: string[] = [];
  const group = (reason: ManifestSkip['reason'], one: string, many: string, why: string, label = (s: ManifestSkip) => s.source) => {
    const hit = skipped.filter((s) => s.reason === reason);
    if (hit.length) lines.push(`  ${plural(hit.length, one, many)} ${why}: ${names(hit.map(label))}`);
  };
  group('template', 'template file', 'template files', '(`{{ }}`, a Helm chart\'s): check the rendered output (`helm template`) instead');
  group('syntax', 'file', 'files', 'with invalid YAML (documents after the error are not read)');
  group('kind', 'document', 'documents', 'of kinds that are not workloads', (s) => `${s.kind || '(no kind)'}${s.name ? `/${s.name}` : ''} (${s.source})`);
  group('no name', 'workload', 'workloads', 'without metadata.name', (s) => `${s.kind} (${s.source})`);
  group('api group', 'VirtualMachine', 'VirtualMachines', 'not of KubeVirt (kubevirt.io)', (s) => `${s.name ?? ''} (${s.source})`);
  return lines;
}
