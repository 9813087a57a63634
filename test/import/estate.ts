// A made-up but realistic RVTools export: a bank with two datacenters and three
// clusters, written in two column-name variants, as an .xlsx workbook (exceljs) or as the
// folder of csv files RVTools writes. Shared by the mapping tests and the CLI tests.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Cell, Sheet } from '../../server/src/import/rvtools';

export type Variant = 'current' | 'older';

interface Vm {
  name: string;
  power: 'poweredOn' | 'poweredOff' | 'suspended';
  template?: boolean;
  cpus: number;
  memoryMiB: number;
  diskMiB: number;
  osConfig: string;
  osTools: string;
  host: string;
  cluster: string;
  dc: string;
}

interface Host {
  name: string;
  cores: number;
  memoryMiB: number;
  cluster: string;
  dc: string;
}

const FRA = 'DC-Frankfurt';
const OFF = 'DC-Offenbach';
const CORE = 'Core-Banking';
const PAY = 'Payments';
const DMZ = 'DMZ';

const WIN19 = 'Microsoft Windows Server 2019 (64-bit)';
const WIN22 = 'Microsoft Windows Server 2022 (64-bit)';
const RHEL8 = 'Red Hat Enterprise Linux 8 (64-bit)';
const RHEL9 = 'Red Hat Enterprise Linux 9 (64-bit)';

export const HOSTS: Host[] = [
  ...[1, 2, 3, 4].map((i) => ({ name: `esx-fra-0${i}.bank.local`, cores: 48, memoryMiB: 1024 * 1024, cluster: CORE, dc: FRA })),
  ...[5, 6, 7].map((i) => ({ name: `esx-fra-0${i}.bank.local`, cores: 32, memoryMiB: 768 * 1024, cluster: PAY, dc: FRA })),
  ...[1, 2].map((i) => ({ name: `ESX-OFF-0${i}.bank.local`, cores: 24, memoryMiB: 512 * 1024, cluster: DMZ, dc: OFF })),
];

const on = (name: string, cpus: number, memGi: number, diskGi: number, osConfig: string, osTools: string, host: string, cluster: string, dc: string): Vm => ({
  name,
  power: 'poweredOn',
  cpus,
  memoryMiB: memGi * 1024,
  diskMiB: diskGi * 1024,
  osConfig,
  osTools,
  host,
  cluster,
  dc,
});

