// Placement and host-layout benchmark (called by scripts/bench.mjs; runs alone too):
// - placement time and hosts used against the lower bound, for generated fleets of
//   1,000 and 10,000 workloads (bench/generate.ts), our first-fit decreasing with
//   spreading beside a naive first-fit (declaration order, linear scan) measured in the
//   same run; plus the cost of simulating every host's failure;
// - re-placement after a one-workload edit (the middle workload's `os` loses its last
//   letter and gets it back, or its memory gains a digit and loses it), resumed from the
//   previous placement as the editor does, beside a placement from scratch of the same
//   input, both followed by the placement findings;
// - the webview's render time for 1,000 hosts in headless Chromium: the shipped,
//   virtualized view beside a baseline that mounts every card, in the same page.
// Usage: node scripts/benchPlacement.mjs [--sizes 1000,10000] [--runs N] [--edits N] [--json]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import * as esbuild from 'esbuild';

const ROOT = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const require = createRequire(import.meta.url);
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : dflt;
};
const json = argv.includes('--json');
const sizes = opt('--sizes', '1000,10000')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const runs = Math.max(1, Number(opt('--runs', '7')));
const edits = Math.max(2, Number(opt('--edits', '20')));
const log = (s) => (json ? process.stderr : process.stdout).write(`${s}\n`);

export async function benchPlacement({ sizes, runs, edits = 20 }) {
  const core = await buildCore();
  const results = [];
  for (const n of sizes) results.push({ ...placementAt(core, n, runs), edit: editAt(core, n, edits) });
  const render = await renderBench(core, runs);
  const out = { machine: machine(), sizes: results, render };
  out.markdown = toMarkdown(out);
  return out;
}

// ---------------------------------------------------------------------------

async function buildCore() {
  mkdirSync(join(ROOT, 'out', 'bench'), { recursive: true });
  const outfile = join(ROOT, 'out', 'bench', 'placementCore.cjs');
  await esbuild.build({
    stdin: {
      contents: `
        export { generate } from './bench/generate';
        export { parseFile } from './server/src/core/parse';
        export { analyze, AnalysisSession } from './server/src/core/analyze';
        export { defaultConfig } from './server/src/core/config';
        export { place, placementFindings } from './server/src/core/placement';
        export { PieceCache } from './server/src/core/parse';
      `,
      resolveDir: ROOT,
      loader: 'ts',
    },
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
  });
  return require(outfile);
}

function placementAt(core, n, runs) {
  const gen = core.generate({ workloads: n, seed: 7 });
  const config = core.defaultConfig();
  const analysis = core.analyze([core.parseFile('bench.workload.yaml', gen.text)], config);
  const { fleet, recommendations } = analysis;
  const time = (fn) => {
    const xs = [];
    let r;
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      r = fn();
      xs.push(performance.now() - t0);
    }
    return { stat: stat(xs), result: r };
  };
  // Ours and the baseline alternate, so that both see the same load on a busy machine.
  const ffdMs = [];
  const naiveMs = [];
  const ffd = { result: undefined };
  const naive = { result: undefined };
  for (let i = 0; i < runs; i++) {
    let t0 = performance.now();
    ffd.result = core.place(fleet, recommendations, config.placement);
    ffdMs.push(performance.now() - t0);
    t0 = performance.now();
    naive.result = core.place(fleet, recommendations, config.placement, { strategy: 'naive' });
    naiveMs.push(performance.now() - t0);
  }
  ffd.stat = stat(ffdMs);
  naive.stat = stat(naiveMs);
  const everyFailure = time(() => ffd.result.simulateEveryFailure());
  const q = ffd.result.layout.quality;
  const nq = naive.result.layout.quality;
  const unplaced = (p) => p.layout.unplaced.reduce((k, u) => k + (u.kind === 'deploy' || u.kind === 'pin' ? 0 : u.count), 0);
  const row = {
    workloads: n,
    hosts: gen.hosts,
    instances: q.instances,
    placeMs: ffd.stat,
    naiveMs: naive.stat,
    everyFailureMs: everyFailure.stat,
    hostsUsed: q.hostsUsed,
    naiveHostsUsed: nq.hostsUsed,
    lowerBound: q.lowerBound,
    placed: q.placed,
    naivePlaced: nq.placed,
    unplacedForCapacity: unplaced(ffd.result),
    naiveUnplacedForCapacity: unplaced(naive.result),
  };
  log(
    `placement ${n} workloads (${gen.hosts} hosts, ${q.instances} replicas): ${fmt(row.placeMs.median)} (naive ${fmt(row.naiveMs.median)}, ×${ratio(row.placeMs.median, row.naiveMs.median)}); ` +
      `placed ${q.placed} (naive ${nq.placed}); hosts used ${q.hostsUsed} vs lower bound ${q.lowerBound} (×${ratio(q.hostsUsed, q.lowerBound)}; naive ${nq.hostsUsed}); every host failure ${fmt(row.everyFailureMs.median)}`,
  );
  return row;
}

