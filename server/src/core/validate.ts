// Checks a syntax tree against the schema and builds the typed declarations.
// Only values that pass are copied into a declaration; the rest become findings.

import { insertAbove, insertIntoMap } from './edits';
import { parseCpu as parseCpuRaw, parseMemory as parseMemoryRaw, type QuantityResult } from './quantity';
import type { RuleId } from './rules';
import type { Chars } from './sourceText';
import { type FieldSpec, type FieldType, hostFields, rootFields, workloadFields } from './schema';
import { closest, show } from './text';
import type { Deploy, Finding, HostDecl, Role, Span, WorkloadDecl, YEntry, YMap, YNode } from './types';

/** Validates the entries of a root mapping other than the host and workload lists. */
export function validateRoot(root: YNode | null, findings: Finding[], whole: Span, text: Chars): void {
  if (!root) return;
  if (root.kind !== 'map') {
    findings.push({ ruleId: 'wrong-type', message: 'A descriptor is a mapping with `version`, `hosts` and `workloads`.', span: root.span });
    return;
  }
  checkKeys(root, rootFields, findings, 'the descriptor');
  const version = root.entries.find((e) => e.key === 'version');
  if (!version) {
    findings.push({
      ruleId: 'missing-field',
      message: 'The descriptor has no `version`; add `version: 1` at the top.',
      span: { start: whole.start, end: whole.start },
      // Above the mapping's first key, in its document (not above a `---` or a directive).
      fixes: [{ title: 'Add `version: 1`', edits: [root.flow || !root.entries.length ? insertIntoMap(text, root, ['version: 1']) : insertAbove(text, root.entries[0].keySpan.start, 'version: 1')], safe: true, preferred: true }],
    });
  } else if (version.value) {
    checkValue(version.value, rootFields[0].type, findings, 'version', text);
  } else {
    findings.push({ ruleId: 'missing-field', message: '`version` has no value; use `version: 1`.', span: version.keySpan });
  }
  for (const key of ['hosts', 'workloads']) {
    const e = root.entries.find((x) => x.key === key);
    if (e?.value && e.value.kind !== 'seq' && !(e.value.kind === 'scalar' && e.value.value === null)) {
      findings.push({ ruleId: 'wrong-type', message: `\`${key}\` must be a list (items starting with \`- \`).`, span: e.value.span });
    }
  }
}

export function buildHost(node: YNode, file: string, itemSpan: Span, findings: Finding[], text: Chars): HostDecl | undefined {
  if (node.kind !== 'map') {
    findings.push({ ruleId: 'wrong-type', message: 'A host is a mapping with at least `name`, `role`, `cpu` and `memory`.', span: node.span });
    return undefined;
  }
  // Most hosts are clean: read them without building findings or probes.
  const v = cleanObject(node, hostFields) ? cleanValues(node, hostFields) : valid(node, hostFields, checkObject(node, hostFields, findings, 'a host', text, itemSpan));
  const nameEntry = entryOf(node, 'name');
  return {
    kind: 'host',
    file,
    node,
    span: itemSpan,
    name: str(v.name),
    nameSpan: nameEntry?.value?.span ?? firstLine(node),
    role: str(v.role) as Role | undefined,
    hypervisor: str(v.hypervisor),
    runtime: str(v.runtime),
    os: str(v.os),
    cpu: num(v.cpu),
    memory: num(v.memory),
    storage: num(v.storage),
    site: str(v.site),
    cluster: str(v.cluster),
    zone: str(v.zone),
    arch: str(v.arch),
    gpus: num(v.gpus),
    overcommit: {
      cpu: num((v.overcommit as Record<string, unknown> | undefined)?.cpu),
      memory: num((v.overcommit as Record<string, unknown> | undefined)?.memory),
    },
  };
}

