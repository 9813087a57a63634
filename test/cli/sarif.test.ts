// `--format sarif` is valid against the SARIF 2.1.0 JSON schema (the copy shipped in
// @microsoft/jest-sarif, a draft-04 schema) and carries the catalogue, regions and fixes.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import type * as Sarif from 'sarif';
import { RULES } from '../../server/src/core/rules';
import { cli, exampleFolders, fixture, json, ROOT, tempTree } from './helpers';

const SCHEMA_PATH = path.join(ROOT, 'node_modules', '@microsoft', 'jest-sarif', 'lib', 'schemas', 'sarif-2.1.0-rtm.5.json');

function validator() {
  const schema = JSON.parse(fs.readFileSync(SCHEMA_PATH, 'utf8')) as object;
  // The schema's `language` pattern has a stray `]` that only non-unicode regexps accept.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

function sarif(args: string[], cwd: string): { code: number | null; log: Sarif.Log } {
  const r = cli([...args, '--format', 'sarif'], { cwd });
  return { code: r.code, log: JSON.parse(r.stdout) as Sarif.Log };
}

describe('check --format sarif', () => {
  const validate = validator();

  it('the validator rejects what is not SARIF', () => {
    assert.equal(validate({ version: '2.1.0', runs: [{ tool: {} }] }), false);
    assert.equal(validate({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: { text: 'm' }, level: 'loud' }] }] }), false);
  });

  const targets: { name: string; cwd: () => string; args: string[] }[] = [
    {
      name: 'the fixtures',
      cwd: () => tempTree({ 'hosts.workload.yaml': fixture('hosts.workload.yaml'), 'mistakes.workload.yaml': fixture('mistakes.workload.yaml'), 'dir with space/w.workload.yaml': fixture('warnings.workload.yaml'), 'unsafe.workload.yaml': fixture('unsafe.workload.yaml') }),
      args: ['check', '.'],
    },
    { name: 'a clean fleet', cwd: () => tempTree({ 'c.workload.yaml': fixture('clean.workload.yaml') }), args: ['check', '.'] },
    ...exampleFolders().map((f) => ({ name: `examples/${path.basename(f)}`, cwd: () => ROOT, args: ['check', path.relative(ROOT, f)] })),
  ];
  for (const t of targets) {
    it(`is schema-valid for ${t.name}`, () => {
      const cwd = t.cwd();
      const { log } = sarif(t.args, cwd);
      const ok = validate(log);
      assert.ok(ok, JSON.stringify(validate.errors?.slice(0, 5), null, 2));
      const { report } = json(t.args, { cwd });
      assert.equal(log.runs[0].results?.length, report.diagnostics.length);
    });
  }

  it('describes every rule and locates every result', () => {
    const cwd = tempTree({ 'hosts.workload.yaml': fixture('hosts.workload.yaml'), 'mistakes.workload.yaml': fixture('mistakes.workload.yaml'), 'dir with space/w.workload.yaml': fixture('warnings.workload.yaml') });
    const { code, log } = sarif(['check', '.'], cwd);
    assert.equal(code, 1, 'the exit code does not depend on the format');
    const run = log.runs[0];
    const driver = run.tool.driver;
    assert.equal(driver.name, 'workload-placement');
    assert.deepEqual(driver.rules?.map((r) => r.id), RULES.map((r) => r.id));
    for (const [i, rule] of RULES.entries()) {
      const d: Sarif.ReportingDescriptor = driver.rules![i];
      assert.equal(d.shortDescription?.text, rule.summary);
      assert.ok(d.fullDescription?.text.includes(rule.why));
      assert.ok(d.help?.text.includes(rule.fix) && d.help?.markdown?.includes(rule.example));
      // SARIF wants an absolute URI a code-scanning service can open: none exists, so none
      // is given (the help text is the rule's whole documentation).
      assert.equal(d.helpUri, undefined);
      assert.doesNotMatch(JSON.stringify(d), /github\.com/);
      const expected = rule.defaultSeverity === 'error' ? 'error' : rule.defaultSeverity === 'warning' ? 'warning' : rule.defaultSeverity === 'off' ? 'none' : 'note';
      assert.equal(d.defaultConfiguration?.level, expected);
    }
    const { report } = json(['check', '.'], { cwd });
    run.results!.forEach((r, i) => {
      const d = report.diagnostics[i];
      assert.equal(r.ruleId, d.rule);
      assert.equal(driver.rules![r.ruleIndex!].id, d.rule);
      assert.equal(r.level, d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warning' : 'note');
      assert.equal(r.message.text, d.message);
      const loc = r.locations![0].physicalLocation!;
      assert.equal(decodeURIComponent(loc.artifactLocation!.uri!), d.file);
      assert.equal(loc.artifactLocation!.uriBaseId, '%SRCROOT%');
      assert.deepEqual(loc.region, { startLine: d.range.start.line, startColumn: d.range.start.column, endLine: d.range.end.line, endColumn: d.range.end.column });
      assert.equal(r.fixes?.length ?? 0, d.fixes.length);
    });
    assert.ok(run.results!.some((r) => r.locations![0].physicalLocation!.artifactLocation!.uri === 'dir%20with%20space/w.workload.yaml'));
    const fix = run.results!.find((r) => r.ruleId === 'unknown-host')!.fixes![0];
    assert.equal(fix.artifactChanges[0].replacements[0].insertedContent?.text, 'k8s-01');
  });
});
