// `import rvtools` through the built CLI: a bank's export as .xlsx and as csv, then
// `check` on what it wrote; bad exports; --force; a 20,000-VM export; and the bundles
// (exceljs in the CLI only).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { bigEstate, estateSheets, IMPORTED, POWERED_OFF, TEMPLATES, writeCsvFolder, writeXlsx } from '../import/estate';
import { cleanEnv, CLI, cli, json, ROOT, tempTree } from './helpers';

const FILES = ['hosts.workload.yaml', 'vms-core-banking.workload.yaml', 'vms-dmz.workload.yaml', 'vms-payments.workload.yaml'];
const noStack = (s: string) => assert.doesNotMatch(s, /\n\s+at |internal error/, s);

describe('import rvtools (CLI)', () => {
  let dir: string;
  before(async () => {
    dir = tempTree({});
    await writeXlsx(path.join(dir, 'bank.xlsx'), estateSheets('current'));
    writeCsvFolder(path.join(dir, 'bank-csv'), estateSheets('older'));
  });

  for (const input of ['bank.xlsx', 'bank-csv']) {
    it(`imports ${input}, and check gives every VM a verdict`, () => {
      const out = `out-${input}`;
      const r = cli(['import', 'rvtools', input, '--out', out], { cwd: dir });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      assert.deepEqual(fs.readdirSync(path.join(dir, out)).sort(), FILES);
      assert.match(r.stdout, new RegExp(`Wrote 4 files to ${out}:`));
      assert.match(r.stdout, /out-[\w.-]+\/hosts\.workload\.yaml\s+9 hosts/);
      assert.match(r.stdout, /Imported 36 VMs and 9 ESXi hosts\./);
      assert.match(r.stdout, /Skipped 5 VMs:\n  3 templates \(not workloads\): tpl-rhel8, tpl-win2019, tpl-ubuntu\n  2 VMs powered off \(import them with --include-powered-off\): old-crm-01, test-migration\n/);
      assert.match(r.stdout, /VMs renamed to DNS-1123 labels/);
      assert.doesNotMatch(r.stdout, /Optional columns/);
      assert.match(r.stdout, new RegExp(`Next: workload-placement check ${out}`));

      const { run, report } = json(['check', out], { cwd: dir });
      assert.equal(run.code, 0, run.stdout);
      assert.deepEqual(report.diagnostics, []);
      assert.equal(report.workloads.length, IMPORTED.length);
      for (const w of report.workloads) assert.ok(w.verdict, `${w.name} has no verdict`);
      const verdict = (n: string) => report.workloads.find((w) => w.name === n)?.verdict;
      assert.equal(verdict('legacy-sol10'), 'vm');
      assert.equal(verdict('fw-mgmt'), 'vm');
      assert.deepEqual(report.summary.verdicts.none, 0);
    });
  }

  it('writes the same descriptors from both forms and both column-name variants (but for the source name)', () => {
    for (const f of FILES) {
      const a = fs.readFileSync(path.join(dir, 'out-bank.xlsx', f), 'utf8').replace('"bank.xlsx"', 'S');
      const b = fs.readFileSync(path.join(dir, 'out-bank-csv', f), 'utf8').replace('"bank-csv"', 'S');
      assert.equal(a, b, f);
    }
  });

  it('never overwrites without --force, and writes nothing then', () => {
    const target = path.join(dir, 'keep');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'vms-dmz.workload.yaml'), 'mine\n');
    const r = cli(['import', 'rvtools', 'bank.xlsx', '--out', 'keep'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /keep already holds vms-dmz\.workload\.yaml; nothing written\. Use --force/);
    assert.deepEqual(fs.readdirSync(target), ['vms-dmz.workload.yaml']);
    assert.equal(fs.readFileSync(path.join(target, 'vms-dmz.workload.yaml'), 'utf8'), 'mine\n');
    // A link in the way is replaced, not written through.
    const outside = path.join(dir, 'outside.txt');
    fs.writeFileSync(outside, 'untouched\n');
    fs.symlinkSync(outside, path.join(target, 'hosts.workload.yaml'));
    const f = cli(['import', 'rvtools', 'bank.xlsx', '--out', 'keep', '--force'], { cwd: dir });
    assert.equal(f.code, 0, f.stderr);
    assert.match(fs.readFileSync(path.join(target, 'vms-dmz.workload.yaml'), 'utf8'), /^# Imported by/);
    assert.equal(fs.readFileSync(outside, 'utf8'), 'untouched\n');
    assert.ok(!fs.lstatSync(path.join(target, 'hosts.workload.yaml')).isSymbolicLink());
  });

  it('pins to the current host with --pin-current-host, and imports powered-off VMs when asked', () => {
    const r = cli(['import', 'rvtools', 'bank-csv', '--out', 'pinned', '--pin-current-host', '--include-powered-off'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Imported 38 VMs/);
    assert.match(r.stdout, /Skipped 3 VMs:\n  3 templates/);
    assert.match(r.stdout, /38 VMs pinned to the current host/);
    const core = parse(fs.readFileSync(path.join(dir, 'pinned', 'vms-core-banking.workload.yaml'), 'utf8')) as { workloads: { name: string; host?: string }[] };
    assert.equal(core.workloads.find((w) => w.name === 'dc01')?.host, 'esx-fra-01-bank-local');
    assert.match(fs.readFileSync(path.join(dir, 'pinned', 'vms-core-banking.workload.yaml'), 'utf8'), /name: old-crm-01\n(.*\n)*? {4}# powered off in the export\n/);
    const { run, report } = json(['check', 'pinned'], { cwd: dir });
    assert.equal(run.code, 0, run.stdout);
    assert.equal(report.workloads.length, IMPORTED.length + POWERED_OFF.length);
    assert.ok(report.workloads.every((w) => w.verdict));
    assert.equal(TEMPLATES.length, 3);
  });

  it('names missing sheets and columns (exit 2), never with a stack trace', async () => {
    const { vInfo, vHost } = estateSheets('current');
    await writeXlsx(path.join(dir, 'no-vhost.xlsx'), { vInfo });
    let r = cli(['import', 'rvtools', 'no-vhost.xlsx', '--out', 'x1'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /no-vhost\.xlsx is not a usable RVTools export:\n  The export has no 'vHost' sheet/);
    assert.ok(!fs.existsSync(path.join(dir, 'x1')));

    const cut = (s: typeof vInfo, drop: string[]) => {
      const keep = s.headers.map((h, i) => (drop.includes(h) ? -1 : i)).filter((i) => i >= 0);
      return { ...s, headers: keep.map((i) => s.headers[i]), rows: s.rows.map((row) => keep.map((i) => row[i])) };
    };
    writeCsvFolder(path.join(dir, 'no-cpus'), { vInfo: cut(vInfo, ['CPUs', 'Memory']), vHost: cut(vHost, ['# Cores']) });
    r = cli(['import', 'rvtools', 'no-cpus', '--out', 'x2'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Sheet 'vInfo' lacks the columns 'CPUs' \(or '# CPU', 'Num CPU', 'NumCPU', 'vCPUs'\), 'Memory' \(or/);
    assert.match(r.stderr, /Sheet 'vHost' lacks the column '# Cores'/);
    noStack(r.stderr);
  });

  it('refuses a corrupt workbook, a folder without vInfo, and bad usage (exit 2)', () => {
    fs.writeFileSync(path.join(dir, 'corrupt.xlsx'), Buffer.from('504b0304deadbeef', 'hex'));
    fs.mkdirSync(path.join(dir, 'no-csv'));
    fs.writeFileSync(path.join(dir, 'no-csv', 'notes.txt'), 'x');
    const cases: [string[], RegExp][] = [
      [['import', 'rvtools', 'corrupt.xlsx', '--out', 'o'], /Cannot read corrupt\.xlsx as an \.xlsx workbook/],
      [['import', 'rvtools', 'no-csv', '--out', 'o'], /no-csv holds no vInfo csv file/],
      [['import', 'rvtools', 'missing.xlsx', '--out', 'o'], /Cannot read missing\.xlsx: no such file or folder/],
      [['import', 'rvtools', 'bank.xlsx'], /needs --out DIR/],
      [['import', 'vmware', 'bank.xlsx', '--out', 'o'], /Unknown import source 'vmware'/],
      [['import'], /import needs a source/],
      [['import', 'rvtools', 'bank.xlsx', '--out', 'o', '--per-file', '0'], /--per-file needs a whole number/],
      [['import', 'rvtools', 'bank.xlsx', '--out', 'bank.xlsx'], /--out bank\.xlsx exists and is not a folder/],
    ];
    for (const [args, re] of cases) {
      const r = cli(args, { cwd: dir });
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, re);
      noStack(r.stderr);
    }
    assert.ok(!fs.existsSync(path.join(dir, 'o')));
    for (const help of [['import', '--help'], ['import', 'rvtools', '-h'], ['help', 'import']]) {
      const h = cli(help, { cwd: dir });
      assert.equal(h.code, 0);
      assert.match(h.stdout, /^Usage: workload-placement import rvtools <file\.xlsx \| folder of csv> --out DIR/);
    }
    assert.match(cli(['--help']).stdout, /import rvtools <file\.xlsx \| folder> --out DIR/);
  });

  it('quotes the --out folder in the command it suggests', () => {
    const r = cli(['import', 'rvtools', 'bank.xlsx', '--out', "my estate's"], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Next: workload-placement check 'my estate'\\''s'\n$/);
  });

  it('escapes hostile cells in its summary', () => {
    const t = tempTree({
      'csv/RVTools_tabvInfo.csv': 'VM,Template,CPUs,Memory,OS\r\n"evil\u001b[2J\u202e",False,2,2048,Other (64-bit)\r\n"tpl\u001b]0;x\u0007",True,1,1024,Ubuntu Linux (64-bit)\r\n',
      'csv/RVTools_tabvHost.csv': 'Host,# Cores,# Memory\r\nh,8,65536\r\n',
    });
    const r = cli(['import', 'rvtools', 'csv', '--out', 'o'], { cwd: t });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /[\u001b\u0007\u202e]/);
    assert.match(r.stdout, /1 template \(not workloads\): tpl\\u001b\]0;x\\u0007/);
    assert.match(r.stdout, /Optional columns not in the export \(what they give is left out; without Powerstate or Template no VM is skipped for it\): vInfo 'Powerstate', vInfo 'Provisioned MB', vInfo 'Host', vInfo 'Cluster', vInfo 'Datacenter', vHost 'Cluster', vHost 'Datacenter'\./);
    assert.match(r.stdout, /OS not recognised.*evil-2j \(Other \(64-bit\)\)/);
    const wl = parse(fs.readFileSync(path.join(t, 'o', 'vms-no-cluster.workload.yaml'), 'utf8')) as { workloads: { description: string }[] };
    assert.equal(wl.workloads[0].description, 'evil\u001b[2J\u202e');
  });

  it('shows progress on stderr with --progress, and nothing there without it', () => {
    const r = cli(['import', 'rvtools', 'bank.xlsx', '--out', 'prog', '--progress'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Reading bank\.xlsx…/);
    assert.match(r.stderr, /Writing descriptors…\n/);
    // Off a terminal: plain lines, no escape sequences.
    assert.doesNotMatch(r.stderr, /[\u001b\r]/);
    assert.doesNotMatch(r.stdout, /Reading|Mapping/);
    const quiet = cli(['import', 'rvtools', 'bank.xlsx', '--out', 'prog2'], { cwd: dir });
    assert.equal(quiet.stderr, '');
  });

  it('shows progress in place on a terminal', { skip: spawnSync('script', ['--version']).status === 0 ? false : 'util-linux `script` is not installed' }, () => {
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} import rvtools bank.xlsx --out tty > summary.txt`;
    const r = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: dir, env: cleanEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
    assert.equal(r.status, 0, r.stdout);
    assert.match(r.stdout, /\r\u001b\[KReading bank\.xlsx…/);
    assert.match(fs.readFileSync(path.join(dir, 'summary.txt'), 'utf8'), /^Read bank\.xlsx \(xlsx\)/);
  });

  it('imports a 20,000-VM export completely', () => {
    const t = tempTree({});
    writeCsvFolder(path.join(t, 'big'), bigEstate(20_000));
    const r = cli(['import', 'rvtools', 'big', '--out', 'o'], { cwd: t });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Imported 20000 VMs and 200 ESXi hosts\./);
    const files = fs.readdirSync(path.join(t, 'o')).sort();
    // Ten clusters of 2,000 VMs, 1,000 per file.
    assert.equal(files.length, 21);
    assert.ok(files.includes('vms-cluster-0-part-2.workload.yaml'));
    const names = new Set<string>();
    let workloads = 0;
    for (const f of files) {
      const doc = parse(fs.readFileSync(path.join(t, 'o', f), 'utf8')) as { hosts?: unknown[]; workloads?: { name: string; os: string }[] };
      for (const w of doc.workloads ?? []) {
        names.add(w.name);
        assert.ok(w.os === 'linux' || w.os === 'windows', w.os);
      }
      workloads += doc.workloads?.length ?? 0;
      if (f === 'hosts.workload.yaml') assert.equal(doc.hosts?.length, 200);
    }
    assert.equal(workloads, 20_000);
    assert.equal(names.size, 20_000);
    assert.ok(names.has('vm-00000') && names.has('vm-19999'));
  });

  it('bundles exceljs and csv-parse apart, for the CLI to load when it imports: not into the CLI, the extension or the server', () => {
    const read = (f: string) => fs.readFileSync(path.join(ROOT, 'dist', f), 'utf8');
    assert.ok(read('importLibs.js').includes('node_modules/exceljs/'), 'dist/importLibs.js should carry exceljs');
    assert.ok(read('importLibs.js').includes('node_modules/csv-parse/'), 'dist/importLibs.js should carry csv-parse');
    for (const f of ['cli.js', 'server.js', 'client.js']) assert.ok(!/node_modules\/(exceljs|csv-parse)\//.test(read(f)), `dist/${f} must not carry exceljs or csv-parse`);
    assert.match(read('cli.js'), /require\("\.\/importLibs"\)/);
  });
});
