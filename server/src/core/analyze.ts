// Parsed files → fleet → recommendations → findings → diagnostics (with the user's
// severities and suppressions applied). Pure: no I/O, never throws on bad input.
//
// An `AnalysisSession` owns everything one analysis of a workspace lends the next (see
// docs/architecture.md, "The analysis session"): `session.update(files, config)` gives
// an immutable snapshot, and the snapshot it replaces is consumed.

import { checkDnsNames, checkHosts, checkNames, checkWorkload, nonDnsHosts, nonDnsNames } from './checks';
import type { Config } from './config';
import { buildFleet, commonEnds, type Fleet } from './fleet';
import { ManifestLinks } from './manifests/k8s';
import { shiftFindings } from './parse';
import { type Placement, place } from './placement';
import { type SplitFindings, splitFindings } from './placement/findings';
import { mayPromise } from './placement/promises';
import { type Recommendation, recommend } from './recommend';
import { RULES_BY_ID } from './rules';
import { lineOf, lowerBound, partitionPoint } from './text';
import type { Diagnostic, Finding, HostDecl, ParsedFile, Severity, WorkloadDecl } from './types';

/** One analysis of the workspace: immutable once made, readable until the session replaces it. */
export interface Analysis {
  fleet: Fleet;
  /** Every workload's recommendation, by declaration (of this analysis's own declarations). */
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
 * what else they depend on does (see `AnalysisSession.update`).
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

/** The latest snapshot, with what the next update reuses. */
interface Latest {
  /** The snapshot itself (the session's own reference: never the guarded view). */
  analysis: Analysis;
  /** Indices (in `fleet.workloads`) of the workloads with findings of their own. */
  withFindings: number[];
  /** The recommendations in fleet order (the placement keeps this array). */
  inOrder: (Recommendation | undefined)[];
  /** Indices (in `fleet.workloads`) of the workloads whose names are not DNS labels. */
  notDns: number[];
  /** Indices (in `fleet.workloads`) of the workloads whose declarations make promises the placement checks (`mayPromise`). */
  promising: number[];
  /** The placement's findings, split by workload: taken over by the next analysis while its placement decides the same. */
  placed: SplitFindings;
  /** The configuration it was made with, and per file what its diagnostics were made of (a kept file's are taken over whole). */
  config: Config;
  files: Map<string, FileOut>;
  /** Set when the next update consumes this snapshot; the guarded view checks it. */
  lease: Lease;
  /** What callers are given (made once, so that it is the same object each time). */
  view?: Analysis;
}

/** One file's findings by source, and its diagnostics. */
interface FileOut {
  parsed: ParsedFile;
  /** From the fleet-wide checks (names, hosts): made anew each time, compared by value. */
  checks: readonly Finding[];
  /** Its workloads' own findings (the memo's), in fleet order. */
  own: readonly Finding[];
  /** The placement's, as emitted (compared by identity, else by value). */
  placed: readonly Finding[];
  diagnostics: Diagnostic[];
}

const NONE: readonly Finding[] = [];

/** The file of a workload index (in a fleet made of `files`, in order), for ascending indices mostly. */
class FileCursor {
  private k = 0;
  private from = 0;
  private to: number;
  constructor(private readonly files: readonly ParsedFile[]) {
    this.to = files.length ? files[0].workloads.length : 0;
  }
  at(i: number): number {
    if (i < this.from) {
      this.k = 0;
      this.from = 0;
      this.to = this.files[0].workloads.length;
    }
    while (i >= this.to) {
      this.from = this.to;
      this.to += this.files[++this.k].workloads.length;
    }
    return this.k;
  }
}

function add(map: Map<string, Finding[]>, file: string, finding: Finding): void {
  const list = map.get(file);
  if (list) list.push(finding);
  else map.set(file, [finding]);
}

/**
 * A file's placement findings: its general ones, then those of its workloads
 * (`findings[from..to)`). The previous list itself when they are the same objects (a kept
 * file whose workloads' findings were taken over), so that comparing it costs nothing.
 */
function placedOf(general: readonly Finding[] | undefined, findings: readonly (readonly Finding[])[], from: number, to: number, manifest: boolean, prev: readonly Finding[] | undefined): readonly Finding[] {
  let out: Finding[] | undefined;
  let j = 0;
  const put = (x: Finding) => {
    // Placement fixes edit descriptor fields (pins): not a manifest's.
    const finding = manifest && x.fixes ? { ...x, fixes: undefined } : x;
    if (out) out.push(finding);
    else if (prev && j < prev.length && prev[j] === finding) j++;
    else {
      out = prev ? prev.slice(0, j) : [];
      out.push(finding);
    }
  };
  if (general) for (const x of general) put(x);
  for (let k = from; k < to; k++) for (const x of findings[k]) put(x);
  if (out) return out;
  return prev && j === prev.length ? prev : j === 0 ? NONE : prev!.slice(0, j);
}

/** The same findings, in the same order: the same objects, or equal values. */
function sameFindings(a: readonly Finding[], b: readonly Finding[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x.ruleId !== y.ruleId || x.message !== y.message || x.span.start !== y.span.start || x.span.end !== y.span.end || x.severity !== y.severity) return false;
    const fx = x.fixes;
    const fy = y.fixes;
    // (Most placement findings carry an empty list: no need to write it out.)
    if (fx !== fy && !(fx && fy && fx.length === 0 && fy.length === 0) && JSON.stringify(fx) !== JSON.stringify(fy)) return false;
  }
  return true;
}

