// The host-layout picture as data: a pure function of the layout (and the view's filter
// and width) that returns positioned cards and SVG element trees. The webview turns the
// trees into DOM nodes (text through `textContent`, never markup); the CLI and "Export
// SVG" serialise them with every character escaped. Tests snapshot the trees.
//
// Geometry is computed for every host (cheap arithmetic); element trees are built per
// card on demand, so a view of 1,000 hosts builds only the cards on screen.

import type { FailureOutcome, Layout, LayoutFilter, LayoutHost, LayoutInstance, LayoutVm, Resources } from './protocol';

export interface SvgNode {
  tag: string;
  attrs?: Record<string, string | number | undefined>;
  /** Text content, shown as written. */
  text?: string;
  children?: SvgNode[];
}

export interface SceneOptions {
  /** Width available, in px: decides the number of columns. */
  width: number;
  filter?: LayoutFilter;
}

export interface Card {
  host: number;
  x: number;
  y: number;
  w: number;
  h: number;
  blocks: Block[];
  /** Chips left out of a crowded host. */
  hidden: number;
}

export interface Scene {
  layout: Layout;
  width: number;
  height: number;
  header: { y: number; h: number };
  lane: { y: number; h: number; rows: LaneRow[]; hidden: number } | null;
  cards: Card[];
  /** Rows of cards, top to bottom: cards[first..last) share y; h is the tallest. */
  rows: { y: number; h: number; first: number; last: number }[];
  /** Hosts hidden by the filter. */
  filteredOut: number;
}

interface Chip {
  x: number;
  y: number;
  w: number;
  label: string;
  /** Workload index and replica; kind of deployment for colour. */
  inst: LayoutInstance;
  cls: string;
}

type Block =
  | { kind: 'chips'; y: number; h: number; chips: Chip[] }
  | { kind: 'vm'; y: number; h: number; vm: LayoutVm; chips: Chip[] };

interface LaneRow {
  y: number;
  w: number;
  count: number;
  reason: string;
  kind: string;
}

// Geometry, in px.
export const CARD_W = 300;
const GAP = 12;
const PAD = 8;
const HEADER_H = 44;
const BAR_H = 15;
const CHIP_H = 18;
const CHIP_GAP = 4;
const CHAR_W = 6.4;
const VM_HEAD_H = 16;
const MAX_CHIPS_PER_CARD = 120;
const MAX_LANE_ROWS = 200;
const LEGEND_H = 52;
const LANE_ROW_H = 22;

const emptyFilter: LayoutFilter = { text: '', deploy: '', os: '', site: '' };

/** Applies a failure simulation to a layout: the host failed, what moved, what was lost. */
export function applyFailure(layout: Layout, f: FailureOutcome): Layout {
  const hosts = layout.hosts.slice();
  if (!hosts[f.host]) return layout;
  for (const i of f.hosts ?? [f.host]) if (hosts[i]) hosts[i] = { ...hosts[i], failed: true };
  const copied = new Set<number>();
  const dest = (i: number): LayoutHost => {
    if (!copied.has(i)) {
      const h = hosts[i];
      hosts[i] = { ...h, used: { ...h.used }, vms: h.vms.slice(), containers: h.containers.slice() };
      copied.add(i);
    }
    return hosts[i];
  };
  for (const m of f.moved) {
    const h = dest(m.to);
    const inst: LayoutInstance = { w: m.w, replica: m.replica, movedFrom: m.from ?? f.host };
    add(h.used, m.hostCost);
    if (m.deploy === 'vm') {
      h.vms.push({ id: `moved:${m.w}:${m.replica}`, kind: 'workload', os: layout.workloads[m.w]?.os ?? '', instance: inst, containers: [], cost: m.cost, added: true });
    } else if (m.deploy === 'container') {
      h.containers.push(inst);
    } else if (m.newVm) {
      const vm: LayoutVm = { id: m.newVm.id, kind: m.newVm.kind, os: m.newVm.os, containers: [inst], cost: { ...m.hostCost }, added: true };
      if (m.newVm.kind === 'dedicated') vm.w = m.w;
      h.vms.push(vm);
    } else {
      const i = h.vms.findIndex((v) => v.id === m.vm);
      if (i >= 0) {
        const v = h.vms[i];
        h.vms[i] = { ...v, containers: [...v.containers, inst], cost: sum(v.cost, m.hostCost) };
      }
    }
  }
  return { ...layout, hosts, unplaced: [...layout.unplaced, ...f.lost] };
}