export function buildWorkload(node: YNode, file: string, itemSpan: Span, findings: Finding[], text: Chars): WorkloadDecl | undefined {
  if (node.kind !== 'map') {
    findings.push({ ruleId: 'wrong-type', message: 'A workload is a mapping with at least `name` and `os`.', span: node.span });
    return undefined;
  }
  // Most workloads are clean: read them without building findings or probes.
  const clean = cleanObject(node, workloadFields);
  const v = clean ? cleanWorkload(node) : recordValues(valid(node, workloadFields, checkObject(node, workloadFields, findings, 'a workload', text, itemSpan)));
  const nameEntry = entryOf(node, 'name');
  const scaling = v.scaling ? { min: num(v.scalingMin), max: num(v.scalingMax) } : undefined;
  const volumesEntry = entryOf(node, 'volumes');
  const volumes: WorkloadDecl['volumes'] = [];
  if (volumesEntry?.value?.kind === 'seq') {
    const volumeFields = (fieldMap(workloadFields).get('volumes')!.type as { items: { fields: FieldSpec[] } }).items.fields;
    for (const item of volumesEntry.value.items) {
      if (item.kind !== 'map') continue;
      // In a clean workload every volume is clean too.
      const vv = clean ? cleanValues(item, volumeFields) : valid(item, volumeFields);
      volumes.push({ name: str(vv.name), size: num(vv.size), span: item.span });
    }
  }
  const pins: WorkloadDecl['pins'] = [];
  for (const e of node.entries) {
    if (e.key === 'host' && e.value?.kind === 'scalar' && typeof e.value.value === 'string') pins.push({ name: e.value.value, span: e.value.span });
    if (e.key === 'hosts' && e.value?.kind === 'seq') {
      for (const it of e.value.items) if (it.kind === 'scalar' && typeof it.value === 'string') pins.push({ name: it.value, span: it.span });
    }
  }
  if (scaling && scaling.min !== undefined && scaling.max !== undefined && scaling.min > scaling.max) {
    const e = node.entries.find((x) => x.key === 'scaling')!;
    findings.push({ ruleId: 'invalid-value', message: `\`scaling.min\` (${scaling.min}) is greater than \`scaling.max\` (${scaling.max}).`, span: e.value?.span ?? e.keySpan });
  }
  return {
    kind: 'workload',
    file,
    node,
    span: itemSpan,
    name: str(v.name),
    nameSpan: nameEntry?.value?.span ?? firstLine(node),
    os: str(v.os),
    kernel: str(v.kernel) as WorkloadDecl['kernel'],
    architecture: str(v.architecture) as WorkloadDecl['architecture'],
    state: str(v.state) as WorkloadDecl['state'],
    volumes,
    hasVolumesKey: !!volumesEntry,
    replicas: num(v.replicas),
    scaling: scaling && scaling.min !== undefined && scaling.max !== undefined && scaling.min <= scaling.max ? { min: scaling.min, max: scaling.max } : undefined,
    startup: str(v.startup) as WorkloadDecl['startup'],
    isolation: str(v.isolation) as WorkloadDecl['isolation'],
    liveMigration: typeof v.liveMigration === 'boolean' ? v.liveMigration : undefined,
    disasterRecovery: typeof v.disasterRecovery === 'boolean' ? v.disasterRecovery : undefined,
    cpu: num(v.cpu),
    memory: num(v.memory),
    zone: str(v.zone),
    gpus: num(v.gpus),
    arch: str(v.arch),
    deploy: str(v.deploy) as Deploy | undefined,
    pins,
  };
}

/** The values of a workload its declaration reads: one object of a fixed shape, not a record keyed by field (and two nested). */
class WorkloadValues {
  name: unknown = undefined;
  os: unknown = undefined;
  kernel: unknown = undefined;
  architecture: unknown = undefined;
  state: unknown = undefined;
  replicas: unknown = undefined;
  scaling = false;
  scalingMin: unknown = undefined;
  scalingMax: unknown = undefined;
  startup: unknown = undefined;
  isolation: unknown = undefined;
  liveMigration: unknown = undefined;
  disasterRecovery: unknown = undefined;
  cpu: unknown = undefined;
  memory: unknown = undefined;
  zone: unknown = undefined;
  gpus: unknown = undefined;
  arch: unknown = undefined;
  deploy: unknown = undefined;
}

