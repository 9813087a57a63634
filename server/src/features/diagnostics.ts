// Diagnostics: pulled by clients that can (`textDocument/diagnostic`), pushed to the
// others. Each carries its rule id as `code` and a link to the rule's docs; code
// actions take fixes from the current analysis. When an edit in one file changes another
// file's diagnostics (a host renamed, a duplicate name), pull clients are asked to
// refresh; push clients get the other file published. Files that are not open come
// through workspace diagnostics (pull) or are published (push).
//
// A document opened while the first scan still reads the workspace gets its file-local
// diagnostics at once (core/local.ts), under a result id of their own (pull) or as a
// publish (push); the first full analysis replaces them: pull clients are asked to
// refresh, push clients get the file published again, as for any changed file.

import {
  type CancellationToken,
  DiagnosticRefreshRequest,
  DiagnosticSeverity,
  type DiagnosticServerCancellationData,
  type DocumentDiagnosticReport,
  DocumentDiagnosticReportKind,
  type Diagnostic as LspDiagnostic,
  type WorkspaceDiagnosticReport,
  type WorkspaceDocumentDiagnosticReport,
} from 'vscode-languageserver';
import type { ServerContext } from '../context';
import { runNotification, runSafe } from '../runner';
import { SOURCE, toLspDiagnostic, toRange } from '../convert';
import type { Diagnostic, ParsedFile, Severity } from '../core/types';
import type { AnalysisEvent, FileState } from '../workspace';

/**
 * The most diagnostics one file shows in the editor. Thousands (a file of misspelt keys)
 * cost more to convert and send than the analysis itself and help nobody; the CLI still
 * reports them all.
 */
export const MAX_DIAGNOSTICS = 1000;
const RANK: Record<Severity, number> = { error: 0, warning: 1, information: 2, hint: 3 };

/**
 * At most `max` diagnostics, the most severe first, kept in file order; `hidden` is how
 * many were left out and `firstHidden` the first of them in file order.
 */
export function limitDiagnostics(diags: readonly Diagnostic[], max = MAX_DIAGNOSTICS): { shown: Diagnostic[]; hidden: number; firstHidden?: Diagnostic } {
  if (diags.length <= max) return { shown: diags.slice(), hidden: 0 };
  const count = [0, 0, 0, 0];
  for (const d of diags) count[RANK[d.severity]]++;
  // Whole severities while they fit, then the start of the next one in file order.
  const quota = [0, 0, 0, 0];
  let left = max;
  for (let r = 0; r < 4; r++) {
    quota[r] = Math.min(count[r], left);
    left -= quota[r];
  }
  const shown: Diagnostic[] = [];
  let firstHidden: Diagnostic | undefined;
  for (const d of diags) {
    const r = RANK[d.severity];
    if (quota[r] > 0) {
      quota[r]--;
      shown.push(d);
    } else firstHidden ??= d;
  }
  return { shown, hidden: diags.length - shown.length, firstHidden };
}

/** The file's diagnostics as LSP ones, limited, with a note of how many were left out. */
export function toLspDiagnostics(parsed: ParsedFile, diags: readonly Diagnostic[]): LspDiagnostic[] {
  const { shown, hidden, firstHidden } = limitDiagnostics(diags);
  const out = shown.map((d) => toLspDiagnostic(parsed, d));
  if (hidden && firstHidden) {
    out.push({
      range: toRange(parsed, firstHidden.span),
      severity: DiagnosticSeverity.Information,
      source: SOURCE,
      message: `${hidden.toLocaleString('en-US')} more problems in this file are not shown: the editor shows at most ${MAX_DIAGNOSTICS.toLocaleString('en-US')} per file, the most severe first. \`workload-placement check\` lists them all.`,
    });
  }
  return out;
}

/** Prefix of result ids: a restarted server never matches an old id. */
const SESSION = Math.random().toString(36).slice(2, 8);
/** The result id of a file that left the workspace. */
const GONE = `${SESSION}:gone`;

export function resultIdOf(f: FileState): string {
  return `${SESSION}:${f.diagStamp}`;
}

/** The result id of file-local diagnostics answered during the first scan: never a full analysis's. */
export function earlyResultIdOf(f: FileState): string {
  return `${SESSION}:early:${f.diagStamp}`;
}

export function lspDiagnosticsOf(ctx: ServerContext, uri: string): LspDiagnostic[] {
  const hit = ctx.workspace.parsed(uri);
  if (!hit) return [];
  return toLspDiagnostics(hit.parsed, hit.analysis.diagnostics.get(uri) ?? []);
}

