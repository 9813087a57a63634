// RVTools (VMware inventory) → descriptor files: the pure part. Sheets come in as rows of
// cells (server/src/import/rvtoolsRead.ts reads .xlsx and .csv), go out as descriptor
// text. No file system, no CLI: the mapping is tested as data (test/import/).
//
// Every cell is untrusted: values are written with the `yaml` package's stringify, and
// cell text in comments is quoted with controls, line separators and `#` escaped.

import { stringify } from 'yaml';
import { dnsLabelFor, freeLabel } from '../core/names';

export type Cell = string | number | boolean | null | undefined;

/** One sheet of the export (a worksheet of the .xlsx, or one .csv file). */
export interface Sheet {
  name: string;
  headers: readonly string[];
  rows: readonly (readonly Cell[])[];
}

export interface ColumnSpec {
  key: string;
  /** The header names RVTools versions use, matched ignoring case, spaces and `_`. The first present wins. */
  aliases: readonly string[];
  required: boolean;
  doc: string;
}

/**
 * vInfo (one row per VM). The alias table is documented in docs/inputs.md; keep the two
 * in step. OS: at least one of the two OS columns is required.
 */
export const VINFO_COLUMNS = [
  { key: 'name', aliases: ['VM', 'Name', 'VM Name'], required: true, doc: 'The VM name; becomes `name` (made a DNS-1123 label) and `description` (as written).' },
  { key: 'powerstate', aliases: ['Powerstate', 'Power state', 'PowerState'], required: false, doc: '`poweredOff` VMs are skipped (imported with `--include-powered-off`).' },
  { key: 'template', aliases: ['Template', 'Is Template'], required: false, doc: 'Templates (`True`) are always skipped: they are not workloads.' },
  { key: 'cpus', aliases: ['CPUs', '# CPU', 'Num CPU', 'NumCPU', 'vCPUs'], required: true, doc: '`resources.cpu` (vCPUs as cores).' },
  { key: 'memory', aliases: ['Memory', 'Memory MB', 'Memory MiB', 'MemoryMB'], required: true, doc: '`resources.memory` (RVTools gives MiB).' },
  { key: 'disk', aliases: ['Provisioned MB', 'Provisioned MiB', 'Provisioned', 'Total disk capacity MiB', 'Total disk capacity MB'], required: false, doc: 'One volume `disks` with this size (MiB): the storage the VM takes on its datastores.' },
  { key: 'osConfig', aliases: ['OS according to the configuration file', 'OS', 'Guest OS'], required: false, doc: 'The OS family (`os`), when the VMware Tools column is empty or not recognised.' },
  { key: 'osTools', aliases: ['OS according to the VMware Tools', 'OS according to VMware Tools', 'Tools OS'], required: false, doc: 'The OS family (`os`), preferred: it is what the running guest reports.' },
  { key: 'host', aliases: ['Host', 'ESX Host', 'ESXi Host'], required: false, doc: 'The current host: a comment, or `host:` with `--pin-current-host`.' },
  { key: 'cluster', aliases: ['Cluster', 'Cluster name'], required: false, doc: 'The cluster: a comment on the VM (workloads have no cluster), and the file the VM goes to.' },
  { key: 'datacenter', aliases: ['Datacenter', 'Data center', 'Datacenter name'], required: false, doc: 'A comment; tells apart clusters of the same name.' },
] as const satisfies readonly ColumnSpec[];

/** vHost (one row per ESXi host). */
export const VHOST_COLUMNS = [
  { key: 'name', aliases: ['Host', 'Name', 'Host name'], required: true, doc: 'The host name; becomes `name` (made a DNS-1123 label), the original in a comment.' },
  { key: 'cores', aliases: ['# Cores', 'Cores', 'Num Cores', '# CPU Cores'], required: true, doc: '`cpu` (physical cores).' },
  { key: 'memory', aliases: ['# Memory', 'Memory', 'Memory MB', 'Memory MiB'], required: true, doc: '`memory` (RVTools gives MiB).' },
  { key: 'cluster', aliases: ['Cluster', 'Cluster name'], required: false, doc: 'The host\'s `cluster:` (failover stays inside it).' },
  { key: 'datacenter', aliases: ['Datacenter', 'Data center', 'Datacenter name'], required: false, doc: '`site`, the failure domain replicas spread across.' },
] as const satisfies readonly ColumnSpec[];


