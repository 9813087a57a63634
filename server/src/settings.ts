// Configuration for the server: `.workload-placement.json` at each workspace folder's
// root first, then the editor's `workloadPlacement.*` settings on top. Settings win:
// a rule severity set in the editor overrides the file's, a placement option set in
// the editor replaces the file's, and `ignore` patterns from both apply. Settings the
// user did not set arrive as null and are skipped, so they never mask the file.

import * as path from 'node:path';
import { type Config, defaultConfig, normalizeConfig } from './core/config';
import { CONFIG_FILE_NAME, MAX_CONFIG_BYTES, parseConfigFile } from './core/configFile';
import { readRegularText } from './files';
import { fsPath } from './workspace';

/** Settings that only the editor shell uses. */
export interface EditorSettings {
  codeLensEnable: boolean;
}

export interface LoadedConfiguration {
  config: Config;
  editor: EditorSettings;
  /** Sentences naming where each problem is. */
  problems: string[];
}

export const SETTINGS_SECTION = 'workloadPlacement';

export async function loadConfiguration(folderUris: readonly string[], settings: unknown): Promise<LoadedConfiguration> {
  const problems: string[] = [];
  let config = defaultConfig();
  for (const folder of folderUris) {
    const dir = fsPath(folder);
    if (!dir) continue;
    const file = path.join(dir, CONFIG_FILE_NAME);
    // Only a regular file within the size limit: a FIFO or a link to a device is refused unread.
    const read = await readRegularText(file, MAX_CONFIG_BYTES);
    if (!read.ok) {
      if (read.reason !== 'missing') problems.push(`${file}: ${read.message}; ignored.`);
      continue;
    }
    const r = parseConfigFile(read.text, config);
    config = r.config;
    for (const p of r.problems) problems.push(`${file}: ${p}`);
  }
  const { raw, editor } = fromSettings(settings);
  const r = normalizeConfig(raw, config);
  for (const p of r.problems) problems.push(`Settings (workloadPlacement): ${p}`);
  return { config: r.config, editor, problems };
}

/** Picks what the user set out of the `workloadPlacement` settings object. */
export function fromSettings(settings: unknown): { raw: Record<string, unknown>; editor: EditorSettings } {
  const editor: EditorSettings = { codeLensEnable: true };
  const raw: Record<string, unknown> = {};
  if (!settings || typeof settings !== 'object') return { raw, editor };
  const s = settings as Record<string, unknown>;
  const codeLens = s.codeLens as Record<string, unknown> | undefined;
  if (codeLens && typeof codeLens.enable === 'boolean') editor.codeLensEnable = codeLens.enable;
  const rules = dropNulls(s.rules);
  if (rules !== undefined && !(isObject(rules) && Object.keys(rules).length === 0)) raw.rules = rules;
  if (Array.isArray(s.ignore) ? s.ignore.length : s.ignore != null) raw.ignore = s.ignore;
  const placement = dropNulls(s.placement);
  if (placement !== undefined && !(isObject(placement) && Object.keys(placement).length === 0)) raw.placement = placement;
  return { raw, editor };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Removes null entries (settings left unset) at every depth. */
function dropNulls(v: unknown): unknown {
  if (v === null || v === undefined) return undefined;
  if (!isObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const kept = dropNulls(x);
    if (kept !== undefined && kept !== 'default') out[k] = kept;
  }
  return out;
}

/** Problems are shown once each; the same problem after a reload stays quiet. */
export class ProblemReporter {
  private shown = new Set<string>();
  fresh(problems: readonly string[]): string[] {
    const out = problems.filter((p) => !this.shown.has(p));
    for (const p of out) this.shown.add(p);
    return out;
  }
}

