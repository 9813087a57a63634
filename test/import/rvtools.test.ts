// The RVTools mapping, in process: tables per field (OS family, numbers, names), both
// column-name variants, missing sheets and columns, and the written descriptors
// analysed by the engine (every VM gets a verdict; the Solaris box is a VM).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import {
  cellBool,
  cellNumber,
  commentValue,
  dnsLabel,
  isPoweredOff,
  type ImportModel,
  mapRvtools,
  mebibytes,
  osFamily,
  type Sheet,
  uniqueLabels,
  VHOST_COLUMNS,
  VINFO_COLUMNS,
  writeDescriptors,
  yamlScalar,
} from '../../server/src/import/rvtools';
import { analyzeTexts } from '../core/helpers';
import { estateSheets, IMPORTED, POWERED_OFF, TEMPLATES, VMS } from './estate';

function model(sheets: { vInfo?: Sheet; vHost?: Sheet }, opts = {}): ImportModel {
  const r = mapRvtools(sheets, opts);
  if (!r.ok) assert.fail(r.problems.join('\n'));
  return r.model;
}

const sheet = (name: string, headers: string[], rows: (string | number | boolean | null)[][] = []): Sheet => ({ name, headers, rows });
const VHOST = sheet('vHost', ['Host', '# Cores', '# Memory', 'Cluster', 'Datacenter'], [['esx01', 32, 262144, 'C1', 'DC1']]);
const VINFO_HEADERS = ['VM', 'Powerstate', 'Template', 'CPUs', 'Memory', 'Provisioned MiB', 'OS according to the configuration file', 'OS according to the VMware Tools', 'Host', 'Cluster', 'Datacenter'];
/** One VM row in the current variant, with overrides by header. */
function vmRow(over: Record<string, string | number | boolean | null> = {}): (string | number | boolean | null)[] {
  const base: Record<string, string | number | boolean | null> = {
    VM: 'app01',
    Powerstate: 'poweredOn',
    Template: false,
    CPUs: 2,
    Memory: 4096,
    'Provisioned MiB': 40960,
    'OS according to the configuration file': 'Red Hat Enterprise Linux 8 (64-bit)',
    'OS according to the VMware Tools': '',
    Host: 'esx01',
    Cluster: 'C1',
    Datacenter: 'DC1',
  };
  const r = { ...base, ...over };
  return VINFO_HEADERS.map((h) => r[h]);
}
const oneVm = (over: Record<string, string | number | boolean | null> = {}, opts = {}) => model({ vInfo: sheet('vInfo', VINFO_HEADERS, [vmRow(over)]), vHost: VHOST }, opts);

describe('rvtools: OS family', () => {
  const table: [string, string | undefined][] = [
    ['Microsoft Windows Server 2019 (64-bit)', 'windows'],
    ['Microsoft Windows 10 (64-bit)', 'windows'],
    ['Red Hat Enterprise Linux 8 (64-bit)', 'linux'],
    ['Red Hat Enterprise Linux 8', 'linux'],
    ['CentOS 7 (64-bit)', 'linux'],
    ['Ubuntu Linux (64-bit)', 'linux'],
    ['SUSE Linux Enterprise 15 (64-bit)', 'linux'],
    ['Debian GNU/Linux 11 (64-bit)', 'linux'],
    ['VMware Photon OS (64-bit)', 'linux'],
    ['Other 4.x or later Linux (64-bit)', 'linux'],
    ['Oracle Linux 8 (64-bit)', 'linux'],
    ['Rocky Linux (64-bit)', 'linux'],
    ['Oracle Solaris 10 (64-bit)', 'solaris'],
    ['Sun Solaris 10 (64-bit)', 'solaris'],
    ['FreeBSD 12 or later versions (64-bit)', 'freebsd'],
    ['FreeBSD (64-bit)', 'freebsd'],
    ['IBM AIX 7.2', 'aix'],
    ['Other (64-bit)', undefined],
    ['VMware ESXi 7.0 or later', undefined],
    ['', undefined],
  ];
  for (const [text, os] of table) it(`${JSON.stringify(text)} → ${os ?? 'not recognised'}`, () => assert.equal(osFamily(text), os));

  it('prefers the VMware Tools column, falls back to the configuration file, and keeps the text when neither is recognised', () => {
    const cases: [string, string, string | undefined, string][] = [
      ['Microsoft Windows Server 2016 (64-bit)', 'Microsoft Windows Server 2019 (64-bit)', 'windows', 'Microsoft Windows Server 2019 (64-bit)'],
      ['Red Hat Enterprise Linux 8 (64-bit)', '', 'linux', 'Red Hat Enterprise Linux 8 (64-bit)'],
      ['Oracle Solaris 11 (64-bit)', 'Other (64-bit)', 'solaris', 'Oracle Solaris 11 (64-bit)'],
      ['Other (64-bit)', '', undefined, 'Other (64-bit)'],
      ['Other (32-bit)', 'Novell NetWare 6.x', undefined, 'Other (32-bit) / Novell NetWare 6.x'],
    ];
    for (const [config, tools, os, text] of cases) {
      const vm = oneVm({ 'OS according to the configuration file': config, 'OS according to the VMware Tools': tools }).vms[0];
      assert.equal(vm.os, os, `${config} / ${tools}`);
      assert.equal(vm.osText, text);
    }
  });
});

