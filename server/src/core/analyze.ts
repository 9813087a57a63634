// Parsed files → fleet → recommendations → findings → diagnostics (with the user's
// severities and suppressions applied). Pure: no I/O, never throws on bad input.

import type { Config } from './config';
import { insertIntoMap } from './edits';
import { shiftFindings } from './parse';
import { buildFleet, commonEnds, type Fleet } from './fleet';
import { type Placement, place, placementFindings } from './placement';
import { type Recommendation, recommend } from './recommend';
import { RULES_BY_ID } from './rules';
import type { Chars } from './sourceText';
import { closest } from './text';
import { lineOf } from './text';
import type { Deploy, Diagnostic, Finding, Fix, ParsedFile, Severity, WorkloadDecl } from './types';

export interface Analysis {
  fleet: Fleet;
  /** Every workload's recommendation, by declaration. */
  recommendations: ReadonlyMap<WorkloadDecl, Recommendation>;
  /** Diagnostics per file, after severities and suppressions. */
  diagnostics: Map<string, Diagnostic[]>;
  /** Where every workload runs (the host layout) and failure simulation over it. */
  placement: Placement;
  /** Same as `placement.layout`: plain data for the layout request and the webview. */
  layout: Placement['layout'];
}

/**
 * Per declaration object: its recommendation and its findings. The incremental parse
 * reuses a declaration object only while its text is unchanged, so these hold while
 * what else they depend on does (see the loop in `analyze`).
 */
interface WorkloadMemo {
  /** Fleet summary and the roles of the pinned hosts. */
  recKey: string;
  rec: Recommendation;
  /** Where the workload started: some fix edits are computed offsets. */
  at: number;
  declaresHosts: boolean;
  /** The host names, for workloads with pins (unknown-host and its suggestion). */
  hostNames: string;
  findings: Finding[];
}
const memo = new WeakMap<WorkloadDecl, WorkloadMemo>();
let lastHostNames = '';
/**
 * Per analysis, for the next one: indices of the workloads with findings of their own,
 * and the recommendations in fleet order (see `analyze`).
 */
const carried = new WeakMap<Analysis, { withFindings: number[]; inOrder: (Recommendation | undefined)[] }>();

/**
 * With `previous` (the last analysis of the same workspace, from the same parse caches),
 * unchanged parts are reused rather than recomputed; the result is the same. `previous`
 * is handed over: its fleet and placement are updated in place and must not be used
 * afterwards.
 */
