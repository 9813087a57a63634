// Untrusted text never reaches the terminal raw: file names, configuration keys, rule
// ids and host names from a repository are printed with their control characters
// (C0, C1, ESC, bidi controls) escaped, on stderr and stdout, in every format.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { cli, tempTree } from './helpers';

// ESC, BEL, the 8-bit CSI, and a right-to-left override.
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const EVIL = '\u001b]0;pwned\u0007\u001b[2J\u009b31m\u202e';

const HOSTS = `version: 1
hosts:
  - name: "esx\\e[31m\\u202e"
    role: hypervisor
    hypervisor: kvm
    cpu: 16
    memory: 64Gi
  - name: esx-02
    role: hypervisor
    hypervisor: kvm
    cpu: 16
    memory: 64Gi
workloads:
  - name: "app\\u009b2J"
    kind: service
    deploy: vm
    cpu: 1
    memory: 1Gi
`;

function assertClean(text: string, where: string): void {
  const m = RAW.exec(text);
  assert.equal(m, null, `${where} has a raw U+${m?.[0].charCodeAt(0).toString(16).padStart(4, '0')}: ${JSON.stringify(text.slice(0, 400))}`);
}

describe('terminal escapes in untrusted text', { skip: process.platform === 'win32' }, () => {
  it('a file name in an input error (stderr)', () => {
    const dir = tempTree({ 'ok.workload.yaml': HOSTS });
    fs.writeFileSync(path.join(dir, `bin${EVIL}.workload.yaml`), Buffer.from([0, 1, 2, 0]));
    const r = cli(['check', '.'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /binary file/);
    assertClean(r.stderr, 'stderr');
  });

  it('a path named on the command line that does not exist (stderr)', () => {
    const dir = tempTree({ 'ok.workload.yaml': HOSTS });
    const r = cli(['check', `missing${EVIL}`], { cwd: dir });
    assert.equal(r.code, 2);
    assertClean(r.stderr, 'stderr');
  });

  it('configuration keys and rule ids in "Invalid configuration", and the file name (stderr)', () => {
    const dir = tempTree({ [`cfg${EVIL}/ok.workload.yaml`]: HOSTS });
    fs.writeFileSync(path.join(dir, `cfg${EVIL}`, '.workload-placement.json'), JSON.stringify({ [EVIL]: 1, rules: { [EVIL]: 'error' }, placement: { [EVIL]: 1 } }));
    const r = cli(['check', `cfg${EVIL}`], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Invalid configuration/);
    assert.match(r.stderr, /Unknown rule id/);
    assertClean(r.stderr, 'stderr');
  });

  it('the host name in the layout --fail header (stdout)', () => {
    const dir = tempTree({ 'ok.workload.yaml': HOSTS });
    const r = cli(['layout', '.', '--fail', 'esx\u001b[31m\u202e'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Simulated failure of esx/);
    assertClean(r.stdout, 'stdout');
  });

  it('JSON output escapes C1 and bidi controls but parses to the same names', () => {
    const dir = tempTree({ 'ok.workload.yaml': HOSTS });
    const r = cli(['check', '.', '--format', 'json'], { cwd: dir });
    assertClean(r.stdout, 'stdout');
    const report = JSON.parse(r.stdout) as { workloads: { name: string }[] };
    assert.deepEqual(report.workloads.map((w) => w.name), ['app\u009b2J']);
    const l = cli(['layout', '.', '--format', 'json'], { cwd: dir });
    assertClean(l.stdout, 'layout stdout');
    assert.ok((JSON.parse(l.stdout) as { layout: { hosts: { name: string }[] } }).layout.hosts.some((h) => h.name === 'esx\u001b[31m\u202e'));
  });

  it('layout --out with a missing folder: an error saying so, exit 2, nothing created', () => {
    const dir = tempTree({ 'ok.workload.yaml': HOSTS });
    const r = cli(['layout', '.', '--out', `no-such${EVIL}/deeper/x.svg`], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /does not exist/);
    assertClean(r.stderr, 'stderr');
    assert.ok(!fs.readdirSync(dir).some((n) => n.startsWith('no-such')));
  });
});

describe('terminal escapes in arguments echoed back', () => {
  it('an unknown command or option, and a bad --format, are escaped, line breaks included', () => {
    for (const args of [[`chk\n\u001b[2J`], ['check', `--bogus\u001b[2J`], ['check', '--format', `x\n\u009b2J`], ['rules', '--format', '\u202e']]) {
      const r = cli(args);
      assert.equal(r.code, 2);
      assertClean(r.stderr, 'stderr');
      assert.equal(r.stderr.split('\n').length, 3, JSON.stringify(r.stderr));
    }
  });
});