/**
 * One-workload edits, each followed by a placement resumed from the previous one and by
 * one from scratch of the same input (they alternate, so both see the same load), each
 * with the placement findings. Every resumed result is checked against the one from
 * scratch.
 */
function editAt(core, n, count) {
  const gen = core.generate({ workloads: n, seed: 7 });
  const config = core.defaultConfig();
  const file = 'bench.workload.yaml';
  const cache = new core.PieceCache();
  const mid = gen.osValues[gen.osValues.length >> 1];
  const last = gen.text.indexOf('\n', mid) - 1;
  const letter = gen.text[last];
  const memory = gen.text.indexOf('memory: ', gen.text.indexOf('resources:', mid)) + 'memory: '.length;
  const kinds = {
    // `linux` → `linu` → `linux`: the workload's OS, and so its deployment and host group, change.
    os: [(t) => t.slice(0, last) + t.slice(last + 1), (t) => t.slice(0, last) + letter + t.slice(last)],
    // `16Gi` → `116Gi` → `16Gi`: its size, and so its place in the order, change.
    memory: [(t) => `${t.slice(0, memory)}1${t.slice(memory)}`, (t) => t.slice(0, memory) + t.slice(memory + 1)],
  };
  const out = {};
  for (const [kind, [there, back]] of Object.entries(kinds)) {
    let text = gen.text;
    const session = new core.AnalysisSession();
    let analysis = session.update([core.parseFile(file, text, cache)], config);
    let previous = analysis.placement;
    const resumed = [];
    const full = [];
    const stats = [];
    for (let i = 0; i < count; i++) {
      text = i % 2 ? restore(back(text), gen.text) : there(text);
      analysis = session.update([core.parseFile(file, text, cache)], config);
      const { fleet, recommendations } = analysis;
      let t0 = performance.now();
      const p = core.place(fleet, recommendations, config.placement, { previous });
      const findings = core.placementFindings(p, config);
      resumed.push(performance.now() - t0);
      t0 = performance.now();
      const q = core.place(fleet, recommendations, config.placement);
      const expected = core.placementFindings(q, config);
      full.push(performance.now() - t0);
      if (JSON.stringify(findings) !== JSON.stringify(expected) || JSON.stringify(p.layout) !== JSON.stringify(q.layout)) throw new Error(`${n} workloads, ${kind} edit ${i + 1}: the resumed placement differs from the one from scratch`);
      stats.push(p.stats);
      previous = p;
    }
    out[kind] = { resumedMs: stat(resumed), fullMs: stat(full), stats: stats[0] };
  }
  log(
    `re-placement ${n} workloads after a one-workload edit (placement + findings): os ${fmt(out.os.resumedMs.median)}, memory ${fmt(out.memory.resumedMs.median)}; from scratch ${fmt(out.os.fullMs.median)} ` +
      `(×${ratio(out.os.resumedMs.median, out.os.fullMs.median)}, ×${ratio(out.memory.resumedMs.median, out.memory.fullMs.median)})`,
  );
  return out;
}

/** The text after an edit's undo, which must be the original. */
function restore(text, original) {
  if (text !== original) throw new Error('an edit and its undo do not give the original text back');
  return text;
}

