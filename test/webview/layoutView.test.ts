// The pure picture (shared/layoutView.ts) and the pages that host it
// (shared/layoutPage.ts): snapshot, escaping, filters, failure overlay, virtualization
// helpers, and the CSP of both pages.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { analyze } from '../../server/src/core/analyze';
import { defaultConfig } from '../../server/src/core/config';
import { parseFile } from '../../server/src/core/parse';
import { jsonForHtml, panelHtml, staticPageHtml } from '../../shared/layoutPage';
import { applyFailure, buildScene, cardsIn, renderCard, renderScene, type SvgNode, toSvgString } from '../../shared/layoutView';
import type { Layout } from '../../shared/protocol';
import { ROOT } from './page';

const FLEET = `version: 1
hosts:
  - { name: esx-01, role: hypervisor, hypervisor: esxi, runtime: containerd, cpu: 16, memory: 64Gi, storage: 2Ti, site: east, overcommit: { cpu: 4 } }
  - { name: esx-02, role: hypervisor, hypervisor: esxi, runtime: containerd, cpu: 16, memory: 64Gi, site: west, overcommit: { cpu: 4 } }
  - { name: k8s-01, role: container-host, runtime: containerd, os: linux, cpu: 8, memory: 32Gi, site: east }
  - { name: win-01, role: container-host, runtime: containerd, os: windows, cpu: 8, memory: 32Gi, site: west }
workloads:
  - { name: erp, os: linux, deploy: vm, resources: { cpu: 8, memory: 32Gi }, volumes: [{ name: d, size: 500Gi }] }
  - { name: api, os: linux, deploy: container, replicas: 3, resources: { cpu: 1, memory: 2Gi } }
  - { name: fn, os: linux, deploy: container-in-vm, replicas: 2, resources: { cpu: 500m, memory: 1Gi } }
  - { name: vault, os: linux, isolation: strict, deploy: container-in-vm, resources: { cpu: 1, memory: 2Gi } }
  - { name: net, os: windows, deploy: container, resources: { cpu: 2, memory: 4Gi } }
  - { name: huge, os: linux, deploy: vm, resources: { cpu: 500, memory: 8Gi } }
`;

function layoutOf(text: string): { layout: Layout; a: ReturnType<typeof analyze> } {
  const a = analyze([parseFile('fleet.workload.yaml', text)], defaultConfig());
  return { layout: a.layout, a };
}

function find(n: SvgNode, pred: (n: SvgNode) => boolean, out: SvgNode[] = []): SvgNode[] {
  if (pred(n)) out.push(n);
  for (const c of n.children ?? []) find(c, pred, out);
  return out;
}

const cls = (n: SvgNode) => String(n.attrs?.class ?? '').split(' ');

