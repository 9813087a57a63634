// The outline: a `hosts` group and a `workloads` group per file, each entry named
// after its declaration, with the host's role or the workload's verdict as detail.

import { type DocumentSymbol, type SymbolInformation, SymbolKind } from 'vscode-languageserver';
import type { Analysis } from '../core/analyze';
import type { ParsedFile, Span } from '../core/types';
import type { ServerContext } from '../context';
import { toRange } from '../convert';
import { clip } from '../markdown';

export function registerSymbols(ctx: ServerContext): void {
  ctx.connection.onDocumentSymbol((params, token) =>
    ctx.safe<DocumentSymbol[] | SymbolInformation[]>('document symbols', token, [], () => {
      const hit = ctx.workspace.parsed(params.textDocument.uri);
      if (!hit) return [];
      const symbols = documentSymbols(hit.parsed, hit.analysis);
      return ctx.client.hierarchicalSymbols ? symbols : flatten(params.textDocument.uri, symbols);
    }),
  );
}

export function documentSymbols(parsed: ParsedFile, analysis: Analysis): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  const group = (key: 'hosts' | 'workloads', children: DocumentSymbol[], itemsEnd: number) => {
    const entry = parsed.root?.entries.find((e) => e.key === key);
    if (!entry) return;
    const span: Span = { start: entry.keySpan.start, end: Math.max(entry.keySpan.end, itemsEnd, entry.value?.span.end ?? 0) };
    out.push({ name: key, kind: SymbolKind.Namespace, range: toRange(parsed, span), selectionRange: toRange(parsed, entry.keySpan), children });
  };
  const hosts = parsed.hosts.map((h) => {
    const detail = [h.role, h.hypervisor ?? h.runtime, h.os].filter(Boolean).join(' · ');
    return symbol(parsed, h.name, 'host', detail, SymbolKind.Class, h.span, h.nameSpan);
  });
  group('hosts', hosts, parsed.hosts.at(-1)?.span.end ?? 0);
  const workloads = parsed.workloads.map((w) => {
    const rec = analysis.recommendations.get(w);
    const verdict = rec ? (rec.verdict ? `→ ${rec.verdict}` : 'no capable host') : '';
    const declared = w.deploy && w.deploy !== rec?.verdict ? ` · declared ${w.deploy}` : '';
    return symbol(parsed, w.name, 'workload', verdict + declared, SymbolKind.Object, w.span, w.nameSpan);
  });
  group('workloads', workloads, parsed.workloads.at(-1)?.span.end ?? 0);
  return out;
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
