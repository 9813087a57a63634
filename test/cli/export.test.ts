// `workload-placement export k8s`, run as a child process: the example fleets, the
// summary, --force, hostile names, and the exit codes.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import type { ExportSummary } from '../../server/src/cli/export';
import { isDnsLabel } from '../../server/src/core/names';
import { validateObject } from '../export/validate';
import { cli, exampleFolders, json, ROOT, tempTree } from './helpers';

// eslint-disable-next-line no-control-regex
const RAW_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const CLEAN = `version: 1
hosts:
  - { name: node-1, role: container-host, runtime: containerd, os: linux, cpu: 16, memory: 64Gi }
  - { name: kvm-1, role: hypervisor, hypervisor: kvm, runtime: containerd, cpu: 32, memory: 256Gi }
  - { name: kvm-2, role: hypervisor, hypervisor: kvm, runtime: containerd, cpu: 32, memory: 256Gi }
  - { name: power-1, role: hypervisor, hypervisor: powervm, arch: ppc64, cpu: 16, memory: 256Gi }
workloads:
  - name: api
    os: linux
    architecture: microservice
    state: stateless
    scaling: { min: 2, max: 6 }
    startup: fast
    resources: { cpu: 500m, memory: 512Mi }
    deploy: container
  - name: db
    os: linux
    architecture: monolith
    state: stateful
    volumes: [{ name: data, size: 100Gi, mountPath: /var/lib/db }]
    liveMigration: true
    resources: { cpu: 4, memory: 16Gi }
    deploy: vm
  - name: legacy
    os: aix
    architecture: monolith
    resources: { cpu: 2, memory: 8Gi }
`;

function exportedFiles(out: string): Map<string, string> {
  return new Map(fs.readdirSync(out).sort().map((f) => [f, fs.readFileSync(path.join(out, f), 'utf8')]));
}

function objectsIn(text: string): { kind: string; metadata: { name: string } }[] {
  const docs = parseAllDocuments(text) as unknown as { errors: unknown[]; toJS(): { kind: string; metadata: { name: string } } }[];
  for (const d of docs) assert.deepEqual(d.errors, []);
  return docs.map((d) => d.toJS());
}

