// `workload-placement check`: collect → read → parse → analyse (→ fix) → report. The
// engine is the editor's: the same parse, the same `analyze`, the same configuration
// through `normalizeConfig`, over every file as one fleet.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Analysis, AnalysisSession } from '../core/analyze';
import { looksLikeManifestFile, parseManifestFile } from '../core/manifests/read';
import { parseFile } from '../core/parse';
import type { ParsedFile } from '../core/types';
import type { CheckOptions } from './args';
import { chooseFixes, fixFile, reparser, type SkippedFix } from '../core/fix';
import { collectFiles, InputError, loadConfig, readDescriptor, readManifestCandidate, type ReadFile, siblingReader, writeDescriptor } from './inputs';
import { Progress } from './progress';
import { writeJsonReport, writeLines } from './jsonStream';
import { buildReport, positionOf, type Report, reportHead, reportWorkloads } from './report';
import { toSarif } from './sarif';
import { painter, safe, safeJson, wantsColour } from './style';
import { formatText, textLines } from './text';

/** `--fix` re-analyses after each round; a fix can make another one appear. */
export const MAX_FIX_ROUNDS = 5;

export interface CheckIo {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  toolVersion: string;
}

export async function runCheck(opts: CheckOptions, io: CheckIo): Promise<number> {
  const { cwd } = io;
  const loaded = loadConfig(cwd, opts.config, opts.paths[0]);
  const collected = collectFiles(cwd, opts.paths, loaded);
  const { ignored } = collected;
  const display = (abs: string) => displayPath(cwd, abs);
  const note = (msg: string) => {
    if (!opts.quiet) io.stderr.write(`workload-placement: ${msg}\n`);
  };
  for (const n of loaded.notes ?? []) note(n);
  // Manifests found in folders: read now, kept only when they are manifests (the rest of
  // a repository's YAML says nothing to us, and is not reported).
  const contents = new Map<string, ReadFile>();
  const manifests = new Set<string>();
  for (const m of collected.manifests) {
    const read = readManifestCandidate(m);
    if (read) {
      contents.set(m, read);
      manifests.add(m);
    }
  }
  const files = [...collected.files, ...manifests].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (!files.length) {
    if (!ignored.length) {
      throw new InputError(`No descriptor files (*.workload.yaml, *.workload.yml), Kubernetes manifests or Compose files found in ${opts.paths.map(safe).join(', ')}.`);
    }
    note(`every descriptor found is ignored by the configuration (${ignored.length}).`);
  }

  let bytes = 0;
  for (const f of files) {
    try {
      bytes += fs.statSync(f).size;
    } catch {
      // Reading reports it.
    }
  }
  const progress = Progress.for(io.stderr, opts.quiet, files.length, bytes);
  const problems: string[] = [];
  files.forEach((f, i) => {
    progress.update(`Reading ${i + 1}/${files.length} files…`);
    if (manifests.has(f)) return;
    try {
      const read = readDescriptor(f, display(f));
      contents.set(f, read);
      // A YAML file named on the command line is a manifest when its text says so.
      if (collected.maybeManifests.has(f) && looksLikeManifestFile(f, read.text)) manifests.add(f);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      problems.push(e.message);
    }
  });
  if (problems.length) {
    progress.done();
    throw new InputError(problems.join('\n'));
  }

  const parse = (f: string) => (manifests.has(f) ? parseManifestFile(f, contents.get(f)!.text, siblingReader(f)) : parseFile(f, contents.get(f)!.text));
  let parsed: ParsedFile[] = files.map((f, i) => {
    progress.update(`Parsing ${i + 1}/${files.length} files…`);
    return parse(f);
  });
  progress.update(`Analysing ${files.length} files…`, true);
  // A fix round re-parses only the files it changed: the session reuses the rest.
  // The host-failure check runs whole here: no keystroke waits for it.
  const session = new AnalysisSession({ failureBudget: Infinity });
  let analysis: Analysis = session.update(parsed, loaded.config);

  let fixed: Report['fixed'];
  // Skipped fixes by file, rule and the text their finding covers (which outlives a round's offsets).
  const skippedFixes = new Map<string, { file: string; skip: SkippedFix; covers: string }>();
  if (opts.fix) {
    const changed = new Set<string>();
    // Never write through a symbolic link to a file outside the folders being checked.
    const outside = new Set(files.filter((f) => !insideCheckedTree(cwd, opts.paths, f)));
    let total = 0;
    let rounds = 0;
    let left = false;
    for (; rounds < MAX_FIX_ROUNDS; rounds++) {
      progress.update(`Fixing (round ${rounds + 1})…`, true);
      let any = false;
      left = false;
      parsed = parsed.map((p) => {
        // Manifests have no fixes: they are not ours to rewrite.
        if (outside.has(p.file) || p.manifest) return p;
        const kept: { parsed?: ParsedFile } = {};
        const r = fixFile(p.text, analysis.diagnostics.get(p.file) ?? [], p.findings, reparser(p.file, kept));
        for (const skip of r.skipped) {
          const covers = p.text.slice(skip.finding.span.start, skip.finding.span.end);
          const key = `${p.file}\u0000${skip.finding.ruleId}\u0000${covers}`;
          if (!skippedFixes.has(key)) skippedFixes.set(key, { file: p.file, skip, covers });
        }
        if (r.deferred) left = true;
        if (!r.applied.length || r.text === p.text) return p;
        any = true;
        total += r.applied.reduce((n, c) => n + c.findings.length, 0);
        changed.add(p.file);
        contents.get(p.file)!.text = r.text;
        // Verification's last parse is usually of this very text: no need to parse it again.
        return kept.parsed && kept.parsed.text === r.text ? kept.parsed : parse(p.file);
      });
      if (!any) break;
      analysis = session.update(parsed, loaded.config);
    }
    for (const f of files) if (changed.has(f)) writeDescriptor(f, display(f), contents.get(f)!);
    fixed = { fixes: total, files: files.filter((f) => changed.has(f)).map(display), rounds };
    // What was skipped and is still reported (a skipped fix whose finding another fix cleared is not news).
    const skipped: NonNullable<Report['fixed']>['skipped'] = [];
    for (const { file, skip, covers } of skippedFixes.values()) {
      const p = parsed.find((x) => x.file === file)!;
      const still = (analysis.diagnostics.get(file) ?? []).find((d) => d.ruleId === skip.finding.ruleId && p.text.slice(d.span.start, d.span.end) === covers);
      if (!still) continue;
      skipped.push({ file: display(file), line: positionOf(p, still.span.start).line, rule: still.ruleId, fix: skip.fix.title, reason: skip.reason });
    }
    for (const f of files) {
      if (!outside.has(f)) continue;
      if (!chooseFixes(contents.get(f)!.text, analysis.diagnostics.get(f) ?? []).chosen.length) continue;
      skipped.push({ file: display(f), line: null, rule: null, fix: null, reason: 'it is a symbolic link to a file outside the folders being checked; not written' });
    }
    if (skipped.length) fixed.skipped = skipped;
    if (rounds === MAX_FIX_ROUNDS && (left || chooseFixesLeft(parsed, analysis, outside))) {
      note(`fixes still change the files after ${MAX_FIX_ROUNDS} rounds; run --fix again and review the result.`);
    }
  }
  progress.done();

  const meta = { toolVersion: io.toolVersion, config: loaded.path ? display(loaded.path) : null };
  let summary: Report['summary'];
  if (opts.format === 'json') {
    // Streamed: each workload's entry is made, written and dropped in turn.
    const head = reportHead(parsed, analysis, display, meta);
    await writeJsonReport(io.stdout, head, reportWorkloads(parsed, analysis, display, head.summary, { explain: opts.explain }), fixed);
    summary = head.summary;
  } else if (opts.format === 'text' && !opts.quiet) {
    // Streamed too: each verdict's lines are made, written and dropped in turn (the whole
    // text at 100,000 workloads is 74 MB, and its report objects more).
    const head = reportHead(parsed, analysis, display, meta, { fixes: false });
    const workloads = reportWorkloads(parsed, analysis, display, head.summary, { explain: true });
    const paint = painter(wantsColour(opts.color, Boolean(io.stdout.isTTY), io.env));
    await writeLines(io.stdout, textLines({ diagnostics: head.diagnostics, workloads, fixed, summary: head.summary }, paint, { verdicts: true }));
    summary = head.summary;
  } else {
    // The text report shows each verdict's factors; SARIF and --quiet show no verdicts.
    // --quiet and SARIF show no verdicts: the workloads are only counted.
    const report = buildReport(parsed, analysis, display, meta, { explain: false, workloads: false, fixes: opts.format === 'sarif' });
    if (fixed) report.fixed = fixed;
    io.stdout.write(render(report, opts, io));
    summary = report.summary;
  }
  if (opts.fix && opts.format === 'sarif' && fixed) note(`fixed ${fixed.fixes} problem(s) in ${fixed.files.length} file(s).`);

  const s = summary;
  if (s.errors > 0) return 1;
  if (opts.maxWarnings !== undefined && s.warnings > opts.maxWarnings) {
    note(`${s.warnings} warnings, more than --max-warnings ${opts.maxWarnings}.`);
    return 1;
  }
  return 0;
}