/** True when the workload passes the filter's workload criteria (name, deploy kind, OS). */
export function workloadMatches(layout: Layout, w: number, f: LayoutFilter, hostMatchesText: boolean): boolean {
  const lw = layout.workloads[w];
  if (!lw) return false;
  if (f.deploy && lw.deploy !== f.deploy) return false;
  if (f.os && lw.os !== f.os) return false;
  if (f.text && !hostMatchesText && !lw.name.toLowerCase().includes(f.text.toLowerCase())) return false;
  return true;
}

export function filterActive(f: LayoutFilter | undefined): boolean {
  return !!f && !!(f.text || f.deploy || f.os || f.site);
}

/** Lays the whole picture out: header (legend and summary), unplaced lane, host cards. */
export function buildScene(layout: Layout, opts: SceneOptions): Scene {
  const filter = opts.filter ?? emptyFilter;
  const active = filterActive(filter);
  const width = Math.max(CARD_W + 2 * GAP, Math.floor(opts.width));
  const columns = Math.max(1, Math.floor((width - GAP) / (CARD_W + GAP)));
  const sceneW = columns * (CARD_W + GAP) + GAP;
  const text = filter.text.toLowerCase();

  let y = GAP;
  const header = { y, h: LEGEND_H };
  y += LEGEND_H + GAP;

  // The unplaced lane.
  let lane: Scene['lane'] = null;
  const laneRows: LaneRow[] = [];
  let laneHidden = 0;
  for (const u of layout.unplaced) {
    if (active && (!workloadMatches(layout, u.w, { ...filter, site: '' }, false) || filter.site)) continue;
    if (laneRows.length >= MAX_LANE_ROWS) {
      laneHidden++;
      continue;
    }
    laneRows.push({ y: 0, w: u.w, count: u.count, reason: u.reason, kind: u.kind });
  }
  if (laneRows.length || laneHidden) {
    const top = y;
    laneRows.forEach((r, i) => (r.y = top + 24 + i * LANE_ROW_H));
    const h = 24 + (laneRows.length + (laneHidden ? 1 : 0)) * LANE_ROW_H + PAD;
    lane = { y: top, h, rows: laneRows, hidden: laneHidden };
    y += h + GAP;
  }

  // Host cards, row by row; a row is as tall as its tallest card.
  const cards: Card[] = [];
  const rows: Scene['rows'] = [];
  let filteredOut = 0;
  let col = 0;
  let rowH = 0;
  layout.hosts.forEach((h, i) => {
    const hostText = !!text && h.name.toLowerCase().includes(text);
    const hostOs = !!filter.os && h.os === filter.os;
    if (filter.site && h.site !== filter.site) {
      filteredOut++;
      return;
    }
    // A host shown for its own name or OS shows everything it runs.
    const wholeHost = hostText || (hostOs && !filter.text && !filter.deploy);
    const keep = (inst: LayoutInstance) => !active || workloadMatches(layout, inst.w, filter, wholeHost);
    const barRows = h.capacity.storage !== undefined ? 3 : 2;
    const top = HEADER_H + barRows * BAR_H + 6;
    const body = layoutBody(layout, h, keep, top);
    if (active && (filter.text || filter.deploy || filter.os) && !wholeHost && body.chipCount === 0) {
      filteredOut++;
      return;
    }
    const cardH = top + body.h + PAD;
    if (col === columns) {
      col = 0;
      y += rowH + GAP;
      rowH = 0;
    }
    if (col === 0) rows.push({ y, h: 0, first: cards.length, last: cards.length });
    cards.push({ host: i, x: GAP + col * (CARD_W + GAP), y, w: CARD_W, h: cardH, blocks: body.blocks, hidden: body.hidden });
    const row = rows[rows.length - 1];
    row.last = cards.length;
    row.h = rowH = Math.max(rowH, cardH);
    col++;
  });
  y += rowH + GAP;
  return { layout, width: sceneW, height: Math.max(y, header.h + 2 * GAP), header, lane, cards, rows, filteredOut };
}