interface Lease {
  consumed: boolean;
}

export interface SessionOptions {
  /**
   * Make reading a consumed snapshot throw (each snapshot is handed out behind a check).
   * Defaults to on when NODE_ENV is `test` (scripts/test.mjs sets it), off otherwise.
   */
  guard?: boolean;
  /**
   * Replicas the opt-in host-failure check (`not-failure-tolerant`) may re-place per
   * update; past it the check stops with an information finding, and goes on with the
   * next update while the placement stays the same. Default `FAILURE_BUDGET`; the CLI
   * and `analyze` pass Infinity (the whole check, once).
   */
  failureBudget?: number;
}

/**
 * The editor's default host-failure budget, in replicas re-placed: 25 ms on a quiet
 * machine for an ordinary fleet (2.4 µs a replica at 10,000 workloads), 0.4 s in the
 * worst measured (36 µs a replica: 1,000 hosts, 250,000 replicas, the fleet full).
 */
export const FAILURE_BUDGET = 10_000;

/**
 * Owns the incremental state of one workspace's analyses: the per-declaration memo of
 * recommendations and findings, what the latest snapshot lends the next (which
 * workloads had findings, the recommendations in order, the placement to resume from
 * and its layout) and the name index the next fleet patches. Each `update` returns a new
 * snapshot and consumes the one before: that one must not be read afterwards (with the
 * guard on, reading it throws). Give each workspace (each set of parse caches) its own
 * session; the declarations it is given must come from those caches.
 */
export class AnalysisSession {
  private readonly memo = new WeakMap<WorkloadDecl, WorkloadMemo>();
  /** The host names joined, as last compared: the same string object makes the memo's check a pointer check. */
  private lastHostNames = '';
  /** The host index those names were read from. */
  private lastHostIndex: ReadonlyMap<string, unknown> | undefined;
  private latest: Latest | undefined;
  /** The host findings (`checkHosts`) of the latest host list: the same list object, the same findings. */
  private hostChecks: { hosts: readonly HostDecl[]; out: [string, Finding][]; notDns: number[] } | undefined;
  /** Manifest workloads joined with the HPAs and claims of other documents (same copies while nothing changes). */
  private readonly links = new ManifestLinks();
  private readonly guard: boolean;
  private readonly failureBudget: number;