export function analyze(input: readonly ParsedFile[], config: Config, previous?: Analysis): Analysis {
  // The fleet, and so the placement, must not depend on the order files arrived in (the
  // editor opens some before it scans the rest); the CLI sorts its paths the same way.
  const files = input.length > 1 ? [...input].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)) : input;
  const fleet = buildFleet(files, previous?.fleet);
  const byFile = new Map<string, Finding[]>();
  for (const f of files) byFile.set(f.file, [...f.findings]);
  const emit = (file: string, finding: Finding) => byFile.get(file)?.push(finding);

  checkNames(fleet, emit);
  checkHosts(fleet, emit);

  const recommendations = new Recommendations(fleet.workloads);
  // Fixes read a few characters around their workload: from the source, not the whole text.
  const sourceOf = new Map(files.map((f) => [f.file, f.source]));
  const declaresHosts = fleet.summary.declaresHosts;
  let hostNames: string | undefined;
  let sink: Finding[] | undefined;
  let sinkFile = '';
  // Indices (in fleet.workloads) of the workloads with findings, for the next analysis.
  const withFindings: number[] = [];
  // Every workload's recommendation in fleet order, for the placement.
  const inOrder = new Array<Recommendation | undefined>(fleet.workloads.length);
  const visit = (w: WorkloadDecl, i: number) => {
    let pinRoles: Set<string> | undefined;
    if (w.pins.length) {
      pinRoles = new Set<string>();
      for (const p of w.pins) for (const h of fleet.hostsByName.get(p.name) ?? []) if (h.role) pinRoles.add(h.role);
      if (hostNames === undefined) {
        hostNames = [...fleet.hostsByName.keys()].join('\u0000');
        // The memo compares it per pinned workload: the same string object makes that a pointer check.
        if (hostNames === lastHostNames) hostNames = lastHostNames;
        lastHostNames = hostNames;
      }
    }
    const recKey = pinRoles?.size ? `${fleet.summary.key}|${[...pinRoles].sort().join(',')}` : fleet.summary.key;
    const names = w.pins.length ? hostNames! : '';
    let m = memo.get(w);
    if (!m || m.recKey !== recKey) {
      m = { recKey, rec: recommend(w, fleet.summary, pinRoles ?? new Set()), at: -1, declaresHosts, hostNames: names, findings: [] };
      memo.set(w, m);
    }
    inOrder[i] = m.rec;
    if (m.at < 0 || m.declaresHosts !== declaresHosts || m.hostNames !== names) {
      const out: Finding[] = [];
      checkWorkload(w, m.rec, fleet, sourceOf.get(w.file) ?? '', (f) => out.push(owned(f)));
      m.findings = out;
      m.at = w.span.start;
      m.declaresHosts = declaresHosts;
      m.hostNames = names;
    } else if (m.at !== w.span.start) moveFindings(m, w);
    if (m.findings.length) {
      withFindings.push(i);
      if (w.file !== sinkFile || !sink) {
        sinkFile = w.file;
        sink = byFile.get(w.file);
      }
      if (sink) for (const f of m.findings) sink.push(f);
    }
  };
  // A workload's findings depend on itself, the fleet summary and the hosts. When those
  // are as before, only the workloads that changed are visited; of the others, only
  // those that had findings (their findings moved with them, or not).
  const prev = previous && sameHosts(previous.fleet, fleet) ? carried.get(previous) : undefined;
  if (previous && prev) {
    const { withFindings: prevWith, inOrder: prevOrder } = prev;
    const old = previous.fleet.workloads;
    const now = fleet.workloads;
    const { head, tail } = commonEnds(old, now);
    const moved = now.length - old.length;
    // Unvisited workloads keep their recommendation (same hosts, same summary, same memo).
    for (let i = 0; i < head; i++) inOrder[i] = prevOrder[i];
    for (let i = now.length - tail; i < now.length; i++) inOrder[i] = prevOrder[i - moved];
    let k = 0;
    for (; k < prevWith.length && prevWith[k] < head; k++) visit(now[prevWith[k]], prevWith[k]);
    for (let i = head; i < now.length - tail; i++) visit(now[i], i);
    while (k < prevWith.length && prevWith[k] < old.length - tail) k++;
    for (; k < prevWith.length; k++) visit(now[prevWith[k] + moved], prevWith[k] + moved);
  } else {
    fleet.workloads.forEach(visit);
  }

  const placement = place(fleet, recommendations, config.placement, { previous: previous?.placement, inOrder });
  for (const { file, finding } of placementFindings(placement, config)) emit(file, finding);

  const diagnostics = new Map<string, Diagnostic[]>();
  for (const f of files) diagnostics.set(f.file, finalize(f, byFile.get(f.file) ?? [], config));
  const analysis: Analysis = {
    fleet,
    recommendations,
    diagnostics,
    placement,
    // Built when first read (a hover, the layout panel): diagnostics do not need it.
    get layout() {
      return placement.layout;
    },
  };
  carried.set(analysis, { withFindings, inOrder });
  return analysis;
}

/** The same hosts, in the same order, as the same declaration objects. */
function sameHosts(a: Fleet, b: Fleet): boolean {
  if (a.summary !== b.summary || a.hosts.length !== b.hosts.length) return false;
  for (let i = 0; i < a.hosts.length; i++) if (a.hosts[i] !== b.hosts[i]) return false;
  return true;
}

