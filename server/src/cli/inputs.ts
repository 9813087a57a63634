// Finding what to check: the configuration file, the descriptor files under the given
// folders, and reading each one as UTF-8 text. Anything unreadable is an InputError
// (exit code 2) with a message naming the path, never a stack trace.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Config } from '../core/config';
import { CONFIG_FILE_NAME, ignoreMatcher, MAX_CONFIG_BYTES, parseConfigFile } from '../core/configFile';
import { MAX_DESCRIPTOR_BYTES, readRegularFileSync } from '../files';
import { looksLikeManifestFile, parseManifestFile, type SiblingReader } from '../core/manifests/read';
import { parseFile } from '../core/parse';
import type { ParsedFile } from '../core/types';
import { isComposeFileName } from '../core/manifests/compose';
import { isManifestCandidate, scanFolder } from '../scan';
import { safe } from './style';
import { defaultConfig } from '../core/config';

export class InputError extends Error {}

/** Larger files are not read at all; the core refuses anything past 20M characters. */
export const MAX_READ_BYTES = MAX_DESCRIPTOR_BYTES;

export interface LoadedConfig {
  config: Config;
  /** Absolute path of the file used, if any. */
  path?: string;
  /** The folder `ignore` patterns are relative to. */
  root: string;
  /** Said on stderr: a configuration file that was there but not read. */
  notes?: string[];
}

/**
 * Precedence: `--config`; else the nearest `.workload-placement.json` in the first
 * input's folder or a parent of it; else the current folder's; else the defaults.
 */
export function loadConfig(cwd: string, explicit: string | undefined, firstInput: string): LoadedConfig {
  if (explicit !== undefined) {
    const abs = path.resolve(cwd, explicit);
    return readConfig(abs, `--config ${safe(explicit)}`);
  }
  const start = path.resolve(cwd, firstInput);
  let dir = isDir(start) ? start : path.dirname(start);
  for (;;) {
    const found = configAt(path.join(dir, CONFIG_FILE_NAME), cwd);
    if (found) return found;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return configAt(path.join(cwd, CONFIG_FILE_NAME), cwd) ?? { config: defaultConfig(), root: cwd };
}

function readConfig(abs: string, label = safe(abs)): LoadedConfig {
  const r = readRegularFileSync(abs, MAX_CONFIG_BYTES);
  if (!r.ok) {
    if (r.reason === 'not-a-file') throw new InputError(`${label}: not a file.`);
    if (r.reason === 'too-large') throw new InputError(`${label}: a configuration file over 1 MB is not plausible; refusing to read it.`);
    throw new InputError(`Cannot read the configuration ${label}: ${r.message}.`);
  }
  const text = r.bytes.toString('utf8');
  const { config, problems } = parseConfigFile(text);
  if (problems.length) throw new InputError(`Invalid configuration ${safe(abs)}:\n${problems.map((p) => `  - ${safe(p)}`).join('\n')}`);
  return { config, path: abs, root: path.dirname(abs) };
}

export interface Collected {
  /** Absolute paths, sorted, without duplicates. */
  files: string[];
  /** Other YAML files found in folders (manifest candidates: see `readManifestCandidate`), sorted. */
  manifests: string[];
  /** Files of `files` named explicitly with a YAML name that is not a descriptor's: a manifest when the text says so. */
  maybeManifests: Set<string>;
  /** Files skipped because the configuration ignores them (absolute). */
  ignored: string[];
}

/** Folders are searched for descriptors; files named explicitly are taken whatever their name. */
export function collectFiles(cwd: string, inputs: readonly string[], loaded: LoadedConfig): Collected {
  const matcher = ignoreMatcher(loaded.config.ignore);
  const ignoredPath = (abs: string) => matcher(path.relative(loaded.root, abs).split(path.sep).join('/'));
  const problems: string[] = [];
  const files = new Map<string, string>();
  const manifests = new Map<string, string>();
  const maybeManifests = new Set<string>();
  const ignored: string[] = [];
  const realOf = (abs: string) => {
    try {
      return fs.realpathSync(abs);
    } catch {
      return abs; // Keep the given path; reading it will report the problem.
    }
  };
  const add = (abs: string) => {
    const key = realOf(abs);
    if (!files.has(key)) files.set(key, abs);
  };
  for (const input of inputs) {
    const abs = path.resolve(cwd, input);
    let st: fs.Stats;
    try {
      st = fs.statSync(abs);
    } catch (e) {
      problems.push(`${safe(input)}: ${describe(e)}`);
      continue;
    }
    if (st.isDirectory()) {
      if (ignoredPath(abs)) {
        ignored.push(abs);
        continue;
      }
      // The scanner the language server uses: the same files, so the same fleet.
      const scanned = scanFolder(abs, ignoredPath);
      scanned.files.forEach(add);
      for (const m of scanned.manifests) {
        const key = realOf(m);
        if (!manifests.has(key)) manifests.set(key, m);
      }
      ignored.push(...scanned.ignored);
      problems.push(...scanned.problems.map(safe));
    } else if (st.isFile()) {
      if (ignoredPath(abs)) ignored.push(abs);
      else {
        add(abs);
        if (isManifestCandidate(path.basename(abs))) maybeManifests.add(abs);
      }
    } else problems.push(`${safe(input)}: not a regular file or folder.`);
  }
  if (problems.length) throw new InputError(problems.join('\n'));
  const sort = (xs: Iterable<string>) => [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  // A file named and also found in a folder is read once, as named.
  for (const key of files.keys()) manifests.delete(key);
  return { files: sort(files.values()), manifests: sort(manifests.values()), maybeManifests, ignored };
}

export interface ReadFile {
  text: string;
  /** The file started with a byte-order mark (kept when the file is rewritten). */
  bom: boolean;
}

/** Reads a descriptor as UTF-8; binary, non-UTF-8 and huge files are input errors. */
export function readDescriptor(abs: string, shown: string): ReadFile {
  const display = safe(shown);
  // Only a regular file, read up to the limit: never a FIFO or a device behind a link.
  const r = readRegularFileSync(abs, MAX_READ_BYTES);
  if (!r.ok) {
    if (r.reason === 'not-a-file') throw new InputError(`${display}: not a regular file.`);
    if (r.reason === 'too-large') throw new InputError(`${display}: too large to be a descriptor (${((r.size ?? 0) / 1048576).toFixed(0)} MB; the limit is ${MAX_READ_BYTES / 1048576} MB).`);
    throw new InputError(`${display}: ${r.message}.`);
  }
  const buf = r.bytes;
  if (buf.subarray(0, 65536).includes(0)) throw new InputError(`${display}: a binary file, not a YAML descriptor.`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(buf);
  } catch {
    throw new InputError(`${display}: not valid UTF-8 text; a descriptor must be UTF-8 YAML.`);
  }
  const bom = text.charCodeAt(0) === 0xfeff;
  return { text: bom ? text.slice(1) : text, bom };
}

/**
 * Reads a manifest candidate a folder scan found: undefined when it is not a manifest (not
 * readable, over the size limit, not UTF-8 text, or naming no workload kind), which
 * then contributes nothing and is not reported. The size limit is the descriptors'.
 */
export function readManifestCandidate(abs: string): ReadFile | undefined {
  const r = readRegularFileSync(abs, MAX_READ_BYTES);
  if (!r.ok) return undefined;
  const buf = r.bytes;
  // The cheap test first: most YAML in a repository is not a manifest.
  const compose = isComposeFileName(abs);
  if ((compose ? !buf.includes('services') : !buf.includes('kind:') || !buf.includes('apiVersion:')) || buf.subarray(0, 65536).includes(0)) return undefined;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(buf);
  } catch {
    return undefined;
  }
  const bom = text.charCodeAt(0) === 0xfeff;
  if (bom) text = text.slice(1);
  return looksLikeManifestFile(abs, text) ? { text, bom } : undefined;
}

/** What a Compose file reads next to it (`.env`, its override, `extends` files): regular files within the size limit, as UTF-8. */
export function siblingReader(abs: string): SiblingReader {
  const dir = path.dirname(abs);
  return (rel) => {
    const r = readRegularFileSync(path.resolve(dir, rel), MAX_READ_BYTES);
    return r.ok ? r.bytes.toString('utf8').replace(/^\uFEFF/, '') : undefined;
  };
}

export function writeDescriptor(abs: string, display: string, file: ReadFile): void {
  try {
    fs.writeFileSync(abs, (file.bom ? '\ufeff' : '') + file.text, 'utf8');
  } catch (e) {
    throw new InputError(`Cannot write the fixes to ${safe(display)}: ${describe(e)}`);
  }
}

function describe(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err?.code) {
    case 'ENOENT':
      return 'no such file or folder.';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied.';
    case 'EISDIR':
      return 'is a folder.';
    case 'ELOOP':
      return 'too many levels of symbolic links.';
    case 'ENAMETOOLONG':
      return 'the path is too long.';
    default:
      return err?.message ? `${err.message}.` : String(e);
  }
}

