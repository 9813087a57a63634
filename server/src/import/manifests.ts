// Manifests → descriptor files: the pure part of `import k8s`. It takes parsed files (the
// manifests, and the fleet's descriptors for their hosts), joins them as `check` does
// (ManifestLinks: HPAs, claim sizes, DaemonSets, zones), and writes each manifest
// workload as a descriptor workload with a comment naming where it came from. It works
// on the reader's output model (WorkloadDecl with `manifest`), not on a manifest format,
// so every reader that produces that model imports the same way.
//
// Manifest text is untrusted: values are written with the `yaml` package's stringify,
// text in comments is quoted with controls and `#` escaped (commentValue).

import { COMPOSE_OVERRIDE_FILES } from '../core/manifests/compose';
import { ManifestLinks } from '../core/manifests/k8s';
import { dnsLabelFor, freeLabel } from '../core/names';
import { lineOf } from '../core/text';
import type { ParsedFile, WorkloadDecl } from '../core/types';
import { formatCores, formatSize } from '../export/k8s';
import { commentValue, type OutputFile, yamlScalar } from './rvtools';

export interface ManifestImportOptions {
  /** How a source path is shown in comments and the summary (relative to the working folder). */
  display: (file: string) => string;
  /** The command, for the header comments: `import k8s`. */
  command: string;
}

export interface ImportedWorkload {
  name: string;
  /** `Deployment`, `StatefulSet`… */
  kind: string;
  /** `manifests/web.yaml:4`: the line of its name. */
  source: string;
  /** The descriptor file it was written to. */
  file: string;
}

/** Why something in the input did not become a workload. */
export type ManifestSkipReason = 'template' | 'syntax' | 'kind' | 'no name' | 'api group';

export interface ManifestSkip {
  /** Display path, with `:line` for a document. */
  source: string;
  reason: ManifestSkipReason;
  kind?: string;
  name?: string;
}

export interface ManifestImport {
  files: OutputFile[];
  imported: ImportedWorkload[];
  skipped: ManifestSkip[];
  /** Things the user must finish by hand (unknown claim sizes, zones without hosts, DaemonSets without nodes). */
  notes: string[];
}

/** The rule ids of findings that a summary reports as the reason a file gave nothing. */
const FILE_SKIPS: Readonly<Record<string, ManifestSkipReason>> = { 'manifest-template': 'template', 'yaml-syntax': 'syntax' };

/**
 * Writes one descriptor file per manifest file that holds workloads. `files` are every
 * parsed input: manifests (those with `manifest` set) and descriptors (read for their
 * hosts, so that what depends on the fleet is joined as `check` joins it).
 */
export function importManifests(files: readonly ParsedFile[], opts: ManifestImportOptions): ManifestImport {
  const linked = new ManifestLinks().link(files);
  const out: ManifestImport = { files: [], imported: [], skipped: [], notes: [] };
  const taken = new Set<string>();
  const usedNames = new Set<string>();
  const manifests = linked.filter((f) => f.manifest);
  const hostCount = linked.reduce((n, f) => n + f.hosts.length, 0);
  for (const f of manifests) {
    const shown = opts.display(f.file);
    const at = (offset: number) => `${shown}:${lineOf(f.lineStarts, offset) + 1}`;
    for (const finding of f.findings) {
      const reason = FILE_SKIPS[finding.ruleId];
      if (reason) out.skipped.push({ source: at(finding.span.start), reason });
    }
    for (const s of f.manifest!.skipped ?? []) out.skipped.push({ source: at(s.span.start), reason: s.reason, kind: s.kind, name: s.name });
    if (!f.workloads.length) continue;
    // A Compose file is named for its project (`shop.workload.yaml`), a manifest for its file.
    const project = f.manifest!.format === 'compose' ? f.workloads.find((w) => w.manifest?.project !== undefined)?.manifest?.project : undefined;
    const override = project !== undefined && COMPOSE_OVERRIDE_FILES.includes((shown.split('/').pop() ?? '').toLowerCase());
    const base = dnsLabelFor(project !== undefined ? `${project}${override ? '-override' : ''}` : baseName(shown)) ?? 'manifest';
    const label = freeLabel(base, (n) => taken.has(n));
    taken.add(label);
    const name = `${label}.workload.yaml`;
    const lines = [
      `# Imported by \`workload-placement ${opts.command}\` from ${pathComment(shown)}: ${f.workloads.length} workload${f.workloads.length === 1 ? '' : 's'}.`,
      '# Each workload\'s comment names its manifest document (file:line of its name, kind/name).',
      'version: 1',
      'workloads:',
    ];
    for (const w of f.workloads) {
      const source = at(w.nameSpan.start);
      const written = descriptorName(w, usedNames);
      writeWorkload(lines, w, written, source, f, out.notes, hostCount > 0);
      out.imported.push({ name: written, kind: w.manifest!.kind, source, file: name });
    }
    out.files.push({ name, text: `${lines.join('\n')}\n`, hosts: 0, workloads: f.workloads.length });
  }
  return out;
}

