// package.json's contributions agree with the code: one severity setting per rule,
// settings the server reads (and whose unset defaults never mask the config file),
// the commands the client registers, and files that exist.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { COMMANDS, LANGUAGE_ID } from '../../client/src/commands';
import { DEFAULT_PLACEMENT } from '../../server/src/core/config';
import { RULES } from '../../server/src/core/rules';
import { fromSettings, loadConfiguration } from '../../server/src/settings';
import { ROOT } from './helpers';

interface Manifest {
  main: string;
  activationEvents: string[];
  contributes: {
    languages: { id: string; extensions: string[]; configuration: string }[];
    grammars: { language?: string; scopeName: string; path: string; injectTo?: string[] }[];
    yamlValidation: { fileMatch: string[]; url: string }[];
    configuration: { properties: Record<string, { default?: unknown; enum?: string[]; properties?: Record<string, { enum?: string[] }> }> };
    commands: { command: string; title: string; category: string }[];
    menus: Record<string, { command: string; when?: string }[]>;
  };
}

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;
const props = pkg.contributes.configuration.properties;

/** The object VS Code hands the server for `workloadPlacement` when the user set nothing. */
function defaultsAsSent(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(props)) {
    const parts = key.split('.').slice(1);
    let o = out;
    for (const p of parts.slice(0, -1)) o = (o[p] ??= {}) as Record<string, unknown>;
    o[parts.at(-1)!] = spec.default;
  }
  return out;
}

describe('package.json contributions', () => {
  it('starts the client bundle on descriptor files', () => {
    assert.equal(pkg.main, './dist/client.js');
    // `onLanguage:yaml`: a Kubernetes manifest is read too (the server ignores other YAML); Compose files too.
    assert.deepEqual(pkg.activationEvents, ['onLanguage:workload-descriptor', 'onLanguage:yaml', 'onLanguage:dockercompose', 'workspaceContains:**/*.workload.{yaml,yml}', 'onWebviewPanel:workloadPlacement.hostLayout']);
    const lang = pkg.contributes.languages.find((l) => l.id === LANGUAGE_ID)!;
    assert.deepEqual(lang.extensions, ['.workload.yaml', '.workload.yml']);
    JSON.parse(readFileSync(join(ROOT, lang.configuration), 'utf8'));
  });

  it('contributes grammars whose files exist and declare the same scope', () => {
    for (const g of pkg.contributes.grammars) {
      const file = join(ROOT, g.path);
      assert.ok(existsSync(file), g.path);
      assert.equal((JSON.parse(readFileSync(file, 'utf8')) as { scopeName: string }).scopeName, g.scopeName);
    }
    assert.ok(pkg.contributes.grammars.some((g) => g.language === LANGUAGE_ID && g.scopeName === 'source.workload-descriptor'));
    assert.ok(pkg.contributes.yamlValidation.every((v) => existsSync(join(ROOT, v.url))));
  });

  it('has one severity setting per rule of the catalogue', () => {
    const rules = props['workloadPlacement.rules'];
    assert.deepEqual(Object.keys(rules.properties!).sort(), RULES.map((r) => r.id).sort());
    for (const p of Object.values(rules.properties!)) assert.deepEqual(p.enum, ['error', 'warning', 'information', 'hint', 'off']);
  });

  it('declares a setting for every placement option the core reads', () => {
    const declared = Object.keys(props)
      .filter((k) => k.startsWith('workloadPlacement.placement.'))
      .map((k) => k.slice('workloadPlacement.placement.'.length));
    assert.deepEqual(declared.sort(), Object.keys(DEFAULT_PLACEMENT).sort());
    for (const k of ['workloadPlacement.trace.server', 'workloadPlacement.codeLens.enable', 'workloadPlacement.ignore']) assert.ok(props[k], k);
  });

  it('unset settings mask nothing from .workload-placement.json', async () => {
    const { raw, editor } = fromSettings(defaultsAsSent());
    assert.deepEqual(raw, {});
    assert.equal(editor.codeLensEnable, true);
    const { config, problems } = await loadConfiguration([], defaultsAsSent());
    assert.deepEqual(problems, []);
    assert.deepEqual(config.placement, DEFAULT_PLACEMENT);
  });

  it('declares every command the client registers, under one category, with the layout in the editor title', () => {
    const declared = new Map(pkg.contributes.commands.map((c) => [c.command, c]));
    for (const id of Object.values(COMMANDS)) {
      assert.ok(declared.has(id), id);
      assert.equal(declared.get(id)!.category, 'Workload Placement');
    }
    assert.deepEqual(pkg.contributes.menus['editor/title'], [{ command: COMMANDS.showHostLayout, when: 'resourceLangId == workload-descriptor', group: 'navigation' }]);
  });

  it('is what scripts/genManifest.mjs generates', () => {
    // The script is an ES module; this test compiles to CommonJS, so ask a child node.
    const url = pathToFileURL(join(ROOT, 'scripts', 'genManifest.mjs')).href;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(url)}); process.stdout.write(JSON.stringify(m));`], { cwd: ROOT });
    const gen = JSON.parse(String(out)) as { contributes: unknown; activationEvents: unknown };
    assert.deepEqual(pkg.contributes, gen.contributes, 'run `npx tsc -b server && node scripts/genManifest.mjs`');
    assert.deepEqual(pkg.activationEvents, gen.activationEvents);
  });
});