  constructor(options: SessionOptions = {}) {
    this.failureBudget = options.failureBudget ?? FAILURE_BUDGET;
    this.guard = options.guard ?? (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.NODE_ENV === 'test';
  }

  /** The latest snapshot (undefined before the first update or after `reset`). */
  get current(): Analysis | undefined {
    return this.latest && this.view(this.latest);
  }

  /** Forgets everything: the next update starts from scratch. Consumes the current snapshot. */
  reset(): void {
    if (this.latest) this.latest.lease.consumed = true;
    this.latest = undefined;
  }

  /**
   * Analyses `input` (the workspace's files, in any order), reusing what did not change
   * since the latest snapshot; the result is the same as a fresh session's (but for how
   * far a host-failure check cut short by the budget has got). The latest snapshot is consumed.
   */
  update(input: readonly ParsedFile[], config: Config): Analysis {
    const previous = this.latest;
    if (previous) previous.lease.consumed = true;
    // Until this update completes the session has no snapshot: a throw below leaves it
    // to start over rather than resume from a half-taken-over one.
    this.latest = undefined;
    const next = this.compute(input, config, previous);
    this.latest = next;
    return this.view(next);
  }

  private compute(input: readonly ParsedFile[], config: Config, latest: Latest | undefined): Latest {
    const previous = latest?.analysis;
    // The fleet, and so the placement, must not depend on the order files arrived in (the
    // editor opens some before it scans the rest); the CLI sorts its paths the same way.
    const sorted = input.length > 1 ? [...input].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)) : input;
    // Manifest files come out as copies when another document adds to their workloads:
    // `fleet.files` holds what was analysed (`fileOf`).
    const files = this.links.link(sorted);
    const fleet = buildFleet(files, previous?.fleet);
    // A file's findings come from its parse, the fleet-wide checks, its workloads' memos and
    // the placement, listed in that order (finalize's sort keeps it among equal spans).
    const checks = new Map<string, Finding[]>();
    const emit = (file: string, finding: Finding) => add(checks, file, finding);
    const sameHostsAsBefore = latest !== undefined && previous !== undefined && sameHosts(previous.fleet, fleet);
    // Files parsed as before, analysed with the same configuration and hosts: their workloads
    // are the same declarations, with the same memo (not visited), and their diagnostics are
    // those of the analysis before unless the fleet-wide checks or the placement say otherwise.
    const before = sameHostsAsBefore && latest.config === config ? latest.files : undefined;
    const kept = new Set<string>();
    if (before) for (const f of files) if (before.get(f.file)?.parsed === f) kept.add(f.file);
    const own = new Map<string, Finding[]>();

    checkNames(fleet, emit);
    // A name is tested once, when its declaration is new: the others are as in the analysis before.
    const ends = previous && (fleet.ends ?? commonEnds(previous.fleet.workloads, fleet.workloads));
    const notDns = latest && previous && ends ? since(previous.fleet.workloads, fleet.workloads, ends, latest.notDns, nonDnsNames) : nonDnsNames(fleet.workloads, fleet.workloads.keys());
    // Host findings and the hosts whose names are not labels rest on the hosts alone: the
    // same list (taken over by buildFleet), the same results.
    let hostChecks = this.hostChecks;
    if (hostChecks?.hosts !== fleet.hosts) {
      const out: [string, Finding][] = [];
      checkHosts(fleet, (file, finding) => out.push([file, finding]));
      hostChecks = this.hostChecks = { hosts: fleet.hosts, out, notDns: nonDnsHosts(fleet.hosts) };
    }
    checkDnsNames(fleet, emit, notDns, hostChecks.notDns);
    for (const [file, finding] of hostChecks.out) emit(file, finding);

