// The command line and the editor give the same answers: for every example (and the
// fixtures), the CLI's JSON equals what the core `analyze` the language server uses
// returns for the same files and the same configuration.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { buildReport } from '../../server/src/cli/report';
import { analyze } from '../../server/src/core/analyze';
import { type Config, defaultConfig } from '../../server/src/core/config';
import { parseConfigFile } from '../../server/src/core/configFile';
import { parseFile } from '../../server/src/core/parse';
import { EXAMPLES, exampleFolders, FIXTURES, json, ROOT, tempTree } from './helpers';

function descriptors(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.workload\.ya?ml$/.test(e.name)) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

/** What the editor computes, in the CLI's report shape (no I/O but reading the files). */
function direct(files: string[], config: Config, cwd: string, explain: boolean) {
  const parsed = files.map((f) => parseFile(f, fs.readFileSync(f, 'utf8')));
  const analysis = analyze(parsed, config);
  const rel = (f: string) => path.relative(cwd, f).split(path.sep).join('/');
  return buildReport(parsed, analysis, rel, { toolVersion: 'x', config: null }, { explain });
}

function lineCol(text: string, offset: number): [number, number] {
  const before = text.slice(0, offset).split(/\r\n|\r|\n/);
  return [before.length, before[before.length - 1].length + 1];
}

// A configuration that changes severities, so the comparison covers the config path too.
const CONFIG = { rules: { 'unknown-key': 'error', 'deploy-against-recommendation': 'information', 'stateful-without-volumes': 'off' } };

const targets = [...exampleFolders(), ...(fs.existsSync(EXAMPLES) ? [EXAMPLES] : []), FIXTURES];

describe('CLI and editor parity', () => {
  for (const target of targets) {
    for (const withConfig of [false, true]) {
      it(`${path.relative(ROOT, target)}${withConfig ? ' with a configuration' : ''}`, () => {
        let args = ['check', target];
        let config = defaultConfig();
        if (withConfig) {
          const dir = tempTree({ 'cfg.json': JSON.stringify(CONFIG) });
          args = [...args, '--config', path.join(dir, 'cfg.json')];
          const parsed = parseConfigFile(JSON.stringify(CONFIG));
          assert.deepEqual(parsed.problems, []);
          config = parsed.config;
        }
        const { report } = json(args, { cwd: ROOT });
        if (!withConfig && report.config) {
          // The CLI found a configuration file on its own: use the same one.
          const found = parseConfigFile(fs.readFileSync(path.resolve(ROOT, report.config), 'utf8'));
          assert.deepEqual(found.problems, []);
          config = found.config;
        }
        // The streamed report equals the one built whole, compact by default and with factors under --explain.
        const expected = direct(descriptors(target), config, ROOT, false);
        assert.ok(expected.files.length > 0);
        assert.deepEqual(report.files, expected.files);
        assert.deepEqual(report.diagnostics, expected.diagnostics);
        assert.deepEqual(report.workloads, expected.workloads);
        assert.deepEqual(report.summary, expected.summary);
        const explained = json([...args, '--explain'], { cwd: ROOT }).report;
        const expectedExplained = direct(descriptors(target), config, ROOT, true);
        assert.deepEqual(explained.workloads, expectedExplained.workloads);
        assert.deepEqual({ ...explained, workloads: [] }, { ...report, workloads: [] });
        // The same again without the CLI's report code: the core's diagnostics, positioned independently.
        const raw = analyze(
          descriptors(target).map((f) => parseFile(f, fs.readFileSync(f, 'utf8'))),
          config,
        );
        const core = [...raw.diagnostics.entries()].flatMap(([file, ds]) => {
          const text = fs.readFileSync(file, 'utf8');
          return ds.map((d) => ({ rule: d.ruleId, severity: d.severity, message: d.message, file: path.relative(ROOT, file).split(path.sep).join('/'), start: lineCol(text, d.span.start), end: lineCol(text, d.span.end) }));
        });
        const cli = report.diagnostics.map((d) => ({ rule: d.rule, severity: d.severity, message: d.message, file: d.file, start: [d.range.start.line, d.range.start.column], end: [d.range.end.line, d.range.end.column] }));
        assert.deepEqual(cli, core);
      });
    }
  }
});
