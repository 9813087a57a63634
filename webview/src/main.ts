// The host-layout webview: draws the layout the extension posts (or, on the CLI's static
// page, the layout embedded as JSON), filters it, simulates host failures on click, and
// keeps zoom, scroll, filter and the simulation across redraws and reloads.
//
// After the first layout, changes arrive as patches against the layout shown
// (shared/layoutPatch.ts); one that does not fit makes the page ask for the whole layout.
//
// Data arrives only as messages (or a non-executable JSON block); names reach the page
// only through `textContent` and `setAttribute`, never as markup. Only the cards on
// screen are in the DOM, so 1,000 hosts scroll as smoothly as ten.

import './layout.css';
import { applyLayoutPatch } from '../../shared/layoutPatch';
import { applyFailure, buildScene, cardsIn, renderCard, renderHeader, renderLane, renderScene, toSvgString, type Card, type Scene, type SvgNode } from '../../shared/layoutView';
import { type DeployKind, type FailureOutcome, type HostToWebview, type Layout, type LayoutFilter, type LayoutPatch, type LayoutRef, type WebviewState, type WebviewToHost, refAt } from '../../shared/protocol';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare const acquireVsCodeApi: (() => VsCodeApi) | undefined;

/** What the CLI's static page embeds in `<script type="application/json" id="layout-data">`. */
interface StaticData {
  layout: Layout;
  /** Failure outcomes by host name, precomputed (the page has no server to ask). */
  failures: Record<string, FailureOutcome>;
  /** The host shown failed when the page opens (`layout --fail`). */
  initialFailure?: string;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
const MIN_ZOOM = 0.25;
const MAX_ZOOM = 3;
/** Cards drawn beyond the visible band, in px, so a short scroll shows no gap. */
const OVERSCAN = 600;

const api: VsCodeApi = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : staticApi();

const state: WebviewState = {
  zoom: 1,
  scrollX: 0,
  scrollY: 0,
  filter: { text: '', deploy: '', os: '', site: '' },
  failedHost: null,
  ...(restoredState() ?? {}),
};

let base: Layout | null = null;
let failure: FailureOutcome | undefined;
let view: Layout | null = null;
let scene: Scene | null = null;
let generation = -1;
let pendingFailure: string | null | undefined;
const mounted = new Map<number, SVGElement>();
let focusedHost: number | null = null;

// ---------------------------------------------------------------------------
// The page.

const app = document.getElementById('app') ?? document.body.appendChild(el('div', { id: 'app' }));
const toolbar = app.appendChild(el('div', { id: 'toolbar', role: 'toolbar', 'aria-label': 'Host layout' }));
const search = toolbar.appendChild(el('input', { type: 'search', placeholder: 'Filter by host or workload name', 'aria-label': 'Filter by host or workload name' })) as HTMLInputElement;
const deploySelect = toolbar.appendChild(select('Deployment kind', [['', 'All deployments'], ['vm', 'vm'], ['container', 'container'], ['container-in-vm', 'container-in-vm']]));
const osSelect = toolbar.appendChild(select('OS', [['', 'All OSes']]));
const siteSelect = toolbar.appendChild(select('Site', [['', 'All sites']]));
const zoomOut = toolbar.appendChild(button('−', 'Zoom out (-)'));
const zoomReset = toolbar.appendChild(button('100%', 'Reset zoom (0)'));
const zoomIn = toolbar.appendChild(button('+', 'Zoom in (+)'));
const restore = toolbar.appendChild(button('Restore host', 'End the failure simulation'));
const exportButton = toolbar.appendChild(button('Export SVG', 'Save the picture as an SVG file'));
const status = toolbar.appendChild(el('span', { id: 'status', role: 'status', 'aria-live': 'polite' }));
const viewport = app.appendChild(el('div', { id: 'viewport' })) as HTMLDivElement;
const svg = viewport.appendChild(document.createElementNS(SVG_NS, 'svg'));
svg.setAttribute('class', 'layout');
svg.setAttribute('role', 'group');
svg.setAttribute('aria-label', 'Hosts: Tab or arrow keys move between hosts; Enter simulates a failure; D opens the definition');
const staticLayer = svg.appendChild(document.createElementNS(SVG_NS, 'g'));
const cardLayer = svg.appendChild(document.createElementNS(SVG_NS, 'g'));
restore.hidden = true;

search.value = state.filter.text;
deploySelect.value = state.filter.deploy;

// ---------------------------------------------------------------------------
// Messages.

window.addEventListener('message', (event: MessageEvent) => {
  const msg = event.data as HostToWebview | undefined;
  if (!msg || typeof msg !== 'object') return;
  if (msg.type === 'layout') receive(msg.layout, msg.generation, msg.failure);
  else if (msg.type === 'patch') receivePatch(msg.patch, msg.base, msg.generation);
  else if (msg.type === 'error') setStatus(msg.message);
});

function receivePatch(patch: LayoutPatch, baseGen: number, gen: number): void {
  if (gen < generation) return;
  let next: Layout | undefined;
  if (base && baseGen === generation) {
    try {
      next = applyLayoutPatch(base, patch);
    } catch {
      next = undefined;
    }
  }
  // Not against what is shown (a message was lost, the page reloaded): ask for all.
  if (!next) return api.postMessage({ type: 'resync' });
  receive(next, gen, undefined);
}

function receive(layout: Layout, gen: number, f: FailureOutcome | undefined): void {
  if (gen < generation) return;
  const t0 = performance.now();
  generation = gen;
  base = layout;
  failure = f;
  // A cluster's or a site's failure is named by its target; a host's by the host.
  const failedName = f ? (f.target?.name ?? layout.hosts[f.host]?.name ?? null) : null;
  if (pendingFailure !== undefined && failedName === pendingFailure) pendingFailure = undefined;
  if (!f && pendingFailure === undefined) state.failedHost = null;
  if (f) state.failedHost = failedName;
  fillOptions(layout);
  recompute();
  const ms = performance.now() - t0;
  document.body.dataset.renderMs = ms.toFixed(1);
  document.body.dataset.generation = String(gen);
  describeState();
}

// ---------------------------------------------------------------------------
// Drawing.

function recompute(): void {
  if (!base) return;
  view = failure ? applyFailure(base, failure) : base;
  scene = buildScene(view, { width: (viewport.clientWidth || 1200) / state.zoom - 2, filter: state.filter });
  draw();
}

function draw(): void {
  if (!scene) return;
  const z = state.zoom;
  svg.setAttribute('width', String(Math.ceil(scene.width * z)));
  svg.setAttribute('height', String(Math.ceil(scene.height * z)));
  svg.setAttribute('viewBox', `0 0 ${scene.width} ${scene.height}`);
  staticLayer.replaceChildren();
  staticLayer.appendChild(toDom({ tag: 'rect', attrs: { class: 'canvas-bg', width: scene.width, height: scene.height } }));
  staticLayer.appendChild(toDom(renderHeader(scene, failureSummary())));
  const lane = renderLane(scene);
  if (lane) staticLayer.appendChild(toDom(lane));
  cardLayer.replaceChildren();
  mounted.clear();
  viewport.scrollLeft = state.scrollX;
  viewport.scrollTop = state.scrollY;
  drawVisible();
}

/** Mounts the cards in (and near) the visible band and drops the others. */
function drawVisible(): void {
  if (!scene) return;
  const z = state.zoom;
  const top = viewport.scrollTop / z - OVERSCAN;
  const bottom = (viewport.scrollTop + (viewport.clientHeight || 800)) / z + OVERSCAN;
  const want = new Set<number>();
  const cards = cardsIn(scene, top, bottom);
  for (const c of cards) want.add(c.host);
  for (const [host, node] of mounted) {
    if (!want.has(host) && !(node.contains(document.activeElement) || host === focusedHost)) {
      node.remove();
      mounted.delete(host);
    }
  }
  for (const c of cards) if (!mounted.has(c.host)) mount(c);
}

function mount(c: Card): SVGElement {
  const node = toDom(renderCard(scene!, c, c.host === focusedHost)) as SVGElement;
  // Keep DOM order = host order, so Tab moves through hosts in reading order.
  let before: Element | null = null;
  for (const child of cardLayer.children) {
    if (Number((child as SVGElement).dataset.host) > c.host) {
      before = child;
      break;
    }
  }
  cardLayer.insertBefore(node, before);
  mounted.set(c.host, node);
  return node;
}

/** Builds DOM nodes from an element tree: text through textContent, attributes one by one. */
function toDom(n: SvgNode): Element {
  const node = document.createElementNS(SVG_NS, n.tag);
  for (const [k, v] of Object.entries(n.attrs ?? {})) if (v !== undefined) node.setAttribute(k, String(v));
  if (n.text !== undefined) node.textContent = n.text;
  for (const c of n.children ?? []) node.appendChild(toDom(c));
  return node;
}

let frame = 0;
viewport.addEventListener('scroll', () => {
  state.scrollX = viewport.scrollLeft;
  state.scrollY = viewport.scrollTop;
  if (!frame)
    frame = requestAnimationFrame(() => {
      frame = 0;
      drawVisible();
      saveState();
    });
});

let lastWidth = 0;
new ResizeObserver(() => {
  const w = viewport.clientWidth;
  if (Math.abs(w - lastWidth) < 4) return drawVisible();
  lastWidth = w;
  recompute();
}).observe(viewport);

// ---------------------------------------------------------------------------
// Interaction.

svg.addEventListener('click', (e) => {
  const target = e.target as Element;
  const chip = target.closest('[data-w]');
  if (chip) return reveal(view && refAt(view.workloadRefs, Number(chip.getAttribute('data-w'))));
  const card = target.closest('[data-host]');
  if (!card) return;
  const host = Number(card.getAttribute('data-host'));
  focusedHost = host;
  if (target.closest('[data-reveal="host"]')) return reveal(view && refAt(view.hostRefs, host));
  // The cluster or site label fails every host of that cluster or site.
  const domain = target.closest('[data-fail]')?.getAttribute('data-fail');
  if (domain) return requestFailure(state.failedHost === domain ? null : domain);
  toggleFailure(host);
});

svg.addEventListener('keydown', (e) => {
  const card = (e.target as Element).closest?.('[data-host]');
  if (!card || !scene) return;
  const host = Number(card.getAttribute('data-host'));
  focusedHost = host;
  if (e.key === 'Enter' || e.key === ' ') {
    e.preventDefault();
    toggleFailure(host);
  } else if (e.key === 'd' || e.key === 'D') {
    e.preventDefault();
    reveal(view && refAt(view.hostRefs, host));
  } else if (e.key.startsWith('Arrow') || e.key === 'Home' || e.key === 'End') {
    e.preventDefault();
    moveFocus(host, e.key);
  }
});

document.addEventListener('keydown', (e) => {
  const typing = e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement;
  if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.key === '+' || e.key === '=') setZoom(state.zoom * 1.25);
  else if (e.key === '-') setZoom(state.zoom / 1.25);
  else if (e.key === '0') setZoom(1);
  else if (e.key === '/') {
    e.preventDefault();
    search.focus();
  } else if (e.key === 'Escape' && state.failedHost) requestFailure(null);
  else return;
});