/** The checked record of a workload with findings, as `WorkloadValues`. */
function recordValues(r: Record<string, unknown>): WorkloadValues {
  const v = new WorkloadValues();
  v.name = r.name;
  v.os = r.os;
  v.kernel = r.kernel;
  v.architecture = r.architecture;
  v.state = r.state;
  v.replicas = r.replicas;
  const scaling = r.scaling as { min?: unknown; max?: unknown } | undefined;
  if (scaling) {
    v.scaling = true;
    v.scalingMin = scaling.min;
    v.scalingMax = scaling.max;
  }
  v.startup = r.startup;
  v.isolation = r.isolation;
  v.liveMigration = r.liveMigration;
  v.disasterRecovery = r.disasterRecovery;
  const res = (r.resources ?? {}) as Record<string, unknown>;
  v.cpu = res.cpu;
  v.memory = res.memory;
  v.zone = r.zone;
  v.gpus = r.gpus;
  v.arch = r.arch;
  v.deploy = r.deploy;
  return v;
}

/**
 * What `cleanValues` would give a clean workload (every key known and once, every value
 * clean), read straight from its entries: the values the declaration does not read
 * (description, volumes, hosts) are not converted.
 */
function cleanWorkload(node: YMap): WorkloadValues {
  const v = new WorkloadValues();
  const byKey = fieldMap(workloadFields);
  for (const e of node.entries) {
    const spec = byKey.get(e.key)!;
    const x = e.value!;
    switch (spec.key) {
      case 'name': v.name = plain(x, spec.type); break;
      case 'os': v.os = plain(x, spec.type); break;
      case 'kernel': v.kernel = plain(x, spec.type); break;
      case 'architecture': v.architecture = plain(x, spec.type); break;
      case 'state': v.state = plain(x, spec.type); break;
      case 'replicas': v.replicas = plain(x, spec.type); break;
      case 'startup': v.startup = plain(x, spec.type); break;
      case 'isolation': v.isolation = plain(x, spec.type); break;
      case 'liveMigration': v.liveMigration = plain(x, spec.type); break;
      case 'disasterRecovery': v.disasterRecovery = plain(x, spec.type); break;
      case 'zone': v.zone = plain(x, spec.type); break;
      case 'gpus': v.gpus = plain(x, spec.type); break;
      case 'arch': v.arch = plain(x, spec.type); break;
      case 'deploy': v.deploy = plain(x, spec.type); break;
      case 'scaling':
      case 'resources': {
        if (spec.type.kind !== 'object' || x.kind !== 'map') break;
        if (spec.key === 'scaling') v.scaling = true;
        const sub = fieldMap(spec.type.fields);
        for (const s of x.entries) {
          const f = sub.get(s.key)!;
          const y = cleanPlain(s.value!, f.type);
          if (f.key === 'min') v.scalingMin = y;
          else if (f.key === 'max') v.scalingMax = y;
          else if (f.key === 'cpu') v.cpu = y;
          else if (f.key === 'memory') v.memory = y;
        }
        break;
      }
    }
  }
  return v;
}

function str(x: unknown): string | undefined {
  return typeof x === 'string' ? x : undefined;
}
function num(x: unknown): number | undefined {
  return typeof x === 'number' && Number.isFinite(x) ? x : undefined;
}

function entryOf(node: YMap, key: string): YEntry | undefined {
  for (const e of node.entries) if (e.key === key) return e;
  return undefined;
}

function firstLine(node: YMap): Span {
  const first = node.entries[0];
  return first ? first.keySpan : { start: node.span.start, end: node.span.start };
}

/**
 * Recent quantities by their text, per kind: a clean workload's memory is parsed twice
 * (checked, then converted), and most values repeat (`64Gi`). Results are never written
 * to; the tables are cleared when full.
 */
