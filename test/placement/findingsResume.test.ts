// The placement findings of a session's analysis after an edit are taken over from the
// analysis before, workload by workload, when nothing they read changed (splitFindings'
// `resumeFindings`): they must equal a fresh analysis's, file by file. Checked over
// generated multi-file fleets on tight hosts (so that edits ripple through the layout:
// replicas move, fail, share hosts; peaks and migrations lose their room) with edits of
// what placement reads: OS, CPU, memory, replicas, scaling, pins, deployments, live
// migration, disaster recovery, isolation, workloads removed and added, host capacity.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { generate, generateWorkspace } from '../../bench/generate';
import { analyze, AnalysisSession } from '../../server/src/core/analyze';
import { type Config, defaultConfig } from '../../server/src/core/config';
import { parseFile, PieceCache } from '../../server/src/core/parse';
import type { Diagnostic } from '../../server/src/core/types';
import { props } from '../properties';

const HOSTS = 'hosts.workload.yaml';

/**
 * A workspace of `files` files of `perFile` workloads each, on `hosts` hosts (few: the
 * fleet is full). Half the runs get the generator's hosts; the others small hosts of one
 * hypervisor type over two sites, so that live migration and disaster recovery depend on
 * the room the others leave.
 */
function fleet(seed: number, files: number, perFile: number, hosts: number): Map<string, string> {
  const ws = generateWorkspace({ files, perFile, seed }).files;
  if (seed % 2) ws.set(HOSTS, generate({ workloads: 0, hosts, seed, withWorkloads: false }).text);
  else {
    const lines = ['version: 1', 'hosts:'];
    for (let i = 0; i < hosts; i++) {
      const hyper = i % 3 !== 2;
      lines.push(`  - name: ${hyper ? 'hv' : 'ch'}-${i + 1}`, `    role: ${hyper ? 'hypervisor' : 'container-host'}`);
      if (hyper) lines.push('    hypervisor: esxi', '    runtime: containerd');
      else lines.push('    runtime: containerd', '    os: linux');
      lines.push(`    cpu: ${[16, 24, 32][(seed + i) % 3]}`, `    memory: ${[64, 128, 256][(seed + 2 * i) % 3]}Gi`, `    site: ${i % 4 === 3 ? 'b' : 'a'}`);
    }
    ws.set(HOSTS, lines.join('\n') + '\n');
    // Every workload asks for live migration (those placed as VMs are checked), and every
    // fourth is a VM pinned to the first host, more than it holds (host-over-capacity).
    for (const [f, t] of ws) {
      if (f === HOSTS) continue;
      let k = 0;
      const pinned = t.replace(/^( {2}- name: \S+\n)/gm, (line: string) => (k++ % 4 === 0 ? `${line}    host: hv-1\n    deploy: vm\n` : line));
      ws.set(f, pinned.replaceAll('liveMigration: false', 'liveMigration: true'));
    }
  }
  return ws;
}

const KINDS = ['os', 'cpu', 'memory', 'replicas', 'max', 'liveMigration', 'dr', 'isolation', 'deploy', 'pin', 'remove', 'copy', 'hostCpu', 'description'] as const;
const editArb = fc.record({ kind: fc.constantFrom(...KINDS), file: fc.nat(), workload: fc.nat(), value: fc.nat() });
type Edit = typeof editArb extends fc.Arbitrary<infer T> ? T : never;

const pick = <T>(xs: readonly T[], i: number): T => xs[i % xs.length];

/** Where each workload's block starts, and where the text ends. */
function blocks(text: string): number[] {
  const out: number[] = [];
  for (let i = text.indexOf('\n  - name: '); i >= 0; i = text.indexOf('\n  - name: ', i + 1)) out.push(i + 1);
  return out;
}

/** Replaces the value of the first line `key: …` (at that indentation) of the block, or inserts the line after the name. */
function setKey(block: string, indent: string, key: string, value: string): string {
  const re = new RegExp(`^${indent}${key}: .*$`, 'm');
  if (re.test(block)) return block.replace(re, `${indent}${key}: ${value}`);
  const nl = block.indexOf('\n');
  return `${block.slice(0, nl + 1)}${indent}${key}: ${value}\n${block.slice(nl + 1)}`;
}