/** Moves keyboard focus to the neighbouring card in the grid. */
function moveFocus(host: number, key: string): void {
  if (!scene) return;
  const i = scene.cards.findIndex((c) => c.host === host);
  if (i < 0) return;
  let next: Card | undefined;
  if (key === 'ArrowRight') next = scene.cards[i + 1];
  else if (key === 'ArrowLeft') next = scene.cards[i - 1];
  else if (key === 'Home') next = scene.cards[0];
  else if (key === 'End') next = scene.cards[scene.cards.length - 1];
  else {
    const r = scene.rows.findIndex((row) => i >= row.first && i < row.last);
    const row = scene.rows[r + (key === 'ArrowDown' ? 1 : -1)];
    if (row) next = scene.cards[Math.min(row.last - 1, row.first + (i - scene.rows[r].first))];
  }
  if (!next) return;
  focusedHost = next.host;
  const z = state.zoom;
  if (next.y * z < viewport.scrollTop || (next.y + next.h) * z > viewport.scrollTop + viewport.clientHeight) viewport.scrollTop = Math.max(0, next.y * z - 40);
  if (next.x * z < viewport.scrollLeft || (next.x + next.w) * z > viewport.scrollLeft + viewport.clientWidth) viewport.scrollLeft = Math.max(0, next.x * z - 20);
  drawVisible();
  (mounted.get(next.host) ?? mount(next)).focus();
}

