// `.workload-placement.json`, the configuration file the command line and the editor
// share: its contents go through `normalizeConfig`, and its `ignore` globs are matched
// here, so both skip the same files. Pure: the caller reads the file and passes paths.

import { type Config, defaultConfig, normalizeConfig } from './config';
import { type CompiledGlob, compileGlob, globProblem, matchGlob } from './glob';

export { globProblem };

export const CONFIG_FILE_NAME = '.workload-placement.json';
/** A larger configuration file is not plausible: it is refused unread. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** Parses the file's text; every problem is a sentence the user can act on. */
export function parseConfigFile(text: string, base: Config = defaultConfig()): { config: Config; problems: string[] } {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (!body.trim()) return { config: normalizeConfig(undefined, base).config, problems: ['The file is empty; write `{}` for the defaults.'] };
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch (e) {
    return { config: normalizeConfig(undefined, base).config, problems: [`Not valid JSON: ${(e as Error).message}.`] };
  }
  // Unusable `ignore` patterns are reported there and dropped (they would never match).
  return normalizeConfig(raw, base);
}

/** A matcher for a list of patterns; invalid patterns never match. */
export function ignoreMatcher(patterns: readonly string[]): (relPath: string) => boolean {
  const res: CompiledGlob[] = [];
  for (const p of patterns) {
    if (globProblem(p)) continue;
    res.push(compileGlob(p));
  }
  return (relPath: string) => {
    if (!res.length) return false;
    const path = relPath.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '');
    // Paths outside the configuration's folder are not governed by it.
    if (!path || path === '..' || path.startsWith('../') || path.startsWith('/')) return false;
    // The path itself or any folder above it.
    let end = path.length;
    while (end > 0) {
      const prefix = path.slice(0, end);
      if (res.some((g) => matchGlob(g, prefix))) return true;
      end = path.lastIndexOf('/', end - 1);
    }
    return false;
  };
}

/** True when `relPath` (relative to the configuration's folder, `/`-separated) is ignored. */
export function isIgnored(relPath: string, patterns: readonly string[]): boolean {
  return ignoreMatcher(patterns)(relPath);
}
