// Completion, read from the lines around the cursor (the line being typed rarely
// parses): keys for the mapping the cursor is in (minus those already written),
// enum values with their docs, host names after `host:` / in `hosts:`, rule ids in
// `# placement-ignore:` comments, and snippets for typical workloads and hosts.

import { type CompletionItem, CompletionItemKind, type CompletionList, InsertTextFormat, InsertTextMode, MarkupKind } from 'vscode-languageserver';
import type { Analysis } from '../core/analyze';
import { RULES } from '../core/rules';
import { type FieldSpec, type FieldType, fieldsAt } from '../core/schema';
import type { ParsedFile, Span } from '../core/types';
import type { ClientFeatures, ServerContext } from '../context';
import { toOffset, toPosition, toRange } from '../convert';
import { blockPathAt, declAt, type LineSource, lineInfo, lineSource, type Path, siblingKeys, specAt } from '../locate';
import { lineOf } from '../core/text';
import { fieldDoc, hostHover, typeName } from './hover';

export function registerCompletion(ctx: ServerContext): void {
  ctx.connection.onCompletion((params, token) =>
    ctx.safe<CompletionList | null>('completion', token, null, () => {
      const hit = ctx.workspace.parsed(params.textDocument.uri);
      if (!hit) return null;
      const offset = toOffset(hit.parsed, params.position);
      const items = completeAt(hit.parsed, hit.analysis, offset, ctx.client).map((c) => toLspCompletion(hit.parsed, c, ctx.client));
      return { isIncomplete: false, items };
    }),
  );
}

/** What a completion offers, in the core's terms: the shell turns it into a CompletionItem. */
export interface Completion {
  label: string;
  kind: CompletionKind;
  detail?: string;
  /** Markdown. */
  documentation?: string;
  sortText?: string;
  filterText?: string;
  /** Replaces `span`: a snippet when `format` is `snippet`, else the text as is. */
  insert: string;
  format: 'snippet' | 'plain';
  /** The word before the cursor, which the item replaces. */
  span: Span;
  /** Opens the suggestions again once inserted (a value comes next). */
  retrigger?: boolean;
}

export type CompletionKind = 'key' | 'enum' | 'value' | 'host' | 'snippet';

/** What of the client's abilities shapes the items (ClientFeatures satisfies it). */
export interface CompletionOptions {
  snippets: boolean;
  /** Continuation lines go in as written (absolute columns), not re-indented. */
  insertTextModeAsIs: boolean;
}

const LSP_KIND: Record<CompletionKind, CompletionItemKind> = {
  key: CompletionItemKind.Property,
  enum: CompletionItemKind.EnumMember,
  value: CompletionItemKind.Value,
  host: CompletionItemKind.Reference,
  snippet: CompletionItemKind.Snippet,
};

export function toLspCompletion(parsed: ParsedFile, c: Completion, client: ClientFeatures): CompletionItem {
  const it: CompletionItem = {
    label: c.label,
    kind: LSP_KIND[c.kind],
    detail: c.detail,
    documentation: c.documentation ? (client.markdownCompletion ? { kind: MarkupKind.Markdown, value: c.documentation } : c.documentation) : undefined,
    sortText: c.sortText,
    filterText: c.filterText,
    insertTextFormat: c.format === 'snippet' ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
    textEdit: { range: toRange(parsed, c.span), newText: c.insert },
  };
  if (c.insert.includes('\n') && client.insertTextModeAsIs) it.insertTextMode = InsertTextMode.asIs;
  if (c.retrigger) it.command = { title: 'Suggest', command: 'editor.action.triggerSuggest' };
  return it;
}

interface Ctx {
  parsed: ParsedFile;
  analysis: Analysis;
  options: CompletionOptions;
  /** Replaced by an item: the word before the cursor. */
  span: Span;
  word: string;
}

