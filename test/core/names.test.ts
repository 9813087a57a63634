// Names become VM, host and Kubernetes object names: `name-not-dns-label` warns on names
// that are not DNS-1123 labels and proposes one; a host's fix renames its pins too.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyEdits } from '../../server/src/core/fix';
import { dnsLabelFor, isDnsLabel } from '../../server/src/core/names';
import { diagnostics, FLEET } from './helpers';

const W = (body: string) => `version: 1\nworkloads:\n${body}`;
const named = (files: Record<string, string>, file: string) => diagnostics(files, file).filter((d) => d.ruleId === 'name-not-dns-label');

describe('DNS-1123 labels', () => {
  const valid = ['a', 'api', 'esx-01', '0day', 'a'.repeat(63), 'web-2-b'];
  const invalid = ['', 'My-App', 'my app', 'my_app', '-api', 'api-', 'a.b', 'a'.repeat(64), '<img src=x onerror=alert(1)>', 'café'];
  for (const n of valid) it(`accepts ${JSON.stringify(n)}`, () => assert.equal(isDnsLabel(n), true));
  for (const n of invalid) it(`refuses ${JSON.stringify(n.slice(0, 20))}`, () => assert.equal(isDnsLabel(n), false));

  const proposals: [string, string | undefined][] = [
    ['my app', 'my-app'],
    ['My_App', 'my-app'],
    ['<img src=x onerror=alert(1)>', 'img-src-x-onerror-alert-1'],
    ['--Web..Front--', 'web-front'],
    ['x'.repeat(70), 'x'.repeat(63)],
    [`${'a'.repeat(62)}-b`, 'a'.repeat(62)],
    ['日本', undefined],
    ['café', 'caf'],
  ];
  for (const [from, to] of proposals) {
    it(`proposes ${JSON.stringify(to)} for ${JSON.stringify(from.slice(0, 20))}`, () => {
      const got = dnsLabelFor(from);
      assert.equal(got, to);
      if (got !== undefined) assert.equal(isDnsLabel(got), true);
    });
  }
});

describe('name-not-dns-label', () => {
  it('warns on an HTML-looking workload name, quoted, with a safe fix', () => {
    const text = W('  - name: "<img src=x onerror=alert(1)>"\n    os: linux\n');
    const [d] = named({ 'hosts.yaml': FLEET, 'w.yaml': text }, 'w.yaml');
    assert.ok(d);
    assert.equal(d.severity, 'warning');
    assert.equal(text.slice(d.span.start, d.span.end), '"<img src=x onerror=alert(1)>"');
    assert.ok(d.message.includes("'<img src=x onerror=alert(1)>'"), d.message);
    const fix = d.fixes!.find((f) => f.preferred)!;
    assert.equal(fix.safe, true);
    assert.ok(applyEdits(text, fix.edits).includes('name: img-src-x-onerror-alert-1\n'));
  });

  it('escapes control and direction characters in the message', () => {
    const text = W('  - name: "evil\\u202Eppa\\u0007"\n    os: linux\n');
    const [d] = named({ 'hosts.yaml': FLEET, 'w.yaml': text }, 'w.yaml');
    assert.ok(d);
    assert.ok(!/[\u0000-\u001f\u202a-\u202e\u2066-\u2069]/.test(d.message), d.message);
    assert.ok(d.message.includes('\\u202e') || d.message.includes('\\u202E'), d.message);
  });

  it('does not warn on valid names, hosts or workloads', () => {
    assert.deepEqual(named({ 'hosts.yaml': FLEET, 'w.yaml': W('  - name: api-01\n    os: linux\n') }, 'w.yaml'), []);
    assert.deepEqual(named({ 'hosts.yaml': FLEET, 'w.yaml': W('  - name: api\n    os: linux\n') }, 'hosts.yaml'), []);
  });

  it('warns on host names; the fix renames the pins in the same file and is safe', () => {
    const text = 'version: 1\nhosts:\n  - { name: ESX_01, role: hypervisor, hypervisor: esxi, cpu: 8, memory: 32Gi }\n  - { name: other, role: hypervisor, hypervisor: esxi, cpu: 8, memory: 32Gi }\nworkloads:\n  - name: api\n    os: linux\n    host: ESX_01\n  - name: web\n    os: linux\n    hosts: [ESX_01, other]\n';
    const [d] = named({ 'w.yaml': text }, 'w.yaml');
    assert.ok(d);
    assert.equal(text.slice(d.span.start, d.span.end), 'ESX_01');
    assert.match(d.message, /^Host name 'ESX_01'/);
    const fix = d.fixes![0];
    assert.equal(fix.safe, true);
    const after = applyEdits(text, fix.edits);
    assert.ok(after.includes('name: esx-01,') && after.includes('host: esx-01\n') && after.includes('hosts: [esx-01, other]'), after);
    assert.deepEqual(diagnostics({ 'w.yaml': after }, 'w.yaml').filter((x) => x.ruleId === 'unknown-host' || x.ruleId === 'name-not-dns-label'), []);
  });

  it('a host pinned from another file: the fix is not safe (fix all leaves it; Rename renames everywhere)', () => {
    const hosts = 'version: 1\nhosts:\n  - { name: ESX_01, role: hypervisor, hypervisor: esxi, cpu: 8, memory: 32Gi }\n';
    const apps = W('  - name: api\n    os: linux\n    host: ESX_01\n');
    const [d] = named({ 'hosts.yaml': hosts, 'w.yaml': apps }, 'hosts.yaml');
    assert.ok(d);
    const fix = d.fixes![0];
    assert.equal(fix.safe, false);
    assert.match(fix.title, /w\.yaml/);
  });

  it('does not propose a name another workload has (nor one proposed for another)', () => {
    const text = W('  - name: my-app\n    os: linux\n  - name: My App\n    os: linux\n  - name: my_app\n    os: linux\n');
    const ds = named({ 'hosts.yaml': FLEET, 'w.yaml': text }, 'w.yaml');
    assert.equal(ds.length, 2);
    const proposed = ds.map((d) => d.fixes![0].edits[0].newText);
    assert.deepEqual(proposed, ['my-app-2', 'my-app-3']);
  });

  it('quotes a proposal YAML would not read as text', () => {
    const plain = W('  - name: "2024 Q1"\n    os: linux\n');
    assert.equal(named({ 'hosts.yaml': FLEET, 'w.yaml': plain }, 'w.yaml')[0].fixes![0].edits[0].newText, '2024-q1');
    const text = W('  - name: " 2024"\n    os: linux\n');
    const [d] = named({ 'hosts.yaml': FLEET, 'w.yaml': text }, 'w.yaml');
    assert.equal(d.fixes![0].edits[0].newText, '"2024"');
    const text2 = W('  - name: "TRUE"\n    os: linux\n');
    const [d2] = named({ 'hosts.yaml': FLEET, 'w.yaml': text2 }, 'w.yaml');
    assert.equal(d2.fixes![0].edits[0].newText, '"true"');
  });

  it('offers no fix when nothing of the name is usable', () => {
    const [d] = named({ 'hosts.yaml': FLEET, 'w.yaml': W('  - name: 日本\n    os: linux\n') }, 'w.yaml');
    assert.ok(d);
    assert.equal(d.fixes, undefined);
  });
});