describe('rvtools: cells', () => {
  it('reads numbers as exports write them', () => {
    const table: [string | number | null, number | undefined | 'bad'][] = [
      [4096, 4096],
      ['4096', 4096],
      [' 4096 ', 4096],
      ['4,096', 4096],
      // A point is a decimal point: thousands are grouped with a comma or a space.
      ['4.096', 4.096],
      ['1 048 576', 1048576],
      ['1,048,576.5', 1048576.5],
      ['1.048.576,5', 1048576.5],
      ['1,5', 1.5],
      ['2.5', 2.5],
      ['', undefined],
      [null, undefined],
      ['n/a', 'bad'],
      ['-1', 'bad'],
      ['1e400', 'bad'],
      [Number.NaN, 'bad'],
    ];
    for (const [cell, n] of table) assert.equal(cellNumber(cell), n, JSON.stringify(cell));
  });

  it('reads templates and power states', () => {
    for (const t of [true, 'True', 'true', 'TRUE', 'yes', '1']) assert.equal(cellBool(t), true, String(t));
    for (const f of [false, 'False', '', null, '0', 'no']) assert.equal(cellBool(f), false, String(f));
    for (const p of ['poweredOff', 'PoweredOff', 'powered off', 'Off']) assert.equal(isPoweredOff(p), true, p);
    for (const p of ['poweredOn', 'suspended', '', null]) assert.equal(isPoweredOff(p), false, String(p));
  });

  it('writes memory and disk as Kubernetes quantities', () => {
    const table: [number, string][] = [
      [4096, '4Gi'],
      [1536, '1536Mi'],
      [1048576, '1024Gi'],
      [100.2, '101Mi'],
      [0, '0Mi'],
    ];
    for (const [mib, q] of table) assert.equal(mebibytes(mib), q);
  });
});

describe('rvtools: names', () => {
  it('makes DNS-1123 labels', () => {
    const table: [string, string][] = [
      ['DC01', 'dc01'],
      ['CBS App 01', 'cbs-app-01'],
      ['esx-fra-01.bank.local', 'esx-fra-01-bank-local'],
      ['Zählerstand-Srv', 'zahlerstand-srv'],
      ['  --Web__01--  ', 'web-01'],
      ['日本語', 'vm'],
      ['', 'vm'],
      ['a'.repeat(80), 'a'.repeat(63)],
      [`${'a'.repeat(62)}-b`, 'a'.repeat(62)],
      ['x\u001b[31my\u202e', 'x-31my'],
    ];
    for (const [original, label] of table) {
      const got = dnsLabel(original, 'vm');
      assert.equal(got, label, original);
      assert.match(got, /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/);
    }
  });

  it('de-duplicates deterministically, whatever the order of the rows', () => {
    const originals = ['web-01', 'WEB-01', 'Web 01', 'web-01-2', 'db', 'DB'];
    const names = uniqueLabels(originals, 'vm');
    // By original: 'WEB-01' < 'Web 01' < 'web-01'; 'web-01-2' is another VM's label.
    assert.deepEqual(names, ['web-01-4', 'web-01', 'web-01-3', 'web-01-2', 'db-2', 'db']);
    assert.equal(new Set(names).size, names.length);
    // Reversed rows: each original keeps its label.
    const reversed = uniqueLabels([...originals].reverse(), 'vm').reverse();
    assert.deepEqual(reversed, names);
  });

  it('keeps reserved labels free and stays within 63 characters', () => {
    assert.deepEqual(uniqueLabels(['hosts', 'x'], 'f', ['hosts']), ['hosts-2', 'x']);
    const long = uniqueLabels(['a'.repeat(70), 'A'.repeat(70)], 'vm');
    assert.deepEqual(long, [`${'a'.repeat(61)}-2`, 'a'.repeat(63)]);
  });
});