const cpuResults = new Map<string, QuantityResult>();
const memoryResults = new Map<string, QuantityResult>();
const MAX_QUANTITIES = 512;

function quantity(raw: unknown, table: Map<string, QuantityResult>, parse: (raw: unknown) => QuantityResult): QuantityResult {
  if (typeof raw !== 'string') return parse(raw);
  let r = table.get(raw);
  if (!r) {
    if (table.size >= MAX_QUANTITIES) table.clear();
    table.set(raw, (r = parse(raw)));
  }
  return r;
}
const parseCpu = (raw: unknown) => quantity(raw, cpuResults, parseCpuRaw);
const parseMemory = (raw: unknown) => quantity(raw, memoryResults, parseMemoryRaw);

/** How many required fields a field list has, counted once per list. */
const requiredCounts = new WeakMap<readonly FieldSpec[], number>();

/** Field specs by key, built once per field list. */
const fieldMaps = new WeakMap<readonly FieldSpec[], Map<string, FieldSpec>>();
function fieldMap(fields: readonly FieldSpec[]): Map<string, FieldSpec> {
  let m = fieldMaps.get(fields);
  if (!m) {
    m = new Map();
    // The first spec of a key wins, as `Array.find` would.
    for (const f of fields) if (!m.has(f.key)) m.set(f.key, f);
    fieldMaps.set(fields, m);
  }
  return m;
}

/** Rule ids that do not make a value unusable (they concern keys, not the value). */
function harmless(ruleId: RuleId): boolean {
  return ruleId === 'unknown-key' || ruleId === 'missing-field' || ruleId === 'duplicate-key';
}

/**
 * Unknown keys (with a suggestion), missing required keys, duplicate keys, and each value.
 * Returns, for each entry whose value was checked, whether that value is usable (it drew
 * no finding other than about keys), so that `valid` need not check it again.
 */
function checkObject(node: YMap, fields: readonly FieldSpec[], findings: Finding[], what: string, text: Chars, itemSpan?: Span): Map<YEntry, boolean> {
  const checked = new Map<YEntry, boolean>();
  const byKey = fieldMap(fields);
  checkKeys(node, fields, findings, what);
  const present = new Set<string>();
  for (const e of node.entries) present.add(e.key);
  const missing = fields.filter((f) => f.required && !present.has(f.key));
  if (missing.length) {
    const at = node.entries[0]?.keySpan ?? itemSpan ?? node.span;
    const names = missing.map((f) => `\`${f.key}\``).join(', ');
    findings.push({
      ruleId: 'missing-field',
      message: `${capital(what)} needs ${names}${missing.length > 1 ? '' : ''}.`,
      span: at,
      fixes: [{ title: `Add ${names}`, edits: [insertIntoMap(text, node, missing.map((f) => `${f.key}: ${f.example ?? placeholder(f.type)}`))], safe: false }],
    });
  }
  for (const e of node.entries) {
    const spec = byKey.get(e.key);
    if (!spec) continue;
    if (!e.value || (e.value.kind === 'scalar' && e.value.value === null && !spec.required && spec.type.kind !== 'object' && spec.type.kind !== 'array')) {
      if (!e.value || e.value.kind === 'scalar') {
        findings.push({ ruleId: 'missing-field', message: `\`${e.key}\` has no value.`, span: e.keySpan });
      }
      continue;
    }
    const before = findings.length;
    checkValue(e.value, spec.type, findings, e.key, text);
    let usable = true;
    for (let i = before; i < findings.length && usable; i++) usable = harmless(findings[i].ruleId);
    checked.set(e, usable);
  }
  return checked;
}

/**
 * Unknown keys one mapping reports one by one; past it, one finding counts the rest.
 * Thousands of guesses (a list pasted at the wrong level) cost a keystroke tens of
 * milliseconds and help nobody.
 */
export const MAX_UNKNOWN_KEYS = 100;

