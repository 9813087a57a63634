// The checks that need the fleet: duplicate names, host fields that do not fit the
// host's role, and per workload its pins and its deployment against the decision. Pure: each emits findings, none reads anything but its arguments.

import { insertIntoMap } from './edits';
import type { Fleet } from './fleet';
import { type Constraint, needLabel, type Recommendation, ruledOut } from './recommend';
import type { Chars } from './sourceText';
import { dnsLabelFor, freeLabel, isDnsLabel, yamlLabel } from './names';
import { closest, show } from './text';
import { DEPLOYS, type Deploy, type Finding, type Fix, type HostDecl, type Span, type WorkloadDecl, type YEntry } from './types';

type Emit = (f: Finding) => void;

export function checkNames(fleet: Fleet, emit: (file: string, f: Finding) => void): void {
  for (const [kind, map, names] of [
    ['host', fleet.hostsByName, fleet.duplicates?.hosts],
    ['workload', fleet.workloadsByName, fleet.duplicates?.workloads],
  ] as const) {
    // The fleet's duplicated names when it keeps them: most names are unique, so reading every one costs milliseconds at 100,000.
    for (const decls of names ? duplicateBuckets<HostDecl | WorkloadDecl>(map, names) : map.values()) {
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

function* duplicateBuckets<D>(map: Map<string, D[]>, names: Set<string>): Generator<D[]> {
  for (const name of names) yield map.get(name)!;
}

/**
 * Names that are not DNS-1123 labels (`name-not-dns-label`), with a fix proposing one that
 * no other host (or workload) has or is proposed. A host's fix renames the pins to it in
 * its own file too; when other files pin it, the fix is not safe (one fix edits one file).
 * `workloads`: the indices (in `fleet.workloads`, ascending) of the only workloads whose
 * names may not be labels (the session's, from the analysis before); all when absent.
 */
export function checkDnsNames(fleet: Fleet, emit: (file: string, f: Finding) => void, workloads?: readonly number[], hosts?: readonly number[]): void {
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
    ['Host', hosts ? hosts.map((i) => fleet.hosts[i]) : fleet.hosts, fleet.hostsByName],
    ['Workload', workloads ? workloads.map((i) => fleet.workloads[i]) : fleet.workloads, fleet.workloadsByName],
  ] as const) {
    let proposed: Set<string> | undefined;
    for (const d of decls as readonly (HostDecl | WorkloadDecl)[]) {
      const name = d.name;
      // A Compose service is named `project/service`: the slash scopes it, it is not a typo.
      if (name === undefined || isDnsLabel(name) || (d.kind === 'workload' && d.manifest?.format === 'compose')) continue;
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

/** The indices (ascending) of the hosts whose names are not DNS labels: the hosts `checkDnsNames` reports. */
export function nonDnsHosts(hosts: readonly HostDecl[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < hosts.length; i++) {
    const name = hosts[i].name;
    if (name !== undefined && !isDnsLabel(name)) out.push(i);
  }
  return out;
}

/** The indices (ascending) of the workloads in `from` whose names are not DNS labels: the names `checkDnsNames` reports. */
export function nonDnsNames(workloads: readonly WorkloadDecl[], from: Iterable<number>): number[] {
  const out: number[] = [];
  for (const i of from) {
    const name = workloads[i].name;
    if (name !== undefined && !isDnsLabel(name) && workloads[i].manifest?.format !== 'compose') out.push(i);
  }
  return out;
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
  if (rec.verdict === null && fleet.summary.declaresHosts) emit({ ruleId: 'no-capable-host', message: nothingLeft(w, rec), span: w.nameSpan });
  if (!w.deploy) return;
  const value = entryOf(w, 'deploy')?.value;
  // Most declared deployments are possible, meet their needs and are the verdict: nothing to build for them.
  if (value && !(deploysIn(rec.constraints, w.deploy) || deploysIn(rec.requirements, w.deploy) || (rec.verdict && rec.verdict !== w.deploy))) return;
  if (value) checkDeclaredDeploy(w, w.deploy, value.span, rec, text, emit);
}

function deploysIn(cs: readonly Constraint[], d: Deploy): boolean {
  for (const c of cs) if (c.deploy === d) return true;
  return false;
}

/** Which requirement nothing in the fleet meets, and what would meet it. */
function nothingLeft(w: WorkloadDecl, rec: Recommendation): string {
  const all = ruledOut(rec);
  const byWhy = new Map<string, Deploy[]>();
  for (const c of [...all.filter((x) => x.source === 'workload'), ...all.filter((x) => x.source === 'fleet')]) {
    const why = c.source === 'workload' ? `${needLabel(c)} rules out` : c.reason;
    byWhy.set(why, [...(byWhy.get(why) ?? []), c.deploy]);
  }
  const parts = [...byWhy].map(([why, ds]) => (why.endsWith('rules out') ? `${why} ${ds.join(', ')}` : `${why} (ruling out ${ds.join(', ')})`));
  const would = DEPLOYS.map((d) => remedyFor(all.filter((c) => c.deploy === d), d)).filter((r): r is string => r !== undefined);
  const meet = would.length ? ` What would meet it: ${[...new Set(would)].join(', or ')}.` : '';
  return `Nothing in the fleet meets the needs of '${w.name ?? 'this workload'}': ${parts.join('; ')}.${meet}`;
}

/** What would make `d` possible: every ruling of it lifted, when each can be. */
function remedyFor(rulings: readonly Constraint[], d: Deploy): string | undefined {
  if (!rulings.every((c) => c.remedy !== undefined)) return undefined;
  const target = d === 'container-in-vm' ? 'a sandboxed container-in-vm' : `a ${d}`;
  return `${[...new Set(rulings.map((c) => c.remedy))].join(' and ')} for ${target}`;
}

/** Pins to hosts that do not exist. */
/**
 * The closest host name to an unknown pin, computed once per name and fleet: a misspelt
 * host is often pinned many times, and each guess compares it with every host (at
 * 100,000 workloads, 116 pins of one name over 7,143 hosts took 0.9 s).
 */
function guessHost(fleet: Fleet, name: string): string | undefined {
  let lists = fleet.hostNameLists;
  if (!lists) {
    const names = [...fleet.hostsByName.keys()];
    lists = fleet.hostNameLists = { names, lowered: names.map((n) => n.toLowerCase()), guesses: new Map() };
  }
  if (lists.guesses.has(name)) return lists.guesses.get(name);
  const guess = closest(name, lists.names, lists.lowered);
  lists.guesses.set(name, guess);
  return guess;
}

function checkPins(w: WorkloadDecl, fleet: Fleet, emit: Emit): void {
  for (const p of w.pins) {
    if (fleet.hostsByName.has(p.name)) continue;
    const guess = guessHost(fleet, p.name);
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
function setDeploy(w: WorkloadDecl, rec: Recommendation, text: Chars, to: Deploy, preferred = true, safe = false): Fix {
  const e = entryOf(w, 'deploy');
  const title = `Set \`deploy: ${to}\`${to === rec.verdict ? ' (recommended)' : ''}`;
  if (e?.value) return { title, edits: [{ span: e.value.span, newText: to }], safe, preferred };
  if (e) return { title, edits: [{ span: { start: e.colonEnd, end: e.colonEnd }, newText: ` ${to}` }], safe, preferred };
  return { title, edits: [insertIntoMap(text, w.node, [`deploy: ${to}`])], safe, preferred };
}

/**
 * The declared deployment against the decision: impossible here, breaking a requirement,
 * or against the recommendation. Every finding derives from the same recommendation, so
 * declaring the verdict raises none, and every fix that changes `deploy` sets the
 * verdict: the one option that is feasible and raises no advice.
 */
function checkDeclaredDeploy(w: WorkloadDecl, declared: Deploy, span: Finding['span'], rec: Recommendation, text: Chars, emit: Emit): void {
  // Most declared deployments are feasible and the verdict: nothing to report, so no lists, closure or message parts either.
  if ((!rec.verdict || rec.verdict === declared) && rec.feasible.includes(declared)) return;
  const toVerdict = (preferred: boolean, safe: boolean): Fix[] => (rec.verdict ? [setDeploy(w, rec, text, rec.verdict, preferred, safe)] : []);
  const recommended = rec.verdict ? ` Recommended: ${rec.verdict}.` : '';
  const broken = rec.constraints.filter((c) => c.deploy === declared);
  for (const c of uniqueBy(broken, (c) => c.ruleId)) {
    emit({ ruleId: c.ruleId, message: `\`deploy: ${declared}\` is impossible here: ${c.reason}.${recommended}`, span, fixes: toVerdict(true, true) });
  }
  if (broken.length) return;
  const unmet = rec.requirements.filter((c) => c.deploy === declared);
  for (const c of uniqueBy(unmet, (c) => c.ruleId)) {
    if (c.ruleId === 'stateful-without-volumes') {
      const message = `A stateful workload deployed as ${declared} declares no volumes: ${c.reason}.${recommended}`;
      emit({ ruleId: c.ruleId, message, span: c.span, fixes: [volumeStub(w, text), ...toVerdict(false, false)] });
    } else {
      emit({ ruleId: c.ruleId, message: `\`deploy: ${declared}\` breaks \`${c.what}\`: ${c.reason}.${recommended || ' Nothing in the fleet meets it.'}`, span, fixes: toVerdict(true, false) });
    }
  }
  if (unmet.length || !rec.verdict || rec.verdict === declared) return;
  const severity = rec.confidenceLabel === 'high' ? 'warning' : 'information';
  if (declared === 'vm' && w.scaling && w.scaling.max > w.scaling.min) {
    const message = `Elastic scaling (${w.scaling.min} to ${w.scaling.max}) as VMs boots a whole OS per instance; containers start in seconds. Recommended: ${rec.verdict} (${rec.confidenceLabel}).`;
    emit({ ruleId: 'elastic-vm', message, span, severity, fixes: toVerdict(true, false) });
    return;
  }
  emit({
    ruleId: 'deploy-against-recommendation',
    message: `\`deploy: ${declared}\` goes against the recommendation: ${rec.verdict} (${rec.confidenceLabel}, ${Math.round(rec.confidence * 100)}%; scores ${declared} ${rec.scores[declared]}, ${rec.verdict} ${rec.scores[rec.verdict]}). Hover the workload for what ${declared} gives up.`,
    span,
    severity,
    fixes: toVerdict(true, false),
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
  for (const e of w.node.entries) if (e.key === key) return e;
  return undefined;
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
