// Hover: on a workload's name, why the verdict fell (the requirements met and unmet,
// apart from the trade-offs among what they leave, and what a different declared
// `deploy` gives up); on a host name, what the host is; on
// a key or an enum value, its documentation from the schema.

import { type Hover, MarkupKind } from 'vscode-languageserver';
import type { Analysis } from '../core/analyze';
import { formatBytes } from '../core/quantity';
import { type Constraint, givesUp, needLabel, type Recommendation, ruledOut } from '../core/recommend';
import type { FieldType } from '../core/schema';
import type { HostDecl, ParsedFile, Span, WorkloadDecl } from '../core/types';
import { DEPLOYS } from '../core/types';
import type { ServerContext } from '../context';
import { toOffset, toRange } from '../convert';
import { contains, declAt, hitAt, hostNameAt, specAt } from '../locate';
import { cell, clip, md, untrusted } from '../markdown';
import { lineOf } from '../core/text';

export function registerHover(ctx: ServerContext): void {
  ctx.connection.onHover((params, token) =>
    ctx.safe<Hover | null>('hover', token, null, () => {
      const hit = ctx.workspace.parsed(params.textDocument.uri);
      if (!hit) return null;
      const offset = toOffset(hit.parsed, params.position);
      const value = hoverAt(hit.parsed, hit.analysis, offset);
      if (!value) return null;
      // A client without markdown gets the text without its escapes (plain text is not rendered).
      return {
        contents: ctx.client.markdownHover ? { kind: MarkupKind.Markdown, value: value.text } : { kind: MarkupKind.PlainText, value: unescapeMarkdown(value.text) },
        range: toRange(hit.parsed, value.span),
      };
    }),
  );
}

/** A hover: Markdown, and the span of the text it is about. */
export interface HoverResult {
  text: string;
  span: Span;
}

export function hoverAt(parsed: ParsedFile, analysis: Analysis, offset: number): HoverResult | undefined {
  const found = hoverParts(parsed, analysis, offset);
  return found && { text: untrusted(found.text), span: found.span };
}

function hoverParts(parsed: ParsedFile, analysis: Analysis, offset: number): HoverResult | undefined {
  const host = hostNameAt(parsed, offset);
  if (host) {
    const decls = analysis.fleet.hostsByName.get(host.name) ?? [];
    return { text: [hostHover(host.name, decls), analysis.placement.describeHostUse(host.name)].filter(Boolean).join('\n\n'), span: host.span };
  }
  const w = declAt(parsed.workloads, offset);
  if (w) {
    // A manifest's workload is named by `metadata.name` (its nameSpan); hover there only.
    const onName = (w.manifest !== undefined || w.node.entries.some((e) => e.key === 'name' && e.value)) && contains(w.nameSpan, offset);
    const firstKey = w.node.entries[0]?.keySpan.start ?? w.span.end;
    const onDash = !w.manifest && offset >= w.span.start && offset < firstKey;
    if (onName || onDash) {
      const rec = analysis.recommendations.get(w);
      const placed = analysis.placement.describeWorkloadPlacement(analysis.placement.workloadIndex.get(w) ?? -1);
      if (rec) return { text: [workloadHover(w, rec, parsed), placed].filter(Boolean).join('\n\n'), span: onName ? w.nameSpan : { start: w.span.start, end: w.span.start + 1 } };
    }
  }
  // Nothing else in a manifest is ours to document.
  if (parsed.manifest) return undefined;
  const t = hitAt(parsed.root, offset);
  if (!t) return undefined;
  if (t.onKey && t.entry) {
    const { field } = specAt(t.path);
    if (!field) return undefined;
    return { text: fieldDoc(field.key, field.doc, field.type, field.required, field.default), span: t.entry.keySpan };
  }
  if (t.scalar) {
    const { field, type } = specAt(t.path);
    if (!field || !type) return undefined;
    const itemType = type.kind === 'array' ? type.items : type;
    if (itemType.kind === 'enum') {
      const v = itemType.values.find((x) => x.value === t.scalar!.value);
      if (!v) return undefined;
      let text = `**${md(field.key)}: ${md(v.value)}**\n\n${md(v.doc)}`;
      // On `deploy`, also say how it compares with the recommendation.
      if (field.key === 'deploy' && w) {
        const rec = analysis.recommendations.get(w);
        if (rec?.verdict) text += `\n\nRecommended: **${rec.verdict}** (${rec.confidenceLabel}, ${pct(rec.confidence)}).`;
      }
      return { text, span: t.scalar.span };
    }
  }
  return undefined;
}

