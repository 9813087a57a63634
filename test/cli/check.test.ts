// `workload-placement check` end to end: exit codes, the text and JSON shapes, colours,
// usage errors and hostile input, against fixtures and the shipped examples.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { RULES_BY_ID } from '../../server/src/core/rules';
import { CLI, cleanEnv, cli, EXAMPLES, exampleFolders, fixture, FIXTURES, json, ROOT, rules, tempTree } from './helpers';

const DIAG_LINE = /^(\S.*):(\d+):(\d+) (error|warning|info|hint) (.+) \[([a-z0-9-]+)\]$/;
const SUMMARY = /^(\d+) errors?, (\d+) warnings?, (\d+) infos?(?:, (\d+) hints?)? in (\d+) files?; (\d+) workloads?: (\d+) vm, (\d+) container, (\d+) container-in-vm/;

describe('check: exit codes', () => {
  const cases: { name: string; files: Record<string, string>; args?: string[]; code: number }[] = [
    { name: 'clean fleet → 0', files: { 'h.workload.yaml': fixture('hosts.workload.yaml'), 'c.workload.yaml': fixture('clean.workload.yaml') }, code: 0 },
    { name: 'errors → 1', files: { 'h.workload.yaml': fixture('hosts.workload.yaml'), 'm.workload.yaml': fixture('mistakes.workload.yaml') }, code: 1 },
    { name: 'only warnings → 0', files: { 'w.workload.yaml': fixture('warnings.workload.yaml') }, code: 0 },
    { name: 'warnings over --max-warnings 0 → 1', files: { 'w.workload.yaml': fixture('warnings.workload.yaml') }, args: ['--max-warnings', '0'], code: 1 },
    { name: 'warnings at --max-warnings 2 → 0', files: { 'w.workload.yaml': fixture('warnings.workload.yaml') }, args: ['--max-warnings', '2'], code: 0 },
    { name: 'warnings over --max-warnings 1 → 1', files: { 'w.workload.yaml': fixture('warnings.workload.yaml') }, args: ['--max-warnings', '1'], code: 1 },
    { name: '--max-warnings -1 means no limit → 0', files: { 'w.workload.yaml': fixture('warnings.workload.yaml') }, args: ['--max-warnings', '-1'], code: 0 },
    { name: 'YAML syntax error → 1', files: { 'x.workload.yaml': 'version: 1\nworkloads:\n  - name: [unclosed\n' }, code: 1 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const dir = tempTree(c.files);
      const r = cli(['check', '.', ...(c.args ?? [])], { cwd: dir });
      assert.equal(r.code, c.code, `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
      assert.doesNotMatch(r.stderr, /internal error|at .*\.js:\d+/);
    });
  }

  it('says why --max-warnings failed the run', () => {
    const dir = tempTree({ 'w.workload.yaml': fixture('warnings.workload.yaml') });
    const r = cli(['check', '.', '--max-warnings', '1'], { cwd: dir });
    assert.match(r.stderr, /2 warnings, more than --max-warnings 1/);
  });

  it('fails the shipped examples, which contain deliberate mistakes', { skip: exampleFolders().length ? false : 'no examples/' }, () => {
    const r = cli(['check', 'examples']);
    assert.equal(r.code, 1, r.stderr);
  });
});

describe('check: usage and unreadable input → 2 with a message', () => {
  const fifoDir = tempTree({});
  const fifo = path.join(fifoDir, 'pipe.workload.yaml');
  const hasFifo = spawnSync('mkfifo', [fifo]).status === 0;
  const cases: { name: string; args: string[]; files?: Record<string, string | Buffer>; stderr: RegExp; skip?: string | false }[] = [
    { name: 'no command', args: [], stderr: /No command given/ },
    { name: 'unknown command', args: ['lint'], stderr: /Unknown command 'lint'/ },
    { name: 'unknown option', args: ['check', '--bogus'], stderr: /Unknown option '--bogus'/ },
    { name: 'bad --format', args: ['check', '--format', 'xml'], stderr: /--format must be one of text, json, sarif/ },
    { name: 'bad --max-warnings', args: ['check', '--max-warnings', 'many'], stderr: /--max-warnings needs a whole number/ },
    { name: 'negative --max-warnings', args: ['check', '--max-warnings', '-5'], stderr: /--max-warnings must be 0 or more/ },
    { name: 'missing path', args: ['check', 'does-not-exist'], stderr: /does-not-exist: no such file or folder/ },
    { name: 'folder without descriptors', args: ['check', 'empty'], files: { 'empty/readme.txt': 'hi' }, stderr: /No descriptor files/ },
    { name: 'binary file', args: ['check', 'bin.workload.yaml'], files: { 'bin.workload.yaml': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3, 0, 0]) }, stderr: /bin\.workload\.yaml: a binary file/ },
    { name: 'not UTF-8', args: ['check', 'latin1.workload.yaml'], files: { 'latin1.workload.yaml': Buffer.from('version: 1\n# caf\xe9\n', 'latin1') }, stderr: /not valid UTF-8/ },
    { name: 'a device', args: ['check', '/dev/null'], stderr: /\/dev\/null: not a regular file/ },
    { name: 'a FIFO (must not hang)', args: ['check', fifo], stderr: /not a regular file/, skip: hasFifo ? false : 'mkfifo unavailable' },
    { name: '--config that does not exist', args: ['check', '.', '--config', 'nope.json'], files: { 'a.workload.yaml': 'version: 1\n' }, stderr: /Cannot read the configuration --config nope\.json: no such file/ },
    { name: 'unknown rule in config', args: ['check', '.'], files: { 'a.workload.yaml': 'version: 1\n', '.workload-placement.json': '{"rules":{"no-such-rule":"off"}}' }, stderr: /Unknown rule id 'no-such-rule'/ },
    { name: 'unknown key in config', args: ['check', '.'], files: { 'a.workload.yaml': 'version: 1\n', '.workload-placement.json': '{"severity":{}}' }, stderr: /Unknown configuration key 'severity'/ },
    { name: 'invalid JSON config', args: ['check', '.'], files: { 'a.workload.yaml': 'version: 1\n', '.workload-placement.json': '{"rules":' }, stderr: /Not valid JSON/ },
    { name: 'unknown rule for rules', args: ['rules', 'unknown-kee'], stderr: /Unknown rule 'unknown-kee'\. Did you mean 'unknown-key'\?/ },
  ];
  for (const c of cases) {
    it(c.name, { skip: c.skip ?? false }, () => {
      const dir = tempTree(c.files ?? {});
      const r = cli(c.args, { cwd: dir });
      assert.equal(r.code, 2, `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
      assert.match(r.stderr, c.stderr);
      assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
      assert.equal(r.stdout, '', 'nothing on stdout');
    });
  }

  it('layout runs the layout module when the build has it, and otherwise says it is not available', () => {
    const built = fs.existsSync(path.join(ROOT, 'server', 'src', 'cli', 'layout.ts'));
    const r = cli(['layout', '--help']);
    if (built) assert.doesNotMatch(r.stderr, /not available/);
    else {
      assert.equal(r.code, 2);
      assert.match(r.stderr, /the `layout` command is not available in this build/);
    }
  });

  it('prints help and the version', () => {
    const help = cli(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: workload-placement <command>/);
    const checkHelp = cli(['check', '--help']);
    assert.match(checkHelp.stdout, /--max-warnings <N>/);
    const version = cli(['--version']);
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    assert.equal(version.stdout.trim(), pkg.version);
  });
});