function toggleFailure(host: number): void {
  const name = view?.hosts[host]?.name;
  if (name === undefined) return;
  requestFailure(state.failedHost === name ? null : name);
}

function requestFailure(name: string | null): void {
  pendingFailure = name;
  state.failedHost = name;
  saveState();
  if (name === null) {
    // Restoring needs no server: the base layout is at hand.
    failure = undefined;
    pendingFailure = undefined;
    recompute();
    describeState();
  } else setStatus(`Simulating the failure of ${name}…`);
  api.postMessage({ type: 'simulateFailure', host: name });
}

function reveal(ref: LayoutRef | null | undefined): void {
  const file = ref && view?.files[ref.file];
  if (ref && typeof file === 'string') api.postMessage({ type: 'reveal', ref: { file, start: ref.start, end: ref.end } });
}

function setZoom(z: number): void {
  const next = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, Math.round(z * 100) / 100));
  if (next === state.zoom) return;
  // Keep the point at the centre of the view where it is.
  const cx = (viewport.scrollLeft + viewport.clientWidth / 2) / state.zoom;
  const cy = (viewport.scrollTop + viewport.clientHeight / 2) / state.zoom;
  state.zoom = next;
  state.scrollX = Math.max(0, cx * next - viewport.clientWidth / 2);
  state.scrollY = Math.max(0, cy * next - viewport.clientHeight / 2);
  zoomReset.textContent = `${Math.round(next * 100)}%`;
  recompute();
  saveState();
}

