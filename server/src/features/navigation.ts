// Host names across files: go to a host's declaration from a pin, find every pin of
// a host, and rename a host with all its pins (rejecting an empty name or one that
// another host already has). A rename edits only text the name owns (core/fix.ts):
// never an alias, never past a block scalar.

import { type Location, type Range, ResponseError, ErrorCodes, type TextDocumentEdit, type TextEdit as LspTextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import type { Analysis } from '../core/analyze';
import { ownEdit } from '../core/fix';
import { lineOf } from '../core/text';
import type { ParsedFile, Span, TextEdit, WorkloadDecl } from '../core/types';
import type { ServerContext } from '../context';
import { toOffset, toRange } from '../convert';
import { hostNameAt, innerSpan } from '../locate';
import { runLong, type Work } from '../slices';

export function registerNavigation(ctx: ServerContext): void {
  const { connection, workspace } = ctx;

  connection.onDefinition((params, token) =>
    ctx.safe<Location[] | null>('definition', token, null, () => {
      const hit = workspace.parsed(params.textDocument.uri);
      if (!hit) return null;
      const found = definitionAt(hit.parsed, hit.analysis, toOffset(hit.parsed, params.position));
      return found ? found.map((o) => location(o.file, o.span)) : null;
    }),
  );

  connection.onReferences((params, token, progress) =>
    runLong<Location[] | null>(ctx, 'references', 'Finding references', token, progress, null, async (work) => {
      const hit = workspace.parsed(params.textDocument.uri);
      if (!hit) return null;
      const found = await referencesAt(hit.parsed, hit.analysis, toOffset(hit.parsed, params.position), params.context.includeDeclaration, work);
      return found ? found.map((o) => location(o.file, o.span)) : null;
    }),
  );

  connection.onPrepareRename((params, token) =>
    ctx.safe<{ range: Range; placeholder: string } | null>('prepare rename', token, null, () => {
      const hit = workspace.parsed(params.textDocument.uri);
      if (!hit) return null;
      const name = hostNameAt(hit.parsed, toOffset(hit.parsed, params.position));
      if (!name) throw new ResponseError(ErrorCodes.InvalidRequest, 'Only host names (a host\'s `name:` or a `host:`/`hosts:` pin) can be renamed.');
      return { range: toRange(hit.parsed, innerSpan(hit.parsed.text, name.span)), placeholder: name.name };
    }),
  );

  connection.onRenameRequest((params, token, progress) =>
    runLong<WorkspaceEdit | null>(ctx, 'rename', 'Renaming host', token, progress, null, async (work) => {
      const hit = workspace.parsed(params.textDocument.uri);
      if (!hit) return null;
      const name = hostNameAt(hit.parsed, toOffset(hit.parsed, params.position));
      if (!name) throw new ResponseError(ErrorCodes.InvalidRequest, 'Only host names can be renamed.');
      const problem = renameProblem(hit.analysis, name.name, params.newName);
      if (problem) throw new ResponseError(ErrorCodes.InvalidParams, problem);
      if (params.newName === name.name) return { changes: {} };
      const occ = await occurrences(hit.analysis, name.name, work);
      const planned = renameEdits([...occ.decls, ...occ.pins], params.newName);
      if (typeof planned === 'string') throw new ResponseError(ErrorCodes.InvalidRequest, planned);
      const byFile = new Map<string, LspTextEdit[]>();
      for (const { file, edits } of planned) byFile.set(file.file, edits.map((e) => ({ range: toRange(file, e.span), newText: e.newText })));
      if (ctx.client.documentChanges) {
        const documentChanges: TextDocumentEdit[] = [...byFile].map(([uri, edits]) => ({ textDocument: { uri, version: workspace.file(uri)?.version ?? null }, edits }));
        return { documentChanges };
      }
      return { changes: Object.fromEntries(byFile) };
    }),
  );
}

/** A host name in a file: its declaration or a pin. */
export interface Occurrence {
  file: ParsedFile;
  span: Span;
}

/** Go to definition: from a host name (a pin or a declaration) to where it is declared. */
export function definitionAt(parsed: ParsedFile, analysis: Analysis, offset: number): Occurrence[] | undefined {
  const name = hostNameAt(parsed, offset);
  return name && declarations(analysis, name.name);
}

/** Find references: every pin of the host name at `offset`, and its declarations if asked. */
export async function referencesAt(parsed: ParsedFile, analysis: Analysis, offset: number, includeDeclaration: boolean, work?: Work): Promise<Occurrence[] | undefined> {
  const name = hostNameAt(parsed, offset);
  if (!name) return undefined;
  const occ = await occurrences(analysis, name.name, work);
  return includeDeclaration ? [...occ.decls, ...occ.pins] : occ.pins;
}

function filesOf(analysis: Analysis): Map<string, ParsedFile> {
  return new Map(analysis.fleet.files.map((f) => [f.file, f]));
}

/** Where a host name is declared (more than once when it is a duplicate). */
export function declarations(analysis: Analysis, name: string, files = filesOf(analysis)): Occurrence[] {
  const decls: Occurrence[] = [];
  for (const h of analysis.fleet.hostsByName.get(name) ?? []) {
    const f = files.get(h.file);
    if (f) decls.push({ file: f, span: h.nameSpan });
  }
  return decls;
}

/**
 * Every declaration and pin of a host name across the workspace. The pins are found by
 * a scan over every workload, in slices when `work` is given (a cancelled request stops).
 */
export async function occurrences(analysis: Analysis, name: string, work?: Work): Promise<{ decls: Occurrence[]; pins: Occurrence[] }> {
  const files = filesOf(analysis);
  const decls = declarations(analysis, name, files);
  const pins: Occurrence[] = [];
  const scan = (w: WorkloadDecl) => {
    if (!w.pins.length) return;
    const f = files.get(w.file);
    if (!f) return;
    for (const p of w.pins) if (p.name === name) pins.push({ file: f, span: p.span });
  };
  const workloads = analysis.fleet.workloads;
  if (work) {
    work.start(workloads.length, 'workloads');
    await work.each(workloads, scan);
  } else workloads.forEach(scan);
  return { decls, pins };
}

/**
 * The edits of a rename, per file, through the fix path's ownership check: an occurrence
 * that is an alias (`*pin`, the anchored original is renamed and the alias follows) is
 * left alone; one written as a block scalar has its one content line replaced; anything
 * else that cannot be edited safely refuses the whole rename, with where and why.
 */
export function renameEdits(occ: readonly Occurrence[], newName: string): { file: ParsedFile; edits: TextEdit[] }[] | string {
  const byFile = new Map<ParsedFile, TextEdit[]>();
  for (const o of occ) {
    const text = o.file.source;
    const first = text.charAt(o.span.start);
    if (first === '*') continue;
    const block = first === '|' || first === '>';
    const owned = ownEdit(text, { span: o.span, newText: block ? newName : yamlScalar(o.file.text, o.span, newName) });
    if (typeof owned === 'string') {
      const line = lineOf(o.file.lineStarts, o.span.start) + 1;
      return `Cannot rename safely: at ${o.file.file}:${line} ${owned}.`;
    }
    const edits = byFile.get(o.file) ?? [];
    if (!edits.some((e) => e.span.start === owned.span.start)) edits.push(owned);
    byFile.set(o.file, edits);
  }
  return [...byFile].map(([file, edits]) => ({ file, edits }));
}

export function renameProblem(analysis: Analysis, oldName: string, newName: string): string | undefined {
  if (newName.trim() === '') return 'A host name cannot be empty.';
  if (newName !== newName.trim()) return 'A host name cannot start or end with spaces.';
  if (/[\r\n\t]/.test(newName) || /[\u0000-\u001f\u007f]/.test(newName)) return 'A host name must be one line of printable text.';
  if (newName.length > 253) return 'A host name can be at most 253 characters long.';
  if (newName !== oldName && analysis.fleet.hostsByName.has(newName)) return `A host named '${newName}' already exists; host names must be unique.`;
  return undefined;
}

/** The new name written the way the old one was (quoted or plain), quoted when it must be. */
export function yamlScalar(text: string, span: Span, name: string): string {
  const q = text[span.start];
  if (q === "'") return `'${name.replace(/'/g, "''")}'`;
  if (q === '"' || !plainSafe(name)) return JSON.stringify(name);
  return name;
}

function plainSafe(s: string): boolean {
  if (!/^[A-Za-z_][\w.-]*$/.test(s)) return false;
  return !/^(true|false|null|yes|no|on|off|y|n)$/i.test(s);
}

function location(f: ParsedFile, span: Span): Location {
  return { uri: f.file, range: toRange(f, span) };
}