export function completeAt(parsed: ParsedFile, analysis: Analysis, offset: number, options: CompletionOptions): Completion[] {
  // A Kubernetes manifest: completion is the YAML and Kubernetes extensions' to give.
  if (parsed.manifest) return [];
  const pos = toPosition(parsed, offset);
  const { lines, line: lineNo } = linesAround(parsed, offset, pos.line);
  const line = lines.get(lineNo);
  const prefix = line.slice(0, pos.character);
  const wordMatch = /[\w.-]*$/.exec(prefix);
  const word = wordMatch ? wordMatch[0] : '';
  const c: Ctx = { parsed, analysis, options, span: { start: offset - word.length, end: offset }, word };

  // Rule ids inside a suppression comment.
  if (/#\s*placement-ignore(-file)?\s*:\s*([\w-]+\s*,\s*)*[\w-]*$/.test(prefix)) return ruleItems(c);
  if (/(^|\s)#/.test(prefix)) return [];

  // Inside a flow collection on this line: `hosts: [a, |` or `resources: { cpu: 1, |`.
  const flow = openFlow(prefix);
  if (flow) return flowItems(c, lines, lineNo, prefix, flow);

  // `key: value|`
  const kv = /^(\s*)(?:(-)(\s+))?([A-Za-z_][\w.-]*)\s*:\s+([\w.-]*)$/.exec(prefix);
  if (kv) {
    const indent = kv[1].length;
    const dash = !!kv[2];
    const col = dash ? indent + 1 + kv[3].length : indent;
    const path = blockPathAt(lines, lineNo, col, dash, indent);
    if (!path) return [];
    const { field } = specAt([...path, kv[4]]);
    return field ? valueItems(c, field.type, field.key) : [];
  }

  // A key, a new list item, or a list item's value.
  const k = /^(\s*)(?:(-)(\s+))?([\w.-]*)$/.exec(prefix);
  if (!k) return [];
  const indent = k[1].length;
  if (k[2]) {
    const col = indent + 1 + k[3].length;
    const path = blockPathAt(lines, lineNo, col, true, indent);
    if (!path) return [];
    return itemItems(c, lines, lineNo, path, col, indent, false);
  }
  // A new item position: under a dash at this column, or right under a list's key.
  const above = previousContent(lines, lineNo, indent);
  if (above) {
    const li = lineInfo(lines.get(above.line));
    const listKeyAbove = !li.dash && li.key && !li.hasValue && li.indent < indent;
    if ((li.dash && li.indent === indent) || listKeyAbove) {
      const path = blockPathAt(lines, lineNo, indent + 2, true, indent);
      if (path) {
        const list = specAt(path.slice(0, -1));
        if (list.type?.kind === 'array') return itemItems(c, lines, lineNo, path, indent + 2, indent, true);
      }
      if (listKeyAbove) {
        // A mapping under the key (`resources:` then its keys).
        const p = blockPathAt(lines, lineNo, indent, false);
        return p ? keyItems(c, p, siblingKeys(lines, lineNo, indent, false), indent, indent) : [];
      }
    }
  }
  const path = blockPathAt(lines, lineNo, indent, false);
  if (!path) return [];
  return keyItems(c, path, siblingKeys(lines, lineNo, indent, false), indent, indent);
}

/**
 * The lines completion looks at. Inside a declared host or workload, the item's own
 * lines under a stand-in `hosts:`/`workloads:` line say everything about the context,
 * so a cursor in the 10,000th workload does not walk up through the other 9,999.
 */
function linesAround(parsed: ParsedFile, offset: number, line: number): { lines: LineSource; line: number } {
  const all = lineSource(parsed.text, parsed.lineStarts);
  const d = declAt(parsed.workloads, offset) ?? declAt(parsed.hosts, offset);
  if (!d) return { lines: all, line };
  const first = lineOf(parsed.lineStarts, d.span.start);
  const header = d.kind === 'workload' ? 'workloads:' : 'hosts:';
  const view: LineSource = { count: all.count - first + 1, get: (i) => (i === 0 ? header : all.get(first + i - 1)) };
  return { lines: view, line: line - first + 1 };
}

/** The nearest line above with content at or left of `col`. */
function previousContent(lines: LineSource, line: number, col: number): { line: number } | undefined {
  for (let i = line - 1; i >= 0; i--) {
    const li = lineInfo(lines.get(i));
    if (li.blank) continue;
    if (li.indent <= col) return { line: i };
  }
  return undefined;
}

/**
 * Completions for the first thing of a list item: keys (and snippets) for lists of
 * mappings, host names for `hosts:` pins. `withDash` adds the `- ` the line lacks.
 */
function itemItems(c: Ctx, lines: LineSource, line: number, path: Path, col: number, dashCol: number, withDash: boolean): Completion[] {
  const list = specAt(path.slice(0, -1));
  if (list.type?.kind !== 'array') return [];
  const items = list.type.items;
  const dash = withDash ? '- ' : '';
  if (items.kind === 'hostRef') return hostItems(c, dash);
  if (items.kind === 'enum') return valueItems(c, items, list.field?.key ?? '', dash);
  if (items.kind !== 'object') return [];
  const out: Completion[] = [];
  const root = path.length === 2 && (path[0] === 'workloads' || path[0] === 'hosts');
  if (root) out.push(...snippetItems(c, path[0] as 'workloads' | 'hosts', col, dashCol, dash));
  const present = withDash ? new Set<string>() : siblingKeys(lines, line, col, true);
  out.push(...keyItems(c, path, present, col, dashCol, dash));
  return out;
}

function keyItems(c: Ctx, path: Path, present: Set<string>, keyCol: number, lineIndent: number, dash = ''): Completion[] {
  const fields = fieldsAt(path);
  if (!fields) return [];
  const ind = indentFor(c, keyCol, lineIndent);
  return fields
    .filter((f) => !present.has(f.key))
    .map((f) => {
      const snippet = dash + keySnippet(f, ind);
      return item(c, {
        label: f.key,
        kind: 'key',
        detail: typeName(f.type).replace(/`/g, ''),
        documentation: fieldDoc(f.key, f.doc, f.type, f.required, f.default),
        sortText: `${f.required ? '0' : '1'}${f.key}`,
        snippet,
        retrigger: f.type.kind === 'hostRef' || f.type.kind === 'enum',
      });
    });
}

/** `key: ` with a placeholder suited to the value's type; `ind` indents continuation lines. */
function keySnippet(f: FieldSpec, ind: string): string {
  const t = f.type;
  switch (t.kind) {
    case 'enum':
      return `${f.key}: \${1|${t.values.map((v) => escapeChoice(String(v.value))).join(',')}|}`;
    case 'boolean':
      return `${f.key}: \${1|true,false|}`;
    case 'hostRef':
      return `${f.key}: $1`;
    case 'object':
      return `${f.key}: { ${t.fields.map((x, i) => `${x.key}: \${${i + 1}:${escapeSnippet(x.example ?? '')}}`).join(', ')} }`;
    case 'array':
      if (t.items.kind === 'hostRef') return `${f.key}: [$1]`;
      if (t.items.kind === 'object') {
        if (f.key === 'hosts' || f.key === 'workloads') return `${f.key}:\n${ind}  - $0`;
        return `${f.key}:\n${ind}  - { ${t.items.fields.map((x, i) => `${x.key}: \${${i + 1}:${escapeSnippet(x.example ?? '')}}`).join(', ')} }`;
      }
      return `${f.key}: [$1]`;
    default:
      return f.example !== undefined ? `${f.key}: \${1:${escapeSnippet(f.example)}}` : `${f.key}: $1`;
  }
}

function valueItems(c: Ctx, t: FieldType, key: string, prefix = ''): Completion[] {
  switch (t.kind) {
    case 'enum':
      return t.values.map((v, i) =>
        item(c, {
          label: String(v.value),
          kind: 'enum',
          detail: `${key}: ${v.value}`,
          documentation: v.doc,
          sortText: String(i).padStart(3, '0'),
          snippet: prefix + escapeSnippet(String(v.value)),
        }),
      );
    case 'boolean':
      return ['true', 'false'].map((v) => item(c, { label: v, kind: 'value', snippet: prefix + v }));
    case 'hostRef':
      return hostItems(c, prefix);
    default:
      return [];
  }
}

function hostItems(c: Ctx, prefix = ''): Completion[] {
  const out: Completion[] = [];
  for (const [name, decls] of c.analysis.fleet.hostsByName) {
    const h = decls[0];
    out.push(
      item(c, {
        label: name,
        kind: 'host',
        detail: [h.role, h.hypervisor ?? h.runtime, h.os, h.site].filter(Boolean).join(' · '),
        documentation: hostHover(name, decls),
        snippet: prefix + escapeSnippet(needsQuotes(name) ? JSON.stringify(name) : name),
      }),
    );
  }
  return out;
}

function ruleItems(c: Ctx): Completion[] {
  return RULES.map((r) => item(c, { label: r.id, kind: 'value', detail: r.category, documentation: r.summary, snippet: escapeSnippet(r.id) }));
}

// Flow collections.

interface Flow {
  kind: '{' | '[';
  /** Offset in the line prefix of the opening bracket. */
  at: number;
}

/** The innermost unclosed `{` or `[` on the line, outside quotes. */
function openFlow(prefix: string): Flow | undefined {
  const stack: Flow[] = [];
  let quote = '';
  for (let i = 0; i < prefix.length; i++) {
    const ch = prefix[i];
    if (quote) {
      if (ch === quote) quote = '';
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#' && (i === 0 || prefix[i - 1] === ' ')) return undefined;
    else if (ch === '{' || ch === '[') stack.push({ kind: ch, at: i });
    else if ((ch === '}' || ch === ']') && stack.length) stack.pop();
  }
  return stack.length === 1 ? stack[0] : undefined;
}

function flowItems(c: Ctx, lines: LineSource, line: number, prefix: string, flow: Flow): Completion[] {
  const before = prefix.slice(0, flow.at);
  const inside = prefix.slice(flow.at + 1);
  // The owner: `key: [`/`key: {`, or `- {` (an item of a list).
  let path: Path | undefined;
  const owner = /^(\s*)(?:(-)(\s+))?([A-Za-z_][\w.-]*)\s*:\s*$/.exec(before);
  if (owner) {
    const indent = owner[1].length;
    const dash = !!owner[2];
    const col = dash ? indent + 1 + owner[3].length : indent;
    const p = blockPathAt(lines, line, col, dash, indent);
    path = p ? [...p, owner[4]] : undefined;
  } else {
    const item = /^(\s*)-(\s+)$/.exec(before);
    if (!item) return [];
    const indent = item[1].length;
    path = blockPathAt(lines, line, indent + 1 + item[2].length, true, indent);
  }
  if (!path) return [];
  const last = inside.slice(Math.max(inside.lastIndexOf(','), -1) + 1);
  const { type } = specAt(path);
  if (flow.kind === '[') {
    if (type?.kind !== 'array' || !/^\s*[\w.-]*$/.test(last)) return [];
    if (type.items.kind === 'hostRef') {
      const present = new Set(inside.split(',').map((s) => s.trim()));
      return hostItems(c).filter((i) => !present.has(i.label) || i.label === c.word);
    }
    return type.items.kind === 'enum' ? valueItems(c, type.items, '') : [];
  }
  const fields = type?.kind === 'object' ? type.fields : type?.kind === 'array' && type.items.kind === 'object' ? type.items.fields : fieldsAt(path);
  if (!fields) return [];
  const sub = /^\s*([A-Za-z_][\w.-]*)\s*:\s*([\w.-]*)$/.exec(last);
  if (sub) {
    const f = fields.find((x) => x.key === sub[1]);
    return f ? valueItems(c, f.type, f.key) : [];
  }
  if (!/^\s*[\w.-]*$/.test(last)) return [];
  const present = new Set([...inside.matchAll(/([A-Za-z_][\w.-]*)\s*:/g)].map((m) => m[1]));
  return fields
    .filter((f) => !present.has(f.key))
    .map((f) =>
      item(c, {
        label: f.key,
        kind: 'key',
        detail: typeName(f.type).replace(/`/g, ''),
        documentation: fieldDoc(f.key, f.doc, f.type, f.required, f.default),
        snippet: f.type.kind === 'enum' ? `${f.key}: \${1|${f.type.values.map((v) => escapeChoice(String(v.value))).join(',')}|}` : `${f.key}: \${1:${escapeSnippet(f.example ?? '')}}`,
      }),
    );
}

// Snippets.

interface Template {
  label: string;
  detail: string;
  body: string[];
}

export const WORKLOAD_TEMPLATES: Template[] = [
  {
    label: 'web service',
    detail: 'A stateless microservice that scales out',
    body: ['name: ${1:web}', 'os: linux', 'architecture: microservice', 'state: stateless', 'scaling: { min: ${2:2}, max: ${3:10} }', 'startup: fast', 'resources: { cpu: ${4:500m}, memory: ${5:512Mi} }'],
  },
  {
    label: 'database',
    detail: 'A stateful database with a volume',
    body: ['name: ${1:db}', 'os: linux', 'architecture: monolith', 'state: stateful', 'volumes:', '  - { name: ${2:data}, size: ${3:100Gi}, mountPath: ${4:/var/lib/db} }', 'startup: normal', 'resources: { cpu: ${5:4}, memory: ${6:16Gi} }'],
  },
  {
    label: 'Windows app',
    detail: 'A traditional Windows application',
    body: ['name: ${1:win-app}', 'os: windows', 'architecture: monolith', 'state: stateful', 'volumes:', '  - { name: ${2:data}, size: ${3:50Gi}, mountPath: ${4:D:/data} }', 'startup: normal', 'resources: { cpu: ${5:2}, memory: ${6:8Gi} }'],
  },
  {
    label: 'batch job',
    detail: 'A job that runs to completion, many at once',
    body: ['name: ${1:nightly-report}', 'os: linux', 'architecture: batch', 'state: stateless', 'scaling: { min: ${2:0}, max: ${3:20} }', 'startup: fast', 'resources: { cpu: ${4:2}, memory: ${5:4Gi} }'],
  },
];

export const HOST_TEMPLATES: Template[] = [
  {
    label: 'hypervisor host',
    detail: 'A host that runs VMs (and container VMs)',
    body: ['name: ${1:esx-01}', 'role: hypervisor', 'hypervisor: ${2|esxi,kvm,hyper-v,ahv,xen,powervm|}', 'runtime: containerd', 'cpu: ${3:64}', 'memory: ${4:512Gi}', 'site: ${5:dc-1}'],
  },
  {
    label: 'container host',
    detail: 'A host that runs containers directly',
    body: ['name: ${1:k8s-01}', 'role: container-host', 'runtime: ${2|containerd,docker,cri-o,podman,lxc|}', 'os: ${3|linux,windows|}', 'cpu: ${4:32}', 'memory: ${5:128Gi}', 'site: ${6:dc-1}'],
  },
];

function snippetItems(c: Ctx, list: 'workloads' | 'hosts', keyCol: number, lineIndent: number, dash: string): Completion[] {
  const ind = indentFor(c, keyCol, lineIndent);
  const templates = list === 'workloads' ? WORKLOAD_TEMPLATES : HOST_TEMPLATES;
  return templates.map((t) =>
    item(c, {
      label: `${list === 'workloads' ? 'workload' : 'host'}: ${t.label}`,
      kind: 'snippet',
      detail: t.detail,
      documentation: `\`\`\`yaml\n${dash}${plainText(t.body.join(`\n${dash ? '  ' : ''}`))}\n\`\`\``,
      sortText: `~${t.label}`,
      filterText: t.label.replace(/\s+/g, '-'),
      snippet: dash + t.body.join(`\n${ind}`),
    }),
  );
}

// Helpers.

/**
 * Indentation for continuation lines. With insertTextMode `asIs` the text goes in as
 * written (absolute columns); otherwise clients indent new lines like the current one.
 */
function indentFor(c: Ctx, keyCol: number, lineIndent: number): string {
  return ' '.repeat(c.options.insertTextModeAsIs ? keyCol : Math.max(0, keyCol - lineIndent));
}

interface ItemSpec {
  label: string;
  kind: CompletionKind;
  detail?: string;
  documentation?: string;
  sortText?: string;
  filterText?: string;
  snippet: string;
  retrigger?: boolean;
}

function item(c: Ctx, s: ItemSpec): Completion {
  const snippets = c.options.snippets;
  const out: Completion = {
    label: s.label,
    kind: s.kind,
    insert: snippets ? s.snippet : plainText(s.snippet),
    format: snippets ? 'snippet' : 'plain',
    span: c.span,
  };
  if (s.detail !== undefined) out.detail = s.detail;
  if (s.documentation !== undefined) out.documentation = s.documentation;
  if (s.sortText !== undefined) out.sortText = s.sortText;
  if (s.filterText !== undefined) out.filterText = s.filterText;
  // Without snippets nothing is left to fill in, so there is nothing to suggest next.
  if (s.retrigger && snippets) out.retrigger = true;
  return out;
}

/**
 * What a snippet inserts when every placeholder keeps its default (a choice its first
 * option) and every tab stop is left empty: the text for a client without snippets.
 * Read with the snippet grammar, so an escaped `\$1` stays the text `$1` (a name with a
 * `$` in it is not a tab stop).
 */
export function plainText(snippet: string): string {
  let i = 0;
  const digits = () => {
    const start = i;
    while (i < snippet.length && snippet[i] >= '0' && snippet[i] <= '9') i++;
    return i > start;
  };
  // Text up to an unescaped `stop` character (or the end), placeholders expanded.
  const text = (stops: string): string => {
    let out = '';
    while (i < snippet.length && !stops.includes(snippet[i])) {
      const ch = snippet[i];
      if (ch === '\\' && i + 1 < snippet.length && '$}\\,|'.includes(snippet[i + 1])) {
        out += snippet[i + 1];
        i += 2;
      } else if (ch === '$' && snippet[i + 1] === '{' && /\d/.test(snippet[i + 2] ?? '')) {
        i += 2;
        digits();
        if (snippet[i] === ':') {
          i++;
          out += text('}');
        } else if (snippet[i] === '|') {
          i++;
          out += text(',|');
          while (i < snippet.length && snippet[i] === ',') {
            i++;
            text(',|');
          }
          if (snippet[i] === '|') i++;
        }
        if (snippet[i] === '}') i++;
      } else if (ch === '$' && /\d/.test(snippet[i + 1] ?? '')) {
        i++;
        digits();
      } else {
        out += ch;
        i++;
      }
    }
    return out;
  };
  // At the top level nothing stops the text: an unbalanced `}` or `|` is text.
  return text('');
}

/** Text for a snippet: `$`, `}` and `\` escaped, so the editor inserts it as written. */
export function escapeSnippet(s: string): string {
  return s.replace(/[$}\\]/g, '\\$&');
}

/** An option of a choice (`${1|a,b|}`): also `,` and `|` escaped. */
function escapeChoice(s: string): string {
  return s.replace(/[$}\\,|]/g, '\\$&');
}

function needsQuotes(name: string): boolean {
  return !/^[A-Za-z0-9_][\w.-]*$/.test(name);
}