function chooseFixesLeft(parsed: ParsedFile[], analysis: Analysis, outside: ReadonlySet<string>): boolean {
  return parsed.some((p) => !outside.has(p.file) && chooseFixes(p.text, analysis.diagnostics.get(p.file) ?? []).chosen.length > 0);
}

/**
 * True when the file, symbolic links resolved, lies inside one of the checked paths
 * (a folder given, or the folder of a file given), also resolved.
 */
export function insideCheckedTree(cwd: string, paths: readonly string[], file: string): boolean {
  let real: string;
  try {
    real = fs.realpathSync(file);
  } catch {
    return false;
  }
  for (const p of paths) {
    const abs = path.resolve(cwd, p);
    let root: string;
    try {
      root = fs.realpathSync(fs.statSync(abs).isDirectory() ? abs : path.dirname(abs));
    } catch {
      continue;
    }
    const rel = path.relative(root, real);
    if (rel && !rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel)) return true;
  }
  return false;
}

function render(report: Report, opts: CheckOptions, io: CheckIo): string {
  if (opts.format === 'sarif') return `${safeJson(JSON.stringify(toSarif(report, io.cwd), null, 2))}\n`;
  const colour = wantsColour(opts.color, Boolean(io.stdout.isTTY), io.env);
  return formatText(report, painter(colour), { verdicts: !opts.quiet });
}

/** Relative to the working directory with `/`; absolute when outside it. */
export function displayPath(cwd: string, abs: string): string {
  const rel = path.relative(cwd, abs);
  if (!rel) return path.basename(abs);
  if (path.isAbsolute(rel) || rel === '..' || rel.startsWith(`..${path.sep}`)) return abs.split(path.sep).join('/');
  return rel.split(path.sep).join('/');
}