/** Chips and VM boxes of one host, flowed inside the card from `top` down. */
function layoutBody(layout: Layout, h: LayoutHost, keep: (i: LayoutInstance) => boolean, top: number): { blocks: Block[]; h: number; hidden: number; chipCount: number } {
  const inner = CARD_W - 2 * PAD;
  const blocks: Block[] = [];
  let y = top;
  let budget = MAX_CHIPS_PER_CARD;
  let hidden = 0;
  let chipCount = 0;
  const flow = (items: { inst: LayoutInstance; cls: string }[], width: number, x0: number): { chips: Chip[]; h: number } => {
    const chips: Chip[] = [];
    let x = 0;
    let row = 0;
    for (const it of items) {
      if (budget <= 0) {
        hidden++;
        continue;
      }
      budget--;
      const label = chipLabel(layout, it.inst);
      const w = Math.min(width, Math.ceil(12 + label.length * CHAR_W));
      if (x > 0 && x + w > width) {
        x = 0;
        row++;
      }
      chips.push({ x: x0 + x, y: row * (CHIP_H + CHIP_GAP), w, label, inst: it.inst, cls: it.cls });
      x += w + CHIP_GAP;
    }
    chipCount += chips.length;
    return { chips, h: chips.length ? (row + 1) * (CHIP_H + CHIP_GAP) : 0 };
  };
  const cls = (inst: LayoutInstance, kind: string) => `${kind}${inst.movedFrom !== undefined ? ' moved' : ''}`;

  // Whole-workload VMs and bare containers flow as chips; container VMs are boxes.
  const own = h.vms.filter((v) => v.kind === 'workload' && v.instance && keep(v.instance)).map((v) => ({ inst: v.instance!, cls: cls(v.instance!, 'vm') }));
  const bare = h.containers.filter(keep).map((c) => ({ inst: c, cls: cls(c, 'container') }));
  const loose = flow([...own, ...bare], inner, PAD);
  if (loose.chips.length) {
    for (const c of loose.chips) c.y += y;
    blocks.push({ kind: 'chips', y, h: loose.h, chips: loose.chips });
    y += loose.h;
  }
  for (const vm of h.vms) {
    if (vm.kind === 'workload') continue;
    const items = vm.containers.filter(keep).map((c) => ({ inst: c, cls: cls(c, 'civ') }));
    if (!items.length) continue;
    const body = flow(items, inner - 2 * PAD, 2 * PAD);
    for (const c of body.chips) c.y += y + VM_HEAD_H + 4;
    const bh = VM_HEAD_H + 4 + body.h + 2;
    blocks.push({ kind: 'vm', y, h: bh, vm, chips: body.chips });
    y += bh + CHIP_GAP;
  }
  if (hidden) y += CHIP_H;
  return { blocks, h: y - top, hidden, chipCount };
}

function chipLabel(layout: Layout, inst: LayoutInstance): string {
  const w = layout.workloads[inst.w];
  const name = clip(w?.name ?? '?', 40);
  return w && w.replicas > 1 ? `${name} ${inst.replica + 1}/${w.replicas}` : name;
}

// ---------------------------------------------------------------------------
// Element trees.

/** The legend and the quality summary. */
export function renderHeader(scene: Scene, extra?: string): SvgNode {
  const q = scene.layout.quality;
  const items: [string, string][] = [
    ['vm', 'VM (own guest OS)'],
    ['container', 'container on a container host'],
    ['civ', 'container in a VM'],
    ['vmbox', 'container VM'],
    ['over', 'over physical capacity'],
    ['moved', 'moved by a failure'],
    ['lost', 'not placed'],
  ];
  const children: SvgNode[] = [];
  let x = GAP;
  for (const [cls, label] of items) {
    children.push({ tag: 'rect', attrs: { class: `swatch ${cls}`, x, y: 6, width: 14, height: 12, rx: 2 } });
    children.push({ tag: 'text', attrs: { class: 'legend-text', x: x + 19, y: 16 }, text: label });
    x += Math.round(28 + label.length * 5.8);
  }
  const summary =
    `${q.hostsUsed} of ${q.hostsTotal} hosts used (lower bound ${q.lowerBound}) · ${q.placed} of ${q.instances} replicas placed` +
    `${scene.filteredOut ? ` · ${scene.filteredOut} hosts hidden by the filter` : ''}${extra ? ` · ${extra}` : ''}`;
  children.push({ tag: 'text', attrs: { class: 'summary', x: GAP, y: 40 }, text: summary });
  return { tag: 'g', attrs: { class: 'legend', transform: `translate(0,${scene.header.y})` }, children };
}

