// Shared helpers for core tests: analyse one or more in-memory files.
import * as path from 'node:path';
import { analyze, type Analysis } from '../../server/src/core/analyze';
import { type Config, defaultConfig } from '../../server/src/core/config';
import { looksLikeManifestFile, parseManifestFile } from '../../server/src/core/manifests/read';
import { parseFile } from '../../server/src/core/parse';
import { isManifestCandidate } from '../../server/src/scan';
import type { Diagnostic, ParsedFile } from '../../server/src/core/types';

export const FLEET = `version: 1
hosts:
  - name: esx-01
    role: hypervisor
    hypervisor: esxi
    runtime: containerd
    cpu: 64
    memory: 512Gi
  - name: k8s-01
    role: container-host
    runtime: containerd
    os: linux
    cpu: 32
    memory: 128Gi
`;

export function analyzeTexts(files: Record<string, string>, config: Config = defaultConfig()): { analysis: Analysis; parsed: ParsedFile[] } {
  const parsed = Object.entries(files).map(([name, text]) => parseAny(name, text, files));
  return { analysis: analyze(parsed, config), parsed };
}

/**
 * As the scanner and the CLI decide: a YAML file not named like a descriptor that names a
 * workload kind (or a Compose file with `services:`) is a manifest. A Compose file reads
 * its siblings (`.env`, the override) from `files`, by path relative to its folder.
 */
export function parseAny(name: string, text: string, files: Record<string, string> = {}): ParsedFile {
  const dir = name.includes('/') ? name.slice(0, name.lastIndexOf('/') + 1) : '';
  return isManifestCandidate(name) && looksLikeManifestFile(name, text) ? parseManifestFile(name, text, (rel) => files[path.posix.normalize(dir + rel)]) : parseFile(name, text);
}

/** Diagnostics of one file as compact `ruleId@text` strings. */
export function diagsOf(files: Record<string, string>, file: string, config?: Config): string[] {
  const { analysis } = analyzeTexts(files, config);
  return (analysis.diagnostics.get(file) ?? []).map((d) => `${d.ruleId}@${files[file].slice(d.span.start, d.span.end)}`);
}

export function diagnostics(files: Record<string, string>, file: string, config?: Config): Diagnostic[] {
  return analyzeTexts(files, config).analysis.diagnostics.get(file) ?? [];
}

/** A workloads file with one workload made of the given YAML lines (indented 4). */
export function workload(lines: string): string {
  const body = lines
    .trim()
    .split('\n')
    .map((l) => `    ${l.trim()}`)
    .join('\n');
  return `version: 1\nworkloads:\n  - name: w\n${body}\n`;
}