    const { memo } = this;
    // Fixes read a few characters around their workload: from the source, not the whole text.
    const sourceOf = new Map(files.map((f) => [f.file, f.source]));
    const declaresHosts = fleet.summary.declaresHosts;
    let hostNames: string | undefined;
    let sink: Finding[] | undefined;
    let sinkFile = '';
    let sinkKept = false;
    // Indices (in fleet.workloads) of the workloads with findings, for the next analysis.
    const withFindings: number[] = [];
    // Every workload's recommendation in fleet order, for the placement.
    // With the same hosts and as many workloads, the previous order copied in one go: the
    // visits below replace the entries that can differ (faster than entry by entry at 100,000).
    const copied = sameHostsAsBefore && latest.inOrder.length === fleet.workloads.length;
    const inOrder = copied ? latest.inOrder.slice() : new Array<Recommendation | undefined>(fleet.workloads.length);
    // One emitter for every workload's own findings, rather than a closure and a list each.
    let found: Finding[] | undefined;
    let asManifest = false;
    // A manifest is not a descriptor: the descriptor fixes (add `deploy:`, `volumes:`) do not apply to it.
    const emitOwn = (f: Finding) => (found ??= []).push(asManifest ? { ...owned(f), fixes: undefined } : owned(f));
    const visit = (w: WorkloadDecl, i: number) => {
      let pinRoles: Set<string> | undefined;
      if (w.pins.length) {
        pinRoles = new Set<string>();
        for (const p of w.pins) for (const h of fleet.hostsByName.get(p.name) ?? []) if (h.role) pinRoles.add(h.role);
        if (hostNames === undefined) {
          // The same index (taken over by buildFleet): the same names, not joined and compared again.
          if (fleet.hostsByName === this.lastHostIndex) hostNames = this.lastHostNames;
          else {
            hostNames = [...fleet.hostsByName.keys()].join('\u0000');
            if (hostNames === this.lastHostNames) hostNames = this.lastHostNames;
            this.lastHostNames = hostNames;
            this.lastHostIndex = fleet.hostsByName;
          }
        }
      }
      const recKey = pinRoles?.size ? `${fleet.summary.key}|${[...pinRoles].sort().join(',')}` : fleet.summary.key;
      const names = w.pins.length ? hostNames! : '';
      let m = memo.get(w);
      if (!m || m.recKey !== recKey) {
        // No set for a workload without pins: `recommend` reads none and an empty one alike.
        // Its findings are set just below (`at` is -1): no list of its own until then.
        m = { recKey, rec: recommend(w, fleet.summary, pinRoles), at: -1, declaresHosts, hostNames: names, findings: NONE as Finding[] };
        memo.set(w, m);
      }
      inOrder[i] = m.rec;
      if (m.at < 0 || m.declaresHosts !== declaresHosts || m.hostNames !== names) {
        found = undefined;
        asManifest = w.manifest !== undefined;
        checkWorkload(w, m.rec, fleet, sourceOf.get(w.file) ?? '', emitOwn);
        // Most workloads have none: they share one empty list (never added to).
        m.findings = found ?? (NONE as Finding[]);
        m.at = w.span.start;
        m.declaresHosts = declaresHosts;
        m.hostNames = names;
      } else if (m.at !== w.span.start) moveFindings(m, w);
      if (m.findings.length) {
        withFindings.push(i);
        if (w.file !== sinkFile || !sink) {
          sinkFile = w.file;
          sinkKept = kept.has(w.file);
          sink = own.get(w.file) ?? own.set(w.file, []).get(w.file)!;
        }
        // A kept file's memo findings are the previous analysis's list.
        if (!sinkKept) for (const f of m.findings) sink.push(f);
      }
    };
    // A workload's findings depend on itself, the fleet summary and the hosts. When those
    // are as before, only the workloads that changed are visited; of the others, only
    // those that had findings (their findings moved with them, or not).
    if (sameHostsAsBefore) {
      const { withFindings: prevWith, inOrder: prevOrder } = latest;
      const old = previous.fleet.workloads;
      const now = fleet.workloads;
      const { head, tail } = ends ?? commonEnds(old, now);
      const moved = now.length - old.length;
      // Unvisited workloads keep their recommendation (same hosts, same summary, same memo).
      if (!copied || moved !== 0) {
        for (let i = 0; i < head; i++) inOrder[i] = prevOrder[i];
        for (let i = now.length - tail; i < now.length; i++) inOrder[i] = prevOrder[i - moved];
      }
      // Of a kept file, the workloads are not visited at all: the same memo, not moved.
      // (Found by index, not by reading each declaration: at 100,000 that costs milliseconds.)
      const cursor = new FileCursor(files);
      // Per file index, not per name: a set lookup per workload with findings costs milliseconds.
      const keptAt = new Uint8Array(files.length);
      if (kept.size) for (let j = 0; j < files.length; j++) if (kept.has(files[j].file)) keptAt[j] = 1;
      const skip = (i: number) => {
        const isKept = keptAt[cursor.at(i)] === 1;
        if (isKept) withFindings.push(i);
        return isKept;
      };
      let k = 0;
      for (; k < prevWith.length && prevWith[k] < head; k++) if (!skip(prevWith[k])) visit(now[prevWith[k]], prevWith[k]);
      for (let i = head; i < now.length - tail; i++) visit(now[i], i);
      while (k < prevWith.length && prevWith[k] < old.length - tail) k++;
      for (; k < prevWith.length; k++) if (!skip(prevWith[k] + moved)) visit(now[prevWith[k] + moved], prevWith[k] + moved);
    } else {
      fleet.workloads.forEach(visit);
    }

