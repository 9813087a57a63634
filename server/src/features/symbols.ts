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
import { runLong, Work } from '../slices';

export function registerSymbols(ctx: ServerContext): void {
  ctx.connection.onDocumentSymbol((params, token, progress) =>
    runLong<DocumentSymbol[] | SymbolInformation[]>(ctx, 'document symbols', 'Outline', token, progress, [], async (work) => {
      const hit = ctx.workspace.parsed(params.textDocument.uri);
      if (!hit) return [];
      const symbols = (await documentSymbols(hit.parsed, hit.analysis, work)).map((s) => toDocumentSymbol(hit.parsed, s));
      return ctx.client.hierarchicalSymbols ? symbols : flatten(params.textDocument.uri, symbols);
    }),
  );

  ctx.connection.onWorkspaceSymbol((params, token, progress) =>
    runLong<SymbolInformation[]>(ctx, 'workspace symbols', 'Searching hosts and workloads', token, progress, [], async (work) => {
      const analysis = ctx.workspace.flush();
      const files = new Map(analysis.fleet.files.map((f) => [f.file, f]));
      const out: SymbolInformation[] = [];
      for (const s of await workspaceSymbols(analysis, params.query, work)) {
        const f = files.get(s.file);
        if (f) out.push({ name: s.name, kind: LSP_KIND[s.kind], location: { uri: s.file, range: toRange(f, s.span) }, containerName: s.container });
      }
      return out;
    }),
  );
}

/** An entry of the outline, in offsets: a `hosts`/`workloads` group or a declaration. */
export interface OutlineSymbol {
  name: string;
  kind: SymbolKindName;
  detail?: string;
  /** The whole group or declaration. */
  span: Span;
  /** Its name (the group's key), inside `span`. */
  selection: Span;
  children?: OutlineSymbol[];
}

/** A host or workload found by "Go to Symbol in Workspace". */
export interface WorkspaceSymbol {
  name: string;
  kind: 'host' | 'workload';
  file: string;
  /** Its name's span. */
  span: Span;
  container: 'hosts' | 'workloads';
}

export type SymbolKindName = 'group' | 'host' | 'workload';

const LSP_KIND: Record<SymbolKindName, SymbolKind> = { group: SymbolKind.Namespace, host: SymbolKind.Class, workload: SymbolKind.Object };

/** `work` slices the loop (a cancelled request stops); by default it runs to the end. */
export async function documentSymbols(parsed: ParsedFile, analysis: Analysis, work: Work = unsliced()): Promise<OutlineSymbol[]> {
  const out: OutlineSymbol[] = [];
  // A Kubernetes manifest's outline is the YAML extension's.
  if (parsed.manifest) return out;
  const group = (key: 'hosts' | 'workloads', children: OutlineSymbol[], itemsEnd: number) => {
    const entry = parsed.root?.entries.find((e) => e.key === key);
    if (!entry) return;
    const span: Span = { start: entry.keySpan.start, end: Math.max(entry.keySpan.end, itemsEnd, entry.value?.span.end ?? 0) };
    out.push({ name: key, kind: 'group', span, selection: entry.keySpan, children });
  };
  work.start(parsed.hosts.length + parsed.workloads.length, 'hosts and workloads');
  const hosts: OutlineSymbol[] = [];
  await work.each(parsed.hosts, (h) => {
    const detail = [h.role, h.hypervisor ?? h.runtime, h.os].filter(Boolean).join(' · ');
    hosts.push(symbol(h.name, 'host', detail, h.span, h.nameSpan));
  });
  group('hosts', hosts, parsed.hosts.at(-1)?.span.end ?? 0);
  const workloads: OutlineSymbol[] = [];
  await work.each(parsed.workloads, (w) => {
    const rec = analysis.recommendations.get(w);
    const verdict = rec ? (rec.verdict ? `→ ${rec.verdict}` : '→ no option') : '';
    const declared = w.deploy && w.deploy !== rec?.verdict ? ` · declared ${w.deploy}` : '';
    workloads.push(symbol(w.name, 'workload', verdict + declared, w.span, w.nameSpan));
  });
  group('workloads', workloads, parsed.workloads.at(-1)?.span.end ?? 0);
  return out;
}

/**
 * Hosts and workloads across the workspace whose names contain the query's letters in
 * order, ignoring case (clients filter and rank again). Unnamed declarations are left out.
 */
export async function workspaceSymbols(analysis: Analysis, query: string, work: Work = unsliced()): Promise<WorkspaceSymbol[]> {
  const { fleet } = analysis;
  const matches = matcher(query);
  const out: WorkspaceSymbol[] = [];
  const add = (name: string | undefined, kind: 'host' | 'workload', file: string, span: Span) => {
    if (name && matches(name)) out.push({ name: clip(name), kind, file, span, container: kind === 'host' ? 'hosts' : 'workloads' });
  };
  work.start(fleet.hosts.length + fleet.workloads.length, 'hosts and workloads');
  await work.each(fleet.hosts, (h) => add(h.name, 'host', h.file, h.nameSpan));
  await work.each(fleet.workloads, (w) => add(w.name, 'workload', w.file, w.nameSpan));
  return out;
}

/** A Work that no client waits on: for callers outside a request (tests, other hosts). */
export function unsliced(): Work {
  return new Work('', undefined, undefined, () => undefined);
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

function symbol(name: string | undefined, what: 'host' | 'workload', detail: string, span: Span, nameSpan: Span): OutlineSymbol {
  // The selection range must lie inside the range.
  const outer = { start: Math.min(span.start, nameSpan.start), end: Math.max(span.end, nameSpan.end) };
  return { name: clip(name === undefined || name === '' ? `(unnamed ${what})` : name), kind: what, detail, span: outer, selection: nameSpan };
}

function toDocumentSymbol(parsed: ParsedFile, s: OutlineSymbol): DocumentSymbol {
  const out: DocumentSymbol = { name: s.name, detail: s.detail, kind: LSP_KIND[s.kind], range: toRange(parsed, s.span), selectionRange: toRange(parsed, s.selection) };
  if (s.children) out.children = s.children.map((c) => toDocumentSymbol(parsed, c));
  return out;
}

function flatten(uri: string, symbols: DocumentSymbol[], container?: string): SymbolInformation[] {
  const out: SymbolInformation[] = [];
  for (const s of symbols) {
    out.push({ name: s.name, kind: s.kind, location: { uri, range: s.range }, containerName: container });
    if (s.children) out.push(...flatten(uri, s.children, s.name));
  }
  return out;
}