/** Workloads per file: a file of a thousand VMs opens and re-checks fast in the editor. */
export const DEFAULT_PER_FILE = 1000;

export type OsFamily = 'linux' | 'windows' | 'solaris' | 'freebsd' | 'aix';

/** The first pattern that matches an OS description wins; Windows before Linux ("Windows Subsystem for Linux" is not a guest). */
export const OS_PATTERNS: readonly [RegExp, OsFamily][] = [
  [/windows|microsoft/i, 'windows'],
  [/solaris|illumos|sunos|openindiana|omnios/i, 'solaris'],
  [/freebsd/i, 'freebsd'],
  [/\baix\b/i, 'aix'],
  [
    /linux|red ?hat|\brhel\b|centos|ubuntu|debian|suse|\bsles\b|fedora|rocky|alma|photon|coreos|flatcar|mandriva|turbolinux|asianux|miracle|\bother [0-9.x]+ ?(?:or later )?kernel/i,
    'linux',
  ],
];

export function osFamily(text: string): OsFamily | undefined {
  const t = text.trim();
  if (!t) return undefined;
  for (const [re, os] of OS_PATTERNS) if (re.test(t)) return os;
  return undefined;
}

export interface ImportOptions {
  /** Imports powered-off VMs (marked with a comment) instead of skipping them. */
  includePoweredOff?: boolean;
  /** Writes each VM's current host as `host:` (a pin) rather than a comment. */
  pinCurrentHost?: boolean;
  /** Workloads per file (default DEFAULT_PER_FILE). */
  perFile?: number;
  /** Called every few hundred rows, for progress. */
  onRow?: (done: number, total: number) => void;
}

export interface HostModel {
  name: string;
  original: string;
  cpu?: number;
  memoryMiB?: number;
  cluster?: string;
  datacenter?: string;
  /** Values that could not be read: `column: text`. */
  unreadable: string[];
}

export interface VmModel {
  name: string;
  original: string;
  os?: OsFamily;
  /** The OS text the family was taken from (or both, when none was recognised). */
  osText: string;
  cpu?: number;
  memoryMiB?: number;
  diskMiB?: number;
  /** The current host as the export names it. */
  host?: string;
  /** Its descriptor name, when vHost lists it. */
  hostName?: string;
  cluster?: string;
  datacenter?: string;
  poweredOff: boolean;
  unreadable: string[];
}

export type SkipReason = 'template' | 'powered off' | 'no name';

export interface Skipped {
  sheet: 'vInfo' | 'vHost';
  /** 1-based data row (the header is row 1, so the first VM is row 2). */
  row: number;
  original: string;
  reason: SkipReason;
}

export interface ImportModel {
  hosts: HostModel[];
  vms: VmModel[];
  skipped: Skipped[];
  /** Columns used, by key: the header as found in the export. */
  columns: { vInfo: Record<string, string>; vHost: Record<string, string> };
}

export type ImportResult = { ok: true; model: ImportModel } | { ok: false; problems: string[] };

/** `Header Name` → `headername`: case, spaces, `_` and `-` do not matter. */
export function normalizeHeader(h: string): string {
  return String(h).toLowerCase().replace(/[\s_\-\u00a0]+/g, '');
}

interface Resolved {
  index: Record<string, number>;
  found: Record<string, string>;
  missing: string[];
}

export function resolveColumns(sheet: Sheet, specs: readonly ColumnSpec[]): Resolved {
  const byNorm = new Map<string, number>();
  sheet.headers.forEach((h, i) => {
    const n = normalizeHeader(h ?? '');
    if (n && !byNorm.has(n)) byNorm.set(n, i);
  });
  const index: Record<string, number> = {};
  const found: Record<string, string> = {};
  const missing: string[] = [];
  for (const spec of specs) {
    const hit = spec.aliases.map((a) => byNorm.get(normalizeHeader(a))).find((i) => i !== undefined);
    if (hit !== undefined) {
      index[spec.key] = hit;
      found[spec.key] = String(sheet.headers[hit]);
    } else {
      index[spec.key] = -1;
      if (spec.required) missing.push(`'${spec.aliases[0]}' (or ${spec.aliases.slice(1).map((a) => `'${a}'`).join(', ')})`);
    }
  }
  return { index, found, missing };
}

/** A cell as trimmed text ('' for empty). */
export function cellText(c: Cell): string {
  if (c === null || c === undefined) return '';
  return String(c).trim();
}