    const recommendations = new Recommendations(fleet.workloads, memo);
    // Around the changed declarations, the same hosts give the same recommendations: the placement need not compare those workloads' specs.
    const placement = place(fleet, recommendations, config.placement, { previous: previous?.placement, inOrder, unchanged: sameHostsAsBefore ? ends : undefined });
    // The same for the workloads whose declarations make promises to check against the placement.
    const promising = latest && previous && ends ? since(previous.fleet.workloads, fleet.workloads, ends, latest.promising, promisingOf) : promisingOf(fleet.workloads, fleet.workloads.keys());
    // The workloads of the files parsed again: only their spans can have moved.
    let moving: number[] | undefined;
    if (kept.size) {
      moving = [];
      let from = 0;
      for (const f of files) {
        const to = from + f.workloads.length;
        if (to > from && !kept.has(f.file)) {
          if (moving.length && moving[moving.length - 1] === from) moving[moving.length - 1] = to;
          else moving.push(from, to);
        }
        from = to;
      }
    }
    const placed = splitFindings(placement, config, this.failureBudget, promising, latest && previous && ends ? { placement: previous.placement, split: latest.placed, ...ends, moving } : undefined);
    const general = new Map<string, Finding[]>();
    for (const { file, finding } of placed.general) add(general, file, finding);

    const diagnostics = new Map<string, Diagnostic[]>();
    const outs = new Map<string, FileOut>();
    // Workloads are in file order: each file's placement findings are those of its range.
    let k = 0;
    let to = 0;
    for (const f of files) {
      to += f.workloads.length;
      const from = k;
      while (k < placed.workloads.length && placed.workloads[k] < to) k++;
      const was = kept.has(f.file) ? before!.get(f.file)! : undefined;
      const filePlaced = placedOf(general.get(f.file), placed.findings, from, k, f.manifest !== undefined, was?.placed);
      const fileChecks = checks.get(f.file) ?? NONE;
      const fileOwn = was ? was.own : (own.get(f.file) ?? NONE);
      const ds = was && sameFindings(was.checks, fileChecks) && sameFindings(was.placed, filePlaced) ? was.diagnostics : finalize(f, [...landable(f, recommendations), ...fileChecks, ...fileOwn, ...filePlaced], config);
      diagnostics.set(f.file, ds);
      outs.set(f.file, { parsed: f, checks: fileChecks, own: fileOwn, placed: filePlaced, diagnostics: ds });
    }
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
    return { analysis, withFindings, inOrder, notDns, promising, placed, config, files: outs, lease: { consumed: false } };
  }

  /** What callers get: the snapshot itself, or with the guard on, a view that refuses to be read once consumed. */
  private view(latest: Latest): Analysis {
    return (latest.view ??= this.guard ? guarded(latest.analysis, latest.lease) : latest.analysis);
  }
}

