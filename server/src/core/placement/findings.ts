// Placement findings: what the layout says about the descriptors. Rules (documented in
// core/rules.ts): no-fit, host-over-capacity, single-point-of-failure and the opt-in
// not-failure-tolerant.

import type { Config } from '../config';
import { formatBytes, formatCpu } from '../quantity';
import { fieldSpan } from '../recommend';
import { shiftFindings } from '../parse';
import type { Finding, Fix, WorkloadDecl, YEntry } from '../types';
import { type FailureSweep, list, type Placement } from './engine';
import { EPS } from './model';
import {
  domainOfHost,
  hostPromiseFindings,
  mayPromise,
  newContext,
  peakFindings,
  type ModelContext,
  type PromiseContext,
  READS_ROOM,
  READS_TARGETS,
  roomDiffers,
  roomReads,
  targetsDiffer,
  workloadPromiseFindings,
} from './promises';

export interface FileFinding {
  file: string;
  finding: Finding;
}

/** Kinds already reported by another rule (deploy-impossible, unknown-host, …). */
const REPORTED_ELSEWHERE = new Set(['deploy']);

/**
 * The placement's findings, split by what they belong to, so that the next analysis can
 * take a workload's over while its placement outcome stays the same (`splitFindings`).
 * Listed in one order whichever way they were made: the general ones, then workload by
 * workload (ascending), each workload's in rule order.
 */
export interface SplitFindings {
  /** On hosts, and the host-failure check's: made anew by every analysis (few, or opt-in). */
  general: FileFinding[];
  /** Indices (ascending) of the workloads with findings of their own. */
  workloads: number[];
  /** Their findings, each with spans of its own (moved in place with its declaration). */
  findings: Finding[][];
  /** Where each such workload started when its findings were made (`span.start`). */
  at: number[];
  /** At least the largest `scaling.max` of the workloads whose peak is checked (a bound that may only be high). */
  peakMax: number;
  /** What the promise checks learnt of the host model (the next analysis reuses it over the same model). */
  models?: ModelContext;
}

/** What `splitFindings` may take from the previous analysis: its placement and split, and how its workload list maps onto the new one. */
export interface FindingsReuse {
  placement: Placement;
  split: SplitFindings;
  /** `commonEnds(previous workloads, workloads)`: the declarations outside them are new. */
  head: number;
  tail: number;
  /**
   * Ascending [from, to) pairs of workload indices whose spans may have moved since (the
   * files parsed again); undefined: any. Elsewhere a finding's offset is read from the
   * previous split rather than from the declaration: at 100,000 workloads, reading each
   * declaration costs milliseconds of cache misses.
   */
  moving?: readonly number[];
}

/**
 * What the placement says about the descriptors. The opt-in host-failure check
 * re-places at most `failureBudget` replicas (default: no limit); when that cuts it
 * short, an information finding on the first host left out says so.
 * `promising`: the workloads whose declarations make promises (see `promiseFindings`), when the caller keeps them.
 */
export function placementFindings(p: Placement, config: Config, failureBudget = Infinity, promising?: readonly number[]): FileFinding[] {
  const split = splitFindings(p, config, failureBudget, promising);
  const out = split.general.slice();
  split.workloads.forEach((w, k) => {
    for (const finding of split.findings[k]) out.push({ file: p.decls[w].file, finding });
  });
  return out;
}

/**
 * The same findings, split (see `SplitFindings`). With `reuse`, a workload keeps its
 * previous findings (moved with it) unless something they read changed: its declaration
 * (the same object), its spec and decisions (`Placement.since`), or, for the checks that
 * read the room the whole placement left (live migration's targets, the peak), that room.
 * The rest are checked again.
 */
