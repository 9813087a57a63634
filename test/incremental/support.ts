// Inputs and comparisons shared by the differential and robustness tests: the
// examples, generated files, an edit model for fast-check, and a plain-data view of
// an analysis that two runs can be compared on.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { generate, generateWorkspace } from '../../bench/generate';
import type { Analysis } from '../../server/src/core/analyze';
import type { ParsedFile, TextEdit } from '../../server/src/core/types';

export const EXAMPLES_DIR = join(__dirname, '..', '..', '..', 'examples');

/** Every example fleet: its descriptor files by name. */
export function exampleFleets(): { name: string; files: Record<string, string> }[] {
  const out: { name: string; files: Record<string, string> }[] = [];
  for (const dir of readdirSync(EXAMPLES_DIR).sort()) {
    let names: string[];
    try {
      names = readdirSync(join(EXAMPLES_DIR, dir)).filter((f) => /\.workload\.ya?ml$/.test(f));
    } catch {
      continue;
    }
    if (!names.length) continue;
    const files: Record<string, string> = {};
    for (const f of names.sort()) files[`${dir}/${f}`] = readFileSync(join(EXAMPLES_DIR, dir, f), 'utf8');
    out.push({ name: dir, files });
  }
  return out;
}

/** Generated fleets (one file each), small enough for many runs. */
export function generatedFleets(): { name: string; files: Record<string, string> }[] {
  return [
    { name: 'generated 40 (LF)', files: { 'gen.workload.yaml': generate({ workloads: 40, seed: 3, mistakes: 0.1 }).text } },
    { name: 'generated 25 (CRLF)', files: { 'gen.workload.yaml': generate({ workloads: 25, seed: 9, mistakes: 0.1, eol: '\r\n' }).text } },
    // A workspace as the estate bench builds it (bench/workspace.ts), small: hosts apart, workloads over files.
    { name: 'generated workspace (3 files of 12 and one of hosts)', files: Object.fromEntries(generateWorkspace({ files: 3, perFile: 12, seed: 5 }).files) },
  ];
}

/** One edit, with its position as a fraction of the text so it fits any length. */
export interface Edit {
  at: number;
  remove: number;
  insert: string;
}

/** Text that tends to matter to a YAML descriptor, plus arbitrary short strings. */
const SNIPPETS = [
  '',
  'x',
  ' ',
  '\n',
  '\r\n',
  '\t',
  '-',
  '- ',
  ':',
  ': ',
  '#',
  '# placement-ignore',
  '# placement-ignore: deploy-against-recommendation',
  '"',
  "'",
  '[',
  ']',
  '{',
  '}',
  '&a ',
  '*a',
  '!!str ',
  '---\n',
  '\n  - name: extra\n    os: linux\n',
  '\n  - name: h9\n    role: hypervisor\n    cpu: 8\n    memory: 8Gi\n',
  '    deploy: container\n',
  '    deploy: vm\n',
  '    os: windows\n',
  '    isolation: strict\n',
  '    state: stateful\n',
  '    host: esx-01\n',
  '    replicas: 3\n',
  '    scaling: { min: 1, max: 9 }\n',
  '    zone: pci\n',
  '    gpus: 1\n',
  '    arch: arm64\n',
  '    cluster: a\n',
  '    liveMigration: true\n',
  '    disasterRecovery: true\n',
  'workloads:\n',
  'hosts:\n',
  'version: 1\n',
  '\ufeff',
  '\u0000',
  '<b>&amp;</b>',
];

export const editArb: fc.Arbitrary<Edit> = fc.record({
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  remove: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 4, max: 80 })),
  insert: fc.oneof(fc.constantFrom(...SNIPPETS), fc.string({ maxLength: 6 }), fc.constantFrom('a', 'e', '1', '0', 'l')),
});

/** Where an edit applies: `[start, end)` of `text` becomes `insert`. */
export function editRange(text: string, e: Edit): { start: number; end: number; insert: string } {
  let at = Math.min(text.length, Math.floor(e.at * (text.length + 1)));
  // At a line start more often than chance would, where structure changes.
  if (e.insert.startsWith('\n  - ') || e.insert.startsWith('    ')) {
    const nl = text.lastIndexOf('\n', at - 1);
    at = nl < 0 ? 0 : nl + 1;
  }
  return { start: at, end: Math.min(text.length, at + e.remove), insert: e.insert };
}

export function applyEdit(text: string, e: Edit): string {
  const r = editRange(text, e);
  return text.slice(0, r.start) + r.insert + text.slice(r.end);
}

/** What the user and later stages see of one analysis, as plain comparable data. */
export function view(parsed: readonly ParsedFile[], analysis: Analysis) {
  const files = parsed.map((p) => ({
    file: p.file,
    lineStarts: p.lineStarts,
    suppressions: { file: [...p.suppressions.file].sort(), lines: [...p.suppressions.lines].map(([l, s]) => [l, [...s].sort()]).sort((a, b) => (a[0] as number) - (b[0] as number)) },
    root: p.root,
    hosts: p.hosts.map(({ node, ...rest }) => ({ ...rest, node: node.span })),
    workloads: p.workloads.map(({ node, ...rest }) => ({ ...rest, node: node.span })),
    findings: p.findings.map((f) => ({ ruleId: f.ruleId, span: f.span, message: f.message, severity: f.severity, fixes: f.fixes })),
  }));
  const diagnostics = [...analysis.diagnostics].map(([file, ds]) => ({
    file,
    diagnostics: ds.map((d) => ({ ruleId: d.ruleId, span: d.span, message: d.message, severity: d.severity, fixes: d.fixes })),
  }));
  const recommendations = [...analysis.recommendations].map(([w, r]) => ({ workload: w.name, at: w.span, ...r }));
  return { files, diagnostics, recommendations, layout: analysis.layout };
}

/** Rewrites text edits' order-insensitive parts; used to check fixes. */
export function sortEdits(edits: readonly TextEdit[]): TextEdit[] {
  return [...edits].sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
}