/** The file as the analysis read it (a manifest's may be a linked copy: see `ManifestLinks`), by path. */
export function fileOf(analysis: Analysis, file: string): ParsedFile | undefined {
  return fileIn(analysis.fleet.files, file);
}

/** The file of that path in a list sorted by path. */
function fileIn(files: readonly ParsedFile[], file: string): ParsedFile | undefined {
  const i = partitionPoint(files.length, (k) => files[k].file < file);
  return i < files.length && files[i].file === file ? files[i] : undefined;
}

/** A fresh session's first snapshot: for a one-off analysis (the CLI, tests). */
export function analyze(files: readonly ParsedFile[], config: Config): Analysis {
  return new AnalysisSession({ failureBudget: Infinity }).update(files, config);
}

/** The snapshot and its fleet, placement and recommendations behind a check of the lease. */
function guarded(a: Analysis, lease: Lease): Analysis {
  const check = <T extends object>(target: T, what: string): T =>
    new Proxy(target, {
      get(t, key) {
        if (lease.consumed) throw new Error(`A consumed analysis was read (${what}.${String(key)}): the session has made a newer one; read that instead.`);
        const v = Reflect.get(t, key, t) as unknown;
        // Methods run on the target (Map methods and private fields need it).
        return typeof v === 'function' ? (v as (...args: unknown[]) => unknown).bind(t) : v;
      },
    });
  const fleet = check(a.fleet, 'fleet');
  const placement = check(a.placement, 'placement');
  const recommendations = check(a.recommendations, 'recommendations');
  const face: Analysis = {
    fleet,
    recommendations,
    diagnostics: a.diagnostics,
    placement,
    get layout() {
      return a.layout;
    },
  };
  return check(face, 'analysis');
}

/**
 * The indices of the workloads of `now` that pass a test of the declaration alone, given
 * those of `old` that pass it (`before`): the declarations `now` shares with `old` at its
 * ends are the same objects (a declaration is reused only for the same text), so only
 * those between are tested (`test` gives, of the indices it is given, those that pass).
 * `head` and `tail`: `commonEnds(old, now)`.
 */
function since(
  old: readonly WorkloadDecl[],
  now: readonly WorkloadDecl[],
  { head, tail }: { head: number; tail: number },
  before: readonly number[],
  test: (workloads: readonly WorkloadDecl[], from: Iterable<number>) => number[],
): number[] {
  const moved = now.length - old.length;
  const middle = test(now, range(head, now.length - tail));
  // Ascending: found by bisection, as the lists can hold most of 100,000 workloads.
  const from = lowerBound(before, head);
  const to = lowerBound(before, old.length - tail);
  // Nothing moved and the same indices between the ends (a description edited): the list
  // before is this one (never changed once made), not copied at every edit.
  let same = moved === 0 && to - from === middle.length;
  for (let j = 0; same && j < middle.length; j++) same = before[from + j] === middle[j];
  if (same) return before as number[];
  const out: number[] = before.slice(0, from);
  for (const i of middle) out.push(i);
  for (let k = to; k < before.length; k++) out.push(before[k] + moved);
  return out;
}

/** Of the workloads at `from` (ascending), those whose declarations make promises. */
function promisingOf(workloads: readonly WorkloadDecl[], from: Iterable<number>): number[] {
  const out: number[] = [];
  for (const i of from) if (mayPromise(workloads[i])) out.push(i);
  return out;
}