export function splitFindings(p: Placement, config: Config, failureBudget = Infinity, promising?: readonly number[], reuse?: FindingsReuse): SplitFindings {
  const out: SplitFindings = { general: [], workloads: [], findings: [], at: [], peakMax: 0 };
  // Everything here reads the placement directly: building the layout is for its viewers.
  if (!p.hostCount) return out;
  const same = reuse !== undefined && sameDecisions(reuse.placement, p);
  // The same decisions, hosts and workload names: the host findings are as before (the
  // failure check's aside, which goes on from where its budget stopped it).
  const resumed = reuse !== undefined && (same || resumable(reuse.placement, p));
  // Or the same hosts, and no pinned workload changed (the host findings read only the pinned ones).
  const keep = !failureCheck(config) && ((same && sameNames(reuse.placement, p, reuse.head, reuse.tail)) || (resumed && samePinned(reuse.placement, p, reuse)));
  out.general = keep ? reuse!.split.general : generalFindings(p, config, failureBudget);
  const ctx = newContext(p, reuse?.split.models);
  out.models = ctx.models;
  if (reuse && resumed) {
    resumeFindings(p, ctx, reuse, same, promising, out);
    return out;
  }
  const { decls } = p;
  // Every workload is read: the whole list once, rather than each workload's part.
  void p.unplaced;
  // Most workloads need x86_64 by default and promise nothing checked: not visited for promises.
  const only = ctx.x86 ? promising : undefined;
  for (const w of only ?? decls.keys()) out.peakMax = Math.max(out.peakMax, decls[w].scaling?.max ?? 0);
  let c = 0;
  for (let w = 0; w < decls.length; w++) {
    let promise = true;
    if (only) {
      while (c < only.length && only[c] < w) c++;
      promise = c < only.length && only[c] === w;
    }
    const found = workloadFindings(p, w, ctx, promise);
    if (!found) continue;
    out.workloads.push(w);
    out.findings.push(found);
    out.at.push(decls[w].span.start);
  }
  return out;
}

/**
 * Resumed from `before` (`resumable`), with no pinned workload among those that changed,
 * nor between the common ends on either side: every pinned workload is the same
 * declaration with the same decisions, and so are the host findings (`overPinned`).
 */
function samePinned(before: Placement, p: Placement, reuse: FindingsReuse): boolean {
  const since = p.since;
  if (!since) return false;
  const head = Math.min(reuse.head, since.head);
  const tail = Math.min(reuse.tail, since.tail, p.decls.length - head);
  for (const w of since.changed) if (p.spec(w)?.pins) return false;
  for (let w = head; w < p.decls.length - tail; w++) if (p.decls[w].pins.length || p.spec(w)?.pins) return false;
  for (let w = head; w < before.decls.length - tail; w++) if (before.decls[w].pins.length || before.spec(w)?.pins) return false;
  return true;
}

/** Resumed from `before` over the same host model and host declarations: its findings are worth taking over. */
function resumable(before: Placement, p: Placement): boolean {
  if (!p.since || before.model !== p.model || before.hostDecls.length !== p.hostDecls.length) return false;
  for (let h = 0; h < p.hostDecls.length; h++) if (before.hostDecls[h] !== p.hostDecls[h]) return false;
  return true;
}

/**
 * The workload findings from the previous ones (see `splitFindings`), in ascending order
 * of workload: those between the common ends and those whose decisions changed are
 * checked again; every other workload's are taken over (moved), except that the checks
 * reading the room left are run again where that room differs.
 * `same`: the very same decisions (no workload changed, and no room).
 */
