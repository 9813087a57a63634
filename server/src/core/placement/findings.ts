// Placement findings: what the layout says about the descriptors. Rules (documented in
// core/rules.ts): no-fit, host-over-capacity, single-point-of-failure and the opt-in
// not-failure-tolerant.

import type { Config } from '../config';
import { formatBytes, formatCpu } from '../quantity';
import { fieldSpan } from '../recommend';
import type { Finding, Fix, WorkloadDecl, YEntry } from '../types';
import { type FailureSweep, list, type Placement } from './engine';
import { promiseFindings } from './promises';

export interface FileFinding {
  file: string;
  finding: Finding;
}

/** Kinds already reported by another rule (deploy-impossible, unknown-host, …). */
const REPORTED_ELSEWHERE = new Set(['deploy']);

/**
 * What the placement says about the descriptors. The opt-in host-failure check
 * re-places at most `failureBudget` replicas (default: no limit); when that cuts it
 * short, an information finding on the first host left out says so.
 */
/** `promising`: the workloads whose declarations make promises (see `promiseFindings`), when the caller keeps them. */
export function placementFindings(p: Placement, config: Config, failureBudget = Infinity, promising?: readonly number[]): FileFinding[] {
  const out: FileFinding[] = [];
  // Everything here reads the placement directly: building the layout is for its viewers.
  if (!p.hostCount) return out;
  const name = (w: WorkloadDecl) => w.name ?? 'this workload';

  // no-fit
  for (const u of p.unplaced) {
    if (REPORTED_ELSEWHERE.has(u.kind)) continue;
    if (u.kind === 'pin' && !u.workload.pins.some((pin) => p.hasHost(pin.name))) continue;
    const total = p.replicasOf(u.w);
    const head = u.count === total ? `'${name(u.workload)}' fits on no host` : `${u.count} of ${total} replicas of '${name(u.workload)}' fit on no host`;
    out.push({ file: u.workload.file, finding: { ruleId: 'no-fit', message: `${head}: ${u.reason}.`, span: fieldSpan(u.workload, u.field) } });
  }

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

  // single-point-of-failure
  for (const { w: i, host: at, replicas: placed } of p.singleHostWorkloads()) {
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
    out.push({ file: decl.file, finding: { ruleId: 'single-point-of-failure', message, span: fieldSpan(decl, field), fixes } });
  }

  // single-point-of-failure, partial: replicas share hosts while hosts that could run them
  // run none (they are full), so one host's failure takes several.
  for (const c of crowded(p)) out.push(c);

  // not-failure-tolerant (opt-in: every host failure is simulated)
  const setting = config.rules['not-failure-tolerant'];
  if (config.placement.checkHostFailure || (setting !== undefined && setting !== 'off')) {
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
    p.decls.forEach((decl, i) => {
      const e = byWorkload.get(i);
      if (!e) return;
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
    });
    if (sweep.skipped.length) out.push(cutShort(p, sweep, failureBudget));
  }
  for (const f of promiseFindings(p, promising)) out.push(f);
  return out;
}

/** Workloads whose replicas share hosts on at least 2 hosts while more of their hosts could take them, had they room. */
function crowded(p: Placement): FileFinding[] {
  const out: FileFinding[] = [];
  for (const x of p.sharingWorkloads()) {
    const group = p.spec(x.w)?.group;
    if (!group || x.hosts >= Math.min(x.placed, group.hosts.length)) continue;
    const decl = p.decls[x.w];
    const field = pinEntryOf(decl)?.key ?? (decl.replicas !== undefined ? 'replicas' : 'scaling');
    out.push({
      file: decl.file,
      finding: {
        ruleId: 'single-point-of-failure',
        message: `The ${x.placed} replicas of '${decl.name ?? 'this workload'}' share ${x.hosts} hosts (${x.most} on '${p.hostName(x.mostHost)}') though ${group.hosts.length} of the ${group.label} could run them: the others are full, so one host's failure stops several.`,
        span: fieldSpan(decl, field),
      },
    });
  }
  return out;
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