/** Only moved (an edit above it): the same findings, moved with it. */
function moveFindings(m: WorkloadMemo, w: WorkloadDecl): void {
  // They depend on the workload's own text alone, unchanged while its declaration is reused.
  shiftFindings(m.findings, w.span.start - m.at);
  m.at = w.span.start;
}

/**
 * Every workload's recommendation, read from the memo (which the loop in `analyze` has
 * just brought up to date) rather than copied into a new map per analysis.
 */
class Recommendations implements ReadonlyMap<WorkloadDecl, Recommendation> {
  constructor(private readonly workloads: readonly WorkloadDecl[]) {}
  get size(): number {
    return this.workloads.length;
  }
  // A lookup answers for any declaration the memo knows; callers ask about this
  // analysis's own (a membership check would cost a set of every workload).
  has(w: WorkloadDecl): boolean {
    return memo.has(w);
  }
  get(w: WorkloadDecl): Recommendation | undefined {
    return memo.get(w)?.rec;
  }
  *entries(): MapIterator<[WorkloadDecl, Recommendation]> {
    for (const w of this.workloads) yield [w, memo.get(w)!.rec];
  }
  *keys(): MapIterator<WorkloadDecl> {
    yield* this.workloads;
  }
  *values(): MapIterator<Recommendation> {
    for (const w of this.workloads) yield memo.get(w)!.rec;
  }
  [Symbol.iterator](): MapIterator<[WorkloadDecl, Recommendation]> {
    return this.entries();
  }
  forEach(fn: (rec: Recommendation, w: WorkloadDecl, map: ReadonlyMap<WorkloadDecl, Recommendation>) => void): void {
    for (const w of this.workloads) fn(memo.get(w)!.rec, w, this);
  }
}

/** Applies severities and suppressions; drops what is turned off. */
export function finalize(file: ParsedFile, findings: readonly Finding[], config: Config): Diagnostic[] {
  const out: Diagnostic[] = [];
  const sup = file.suppressions;
  for (const f of findings) {
    const setting = config.rules[f.ruleId];
    if (setting === 'off') continue;
    const rule = RULES_BY_ID.get(f.ruleId);
    // An off-by-default rule shows only when its finding carries a severity: its opt-in is on.
    if (!setting && rule?.defaultSeverity === 'off' && !f.severity) continue;
    if (sup.file.has('*') || sup.file.has(f.ruleId)) continue;
    if (sup.lines.size) {
      const ids = sup.lines.get(lineOf(file.lineStarts, f.span.start));
      if (ids && (ids.has('*') || ids.has(f.ruleId))) continue;
    }
    const severity: Severity = setting ?? f.severity ?? (rule?.defaultSeverity as Severity | undefined) ?? 'error';
    // Its own span: the finding's moves in place with later edits (see the memo above).
    // Built field by field: a spread of thousands of findings per keystroke costs more.
    const d: Diagnostic = { ruleId: f.ruleId, message: f.message, span: { start: f.span.start, end: f.span.end }, severity, file: file.file };
    if (f.fixes) d.fixes = f.fixes;
    out.push(d);
  }
  out.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  return out;
}

function checkNames(fleet: Fleet, emit: (file: string, f: Finding) => void): void {
  for (const [kind, map] of [
    ['host', fleet.hostsByName],
    ['workload', fleet.workloadsByName],
  ] as const) {
    // Values, not entries: no pair allocated per name, and most names are unique.
    for (const decls of map.values()) {
      if (decls.length < 2) continue;
      const name = decls[0].name!;
      for (const d of decls) {
        const others = decls.filter((x) => x !== d).map((x) => (x.file === d.file ? 'this file' : baseName(x.file)));
        emit(d.file, {
          ruleId: 'duplicate-name',
          message: `Another ${kind} is also named '${name}' (in ${[...new Set(others)].join(', ')}); ${kind} names must be unique across the workspace.`,
          span: d.nameSpan,
        });
      }
    }
  }
}