describe('rvtools: column-name variants', () => {
  it('reads the current and the older headers into the same model', () => {
    const a = model(estateSheets('current'));
    const b = model(estateSheets('older'));
    assert.deepEqual({ ...a, columns: null }, { ...b, columns: null });
    assert.equal(a.columns.vInfo.cpus, 'CPUs');
    assert.equal(b.columns.vInfo.cpus, 'Num CPU');
    assert.equal(b.columns.vInfo.disk, 'Total disk capacity MiB');
    assert.equal(b.columns.vHost.cores, 'Cores');
  });

  it('matches every alias ignoring case, spaces and underscores', () => {
    for (const spec of [...VINFO_COLUMNS, ...VHOST_COLUMNS]) {
      for (const alias of spec.aliases) {
        const specs = VINFO_COLUMNS.includes(spec as never) ? VINFO_COLUMNS : VHOST_COLUMNS;
        // Another column's alias that normalizes the same would make the table ambiguous.
        for (const other of specs) if (other !== spec) assert.ok(!other.aliases.some((o) => o.toLowerCase().replace(/[\s_-]/g, '') === alias.toLowerCase().replace(/[\s_-]/g, '')), `${alias} is also an alias of ${other.key}`);
      }
    }
    const m = model({ vInfo: sheet('vInfo', ['vm', 'POWER_STATE', 'num cpu', 'memory mb', 'os according to the vmware tools'], [['a', 'poweredOn', 2, 2048, 'Ubuntu Linux (64-bit)']]), vHost: sheet('vHost', ['name', 'cores', 'memory'], [['h', 8, 65536]]) });
    assert.deepEqual([m.vms[0].name, m.vms[0].cpu, m.vms[0].memoryMiB, m.vms[0].os, m.hosts[0].cpu], ['a', 2, 2048, 'linux', 8]);
  });

  it('maps every field of a VM and a host', () => {
    const m = oneVm({ VM: 'App 01', Host: 'ESX01' });
    assert.deepEqual(m.vms[0], {
      name: 'app-01',
      original: 'App 01',
      os: 'linux',
      osText: 'Red Hat Enterprise Linux 8 (64-bit)',
      cpu: 2,
      memoryMiB: 4096,
      diskMiB: 40960,
      host: 'ESX01',
      hostName: 'esx01',
      cluster: 'C1',
      datacenter: 'DC1',
      poweredOff: false,
      unreadable: [],
    });
    assert.deepEqual(m.hosts[0], { name: 'esx01', original: 'esx01', cpu: 32, memoryMiB: 262144, cluster: 'C1', datacenter: 'DC1', unreadable: [] });
  });
});

describe('rvtools: what is skipped', () => {
  it('skips templates always and powered-off VMs unless asked, and says why', () => {
    const m = model(estateSheets('current'));
    assert.deepEqual(m.vms.map((v) => v.original).sort(), IMPORTED.map((v) => v.name).sort());
    assert.deepEqual(m.skipped.filter((s) => s.reason === 'template').map((s) => s.original), TEMPLATES);
    assert.deepEqual(m.skipped.filter((s) => s.reason === 'powered off').map((s) => s.original), POWERED_OFF);
    const all = model(estateSheets('current'), { includePoweredOff: true });
    assert.equal(all.vms.length, VMS.length - TEMPLATES.length);
    assert.deepEqual(all.vms.filter((v) => v.poweredOff).map((v) => v.original).sort(), POWERED_OFF);
  });

  it('skips rows without a name, ignores blank rows, and leaves unreadable numbers out', () => {
    const m = model({
      vInfo: sheet('vInfo', VINFO_HEADERS, [vmRow({ VM: '' }), VINFO_HEADERS.map(() => null), vmRow({ VM: 'b', CPUs: 'lots' })]),
      vHost: VHOST,
    });
    assert.deepEqual(m.skipped, [{ sheet: 'vInfo', row: 2, original: '', reason: 'no name' }]);
    assert.equal(m.vms[0].cpu, undefined);
    assert.deepEqual(m.vms[0].unreadable, ['CPUs: lots']);
  });
});