function countUnknown(node: YMap, byKey: ReadonlyMap<string, unknown>): number {
  let n = 0;
  for (const e of node.entries) if (!byKey.has(e.key)) n++;
  return n;
}

/** Linear in the entries: the keys present and the candidates for a guess are collected once, not per unknown key. */
function checkKeys(node: YMap, fields: readonly FieldSpec[], findings: Finding[], what: string): void {
  const byKey = fieldMap(fields);
  const seen = new Set<string>();
  let candidates: string[] | undefined;
  let lowered: string[] | undefined;
  let known: string | undefined;
  let unknown = 0;
  for (const e of node.entries) {
    if (seen.has(e.key)) {
      findings.push({ ruleId: 'duplicate-key', message: `\`${e.key}\` appears twice in ${what}; YAML keeps only one.`, span: e.keySpan });
    }
    seen.add(e.key);
    if (byKey.has(e.key)) continue;
    if (++unknown > MAX_UNKNOWN_KEYS) continue;
    if (unknown === MAX_UNKNOWN_KEYS) {
      const more = countUnknown(node, byKey) - MAX_UNKNOWN_KEYS + 1;
      if (more > 1) {
        findings.push({ ruleId: 'unknown-key', message: `${more.toLocaleString('en-US')} more unknown keys in ${what}, from ${show(e.key)} on: not listed one by one. Is this the right place for them?`, span: e.keySpan });
        continue;
      }
    }
    if (!candidates) {
      const present = new Set<string>();
      for (const x of node.entries) present.add(x.key);
      candidates = fields.map((f) => f.key).filter((k) => !present.has(k));
      lowered = candidates.map((k) => k.toLowerCase());
    }
    const guess = closest(e.key, candidates, lowered);
    findings.push({
      ruleId: 'unknown-key',
      message: `Unknown key ${show(e.key)} in ${what}.${guess ? ` Did you mean \`${guess}\`?` : ` Known keys: ${(known ??= fields.map((f) => f.key).join(', '))}.`}`,
      span: e.keySpan,
      fixes: guess ? [{ title: `Change to \`${guess}\``, edits: [{ span: e.keySpan, newText: guess }], safe: true, preferred: true }] : undefined,
    });
  }
}

