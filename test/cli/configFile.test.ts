// `.workload-placement.json` parsing and `ignore` glob matching (core/configFile.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { globProblem, isIgnored, parseConfigFile } from '../../server/src/core/configFile';

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
    { name: 'bad severity', text: '{ "rules": { "unknown-key": "loud" } }', mentions: 'severity must be' },
    { name: 'ignore not a list', text: '{ "ignore": "legacy" }', mentions: 'list of glob patterns' },
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
