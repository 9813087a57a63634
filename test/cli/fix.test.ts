// `check --fix`: safe fixes applied in place as minimal edits, comments and layout kept,
// the fixed diagnostics gone, unsafe fixes left alone, and a second run changes nothing.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { cli, exampleFolders, fixture, json, rules, tempTree } from './helpers';

function comments(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.match(/#.*$/)?.[0])
    .filter((c): c is string => Boolean(c));
}

describe('check --fix', () => {
  it('fixes every safe fix, keeps comments, and is idempotent', () => {
    const original = fixture('mistakes.workload.yaml');
    const dir = tempTree({ 'hosts.workload.yaml': fixture('hosts.workload.yaml'), 'mistakes.workload.yaml': original, 'unsafe.workload.yaml': fixture('unsafe.workload.yaml') });
    const before = json(['check', '.'], { cwd: dir }).report;
    assert.deepEqual(rules(before, 'mistakes.workload.yaml'), ['unknown-key', 'invalid-value', 'unknown-host', 'strict-isolation-container']);

    const { run, report } = json(['check', '.', '--fix'], { cwd: dir });
    const fixed = fs.readFileSync(path.join(dir, 'mistakes.workload.yaml'), 'utf8');
    // Switching a declared deployment is a judgement call: offered, never applied by --fix.
    assert.deepEqual(rules(report, 'mistakes.workload.yaml'), ['strict-isolation-container'], `still reported: ${JSON.stringify(report.diagnostics)}`);
    assert.deepEqual(comments(fixed), comments(original), 'every comment kept, in order');
    assert.equal(fixed.split('\n').length, original.split('\n').length, 'no line added or removed');
    assert.match(fixed, /^ {4}replicas: 3 {12}# should be replicas$/m);
    assert.match(fixed, /^ {4}deploy: container {6}# keep this comment$/m);
    assert.match(fixed, /^ {4}host: k8s-01$/m);
    assert.doesNotMatch(fixed, /container-in-vm/);
    assert.equal(report.fixed?.fixes, 3);
    assert.deepEqual(report.fixed?.files, ['mistakes.workload.yaml']);

    // The unsafe fix (a placeholder `os`) is offered but not applied.
    assert.equal(fs.readFileSync(path.join(dir, 'unsafe.workload.yaml'), 'utf8'), fixture('unsafe.workload.yaml'));
    assert.deepEqual(rules(report, 'unsafe.workload.yaml'), ['missing-field']);
    assert.equal(run.code, 1, 'the unsafe error remains');

    // A second run finds nothing to fix and leaves the bytes alone.
    const again = json(['check', '.', '--fix'], { cwd: dir });
    assert.equal(again.report.fixed?.fixes, 0);
    assert.equal(fs.readFileSync(path.join(dir, 'mistakes.workload.yaml'), 'utf8'), fixed);
  });

  it('iterates when one fix uncovers another, and keeps CRLF and a byte-order mark', () => {
    // Fixing the misspelt `deploy` uncovers that a container cannot have a custom kernel,
    // whose fix (the recommendation, since the declared one cannot run) comes next round.
    const text = '\ufeff# db\r\nversion: 1\r\nworkloads:\r\n  - name: db   # the database\r\n    os: linux\r\n    kernel: custom\r\n    architecture: monolith\r\n    deploy: contianer\r\n';
    const dir = tempTree({ 'hosts.workload.yaml': fixture('hosts.workload.yaml'), 'db.workload.yaml': text });
    const { report } = json(['check', '.', '--fix'], { cwd: dir });
    const out = fs.readFileSync(path.join(dir, 'db.workload.yaml'), 'utf8');
    assert.ok(out.startsWith('\ufeff# db\r\n'), 'BOM and first comment kept');
    assert.doesNotMatch(out.replace(/\r\n/g, ''), /\n/, 'only CRLF line breaks');
    assert.match(out, /name: db {3}# the database/);
    assert.match(out, /deploy: vm\r\n/);
    assert.deepEqual(rules(report), []);
    assert.ok((report.fixed?.rounds ?? 0) >= 2, `rounds: ${report.fixed?.rounds}`);
  });

  it('prints what it fixed in the text report', () => {
    const dir = tempTree({ 'hosts.workload.yaml': fixture('hosts.workload.yaml'), 'm.workload.yaml': fixture('mistakes.workload.yaml') });
    const r = cli(['check', '.', '--fix'], { cwd: dir });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Fixed 3 problems in 1 file: m\.workload\.yaml\./);
  });

  it('does not apply fixes of rules turned off, nor in ignored files', () => {
    const dir = tempTree({
      '.workload-placement.json': JSON.stringify({ rules: { 'unknown-key': 'off' }, ignore: ['skip/**'] }),
      'hosts.workload.yaml': fixture('hosts.workload.yaml'),
      'm.workload.yaml': fixture('mistakes.workload.yaml'),
      'skip/s.workload.yaml': fixture('mistakes.workload.yaml').replace(/name: (\w+)/g, 'name: s-$1'),
    });
    json(['check', '.', '--fix'], { cwd: dir });
    assert.match(fs.readFileSync(path.join(dir, 'm.workload.yaml'), 'utf8'), /replicaz: 3/);
    assert.equal(fs.readFileSync(path.join(dir, 'skip/s.workload.yaml'), 'utf8'), fixture('mistakes.workload.yaml').replace(/name: (\w+)/g, 'name: s-$1'));
  });

  for (const folder of exampleFolders()) {
    it(`on a copy of examples/${path.basename(folder)}: comments kept, fixed rules gone, idempotent`, () => {
      const files: Record<string, string> = {};
      for (const f of fs.readdirSync(folder)) files[f] = fs.readFileSync(path.join(folder, f), 'utf8');
      const dir = tempTree(files);
      const before = json(['check', '.'], { cwd: dir }).report;
      const fixable = new Set(before.diagnostics.filter((d) => d.fixes.some((f) => f.safe)).map((d) => `${d.file}:${d.rule}:${d.message}`));
      const after = json(['check', '.', '--fix'], { cwd: dir }).report;
      for (const [name, text] of Object.entries(files)) {
        assert.deepEqual(comments(fs.readFileSync(path.join(dir, name), 'utf8')), comments(text), `comments of ${name}`);
      }
      for (const d of after.diagnostics) assert.ok(!fixable.has(`${d.file}:${d.rule}:${d.message}`), `still there after --fix: ${d.rule} ${d.message}`);
      assert.ok(after.diagnostics.every((d) => !d.fixes.some((f) => f.safe)), 'no safe fix left');
      const snapshot = Object.keys(files).map((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
      const again = json(['check', '.', '--fix'], { cwd: dir }).report;
      assert.equal(again.fixed?.fixes, 0);
      assert.deepEqual(
        Object.keys(files).map((f) => fs.readFileSync(path.join(dir, f), 'utf8')),
        snapshot,
      );
    });
  }
});
