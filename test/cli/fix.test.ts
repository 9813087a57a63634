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

describe('check --fix: issue #14', () => {
  const hosts = () => fixture('hosts.workload.yaml');

  it('fixes the anchored original, never the alias, and counts what it fixed', () => {
    const text = 'version: 1\nworkloads:\n  - &base {name: a, os: linux, deploy: contianer, replicaz: 2}\n  - *base\n';
    const dir = tempTree({ 'hosts.workload.yaml': hosts(), 'w.workload.yaml': text });
    const r = cli(['check', '.', '--fix'], { cwd: dir });
    const out = fs.readFileSync(path.join(dir, 'w.workload.yaml'), 'utf8');
    assert.equal(out, text.replace('contianer', 'container').replace('replicaz', 'replicas'));
    assert.match(r.stdout, /Fixed 2 problems in 1 file/);
  });

  it('adds `version: 1` below `---` and a directive, once', () => {
    const text = '%YAML 1.2\n---\nworkloads:\n  - name: a\n    os: linux\n';
    const dir = tempTree({ 'hosts.workload.yaml': hosts(), 'w.workload.yaml': text });
    json(['check', '.', '--fix'], { cwd: dir });
    const once = fs.readFileSync(path.join(dir, 'w.workload.yaml'), 'utf8');
    assert.equal(once, '%YAML 1.2\n---\nversion: 1\nworkloads:\n  - name: a\n    os: linux\n');
    const again = json(['check', '.', '--fix'], { cwd: dir });
    assert.equal(again.report.fixed?.fixes, 0);
    assert.equal(fs.readFileSync(path.join(dir, 'w.workload.yaml'), 'utf8'), once);
    assert.deepEqual(rules(again.report, 'w.workload.yaml'), []);
  });

  it('keeps the key after a block scalar', () => {
    const text = 'version: 1\nworkloads:\n  - name: a\n    deploy: >-\n      contianer\n    os: linux\n';
    const dir = tempTree({ 'hosts.workload.yaml': hosts(), 'w.workload.yaml': text });
    json(['check', '.', '--fix'], { cwd: dir });
    assert.equal(fs.readFileSync(path.join(dir, 'w.workload.yaml'), 'utf8'), text.replace('contianer', 'container'));
  });

  it('renames one of two keys guessing the same field and says why not the other', () => {
    const text = 'version: 1\nworkloads:\n  - name: a\n    os: linux\n    replicaz: 2\n    replicass: 3\n';
    const dir = tempTree({ 'hosts.workload.yaml': hosts(), 'w.workload.yaml': text });
    const before = cli(['check', '.'], { cwd: dir });
    const { run, report } = json(['check', '.', '--fix'], { cwd: dir });
    assert.equal(run.code, before.code, 'a passing file still passes');
    assert.ok(!rules(report).includes('duplicate-key'));
    assert.equal(report.fixed?.fixes, 1);
    const skipped = report.fixed?.skipped ?? [];
    assert.equal(skipped.length, 1, JSON.stringify(report.fixed));
    assert.equal(skipped[0].rule, 'unknown-key');
    assert.equal(skipped[0].line, 6);
    assert.match(skipped[0].reason, /duplicate-key/);
    // The text report says it too.
    fs.writeFileSync(path.join(dir, 'w.workload.yaml'), text);
    assert.match(cli(['check', '.', '--fix'], { cwd: dir }).stdout, /Skipped "Change to `replicas`" \(unknown-key\) at w\.workload\.yaml:6: the result would add duplicate-key/);
  });

  it('keeps CRLF when it adds `version: 1`', () => {
    const text = '# top\r\nworkloads:\r\n  - name: a\r\n    os: linux\r\n';
    const dir = tempTree({ 'hosts.workload.yaml': hosts(), 'w.workload.yaml': text });
    json(['check', '.', '--fix'], { cwd: dir });
    assert.equal(fs.readFileSync(path.join(dir, 'w.workload.yaml'), 'utf8'), '# top\r\nversion: 1\r\nworkloads:\r\n  - name: a\r\n    os: linux\r\n');
  });

  it('does not write through a symbolic link to a file outside the checked folder', (t) => {
    const outside = tempTree({ 'victim.workload.yaml': fixture('mistakes.workload.yaml') });
    const dir = tempTree({ 'hosts.workload.yaml': hosts(), 'inside.workload.yaml': fixture('mistakes.workload.yaml').replace(/name: (\w+)/g, 'name: in-$1') });
    try {
      fs.symlinkSync(path.join(outside, 'victim.workload.yaml'), path.join(dir, 'link.workload.yaml'));
    } catch {
      t.skip('symbolic links are not available here');
      return;
    }
    // The scanner does not follow a link out of the folder, so the file is not even read.
    const { report } = json(['check', '.', '--fix'], { cwd: dir });
    assert.equal(fs.readFileSync(path.join(outside, 'victim.workload.yaml'), 'utf8'), fixture('mistakes.workload.yaml'), 'the file outside is untouched');
    assert.deepEqual(report.fixed?.files, ['inside.workload.yaml']);
    // Named on the command line, it is checked, but a fix is not written through the link.
    const named = json(['check', '.', 'link.workload.yaml', '--fix'], { cwd: dir });
    assert.equal(fs.readFileSync(path.join(outside, 'victim.workload.yaml'), 'utf8'), fixture('mistakes.workload.yaml'), 'the file outside is untouched');
    assert.ok((named.report.fixed?.skipped ?? []).some((s) => s.file === 'link.workload.yaml' && /symbolic link/.test(s.reason)), JSON.stringify(named.report.fixed));
    // A link to a file inside the checked folder is fine.
    const dir2 = tempTree({ 'hosts.workload.yaml': hosts(), 'real/w.workload.yaml': fixture('mistakes.workload.yaml') });
    fs.symlinkSync(path.join(dir2, 'real', 'w.workload.yaml'), path.join(dir2, 'w-link.workload.yaml'));
    const r2 = json(['check', 'real', 'w-link.workload.yaml', '--fix'], { cwd: dir2 });
    assert.ok((r2.report.fixed?.fixes ?? 0) > 0, JSON.stringify(r2.report.fixed));
  });
});