describe('rvtools: bad input', () => {
  const problems = (sheets: { vInfo?: Sheet; vHost?: Sheet }) => {
    const r = mapRvtools(sheets);
    assert.equal(r.ok, false);
    return r.ok ? [] : r.problems;
  };

  it('names missing sheets', () => {
    assert.deepEqual(problems({ vHost: VHOST }), ["The export has no 'vInfo' sheet (one row per VM)."]);
    assert.match(problems({ vInfo: sheet('vInfo', VINFO_HEADERS) }).join('\n'), /no 'vHost' sheet/);
  });

  it('names missing columns with their aliases', () => {
    const p = problems({ vInfo: sheet('vInfo', ['VM', 'Memory', 'OS']), vHost: sheet('vHost', ['Host', 'Cores']) });
    assert.deepEqual(p, [
      "Sheet 'vInfo' lacks the column 'CPUs' (or '# CPU', 'Num CPU', 'NumCPU', 'vCPUs').",
      "Sheet 'vHost' lacks the column '# Memory' (or 'Memory', 'Memory MB', 'Memory MiB').",
    ]);
    assert.match(problems({ vInfo: sheet('vInfo', ['VM', 'CPUs', 'Memory']), vHost: VHOST }).join('\n'), /lacks both OS columns/);
  });
});

