// `.workload-placement.json` through the command line: severities, `off`, `ignore`,
// and which file is used (--config, then the nearest to the first input, then the cwd).
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { fixture, json, rules, tempTree } from './helpers';

const warnings = fixture('warnings.workload.yaml');

describe('check with a configuration file', () => {
  it('changes severities and turns rules off', () => {
    const dir = tempTree({
      '.workload-placement.json': JSON.stringify({ rules: { 'unknown-key': 'error', 'stateful-without-volumes': 'off' } }),
      'w.workload.yaml': warnings,
    });
    const { run, report } = json(['check', '.'], { cwd: dir });
    assert.deepEqual(
      report.diagnostics.map((d) => `${d.rule}:${d.severity}`),
      ['unknown-key:error'],
    );
    assert.equal(report.config, '.workload-placement.json');
    assert.equal(run.code, 1, 'a warning raised to error fails the run');
  });

  it('lowers an error so that the run passes', () => {
    const dir = tempTree({
      '.workload-placement.json': JSON.stringify({ rules: { 'invalid-value': 'info' } }),
      'x.workload.yaml': 'version: 1\nworkloads:\n  - name: x\n    os: linux\n    deploy: contianer\n',
    });
    const { run, report } = json(['check', '.'], { cwd: dir });
    assert.deepEqual(report.diagnostics.map((d) => `${d.rule}:${d.severity}`), ['invalid-value:information']);
    assert.equal(report.summary.infos, 1);
    assert.equal(run.code, 0);
  });

  it('skips ignored files and folders, found or named', () => {
    const dir = tempTree({
      '.workload-placement.json': JSON.stringify({ ignore: ['legacy/**', '*.draft.workload.yaml'] }),
      'ok.workload.yaml': fixture('clean.workload.yaml'),
      'legacy/old.workload.yaml': 'junk: [',
      'sub/new.draft.workload.yaml': 'junk: [',
    });
    const all = json(['check', '.'], { cwd: dir });
    assert.deepEqual(all.report.files, ['ok.workload.yaml']);
    assert.equal(all.run.code, 0);
    const named = json(['check', 'legacy/old.workload.yaml', 'ok.workload.yaml'], { cwd: dir });
    assert.deepEqual(named.report.files, ['ok.workload.yaml']);
    const onlyIgnored = json(['check', 'legacy'], { cwd: dir });
    assert.equal(onlyIgnored.run.code, 0, 'nothing left to check is not an error when the configuration ignored it');
    assert.deepEqual(onlyIgnored.report.files, []);
    assert.match(onlyIgnored.run.stderr, /ignored by the configuration/);
  });

  it('finds the file in a parent of the first input, before the working directory', () => {
    const dir = tempTree({
      'project/.workload-placement.json': JSON.stringify({ rules: { 'unknown-key': 'off' } }),
      'project/fleet/w.workload.yaml': warnings,
      'elsewhere/.workload-placement.json': JSON.stringify({ rules: { 'stateful-without-volumes': 'off' } }),
    });
    const fromElsewhere = json(['check', path.join(dir, 'project', 'fleet')], { cwd: path.join(dir, 'elsewhere') });
    assert.deepEqual(rules(fromElsewhere.report), ['stateful-without-volumes']);
    assert.equal(fromElsewhere.report.config, path.join(dir, 'project', '.workload-placement.json'));
  });

  it('falls back to the working directory, and --config wins over both', () => {
    const dir = tempTree({
      'cwd/.workload-placement.json': JSON.stringify({ rules: { 'unknown-key': 'off' } }),
      'other/x.json': JSON.stringify({ rules: { 'stateful-without-volumes': 'off' } }),
      'data/w.workload.yaml': warnings,
    });
    const cwd = path.join(dir, 'cwd');
    const viaCwd = json(['check', path.join(dir, 'data')], { cwd });
    assert.deepEqual(rules(viaCwd.report), ['stateful-without-volumes']);
    const viaFlag = json(['check', path.join(dir, 'data'), '--config', '../other/x.json'], { cwd });
    assert.deepEqual(rules(viaFlag.report), ['unknown-key']);
  });

  it('resolves ignore patterns against the configuration file’s folder', () => {
    const dir = tempTree({
      'repo/.workload-placement.json': JSON.stringify({ ignore: ['fleet/lab'] }),
      'repo/fleet/prod/p.workload.yaml': fixture('clean.workload.yaml'),
      'repo/fleet/lab/l.workload.yaml': 'junk: [',
    });
    const { report } = json(['check', '.'], { cwd: path.join(dir, 'repo', 'fleet') });
    assert.deepEqual(report.files, ['prod/p.workload.yaml']);
  });
});
