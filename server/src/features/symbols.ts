// The outline: a `hosts` group and a `workloads` group per file, each entry named
// after its declaration, with the host's role or the workload's verdict as detail.
// Workspace symbols: every host and workload of the workspace whose name matches the
// query (letters in order, any case), for "Go to Symbol in Workspace". Both loop over
// every declaration, in slices that a cancellation stops (slices.ts).

import { type DocumentSymbol, type SymbolInformation, SymbolKind } from 'vscode-languageserver';
import type { Analysis } from '../core/analyze';
import type { ParsedFile, Span } from '../core/types';
import type { ServerContext } from '../context';
import { toRange } from '../convert';
import { clip } from '../markdown';
import { runLong, type Work } from '../slices';

export function registerSymbols(ctx: ServerContext): void {
  ctx.connection.onDocumentSymbol((params, token, progress) =>
    runLong<DocumentSymbol[] | SymbolInformation[]>(ctx, 'document symbols', 'Outline', token, progress, [], async (work) => {
      const hit = ctx.workspace.parsed(params.textDocument.uri);
      if (!hit) return [];
      const symbols = await documentSymbols(hit.parsed, hit.analysis, work);
      return ctx.client.hierarchicalSymbols ? symbols : flatten(params.textDocument.uri, symbols);
    }),
  );

  ctx.connection.onWorkspaceSymbol((params, token, progress) =>
    runLong<SymbolInformation[]>(ctx, 'workspace symbols', 'Searching hosts and workloads', token, progress, [], (work) => workspaceSymbols(ctx.workspace.flush(), params.query, work)),
  );
}

export async function documentSymbols(parsed: ParsedFile, analysis: Analysis, work: Work): Promise<DocumentSymbol[]> {
  const out: DocumentSymbol[] = [];
  const group = (key: 'hosts' | 'workloads', children: DocumentSymbol[], itemsEnd: number) => {
    const entry = parsed.root?.entries.find((e) => e.key === key);
    if (!entry) return;
    const span: Span = { start: entry.keySpan.start, end: Math.max(entry.keySpan.end, itemsEnd, entry.value?.span.end ?? 0) };
    out.push({ name: key, kind: SymbolKind.Namespace, range: toRange(parsed, span), selectionRange: toRange(parsed, entry.keySpan), children });
  };
  work.start(parsed.hosts.length + parsed.workloads.length, 'hosts and workloads');
  const hosts: DocumentSymbol[] = [];
  await work.each(parsed.hosts, (h) => {
    const detail = [h.role, h.hypervisor ?? h.runtime, h.os].filter(Boolean).join(' · ');
    hosts.push(symbol(parsed, h.name, 'host', detail, SymbolKind.Class, h.span, h.nameSpan));
  });
  group('hosts', hosts, parsed.hosts.at(-1)?.span.end ?? 0);
  const workloads: DocumentSymbol[] = [];
  await work.each(parsed.workloads, (w) => {
    const rec = analysis.recommendations.get(w);
    const verdict = rec ? (rec.verdict ? `→ ${rec.verdict}` : 'no capable host') : '';
    const declared = w.deploy && w.deploy !== rec?.verdict ? ` · declared ${w.deploy}` : '';
    workloads.push(symbol(parsed, w.name, 'workload', verdict + declared, SymbolKind.Object, w.span, w.nameSpan));
  });
  group('workloads', workloads, parsed.workloads.at(-1)?.span.end ?? 0);
  return out;
}

/**
 * Hosts and workloads across the workspace whose names contain the query's letters in
 * order, ignoring case (clients filter and rank again). Unnamed declarations are left out.
 */
export async function workspaceSymbols(analysis: Analysis, query: string, work: Work): Promise<SymbolInformation[]> {
  const { fleet } = analysis;
  const files = new Map(fleet.files.map((f) => [f.file, f]));
  const matches = matcher(query);
  const out: SymbolInformation[] = [];
  const add = (name: string | undefined, kind: SymbolKind, file: string, nameSpan: Span, container: string) => {
    if (!name || !matches(name)) return;
    const f = files.get(file);
    if (f) out.push({ name: clip(name), kind, location: { uri: file, range: toRange(f, nameSpan) }, containerName: container });
  };
  work.start(fleet.hosts.length + fleet.workloads.length, 'hosts and workloads');
  await work.each(fleet.hosts, (h) => add(h.name, SymbolKind.Class, h.file, h.nameSpan, 'hosts'));
  await work.each(fleet.workloads, (w) => add(w.name, SymbolKind.Object, w.file, w.nameSpan, 'workloads'));
  return out;
}

/** Letters of the query in order, any case, anything between them. */
export function matcher(query: string): (name: string) => boolean {
  const q = query.toLowerCase().replace(/\s+/g, '');
  if (!q) return () => true;
  return (name) => {
    const n = name.toLowerCase();
    let at = 0;
    for (const ch of q) {
      at = n.indexOf(ch, at);
      if (at < 0) return false;
      at += ch.length;
    }
    return true;
  };
}

function symbol(parsed: ParsedFile, name: string | undefined, what: string, detail: string, kind: SymbolKind, span: Span, nameSpan: Span): DocumentSymbol {
  // The selection range must lie inside the range.
  const outer = { start: Math.min(span.start, nameSpan.start), end: Math.max(span.end, nameSpan.end) };
  return {
    name: clip(name === undefined || name === '' ? `(unnamed ${what})` : name),
    detail,
    kind,
    range: toRange(parsed, outer),
    selectionRange: toRange(parsed, nameSpan),
  };
}

function flatten(uri: string, symbols: DocumentSymbol[], container?: string): SymbolInformation[] {
  const out: SymbolInformation[] = [];
  for (const s of symbols) {
    out.push({ name: s.name, kind: s.kind, location: { uri, range: s.range }, containerName: container });
    if (s.children) out.push(...flatten(uri, s.children, s.name));
  }
  return out;
}