export const VMS: Vm[] = [
  // Core banking, Frankfurt.
  on('DC01', 2, 8, 100, WIN19, WIN19, 'esx-fra-01.bank.local', CORE, FRA),
  on('DC02', 2, 8, 100, WIN19, '', 'esx-fra-02.bank.local', CORE, FRA),
  ...[1, 2, 3, 4, 5, 6].map((i) => on(`CBS-APP-0${i}`, 8, 32, 200, RHEL8, RHEL8, `esx-fra-0${(i % 4) + 1}.bank.local`, CORE, FRA)),
  on('CBS-DB-01', 16, 128, 2048, RHEL8, RHEL8, 'esx-fra-01.bank.local', CORE, FRA),
  on('CBS-DB-02', 16, 128, 2048, RHEL8, RHEL8, 'esx-fra-02.bank.local', CORE, FRA),
  on('LEGACY-SOL10', 4, 16, 300, 'Oracle Solaris 10 (64-bit)', '', 'esx-fra-03.bank.local', CORE, FRA),
  on('CBS App 01', 4, 8, 60, 'Red Hat Enterprise Linux 7 (64-bit)', '', 'esx-fra-04.bank.local', CORE, FRA),
  on('cbs-app-01', 4, 8, 60, RHEL8, RHEL8, 'esx-fra-04.bank.local', CORE, FRA),
  on('Zählerstand-Srv', 2, 4, 40, WIN22, WIN22, 'esx-fra-03.bank.local', CORE, FRA),
  on('batch-eod', 4, 16, 100, RHEL9, RHEL9, 'esx-fra-02.bank.local', CORE, FRA),
  { ...on('report-gen', 2, 8, 50, RHEL9, RHEL9, 'esx-fra-01.bank.local', CORE, FRA), power: 'suspended' },
  // Payments, Frankfurt.
  ...[1, 2, 3, 4].map((i) => on(`PAY-GW-0${i}`, 4, 8, 40, RHEL9, RHEL9, `esx-fra-0${(i % 3) + 5}.bank.local`, PAY, FRA)),
  on('PAY-MQ-01', 4, 16, 200, RHEL8, RHEL8, 'esx-fra-05.bank.local', PAY, FRA),
  on('PAY-MQ-02', 4, 16, 200, RHEL8, RHEL8, 'esx-fra-06.bank.local', PAY, FRA),
  on('SWIFT-01', 4, 16, 150, 'Microsoft Windows Server 2016 (64-bit)', 'Microsoft Windows Server 2016 or later (64-bit)', 'esx-fra-07.bank.local', PAY, FRA),
  on('HSM-Proxy', 2, 4, 30, 'SUSE Linux Enterprise 15 (64-bit)', 'SUSE Linux Enterprise 15 (64-bit)', 'esx-fra-05.bank.local', PAY, FRA),
  on('EXCH-01', 8, 64, 1024, WIN22, WIN22, 'esx-fra-06.bank.local', PAY, FRA),
  on('FILE-SRV-01', 4, 16, 4096, WIN19, WIN19, 'esx-fra-07.bank.local', PAY, FRA),
  on('SCCM', 4, 16, 500, WIN22, WIN22, 'esx-fra-05.bank.local', PAY, FRA),
  // DMZ, Offenbach.
  on('DC03', 2, 8, 100, WIN19, WIN19, 'ESX-OFF-01.bank.local', DMZ, OFF),
  ...[1, 2, 3, 4].map((i) => on(`WEB-0${i}`, 2, 4, 30, 'Ubuntu Linux (64-bit)', 'Ubuntu Linux (64-bit)', `ESX-OFF-0${(i % 2) + 1}.bank.local`, DMZ, OFF)),
  on('PROXY-01', 2, 4, 20, 'CentOS 7 (64-bit)', 'CentOS 7 (64-bit)', 'ESX-OFF-01.bank.local', DMZ, OFF),
  on('PROXY-02', 2, 4, 20, 'CentOS 7 (64-bit)', 'CentOS 7 (64-bit)', 'ESX-OFF-02.bank.local', DMZ, OFF),
  on('Mail Relay', 1, 2, 20, 'Debian GNU/Linux 11 (64-bit)', '', 'ESX-OFF-01.bank.local', DMZ, OFF),
  on('fw-mgmt', 2, 4, 20, 'FreeBSD 12 or later versions (64-bit)', '', 'ESX-OFF-02.bank.local', DMZ, OFF),
  // Templates and powered-off VMs: not imported by default.
  { ...on('tpl-rhel8', 2, 4, 40, RHEL8, '', 'esx-fra-01.bank.local', CORE, FRA), power: 'poweredOff', template: true },
  { ...on('tpl-win2019', 2, 8, 60, WIN19, '', 'esx-fra-02.bank.local', CORE, FRA), power: 'poweredOff', template: true },
  { ...on('tpl-ubuntu', 1, 2, 20, 'Ubuntu Linux (64-bit)', '', 'ESX-OFF-01.bank.local', DMZ, OFF), power: 'poweredOff', template: true },
  { ...on('old-crm-01', 4, 16, 200, WIN19, '', 'esx-fra-03.bank.local', CORE, FRA), power: 'poweredOff' },
  { ...on('test-migration', 2, 4, 40, RHEL8, '', 'esx-fra-06.bank.local', PAY, FRA), power: 'poweredOff' },
];

export const TEMPLATES = ['tpl-rhel8', 'tpl-win2019', 'tpl-ubuntu'];
export const POWERED_OFF = ['old-crm-01', 'test-migration'];
/** VMs imported by default. */
export const IMPORTED = VMS.filter((v) => !v.template && v.power !== 'poweredOff');

/** Columns every real export has that the import does not read (decoys with similar names). */
const EXTRA_VINFO = ['DNS Name', 'Annotation', 'Memory Reservation', 'VM ID', 'CPU Reservation'];

const VINFO_HEADERS: Record<Variant, string[]> = {
  current: ['VM', 'Powerstate', 'Template', 'CPUs', 'Memory', 'Provisioned MiB', 'OS according to the configuration file', 'OS according to the VMware Tools', 'Host', 'Cluster', 'Datacenter'],
  older: ['Name', 'Power state', 'Template', 'Num CPU', 'Memory MB', 'Total disk capacity MiB', 'OS according to the configuration file', 'OS according to the VMware Tools', 'ESX Host', 'Cluster', 'Datacenter'],
};
const VHOST_HEADERS: Record<Variant, string[]> = {
  current: ['Host', 'Datacenter', 'Cluster', '# CPU', '# Cores', '# Memory', 'ESX Version'],
  older: ['Name', 'Datacenter', 'Cluster', 'Num CPU', 'Cores', 'Memory', 'ESX Version'],
};