describe('rvtools: writing', () => {
  it('writes descriptors the engine reads without a finding, and every VM gets a verdict', () => {
    const m = model(estateSheets('current'));
    const files = writeDescriptors(m, { source: 'bank.xlsx' });
    assert.deepEqual(
      files.map((f) => [f.name, f.hosts, f.workloads]),
      [
        ['hosts.workload.yaml', 9, 0],
        ['vms-core-banking.workload.yaml', 0, 16],
        ['vms-dmz.workload.yaml', 0, 9],
        ['vms-payments.workload.yaml', 0, 11],
      ],
    );
    const { analysis } = analyzeTexts(Object.fromEntries(files.map((f) => [f.name, f.text])));
    const diagnostics = [...analysis.diagnostics.values()].flat();
    assert.deepEqual(diagnostics.map((d) => `${d.file}: ${d.ruleId} ${d.message}`), []);
    const verdicts = new Map([...analysis.recommendations].map(([w, r]) => [w.name, r.verdict]));
    assert.equal(verdicts.size, IMPORTED.length);
    for (const [name, verdict] of verdicts) assert.ok(verdict, `${name} has no verdict`);
    assert.equal(verdicts.get('legacy-sol10'), 'vm');
    assert.equal(verdicts.get('fw-mgmt'), 'vm');
  });

  it('writes each file with a header naming its source, and the originals as descriptions', () => {
    const files = writeDescriptors(model(estateSheets('current')), { source: 'bank.xlsx' });
    for (const f of files) assert.match(f.text, /^# Imported by `workload-placement import rvtools` from "bank\.xlsx", sheet v(Info|Host)/);
    const core = parse(files[1].text) as { workloads: { name: string; description: string }[] };
    const byName = new Map(core.workloads.map((w) => [w.name, w.description]));
    assert.equal(byName.get('cbs-app-01'), 'CBS App 01');
    assert.equal(byName.get('cbs-app-01-2'), 'CBS-APP-01');
    assert.equal(byName.get('cbs-app-01-3'), 'cbs-app-01');
    assert.equal(byName.get('zahlerstand-srv'), 'Zählerstand-Srv');
    assert.match(files[1].text, /  - name: dc01\n    description: DC01\n    os: windows\n    resources:\n      cpu: 2\n      memory: 8Gi\n    volumes:\n      - name: disks\n        size: 100Gi\n    # current host: esx-fra-01-bank-local\n    # cluster: "Core-Banking"\n/);
  });

  it("writes a host's cluster as `cluster:`, and a VM's as a comment (workloads have no cluster)", () => {
    const [hosts, vms] = writeDescriptors(oneVm(), { source: 's' });
    assert.match(vms.text, /\n    # cluster: "C1"\n/);
    assert.doesNotMatch(vms.text, /^\s*cluster:/m);
    assert.match(hosts.text, /^    cluster: C1$/m);
  });

  it('pins to the current host only when asked, and only to a host vHost lists', () => {
    const free = writeDescriptors(oneVm(), { source: 's' })[1].text;
    assert.match(free, /# current host: esx01\n/);
    assert.doesNotMatch(free, /^\s*host:/m);
    assert.match(writeDescriptors(oneVm(), { source: 's', pinCurrentHost: true })[1].text, /\n    host: esx01\n/);
    const stray = writeDescriptors(oneVm({ Host: 'esx99' }), { source: 's', pinCurrentHost: true })[1].text;
    assert.match(stray, /# current host: "esx99" \(not in vHost\)\n/);
    assert.doesNotMatch(stray, /^\s*host:/m);
  });

  it('splits a cluster into files of --per-file VMs, and names clusters of two datacenters apart', () => {
    const rows = [1, 2, 3, 4, 5].map((i) => vmRow({ VM: `vm${i}` }));
    rows.push(vmRow({ VM: 'other', Datacenter: 'DC2' }), vmRow({ VM: 'lone', Cluster: '' }), vmRow({ VM: 'h', Cluster: 'hosts', Datacenter: 'DC9' }));
    const files = writeDescriptors(model({ vInfo: sheet('vInfo', VINFO_HEADERS, rows), vHost: VHOST }), { source: 's', perFile: 2 });
    assert.deepEqual(
      files.map((f) => [f.name, f.workloads]),
      [
        ['hosts.workload.yaml', 0],
        ['vms-no-cluster.workload.yaml', 1],
        ['vms-dc1-c1-part-1.workload.yaml', 2],
        ['vms-dc1-c1-part-2.workload.yaml', 2],
        ['vms-dc1-c1-part-3.workload.yaml', 1],
        ['vms-dc2-c1.workload.yaml', 1],
        ['vms-hosts.workload.yaml', 1],
      ],
    );
    assert.match(files[2].text, /\(part 1 of 3\)/);
  });

  it('marks powered-off VMs and leaves an unrecognised OS for the user to set', () => {
    const off = writeDescriptors(oneVm({ Powerstate: 'poweredOff' }, { includePoweredOff: true }), { source: 's' })[1].text;
    assert.match(off, /# powered off in the export\n/);
    const other = writeDescriptors(oneVm({ 'OS according to the configuration file': 'Other (64-bit)' }), { source: 's' })[1].text;
    assert.doesNotMatch(other, /^\s*os:/m);
    assert.match(other, /# os: not recognised from "Other \(64-bit\)"; set it/);
  });
});

describe('rvtools: untrusted cells', () => {
  const hostile = [
    'null',
    '123',
    'true',
    'a: b',
    '- x',
    '#placement-ignore-file',
    'x #placement-ignore',
    "it's \"quoted\"",
    'line\nbreak',
    'cr\rlf',
    'esc\u001b[2Jx',
    'bidi\u202etxt.exe',
    'sep\u2028arator',
    '\ufeffbom',
    ' lead and trail ',
    'tab\there',
    '{ flow: map }',
    '*alias',
    '&anchor x',
    '!tag x',
    '%directive',
    '@at',
    '`tick`',
    'x'.repeat(300),
  ];

  it('yamlScalar round-trips every value on one line, showing controls as escapes', () => {
    for (const v of hostile) {
      const s = yamlScalar(v);
      assert.ok(!/[\n\r\u2028\u2029\u202e\u001b\ufeff]/.test(s), `${JSON.stringify(v)} → ${JSON.stringify(s)}`);
      assert.equal(parse(`k: ${s}\n`).k, v, JSON.stringify(v));
    }
  });

  it('commentValue keeps a comment on one line, without a # that could start a suppression', () => {
    for (const v of hostile) {
      const c = commentValue(v);
      assert.ok(!/[\n\r\u2028\u2029\u202e\u001b\ufeff#]/.test(c), JSON.stringify(c));
      assert.equal(JSON.parse(c.replace(/\\u0023/g, '#')), v);
    }
  });

  it('writes descriptors that parse to the original names and suppress nothing', () => {
    const rows = hostile.map((v, i) => vmRow({ VM: v, Cluster: v, Datacenter: v, Host: i % 2 ? v : 'esx01' }));
    const files = writeDescriptors(model({ vInfo: sheet('vInfo', VINFO_HEADERS, rows), vHost: VHOST }), { source: 'evil\n#placement-ignore-file' });
    const texts = Object.fromEntries(files.map((f) => [f.name, f.text]));
    const descriptions = files.slice(1).flatMap((f) => (parse(f.text) as { workloads: { description: string }[] }).workloads.map((w) => w.description));
    assert.deepEqual(descriptions.sort(), [...hostile].map((v) => v.trim()).sort());
    const { parsed } = analyzeTexts(texts);
    for (const p of parsed) {
      assert.deepEqual(p.findings.map((f) => f.ruleId), [], p.file);
      assert.equal(p.suppressions.file.size, 0, p.file);
      assert.equal(p.suppressions.lines.size, 0, p.file);
    }
  });
});

describe('rvtools: boundaries', () => {
  it('the mapping module does no I/O and knows no CLI', () => {
    const text = readFileSync(join(__dirname, '..', '..', '..', 'server', 'src', 'import', 'rvtools.ts'), 'utf8');
    const imports = [...text.matchAll(/^\s*import\b[^'"]*?['"]([^'"]+)['"]/gm)].map((m) => m[1]);
    // Pure modules only: the yaml package and the core's label rule.
    assert.deepEqual(imports, ['yaml', '../core/names']);
  });
});
