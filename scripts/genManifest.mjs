// Writes the `contributes` and `activationEvents` parts of package.json: the language,
// grammars, schema, settings (one severity setting per rule, from the rule catalogue),
// commands and menus. Run after `tsc -b server` (it reads the compiled catalogue, out/shared/rules.js):
//   npx tsc -b server && node scripts/genManifest.mjs
// test/lsp/manifest.test.ts fails when package.json and the catalogue disagree.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { RULES } = require('../out/shared/rules.js');

// The settings: the one definition (server/src/core/configSchema.ts) the server also
// validates `.workload-placement.json` and the settings it receives against.
const { settingsProperties } = require('../out/server/src/core/configSchema.js');

export const contributes = {
  languages: [
    {
      id: 'workload-descriptor',
      aliases: ['Workload Descriptor', 'workload-descriptor'],
      extensions: ['.workload.yaml', '.workload.yml'],
      configuration: './language-configuration.json',
    },
  ],
  grammars: [
    { language: 'workload-descriptor', scopeName: 'source.workload-descriptor', path: './syntaxes/workload-descriptor.tmLanguage.json' },
    { scopeName: 'workload-descriptor.injection', path: './syntaxes/workload-descriptor.injection.tmLanguage.json', injectTo: ['source.workload-descriptor'] },
  ],
  yamlValidation: [{ fileMatch: ['*.workload.yaml', '*.workload.yml'], url: './schema/descriptor-v1.schema.json' }],
  // The configuration file, validated in the editor from the same definition as the settings.
  jsonValidation: [{ fileMatch: ['.workload-placement.json'], url: './schema/workload-placement.schema.json' }],
  configuration: {
    title: 'Workload Placement',
    properties: settingsProperties(),
  },
  commands: [
    { command: 'workloadPlacement.restartServer', title: 'Restart Server', category: 'Workload Placement' },
    { command: 'workloadPlacement.showOutput', title: 'Show Output', category: 'Workload Placement' },
    { command: 'workloadPlacement.openRuleDocs', title: 'Open Rule Documentation', category: 'Workload Placement' },
    { command: 'workloadPlacement.showHostLayout', title: 'Show Host Layout', category: 'Workload Placement', icon: '$(server-environment)' },
  ],
  menus: {
    'editor/title': [{ command: 'workloadPlacement.showHostLayout', when: 'resourceLangId == workload-descriptor', group: 'navigation' }],
  },
};

// The webview-panel event lets VS Code revive a saved host layout before anything else activates us.
// `onLanguage:yaml`: Kubernetes manifests are read too (the server ignores other YAML: docs/inputs.md);
// `onLanguage:dockercompose`: Compose files, as the Docker extension names them.
export const activationEvents = ['onLanguage:workload-descriptor', 'onLanguage:yaml', 'onLanguage:dockercompose', 'workspaceContains:**/*.workload.{yaml,yml}', 'onWebviewPanel:workloadPlacement.hostLayout'];

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  // Re-read right before writing: other tools edit package.json too.
  const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
  pkg.activationEvents = activationEvents;
  pkg.contributes = contributes;
  writeFileSync('package.json', `${JSON.stringify(pkg, null, 2)}\n`);
  console.log(`package.json: ${RULES.length} rule settings, ${contributes.commands.length} commands.`);
}
