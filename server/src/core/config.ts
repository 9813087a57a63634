// Settings shared by the editor and the command line: per-rule severities and
// analysis options. The editor reads them from `workloadPlacement.*` settings, the
// CLI from `.workload-placement.json`; both go through `normalizeConfig`.

import { RULES_BY_ID } from './rules';
import type { SeveritySetting } from './types';

export interface Config {
  /** Rule id → severity or 'off'; rules not listed keep their default. */
  rules: Record<string, SeveritySetting>;
}

export const DEFAULT_CONFIG: Config = { rules: {} };

const LEVELS = new Set(['error', 'warning', 'information', 'hint', 'off']);

/** Accepts loose input (user JSON, settings) and reports what it could not use. */
export function normalizeConfig(raw: unknown): { config: Config; problems: string[] } {
  const problems: string[] = [];
  const config: Config = { rules: {} };
  if (raw === undefined || raw === null) return { config, problems };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return { config, problems: ['The configuration must be an object.'] };
  }
  const o = raw as Record<string, unknown>;
  const rules = o.rules;
  if (rules !== undefined) {
    if (typeof rules !== 'object' || rules === null || Array.isArray(rules)) problems.push('`rules` must map rule ids to severities.');
    else {
      for (const [id, level] of Object.entries(rules)) {
        if (!RULES_BY_ID.has(id)) problems.push(`Unknown rule id '${id}' in \`rules\`.`);
        else if (typeof level !== 'string' || !LEVELS.has(level === 'info' ? 'information' : level)) {
          problems.push(`Rule '${id}': severity must be error, warning, information, hint or off.`);
        } else config.rules[id] = (level === 'info' ? 'information' : level) as SeveritySetting;
      }
    }
  }
  return { config, problems };
}
