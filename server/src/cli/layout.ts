// `workload-placement layout`: the host layout of descriptor files, from the same
// engine and the same renderer as the editor's panel. Prints it as text or JSON, or
// writes a picture: a standalone HTML page (the panel's bundle inlined under a strict
// CSP, the data in an inert JSON block, failures precomputed so a click on a host shows
// one) or a plain SVG.

import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze } from '../core/analyze';
import { formatBytes, formatCpu } from '../core/quantity';
import { staticPageHtml } from '../../../shared/layoutPage';
import { applyFailure, buildScene, renderScene, toSvgString } from '../../../shared/layoutView';
import type { FailureOutcome, Layout, LayoutHost } from '../../../shared/protocol';
import { parseOptions, UsageError } from './args';
import { InputError, loadConfig, readFleet } from './inputs';
import { safe, safeJson } from './style';

export const LAYOUT_HELP = `Usage: workload-placement layout [paths...] [options]

Lays the workloads of every *.workload.yaml / *.workload.yml file under the given
folders (and the files named) out on the hosts they declare, as one fleet, with the
engine the editor uses, and prints the layout or writes it as a picture.

Options:
  --out <file>           Write the picture instead of printing: file.html is a page
                         with filters, tooltips and failure simulation (click a host);
                         file.svg is the picture alone
  --format <text|json>   What to print without --out (default: text)
  --fail <name>          Show the failure of this host, or of every host of this cluster or
                         site (a host name first, then a cluster, then a site): what moves
                         where, what is lost
  --width <px>           Width of the picture (default: 1600)
  --config <path>        Use this configuration file instead of the nearest
                         .workload-placement.json
  -h, --help             Show this help

Exit codes: 0 done, 2 usage error or unreadable input.`;

/** Hosts above this count get no precomputed failures in the HTML page (it would grow large). */
const MAX_PRECOMPUTED_FAILURES = 2000;

export interface LayoutIo {
  cwd: string;
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
}