function resumeFindings(p: Placement, ctx: PromiseContext, reuse: FindingsReuse, same: boolean, promising: readonly number[] | undefined, out: SplitFindings): void {
  const { decls } = p;
  const before = reuse.placement;
  const prev = reuse.split;
  const n = decls.length;
  const oldN = before.decls.length;
  const moved = n - oldN;
  // The ends: the same declaration objects (`reuse`) with the same specs (`since`).
  const since = same ? { head: n, tail: n, changed: [] } : p.since!;
  const head = Math.min(reuse.head, since.head);
  const tail = Math.min(reuse.tail, since.tail, n - head);
  const end = n - tail;
  const changed = since.changed;
  // The room checks are run again only where the free capacity left differs: the hosts of
  // that capacity, their groups and migration domains.
  out.peakMax = prev.peakMax;
  const room = same ? undefined : roomChanges(before, p, ctx, prev.peakMax);
  const checks = room ? room.candidates : [];
  const push = (w: number, found: Finding[] | undefined, at: number) => {
    if (!found) return;
    out.workloads.push(w);
    out.findings.push(found);
    out.at.push(at);
  };
  const fresh = (w: number) => {
    const decl = decls[w];
    if (decl.scaling && decl.scaling.max > out.peakMax) out.peakMax = decl.scaling.max;
    push(w, workloadFindings(p, w, ctx, !ctx.x86 || mayPromise(decl)), decl.span.start);
  };
  // Whether workload w's span may have moved (w ascending between calls).
  const { moving } = reuse;
  let r = 0;
  const mayMove = (w: number): boolean => {
    if (!moving) return true;
    while (r < moving.length && moving[r + 1] <= w) r += 2;
    return r < moving.length && moving[r] <= w;
  };
  // The previous entry k at its new index (-1: between the ends, checked again).
  const newIndex = (k: number) => {
    const o = prev.workloads[k];
    return o < head ? o : o >= oldN - tail ? o + moved : -1;
  };
  let kw = 0;
  let kc = 0;
  let kp = 0;
  let middle = head < end;
  for (;;) {
    while (kw < prev.workloads.length && newIndex(kw) < 0) kw++;
    while (kc < changed.length && changed[kc] >= head && changed[kc] < end) kc++;
    while (kp < checks.length && checks[kp] >= head && checks[kp] < end) kp++;
    let w = Infinity;
    if (kw < prev.workloads.length) w = newIndex(kw);
    if (kc < changed.length && changed[kc] < w) w = changed[kc];
    if (kp < checks.length && checks[kp] < w) w = checks[kp];
    if (middle && head <= w) {
      // Between the common ends: new or edited declarations, every one checked.
      middle = false;
      for (let i = head; i < end; i++) fresh(i);
      continue;
    }
    if (w === Infinity) break;
    let found: Finding[] | undefined;
    let at = -1;
    if (kw < prev.workloads.length && newIndex(kw) === w) {
      found = prev.findings[kw];
      at = prev.at[kw];
      if (mayMove(w)) {
        at = decls[w].span.start;
        if (at !== prev.at[kw]) shiftFindings(found, at - prev.at[kw]);
      }
      kw++;
    }
    let again = false;
    if (kc < changed.length && changed[kc] === w) {
      again = true;
      kc++;
    }
    let check = false;
    if (kp < checks.length && checks[kp] === w) {
      check = true;
      kp++;
    }
    if (!again && check && room) {
      const reads = roomReads(p, w);
      if (reads & READS_TARGETS && targetsDiffer(before, room.ctx, p, ctx, w, room.domains)) again = true;
      else if (reads & READS_ROOM && room.roomChanged(p.spec(w)!.group!.id)) found = repeak(p, w, ctx, found);
    }
    if (again) fresh(w);
    // A peak finding new to this workload has no previous offset: read it.
    else if (found) push(w, found, at >= 0 ? at : decls[w].span.start);
  }
}

/** What the room checks compare: the previous placement's context, the migration domains of the hosts whose free capacity differs, and the workloads to check again. */
interface RoomChanges {
  ctx: PromiseContext;
  domains: Set<string>;
  /** Whether the room left on group g's hosts differs. */
  roomChanged(g: number): boolean;
  /** Ascending: the workloads whose room checks may read what differs. */
  candidates: number[];
}

/**
 * What differs in the room left between the two final packings (undefined: nothing), and
 * the workloads whose room checks may read it, found over the decisions' flat arrays
 * rather than by visiting each workload: a live-migration check reads only the domains of
 * its VMs' hosts; a peak check reads its group's room, and whatever that room, fires only
 * when it holds fewer instances than `scaling.max` (at most `peakMax`).
 */
