// `.workload-placement.json` parsing and `ignore` glob matching (core/configFile.ts).
import assert from 'node:assert/strict';
import Ajv from 'ajv';
import { describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultConfig, normalizeConfig } from '../../server/src/core/config';
import { globProblem, isIgnored, parseConfigFile } from '../../server/src/core/configFile';
import { configFileJsonSchema, settingsProperties } from '../../server/src/core/configSchema';
import { fromSettings } from '../../server/src/settings';

describe('parseConfigFile', () => {
  it('reads severities, off, ignore and placement options', () => {
    const { config, problems } = parseConfigFile(
      JSON.stringify({
        rules: { 'unknown-key': 'error', 'elastic-vm': 'off', 'stateful-without-volumes': 'info' },
        ignore: ['legacy/**'],
        placement: { vmOverhead: { cpu: '250m', memory: '1Gi' }, checkHostFailure: true },
      }),
    );
    assert.deepEqual(problems, []);
    assert.equal(config.rules['unknown-key'], 'error');
    assert.equal(config.rules['elastic-vm'], 'off');
    assert.equal(config.rules['stateful-without-volumes'], 'information');
    assert.deepEqual(config.ignore, ['legacy/**']);
    assert.equal(config.placement.vmOverhead.cpu, 0.25);
    assert.equal(config.placement.vmOverhead.memory, 2 ** 30);
    assert.equal(config.placement.checkHostFailure, true);
  });

  const bad: { name: string; text: string; mentions: string }[] = [
    { name: 'invalid JSON', text: '{ "rules": ', mentions: 'Not valid JSON' },
    { name: 'empty file', text: '  \n', mentions: 'empty' },
    { name: 'not an object', text: '[1, 2]', mentions: 'must be an object' },
    { name: 'unknown top-level key', text: '{ "rulez": {} }', mentions: "'rulez'" },
    { name: 'unknown rule id', text: '{ "rules": { "no-such-rule": "error" } }', mentions: "'no-such-rule'" },
    { name: 'bad severity', text: '{ "rules": { "unknown-key": "loud" } }', mentions: '`rules.unknown-key` must be one of error, warning, information, hint, off (got "loud")' },
    { name: 'ignore not a list', text: '{ "ignore": "legacy" }', mentions: '`ignore` must be a list' },
    { name: 'negated ignore pattern', text: '{ "ignore": ["!keep.workload.yaml"] }', mentions: 'negated' },
    { name: 'unknown placement key', text: '{ "placement": { "vmOverheads": {} } }', mentions: "'vmOverheads'" },
  ];
  for (const c of bad) {
    it(`reports ${c.name}`, () => {
      const { problems } = parseConfigFile(c.text);
      assert.ok(problems.some((p) => p.includes(c.mentions)), `${JSON.stringify(problems)} should mention ${c.mentions}`);
    });
  }

  it('accepts a byte-order mark', () => {
    assert.deepEqual(parseConfigFile('\ufeff{}').problems, []);
  });
});

describe('ignore globs', () => {
  const cases: { pattern: string; path: string; ignored: boolean }[] = [
    { pattern: 'legacy/**', path: 'legacy/a.workload.yaml', ignored: true },
    { pattern: 'legacy/**', path: 'legacy/deep/a.workload.yaml', ignored: true },
    { pattern: 'legacy/**', path: 'src/legacy/a.workload.yaml', ignored: false },
    { pattern: 'legacy', path: 'src/legacy/a.workload.yaml', ignored: true },
    { pattern: 'legacy/', path: 'legacy/a.workload.yaml', ignored: true },
    { pattern: '/legacy', path: 'src/legacy/a.workload.yaml', ignored: false },
    { pattern: '*.draft.workload.yaml', path: 'x/y/z.draft.workload.yaml', ignored: true },
    { pattern: '*.draft.workload.yaml', path: 'x/y/z.workload.yaml', ignored: false },
    { pattern: '**/tmp/*.workload.yml', path: 'a/b/tmp/c.workload.yml', ignored: true },
    { pattern: '**/tmp/*.workload.yml', path: 'tmp/c.workload.yml', ignored: true },
    { pattern: 'env-?.workload.yaml', path: 'env-a.workload.yaml', ignored: true },
    { pattern: 'env-?.workload.yaml', path: 'env-ab.workload.yaml', ignored: false },
    { pattern: 'env-[ab].workload.yaml', path: 'env-b.workload.yaml', ignored: true },
    { pattern: 'env-[!ab].workload.yaml', path: 'env-b.workload.yaml', ignored: false },
    { pattern: '{lab,test}/**', path: 'test/x.workload.yaml', ignored: true },
    { pattern: '{lab,test}/**', path: 'prod/x.workload.yaml', ignored: false },
    { pattern: 'a.b.workload.yaml', path: 'aXb.workload.yaml', ignored: false },
    { pattern: 'legacy/**', path: '../legacy/a.workload.yaml', ignored: false },
    { pattern: './sandbox/*', path: 'sandbox/x.workload.yaml', ignored: true },
    { pattern: 'sandbox/*', path: 'sandbox/deeper/x.workload.yaml', ignored: true },
  ];
  for (const c of cases) {
    it(`${c.pattern} ${c.ignored ? 'ignores' : 'keeps'} ${c.path}`, () => {
      assert.equal(isIgnored(c.path, [c.pattern]), c.ignored);
    });
  }

  it('rejects unusable patterns with a reason', () => {
    assert.match(globProblem('') ?? '', /empty/);
    assert.match(globProblem('!x') ?? '', /negated/);
    assert.equal(globProblem('a/**/b'), undefined);
  });
});