function checkHosts(fleet: Fleet, emit: (file: string, f: Finding) => void): void {
  for (const h of fleet.hosts) {
    const field = (k: string) => h.node.entries.find((e) => e.key === k);
    if (h.role === 'container-host' && field('hypervisor')) {
      emit(h.file, { ruleId: 'host-field-mismatch', message: '`hypervisor` applies to `role: hypervisor` hosts; this is a container host.', span: field('hypervisor')!.keySpan });
    }
    if (h.role === 'container-host' && !field('os')) {
      emit(h.file, { ruleId: 'host-field-mismatch', message: 'A container host should declare its `os`: every container on it must use that OS (assumed linux).', span: h.nameSpan });
    }
  }
}

function checkWorkload(w: WorkloadDecl, rec: Recommendation, fleet: Fleet, text: Chars, emit: (f: Finding) => void): void {
  const entry = (k: string) => w.node.entries.find((e) => e.key === k);
  // Changing a declared deployment overrides a choice the user made, so "fix all" and
  // `check --fix` apply it only where the declared one cannot run at all.
  const setDeploy = (to: Deploy, preferred = true, label?: string, safe = false): Fix => {
    const e = entry('deploy');
    const title = label ?? `Set \`deploy: ${to}\`${to === rec.verdict ? ' (recommended)' : ''}`;
    if (e?.value) return { title, edits: [{ span: e.value.span, newText: to }], safe, preferred };
    if (e) return { title, edits: [{ span: { start: e.colonEnd, end: e.colonEnd }, newText: ` ${to}` }], safe, preferred };
    return { title, edits: [insertIntoMap(text, w.node, [`deploy: ${to}`])], safe, preferred };
  };

  // Pins to hosts that do not exist.
  for (const p of w.pins) {
    if (fleet.hostsByName.has(p.name)) continue;
    const guess = closest(p.name, fleet.hostsByName.keys());
    emit({
      ruleId: 'unknown-host',
      message: `No host named '${p.name}' is declared in the workspace.${guess ? ` Did you mean '${guess}'?` : ''}`,
      span: p.span,
      fixes: guess ? [{ title: `Change to '${guess}'`, edits: [{ span: p.span, newText: guess }], safe: true, preferred: true }] : undefined,
    });
  }

  if (rec.verdict === null && fleet.summary.declaresHosts) {
    const why = [...new Set(rec.constraints.map((c) => `${c.deploy}: ${c.reason}`))].join('; ');
    emit({ ruleId: 'no-capable-host', message: `No host in the fleet can run '${w.name ?? 'this workload'}' in any form (${why}).`, span: w.nameSpan });
  }

  const declared = w.deploy;
  const deploySpan = entry('deploy')?.value?.span;
  let specific = false;
  if (declared && deploySpan) {
    const broken = rec.constraints.filter((c) => c.deploy === declared);
    for (const c of uniqueBy(broken, (c) => c.ruleId)) {
      const fixes: Fix[] = [];
      if (c.ruleId === 'live-migration-container') {
        const cin = rec.verdict !== 'vm';
        if (rec.feasible.includes('container-in-vm')) fixes.push(setDeploy('container-in-vm', cin, 'Switch to `container-in-vm`', cin));
        if (rec.feasible.includes('vm')) fixes.push(setDeploy('vm', !cin, undefined, !cin));
      } else if (rec.verdict) fixes.push(setDeploy(rec.verdict, true, undefined, true));
      emit({
        ruleId: c.ruleId,
        message: `\`deploy: ${declared}\` is impossible here: ${c.reason}.${rec.verdict ? ` Recommended: ${rec.verdict}.` : ''}`,
        span: deploySpan,
        fixes,
      });
      specific = true;
    }
    if (!broken.length) {
      if (declared === 'container' && w.isolation === 'strict') {
        specific = true;
        emit({
          ruleId: 'strict-isolation-container',
          message: 'Strict isolation in a plain container: a kernel flaw on the host reaches every container there. Run it as container-in-vm (or vm).',
          span: deploySpan,
          fixes: [setDeploy('container-in-vm', true, 'Switch to `container-in-vm`')],
        });
      }
      if (declared === 'vm' && w.scaling && w.scaling.max > w.scaling.min) {
        specific = true;
        const to: Deploy = rec.feasible.includes('container') ? 'container' : 'container-in-vm';
        emit({
          ruleId: 'elastic-vm',
          message: `Elastic scaling (${w.scaling.min} to ${w.scaling.max}) as VMs boots a whole OS per instance; containers start in seconds. Consider ${to}.`,
          span: deploySpan,
          fixes: rec.feasible.includes(to) ? [setDeploy(to)] : [],
        });
      }
      if (!specific && rec.verdict && rec.verdict !== declared) {
        const strong = rec.confidenceLabel === 'high' || rec.confidenceLabel === 'forced';
        emit({
          ruleId: 'deploy-against-recommendation',
          message: `\`deploy: ${declared}\` goes against the recommendation: ${rec.verdict} (${Math.round(rec.confidence * 100)}% confidence; scores ${declared} ${rec.scores[declared]}, ${rec.verdict} ${rec.scores[rec.verdict]}). Hover the workload for what ${declared} gives up.`,
          span: deploySpan,
          severity: strong ? 'warning' : 'information',
          fixes: [setDeploy(rec.verdict)],
        });
      }
    }
  }

  const effective = declared ?? rec.verdict;
  if (w.state === 'stateful' && w.volumes.length === 0 && (effective === 'container' || effective === 'container-in-vm')) {
    const stateSpan = entry('state')?.value?.span ?? w.nameSpan;
    const volumes = entry('volumes');
    let fix: Fix;
    const stub = '{ name: data, size: 10Gi, mountPath: /data }';
    if (volumes?.value && volumes.value.kind === 'seq' && volumes.value.flow) {
      fix = { title: 'Add a volume stub', edits: [{ span: volumes.value.span, newText: `[${stub}]` }], safe: false, preferred: true };
    } else if (volumes) {
      const start = volumes.value ? volumes.value.span.start : volumes.colonEnd;
      const end = volumes.value ? volumes.value.span.end : volumes.colonEnd;
      fix = { title: 'Add a volume stub', edits: [{ span: { start, end }, newText: `${volumes.value ? '' : ' '}[${stub}]` }], safe: false, preferred: true };
    } else if (w.node.flow) {
      fix = { title: 'Add a volume stub', edits: [insertIntoMap(text, w.node, [`volumes: [${stub}]`])], safe: false, preferred: true };
    } else {
      fix = { title: 'Add a volume stub', edits: [insertIntoMap(text, w.node, [`volumes:\n  - ${stub}`])], safe: false, preferred: true };
    }
    emit({
      ruleId: 'stateful-without-volumes',
      message: `A stateful workload deployed as ${effective}${declared ? '' : ' (recommended)'} declares no volumes: its data is lost when the container is replaced.`,
      span: stateSpan,
      fixes: [fix],
    });
  }
}

/** A copy whose spans belong to it alone, so that moving them moves nothing else. */
function owned(f: Finding): Finding {
  const out: Finding = { ...f, span: { start: f.span.start, end: f.span.end } };
  if (f.fixes) out.fixes = f.fixes.map((x) => ({ ...x, edits: x.edits.map((e) => ({ span: { start: e.span.start, end: e.span.end }, newText: e.newText })) }));
  return out;
}


function uniqueBy<T>(xs: T[], key: (x: T) => string): T[] {
  const seen = new Set<string>();
  return xs.filter((x) => {
    const k = key(x);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function baseName(p: string): string {
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return i >= 0 ? p.slice(i + 1) : p;
}
