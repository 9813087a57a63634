// In-process feature tests: a fixture is descriptor text with a `$0` caret, run through
// the core (parse, analyse) and a feature function; no server, no protocol. As in
// rust-analyzer's `check(ra_fixture, expect)`: the fixture reads like the file the user
// has open, and what the feature answers is compared as plain data.
//
// A fixture is one file, or several, each opened by a `//- name` line:
//
//   //- hosts.workload.yaml
//   version: 1
//   hosts: ...
//   //- apps.workload.yaml
//   workloads:
//     - name: we$0b
//
// A YAML file not named like a descriptor whose text names a Kubernetes workload kind is
// read as a manifest, as the scanner would.
//
// A single file without a `//-` line is `main.workload.yaml`, analysed with the
// fleet of `FLEET_FILE` (test/core/helpers.ts: a hypervisor and a container host) so
// that workloads have a verdict, unless `alone` is asked for.

import { analyze, type Analysis, fileOf } from '../../server/src/core/analyze';
import { defaultConfig } from '../../server/src/core/config';
import { parseFile } from '../../server/src/core/parse';
import type { ParsedFile, Span } from '../../server/src/core/types';
import { FLEET, parseAny } from '../core/helpers';

export const MAIN = 'main.workload.yaml';
export const FLEET_FILE = 'fleet.workload.yaml';
export const CARET = '$0';

export interface Fixture {
  /** Every file's text, without the caret. */
  files: Record<string, string>;
  /** The file with the caret. */
  file: string;
  offset: number;
  parsed: ParsedFile;
  analysis: Analysis;
  /** The text a span covers in a file (the caret's by default). */
  slice(span: Span, file?: string): string;
  /** `line:col` (from 0) of an offset in a file (the caret's by default). */
  lineCol(offset: number, file?: string): string;
}

export function fixture(src: string, opts: { alone?: boolean } = {}): Fixture {
  const files: Record<string, string> = {};
  if (/^\/\/- /m.test(src)) {
    const parts = src.split(/^\/\/- (\S+)[ \t]*\n/m);
    if (parts[0].trim()) throw new Error('text before the first //- line');
    for (let i = 1; i < parts.length; i += 2) files[parts[i]] = parts[i + 1];
  } else {
    if (!opts.alone) files[FLEET_FILE] = FLEET;
    files[MAIN] = src;
  }
  const withCaret = Object.keys(files).filter((f) => files[f].includes(CARET));
  if (withCaret.length !== 1) throw new Error(`one file must have the ${CARET} caret; found ${withCaret.length}`);
  const file = withCaret[0];
  const offset = files[file].indexOf(CARET);
  if (files[file].indexOf(CARET, offset + 1) >= 0) throw new Error(`one ${CARET} caret only`);
  files[file] = files[file].slice(0, offset) + files[file].slice(offset + CARET.length);
  const all = Object.entries(files).map(([name, text]) => parseAny(name, text));
  const analysis = analyze(all, defaultConfig());
  // A manifest's workloads may be joined with another file's (an HPA): the analysed copy.
  const parsed = fileOf(analysis, file) ?? all.find((p) => p.file === file)!;
  const lineCol = (o: number, f = file) => {
    const before = files[f].slice(0, o);
    const line = before.split('\n').length - 1;
    return `${line}:${o - (before.lastIndexOf('\n') + 1)}`;
  };
  return { files, file, offset, parsed, analysis, slice: (s, f = file) => files[f].slice(s.start, s.end), lineCol };
}

/** `base` with the caret put where `needle` (which contains `$0`) occurs, the nth time. */
export function caret(base: string, needle: string, nth = 0): string {
  const at = needle.indexOf(CARET);
  if (at < 0) throw new Error(`no ${CARET} in ${needle}`);
  const plain = needle.slice(0, at) + needle.slice(at + CARET.length);
  let idx = -1;
  for (let i = 0; i <= nth; i++) {
    idx = base.indexOf(plain, idx + 1);
    if (idx < 0) throw new Error(`'${plain}' not found`);
  }
  return base.slice(0, idx + at) + CARET + base.slice(idx + at);
}

/** `base` with `line` (which may carry the caret) inserted after the line holding `after`. */
export function insertAfter(base: string, after: string, line: string): string {
  const i = base.lastIndexOf(after);
  if (i < 0) throw new Error(`'${after}' not found`);
  const eol = base.indexOf('\n', i + after.length - 1) + 1;
  return base.slice(0, eol) + line + '\n' + base.slice(eol);
}

/** The protocol tests' two files (test/lsp/fixtures.ts) as one fixture; the caret is in one of them. */
export function twoFiles(hosts: string, apps: string): string {
  return `//- hosts.workload.yaml\n${hosts}//- apps.workload.yaml\n${apps}`;
}