export function workloadHover(w: WorkloadDecl, rec: Recommendation, parsed?: ParsedFile): string {
  const name = md(clip(w.name ?? '(unnamed workload)'));
  const out: string[] = [];
  // A manifest's factors name the descriptor field and the manifest line it was read from.
  const m = w.manifest;
  const fieldCell = (field: string) => {
    const s = m?.fields[field];
    return s && parsed ? `${field} (line ${lineOf(parsed.lineStarts, s.start) + 1})` : field;
  };
  if (rec.verdict) {
    out.push(`**${name}** → **${rec.verdict}**`);
    const margin = rec.confidenceLabel === 'required' ? 'the only option left' : `margin ${rec.margin}`;
    out.push(`Confidence: ${rec.confidenceLabel} (${pct(rec.confidence)}, ${margin}) · scores: ${rec.feasible.map((d) => `${d} ${rec.scores[d]}`).join(', ')}`);
  } else {
    out.push(`**${name}** → no option: nothing in the fleet meets its needs`);
  }
  if (m) {
    const from = [m.format === 'compose' ? `Compose service in project ${md(clip(m.project ?? ''))}` : `Kubernetes ${md(m.kind)}${m.namespace ? ` in namespace ${md(clip(m.namespace))}` : ''}`];
    if (m.scaledBy) from.push(`scaling from a HorizontalPodAutoscaler${parsed && m.scaledBy === parsed.file ? ' in this file' : ` in ${md(clip(m.scaledBy.split('/').pop() ?? ''))}`}`);
    if (m.perHost) from.push('one replica per node');
    if (m.gpus) from.push(`${m.gpus} GPU${m.gpus === 1 ? '' : 's'} requested`);
    if (m.zones.length) from.push(`zones ${m.zones.map((z) => md(clip(z))).join(', ')}`);
    out.push(`From ${from.join(' · ')}.`);
  }
  if (w.deploy) {
    if (w.deploy === rec.verdict) out.push(`Declared \`deploy: ${w.deploy}\`: matches the recommendation.`);
    else out.push(`Declared \`deploy: ${w.deploy}\`${rec.verdict ? `, against the recommendation (${rec.verdict})` : ''}.`);
  }
  const needs = requirementLines(w, rec);
  if (needs.length) out.push(`**Requirements**\n\n${needs.join('\n')}`);
  const factors = rec.factors.filter((f) => Object.values(f.weights).some((x) => x !== 0));
  if (factors.length && rec.feasible.length) out.push(`**Trade-offs** (among ${rec.feasible.join(', ')})\n\n${factorTable(factors, fieldCell)}`);
  if (w.deploy && rec.verdict && w.deploy !== rec.verdict) {
    const lost = givesUp(rec, w.deploy);
    if (lost.length) out.push(`**\`${w.deploy}\` gives up**\n\n${lost.map((f) => `- ${md(f.id)} (${md(f.field)}): ${md(f.reason)}`).join('\n')}`);
  }
  return out.join('\n\n');
}