function checkValue(node: YNode, type: FieldType, findings: Finding[], key: string, text: Chars): void {
  const wrong = (expected: string) =>
    findings.push({ ruleId: 'wrong-type', message: `\`${key}\` must be ${expected}${node.kind === 'scalar' ? `, not ${show(node.value)}` : ''}.`, span: node.span });
  switch (type.kind) {
    case 'string':
    case 'hostRef':
      if (node.kind !== 'scalar' || typeof node.value !== 'string') {
        if (node.kind === 'scalar' && (typeof node.value === 'number' || typeof node.value === 'boolean')) return; // `name: 2024` is a fine name.
        wrong('text');
      }
      return;
    case 'enum': {
      if (node.kind !== 'scalar') return void wrong(`one of ${type.values.map((v) => v.value).join(', ')}`);
      if (type.values.some((v) => v.value === node.value)) return;
      const raw = typeof node.value === 'string' ? node.value.toLowerCase() : undefined;
      const alias = raw === undefined ? undefined : type.values.find((v) => v.aliases?.includes(raw));
      const guess = alias ? String(alias.value) : raw !== undefined ? closest(raw, type.values.map((v) => String(v.value))) : undefined;
      findings.push({
        ruleId: 'invalid-value',
        message: `${show(node.value)} is not a valid \`${key}\`: use one of ${type.values.map((v) => v.value).join(', ')}.${guess ? ` Did you mean \`${guess}\`?` : ''}`,
        span: node.span,
        fixes: guess ? [{ title: `Change to \`${guess}\``, edits: [{ span: node.span, newText: guess }], safe: true, preferred: true }] : undefined,
      });
      return;
    }
    case 'integer':
      if (node.kind !== 'scalar' || typeof node.value !== 'number' || !Number.isInteger(node.value)) return void wrong('a whole number');
      if (type.minimum !== undefined && node.value < type.minimum) {
        findings.push({ ruleId: 'invalid-value', message: `\`${key}\` must be at least ${type.minimum}.`, span: node.span });
      }
      return;
    case 'number':
      if (node.kind !== 'scalar' || typeof node.value !== 'number') return void wrong('a number');
      if (!Number.isFinite(node.value)) return void findings.push({ ruleId: 'invalid-value', message: `\`${key}\` must be a finite number.`, span: node.span });
      if ((type.minimum !== undefined && node.value < type.minimum) || (type.exclusiveMinimum !== undefined && node.value <= type.exclusiveMinimum)) {
        findings.push({ ruleId: 'invalid-value', message: `\`${key}\` must be ${type.minimum !== undefined ? `at least ${type.minimum}` : `greater than ${type.exclusiveMinimum}`}.`, span: node.span });
      }
      return;
    case 'boolean':
      if (node.kind !== 'scalar' || typeof node.value !== 'boolean') wrong('true or false');
      return;
    case 'cpu':
    case 'memory': {
      if (node.kind !== 'scalar') return void wrong('a quantity');
      const r = type.kind === 'cpu' ? parseCpu(node.value) : parseMemory(node.value);
      if (!r.ok) findings.push({ ruleId: 'bad-quantity', message: `\`${key}\`: ${r.message}`, span: node.span });
      return;
    }
    case 'array':
      if (node.kind !== 'seq') return void wrong('a list');
      if (type.minItems && node.items.length < type.minItems) {
        findings.push({ ruleId: 'invalid-value', message: `\`${key}\` needs at least ${type.minItems} item.`, span: node.span });
      }
      for (const it of node.items) {
        if (type.items.kind === 'object') {
          if (it.kind !== 'map') {
            findings.push({ ruleId: 'wrong-type', message: `Each item of \`${key}\` must be a mapping.`, span: it.span });
          } else checkObject(it, type.items.fields, findings, `an item of \`${key}\``, text);
        } else checkValue(it, type.items, findings, key, text);
      }
      return;
    case 'object':
      if (node.kind !== 'map') return void wrong('a mapping');
      checkObject(node, type.fields, findings, `\`${key}\``, text);
      return;
  }
}

/**
 * The plain values of the entries that passed validation (quantities converted).
 * `checked` holds what `checkObject` already found out about each value.
 */
function valid(node: YMap, fields: readonly FieldSpec[], checked?: ReadonlyMap<YEntry, boolean>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const byKey = fieldMap(fields);
  for (const e of node.entries) {
    const spec = byKey.get(e.key);
    if (!spec || !e.value) continue;
    let usable = checked?.get(e);
    if (usable === undefined) {
      const probe: Finding[] = [];
      checkValue(e.value, spec.type, probe, e.key, '');
      usable = probe.every((p) => harmless(p.ruleId));
    }
    if (!usable && spec.type.kind !== 'object') continue;
    out[e.key] = plain(e.value, spec.type);
  }
  return out;
}

function plain(node: YNode, type: FieldType): unknown {
  if (type.kind === 'cpu' && node.kind === 'scalar') {
    const r = parseCpu(node.value);
    return r.ok ? r.value : undefined;
  }
  if (type.kind === 'memory' && node.kind === 'scalar') {
    const r = parseMemory(node.value);
    return r.ok ? r.value : undefined;
  }
  if (type.kind === 'object' && node.kind === 'map') {
    const o: Record<string, unknown> = {};
    const byKey = fieldMap(type.fields);
    for (const e of node.entries) {
      const spec = byKey.get(e.key);
      if (!spec || !e.value) continue;
      const probe: Finding[] = [];
      checkValue(e.value, spec.type, probe, e.key, '');
      if (probe.length === 0) o[e.key] = plain(e.value, spec.type);
    }
    return o;
  }
  if (node.kind === 'scalar') return type.kind === 'string' || type.kind === 'hostRef' ? (node.value === null ? undefined : String(node.value)) : node.value;
  return undefined;
}