describe('ignore globs on hostile patterns', () => {
  it('a pattern of many stars cannot make matching slow (no backtracking regex)', () => {
    // With a backtracking regular expression each extra `*a` cost 8–10×; picomatch too
    // (10 of them: minutes). The matcher must stay polynomial in pattern × path.
    const pattern = `${'*a'.repeat(40)}*b`;
    assert.equal(globProblem(pattern), undefined);
    const path = `${'a/'.repeat(50)}${'a'.repeat(2000)}`;
    const t0 = performance.now();
    assert.equal(isIgnored(path, [pattern, `**/${pattern}`, `{x,${pattern}}/**`]), false);
    assert.ok(performance.now() - t0 < 1000, `took ${Math.round(performance.now() - t0)} ms`);
  });

  it('a pattern over the length limit is a configuration error naming it', () => {
    const long = `${'*a'.repeat(300)}*b`;
    const { problems, config } = parseConfigFile(JSON.stringify({ ignore: ['ok/**', long] }));
    assert.equal(problems.length, 1, JSON.stringify(problems));
    assert.match(problems[0], /ignore/i);
    assert.match(problems[0], /\*a\*a/);
    assert.match(problems[0], /too long/);
    assert.ok(!config.ignore.includes(long));
  });

  it('too many brace alternatives are refused', () => {
    assert.match(globProblem('{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}{o,p}{q,r}') ?? '', /alternatives/);
  });

  it('dot files, classes, ranges and nested braces', () => {
    assert.equal(isIgnored('.hidden/a.workload.yaml', ['*']), true);
    assert.equal(isIgnored('env-c.workload.yaml', ['env-[a-c].workload.yaml']), true);
    assert.equal(isIgnored('env-d.workload.yaml', ['env-[a-c].workload.yaml']), false);
    assert.equal(isIgnored('env-d.workload.yaml', ['env-[^a-c].workload.yaml']), true);
    assert.equal(isIgnored('x/lab2/a.workload.yaml', ['x/{lab{1,2},test}/*']), true);
    assert.equal(isIgnored('x/lab3/a.workload.yaml', ['x/{lab{1,2},test}/*']), false);
    assert.equal(isIgnored('a/b/c/d.workload.yaml', ['a/**/d.workload.yaml']), true);
    assert.equal(isIgnored('a/d.workload.yaml', ['a/**/d.workload.yaml']), true);
    assert.equal(isIgnored('[x].workload.yaml', ['[x']), false);
    assert.equal(isIgnored('[x', ['[x']), true);
  });
});