/** The lane of what could not be placed, with the reasons. */
export function renderLane(scene: Scene): SvgNode | null {
  const lane = scene.lane;
  if (!lane) return null;
  const w = scene.width - 2 * GAP;
  const children: SvgNode[] = [
    { tag: 'rect', attrs: { class: 'lane-bg', x: 0, y: 0, width: w, height: lane.h, rx: 4 } },
    { tag: 'text', attrs: { class: 'lane-title', x: PAD, y: 16 }, text: `Not placed (${scene.layout.unplaced.reduce((n, u) => n + u.count, 0)} replicas)` },
  ];
  for (const r of lane.rows) {
    const lw = scene.layout.workloads[r.w];
    const name = clip(lw?.name ?? '?', 40);
    const label = r.count > 1 ? `${name} ×${r.count}` : name;
    const cw = Math.min(260, Math.ceil(12 + label.length * CHAR_W));
    const ry = r.y - lane.y;
    children.push({
      tag: 'g',
      attrs: { class: `chip lost ${r.kind === 'failure' ? 'failure' : ''}`.trim(), 'data-w': r.w, transform: `translate(${PAD},${ry})` },
      children: [
        { tag: 'title', text: `${lw?.name ?? '?'}: ${r.count} replica${r.count === 1 ? '' : 's'} not placed: ${r.reason}` },
        { tag: 'rect', attrs: { width: cw, height: CHIP_H, rx: 3 } },
        { tag: 'text', attrs: { x: 6, y: 13 }, text: label },
      ],
    });
    const room = Math.max(10, Math.floor((w - cw - 3 * PAD) / 6.2));
    children.push({ tag: 'text', attrs: { class: 'reason', x: PAD + cw + PAD, y: ry + 13 }, text: clip(r.reason, room) });
  }
  if (lane.hidden) children.push({ tag: 'text', attrs: { class: 'reason', x: PAD, y: 24 + lane.rows.length * LANE_ROW_H + 13 }, text: `and ${lane.hidden} more` });
  return { tag: 'g', attrs: { class: 'lane', transform: `translate(${GAP},${lane.y})` }, children };
}

/** One host's card. */
export function renderCard(scene: Scene, card: Card, focused = false): SvgNode {
  const { layout } = scene;
  const h = layout.hosts[card.host];
  const failed = !!h.failed;
  const info = [h.role === 'hypervisor' ? `hypervisor${h.hypervisor ? ` ${h.hypervisor}` : ''}` : h.role === 'container-host' ? 'container host' : 'no valid role', h.runtime ? `runtime ${h.runtime}` : '', h.os ? `os ${h.os}` : '']
    .filter(Boolean)
    .join(' · ');
  const children: SvgNode[] = [
    { tag: 'title', text: hostTooltip(h) },
    { tag: 'rect', attrs: { class: 'card-bg', width: card.w, height: card.h, rx: 6 } },
    { tag: 'text', attrs: { class: 'host-name', x: PAD, y: 18, 'data-reveal': 'host' }, text: clip(h.name, h.site || h.cluster || failed || h.overPinned ? 22 : 40) },
    { tag: 'text', attrs: { class: 'host-info', x: PAD, y: 34 }, text: clip(info, 46) },
  ];
  if (failed) children.push({ tag: 'text', attrs: { class: 'failed-label', x: card.w - PAD, y: 18, 'text-anchor': 'end' }, text: 'FAILED (simulated)' });
  else if (h.overPinned) children.push({ tag: 'text', attrs: { class: 'warn-label', x: card.w - PAD, y: 18, 'text-anchor': 'end' }, text: 'pins exceed capacity' });
  else if (h.cluster) children.push({ tag: 'text', attrs: { class: 'site-label', x: card.w - PAD, y: 18, 'text-anchor': 'end', 'data-fail': h.cluster }, text: `cluster ${clip(h.cluster, 17)}` });
  else if (h.site) children.push({ tag: 'text', attrs: { class: 'site-label', x: card.w - PAD, y: 18, 'text-anchor': 'end', 'data-fail': h.site }, text: `site ${clip(h.site, 20)}` });
  let by = HEADER_H;
  children.push(bar('CPU', h.used.cpu, h.allocatable.cpu, h.capacity.cpu, by, card.w, fmtCpu));
  by += BAR_H;
  children.push(bar('Mem', h.used.memory, h.allocatable.memory, h.capacity.memory, by, card.w, fmtBytes));
  by += BAR_H;
  if (h.capacity.storage !== undefined) children.push(bar('Disk', h.used.storage, h.capacity.storage, h.capacity.storage, by, card.w, fmtBytes));
  for (const b of card.blocks) {
    if (b.kind === 'vm') {
      const vm = b.vm;
      const title = vm.kind === 'dedicated' ? `dedicated VM · ${vm.os}` : `container VM · ${vm.os}`;
      children.push({
        tag: 'g',
        attrs: { class: `vmbox ${vm.kind}${vm.added ? ' added' : ''}`, transform: `translate(${PAD},${b.y})` },
        children: [
          { tag: 'title', text: `${title}: ${vm.containers.length} container${vm.containers.length === 1 ? '' : 's'}, ${fmtCpu(vm.cost.cpu)} cores, ${fmtBytes(vm.cost.memory)} with its guest OS` },
          { tag: 'rect', attrs: { width: card.w - 2 * PAD, height: b.h, rx: 4 } },
          { tag: 'text', attrs: { class: 'vm-title', x: 6, y: 12 }, text: `${title}${vm.added ? ' (new)' : ''}` },
        ],
      });
    }
    for (const c of b.chips) children.push(renderChip(layout, c));
  }
  if (card.hidden) children.push({ tag: 'text', attrs: { class: 'reason', x: PAD, y: card.h - PAD - 4 }, text: `and ${card.hidden} more` });
  const cls = ['host', h.role, failed ? 'failed' : '', h.overPinned ? 'over-pinned' : '', focused ? 'focused' : ''].filter(Boolean).join(' ');
  return {
    tag: 'g',
    attrs: {
      class: cls,
      'data-host': card.host,
      transform: `translate(${card.x},${card.y})`,
      tabindex: 0,
      role: 'button',
      'aria-pressed': failed ? 'true' : 'false',
      'aria-label': `${h.name}: ${info}${h.site ? `, site ${h.site}` : ''}. ${failed ? 'Failure simulated; press Enter to restore.' : 'Press Enter to simulate its failure, D to open its definition.'}`,
    },
    children,
  };
}