describe('check: text output', () => {
  const dir = tempTree({
    'hosts.workload.yaml': fixture('hosts.workload.yaml'),
    'mistakes.workload.yaml': fixture('mistakes.workload.yaml'),
    'warnings.workload.yaml': fixture('warnings.workload.yaml'),
  });

  it('has one line per diagnostic, the verdicts with factors, and a summary that match the JSON', () => {
    const text = cli(['check', '.'], { cwd: dir });
    const { report } = json(['check', '.', '--explain'], { cwd: dir });
    const lines = text.stdout.trimEnd().split('\n');
    const diagLines = lines.filter((l) => DIAG_LINE.test(l));
    assert.equal(diagLines.length, report.diagnostics.length);
    report.diagnostics.forEach((d, i) => {
      const m = DIAG_LINE.exec(diagLines[i])!;
      assert.equal(m[1], d.file);
      assert.equal(Number(m[2]), d.range.start.line);
      assert.equal(Number(m[3]), d.range.start.column);
      assert.equal(m[4], d.severity === 'information' ? 'info' : d.severity);
      assert.equal(m[5], d.message);
      assert.equal(m[6], d.rule);
    });
    for (const w of report.workloads) {
      const head = lines.findIndex((l) => l.startsWith(`  ${w.name} (line ${w.range.start.line}): ${w.verdict}`));
      assert.ok(head >= 0, `verdict line for ${w.name}`);
      for (const f of w.factors!) assert.ok(lines.some((l) => l.includes(f.reason) && l.trimStart().startsWith(f.field)), `factor ${f.id} of ${w.name}`);
      if (w.declared && w.declared !== w.verdict) assert.match(lines[head + 1], new RegExp(`declared: ${w.declared}`));
    }
    const summary = SUMMARY.exec(lines[lines.length - 1]);
    assert.ok(summary, lines[lines.length - 1]);
    const s = report.summary;
    assert.deepEqual(
      [summary[1], summary[2], summary[3], summary[5], summary[6], summary[7], summary[8], summary[9]].map(Number),
      [s.errors, s.warnings, s.infos, s.files, s.workloads, s.verdicts.vm, s.verdicts.container, s.verdicts['container-in-vm']],
    );
  });

  it('--quiet prints diagnostics and the summary only', () => {
    const r = cli(['check', '.', '--quiet'], { cwd: dir });
    const lines = r.stdout.trimEnd().split('\n').filter(Boolean);
    assert.ok(lines.slice(0, -1).every((l) => DIAG_LINE.test(l)), r.stdout);
    assert.match(lines[lines.length - 1], SUMMARY);
  });

  it('uses colours only when asked or on a terminal', () => {
    const esc = /\u001b\[/;
    assert.doesNotMatch(cli(['check', '.'], { cwd: dir }).stdout, esc, 'not a TTY: no colours');
    assert.match(cli(['check', '.'], { cwd: dir, env: cleanEnv({ FORCE_COLOR: '1' }) }).stdout, esc);
    assert.match(cli(['check', '.', '--color'], { cwd: dir }).stdout, esc);
    assert.doesNotMatch(cli(['check', '.', '--no-color'], { cwd: dir, env: cleanEnv({ FORCE_COLOR: '1' }) }).stdout, esc);
    assert.doesNotMatch(cli(['check', '.'], { cwd: dir, env: cleanEnv({ FORCE_COLOR: '1', NO_COLOR: '1' }) }).stdout, esc);
  });

  it('escapes terminal control sequences from descriptors', () => {
    const evil = tempTree({ 'evil.workload.yaml': 'version: 1\nworkloads:\n  - name: "x\\e[2J\\e]0;pwned\\a\\u202Eevil"\n    os: linux\n    deploy: contianer\n' });
    const r = cli(['check', '.'], { cwd: evil });
    assert.equal(r.code, 1);
    assert.doesNotMatch(r.stdout, /[\u001b\u0007\u202e]/);
    assert.match(r.stdout, /x\\u001b\[2J/);
  });
});

describe('check: JSON output', () => {
  it('has the documented shape', () => {
    const dir = tempTree({ 'hosts.workload.yaml': fixture('hosts.workload.yaml'), 'mistakes.workload.yaml': fixture('mistakes.workload.yaml') });
    const { run, report } = json(['check', '.', '--explain'], { cwd: dir });
    assert.equal(run.code, 1);
    assert.equal(report.version, 2);
    assert.equal(report.tool.name, 'workload-placement');
    assert.deepEqual(report.files, ['hosts.workload.yaml', 'mistakes.workload.yaml']);
    assert.deepEqual(rules(report), ['unknown-key', 'invalid-value', 'unknown-host', 'strict-isolation-container']);
    const text = fixture('mistakes.workload.yaml').split('\n');
    for (const d of report.diagnostics) {
      assert.ok(RULES_BY_ID.has(d.rule));
      assert.equal(d.file, 'mistakes.workload.yaml');
      assert.match(d.docs, new RegExp(`^file://.*/docs/rules\\.md#${d.rule}$`));
      assert.ok(d.range.start.line >= 1 && d.range.start.column >= 1);
      // 1-based, end-exclusive columns: the range covers the reported text.
      const line = text[d.range.start.line - 1];
      const covered = line.slice(d.range.start.column - 1, d.range.end.column - 1);
      assert.ok(covered.length > 0, `${d.rule} covers text`);
      assert.ok(d.fixes.length > 0, `${d.rule} has a fix`);
      for (const f of d.fixes) for (const e of f.edits) assert.ok(e.range.start.line >= 1 && typeof e.newText === 'string');
    }
    assert.equal(text[report.diagnostics[0].range.start.line - 1].slice(report.diagnostics[0].range.start.column - 1, report.diagnostics[0].range.end.column - 1), 'replicaz');
    const sandbox = report.workloads.find((w) => w.name === 'sandbox')!;
    assert.equal(sandbox.verdict, 'container-in-vm');
    assert.equal(sandbox.declared, 'container');
    // Strict isolation is a requirement: it rules the declared container out, it is not a factor.
    assert.ok(sandbox.constraints!.some((c) => c.deploy === 'container' && c.rule === 'strict-isolation-container' && c.field === 'isolation'));
    assert.ok(sandbox.confidence > 0.5 && sandbox.confidence <= 1);
    assert.ok(sandbox.factors!.some((f) => f.id === 'startup' && f.field === 'scaling' && f.reason.length > 0));
    assert.deepEqual(Object.keys(sandbox.scores).sort(), ['container', 'container-in-vm', 'vm']);
    assert.equal(report.summary.workloads, report.workloads.length);
    assert.equal(report.summary.errors, report.diagnostics.filter((d) => d.severity === 'error').length);
  });

  it('is compact by default: the same report without factors and constraints, which --explain adds', () => {
    const dir = tempTree({ 'hosts.workload.yaml': fixture('hosts.workload.yaml'), 'mistakes.workload.yaml': fixture('mistakes.workload.yaml'), 'warnings.workload.yaml': fixture('warnings.workload.yaml') });
    const compact = json(['check', '.'], { cwd: dir });
    const full = json(['check', '.', '--explain'], { cwd: dir });
    assert.equal(compact.run.code, full.run.code);
    assert.ok(compact.report.workloads.length > 0);
    assert.ok(compact.report.workloads.every((w) => !('factors' in w) && !('constraints' in w)));
    assert.ok(full.report.workloads.every((w) => Array.isArray(w.factors) && Array.isArray(w.constraints)));
    assert.ok(full.report.workloads.some((w) => w.factors!.length > 0));
    // Apart from those two fields, the two reports are the same.
    const strip = ({ factors: _f, constraints: _c, ...rest }: (typeof full.report.workloads)[number]) => rest;
    assert.deepEqual(compact.report, { ...full.report, workloads: full.report.workloads.map(strip) });
    assert.ok(compact.run.stdout.length < full.run.stdout.length);
    // One entry per line: a report can be read (and grepped) a workload at a time.
    const lines = compact.run.stdout.split('\n');
    for (const w of compact.report.workloads) assert.equal(lines.filter((l) => l.trim().replace(/,$/, '') === JSON.stringify(w)).length, 1, `${w.name} on a line of its own`);
  });

  it('streams: a reader that stops early (`| head`) ends the run quietly', () => {
    const files: Record<string, string> = { 'hosts.workload.yaml': fixture('hosts.workload.yaml') };
    let apps = 'version: 1\nworkloads:\n';
    for (let i = 0; i < 3000; i++) apps += `  - name: w${i}\n    os: linux\n    architecture: batch\n`;
    files['apps.workload.yaml'] = apps;
    const dir = tempTree(files);
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${CLI}" check . --format json | head -c 100 >/dev/null; echo "\${PIPESTATUS[0]}"`], { cwd: dir, encoding: 'utf8', env: cleanEnv(), timeout: 60_000 });
    assert.equal(r.status, 0);
    // 0 or 1 (the findings' exit code), never 2 (an internal error) or a signal.
    assert.match(r.stdout.trim(), /^[01]$/, r.stderr);
    assert.doesNotMatch(r.stderr, /EPIPE|internal error|Error/, r.stderr);
  });

  it('never prints progress or notes on stdout, even for many files', () => {
    const files: Record<string, string> = { 'hosts.workload.yaml': fixture('hosts.workload.yaml') };
    for (let i = 0; i < 120; i++) files[`w${i}.workload.yaml`] = `version: 1\nworkloads:\n  - name: w${i}\n    os: linux\n    architecture: batch\n`;
    const dir = tempTree(files);
    const { run, report } = json(['check', '.'], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(report.files.length, 121);
    assert.doesNotMatch(run.stderr, /Parsing/, 'stderr is not a terminal: no progress');
  });

  it('checks explicit files whatever their name, and scans folders for descriptors only', () => {
    const dir = tempTree({
      'a.workload.yaml': fixture('clean.workload.yaml'),
      'sub/b.workload.yml': fixture('clean.workload.yaml').replace('shop', 'shop-b'),
      'sub/notes.yaml': 'not: a descriptor\n',
      'node_modules/pkg/c.workload.yaml': 'junk: [',
      '.git/d.workload.yaml': 'junk: [',
      'custom-name.yaml': fixture('clean.workload.yaml').replace('shop', 'shop-c'),
    });
    const { report } = json(['check', '.', 'custom-name.yaml'], { cwd: dir });
    assert.deepEqual([...report.files].sort(), ['a.workload.yaml', 'custom-name.yaml', 'sub/b.workload.yml']);
  });

  it('treats every file as one fleet (cross-file names and pins)', () => {
    const dir = tempTree({
      'hosts.workload.yaml': fixture('hosts.workload.yaml'),
      'one.workload.yaml': 'version: 1\nworkloads:\n  - name: api\n    os: linux\n    host: k8s-01\n',
      'two.workload.yaml': 'version: 1\nworkloads:\n  - name: api\n    os: linux\n',
    });
    const { report } = json(['check', '.'], { cwd: dir });
    assert.deepEqual(rules(report), ['duplicate-name', 'duplicate-name']);
    assert.ok(!rules(report).includes('unknown-host'));
  });

  it('survives hostile input with diagnostics, not a crash', () => {
    const deep = `version: 1\nworkloads:\n  - name: deep\n    os: ${'['.repeat(5000)}${']'.repeat(5000)}\n`;
    const dir = tempTree({
      'deep.workload.yaml': deep,
      'long.workload.yaml': `version: 1\nworkloads:\n  - name: ${'x'.repeat(200_000)}\n    os: linux\n`,
      'anchors.workload.yaml': 'version: 1\na: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n',
      'tabs.workload.yaml': 'version: 1\nworkloads:\n\t- name: t\n',
      'empty.workload.yaml': '',
      'crlf.workload.yaml': 'version: 1\r\nworkloads:\r\n  - name: c\r\n    os: linux\r\n    deploy: contianer\r\n',
    });
    for (const format of ['text', 'json', 'sarif']) {
      const r = cli(['check', '.', '--format', format], { cwd: dir });
      assert.ok(r.code === 0 || r.code === 1, `exit ${r.code} for ${format}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /internal error/);
    }
    const { report } = json(['check', '.'], { cwd: dir });
    assert.ok(rules(report, 'deep.workload.yaml').length > 0, 'the deep file is reported');
    assert.ok(rules(report, 'crlf.workload.yaml').includes('invalid-value'));
  });

  it('reports paths outside the working directory as absolute', () => {
    const dir = tempTree({ 'a.workload.yaml': fixture('clean.workload.yaml') });
    const { report } = json(['check', dir], { cwd: FIXTURES });
    assert.deepEqual(report.files, [path.join(dir, 'a.workload.yaml').split(path.sep).join('/')]);
  });

  it('reads the examples folder when it exists', { skip: fs.existsSync(EXAMPLES) ? false : 'no examples/' }, () => {
    const { report } = json(['check', 'examples']);
    assert.ok(report.workloads.length > 0);
    assert.ok(report.workloads.every((w) => w.file.startsWith('examples/')));
  });
});

describe('rules', () => {
  it('lists the whole catalogue as text and JSON', () => {
    const text = cli(['rules']);
    assert.equal(text.code, 0);
    for (const id of RULES_BY_ID.keys()) assert.match(text.stdout, new RegExp(`^${id}\\s`, 'm'));
    const list = JSON.parse(cli(['rules', '--format', 'json']).stdout) as { id: string; docs: string }[];
    assert.deepEqual(
      list.map((r) => r.id),
      [...RULES_BY_ID.keys()],
    );
  });

  it('shows one rule in full', () => {
    const r = cli(['rules', 'elastic-vm']);
    const rule = RULES_BY_ID.get('elastic-vm')!;
    assert.match(r.stdout, /^elastic-vm \(placement, default warning, quick fix\)/);
    assert.ok(r.stdout.includes(rule.why));
  });
});