export function registerDiagnostics(ctx: ServerContext): void {
  const { connection, workspace } = ctx;

  // Set when file-local diagnostics were given out: the first full analysis replaces them.
  let earlyGiven = false;
  const early = (uri: string) => {
    const hit = workspace.earlyDiagnostics(uri);
    if (hit) earlyGiven = true;
    return hit;
  };

  // Registered for every client; only those that announced pull support use it.
  {
    const EMPTY: DocumentDiagnosticReport = { kind: DocumentDiagnosticReportKind.Full, items: [] };
    connection.languages.diagnostics.on(async (params, token) => {
      // During the first scan, an open file's own diagnostics, to a client that can be asked to pull again.
      if (workspace.scanning && ctx.client.diagnosticRefresh && (await workspace.longScan)) {
        await workspace.configured;
        const answer = await runSafe<DocumentDiagnosticReport | undefined, DiagnosticServerCancellationData>(ctx.log, 'diagnostics', token, undefined, () => {
          const hit = early(params.textDocument.uri);
          if (!hit) return undefined;
          const resultId = earlyResultIdOf(hit.file);
          if (params.previousResultId === resultId) return { kind: DocumentDiagnosticReportKind.Unchanged, resultId };
          return { kind: DocumentDiagnosticReportKind.Full, resultId, items: toLspDiagnostics(hit.parsed, hit.diagnostics) };
        });
        if (answer !== undefined) return answer;
      }
      return ctx.safe<DocumentDiagnosticReport, DiagnosticServerCancellationData>('diagnostics', token, EMPTY, () => {
        const uri = params.textDocument.uri;
        const hit = workspace.parsed(uri);
        if (!hit) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
        const resultId = resultIdOf(hit.file);
        if (params.previousResultId === resultId) return { kind: DocumentDiagnosticReportKind.Unchanged, resultId };
        return { kind: DocumentDiagnosticReportKind.Full, resultId, items: lspDiagnosticsOf(ctx, uri) };
      });
    });
  }

  // A push client: an open file's own diagnostics as soon as it is opened or edited during the first scan.
  ctx.documents.onDidChangeContent((e) =>
    runNotification(ctx.log, 'early diagnostics', async () => {
      if (ctx.client.pullDiagnostics || !workspace.scanning || !(await workspace.longScan)) return;
      await workspace.configured;
      const hit = early(e.document.uri);
      if (hit) void connection.sendDiagnostics({ uri: hit.file.uri, version: hit.file.version ?? undefined, diagnostics: toLspDiagnostics(hit.parsed, hit.diagnostics) });
    }),
  );

  // Files that are not open (VS Code shows them in the Problems view). The answer
  // lists only files whose diagnostics changed since the client's result ids; when
  // none did, the request is held until an analysis changes one (a long poll), so a
  // client that asks again right away costs nothing.
  connection.languages.diagnostics.onWorkspace((params, token) =>
    ctx.safe<WorkspaceDiagnosticReport, DiagnosticServerCancellationData>('workspace diagnostics', token, { items: [] }, async () => {
      const previous = new Map(params.previousResultIds.map((p) => [p.uri, p.value]));
      for (;;) {
        workspace.flush();
        const items: WorkspaceDocumentDiagnosticReport[] = [];
        const known = new Set<string>();
        for (const f of workspace.allFiles()) {
          known.add(f.uri);
          if (f.open || ctx.documents.get(f.uri)) continue;
          const resultId = resultIdOf(f);
          if (previous.get(f.uri) === resultId) continue;
          items.push({ kind: DocumentDiagnosticReportKind.Full, uri: f.uri, version: null, resultId, items: lspDiagnosticsOf(ctx, f.uri) });
        }
        // Files that left the workspace: one empty report each.
        for (const [uri, id] of previous) {
          if (known.has(uri) || ctx.documents.get(uri) || id === GONE) continue;
          items.push({ kind: DocumentDiagnosticReportKind.Full, uri, version: null, resultId: GONE, items: [] });
        }
        if (items.length || token.isCancellationRequested || closing) return { items };
        await nextAnalysis(token);
      }
    }),
  );

  const waiters = new Set<() => void>();
  const nextAnalysis = (token: CancellationToken) =>
    new Promise<void>((resolve) => {
      const done = () => {
        waiters.delete(done);
        sub.dispose();
        resolve();
      };
      const sub = token.onCancellationRequested(done);
      waiters.add(done);
    });
  let closing = false;
  ctx.onShutdown(() => {
    closing = true;
    for (const w of [...waiters]) w();
  });

  // Refreshes are coalesced: a burst of analyses asks the client once.
  let refreshTimer: NodeJS.Timeout | undefined;
  const requestRefresh = () => {
    if (refreshTimer) return;
    refreshTimer = setTimeout(() => {
      refreshTimer = undefined;
      connection.sendRequest(DiagnosticRefreshRequest.type).catch((err: unknown) => ctx.log(`Diagnostic refresh failed: ${String(err)}`));
    }, 20);
  };

  workspace.onDidAnalyze((e: AnalysisEvent) => {
    if (e.changed.size || e.removed.size) for (const w of [...waiters]) w();
    if (ctx.client.pullDiagnostics) {
      // The file-local diagnostics given out during the scan are now replaced by the full ones.
      if (earlyGiven && !workspace.scanning) {
        earlyGiven = false;
        if (ctx.client.diagnosticRefresh) requestRefresh();
      }
      // The client pulls the document it changed by itself; others need a nudge.
      const others = [...e.changed].some((uri) => !e.textChanged.has(uri) && workspace.file(uri)?.open);
      if (others && ctx.client.diagnosticRefresh) requestRefresh();
      return;
    }
    for (const uri of e.removed) void connection.sendDiagnostics({ uri, diagnostics: [] });
    for (const uri of e.changed) {
      const f = workspace.file(uri);
      if (!f?.parsed) {
        void connection.sendDiagnostics({ uri, diagnostics: [] });
        continue;
      }
      const diags = toLspDiagnostics(f.parsed, e.analysis.diagnostics.get(uri) ?? []);
      void connection.sendDiagnostics({ uri, version: f.version ?? undefined, diagnostics: diags });
    }
  });
}