function roomChanges(before: Placement, p: Placement, ctx: PromiseContext, peakMax: number): RoomChanges | undefined {
  const a = before.packer;
  const b = p.packer;
  const m = p.model;
  const H = p.hostCount;
  let touchedGroups: Uint8Array | undefined;
  let inDomain: Uint8Array | undefined;
  const domains = new Set<string>();
  for (let h = 0; h < H; h++) {
    if (a.free.cpu[h] === b.free.cpu[h] && a.free.mem[h] === b.free.mem[h] && a.free.sto[h] === b.free.sto[h] && a.gpu[h] === b.gpu[h]) continue;
    touchedGroups ??= new Uint8Array(m.groupList.length);
    for (const { g } of m.hostGroups[h]) if (g < touchedGroups.length) touchedGroups[g] = 1;
    domains.add(domainOfHost(p, h, ctx));
  }
  if (!touchedGroups) return undefined;
  const touched = touchedGroups;
  const bctx = newContext(before, ctx.models);
  // Per group: 0 not known yet, 1 the same room, 2 another room.
  const state = new Uint8Array(m.groupList.length);
  const roomChanged = (g: number): boolean => {
    // A group made after the hosts were read is taken as changed.
    if (g >= touched.length) return true;
    if (!touched[g]) return false;
    if (!state[g]) state[g] = roomDiffers(before, bctx, p, ctx, m.groupList[g]) ? 2 : 1;
    return state[g] === 2;
  };
  // Hosts in a domain that differs.
  inDomain = new Uint8Array(H);
  for (let h = 0; h < H; h++) if (domains.has(domainOfHost(p, h, ctx))) inDomain[h] = 1;
  const core = p.carry.core;
  const { order, start, host, group, kind, cpu, mem } = core;
  const candidates: number[] = [];
  // Per group, decided once: the room now and before, when it changed (read per step below).
  const G = touched.length;
  const known = new Uint8Array(G);
  const rooms = new Float64Array(4 * G);
  for (let k = 0; k < order.length; k++) {
    const g = group[k];
    if (g >= G) {
      candidates.push(order[k]);
      continue;
    }
    if (!known[g]) {
      known[g] = roomChanged(g) ? 2 : 1;
      if (known[g] === 2) {
        const now = ctx.rooms.get(m.groupList[g])!;
        const was = bctx.rooms.get(m.groupList[g])!;
        rooms[4 * g] = now.cpu;
        rooms[4 * g + 1] = now.mem;
        rooms[4 * g + 2] = was.cpu;
        rooms[4 * g + 3] = was.mem;
      }
    }
    // The peak check fires only for fewer instances' room than `scaling.max` (≤ peakMax) in one of the two placements.
    if (known[g] === 2 && (fits(rooms[4 * g], rooms[4 * g + 1], cpu[k], mem[k]) < peakMax || fits(rooms[4 * g + 2], rooms[4 * g + 3], cpu[k], mem[k]) < peakMax)) {
      candidates.push(order[k]);
      continue;
    }
    // Live migration: a VM (not a container) on a host of a domain that differs.
    if (kind[k] === 0) continue;
    for (let i = start[k]; i < start[k + 1]; i++) {
      const h = host[i];
      if (h >= 0 && inDomain[h]) {
        candidates.push(order[k]);
        break;
      }
    }
  }
  for (const w of p.since?.stepless ?? []) candidates.push(w);
  candidates.sort((x, y) => x - y);
  return { ctx: bctx, domains, roomChanged, candidates };
}

/** How many instances of this size the room holds, as the peak check counts them. */
function fits(roomCpu: number, roomMem: number, cpu: number, mem: number): number {
  return Math.min(cpu > 0 ? Math.floor((roomCpu + EPS) / cpu) : Infinity, mem > 0 ? Math.floor((roomMem + EPS) / mem) : Infinity);
}

/** `found` (workload `w`'s previous findings) with its peak check run again: it comes last. */
function repeak(p: Placement, w: number, ctx: PromiseContext, found: Finding[] | undefined): Finding[] | undefined {
  let now: Finding | undefined;
  peakFindings(p, w, ctx, (f) => (now = own(f)));
  const last = found?.[found.length - 1];
  const was = last?.ruleId === 'peak-no-fit' ? last : undefined;
  if (!now && !was) return found;
  if (now && was && now.message === was.message && now.span.start === was.span.start && now.span.end === was.span.end) return found;
  const out = was ? found!.slice(0, -1) : (found?.slice() ?? []);
  if (now) out.push(now);
  return out.length ? out : undefined;
}

/** The same decisions, on the same hosts (a resume that changed nothing shares them): every workload's outcome is as it was. */
function sameDecisions(a: Placement, b: Placement): boolean {
  const x = a.carry.core;
  const y = b.carry.core;
  return x.host === y.host && x.order === y.order && x.failed === y.failed && x.model === y.model && a.decls.length === b.decls.length;
}

/** The same host declarations, and the same names for the workloads between the common ends (the same count: `sameDecisions`). */
function sameNames(a: Placement, b: Placement, head: number, tail: number): boolean {
  if (a.hostDecls.length !== b.hostDecls.length) return false;
  for (let h = 0; h < a.hostDecls.length; h++) if (a.hostDecls[h] !== b.hostDecls[h]) return false;
  for (let w = head; w < b.decls.length - tail; w++) if (a.decls[w].name !== b.decls[w].name) return false;
  return true;
}