describe('export k8s (command line)', () => {
  for (const folder of exampleFolders()) {
    it(`exports ${path.basename(folder)}: files parse and validate, the summary matches them`, () => {
      const out = path.join(tempTree({}), 'k8s');
      const run = cli(['export', 'k8s', folder, '--out', out, '--format', 'json']);
      // The examples carry deliberate mistakes: written, and exit 1 as `check` would.
      const check = cli(['check', folder, '--quiet']);
      assert.equal(run.code, check.code, run.stderr);
      const summary = JSON.parse(run.stdout) as ExportSummary;
      const files = exportedFiles(out);
      assert.deepEqual([...files.keys()], summary.written.map((w) => w.file).sort());
      assert.ok(files.has('kustomization.yaml'));
      const { report } = json(['check', folder]);
      assert.equal(summary.exported.length + summary.skipped.length, report.workloads.length);
      assert.equal(summary.errors, report.summary.errors);
      for (const [name, text] of files) {
        const objects = objectsIn(text);
        for (const o of objects) validateObject(o, name);
        const w = summary.written.find((x) => x.file === name)!;
        assert.deepEqual(objects.map((o) => o.kind), w.kinds, name);
      }
      const k = objectsIn(files.get('kustomization.yaml')!)[0] as unknown as { resources: string[] };
      assert.deepEqual(k.resources.sort(), [...files.keys()].filter((f) => f !== 'kustomization.yaml').sort());
    });
  }

  it('prints what was written and what was skipped, and exits 0 on a clean fleet', () => {
    const dir = tempTree({ 'fleet.workload.yaml': CLEAN });
    const run = cli(['export', 'k8s', '.', '--out', 'k8s'], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, '');
    assert.match(run.stdout, /^Wrote 3 files to k8s:$/m);
    assert.match(run.stdout, /^ {2}api\.yaml {2}Deployment \+ HorizontalPodAutoscaler \(container\) {2}from api at fleet\.workload\.yaml:8$/m);
    assert.match(run.stdout, /^ {2}db\.yaml {2}VirtualMachine \(vm\) {2}from db at fleet\.workload\.yaml:16$/m);
    assert.match(run.stdout, /^ {2}legacy at fleet\.workload\.yaml:24: KubeVirt runs x86 and Arm guests only; AIX needs POWER hardware$/m);
    assert.match(run.stdout, /^2 workloads exported \(1 container, 0 container-in-vm, 1 vm\), 1 skipped; 0 errors in the descriptors\.$/m);
    assert.deepEqual([...exportedFiles(path.join(dir, 'k8s')).keys()], ['api.yaml', 'db.yaml', 'kustomization.yaml']);
  });

  it('never overwrites without --force: nothing is written, exit 2; --force rewrites', () => {
    const dir = tempTree({ 'fleet.workload.yaml': CLEAN });
    assert.equal(cli(['export', 'k8s', '.', '--out', 'k8s'], { cwd: dir }).code, 0);
    const out = path.join(dir, 'k8s');
    fs.writeFileSync(path.join(out, 'api.yaml'), 'edited by hand\n');
    fs.rmSync(path.join(out, 'db.yaml'));
    const again = cli(['export', 'k8s', '.', '--out', 'k8s'], { cwd: dir });
    assert.equal(again.code, 2);
    assert.equal(again.stdout, '');
    assert.match(again.stderr, /Nothing written: 2 file\(s\) in the way \(use --force to overwrite\)/);
    assert.match(again.stderr, /k8s\/api\.yaml: exists/);
    assert.match(again.stderr, /k8s\/kustomization\.yaml: exists/);
    // Refused as a whole: the missing file was not written either.
    assert.equal(fs.readFileSync(path.join(out, 'api.yaml'), 'utf8'), 'edited by hand\n');
    assert.ok(!fs.existsSync(path.join(out, 'db.yaml')));

    const forced = cli(['export', 'k8s', '.', '--out', 'k8s', '--force'], { cwd: dir });
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(fs.readFileSync(path.join(out, 'api.yaml'), 'utf8'), /kind: Deployment/);
    assert.ok(fs.existsSync(path.join(out, 'db.yaml')));
  });

  it('never writes through a symbolic link, even with --force', () => {
    const dir = tempTree({ 'fleet.workload.yaml': CLEAN, 'k8s/.keep': '', 'victim.txt': 'keep me\n' });
    fs.symlinkSync(path.join(dir, 'victim.txt'), path.join(dir, 'k8s', 'api.yaml'));
    const run = cli(['export', 'k8s', '.', '--out', 'k8s', '--force'], { cwd: dir });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /api\.yaml: a symbolic link \(never written through\)/);
    assert.equal(fs.readFileSync(path.join(dir, 'victim.txt'), 'utf8'), 'keep me\n');
  });

  it('hostile names: sanitized object and file names, escaped output, YAML that parses to the same objects', () => {
    const names = ['../../escape', 'evil\\u001b[31mred', 'bidi\\u202eexe.yaml', 'line\\nkind: Secret', 'UPPER_case'];
    const workloads = names.map((n) => `  - { name: "${n}", os: linux, architecture: microservice, resources: { cpu: 1, memory: 1Gi }, deploy: container }`).join('\n');
    const dir = tempTree({ 'h.workload.yaml': `version: 1\nworkloads:\n${workloads}\n` });
    const run = cli(['export', 'k8s', '.', '--out', 'out'], { cwd: dir });
    assert.ok(run.code === 0 || run.code === 1, run.stderr);
    assert.ok(!RAW_CONTROLS.test(run.stdout), 'raw control characters on stdout');
    assert.ok(!RAW_CONTROLS.test(run.stderr), 'raw control characters on stderr');
    assert.match(run.stdout, /evil\\u001b\[31mred/);
    // Only the out folder got files, each a DNS-1123 label plus .yaml.
    assert.deepEqual(fs.readdirSync(dir).sort(), ['h.workload.yaml', 'out']);
    const files = exportedFiles(path.join(dir, 'out'));
    assert.equal(files.size, names.length + 1);
    for (const [f, text] of files) {
      if (f === 'kustomization.yaml') continue;
      assert.ok(isDnsLabel(f.replace(/\.yaml$/, '')), f);
      const objects = objectsIn(text);
      assert.deepEqual(objects.map((o) => o.kind), ['Deployment'], f);
      validateObject(objects[0], f);
    }
    assert.match(run.stdout, /note: 'line\\u000akind: Secret' is not a valid Kubernetes name \(a DNS-1123 label\): its objects are named 'line-kind-secret'/);
  });

  it('usage and input errors exit 2 with an empty stdout', () => {
    const dir = tempTree({ 'fleet.workload.yaml': CLEAN, 'afile.txt': 'x' });
    const cases: [string[], RegExp][] = [
      [['export'], /export needs a target/],
      [['export', 'helm', '.', '--out', 'o'], /Unknown export target 'helm'/],
      [['export', 'k8s', '.'], /needs --out/],
      [['export', 'k8s', '.', '--out', 'o', '--format', 'xml'], /--format must be text or json/],
      [['export', 'k8s', '.', '--out', 'o', '--bogus'], /Unknown option '--bogus'/],
      [['export', 'k8s', '.', '--out', 'missing/parent/o'], /Cannot create the folder missing\/parent\/o/],
      [['export', 'k8s', '.', '--out', 'afile.txt'], /--out afile\.txt is not a folder/],
      [['export', 'k8s', 'nowhere', '--out', 'o'], /nowhere/],
    ];
    for (const [args, message] of cases) {
      const r = cli(args, { cwd: dir });
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '', args.join(' '));
      assert.match(r.stderr, message, args.join(' '));
    }
    assert.ok(!fs.existsSync(path.join(dir, 'o')));
  });

  it('every descriptor ignored by the configuration: a note, exit 0, nothing written', () => {
    const dir = tempTree({ 'fleet.workload.yaml': CLEAN, '.workload-placement.json': '{ "ignore": ["*.workload.yaml"] }' });
    const run = cli(['export', 'k8s', '.', '--out', 'k8s'], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /every descriptor found is ignored by the configuration \(1\); nothing exported/);
    assert.ok(!fs.existsSync(path.join(dir, 'k8s')));
  });

  it('--help describes the command; the main help lists it', () => {
    const help = cli(['export', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: workload-placement export k8s/);
    assert.match(cli(['--help']).stdout, /export k8s \[paths\.\.\.\] --out <folder>/);
  });

  it('the examples folder exports from the repository root with relative sources', () => {
    const out = path.join(tempTree({}), 'all');
    const run = cli(['export', 'k8s', 'examples', '--out', out, '--format', 'json'], { cwd: ROOT });
    const summary = JSON.parse(run.stdout) as ExportSummary;
    for (const e of summary.exported) assert.match(e.source, /^examples\/[\w-]+\/[\w-]+\.workload\.yaml:\d+$/);
  });
});
