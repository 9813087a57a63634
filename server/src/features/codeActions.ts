// Code actions: each diagnostic's fixes (the preferred one marked), "disable this
// rule for this line" and "show documentation"; `source.fixAll.workloadPlacement`
// applying every safe fix at once (core/fix.ts: the same path as `check --fix`); and,
// on a workload without `deploy`, setting it to the recommendation. `computeCodeActions`
// gives them as plain data; the handler converts them. A range over a whole big file (select all) reaches thousands of
// diagnostics: the loops over them run in slices that a cancellation stops (slices.ts).

import { type CodeAction, CodeActionKind, MessageType, ShowMessageNotification, type Diagnostic as LspDiagnostic, type TextEdit as LspTextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import type { Analysis } from '../core/analyze';
import { eolOf, insertIntoMap } from '../core/edits';
import { chooseFixesAsync, ownFix, type Reparse, reparser, verifyChoice, verifyFixes } from '../core/fix';
import { RULES_BY_ID, SHOW_RULE_DOCS_COMMAND } from '../core/rules';
import { anchorLink, bundledRuleDocs } from '../ruleDocs';
import { lineOf } from '../core/text';
import type { Diagnostic, Fix, ManifestFile, ParsedFile, Span, TextEdit } from '../core/types';
import type { ServerContext } from '../context';
import { SOURCE, toLspDiagnostic, toLspEdit, toOffset } from '../convert';
import { declAt } from '../locate';
import { runLong, type Work } from '../slices';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.workloadPlacement`;
export { SHOW_RULE_DOCS_COMMAND };

/** A code action as plain data (core spans and edits); the handler turns it into LSP. */
export interface ActionData {
  title: string;
  kind: string;
  /** The diagnostic the action fixes (quick fixes). */
  diagnostic?: Diagnostic;
  isPreferred?: boolean;
  edits?: TextEdit[];
  command?: { title: string; command: string; arguments: unknown[] };
}

export interface ActionInput {
  parsed: ParsedFile;
  analysis: Analysis;
  /** The file's key in the analysis (its URI). */
  uri: string;
  /** The requested range, as offsets. */
  range: Span;
  /** The kinds the client asked for (`context.only`). */
  only?: readonly string[];
}

/** Quick fixes are verified by a re-parse of the file while it is smaller than this (a cursor move asks for them). */
export const VERIFY_QUICK_FIX_MAX_CHARS = 256 * 1024;
/** ...and while a request offers at most this many fixes. */
export const VERIFY_QUICK_FIX_MAX = 16;

/**
 * The code actions for a range, as plain data. Quick fixes go through the one fix path's
 * ownership check (never an alias, never past a block scalar) and, on a file of moderate
 * size, its verification; "fix all" is the one fix path: choose, own, verify.
 */
export async function computeCodeActions(input: ActionInput, work?: Work): Promise<ActionData[]> {
  const { parsed, analysis, uri, range, only } = input;
  const wants = (kind: string) => !only || only.some((o) => kind === o || kind.startsWith(`${o}.`));
  const out: ActionData[] = [];
  const diags = analysis.diagnostics.get(uri) ?? [];
  const quickFixes = wants(CodeActionKind.QuickFix);
  const fixAll = !!only && wants(FIX_ALL_KIND);
  work?.start((quickFixes ? diags.length : 0) + (fixAll ? diags.length : 0), 'diagnostics');
  const each = <T>(items: readonly T[], fn: (t: T) => void) => (work ? work.each(items, fn) : items.forEach((t) => fn(t)));
  const reparse = (text: string) => reparserFor(uri, parsed.manifest)(text);

  if (quickFixes) {
    const seenRule = new Set<string>();
    const eol = eolOf(parsed.source);
    const offered: { action: ActionData; fix: Fix; diagnostic: Diagnostic }[] = [];
    await each(diags, (d) => {
      if (!(d.span.end >= range.start && range.end >= d.span.start)) return;
      for (const fix of d.fixes ?? []) {
        const edits = ownFix(parsed.source, fix, eol);
        if (typeof edits === 'string') continue;
        const action: ActionData = { title: fix.title, kind: CodeActionKind.QuickFix, diagnostic: d, isPreferred: !!fix.preferred, edits };
        offered.push({ action, fix: { ...fix, edits }, diagnostic: d });
        out.push(action);
      }
      const line = lineOf(parsed.lineStarts, d.span.start);
      const key = `${d.ruleId}@${line}`;
      if (seenRule.has(key)) return;
      seenRule.add(key);
      out.push({ title: `Disable ${d.ruleId} for this line`, kind: CodeActionKind.QuickFix, diagnostic: d, edits: [disableForLine(parsed, d)] });
      out.push({
        title: `Show documentation for ${d.ruleId}`,
        kind: CodeActionKind.QuickFix,
        diagnostic: d,
        command: { title: `Show documentation for ${d.ruleId}`, command: SHOW_RULE_DOCS_COMMAND, arguments: [d.ruleId] },
      });
    });
    // Each fix alone must re-parse cleanly; checked while that is cheap enough.
    if (offered.length && offered.length <= VERIFY_QUICK_FIX_MAX && parsed.source.length <= VERIFY_QUICK_FIX_MAX_CHARS) {
      const text = parsed.text;
      const failed = new Set<ActionData>();
      for (const o of offered) {
        const v = verifyFixes(text, [{ fix: o.fix, edits: o.fix.edits, findings: [o.diagnostic] }], parsed.findings, reparse, { maxParses: 1 });
        if (!v.applied.length) failed.add(o.action);
      }
      if (failed.size) return filterOut(out, failed);
    }
  }

  if (fixAll) {
    const text = parsed.text;
    const choice = await chooseFixesAsync(text, diags, each);
    const r = verifyChoice(text, choice, parsed.findings, reparse);
    if (r.edits.length) out.push({ title: 'Fix all safe workload placement problems', kind: FIX_ALL_KIND, edits: r.edits });
  }

  if (wants(CodeActionKind.RefactorRewrite)) {
    const w = declAt(parsed.workloads, range.start);
    const rec = w && analysis.recommendations.get(w);
    // Not in a manifest: `deploy:` is a descriptor field (in a Compose file, another key).
    if (w && rec?.verdict && !w.manifest && !w.node.entries.some((e) => e.key === 'deploy')) {
      const edits = ownFix(parsed.source, { title: '', edits: [insertIntoMap(parsed.source, w.node, [`deploy: ${rec.verdict}`])], safe: false });
      if (typeof edits !== 'string') out.push({ title: `Set deploy: ${rec.verdict} (recommended)`, kind: CodeActionKind.RefactorRewrite, edits });
    }
  }
  return out;
}

/**
 * Verification re-parses through a piece cache kept for the last few files asked about:
 * the first verification of a file costs a whole parse, later ones (the next cursor move,
 * fix-all on the next save) only the pieces that differ from what it last parsed.
 */
const reparsers = new Map<string, Reparse>();
const KEPT_REPARSERS = 2;

function reparserFor(uri: string, manifest: ManifestFile | undefined): Reparse {
  const key = manifest ? `${manifest.format}\u0000${uri}` : uri;
  let r = reparsers.get(key);
  if (r) reparsers.delete(key);
  else r = reparser(uri, undefined, manifest ?? false);
  reparsers.set(key, r);
  if (reparsers.size > KEPT_REPARSERS) reparsers.delete(reparsers.keys().next().value!);
  return r;
}

function filterOut(actions: ActionData[], drop: ReadonlySet<ActionData>): ActionData[] {
  return actions.filter((a) => !drop.has(a));
}

export function registerCodeActions(ctx: ServerContext): void {
  const { connection, workspace } = ctx;

  connection.onCodeAction((params, token, progress) =>
    runLong<CodeAction[]>(ctx, 'code actions', 'Code actions', token, progress, [], async (work) => {
      const uri = params.textDocument.uri;
      const hit = workspace.parsed(uri);
      if (!hit) return [];
      const { parsed, analysis, file } = hit;
      const range = { start: toOffset(parsed, params.range.start), end: toOffset(parsed, params.range.end) };
      const data = await computeCodeActions({ parsed, analysis, uri, range, only: params.context.only }, work);
      const fromClient = clientDiagnostics(params.context.diagnostics);
      const shown = new Map<Diagnostic, LspDiagnostic>();
      const lspOf = (d: Diagnostic) => {
        let l = shown.get(d);
        if (!l) {
          const own = toLspDiagnostic(parsed, d);
          l = fromClient.get(diagnosticKey(own)) ?? own;
          shown.set(d, l);
        }
        return l;
      };
      return data.map((a) => {
        const action: CodeAction = { title: a.title, kind: a.kind };
        if (a.diagnostic) action.diagnostics = [lspOf(a.diagnostic)];
        if (a.isPreferred !== undefined) action.isPreferred = a.isPreferred;
        if (a.edits) action.edit = workspaceEdit(uri, file.version, a.edits.map((e) => toLspEdit(parsed, e)), ctx.client.documentChanges);
        if (a.command) action.command = a.command;
        return action;
      });
    }),
  );

  connection.onExecuteCommand((params, token) =>
    ctx.safe<null>('execute command', token, null, async () => {
      if (params.command !== SHOW_RULE_DOCS_COMMAND) return null;
      const id = params.arguments?.[0];
      if (typeof id !== 'string' || !RULES_BY_ID.has(id)) return null;
      // The docs/rules.md shipped with the server, in the editor, at the rule's heading.
      const docs = bundledRuleDocs();
      const line = docs?.headings.get(id);
      let shown = false;
      if (docs && line !== undefined && ctx.client.showDocument) {
        const at = { line, character: 0 };
        try {
          shown = (await connection.window.showDocument({ uri: docs.uri, takeFocus: true, selection: { start: at, end: at } })).success;
        } catch (err) {
          ctx.log(`The client could not open ${docs.uri}: ${String(err)}`);
        }
      }
      // Without showDocument (or when it fails) the link goes in a message.
      if (!shown) void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Info, message: `Documentation for ${id}: ${anchorLink(id)}` });
      return null;
    }),
  );
}

/**
 * The client's copies of our diagnostics by rule and range, so that an action names the
 * diagnostic the editor shows (the first of equal ones, as a search would find). One map
 * instead of a search per diagnostic: a whole-file range sends them all.
 */
function clientDiagnostics(fromClient: readonly LspDiagnostic[]): Map<string, LspDiagnostic> {
  const byKey = new Map<string, LspDiagnostic>();
  for (const d of fromClient) {
    if (d.source !== SOURCE) continue;
    const key = diagnosticKey(d);
    if (!byKey.has(key)) byKey.set(key, d);
  }
  return byKey;
}

function diagnosticKey(d: LspDiagnostic): string {
  const r = d.range;
  return `${String(d.code)}@${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
}

/** The comment `# placement-ignore: <id>` above the diagnostic's line, or the id added to one. */
export function disableForLine(parsed: ParsedFile, d: Diagnostic): TextEdit {
  const { text, lineStarts } = parsed;
  const line = lineOf(lineStarts, d.span.start);
  const start = lineStarts[line];
  const lineText = lineAt(text, lineStarts, line);
  const indent = /^[ \t]*/.exec(lineText)![0];
  if (line > 0) {
    const prev = lineAt(text, lineStarts, line - 1);
    const m = /^([ \t]*#\s*placement-ignore\s*:\s*[\w-]+(?:\s*,\s*[\w-]+)*)\s*$/.exec(prev);
    if (m) {
      const at = lineStarts[line - 1] + m[1].length;
      return { span: { start: at, end: at }, newText: `, ${d.ruleId}` };
    }
  }
  return { span: { start, end: start }, newText: `${indent}# placement-ignore: ${d.ruleId}${eolOf(text)}` };
}

function lineAt(text: string, lineStarts: readonly number[], line: number): string {
  let end = line + 1 < lineStarts.length ? lineStarts[line + 1] : text.length;
  while (end > lineStarts[line] && (text[end - 1] === '\n' || text[end - 1] === '\r')) end--;
  return text.slice(lineStarts[line], end);
}

export function workspaceEdit(uri: string, version: number | null, edits: LspTextEdit[], documentChanges: boolean): WorkspaceEdit {
  if (documentChanges) return { documentChanges: [{ textDocument: { uri, version }, edits }] };
  return { changes: { [uri]: edits } };
}