function renderChip(layout: Layout, c: Chip): SvgNode {
  const w = layout.workloads[c.inst.w];
  const moved = c.inst.movedFrom !== undefined ? ` · moved from ${layout.hosts[c.inst.movedFrom]?.name ?? '?'}` : '';
  const verdict = w ? `${w.deploy ?? 'nothing possible'}${w.declared ? ' (declared' : ' (recommended'}${w.verdict && w.verdict !== w.deploy ? `; recommendation: ${w.verdict}` : ''}, ${w.confidence} confidence)` : '';
  const tip = w ? `${w.name}: ${verdict} · replica ${c.inst.replica + 1} of ${w.replicas} · ${fmtCpu(w.cost.cpu)} cores, ${fmtBytes(w.cost.memory)}${w.cost.storage ? `, ${fmtBytes(w.cost.storage)} volumes` : ''}${moved}` : '';
  return {
    tag: 'g',
    attrs: { class: `chip ${c.cls}`, 'data-w': c.inst.w, transform: `translate(${c.x},${c.y})` },
    children: [
      { tag: 'title', text: tip },
      { tag: 'rect', attrs: { width: c.w, height: CHIP_H, rx: 3 } },
      { tag: 'text', attrs: { x: 6, y: 13 }, text: c.label },
    ],
  };
}

function bar(label: string, used: number, alloc: number, physical: number, y: number, cardW: number, fmt: (n: number) => string): SvgNode {
  const x0 = 40;
  const bw = cardW - x0 - 96;
  const scale = Math.max(alloc, used, physical, 1e-9);
  const fillW = (Math.min(used, scale) / scale) * bw;
  const physX = (physical / scale) * bw;
  const over = used > physical + 1e-9;
  const children: SvgNode[] = [
    { tag: 'text', attrs: { class: 'bar-label', x: PAD, y: y + 10 }, text: label },
    { tag: 'rect', attrs: { class: 'bar-bg', x: x0, y: y + 2, width: bw, height: 9, rx: 2 } },
    { tag: 'rect', attrs: { class: 'bar-fill', x: x0, y: y + 2, width: round(Math.min(fillW, physX)), height: 9, rx: 2 } },
  ];
  if (over) children.push({ tag: 'rect', attrs: { class: 'bar-over', x: round(x0 + physX), y: y + 2, width: round(fillW - physX), height: 9 } });
  if (alloc > physical + 1e-9) children.push({ tag: 'line', attrs: { class: 'bar-phys', x1: round(x0 + physX), x2: round(x0 + physX), y1: y, y2: y + 13 } });
  children.push({ tag: 'text', attrs: { class: `bar-value${over ? ' over' : ''}`, x: cardW - PAD, y: y + 10, 'text-anchor': 'end' }, text: `${fmt(used)} / ${fmt(alloc)}` });
  return {
    tag: 'g',
    attrs: { class: 'bar' },
    children: [{ tag: 'title', text: `${label}: ${fmt(used)} used of ${fmt(alloc)} allocatable (${fmt(physical)} physical)${over ? ' — over-committed' : ''}` }, ...children],
  };
}