export async function runLayout(args: string[], io: LayoutIo = { cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const { values, positionals } = parseOptions({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      out: { type: 'string' },
      format: { type: 'string' },
      fail: { type: 'string' },
      width: { type: 'string' },
      config: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(`${LAYOUT_HELP}\n`);
    return 0;
  }
  const format = (values.format as string | undefined) ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not '${safe(format)}'.`);
  const out = values.out as string | undefined;
  if (out !== undefined && !/\.(html?|svg)$/i.test(out)) throw new UsageError(`--out must name an .html or .svg file, not '${safe(out)}'.`);
  if (out !== undefined && values.format !== undefined) throw new UsageError('--format applies to printed output; --out writes a picture.');
  const width = values.width === undefined ? 1600 : Number(values.width);
  if (!Number.isFinite(width) || width < 320 || width > 20000) throw new UsageError('--width must be a number of pixels from 320 to 20000.');

  const paths = positionals.length ? positionals : ['.'];
  const loaded = loadConfig(io.cwd, values.config as string | undefined, paths[0]);
  for (const n of loaded.notes ?? []) io.stderr.write(`workload-placement: ${n}\n`);
  const { parsed } = readFleet(io.cwd, paths, loaded, (f) => path.relative(io.cwd, f) || f);
  const analysis = analyze(parsed, loaded.config);
  // Files are named relative to where the command ran: the page and JSON carry no absolute paths.
  const layout = relativeRefs(analysis.layout, io.cwd);

  let failure: FailureOutcome | undefined;
  const failName = values.fail as string | undefined;
  if (failName !== undefined) {
    failure = analysis.placement.simulateFailure(failName);
    if (!failure) throw new UsageError(`--fail: no host, cluster or site named '${safe(failName)}' in the layout.`);
  }

  if (out === undefined) {
    io.stdout.write(format === 'json' ? `${safeJson(JSON.stringify({ layout, failure }, null, 1))}\n` : formatLayout(layout, failure));
    return 0;
  }

  const target = path.resolve(io.cwd, out);
  // A missing folder is a mistake to report, not one to paper over by creating it.
  if (!isDirectory(path.dirname(target))) throw new InputError(`Cannot write ${safe(out)}: the folder ${safe(path.dirname(out) || '.')} does not exist.`);
  const bundle = readBundle();
  let content: string;
  if (/\.svg$/i.test(out)) {
    const view = failure ? applyFailure(layout, failure) : layout;
    content = `<?xml version="1.0" encoding="UTF-8"?>\n${toSvgString(renderScene(buildScene(view, { width }), failureNote(layout, failure)), svgCss(bundle.css))}\n`;
  } else {
    const failures: Record<string, FailureOutcome> = {};
    if (layout.hosts.length <= MAX_PRECOMPUTED_FAILURES) {
      for (const [h, f] of analysis.placement.simulateEveryFailure().outcomes) failures[layout.hosts[h].name] = f;
      // Clusters and sites too: their labels on the page fail them whole.
      for (const name of new Set(layout.hosts.flatMap((h) => [h.cluster, h.site]))) {
        const f = name === undefined || failures[name] ? undefined : analysis.placement.simulateFailure(name);
        if (f) failures[name!] = f;
      }
    }
    if (failure) failures[failure.target?.name ?? layout.hosts[failure.host].name] = failure;
    content = staticPageHtml({
      title: `Host layout: ${paths.join(', ')}`,
      css: bundle.css,
      js: bundle.js,
      data: { layout, failures, initialFailure: failure ? (failure.target?.name ?? layout.hosts[failure.host].name) : undefined },
      nonce: randomBytes(16).toString('base64'),
    });
  }
  try {
    fs.writeFileSync(target, content, 'utf8');
  } catch (e) {
    throw new InputError(`Cannot write ${safe(out)}: ${(e as Error).message}`);
  }
  const q = layout.quality;
  io.stderr.write(`Wrote ${safe(out)}: ${q.hostsUsed} of ${q.hostsTotal} hosts used (lower bound ${q.lowerBound}), ${q.placed} of ${q.instances} replicas placed.\n`);
  return 0;
}

/** The layout as indented text: host → VMs → containers, then what was not placed. */
export function formatLayout(base: Layout, failure?: FailureOutcome): string {
  const layout = failure ? applyFailure(base, failure) : base;
  const name = (w: number) => safe(layout.workloads[w]?.name ?? '?');
  const replica = (w: number, r: number) => (layout.workloads[w]?.replicas > 1 ? ` ${r + 1}/${layout.workloads[w].replicas}` : '');
  const moved = (from: number | undefined) => (from === undefined ? '' : ` (moved from ${safe(layout.hosts[from]?.name ?? '?')})`);
  const q = layout.quality;
  const lines = [`Host layout: ${q.hostsUsed} of ${q.hostsTotal} hosts used (lower bound ${q.lowerBound}); ${q.placed} of ${q.instances} replicas placed.`];
  const note = failureNote(base, failure);
  if (note) lines.push(`Simulated ${note}.`);
  for (const h of layout.hosts) {
    lines.push('', `${safe(h.name)}${h.failed ? ' [FAILED]' : ''} (${hostKind(h)}) CPU ${formatCpu(round(h.used.cpu))}/${formatCpu(h.allocatable.cpu)} · memory ${formatBytes(h.used.memory)}/${formatBytes(h.allocatable.memory)}${h.capacity.storage !== undefined ? ` · storage ${formatBytes(h.used.storage)}/${formatBytes(h.capacity.storage)}` : ''}${h.overPinned ? ' · pins exceed capacity' : ''}`);
    for (const v of h.vms) {
      if (v.instance) lines.push(`  VM ${name(v.instance.w)}${replica(v.instance.w, v.instance.replica)} (${safe(v.os)})${moved(v.instance.movedFrom)}`);
      else lines.push(`  ${v.kind === 'dedicated' ? 'dedicated' : 'container'} VM (${safe(v.os)})${v.added ? ' new' : ''}: ${v.containers.map((c) => `${name(c.w)}${replica(c.w, c.replica)}${moved(c.movedFrom)}`).join(', ')}`);
    }
    if (h.containers.length) lines.push(`  containers: ${h.containers.map((c) => `${name(c.w)}${replica(c.w, c.replica)}${moved(c.movedFrom)}`).join(', ')}`);
  }
  if (layout.unplaced.length) {
    lines.push('', 'Not placed:');
    for (const u of layout.unplaced) lines.push(`  ${name(u.w)}${u.count > 1 ? ` ×${u.count}` : ''}: ${safe(u.reason)}`);
  }
  return `${lines.join('\n')}\n`;
}

function hostKind(h: LayoutHost): string {
  const parts = [h.role === 'hypervisor' ? `hypervisor${h.hypervisor ? ` ${h.hypervisor}` : ''}` : h.role === 'container-host' ? 'container host' : 'no valid role'];
  if (h.runtime) parts.push(`runtime ${h.runtime}`);
  if (h.os) parts.push(h.os);
  if (h.arch) parts.push(h.arch);
  if (h.gpus) parts.push(`${h.gpus} GPU${h.gpus > 1 ? 's' : ''}`);
  if (h.cluster) parts.push(`cluster ${h.cluster}`);
  if (h.zone) parts.push(`zone ${h.zone}`);
  if (h.site) parts.push(`site ${h.site}`);
  return safe(parts.join(', '));
}

function failureNote(layout: Layout, f: FailureOutcome | undefined): string | undefined {
  if (!f) return undefined;
  const what = f.target && f.target.kind !== 'host' ? `${f.target.kind} ${safe(f.target.name)} (${f.hosts?.length ?? 1} hosts)` : safe(layout.hosts[f.host]?.name ?? '?');
  // Replicas that now share a host: the failure left them one host away from losing several.
  const shared = (f.shared ?? []).map((x) => `${safe(layout.workloads[x.w]?.name ?? '?')} ×${x.replicas} on ${safe(layout.hosts[x.host]?.name ?? '?')}`);
  return `failure of ${what}: ${f.moved.length} moved, ${f.lost.reduce((n, l) => n + l.count, 0)} lost${shared.length ? `; now sharing a host: ${shared.join(', ')}` : ''}`;
}

function relativeRefs(layout: Layout, cwd: string): Layout {
  const rel = (file: string) => path.relative(cwd, file).split(path.sep).join('/') || file;
  return { ...layout, files: layout.files.map(rel) };
}

/** The webview bundle beside this one (dist/), or where the build puts it. */
function readBundle(): { js: string; css: string } {
  const dirs = [__dirname, path.join(__dirname, '..', '..', '..', 'dist'), path.join(__dirname, '..', '..', '..', '..', 'dist')];
  for (const dir of dirs) {
    const js = path.join(dir, 'webview.js');
    const css = path.join(dir, 'webview.css');
    if (fs.existsSync(js) && fs.existsSync(css)) return { js: fs.readFileSync(js, 'utf8'), css: fs.readFileSync(css, 'utf8') };
  }
  throw new InputError('The layout view bundle (dist/webview.js, dist/webview.css) is missing: run `npm run build`.');
}

/** The stylesheet's rules for the picture itself (not the page around it). */
export function svgCss(css: string): string {
  const rules = css.replace(/\/\*[\s\S]*?\*\//g, '').match(/[^{}]+\{[^{}]*\}/g) ?? [];
  return rules
    .map((r) => r.trim())
    .filter((r) => !/^(body|html|#)/.test(r))
    .join('\n');
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
