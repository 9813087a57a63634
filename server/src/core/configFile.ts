// `.workload-placement.json`, the configuration file the command line and the editor
// share: its contents go through `normalizeConfig`, and its `ignore` globs are matched
// here, so both skip the same files. Pure: the caller reads the file and passes paths.

import { type Config, defaultConfig, normalizeConfig } from './config';

export const CONFIG_FILE_NAME = '.workload-placement.json';

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
  const res = normalizeConfig(raw, base);
  for (const p of res.config.ignore) {
    const why = globProblem(p);
    if (why) res.problems.push(`Ignore pattern '${p}': ${why}`);
  }
  return res;
}

/**
 * Glob syntax of `ignore` (gitignore-like, without negation):
 * `*` and `?` stay within one path segment, `**` spans segments, `[abc]` / `[!abc]`
 * are classes, `{a,b}` alternatives. A pattern without `/` matches at any depth; one
 * with `/` is anchored at the configuration file's folder. A pattern that matches a
 * folder ignores everything inside it.
 */
export function globToRegExp(pattern: string): RegExp {
  let p = pattern.trim().replace(/\\/g, '/');
  if (p.startsWith('./')) p = p.slice(2);
  p = p.replace(/\/+$/, '');
  // A slash anywhere but at the end anchors the pattern (a leading one only anchors).
  const anchored = p.includes('/');
  p = p.replace(/^\/+/, '');
  let re = '';
  let i = 0;
  let braces = 0;
  while (i < p.length) {
    const c = p[i];
    if (c === '*') {
      if (p[i + 1] === '*') {
        // `**/` matches zero or more whole segments; a lone `**` matches anything.
        const before = i === 0 || p[i - 1] === '/';
        const j = i + 2;
        if (before && p[j] === '/') {
          re += '(?:[^/]*/)*';
          i = j + 1;
          continue;
        }
        re += '.*';
        i = j;
        continue;
      }
      re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = p.indexOf(']', i + 2);
      if (close < 0) re += '\\[';
      else {
        let cls = p.slice(i + 1, close);
        if (cls.startsWith('!')) cls = `^${cls.slice(1)}`;
        re += `[${cls.replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else if (c === '{') {
      braces++;
      re += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      re += ')';
    } else if (c === ',' && braces > 0) re += '|';
    else re += c.replace(/[.+^$()|\\{}]/g, '\\$&');
    i++;
  }
  re += ')'.repeat(braces);
  return new RegExp(`^${anchored ? '' : '(?:.*/)?'}${re}$`);
}

/** Why a pattern cannot be used, or undefined when it can. */
export function globProblem(pattern: string): string | undefined {
  if (!pattern.trim()) return 'an empty pattern matches nothing.';
  if (pattern.startsWith('!')) return 'negated patterns are not supported; narrow the other patterns instead.';
  try {
    globToRegExp(pattern);
  } catch (e) {
    return `not a valid pattern (${(e as Error).message}).`;
  }
  return undefined;
}

/** A matcher for a list of patterns; invalid patterns never match. */
export function ignoreMatcher(patterns: readonly string[]): (relPath: string) => boolean {
  const res: RegExp[] = [];
  for (const p of patterns) {
    if (globProblem(p)) continue;
    res.push(globToRegExp(p));
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
      if (res.some((r) => r.test(prefix))) return true;
      end = path.lastIndexOf('/', end - 1);
    }
    return false;
  };
}

/** True when `relPath` (relative to the configuration's folder, `/`-separated) is ignored. */
export function isIgnored(relPath: string, patterns: readonly string[]): boolean {
  return ignoreMatcher(patterns)(relPath);
}