/** Applies one edit to the workspace (in place); returns the file it changed. */
function applyEdit(ws: Map<string, string>, e: Edit): string {
  if (e.kind === 'hostCpu') {
    const text = ws.get(HOSTS)!;
    const at = [...text.matchAll(/^ {4}cpu: \d+$/gm)];
    if (!at.length) return HOSTS;
    const m = pick(at, e.workload);
    ws.set(HOSTS, text.slice(0, m.index) + `    cpu: ${pick([8, 32, 64, 128], e.value)}` + text.slice(m.index! + m[0].length));
    return HOSTS;
  }
  const names = [...ws.keys()].filter((f) => f !== HOSTS).sort();
  const file = pick(names, e.file);
  const text = ws.get(file)!;
  const starts = blocks(text);
  if (!starts.length) return file;
  const k = e.workload % starts.length;
  const from = starts[k];
  const to = k + 1 < starts.length ? starts[k + 1] : text.length;
  let block = text.slice(from, to);
  const hostNames = [...ws.get(HOSTS)!.matchAll(/^ {2}- name: (\S+)$/gm)].map((m) => m[1]);
  switch (e.kind) {
    case 'os':
      block = setKey(block, '    ', 'os', pick(['linux', 'windows', 'any', 'linu', 'aix', 'solaris', 'freebsd'], e.value));
      break;
    case 'cpu':
      block = setKey(block, '      ', 'cpu', pick(['250m', '1', '4', '16', '48', '200'], e.value));
      break;
    case 'memory':
      block = setKey(block, '      ', 'memory', pick(['256Mi', '2Gi', '32Gi', '128Gi', '2Ti'], e.value));
      break;
    case 'replicas':
      block = /^ {4}replicas: /m.test(block) ? setKey(block, '    ', 'replicas', String(1 + (e.value % 9))) : setKey(block, '      ', 'min', String(1 + (e.value % 5)));
      break;
    case 'max':
      block = /^ {6}max: /m.test(block) ? setKey(block, '      ', 'max', String(2 + (e.value % 60))) : setKey(block, '    ', 'replicas', String(1 + (e.value % 9)));
      break;
    case 'liveMigration':
      block = setKey(block, '    ', 'liveMigration', pick(['true', 'false'], e.value));
      break;
    case 'dr':
      block = setKey(block, '    ', 'disasterRecovery', pick(['true', 'false'], e.value));
      break;
    case 'isolation':
      block = setKey(block, '    ', 'isolation', pick(['strict', 'standard'], e.value));
      break;
    case 'deploy':
      block = setKey(block, '    ', 'deploy', pick(['vm', 'container', 'container-in-vm'], e.value));
      break;
    case 'pin':
      // Mostly to the first hosts, which then run out of room for what is pinned there.
      block = e.value % 3 === 0 ? setKey(block, '    ', 'hosts', `[${pick(hostNames, e.value)}, ${pick(hostNames, e.value + 1)}]`) : setKey(block, '    ', 'host', pick(hostNames.slice(0, 2), e.value));
      break;
    case 'remove':
      block = '';
      break;
    case 'copy':
      block = block + block.replace(/^( {2}- name: \S+)/m, `$1-copy${e.value % 100}`);
      break;
    case 'description':
      block = setKey(block, '    ', 'description', `edited ${e.value}`);
      break;
  }
  ws.set(file, text.slice(0, from) + block + text.slice(to));
  return file;
}

function sortedDiagnostics(d: Map<string, Diagnostic[]>): [string, Diagnostic[]][] {
  return [...d].sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

/** Rules whose findings the runs saw change between two analyses (the edits were felt). */
const changedRules = new Set<string>();
const modes = new Set<string>();

function run(seed: number, files: number, perFile: number, hosts: number, edits: Edit[], config: Config): void {
  const ws = fleet(seed, files, perFile, hosts);
  const caches = new Map<string, PieceCache>();
  const parsed = new Map<string, ReturnType<typeof parseFile>>();
  const parse = (f: string) => parsed.set(f, parseFile(f, ws.get(f)!, caches.get(f) ?? caches.set(f, new PieceCache()).get(f)));
  for (const f of ws.keys()) parse(f);
  const session = new AnalysisSession();
  let before = session.update([...parsed.values()], config);
  let was = new Map(sortedDiagnostics(before.diagnostics).map(([f, ds]) => [f, ds.map((d) => `${d.ruleId}|${d.message}`)]));
  for (const [i, e] of edits.entries()) {
    parse(applyEdit(ws, e));
    const now = session.update([...parsed.values()], config);
    modes.add(now.placement.stats.mode);
    const fresh = analyze(
      [...ws].map(([f, t]) => parseFile(f, t)),
      config,
    );
    assert.deepEqual(sortedDiagnostics(now.diagnostics), sortedDiagnostics(fresh.diagnostics), `after edit ${i + 1} of ${edits.length}: ${JSON.stringify(e)}`);
    for (const [f, ds] of sortedDiagnostics(now.diagnostics)) {
      const old = new Set(was.get(f) ?? []);
      for (const d of ds) if (!old.has(`${d.ruleId}|${d.message}`)) changedRules.add(d.ruleId);
    }
    was = new Map(sortedDiagnostics(now.diagnostics).map(([f, ds]) => [f, ds.map((d) => `${d.ruleId}|${d.message}`)]));
    before = now;
  }
}

describe('placement findings taken over after an edit equal a fresh analysis', () => {
  it('on tight multi-file fleets, after every edit of what placement reads', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.constantFrom(3, 5, 8),
        fc.array(editArb, { minLength: 1, maxLength: 10 }),
        (seed, hosts, edits) => run(seed, 3, 14, hosts, edits, defaultConfig()),
      ),
      props(60, 0x5e1f),
    );
    // The runs reached the resumed path, and the edits changed what the room checks and
    // the decisions say (else this test could not fail where it matters).
    assert.ok(modes.has('resumed'), `modes: ${[...modes].join(', ')}`);
    for (const rule of ['no-fit', 'single-point-of-failure', 'peak-no-fit', 'live-migration-no-target', 'host-over-capacity']) assert.ok(changedRules.has(rule), `no edit changed a ${rule} finding: ${[...changedRules].join(', ')}`);
  });

  it('with the host-failure check on', () => {
    const config = defaultConfig();
    config.placement.checkHostFailure = true;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.array(editArb, { minLength: 1, maxLength: 6 }), (seed, edits) => run(seed, 2, 10, 5, edits, config)),
      props(20, 0x5e20),
    );
  });
});
