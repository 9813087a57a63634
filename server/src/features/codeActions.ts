// Code actions: each diagnostic's fixes (the preferred one marked), "disable this
// rule for this line" and "show documentation"; `source.fixAll.workloadPlacement`
// applying every safe fix at once; and, on a workload without `deploy`, setting it
// to the recommendation. A range over a whole big file (select all) reaches thousands of
// diagnostics: the loops over them run in slices that a cancellation stops (slices.ts).

import { type CodeAction, CodeActionKind, MessageType, ShowMessageNotification, type Diagnostic as LspDiagnostic, type TextEdit as LspTextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import { eolOf, insertIntoMap } from '../core/edits';
import { RULES_BY_ID, ruleDocUrl } from '../core/rules';
import { lineOf } from '../core/text';
import type { Diagnostic, Fix, ParsedFile, TextEdit } from '../core/types';
import type { ServerContext } from '../context';
import { rangesOverlap, SOURCE, toLspDiagnostic, toLspEdit, toOffset } from '../convert';
import { declAt } from '../locate';
import { runLong, type Work } from '../slices';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.workloadPlacement`;
export const SHOW_RULE_DOCS_COMMAND = 'workloadPlacement.showRuleDocs';

export function registerCodeActions(ctx: ServerContext): void {
  const { connection, workspace } = ctx;

  connection.onCodeAction((params, token, progress) =>
    runLong<CodeAction[]>(ctx, 'code actions', 'Code actions', token, progress, [], async (work) => {
      const uri = params.textDocument.uri;
      const hit = workspace.parsed(uri);
      if (!hit) return [];
      const { parsed, analysis, file } = hit;
      const only = params.context.only;
      const wants = (kind: string) => !only || only.some((o) => kind === o || kind.startsWith(`${o}.`));
      const edit = (edits: readonly TextEdit[]): WorkspaceEdit => workspaceEdit(uri, file.version, edits.map((e) => toLspEdit(parsed, e)), ctx.client.documentChanges);
      const out: CodeAction[] = [];
      const diags = analysis.diagnostics.get(uri) ?? [];
      const quickFixes = wants(CodeActionKind.QuickFix);
      const fixAll = !!only && wants(FIX_ALL_KIND);
      work.start((quickFixes ? diags.length : 0) + (fixAll ? diags.length : 0), 'diagnostics');

      if (quickFixes) {
        const seenRule = new Set<string>();
        const fromClient = clientDiagnostics(params.context.diagnostics);
        await work.each(diags, (d) => {
          const lsp = toLspDiagnostic(parsed, d);
          if (!rangesOverlap(lsp.range, params.range)) return;
          const shown = fromClient.get(diagnosticKey(lsp)) ?? lsp;
          for (const fix of d.fixes ?? []) {
            out.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [shown], isPreferred: !!fix.preferred, edit: edit(fix.edits) });
          }
          const line = lineOf(parsed.lineStarts, d.span.start);
          const key = `${d.ruleId}@${line}`;
          if (seenRule.has(key)) return;
          seenRule.add(key);
          out.push({ title: `Disable ${d.ruleId} for this line`, kind: CodeActionKind.QuickFix, diagnostics: [shown], edit: edit([disableForLine(parsed, d)]) });
          out.push({
            title: `Show documentation for ${d.ruleId}`,
            kind: CodeActionKind.QuickFix,
            diagnostics: [shown],
            command: { title: `Show documentation for ${d.ruleId}`, command: SHOW_RULE_DOCS_COMMAND, arguments: [d.ruleId] },
          });
        });
      }

      if (fixAll) {
        const edits = await fixAllEdits(diags, work);
        if (edits.length) out.push({ title: 'Fix all safe workload placement problems', kind: FIX_ALL_KIND, edit: edit(edits) });
      }

      if (wants(CodeActionKind.RefactorRewrite)) {
        const start = toOffset(parsed, params.range.start);
        const w = declAt(parsed.workloads, start);
        const rec = w && analysis.recommendations.get(w);
        if (w && rec?.verdict && !w.node.entries.some((e) => e.key === 'deploy')) {
          out.push({
            title: `Set deploy: ${rec.verdict} (recommended)`,
            kind: CodeActionKind.RefactorRewrite,
            edit: edit([insertIntoMap(parsed.text, w.node, [`deploy: ${rec.verdict}`])]),
          });
        }
      }
      return out;
    }),
  );

  connection.onExecuteCommand((params, token) =>
    ctx.safe<null>('execute command', token, null, async () => {
      if (params.command !== SHOW_RULE_DOCS_COMMAND) return null;
      const id = params.arguments?.[0];
      if (typeof id !== 'string' || !RULES_BY_ID.has(id)) return null;
      const url = ruleDocUrl(id);
      let shown = false;
      if (ctx.client.showDocument) {
        try {
          shown = (await connection.window.showDocument({ uri: url, external: true })).success;
        } catch (err) {
          ctx.log(`The client could not open ${url}: ${String(err)}`);
        }
      }
      // Without showDocument (or when it fails) the link goes in a message.
      if (!shown) void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Info, message: `Documentation for ${id}: ${url}` });
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

/**
 * Every diagnostic's safe fix (its preferred one, else its first safe one), skipping a
 * fix whose edits overlap one already taken: one pass, no guessing at merges. With
 * `work`, the pass runs in its slices (it may follow the quick-fix loop of one request).
 */
export async function fixAllEdits(diags: readonly Diagnostic[], work?: Work): Promise<TextEdit[]> {
  const taken: TextEdit[] = [];
  const seen = new Set<string>();
  const take = (d: Diagnostic) => {
    const safe = (d.fixes ?? []).filter((f) => f.safe);
    const fix = safe.find((f) => f.preferred) ?? safe[0];
    if (!fix) return;
    const key = JSON.stringify(fix.edits);
    if (seen.has(key)) return;
    if (fix.edits.some((e) => taken.some((t) => overlaps(e, t)))) return;
    seen.add(key);
    taken.push(...fix.edits);
  };
  if (work) await work.each(diags, take);
  else diags.forEach(take);
  return taken.sort((a, b) => a.span.start - b.span.start);
}

function overlaps(a: TextEdit, b: TextEdit): boolean {
  if (a.span.start === a.span.end && b.span.start === b.span.end) return false; // Two inserts.
  return a.span.start < b.span.end && b.span.start < a.span.end;
}

export function workspaceEdit(uri: string, version: number | null, edits: LspTextEdit[], documentChanges: boolean): WorkspaceEdit {
  if (documentChanges) return { documentChanges: [{ textDocument: { uri, version }, edits }] };
  return { changes: { [uri]: edits } };
}