/**
 * The name a workload gets in the descriptor. A Compose service's fleet name is
 * `project/service`, which is not a DNS label: it becomes `project-service`, unique among
 * those imported. A Kubernetes name is kept as it is (check reports one that is not a label).
 */
function descriptorName(w: WorkloadDecl, used: Set<string>): string {
  const name = w.name ?? '';
  const written = w.manifest?.format === 'compose' ? freeLabel(dnsLabelFor(name) ?? 'service', (n) => used.has(n)) : name;
  used.add(written);
  return written;
}

function writeWorkload(lines: string[], w: WorkloadDecl, name: string, source: string, f: ParsedFile, notes: string[], haveHosts: boolean): void {
  const m = w.manifest!;
  const compose = m.format === 'compose';
  const origin = compose && m.project !== undefined ? `service ${textComment((w.name ?? '').slice(m.project.length + 1))} of the Compose project ${textComment(m.project)}` : `${m.kind}/${textComment(w.name ?? '')}`;
  lines.push(`  # from ${pathComment(source)}, ${origin}${m.namespace !== undefined ? ` in namespace ${textComment(m.namespace)}` : ''}`);
  // What shares the host kernel is a finding on the manifest, not a field: kept as a comment.
  for (const x of f.findings) {
    if (x.ruleId === 'host-kernel-access' && x.span.start >= w.span.start && x.span.end <= w.span.end) lines.push(`  # host-kernel-access: ${textComment(x.message.replace(/^'[^']*' /, ''))}`);
  }
  lines.push(`  - name: ${yamlScalar(name)}`);
  const field = (key: string, value: string | number | boolean | undefined) => {
    if (value !== undefined) lines.push(`    ${key}: ${yamlScalar(value)}`);
  };
  field('os', w.os);
  field('kernel', w.kernel);
  field('architecture', w.architecture);
  field('state', w.state);
  if (m.perHost) {
    const per = compose ? '`deploy.mode: global`' : 'DaemonSet';
    if (w.replicas !== undefined) lines.push(`    # ${per}: one per node, ${w.replicas} container host${w.replicas === 1 ? '' : 's'} of its OS in the descriptors read`);
    else {
      lines.push(`    # ${per}: one per node; no container host of its OS was given, so \`replicas\` is left out`);
      notes.push(`${name}: ${compose ? 'one per node (`deploy.mode: global`)' : 'a DaemonSet'}, and no container host of its OS was given (pass the fleet's descriptors too): \`replicas\` left out.`);
    }
  }
  field('replicas', w.replicas);
  if (w.scaling) {
    if (m.scaledBy) lines.push(`    # scaling from the HorizontalPodAutoscaler in ${pathComment(m.scaledBy === f.file ? source.replace(/:\d+$/, '') : m.scaledBy)}`);
    lines.push('    scaling:', `      min: ${w.scaling.min}`, `      max: ${w.scaling.max}`);
  }
  field('startup', w.startup);
  field('isolation', w.isolation);
  field('liveMigration', w.liveMigration);
  field('disasterRecovery', w.disasterRecovery);
  field('zone', w.zone);
  field('gpus', w.gpus);
  field('arch', w.arch);
  if (w.cpu !== undefined || w.memory !== undefined) {
    lines.push('    resources:');
    // Quantities are written as the format reads them: `2`, `500m`, `8Gi` (made here, not copied).
    if (w.cpu !== undefined) lines.push(`      cpu: ${formatCores(w.cpu)}`);
    if (w.memory !== undefined) lines.push(`      memory: ${formatSize(w.memory)}`);
  }
  if (w.hasVolumesKey) {
    if (!w.volumes.length) lines.push('    volumes: []');
    else lines.push('    volumes:');
    w.volumes.forEach((v, i) => {
      lines.push(`      - name: ${yamlScalar(v.name ?? `volume-${i + 1}`)}`);
      if (v.size !== undefined) lines.push(`        size: ${formatSize(v.size)}`);
      else if (compose) {
        // A Compose volume has no size: the user must give one.
        lines.push('        # size: unknown (a Compose volume has no size); set it');
        notes.push(`${name}: the size of the volume ${v.name ?? `volume-${i + 1}`} is unknown (Compose does not give one): set \`size\`.`);
      } else {
        lines.push('        # size: unknown (no PersistentVolumeClaim of that name was read); set it');
        notes.push(`${name}: the size of the claim ${v.name ?? `volume-${i + 1}`} is unknown (its PersistentVolumeClaim was not among the inputs): set \`size\`.`);
      }
    });
  }
  field('deploy', w.deploy);
  if (m.zones.length) {
    const zones = m.zones.map(textComment).join(', ');
    if (m.zoneHosts?.length) lines.push(`    # topology.kubernetes.io/zone ${zones}: the hosts of ${m.zones.length === 1 ? 'that site' : 'those sites'}`);
    else if (m.zoneHosts) {
      lines.push(`    # topology.kubernetes.io/zone ${zones}: no host of the descriptors read has that site`);
      notes.push(`${name}: held to the zone${m.zones.length === 1 ? '' : 's'} ${m.zones.join(', ')}, and no host has that site (check on the manifests reports it): not pinned.`);
    }
    else if (w.pins.length) lines.push(`    # topology.kubernetes.io/zone ${zones}: the hostname pins below are narrower`);
    else {
      lines.push(`    # topology.kubernetes.io/zone ${zones}: not applied, ${haveHosts ? 'no host declares a site' : 'no hosts were given'}`);
      if (!haveHosts) notes.push(`${name}: held to the zone${m.zones.length === 1 ? '' : 's'} ${m.zones.join(', ')}, and no hosts were given (pass the fleet's descriptors too): not pinned.`);
    }
  }
  if (w.pins.length === 1) lines.push(`    host: ${yamlScalar(w.pins[0].name)}`);
  else if (w.pins.length) lines.push('    hosts:', ...w.pins.map((p) => `      - ${yamlScalar(p.name)}`));
}

/** A path in a comment: as it is when it holds only plain characters, else quoted and escaped. */
function pathComment(p: string): string {
  return /^[\w./:@+-]+$/.test(p) ? p : commentValue(p);
}

/** Text in a comment: printable ASCII without `#` (which could start a suppression) as it is, else quoted and escaped. */
function textComment(s: string): string {
  return /^[\x20-\x22\x24-\x7e]+$/.test(s) && !s.startsWith('"') ? s : commentValue(s);
}

/** The file name without folders and its YAML extension. */
function baseName(p: string): string {
  return (p.split('/').pop() ?? p).replace(/\.ya?ml$/i, '');
}