/**
 * A number from a cell: plain (`4096`, `1.5`), grouped by thousands (`4,096`, `4 096`,
 * `1.048.576`), or with a decimal comma (`1,5`). One point is a decimal point (`4.096` is
 * 4.096). Undefined when empty, 'bad' when unreadable.
 */
export function cellNumber(c: Cell): number | undefined | 'bad' {
  if (typeof c === 'number') return Number.isFinite(c) ? c : 'bad';
  const t = cellText(c).replace(/[\u00a0\u202f]/g, ' ');
  if (!t) return undefined;
  let s: string;
  if (/^\d+(?:\.\d+)?$/.test(t)) s = t;
  else if (/^\d{1,3}(?:([, '])\d{3})(?:\1\d{3})*$/.test(t)) s = t.replace(/[, ']/g, '');
  else if (/^\d{1,3}(?:\.\d{3}){2,}$/.test(t)) s = t.replace(/\./g, '');
  else if (/^\d{1,3}(?:,\d{3})+\.\d+$/.test(t)) s = t.replace(/,/g, '');
  else if (/^\d{1,3}(?:\.\d{3})+,\d+$/.test(t)) s = t.replace(/\./g, '').replace(',', '.');
  else if (/^\d+,\d+$/.test(t)) s = t.replace(',', '.');
  else return 'bad';
  const n = Number(s);
  return Number.isFinite(n) ? n : 'bad';
}

export function cellBool(c: Cell): boolean {
  if (typeof c === 'boolean') return c;
  return /^(true|yes|y|1|wahr|vrai)$/i.test(cellText(c));
}

/** `poweredOff`, `Powered Off`, `off`. */
export function isPoweredOff(c: Cell): boolean {
  return /^(powered)?off$/i.test(cellText(c).replace(/[\s_-]+/g, ''));
}

/**
 * A name made a DNS-1123 label: lower case, accents dropped, every run of other
 * characters one `-`, no `-` at either end, at most 63 characters; `fallback` when
 * nothing is left.
 */
export function dnsLabel(original: string, fallback: string): string {
  // Accents dropped first (Zählerstand → zahlerstand), then the label rule names.ts gives the editor's fix.
  return dnsLabelFor(String(original).normalize('NFKD').replace(/[\u0300-\u036f]/g, '')) ?? fallback;
}

/**
 * DNS-1123 labels for a list of names, unique, in the list's order. Deterministic and
 * independent of the order of the rows: where several names give the same label, the
 * smallest original (by code unit) keeps it and the others get `-2`, `-3`… in order of
 * their originals, skipping labels taken by any other name. `reserved` labels are never
 * given.
 */
export function uniqueLabels(originals: readonly string[], fallback: string, reserved: Iterable<string> = []): string[] {
  const bases = originals.map((o) => dnsLabel(o, fallback));
  const taken = new Set<string>(reserved);
  const groups = new Map<string, number[]>();
  bases.forEach((b, i) => {
    const g = groups.get(b);
    if (g) g.push(i);
    else groups.set(b, [i]);
  });
  const reservedSet = new Set(reserved);
  for (const b of groups.keys()) taken.add(b);
  const out = bases.slice();
  const cmp = (a: number, b: number) => (originals[a] < originals[b] ? -1 : originals[a] > originals[b] ? 1 : a - b);
  for (const b of [...groups.keys()].sort()) {
    const members = groups.get(b)!.slice().sort(cmp);
    members.forEach((i, k) => {
      if (k === 0 && !reservedSet.has(b)) return;
      const candidate = freeLabel(b, (x) => taken.has(x));
      taken.add(candidate);
      out[i] = candidate;
    });
  }
  return out;
}

/** The rows of vInfo and vHost → hosts and workloads; problems when a sheet or column is missing. */
export function mapRvtools(sheets: { vInfo?: Sheet; vHost?: Sheet }, opts: ImportOptions = {}): ImportResult {
  const problems: string[] = [];
  if (!sheets.vInfo) problems.push("The export has no 'vInfo' sheet (one row per VM).");
  if (!sheets.vHost) problems.push("The export has no 'vHost' sheet (one row per ESXi host).");
  const info = sheets.vInfo && resolveColumns(sheets.vInfo, VINFO_COLUMNS);
  const host = sheets.vHost && resolveColumns(sheets.vHost, VHOST_COLUMNS);
  if (info) {
    if (info.missing.length) problems.push(`Sheet 'vInfo' lacks the column${info.missing.length > 1 ? 's' : ''} ${info.missing.join(', ')}.`);
    if (info.index.osConfig < 0 && info.index.osTools < 0) {
      problems.push("Sheet 'vInfo' lacks both OS columns: 'OS according to the configuration file' and 'OS according to the VMware Tools' (one is needed).");
    }
  }
  if (host?.missing.length) problems.push(`Sheet 'vHost' lacks the column${host.missing.length > 1 ? 's' : ''} ${host.missing.join(', ')}.`);
  if (problems.length || !info || !host || !sheets.vInfo || !sheets.vHost) return { ok: false, problems };

  const skipped: Skipped[] = [];
  const get = (row: readonly Cell[], i: number): Cell => (i >= 0 ? row[i] : undefined);

  // Hosts.
  const hostRows: { row: readonly Cell[] }[] = [];
  sheets.vHost.rows.forEach((row, k) => {
    const original = cellText(get(row, host.index.name));
    if (!original) {
      if (row.some((c) => cellText(c))) skipped.push({ sheet: 'vHost', row: k + 2, original: '', reason: 'no name' });
      return;
    }
    hostRows.push({ row });
  });
  const hostNames = uniqueLabels(hostRows.map((h) => cellText(get(h.row, host.index.name))), 'host');
  const hostByOriginal = new Map<string, string>();
  const hosts: HostModel[] = hostRows.map(({ row }, k) => {
    const unreadable: string[] = [];
    const num = (key: string) => {
      const v = cellNumber(get(row, host.index[key]));
      if (v === 'bad') {
        unreadable.push(`${host.found[key]}: ${cellText(get(row, host.index[key]))}`);
        return undefined;
      }
      return v;
    };
    const original = cellText(get(row, host.index.name));
    if (!hostByOriginal.has(original.toLowerCase())) hostByOriginal.set(original.toLowerCase(), hostNames[k]);
    return {
      name: hostNames[k],
      original,
      cpu: num('cores'),
      memoryMiB: num('memory'),
      cluster: cellText(get(row, host.index.cluster)) || undefined,
      datacenter: cellText(get(row, host.index.datacenter)) || undefined,
      unreadable,
    };
  });

  // VMs.
  const rows = sheets.vInfo.rows;
  const kept: { row: readonly Cell[]; original: string; poweredOff: boolean }[] = [];
  rows.forEach((row, k) => {
    if (opts.onRow && k % 500 === 0) opts.onRow(k, rows.length);
    const original = cellText(get(row, info.index.name));
    if (!original) {
      if (row.some((c) => cellText(c))) skipped.push({ sheet: 'vInfo', row: k + 2, original: '', reason: 'no name' });
      return;
    }
    if (cellBool(get(row, info.index.template))) {
      skipped.push({ sheet: 'vInfo', row: k + 2, original, reason: 'template' });
      return;
    }
    const poweredOff = isPoweredOff(get(row, info.index.powerstate));
    if (poweredOff && !opts.includePoweredOff) {
      skipped.push({ sheet: 'vInfo', row: k + 2, original, reason: 'powered off' });
      return;
    }
    kept.push({ row, original, poweredOff });
  });
  opts.onRow?.(rows.length, rows.length);
  const vmNames = uniqueLabels(
    kept.map((v) => v.original),
    'vm',
  );
  const vms: VmModel[] = kept.map(({ row, original, poweredOff }, k) => {
    const unreadable: string[] = [];
    const num = (key: string) => {
      const v = cellNumber(get(row, info.index[key]));
      if (v === 'bad') {
        unreadable.push(`${info.found[key]}: ${cellText(get(row, info.index[key]))}`);
        return undefined;
      }
      return v;
    };
    const tools = cellText(get(row, info.index.osTools));
    const config = cellText(get(row, info.index.osConfig));
    const fromTools = osFamily(tools);
    const os = fromTools ?? osFamily(config);
    const osText = fromTools ? tools : os ? config : [config, tools].filter(Boolean).join(' / ');
    const current = cellText(get(row, info.index.host)) || undefined;
    return {
      name: vmNames[k],
      original,
      os,
      osText,
      cpu: num('cpus'),
      memoryMiB: num('memory'),
      diskMiB: num('disk'),
      host: current,
      hostName: current === undefined ? undefined : hostByOriginal.get(current.toLowerCase()),
      cluster: cellText(get(row, info.index.cluster)) || undefined,
      datacenter: cellText(get(row, info.index.datacenter)) || undefined,
      poweredOff,
      unreadable,
    };
  });
  return { ok: true, model: { hosts, vms, skipped, columns: { vInfo: info.found, vHost: host.found } } };
}

// ---------------------------------------------------------------------------------------
// Writing.

export interface OutputFile {
  /** A file name (no folder): `hosts.workload.yaml`, `vms-<cluster>.workload.yaml`. */
  name: string;
  text: string;
  hosts: number;
  workloads: number;
}

/** Characters that must not reach a file raw: C0/C1 controls, bidi controls, line separators, BOM. */
// eslint-disable-next-line no-control-regex
const HIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff]/;
// eslint-disable-next-line no-control-regex
const HIDDEN_ALL = new RegExp(HIDDEN.source, 'g');
// eslint-disable-next-line no-control-regex
const COMMENT_ESCAPE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff#"\\]/g;
const u4 = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * A YAML scalar for a value, by the `yaml` package: quoted where YAML would read it as
 * something else (`"123"`, `"null"`, `"a: b"`), never a block scalar, never folded. A
 * string with controls or bidirectional characters is double-quoted with them escaped,
 * so the file shows what it holds.
 */
export function yamlScalar(value: string | number | boolean): string {
  if (typeof value === 'string' && HIDDEN.test(value)) {
    return stringify(value, { lineWidth: 0, blockQuote: false, defaultStringType: 'QUOTE_DOUBLE' }).trimEnd().replace(HIDDEN_ALL, u4);
  }
  return stringify(value, { lineWidth: 0, blockQuote: false }).trimEnd();
}

/** Cell text inside a comment: in double quotes, with controls, separators, `#`, `"` and `\` escaped (a `#` could start a suppression). */
export function commentValue(text: string): string {
  return `"${String(text).replace(COMMENT_ESCAPE, u4)}"`;
}

/** MiB → a Kubernetes quantity: `8Gi` when whole gibibytes, else `1536Mi` (rounded up). */
export function mebibytes(mib: number): string {
  const n = Math.ceil(mib);
  return n > 0 && n % 1024 === 0 ? `${n / 1024}Gi` : `${n}Mi`;
}

function cores(n: number): string {
  return Number.isInteger(n) ? String(n) : `${Math.ceil(n * 1000)}m`;
}

/**
 * A host's cluster is its `cluster:` (failover stays inside it); a VM's is a comment: the
 * format has no workload cluster, and the VM is free to be placed in any.
 */
function clusterLine(indent: string, cluster: string, asField: boolean): string {
  return asField ? `${indent}cluster: ${yamlScalar(cluster)}` : `${indent}# cluster: ${commentValue(cluster)}`;
}

export interface WriteOptions {
  /** The export's file or folder name, for the header comments. */
  source: string;
  pinCurrentHost?: boolean;
  perFile?: number;
}

/** The descriptor files for a model: hosts in one, the VMs by cluster in chunks of `perFile`. */
export function writeDescriptors(model: ImportModel, opts: WriteOptions): OutputFile[] {
  const perFile = Math.max(1, opts.perFile ?? DEFAULT_PER_FILE);
  const src = commentValue(opts.source);
  const files: OutputFile[] = [];

  const hostLines = [
    `# Imported by \`workload-placement import rvtools\` from ${src}, sheet vHost: ${model.hosts.length} ESXi host${model.hosts.length === 1 ? '' : 's'}.`,
    '# Names are DNS-1123 labels; each host\'s name in the export is the comment above it.',
    'version: 1',
  ];
  if (model.hosts.length) hostLines.push('hosts:');
  for (const h of [...model.hosts].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    hostLines.push(`  # ${commentValue(h.original)}`);
    hostLines.push(`  - name: ${yamlScalar(h.name)}`, '    role: hypervisor', '    hypervisor: esxi');
    if (h.cpu !== undefined) hostLines.push(`    cpu: ${cores(h.cpu)}`);
    if (h.memoryMiB !== undefined) hostLines.push(`    memory: ${mebibytes(h.memoryMiB)}`);
    if (h.datacenter) hostLines.push(`    site: ${yamlScalar(h.datacenter)}`);
    if (h.cluster) hostLines.push(clusterLine('    ', h.cluster, true));
    for (const u of h.unreadable) hostLines.push(`    # unreadable, left out: ${commentValue(u)}`);
  }
  files.push({ name: 'hosts.workload.yaml', text: `${hostLines.join('\n')}\n`, hosts: model.hosts.length, workloads: 0 });

  // VMs by (datacenter, cluster); a cluster name used in two datacenters gets the datacenter in its file name.
  const groups = new Map<string, { cluster?: string; datacenter?: string; vms: VmModel[] }>();
  for (const vm of model.vms) {
    const key = `${vm.datacenter ?? ''}\u0000${vm.cluster ?? ''}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { cluster: vm.cluster, datacenter: vm.datacenter, vms: [] }));
    g.vms.push(vm);
  }
  const ordered = [...groups.values()].sort((a, b) => cmpStr(a.cluster ?? '', b.cluster ?? '') || cmpStr(a.datacenter ?? '', b.datacenter ?? ''));
  const clusterCount = new Map<string, number>();
  for (const g of ordered) clusterCount.set(g.cluster ?? '', (clusterCount.get(g.cluster ?? '') ?? 0) + 1);
  const bases = ordered.map((g) => {
    const c = g.cluster ?? 'no-cluster';
    return `vms-${clusterCount.get(g.cluster ?? '')! > 1 && g.datacenter ? `${g.datacenter}-${c}` : c}`;
  });
  const labels = uniqueLabels(bases, 'vms', ['hosts']);
  ordered.forEach((g, gi) => {
    const vms = g.vms.sort((a, b) => cmpStr(a.name, b.name));
    const parts = Math.ceil(vms.length / perFile);
    for (let p = 0; p < parts; p++) {
      const chunk = vms.slice(p * perFile, (p + 1) * perFile);
      const where = [g.cluster ? `cluster ${commentValue(g.cluster)}` : 'no cluster', g.datacenter ? `datacenter ${commentValue(g.datacenter)}` : ''].filter(Boolean).join(', ');
      const lines = [
        `# Imported by \`workload-placement import rvtools\` from ${src}, sheet vInfo: ${where}, ${chunk.length} VM${chunk.length === 1 ? '' : 's'}${parts > 1 ? ` (part ${p + 1} of ${parts})` : ''}.`,
        '# Names are DNS-1123 labels; each VM\'s name in the export is its description. Templates are',
        `# not imported${opts.pinCurrentHost ? '' : '; the current host is a comment (pin it with --pin-current-host)'}.`,
        'version: 1',
        'workloads:',
      ];
      for (const vm of chunk) writeVm(lines, vm, opts.pinCurrentHost ?? false);
      files.push({ name: `${labels[gi]}${parts > 1 ? `-part-${p + 1}` : ''}.workload.yaml`, text: `${lines.join('\n')}\n`, hosts: 0, workloads: chunk.length });
    }
  });
  return files;
}