zoomIn.addEventListener('click', () => setZoom(state.zoom * 1.25));
zoomOut.addEventListener('click', () => setZoom(state.zoom / 1.25));
zoomReset.addEventListener('click', () => setZoom(1));
zoomReset.textContent = `${Math.round(state.zoom * 100)}%`;
restore.addEventListener('click', () => requestFailure(null));

let filterTimer: ReturnType<typeof setTimeout> | undefined;
const applyFilter = () => {
  if (filterTimer) clearTimeout(filterTimer);
  filterTimer = undefined;
  state.filter = { text: search.value.trim(), deploy: deploySelect.value as DeployKind | '', os: osSelect.value, site: siteSelect.value };
  state.scrollY = 0;
  recompute();
  saveState();
  describeState();
};
// Typing redraws once the user pauses (a 1,000-host scene is rebuilt per filter); selects apply at once.
search.addEventListener('input', () => {
  if (filterTimer) clearTimeout(filterTimer);
  filterTimer = setTimeout(applyFilter, 80);
});
for (const s of [deploySelect, osSelect, siteSelect]) s.addEventListener('change', applyFilter);

exportButton.addEventListener('click', () => {
  if (!view) return;
  const full = buildScene(view, { width: scene?.width ?? 1200, filter: state.filter });
  api.postMessage({ type: 'exportSvg', svg: toSvgString(renderScene(full, failureSummary()), exportCss()) });
});

// ---------------------------------------------------------------------------
// Helpers.

function failureSummary(): string | undefined {
  if (!failure || !base) return undefined;
  const lost = failure.lost.reduce((n, l) => n + l.count, 0);
  const t = failure.target;
  const what = t && t.kind !== 'host' ? `${t.kind} ${t.name} (${failure.hosts?.length ?? 1} hosts)` : (base.hosts[failure.host]?.name ?? '?');
  const shared = failure.shared?.length ? `; ${failure.shared.length} workload${failure.shared.length > 1 ? 's' : ''} now share a host` : '';
  return `failure of ${what}: ${failure.moved.length} moved, ${lost} lost${shared}`;
}

function describeState(): void {
  restore.hidden = !state.failedHost;
  if (!base) return;
  const f = failureSummary();
  setStatus(f ? `Simulated ${f}. Click the host again (or Escape) to restore.` : `${base.hosts.length} hosts, ${base.workloads.length} workloads. Click a host to simulate its failure.`);
}

function setStatus(text: string): void {
  status.textContent = text;
}

function fillOptions(layout: Layout): void {
  const oses = new Set<string>();
  const sites = new Set<string>();
  for (const h of layout.hosts) {
    if (h.os) oses.add(h.os);
    if (h.site) sites.add(h.site);
  }
  for (const w of layout.workloads) if (w.os) oses.add(w.os);
  setOptions(osSelect, 'All OSes', [...oses].sort(), state.filter.os);
  setOptions(siteSelect, 'All sites', [...sites].sort(), state.filter.site);
}

function setOptions(sel: HTMLSelectElement, all: string, values: string[], current: string): void {
  const existing = [...sel.options].map((o) => o.value).slice(1);
  if (existing.length !== values.length || existing.some((v, i) => v !== values[i])) {
    sel.replaceChildren(option('', all), ...values.map((v) => option(v, v)));
  }
  sel.value = values.includes(current) ? current : '';
}