/**
 * The configuration file where one is looked for, if there is one: read when regular. A
 * FIFO or a device there is not read (it could hang or never end) and, as in the editor,
 * the user is told it was ignored rather than left to wonder.
 */
function configAt(abs: string, cwd: string): LoadedConfig | undefined {
  let st: fs.Stats;
  try {
    st = fs.statSync(abs);
  } catch {
    return undefined;
  }
  if (st.isDirectory()) return undefined;
  if (st.isFile()) return readConfig(abs);
  return { config: defaultConfig(), root: cwd, notes: [`${safe(abs)}: not a regular file; ignored (the defaults apply).`] };
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export interface Fleet {
  /** Descriptors and manifests (Kubernetes, Compose), parsed, sorted by path. */
  parsed: ParsedFile[];
  /** Files skipped because the configuration ignores them (absolute). */
  ignored: string[];
}

/**
 * The fleet `check` reads in `paths`, parsed: descriptors, and the manifests and Compose
 * files among the YAML found or named. For the commands that read a fleet without
 * writing it (`layout`, `export`), so that they see what `check` and the editor see.
 * Any unreadable descriptor is an InputError naming every one.
 */
export function readFleet(cwd: string, paths: readonly string[], loaded: LoadedConfig, display: (abs: string) => string): Fleet {
  const collected = collectFiles(cwd, paths, loaded);
  const parsed: ParsedFile[] = [];
  for (const m of collected.manifests) {
    const read = readManifestCandidate(m);
    if (read) parsed.push(parseManifestFile(m, read.text, siblingReader(m)));
  }
  const problems: string[] = [];
  for (const f of collected.files) {
    try {
      const { text } = readDescriptor(f, display(f));
      // A YAML file named on the command line is a manifest when its text says so.
      parsed.push(collected.maybeManifests.has(f) && looksLikeManifestFile(f, text) ? parseManifestFile(f, text, siblingReader(f)) : parseFile(f, text));
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      problems.push(e.message);
    }
  }
  if (problems.length) throw new InputError(problems.join('\n'));
  parsed.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { parsed, ignored: collected.ignored };
}