function hostTooltip(h: LayoutHost): string {
  const vms = h.vms.length;
  const containers = h.containers.length + h.vms.reduce((n, v) => n + v.containers.length, 0);
  return `${h.name} (${h.role}${h.site ? `, site ${h.site}` : ''}): ${vms} VM${vms === 1 ? '' : 's'}, ${containers} container${containers === 1 ? '' : 's'}; CPU ${fmtCpu(h.used.cpu)} of ${fmtCpu(h.allocatable.cpu)} (over-commit ${h.overcommit.cpu}), memory ${fmtBytes(h.used.memory)} of ${fmtBytes(h.allocatable.memory)}.${h.failed ? ' Failure simulated.' : ' Click to simulate its failure.'}`;
}

/** The whole picture as one SVG tree (for export and the static page). */
export function renderScene(scene: Scene, extra?: string): SvgNode {
  const children: SvgNode[] = [{ tag: 'rect', attrs: { class: 'canvas-bg', width: scene.width, height: scene.height } }, renderHeader(scene, extra)];
  const lane = renderLane(scene);
  if (lane) children.push(lane);
  for (const c of scene.cards) children.push(renderCard(scene, c));
  return {
    tag: 'svg',
    attrs: { xmlns: 'http://www.w3.org/2000/svg', class: 'layout', width: scene.width, height: scene.height, viewBox: `0 0 ${scene.width} ${scene.height}`, role: 'img', 'aria-label': 'Host layout' },
    children,
  };
}

/** Serialises a tree to SVG/XML text; every attribute value and text is escaped. */
export function toSvgString(node: SvgNode, css?: string): string {
  const out: string[] = [];
  const walk = (n: SvgNode, top: boolean) => {
    if (!/^[a-zA-Z][a-zA-Z0-9-]*$/.test(n.tag)) return;
    // One element per line: readable exports and snapshot diffs (whitespace between elements draws nothing).
    out.push(`${top ? '' : '\n'}<${n.tag}`);
    for (const [k, v] of Object.entries(n.attrs ?? {})) {
      if (v === undefined || !/^[a-zA-Z_:][a-zA-Z0-9_:.-]*$/.test(k)) continue;
      out.push(` ${k}="${escapeXml(String(v))}"`);
    }
    out.push('>');
    if (top && css !== undefined) out.push(`<style>${escapeXml(css)}</style>`);
    if (n.text !== undefined) out.push(escapeXml(n.text));
    for (const c of n.children ?? []) walk(c, false);
    out.push(`</${n.tag}>`);
  };
  walk(node, true);
  return out.join('');
}

export function escapeXml(s: string): string {
  // Characters XML 1.0 cannot carry at all are dropped; markup characters are escaped.
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Cards that intersect a band of the scene (for drawing only what is on screen). */
export function cardsIn(scene: Scene, top: number, bottom: number): Card[] {
  const rows = scene.rows;
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid].y + rows[mid].h < top) lo = mid + 1;
    else hi = mid;
  }
  const out: Card[] = [];
  for (let r = lo; r < rows.length && rows[r].y <= bottom; r++) {
    for (let i = rows[r].first; i < rows[r].last; i++) out.push(scene.cards[i]);
  }
  return out;
}

export function fmtCpu(n: number): string {
  if (!Number.isFinite(n)) return '∞';
  if (n > 0 && n < 1) return `${Math.round(n * 1000)}m`;
  return Number.isInteger(n) ? String(n) : n.toFixed(n < 10 ? 2 : 1).replace(/\.?0+$/, '');
}

export function fmtBytes(n: number): string {
  if (!Number.isFinite(n)) return '∞';
  const units = ['B', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi'];
  let i = 0;
  while (Math.abs(n) >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${Number.isInteger(n) ? n : n.toFixed(1)}${units[i]}`;
}

function clip(s: string, max: number): string {
  // Control characters would confuse the reader (and some XML readers): shown as spaces.
  const clean = s.replace(/[\u0000-\u001f\u007f]/g, ' ');
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

function add(a: Resources, b: Resources): void {
  a.cpu += b.cpu;
  a.memory += b.memory;
  a.storage += b.storage;
}

function sum(a: Resources, b: Resources): Resources {
  return { cpu: a.cpu + b.cpu, memory: a.memory + b.memory, storage: a.storage + b.storage };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
