// Writes the `contributes` and `activationEvents` parts of package.json: the language,
// grammars, schema, settings (one severity setting per rule, from the rule catalogue),
// commands and menus. Run after `tsc -b server` (it reads the compiled catalogue, out/shared/rules.js):
//   npx tsc -b server && node scripts/genManifest.mjs
// test/lsp/manifest.test.ts fails when package.json and the catalogue disagree.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { RULES } = require('../out/shared/rules.js');

const SEVERITIES = ['error', 'warning', 'information', 'hint', 'off'];
const pair = (what) => ({
  type: ['object', 'null'],
  default: null,
  additionalProperties: false,
  properties: {
    cpu: { type: ['number', 'string'], markdownDescription: 'Cores (`0.5`) or millicores (`500m`).' },
    memory: { type: ['number', 'string'], markdownDescription: 'Bytes or a Kubernetes quantity (`2Gi`).' },
  },
  markdownDescription: what,
});
const ratios = {
  type: 'object',
  additionalProperties: false,
  properties: { cpu: { type: 'number', minimum: 0.1 }, memory: { type: 'number', minimum: 0.1 } },
};

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
  configuration: {
    title: 'Workload Placement',
    properties: {
      'workloadPlacement.rules': {
        type: 'object',
        default: {},
        additionalProperties: false,
        markdownDescription:
          'Severity per rule (`error`, `warning`, `information`, `hint`) or `off`. Rules not listed keep their default. Overrides `rules` in `.workload-placement.json`.',
        properties: Object.fromEntries(
          RULES.map((r) => [r.id, { type: 'string', enum: SEVERITIES, markdownDescription: `${r.summary} Default: \`${r.defaultSeverity}\`.` }]),
        ),
      },
      'workloadPlacement.ignore': {
        type: 'array',
        items: { type: 'string' },
        default: [],
        markdownDescription: 'Glob patterns (relative to the workspace folder) of descriptor files to leave out of the fleet, added to `ignore` in `.workload-placement.json`.',
      },
      'workloadPlacement.placement.vmOverhead': pair('What one VM costs beyond its workload (its guest OS), e.g. `{ "cpu": 0.5, "memory": "2Gi" }`. Unset: `.workload-placement.json`, else the default.'),
      'workloadPlacement.placement.containerOverhead': pair('What one container costs beyond its workload (the runtime shim), e.g. `{ "cpu": 0, "memory": "32Mi" }`. Unset: `.workload-placement.json`, else the default.'),
      'workloadPlacement.placement.overcommit': {
        type: ['object', 'null'],
        default: null,
        additionalProperties: false,
        properties: { hypervisor: ratios, containerHost: ratios },
        markdownDescription: 'Default over-commit ratios for hosts that set no `overcommit`, e.g. `{ "hypervisor": { "cpu": 4, "memory": 1 } }`.',
      },
      'workloadPlacement.placement.checkHostFailure': {
        type: ['boolean', 'null'],
        default: null,
        markdownDescription: 'Report workloads that would not survive the loss of any one host. Unset: `.workload-placement.json`, else off.',
      },
      'workloadPlacement.codeLens.enable': {
        type: 'boolean',
        default: true,
        markdownDescription: "Show each workload's verdict and confidence above it.",
      },
      'workloadPlacement.trace.server': {
        type: 'string',
        enum: ['off', 'messages', 'verbose'],
        default: 'off',
        scope: 'window',
        markdownDescription: 'Log the messages between VS Code and the Workload Placement server (in its output).',
      },
    },
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
export const activationEvents = ['onLanguage:workload-descriptor', 'workspaceContains:**/*.workload.{yaml,yml}', 'onWebviewPanel:workloadPlacement.hostLayout'];

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  // Re-read right before writing: other tools edit package.json too.
  const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
  pkg.activationEvents = activationEvents;
  pkg.contributes = contributes;
  writeFileSync('package.json', `${JSON.stringify(pkg, null, 2)}\n`);
  console.log(`package.json: ${RULES.length} rule settings, ${contributes.commands.length} commands.`);
}