function saveState(): void {
  api.setState(state);
}

function restoredState(): Partial<WebviewState> | undefined {
  const s = api.getState() as Partial<WebviewState> | undefined;
  if (!s || typeof s !== 'object') return undefined;
  const out: Partial<WebviewState> = {};
  if (typeof s.zoom === 'number' && s.zoom >= MIN_ZOOM && s.zoom <= MAX_ZOOM) out.zoom = s.zoom;
  if (typeof s.scrollX === 'number') out.scrollX = s.scrollX;
  if (typeof s.scrollY === 'number') out.scrollY = s.scrollY;
  if (s.filter && typeof s.filter === 'object') {
    const f = s.filter as Partial<LayoutFilter>;
    out.filter = { text: str(f.text), deploy: (['vm', 'container', 'container-in-vm'].includes(str(f.deploy)) ? f.deploy : '') as LayoutFilter['deploy'], os: str(f.os), site: str(f.site) };
  }
  if (typeof s.failedHost === 'string') out.failedHost = s.failedHost;
  return out;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** Our stylesheet with the theme's current colours, so an exported SVG looks as it does here. */
function exportCss(): string {
  let css = '';
  for (const sheet of document.styleSheets) {
    try {
      for (const rule of sheet.cssRules) if (!rule.cssText.startsWith('body') && !rule.cssText.startsWith('#')) css += `${rule.cssText}\n`;
    } catch {
      // A sheet we may not read (another origin) is not ours.
    }
  }
  const computed = getComputedStyle(document.body);
  const vars = [...new Set(css.match(/--vscode-[\w-]+/g) ?? [])];
  const decl = vars
    .map((v) => [v, computed.getPropertyValue(v).trim()] as const)
    .filter(([, value]) => value && !/[;{}<>]/.test(value))
    .map(([v, value]) => `${v}: ${value};`)
    .join(' ');
  return `svg.layout { ${decl} }\n${css}`;
}

function el(tag: string, attrs: Record<string, string> = {}): HTMLElement {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

function button(text: string, title: string): HTMLButtonElement {
  const b = el('button', { type: 'button', title, 'aria-label': title }) as HTMLButtonElement;
  b.textContent = text;
  return b;
}

function option(value: string, label: string): HTMLOptionElement {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = label;
  return o;
}

function select(label: string, options: [string, string][]): HTMLSelectElement {
  const s = el('select', { 'aria-label': label }) as HTMLSelectElement;
  for (const [v, l] of options) s.appendChild(option(v, l));
  return s;
}

/** On the CLI's static page: data from the embedded JSON, failures precomputed. */
function staticApi(): VsCodeApi {
  let data: StaticData | undefined;
  let saved: unknown;
  const post = (m: HostToWebview) => setTimeout(() => window.dispatchEvent(new MessageEvent('message', { data: m })), 0);
  return {
    postMessage(m) {
      if (!data) {
        const block = document.getElementById('layout-data');
        try {
          data = block?.textContent ? (JSON.parse(block.textContent) as StaticData) : undefined;
        } catch {
          data = undefined;
        }
        if (!data) {
          post({ type: 'error', message: 'This page carries no layout data.' });
          return;
        }
      }
      if (m.type === 'ready' || m.type === 'resync') {
        const first = data.initialFailure ? data.failures[data.initialFailure] : undefined;
        post({ type: 'layout', generation: 1, layout: data.layout, failure: first });
      }
      else if (m.type === 'simulateFailure') {
        const f = m.host === null ? undefined : data.failures[m.host];
        if (m.host !== null && !f) post({ type: 'error', message: `The failure of ${m.host} was not precomputed for this page.` });
        else post({ type: 'layout', generation: 1, layout: data.layout, failure: f });
      } else if (m.type === 'exportSvg') {
        const a = document.createElement('a');
        a.href = URL.createObjectURL(new Blob([m.svg], { type: 'image/svg+xml' }));
        a.download = 'layout.svg';
        a.click();
      } else if (m.type === 'reveal') {
        setStatus(`Defined in ${m.ref.file} (offset ${m.ref.start}).`);
      }
    },
    getState: () => saved,
    setState: (s) => (saved = s),
  };
}

api.postMessage({ type: 'ready' });
if (state.failedHost) api.postMessage({ type: 'simulateFailure', host: state.failedHost });