function* range(from: number, to: number): Generator<number> {
  for (let i = from; i < to; i++) yield i;
}

/** The same hosts, in the same order, as the same declaration objects. */
function sameHosts(a: Fleet, b: Fleet): boolean {
  if (a.summary !== b.summary || a.hosts.length !== b.hosts.length) return false;
  // Taken over whole (see buildFleet).
  if (a.hosts === b.hosts) return true;
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
 * Every workload's recommendation, read from the session's memo (which `update` has just
 * brought up to date) rather than copied into a new map per analysis. It answers only
 * for its own snapshot's declarations: a declaration is found by its place in the
 * fleet's list (by file, then by offset), not by whether the memo knows it.
 */
class Recommendations implements ReadonlyMap<WorkloadDecl, Recommendation> {
  constructor(
    private readonly workloads: readonly WorkloadDecl[],
    private readonly memo: WeakMap<WorkloadDecl, WorkloadMemo>,
  ) {}
  get size(): number {
    return this.workloads.length;
  }
  has(w: WorkloadDecl): boolean {
    return indexOfDecl(this.workloads, w) >= 0;
  }
  get(w: WorkloadDecl): Recommendation | undefined {
    return this.has(w) ? this.memo.get(w)?.rec : undefined;
  }
  *entries(): MapIterator<[WorkloadDecl, Recommendation]> {
    for (const w of this.workloads) yield [w, this.memo.get(w)!.rec];
  }
  *keys(): MapIterator<WorkloadDecl> {
    yield* this.workloads;
  }
  *values(): MapIterator<Recommendation> {
    for (const w of this.workloads) yield this.memo.get(w)!.rec;
  }
  [Symbol.iterator](): MapIterator<[WorkloadDecl, Recommendation]> {
    return this.entries();
  }
  forEach(fn: (rec: Recommendation, w: WorkloadDecl, map: ReadonlyMap<WorkloadDecl, Recommendation>) => void): void {
    for (const w of this.workloads) fn(this.memo.get(w)!.rec, w, this);
  }
}

/**
 * The index of `w` in a fleet's declaration list (sorted by file, then by offset in the
 * file), or -1: a binary search, then an identity check.
 */
export function indexOfDecl<D extends { file: string; span: { start: number } }>(list: readonly D[], w: D): number {
  const at = partitionPoint(list.length, (i) => list[i].file < w.file || (list[i].file === w.file && list[i].span.start < w.span.start));
  return at < list.length && list[at] === w ? at : -1;
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

/** A copy whose spans belong to it alone, so that moving them moves nothing else. */
/**
 * A file's own findings, without the fixes that land on a deployment the fleet rules out
 * for their workload (`Fix.lands`: a manifest's sandbox runtime where no host can run a
 * container in a VM). Only readers other than the descriptors' set `lands`.
 */
function landable(f: ParsedFile, recs: ReadonlyMap<WorkloadDecl, Recommendation>): readonly Finding[] {
  if (!f.manifest || !f.findings.some((x) => x.fixes?.some((fix) => fix.lands))) return f.findings;
  return f.findings.map((x) => {
    if (!x.fixes?.some((fix) => fix.lands)) return x;
    const w = f.workloads.find((d) => d.span.start <= x.span.start && x.span.end <= d.span.end);
    const feasible = (w && recs.get(w)?.feasible) ?? [];
    const fixes = x.fixes.filter((fix) => !fix.lands || feasible.includes(fix.lands));
    return fixes.length === x.fixes.length ? x : { ...x, fixes: fixes.length ? fixes : undefined };
  });
}

function owned(f: Finding): Finding {
  const out: Finding = { ...f, span: { start: f.span.start, end: f.span.end } };
  if (f.fixes) out.fixes = f.fixes.map((x) => ({ ...x, edits: x.edits.map((e) => ({ span: { start: e.span.start, end: e.span.end }, newText: e.newText })) }));
  return out;
}