async function renderBench(core, runs) {
  const chromium = '/usr/bin/chromium';
  if (!existsSync(chromium)) return { skipped: `${chromium} is not installed (apt-get install -y chromium)` };
  if (!existsSync(join(ROOT, 'dist', 'webview.js'))) return { skipped: 'dist/webview.js is missing: run npm run build' };
  let playwright;
  try {
    playwright = require('playwright-core');
  } catch {
    return { skipped: 'playwright-core is not installed' };
  }
  // 1,000 hosts and 10,000 workloads: the size the view must stay smooth at.
  const gen = core.generate({ workloads: 10000, hosts: 1000, seed: 11 });
  const config = core.defaultConfig();
  const layout = core.analyze([core.parseFile('bench.workload.yaml', gen.text)], config).layout;
  const message = JSON.stringify({ type: 'layout', generation: 1, layout });

  // The baseline mounts every card at once with the same renderer (no virtualization).
  const baselineJs = (
    await esbuild.build({
      stdin: {
        contents: `
          import { buildScene, renderScene } from './shared/layoutView';
          const NS = 'http://www.w3.org/2000/svg';
          const toDom = (n) => {
            const el = document.createElementNS(NS, n.tag);
            for (const [k, v] of Object.entries(n.attrs ?? {})) if (v !== undefined) el.setAttribute(k, String(v));
            if (n.text !== undefined) el.textContent = n.text;
            for (const c of n.children ?? []) el.appendChild(toDom(c));
            return el;
          };
          window.fullRender = (layout, width) => {
            const host = document.getElementById('baseline');
            host.replaceChildren(toDom(renderScene(buildScene(layout, { width }))));
            return host.querySelectorAll('*').length;
          };`,
        resolveDir: ROOT,
        loader: 'ts',
      },
      bundle: true,
      format: 'iife',
      platform: 'browser',
      write: false,
      logLevel: 'warning',
    })
  ).outputFiles[0].text;

  const browser = await playwright.chromium.launch({
    executablePath: chromium,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const nonce = randomBytes(16).toString('base64');
    const js = readFileSync(join(ROOT, 'dist', 'webview.js'), 'utf8');
    const css = readFileSync(join(ROOT, 'dist', 'webview.css'), 'utf8');
    const html = `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}';">
<style nonce="${nonce}">${css}</style></head><body><div id="app"></div><div id="baseline"></div>
<script nonce="${nonce}">window.acquireVsCodeApi = () => ({ postMessage() {}, getState() {}, setState() {} });</script>
<script nonce="${nonce}">${js.replace(/<\/script/gi, '<\\/script')}</script>
<script nonce="${nonce}">${baselineJs.replace(/<\/script/gi, '<\\/script')}</script></body></html>`;
    const view = [];
    const toPaint = [];
    const scroll = [];
    const baseline = [];
    let mounted = 0;
    let baselineNodes = 0;
    for (let i = 0; i < runs; i++) {
      const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
      await page.setContent(html);
      // From the message to a painted frame, and the view's own figure (message → DOM ready).
      const r = await page.evaluate(async (text) => {
        const msg = JSON.parse(text);
        const t0 = performance.now();
        window.postMessage(msg, '*');
        while (document.body.dataset.generation !== '1') await new Promise((r) => setTimeout(r, 0));
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        const paint = performance.now() - t0;
        const v = document.getElementById('viewport');
        const s0 = performance.now();
        v.scrollTop = v.scrollHeight / 2;
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        return { paint, render: Number(document.body.dataset.renderMs), scroll: performance.now() - s0, mounted: document.querySelectorAll('g.host').length };
      }, message);
      view.push(r.render);
      toPaint.push(r.paint);
      scroll.push(r.scroll);
      mounted = r.mounted;
      const b = await page.evaluate(async (text) => {
        const { layout } = JSON.parse(text);
        const t0 = performance.now();
        const nodes = window.fullRender(layout, 1600);
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        return { ms: performance.now() - t0, nodes };
      }, message);
      baseline.push(b.ms);
      baselineNodes = b.nodes;
      await page.close();
    }
    const out = {
      hosts: layout.hosts.length,
      workloads: layout.workloads.length,
      renderMs: stat(view),
      toPaintMs: stat(toPaint),
      scrollFrameMs: stat(scroll),
      mountedCards: mounted,
      baselineMs: stat(baseline),
      baselineNodes,
    };
    log(
      `webview ${out.hosts} hosts / ${out.workloads} workloads: render ${fmt(out.renderMs.median)}, to paint ${fmt(out.toPaintMs.median)} (${mounted} cards mounted), scroll frame ${fmt(out.scrollFrameMs.median)}; ` +
        `baseline mounting every card (${baselineNodes} elements) ${fmt(out.baselineMs.median)}, ×${ratio(out.toPaintMs.median, out.baselineMs.median)}`,
    );
    return out;
  } finally {
    await browser.close();
  }
}

// ---------------------------------------------------------------------------

function stat(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const median = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return { median: round(median), min: round(s[0]), max: round(s[s.length - 1]), runs: s.length };
}

function round(x) {
  return Math.round(x * 100) / 100;
}

function fmt(ms) {
  return ms < 10 ? `${ms.toFixed(2)} ms` : `${Math.round(ms)} ms`;
}

function ratio(a, b) {
  return b ? (a / b).toFixed(2) : '–';
}

function machine() {
  const os = require('node:os');
  return { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version };
}

function toMarkdown(out) {
  const range = (s) => `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})`;
  const lines = [
    '| Workloads | Hosts | Replicas | Placement | Naive first-fit | Ours / naive | Placed (naive) | Hosts used (naive) | Lower bound | Used / bound | Every host failure |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...out.sizes.map(
      (r) =>
        `| ${r.workloads.toLocaleString('en')} | ${r.hosts} | ${r.instances.toLocaleString('en')} | ${range(r.placeMs)} | ${range(r.naiveMs)} | ${ratio(r.placeMs.median, r.naiveMs.median)} | ${r.placed.toLocaleString('en')} (${r.naivePlaced.toLocaleString('en')}) | ${r.hostsUsed} (${r.naiveHostsUsed}) | ${r.lowerBound} | ${ratio(r.hostsUsed, r.lowerBound)} | ${range(r.everyFailureMs)} |`,
    ),
    '',
    'Placement: first-fit decreasing with replicas spread over hosts and sites (diagnostics need only this); the layout the panel draws is built on first read. ' +
      'The naive baseline takes workloads in declaration order and the first host with room, without spreading; it leaves more replicas unplaced. ' +
      'The lower bound relaxes the problem (divisible demand, no spreading or pins): no layout can use fewer hosts.',
    '',
    'Re-placement after a one-workload edit, as the editor runs it: resumed from the previous placement (placement + findings, median and range over the edits), beside a placement from scratch of the same input; the results are identical (checked on every edit).',
    '',
    '| Workloads | From scratch | Edit `os` (resumed) | Resumed / scratch | Edit `memory` (resumed) | Resumed / scratch |',
    '|---:|---:|---:|---:|---:|---:|',
    ...out.sizes.map(
      (r) =>
        `| ${r.workloads.toLocaleString('en')} | ${range(r.edit.os.fullMs)} | ${range(r.edit.os.resumedMs)} | ${ratio(r.edit.os.resumedMs.median, r.edit.os.fullMs.median)} | ${range(r.edit.memory.resumedMs)} | ${ratio(r.edit.memory.resumedMs.median, r.edit.memory.fullMs.median)} |`,
    ),
    '',
  ];
  const r = out.render;
  if (r.skipped) lines.push(`Webview render: skipped (${r.skipped}).`);
  else
    lines.push(
      `Webview, ${r.hosts.toLocaleString('en')} hosts and ${r.workloads.toLocaleString('en')} workloads in headless Chromium: render ${range(r.renderMs)}, message to painted frame ${range(r.toPaintMs)} ` +
        `(${r.mountedCards} cards mounted), a scroll frame ${range(r.scrollFrameMs)}; a baseline that mounts every card (${r.baselineNodes.toLocaleString('en')} elements) ${range(r.baselineMs)}, ` +
        `ours / baseline ${ratio(r.toPaintMs.median, r.baselineMs.median)}.`,
    );
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = await benchPlacement({ sizes, runs, edits });
  if (json) process.stdout.write(`${JSON.stringify(out)}\n`);
  else log(`\n${out.markdown}`);
  if (argv.includes('--write')) writeFileSync(join(ROOT, 'out', 'bench', 'placement.json'), JSON.stringify(out, null, 1));
}