/**
 * Whether `checkObject` would report nothing for this mapping, found without allocating:
 * every key known and once, every required key present, every value clean. Findings and
 * their messages are built only on the slow path, when this says no.
 */
function cleanObject(node: YMap, fields: readonly FieldSpec[]): boolean {
  const byKey = fieldMap(fields);
  const entries = node.entries;
  // More entries than known keys means an unknown or a duplicate key.
  if (entries.length > byKey.size) return false;
  let required = 0;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    const spec = byKey.get(e.key);
    if (!spec || !e.value) return false;
    for (let j = 0; j < i; j++) if (entries[j].key === e.key) return false;
    if (spec.required) required++;
    if (!cleanValue(e.value, spec.type)) return false;
  }
  // Keys are distinct and known, so this counts the distinct required keys present.
  let wanted = requiredCounts.get(fields);
  if (wanted === undefined) {
    wanted = 0;
    for (const f of byKey.values()) if (f.required) wanted++;
    requiredCounts.set(fields, wanted);
  }
  return required === wanted;
}

/** Whether `checkValue` would report nothing for this value (a null optional value draws `missing-field` in `checkObject`). */
function cleanValue(node: YNode, type: FieldType): boolean {
  switch (type.kind) {
    case 'string':
    case 'hostRef':
      return node.kind === 'scalar' && (typeof node.value === 'string' || typeof node.value === 'number' || typeof node.value === 'boolean');
    case 'enum':
      if (node.kind !== 'scalar') return false;
      for (const v of type.values) if (v.value === node.value) return true;
      return false;
    case 'integer':
      return node.kind === 'scalar' && typeof node.value === 'number' && Number.isInteger(node.value) && !(type.minimum !== undefined && node.value < type.minimum);
    case 'number':
      return (
        node.kind === 'scalar' &&
        typeof node.value === 'number' &&
        Number.isFinite(node.value) &&
        !(type.minimum !== undefined && node.value < type.minimum) &&
        !(type.exclusiveMinimum !== undefined && node.value <= type.exclusiveMinimum)
      );
    case 'boolean':
      return node.kind === 'scalar' && typeof node.value === 'boolean';
    case 'cpu':
      return node.kind === 'scalar' && parseCpu(node.value).ok;
    case 'memory':
      return node.kind === 'scalar' && parseMemory(node.value).ok;
    case 'array':
      if (node.kind !== 'seq') return false;
      if (type.minItems && node.items.length < type.minItems) return false;
      for (const it of node.items) {
        if (type.items.kind === 'object' ? it.kind !== 'map' || !cleanObject(it, type.items.fields) : !cleanValue(it, type.items)) return false;
      }
      return true;
    case 'object':
      return node.kind === 'map' && cleanObject(node, type.fields);
  }
}

/** What `valid` gives for a mapping `cleanObject` accepted: every entry, its value made plain. */
function cleanValues(node: YMap, fields: readonly FieldSpec[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const byKey = fieldMap(fields);
  for (const e of node.entries) {
    const spec = byKey.get(e.key)!;
    // The spec's key is the same text, but an internalized constant: storing under it spares V8 internalizing a fresh slice.
    out[spec.key] = cleanPlain(e.value!, spec.type);
  }
  return out;
}

/** `plain` for a clean value: nested mappings keep every entry, with no probe. */
function cleanPlain(node: YNode, type: FieldType): unknown {
  if (type.kind === 'object' && node.kind === 'map') return cleanValues(node, type.fields);
  return plain(node, type);
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function placeholder(t: FieldType): string {
  switch (t.kind) {
    case 'enum':
      return String(t.values[0].value);
    case 'integer':
    case 'number':
      return '1';
    case 'boolean':
      return 'false';
    case 'cpu':
      return '1';
    case 'memory':
      return '1Gi';
    default:
      return '""';
  }
}