function writeVm(lines: string[], vm: VmModel, pin: boolean): void {
  lines.push(`  - name: ${yamlScalar(vm.name)}`, `    description: ${yamlScalar(vm.original)}`);
  if (vm.os) lines.push(`    os: ${vm.os}`);
  else lines.push(`    # os: not recognised from ${commentValue(vm.osText || '(empty)')}; set it (linux, windows, freebsd, solaris, aix or any)`);
  if (vm.cpu !== undefined || vm.memoryMiB !== undefined) {
    lines.push('    resources:');
    if (vm.cpu !== undefined) lines.push(`      cpu: ${cores(vm.cpu)}`);
    if (vm.memoryMiB !== undefined) lines.push(`      memory: ${mebibytes(vm.memoryMiB)}`);
  }
  if (vm.diskMiB !== undefined && vm.diskMiB > 0) lines.push('    volumes:', '      - name: disks', `        size: ${mebibytes(vm.diskMiB)}`);
  if (vm.host !== undefined) {
    if (pin && vm.hostName) lines.push(`    host: ${yamlScalar(vm.hostName)}`);
    else if (vm.hostName) lines.push(`    # current host: ${vm.hostName}`);
    else lines.push(`    # current host: ${commentValue(vm.host)} (not in vHost)`);
  }
  if (vm.cluster) lines.push(clusterLine('    ', vm.cluster, false));
  if (vm.poweredOff) lines.push('    # powered off in the export');
  for (const u of vm.unreadable) lines.push(`    # unreadable, left out: ${commentValue(u)}`);
}

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
