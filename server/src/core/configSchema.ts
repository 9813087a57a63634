// The one definition of the configuration's shape. scripts/genManifest.mjs writes it
// into package.json (`contributes.configuration`, the editor's settings UI and its
// validation), and `normalizeConfig` validates both `.workload-placement.json` and the
// settings the editor sends against it (`validateConfig`), so a value VS Code would
// flag is refused here too, with the key and what was expected. Pure data and code.

import { RULES } from './rules';

/** The subset of JSON Schema used here (and understood by VS Code's settings). */
export interface Schema {
  type?: SchemaType | SchemaType[];
  enum?: readonly unknown[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean;
  items?: Schema;
  minimum?: number;
  maxLength?: number;
  maxItems?: number;
  pattern?: string;
  default?: unknown;
  scope?: string;
  markdownDescription?: string;
}
type SchemaType = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';

export const SETTINGS_PREFIX = 'workloadPlacement.';
export const SEVERITIES = ['error', 'warning', 'information', 'hint', 'off'] as const;
/** Longest `ignore` pattern and most patterns accepted (core/glob.ts says why). */
export const MAX_IGNORE_PATTERN = 512;
export const MAX_IGNORE_PATTERNS = 1000;

const CPU_STRING = '^[0-9]+(\\.[0-9]+)?m?$';

const pair = (what: string): Schema => ({
  type: ['object', 'null'],
  default: null,
  additionalProperties: false,
  properties: {
    cpu: { type: ['number', 'string'], minimum: 0, pattern: CPU_STRING, markdownDescription: 'Cores (`0.5`) or millicores (`500m`).' },
    memory: { type: ['number', 'string'], minimum: 0, markdownDescription: 'Bytes or a Kubernetes quantity (`2Gi`).' },
  },
  markdownDescription: what,
});
const ratios: Schema = {
  type: 'object',
  additionalProperties: false,
  properties: { cpu: { type: 'number', minimum: 0.1 }, memory: { type: 'number', minimum: 0.1 } },
};

/** `contributes.configuration.properties`: every setting, keyed `workloadPlacement.*`. */
export function settingsProperties(): Record<string, Schema> {
  return {
    'workloadPlacement.rules': {
      type: 'object',
      default: {},
      additionalProperties: false,
      markdownDescription:
        'Severity per rule (`error`, `warning`, `information`, `hint`) or `off`. Rules not listed keep their default. Overrides `rules` in `.workload-placement.json`.',
      properties: Object.fromEntries(RULES.map((r) => [r.id, { type: 'string', enum: [...SEVERITIES], markdownDescription: `${r.summary} Default: \`${r.defaultSeverity}\`.` }])),
    },
    'workloadPlacement.ignore': {
      type: 'array',
      items: { type: 'string', maxLength: MAX_IGNORE_PATTERN },
      maxItems: MAX_IGNORE_PATTERNS,
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
  };
}

/** Settings only the editor uses: not part of the shared configuration. */
const EDITOR_ONLY = new Set(['codeLens', 'trace']);

/**
 * The shared configuration as one object (`.workload-placement.json`, and the settings
 * once nested): the settings' definitions, nested at their dots.
 */
export function configSchema(): Schema {
  const root: Schema = { type: 'object', additionalProperties: false, properties: { $schema: { type: 'string' } } };
  for (const [key, spec] of Object.entries(settingsProperties())) {
    const parts = key.slice(SETTINGS_PREFIX.length).split('.');
    if (EDITOR_ONLY.has(parts[0])) continue;
    let node = root;
    for (const p of parts.slice(0, -1)) {
      node.properties ??= {};
      node = node.properties[p] ??= { type: 'object', additionalProperties: false, properties: {} };
    }
    node.properties![parts[parts.length - 1]] = spec;
  }
  return root;
}

/** `schema/workload-placement.schema.json` (written by `npm run docs`), for the editor's JSON validation of the file. */
export function configFileJsonSchema(): Record<string, unknown> {
  const schema = configSchema();
  const props = schema.properties!;
  // The file accepts the aliases normalizeConfig reads, and its own texts say what applies.
  for (const rule of Object.values(props.rules.properties ?? {})) rule.enum = [...SEVERITIES, 'info', 'warn'];
  props.rules.markdownDescription = 'Severity per rule (`error`, `warning`, `information`, `hint`) or `off`. Rules not listed keep their default. The `workloadPlacement.rules` setting overrides it.';
  props.ignore.markdownDescription = 'Glob patterns (relative to this file\'s folder) of descriptor files to leave out of the fleet. See docs/cli.md for the syntax.';
  for (const p of Object.values(props.placement.properties ?? {})) {
    if (p.markdownDescription) p.markdownDescription = p.markdownDescription.replace(/ Unset: `\.workload-placement\.json`, else (the default|off)\./, ' Unset: $1.');
  }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: '.workload-placement.json',
    description: 'Workload Placement configuration: rule severities, ignore patterns and placement options. Generated from server/src/core/configSchema.ts.',
    ...schema,
  };
}

let cached: Schema | undefined;

export interface ConfigProblem {
  /** Where: `placement.vmOverhead.cpu`, `ignore[2]`; '' for the whole. */
  path: string;
  message: string;
}

/** Every way `value` breaks the definition, as sentences naming the key and what was expected. */
export function validateConfig(value: unknown): ConfigProblem[] {
  cached ??= configSchema();
  const problems: ConfigProblem[] = [];
  check(value, cached, '', problems);
  return problems;
}

function check(value: unknown, schema: Schema, at: string, out: ConfigProblem[]): void {
  const problems = { push: (message: string) => out.push({ path: at, message }) };
  const types = schema.type === undefined ? undefined : Array.isArray(schema.type) ? schema.type : [schema.type];
  const actual = typeOf(value);
  if (types && !types.includes(actual)) {
    problems.push(`${name(at)} must be ${expected(types.filter((t) => t !== 'null'))} (got ${shown(value)}).`);
    return;
  }
  if (schema.enum && !schema.enum.includes(value)) {
    problems.push(`${name(at)} must be one of ${schema.enum.map((e) => String(e)).join(', ')} (got ${shown(value)}).`);
    return;
  }
  if (typeof value === 'number' && schema.minimum !== undefined && value < schema.minimum) {
    problems.push(`${name(at)} must be ${schema.minimum === 0 ? '0 or more' : `at least ${schema.minimum}`} (got ${value}).`);
  }
  if (typeof value === 'string') {
    if (schema.maxLength !== undefined && value.length > schema.maxLength) problems.push(`${name(at)} (${shown(value)}) is too long (${value.length} characters; the limit is ${schema.maxLength}).`);
    else if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) problems.push(`${name(at)} ${shown(value)} is not ${describePattern(schema.pattern)}.`);
  }
  if (Array.isArray(value)) {
    if (schema.maxItems !== undefined && value.length > schema.maxItems) problems.push(`${name(at)} has ${value.length} entries; the limit is ${schema.maxItems}.`);
    if (schema.items) value.forEach((v, i) => check(v, schema.items!, `${at}[${i}]`, out));
  }
  if (actual === 'object' && (schema.properties || schema.additionalProperties === false)) {
    const o = value as Record<string, unknown>;
    for (const [k, v] of Object.entries(o)) {
      const sub = schema.properties?.[k];
      const path = at ? `${at}.${k}` : k;
      if (sub) check(v, sub, path, out);
      else if (schema.additionalProperties === false) {
        const known = Object.keys(schema.properties ?? {}).filter((x) => x !== '$schema');
        out.push({ path, message: at === 'rules' ? `Unknown rule id '${k}' in \`rules\`.` : `Unknown ${at ? `key '${k}' in ${name(at)}` : `configuration key '${k}'`}${known.length <= 8 ? ` (known: ${known.join(', ')})` : ''}.` });
      }
    }
  }
}

function typeOf(v: unknown): SchemaType {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isFinite(v) ? 'number' : 'null';
  if (typeof v === 'string' || typeof v === 'boolean' || typeof v === 'object') return typeof v as SchemaType;
  return 'null';
}

function name(at: string): string {
  return at ? `\`${at}\`` : 'The configuration';
}

function expected(types: readonly string[]): string {
  const words: Record<string, string> = { object: 'an object', array: 'a list', string: 'a string', number: 'a number', boolean: 'true or false', null: 'null' };
  const list = types.map((t) => words[t] ?? t);
  return list.length > 1 ? `${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}` : list[0];
}

function describePattern(pattern: string): string {
  if (pattern === CPU_STRING) return 'a number of cores such as 0.5 or 500m';
  return `of the form ${pattern}`;
}

function shown(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 39)}…` : s;
}