function vmRow(v: Vm, variant: Variant): Cell[] {
  const template = variant === 'current' ? Boolean(v.template) : v.template ? 'True' : 'False';
  return [v.name, v.power, template, v.cpus, v.memoryMiB, v.diskMiB, v.osConfig, v.osTools, v.host, v.cluster, v.dc];
}

/** The two sheets, with extra columns mixed in as real exports have them. */
export function estateSheets(variant: Variant, vms: readonly Vm[] = VMS, hosts: readonly Host[] = HOSTS): { vInfo: Sheet; vHost: Sheet } {
  const infoHeaders = [...VINFO_HEADERS[variant].slice(0, 3), ...EXTRA_VINFO.slice(0, 2), ...VINFO_HEADERS[variant].slice(3), ...EXTRA_VINFO.slice(2)];
  const infoRows = vms.map((v, i) => {
    const r = vmRow(v, variant);
    return [...r.slice(0, 3), `${v.name.toLowerCase()}.bank.local`, i % 3 ? '' : 'owner: ops', ...r.slice(3), 0, `vm-${1000 + i}`, 0];
  });
  return {
    vInfo: { name: 'vInfo', headers: infoHeaders, rows: infoRows },
    vHost: { name: 'vHost', headers: VHOST_HEADERS[variant], rows: hosts.map((h) => [h.name, h.dc, h.cluster, 2, h.cores, h.memoryMiB, 'VMware ESXi 7.0.3 build-21930508']) },
  };
}

/** Writes the sheets (and a decoy sheet) as an .xlsx workbook. */
export async function writeXlsx(file: string, sheets: Record<string, Sheet>, extra = true): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ExcelJS = require('exceljs') as typeof import('exceljs');
  const wb = new ExcelJS.Workbook();
  for (const sheet of Object.values(sheets)) {
    const ws = wb.addWorksheet(sheet.name);
    ws.addRow([...sheet.headers]);
    for (const row of sheet.rows) ws.addRow(row.map((c) => (c === undefined ? null : c)));
  }
  if (extra) wb.addWorksheet('vMetaData').addRow(['RVTools version', '4.4.2.0']);
  await wb.xlsx.writeFile(file);
}

/** One csv cell, quoted as RVTools does. */
function csvCell(c: Cell): string {
  const s = c === null || c === undefined ? '' : String(c);
  return /[",;\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvText(sheet: Sheet, delimiter = ','): string {
  return [sheet.headers, ...sheet.rows].map((r) => r.map(csvCell).join(delimiter)).join('\r\n') + '\r\n';
}

/** The folder RVTools -c ExportAll2csv writes: RVTools_tab<sheet>.csv. */
export function writeCsvFolder(dir: string, sheets: Record<string, Sheet>, delimiter = ','): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const sheet of Object.values(sheets)) fs.writeFileSync(path.join(dir, `RVTools_tab${sheet.name}.csv`), `\ufeff${csvText(sheet, delimiter)}`);
}

/** A large estate: `n` powered-on VMs over `clusters` clusters of `hostsPer` hosts. */
export function bigEstate(n: number, clusters = 10, hostsPer = 20): { vInfo: Sheet; vHost: Sheet } {
  const hosts: Host[] = [];
  for (let c = 0; c < clusters; c++) for (let h = 0; h < hostsPer; h++) hosts.push({ name: `esx-c${c}-h${h}.corp`, cores: 64, memoryMiB: 2048 * 1024, cluster: `Cluster ${c}`, dc: c % 2 ? 'DC-B' : 'DC-A' });
  const oses = [RHEL8, WIN19, 'Ubuntu Linux (64-bit)', WIN22, RHEL9];
  const vms: Vm[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % clusters;
    vms.push(on(`VM-${String(i).padStart(5, '0')}`, 1 + (i % 8), 2 + (i % 16), 20 + (i % 500), oses[i % oses.length], '', `esx-c${c}-h${i % hostsPer}.corp`, `Cluster ${c}`, c % 2 ? 'DC-B' : 'DC-A'));
  }
  return estateSheets('current', vms, hosts);
}