function failureCheck(config: Config): boolean {
  const setting = config.rules['not-failure-tolerant'];
  return config.placement.checkHostFailure || (setting !== undefined && setting !== 'off');
}

/** Host findings, and the opt-in host-failure check's. */
function generalFindings(p: Placement, config: Config, failureBudget: number): FileFinding[] {
  const out: FileFinding[] = [];
  // host-over-capacity
  for (const o of p.overPinned) {
    const offers = ` (${formatCpu(o.allocatable.cpu)} cores and ${formatBytes(o.allocatable.memory)} allocatable)`;
    const failed = o.failed.map((f) => `'${name(f.workload)}' (${f.replicas} replica${f.replicas > 1 ? 's' : ''})`);
    const already = o.placed.length ? `; already pinned and placed here: ${list(o.placed.map((w) => `'${name(w)}'`))}` : '';
    out.push({
      file: o.host.file,
      finding: {
        ruleId: 'host-over-capacity',
        message: `The workloads pinned to '${o.host.name ?? 'this host'}' need more than it offers${offers}: ${list(failed)} ${o.failed.length > 1 || o.failed[0].replicas > 1 ? 'do' : 'does'} not fit${already}.`,
        span: o.host.nameSpan,
      },
    });
  }

  // not-failure-tolerant (opt-in: every host failure is simulated)
  if (failureCheck(config)) {
    const byWorkload = new Map<number, { hosts: string[]; reason: string }>();
    const sweep = p.simulateEveryFailure(failureBudget);
    for (const outcome of sweep.outcomes.values()) {
      for (const l of outcome.lost) {
        const e = byWorkload.get(l.w) ?? byWorkload.set(l.w, { hosts: [], reason: l.reason }).get(l.w)!;
        e.hosts.push(p.hostName(outcome.host));
      }
      // Nothing lost, but every replica now on one host: the next failure takes them all.
      for (const x of outcome.shared ?? []) {
        if (byWorkload.has(x.w) || x.replicas < p.replicasOf(x.w)) continue;
        byWorkload.set(x.w, { hosts: [p.hostName(outcome.host)], reason: `all ${x.replicas} replicas would then share '${p.hostName(x.host)}'` });
      }
    }
    for (const i of [...byWorkload.keys()].sort((a, b) => a - b)) {
      const decl = p.decls[i];
      const e = byWorkload.get(i)!;
      out.push({
        file: decl.file,
        finding: {
          ruleId: 'not-failure-tolerant',
          message: `'${name(decl)}' does not survive the loss of ${list(e.hosts.map((h) => `'${h}'`))}: ${e.reason.replace(/^lost with [^:]*: /, '')}.`,
          span: decl.nameSpan,
          // Off by default; turning `placement.checkHostFailure` on is the opt-in.
          severity: 'warning',
        },
      });
    }
    if (sweep.skipped.length) out.push(cutShort(p, sweep, failureBudget));
  }
  for (const f of hostPromiseFindings(p)) out.push(f);
  return out;
}

/** One workload's findings (no-fit, single-point-of-failure, and with `promise` the promise checks), or undefined for none. */
function workloadFindings(p: Placement, w: number, ctx: PromiseContext, promise: boolean): Finding[] | undefined {
  let out: Finding[] | undefined;
  const push = (f: Finding) => (out ??= []).push(own(f));
  const decl = p.decls[w];
  // no-fit
  for (const x of p.unplacedOf(w)) {
    if (REPORTED_ELSEWHERE.has(x.kind)) continue;
    if (x.kind === 'pin' && !decl.pins.some((pin) => p.hasHost(pin.name))) continue;
    const total = p.replicasOf(w);
    const head = x.count === total ? `'${name(decl)}' fits on no host` : `${x.count} of ${total} replicas of '${name(decl)}' fit on no host`;
    push({ ruleId: 'no-fit', message: `${head}: ${x.reason}.`, span: fieldSpan(decl, x.field) });
  }
  // single-point-of-failure
  const single = p.singleHost(w);
  if (single) push(singlePoint(p, w, single.host, single.replicas));
  // single-point-of-failure, partial: replicas share hosts while hosts that could run them
  // run none (they are full), so one host's failure takes several.
  const shared = p.sharing(w);
  if (shared) {
    const group = p.spec(w)?.group;
    if (group && shared.hosts < Math.min(shared.placed, group.hosts.length)) {
      const field = pinEntryOf(decl)?.key ?? (decl.replicas !== undefined ? 'replicas' : 'scaling');
      push({
        ruleId: 'single-point-of-failure',
        message: `The ${shared.placed} replicas of '${name(decl)}' share ${shared.hosts} hosts (${shared.most} on '${p.hostName(shared.mostHost)}') though ${group.hosts.length} of the ${group.label} could run them: the others are full, so one host's failure stops several.`,
        span: fieldSpan(decl, field),
      });
    }
  }
  if (promise) workloadPromiseFindings(p, w, ctx, push);
  return out;
}