describe('configuration values are checked strictly, against the settings definition', () => {
  const wrong: [string, unknown, string][] = [
    ['a boolean as cores', { placement: { vmOverhead: { cpu: true } } }, '`placement.vmOverhead.cpu` must be a number or a string (got true)'],
    ['an empty string as cores', { placement: { vmOverhead: { cpu: '' } } }, '`placement.vmOverhead.cpu` "" is not a number of cores'],
    ['a list as cores', { placement: { containerOverhead: { cpu: [2] } } }, '`placement.containerOverhead.cpu` must be a number or a string (got [2])'],
    ['negative cores', { placement: { vmOverhead: { cpu: -1 } } }, '`placement.vmOverhead.cpu` must be 0 or more'],
    ['a boolean as memory', { placement: { vmOverhead: { memory: false } } }, '`placement.vmOverhead.memory` must be a number or a string'],
    ['a size that is not one', { placement: { vmOverhead: { memory: 'lots' } } }, '`placement.vmOverhead.memory`: \'lots\' is not a size'],
    ['an over-commit of 0', { placement: { overcommit: { hypervisor: { cpu: 0 } } } }, '`placement.overcommit.hypervisor.cpu` must be at least 0.1 (got 0)'],
    ['an over-commit as a string', { placement: { overcommit: { containerHost: { memory: '2' } } } }, '`placement.overcommit.containerHost.memory` must be a number (got "2")'],
    ['checkHostFailure as a string', { placement: { checkHostFailure: 'yes' } }, '`placement.checkHostFailure` must be true or false'],
    ['a number in ignore', { ignore: ['a/**', 3] }, '`ignore[1]` must be a string (got 3)'],
    ['an unknown key in a pair', { placement: { vmOverhead: { disk: 1 } } }, "Unknown key 'disk' in `placement.vmOverhead`"],
    ['an unknown placement key', { placement: { spread: true } }, "Unknown key 'spread' in `placement`"],
  ];
  for (const [name, raw, message] of wrong) {
    it(`refuses ${name}, naming the key and what was expected, and keeps the default`, () => {
      const { config, problems } = parseConfigFile(JSON.stringify(raw));
      assert.ok(problems.some((p) => p.includes(message)), `${JSON.stringify(problems)} should include ${message}`);
      assert.deepEqual(config.placement, defaultConfig().placement);
    });
  }

  it('what is valid next to a mistake still applies', () => {
    const { config, problems } = parseConfigFile(JSON.stringify({ rules: { 'unknown-key': 'error', 'elastic-vm': 7 }, placement: { vmOverhead: { cpu: true, memory: '1Gi' } } }));
    assert.equal(problems.length, 2, JSON.stringify(problems));
    assert.equal(config.rules['unknown-key'], 'error');
    assert.equal(config.rules['elastic-vm'], undefined);
    assert.equal(config.placement.vmOverhead.memory, 2 ** 30);
    assert.equal(config.placement.vmOverhead.cpu, defaultConfig().placement.vmOverhead.cpu);
  });

  it('settings go through the same definition', () => {
    const { problems } = normalizeConfig(fromSettings({ placement: { vmOverhead: { cpu: true, memory: null }, overcommit: { hypervisor: { cpu: 0 } } }, ignore: ['x'.repeat(600)] }).raw);
    assert.equal(problems.length, 3, JSON.stringify(problems));
  });

  it('package.json declares the settings from the same definition', () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { contributes: { configuration: { properties: unknown } } };
    assert.deepEqual(pkg.contributes.configuration.properties, JSON.parse(JSON.stringify(settingsProperties())));
  });
});

describe('the generated JSON Schema of .workload-placement.json', () => {
  it('accepts and refuses what the server and the CLI accept and refuse', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    const valid = ajv.compile(configFileJsonSchema());
    const samples: unknown[] = [
      {},
      { $schema: './schema/workload-placement.schema.json' },
      { rules: { 'unknown-key': 'error', 'elastic-vm': 'off', 'stateful-without-volumes': 'info' } },
      { rules: { 'unknown-key': 'loud' } },
      { rules: { 'no-such-rule': 'off' } },
      { ignore: ['legacy/**'] },
      { ignore: 'legacy' },
      { ignore: ['x'.repeat(513)] },
      { placement: { vmOverhead: { cpu: '250m', memory: 2 ** 30 } } },
      { placement: { vmOverhead: { cpu: true } } },
      { placement: { vmOverhead: { cpu: '' } } },
      { placement: { vmOverhead: { cpu: [2] } } },
      { placement: { containerOverhead: { cpu: -1 } } },
      { placement: { overcommit: { hypervisor: { cpu: 0 } } } },
      { placement: { overcommit: { hypervisor: { cpu: 2, memory: 1 } } } },
      { placement: { overcommit: { containerHost: { memory: '2' } } } },
      { placement: { checkHostFailure: 'yes' } },
      { placement: { checkHostFailure: true, vmOverhead: null } },
      { placement: { spread: 1 } },
      { severity: {} },
      [1, 2],
    ];
    for (const s of samples) {
      const ours = parseConfigFile(JSON.stringify(s)).problems;
      assert.equal(valid(s), ours.length === 0, `${JSON.stringify(s)}: ours ${JSON.stringify(ours)}, schema ${JSON.stringify(valid.errors)}`);
    }
  });

  it('is the committed schema/workload-placement.schema.json', () => {
    const committed = readFileSync(join(__dirname, '..', '..', '..', 'schema', 'workload-placement.schema.json'), 'utf8');
    assert.equal(committed, `${JSON.stringify(configFileJsonSchema(), null, 2)}\n`);
  });
});
