// The checks that need the fleet: duplicate names, host fields that do not fit the
// host's role, and per workload its pins, its deployment against the recommendation and
// its volumes. Pure: each emits findings, none reads anything but its arguments.

import { insertIntoMap } from './edits';
import type { Fleet } from './fleet';
import type { Recommendation } from './recommend';
import type { Chars } from './sourceText';
import { dnsLabelFor, freeLabel, isDnsLabel, yamlLabel } from './names';
import { closest, show } from './text';
import type { Deploy, Finding, Fix, HostDecl, Span, WorkloadDecl, YEntry } from './types';

type Emit = (f: Finding) => void;

export function checkNames(fleet: Fleet, emit: (file: string, f: Finding) => void): void {
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

/**
 * Names that are not DNS-1123 labels (`name-not-dns-label`), with a fix proposing one that
 * no other host (or workload) has or is proposed. A host's fix renames the pins to it in
 * its own file too; when other files pin it, the fix is not safe (one fix edits one file).
 */
export function checkDnsNames(fleet: Fleet, emit: (file: string, f: Finding) => void): void {
  let pinsByHost: Map<string, { file: string; span: Span }[]> | undefined;
  const pinsTo = (name: string) => {
    if (!pinsByHost) {
      pinsByHost = new Map();
      for (const w of fleet.workloads) {
        for (const p of w.pins) {
          let list = pinsByHost.get(p.name);
          if (!list) pinsByHost.set(p.name, (list = []));
          list.push({ file: w.file, span: p.span });
        }
      }
    }
    return pinsByHost.get(name) ?? [];
  };
  for (const [kind, decls, byName] of [
    ['Host', fleet.hosts, fleet.hostsByName],
    ['Workload', fleet.workloads, fleet.workloadsByName],
  ] as const) {
    let proposed: Set<string> | undefined;
    for (const d of decls as readonly (HostDecl | WorkloadDecl)[]) {
      const name = d.name;
      if (name === undefined || isDnsLabel(name)) continue;
      const base = dnsLabelFor(name);
      let fixes: Fix[] | undefined;
      let suggestion = '';
      if (base !== undefined) {
        const taken = (proposed ??= new Set());
        const label = freeLabel(base, (n) => byName.has(n) || taken.has(n));
        taken.add(label);
        suggestion = ` Suggested: '${label}'.`;
        const value = yamlLabel(label);
        const edits = [{ span: d.nameSpan, newText: value }];
        let safe = true;
        let title = `Rename to '${label}'`;
        if (d.kind === 'host') {
          const pins = pinsTo(name);
          const elsewhere = [...new Set(pins.filter((p) => p.file !== d.file).map((p) => baseName(p.file)))];
          for (const p of pins) if (p.file === d.file) edits.push({ span: p.span, newText: value });
          const here = pins.length - pins.filter((p) => p.file !== d.file).length;
          if (here) title += ` (and ${here === 1 ? 'its pin' : `its ${here} pins`} in this file)`;
          if (elsewhere.length) {
            safe = false;
            title += `; pinned in ${elsewhere.join(', ')} too: use Rename to rename those`;
          }
        }
        fixes = [{ title, edits, safe, preferred: true }];
      }
      emit(d.file, {
        ruleId: 'name-not-dns-label',
        message: `${kind} name ${show(name)} is not a DNS-1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters); it becomes a VM, host or Kubernetes object name.${suggestion}`,
        span: d.nameSpan,
        fixes,
      });
    }
  }
}

export function checkHosts(fleet: Fleet, emit: (file: string, f: Finding) => void): void {
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

/** Every check of one workload; `text` is its file's source (some fixes read around it). */
export function checkWorkload(w: WorkloadDecl, rec: Recommendation, fleet: Fleet, text: Chars, emit: Emit): void {
  checkPins(w, fleet, emit);
  if (rec.verdict === null && fleet.summary.declaresHosts) {
    const why = [...new Set(rec.constraints.map((c) => `${c.deploy}: ${c.reason}`))].join('; ');
    emit({ ruleId: 'no-capable-host', message: `No host in the fleet can run '${w.name ?? 'this workload'}' in any form (${why}).`, span: w.nameSpan });
  }
  const deploy = entryOf(w, 'deploy');
  if (w.deploy && deploy?.value) checkDeclaredDeploy(w, w.deploy, deploy.value.span, rec, text, emit);
  checkVolumes(w, rec, text, emit);
}

/** Pins to hosts that do not exist. */
function checkPins(w: WorkloadDecl, fleet: Fleet, emit: Emit): void {
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
}

/**
 * A fix that sets the workload's `deploy`. Changing a declared deployment overrides a
 * choice the user made, so "fix all" and `check --fix` apply it (`safe`) only where the
 * declared one cannot run at all.
 */
function setDeploy(w: WorkloadDecl, rec: Recommendation, text: Chars, to: Deploy, preferred = true, label?: string, safe = false): Fix {
  const e = entryOf(w, 'deploy');
  const title = label ?? `Set \`deploy: ${to}\`${to === rec.verdict ? ' (recommended)' : ''}`;
  if (e?.value) return { title, edits: [{ span: e.value.span, newText: to }], safe, preferred };
  if (e) return { title, edits: [{ span: { start: e.colonEnd, end: e.colonEnd }, newText: ` ${to}` }], safe, preferred };
  return { title, edits: [insertIntoMap(text, w.node, [`deploy: ${to}`])], safe, preferred };
}

/** The declared deployment: impossible here, unwise, or against the recommendation. */
function checkDeclaredDeploy(w: WorkloadDecl, declared: Deploy, span: Finding['span'], rec: Recommendation, text: Chars, emit: Emit): void {
  const fix = (to: Deploy, preferred?: boolean, label?: string, safe?: boolean) => setDeploy(w, rec, text, to, preferred, label, safe);
  const broken = rec.constraints.filter((c) => c.deploy === declared);
  for (const c of uniqueBy(broken, (c) => c.ruleId)) {
    const fixes: Fix[] = [];
    if (c.ruleId === 'live-migration-container') {
      const cin = rec.verdict !== 'vm';
      if (rec.feasible.includes('container-in-vm')) fixes.push(fix('container-in-vm', cin, 'Switch to `container-in-vm`', cin));
      if (rec.feasible.includes('vm')) fixes.push(fix('vm', !cin, undefined, !cin));
    } else if (rec.verdict) fixes.push(fix(rec.verdict, true, undefined, true));
    emit({ ruleId: c.ruleId, message: `\`deploy: ${declared}\` is impossible here: ${c.reason}.${rec.verdict ? ` Recommended: ${rec.verdict}.` : ''}`, span, fixes });
  }
  if (broken.length) return;
  let specific = false;
  if (declared === 'container' && w.isolation === 'strict') {
    specific = true;
    emit({
      ruleId: 'strict-isolation-container',
      message: 'Strict isolation in a plain container: a kernel flaw on the host reaches every container there. Run it as container-in-vm (or vm).',
      span,
      fixes: [fix('container-in-vm', true, 'Switch to `container-in-vm`')],
    });
  }
  if (declared === 'vm' && w.scaling && w.scaling.max > w.scaling.min) {
    specific = true;
    const to: Deploy = rec.feasible.includes('container') ? 'container' : 'container-in-vm';
    emit({
      ruleId: 'elastic-vm',
      message: `Elastic scaling (${w.scaling.min} to ${w.scaling.max}) as VMs boots a whole OS per instance; containers start in seconds. Consider ${to}.`,
      span,
      fixes: rec.feasible.includes(to) ? [fix(to)] : [],
    });
  }
  if (!specific && rec.verdict && rec.verdict !== declared) {
    const strong = rec.confidenceLabel === 'high' || rec.confidenceLabel === 'forced';
    emit({
      ruleId: 'deploy-against-recommendation',
      message: `\`deploy: ${declared}\` goes against the recommendation: ${rec.verdict} (${Math.round(rec.confidence * 100)}% confidence; scores ${declared} ${rec.scores[declared]}, ${rec.verdict} ${rec.scores[rec.verdict]}). Hover the workload for what ${declared} gives up.`,
      span,
      severity: strong ? 'warning' : 'information',
      fixes: [fix(rec.verdict)],
    });
  }
}

/** A stateful workload in a container with nowhere to keep its data. */
function checkVolumes(w: WorkloadDecl, rec: Recommendation, text: Chars, emit: Emit): void {
  const declared = w.deploy;
  const effective = declared ?? rec.verdict;
  if (w.state !== 'stateful' || w.volumes.length !== 0 || (effective !== 'container' && effective !== 'container-in-vm')) return;
  emit({
    ruleId: 'stateful-without-volumes',
    message: `A stateful workload deployed as ${effective}${declared ? '' : ' (recommended)'} declares no volumes: its data is lost when the container is replaced.`,
    span: entryOf(w, 'state')?.value?.span ?? w.nameSpan,
    fixes: [volumeStub(w, text)],
  });
}

function volumeStub(w: WorkloadDecl, text: Chars): Fix {
  const volumes = entryOf(w, 'volumes');
  const stub = '{ name: data, size: 10Gi, mountPath: /data }';
  const fix = (edit: Fix['edits'][number]): Fix => ({ title: 'Add a volume stub', edits: [edit], safe: false, preferred: true });
  if (volumes?.value && volumes.value.kind === 'seq' && volumes.value.flow) return fix({ span: volumes.value.span, newText: `[${stub}]` });
  if (volumes) {
    const start = volumes.value ? volumes.value.span.start : volumes.colonEnd;
    const end = volumes.value ? volumes.value.span.end : volumes.colonEnd;
    return fix({ span: { start, end }, newText: `${volumes.value ? '' : ' '}[${stub}]` });
  }
  if (w.node.flow) return fix(insertIntoMap(text, w.node, [`volumes: [${stub}]`]));
  return fix(insertIntoMap(text, w.node, [`volumes:\n  - ${stub}`]));
}

function entryOf(w: WorkloadDecl, key: string): YEntry | undefined {
  return w.node.entries.find((e) => e.key === key);
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