/** All placed replicas of workload `i` on one host. */
function singlePoint(p: Placement, i: number, at: number, placed: number): Finding {
  const decl = p.decls[i];
  const host = p.hostName(at);
  const lw = { name: name(decl), deploy: p.deployOf(i) };
  const pinEntry = pinEntryOf(decl);
  const singlePin = decl.pins.length > 0 && decl.pins.every((x) => x.name === decl.pins[0].name);
  const fixes: Fix[] = [];
  let message: string;
  let field: string;
  if (singlePin && pinEntry) {
    message = `All ${placed} replicas of '${lw.name}' are pinned to '${host}': one host failure stops every one of them.`;
    field = pinEntry.key;
    const other = p.findCapableHost(i, (h) => h.name !== undefined && h.name !== host);
    if (other && pinEntry.value) {
      fixes.push({
        title: `Spread over \`hosts: [${host}, ${other.name}]\``,
        edits: [{ span: { start: pinEntry.keySpan.start, end: pinEntry.value.span.end }, newText: `hosts: [${flow(host)}, ${flow(other.name!)}]` }],
        // It changes where the workload runs: offered, never applied in bulk.
        safe: false,
      });
    }
  } else {
    const capable = p.capableCount(i);
    message = `All ${placed} replicas of '${lw.name}' landed on '${host}'${capable <= 1 ? `, the only host that can run it as ${lw.deploy}` : pinEntry ? ', the only pinned host with room' : ', the only capable host with room'}: one host failure stops every one of them.`;
    field = pinEntry ? pinEntry.key : decl.replicas !== undefined ? 'replicas' : 'scaling';
  }
  return { ruleId: 'single-point-of-failure', message, span: fieldSpan(decl, field), fixes };
}

/** A copy whose spans belong to it alone, so that moving them moves nothing else. */
function own(f: Finding): Finding {
  const out: Finding = { ...f, span: { start: f.span.start, end: f.span.end } };
  if (f.fixes) out.fixes = f.fixes.map((x) => ({ ...x, edits: x.edits.map((e) => ({ span: { start: e.span.start, end: e.span.end }, newText: e.newText })) }));
  return out;
}

function name(w: WorkloadDecl): string {
  return w.name ?? 'this workload';
}

/** The note that the host-failure check stopped at its budget, on the first host it left out. */
function cutShort(p: Placement, sweep: FailureSweep, budget: number): FileFinding {
  const first = p.hostDecls[sweep.skipped[0]];
  const done = sweep.outcomes.size;
  const total = done + sweep.skipped.length;
  const others = sweep.skipped.length - 1;
  return {
    file: first.file,
    finding: {
      ruleId: 'not-failure-tolerant',
      message:
        `The host-failure check stopped early: it simulated the failure of ${done} of the ${total} hosts in use, re-placing at most ${budget.toLocaleString('en')} replicas per analysis. ` +
        `The failure of '${first.name ?? 'this host'}'${others ? ` and ${others} other${others > 1 ? 's' : ''}` : ''} was not simulated yet; the check goes on with the next analysis while the placement stays the same, and \`workload-placement check\` runs it whole.`,
      span: first.nameSpan,
      severity: 'information',
    },
  };
}

/** The `host` or `hosts` entry, whichever comes first. */
function pinEntryOf(w: WorkloadDecl): YEntry | undefined {
  for (const e of w.node.entries) if (e.key === 'host' || e.key === 'hosts') return e;
  return undefined;
}

/** A host name as a YAML flow scalar: plain when safe, else double-quoted. */
function flow(s: string): string {
  return /^[A-Za-z0-9_][A-Za-z0-9_.\-/]*$/.test(s) ? s : JSON.stringify(s);
}