/** Stage 1: each need (met or not by the chosen deployment) and each fleet fact, with what it rules out. */
function requirementLines(w: WorkloadDecl, rec: Recommendation): string[] {
  const chosen = w.deploy ?? rec.verdict;
  const groups = new Map<string, Constraint[]>();
  for (const c of ruledOut(rec)) {
    const key = c.source === 'workload' ? `${c.what}\u0000${c.field}` : c.reason;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  return [...groups.values()].map((cs) => {
    const c = cs[0];
    const ds = cs.map((x) => x.deploy).join(', ');
    if (c.source === 'fleet') return `- fleet: ${md(c.reason)} (rules out ${ds})`;
    const met = chosen !== null && !cs.some((x) => x.deploy === chosen);
    const reasons = [...new Set(cs.map((x) => x.reason))].map(md).join('; ');
    return `- ${met ? 'met' : '**unmet**'}: ${needLabel(c)} (${md(c.field)}) rules out ${ds}: ${reasons}`;
  });
}

/** `field` shows a factor's field (a manifest's names its line too). */
function factorTable(factors: Recommendation['factors'], field: (name: string) => string = (f) => f): string {
  const weights = (f: Recommendation['factors'][number]) =>
    DEPLOYS.filter((d) => f.weights[d])
      .map((d) => `${d} ${f.weights[d]! > 0 ? '+' : ''}${f.weights[d]}`)
      .join(', ');
  return [
    '| Factor | Field | Favours | Weights | Reason |',
    '|---|---|---|---|---|',
    ...factors.map((f) => `| ${cell(f.id)} | ${cell(field(f.field))} | ${cell(f.favours)} | ${cell(weights(f))} | ${cell(f.reason)} |`),
  ].join('\n');
}

export function hostHover(name: string, decls: readonly HostDecl[]): string {
  if (!decls.length) return `**${md(clip(name))}**: no host with this name is declared in the workspace.`;
  const h = decls[0];
  const lines = [`**${md(clip(name))}** (host)`];
  const role = h.role === 'hypervisor' ? `hypervisor${h.hypervisor ? ` (${md(h.hypervisor)})` : ''}` : h.role === 'container-host' ? 'container host' : 'unknown role';
  const runtime = h.runtime ? `${h.role === 'hypervisor' ? ', guests run ' : ', runtime '}${md(h.runtime)}` : '';
  const facts = [`Role: ${role}${runtime}`];
  if (h.os) facts.push(`OS: ${md(h.os)}`);
  else if (h.role === 'container-host') facts.push('OS: linux (assumed)');
  const size = [h.cpu !== undefined ? `${h.cpu} cores` : '', h.memory !== undefined ? `${formatBytes(h.memory)} memory` : '', h.storage !== undefined ? `${formatBytes(h.storage)} storage` : '']
    .filter(Boolean)
    .join(', ');
  if (size) facts.push(`Size: ${md(size)}`);
  if (h.site) facts.push(`Site: ${md(h.site)}`);
  lines.push(facts.map((f) => `- ${f}`).join('\n'));
  if (decls.length > 1) lines.push(`Declared ${decls.length} times: host names must be unique.`);
  return lines.join('\n\n');
}

export function fieldDoc(key: string, doc: string, type: FieldType, required?: boolean, dflt?: string): string {
  const parts = [`**${md(key)}**${required ? ' (required)' : ''}: ${typeName(type)}`, md(doc)];
  if (dflt) parts.push(`Default: ${md(dflt)}`);
  const vals = type.kind === 'enum' ? type.values : type.kind === 'array' && type.items.kind === 'enum' ? type.items.values : undefined;
  if (vals) parts.push(vals.map((v) => `- **${md(v.value)}**: ${md(v.doc)}`).join('\n'));
  if (type.kind === 'object') parts.push(`Keys: ${type.fields.map((f) => md(f.key)).join(', ')}`);
  return parts.join('\n\n');
}

export function typeName(t: FieldType): string {
  switch (t.kind) {
    case 'enum':
      return 'one of the values below';
    case 'cpu':
      return 'cores or millicores (`2`, `500m`)';
    case 'memory':
      return 'a size (`512Mi`, `4Gi`)';
    case 'hostRef':
      return 'a host name';
    case 'array':
      return `a list of ${t.items.kind === 'object' ? 'mappings' : typeName(t.items)}`;
    case 'object':
      return 'a mapping';
    case 'integer':
      return 'a whole number';
    default:
      return t.kind === 'string' ? 'text' : t.kind;
  }
}

function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}

/** Markdown escapes and entities back to plain characters. */
export function unescapeMarkdown(text: string): string {
  return text
    .replace(/\\([\\`*_{}[\]()#+\-.!|~])/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    .replace(/&amp;/g, '&');
}