describe('layout picture', () => {
  const { layout, a } = layoutOf(FLEET);

  it('matches the committed snapshot (UPDATE_SNAPSHOTS=1 rewrites it)', () => {
    const svg = toSvgString(renderScene(buildScene(layout, { width: 1300 })));
    const file = path.join(ROOT, 'test', 'webview', 'snapshots', 'fleet.svg');
    if (process.env.UPDATE_SNAPSHOTS) {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, `${svg}\n`);
    }
    assert.ok(existsSync(file), `${file} is missing: run the test with UPDATE_SNAPSHOTS=1 and review it`);
    assert.equal(`${svg}\n`, readFileSync(file, 'utf8'));
  });

  it('draws hosts as cards, VMs as chips or boxes, containers as chips, with replica labels', () => {
    const scene = buildScene(layout, { width: 1300 });
    assert.equal(scene.cards.length, 4);
    const tree = renderScene(scene);
    const labels = find(tree, (n) => cls(n).includes('chip')).map((n) => `${cls(n).filter((c) => c !== 'chip').join('.')}:${n.children!.find((c) => c.tag === 'text')!.text}`);
    assert.ok(labels.includes('vm:erp'));
    assert.ok(labels.includes('container:api 1/3') && labels.includes('container:api 3/3'));
    assert.ok(labels.includes('civ:fn 1/2') && labels.includes('civ:vault'));
    assert.ok(labels.includes('lost:huge'));
    const boxes = find(tree, (n) => cls(n).includes('vmbox')).map((n) => cls(n).join('.'));
    assert.ok(boxes.includes('vmbox.pool') && boxes.includes('vmbox.dedicated'));
    // Bars: storage only where the host declares it.
    const esx01 = renderCard(scene, scene.cards[0]);
    assert.equal(find(esx01, (n) => n.tag === 'text' && n.attrs?.class === 'bar-label').map((n) => n.text).join(','), 'CPU,Mem,Disk');
  });

  it('shows over-commitment plainly', () => {
    const { layout: l } = layoutOf(`version: 1
hosts:
  - { name: h, role: hypervisor, cpu: 4, memory: 64Gi, overcommit: { cpu: 4 } }
workloads:
  - { name: v, os: linux, deploy: vm, replicas: 3, resources: { cpu: 3, memory: 1Gi } }
`);
    const card = renderCard(buildScene(l, { width: 800 }), buildScene(l, { width: 800 }).cards[0]);
    assert.equal(find(card, (n) => n.attrs?.class === 'bar-over').length, 1, 'CPU beyond the physical cores');
    assert.equal(find(card, (n) => n.attrs?.class === 'bar-phys').length, 1, 'where physical CPU ends (memory is not over-committed)');
    assert.ok(find(card, (n) => n.attrs?.class === 'bar-value over').length === 1);
  });

  it('escapes every name in the serialised SVG', () => {
    const { layout: l } = layoutOf(`version: 1
hosts:
  - { name: "<b>h&'\\"", role: container-host, os: linux, cpu: 4, memory: 8Gi }
workloads:
  - { name: "<img src=x onerror=alert(1)>", os: linux, deploy: container }
  - { name: "]]></text><script>alert(1)</script>", os: linux, deploy: container, resources: { cpu: 99 } }
`);
    const svg = toSvgString(renderScene(buildScene(l, { width: 800 })));
    assert.ok(!svg.includes('<img') && !svg.includes('<script') && !svg.includes('<b>'));
    assert.ok(svg.includes('&lt;img src=x onerror=alert(1)&gt;'));
    assert.ok(svg.includes('&lt;b&gt;h&amp;&#39;&quot;'));
  });

  it('filters by name, deployment kind, OS and site', () => {
    const names = (f: Partial<{ text: string; deploy: '' | 'vm' | 'container' | 'container-in-vm'; os: string; site: string }>) => {
      const scene = buildScene(layout, { width: 1300, filter: { text: '', deploy: '', os: '', site: '', ...f } });
      return scene.cards.map((c) => `${layout.hosts[c.host].name}[${c.blocks.flatMap((b) => b.chips.map((x) => layout.workloads[x.inst.w].name)).join(',')}]`);
    };
    assert.deepEqual(names({ text: 'erp' }), ['esx-01[erp]']);
    assert.deepEqual(names({ text: 'k8s' }), ['k8s-01[api,api,api]']);
    assert.deepEqual(names({ deploy: 'container-in-vm' }), ['esx-01[vault,fn]', 'esx-02[fn]']);
    assert.deepEqual(names({ os: 'windows' }), ['win-01[net]']);
    assert.deepEqual(names({ site: 'west' }), ['esx-02[fn]', 'win-01[net]']);
    const lane = buildScene(layout, { width: 1300, filter: { text: 'api', deploy: '', os: '', site: '' } }).lane;
    assert.equal(lane, null, 'the unplaced lane follows the filter too');
  });

  it('overlays a failure: the host failed, what moved, what was lost', () => {
    const f = a.placement.simulateFailure('esx-01')!;
    const after = applyFailure(layout, f);
    assert.equal(after.hosts[0].failed, true);
    assert.equal(layout.hosts[0].failed, undefined, 'the base layout is untouched');
    const moved = after.hosts.flatMap((h) => [...h.containers, ...h.vms.flatMap((v) => (v.instance ? [v.instance] : v.containers))]).filter((i) => i.movedFrom === 0);
    assert.equal(moved.length, f.moved.length);
    assert.ok(moved.length > 0);
    assert.equal(after.unplaced.length, layout.unplaced.length + f.lost.length);
    const used = (l: Layout, i: number) => l.hosts[i].used.memory;
    const to = f.moved[0].to;
    assert.ok(used(after, to) > used(layout, to));
    const tree = renderScene(buildScene(after, { width: 1300 }));
    assert.equal(find(tree, (n) => cls(n).includes('host') && cls(n).includes('failed')).length, 1);
    assert.equal(find(tree, (n) => cls(n).includes('chip') && cls(n).includes('moved')).length, f.moved.length);
  });

  it('finds the cards in a band of the scene by rows', () => {
    const big = layoutOf(
      `version: 1\nhosts:\n${Array.from({ length: 200 }, (_, i) => `  - { name: n${i}, role: container-host, os: linux, cpu: 4, memory: 8Gi }`).join('\n')}\n`,
    ).layout;
    const scene = buildScene(big, { width: 1000 });
    assert.equal(scene.cards.length, 200);
    const some = cardsIn(scene, 500, 900);
    assert.ok(some.length > 0 && some.length < 40);
    for (const c of scene.cards) assert.equal(some.includes(c), c.y <= 900 && c.y + scene.rows.find((r) => r.y === c.y)!.h >= 500);
  });
});

describe('layout pages', () => {
  it('the panel page has a strict CSP with the nonce and no inline data', () => {
    const html = panelHtml({ cspSource: 'https://file+.vscode-resource.vscode-cdn.net', scriptUri: 'https://x/dist/webview.js', styleUri: 'https://x/dist/webview.css', nonce: 'abc+/=' });
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)![1].replace(/&#39;/g, "'");
    assert.equal(csp, "default-src 'none'; style-src https://file+.vscode-resource.vscode-cdn.net; script-src 'nonce-abc+/=';");
    assert.match(html, /<script nonce="abc\+\/=" src="https:\/\/x\/dist\/webview\.js"><\/script>/);
    assert.equal((html.match(/<script/g) ?? []).length, 1);
    assert.ok(!/style=/.test(html));
  });

  it('the static page carries the data as inert JSON that no name can break out of', () => {
    const data = { name: '</script><script>alert(1)</script>', other: '<!-- \u2028 &' };
    const html = staticPageHtml({ title: '<t>', css: 'body{}', js: 'console.log(1)', data, nonce: 'n0nce' });
    const block = /<script type="application\/json" id="layout-data">([\s\S]*?)<\/script>/.exec(html)![1];
    assert.deepEqual(JSON.parse(block), data);
    assert.ok(!block.includes('<') && !block.includes('>'));
    assert.equal((html.match(/<\/script>/g) ?? []).length, 2);
    assert.match(html, /content="default-src &#39;none&#39;; style-src &#39;nonce-n0nce&#39;; script-src &#39;nonce-n0nce&#39;;"/);
    assert.match(html, /<title>&lt;t&gt;<\/title>/);
    assert.equal(jsonForHtml('\u2029'), '"\\u2029"');
  });
});
