// One case per rule: a fixture that triggers it (the caret text marks where), the
// preferred quick fix applied, and the diagnostic gone afterwards.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDocument } from 'yaml';
import { defaultConfig } from '../../server/src/core/config';
import { applyEdits } from '../../server/src/core/fix';
import { isRuleId, RULES, type RuleId } from '../../server/src/core/rules';
import type { Finding } from '../../server/src/core/types';
import { RULES as SHARED_RULES } from '../../shared/rules';
import { diagnostics, FLEET } from './helpers';

interface Case {
  rule: string;
  /** The checked file, `w.yaml` unless given. */
  file?: string;
  /** Files by name. */
  files: Record<string, string>;
  /** The text the diagnostic must cover. */
  at: string;
  severity?: string;
  /** Text expected in `w.yaml` after applying the preferred fix. */
  fixed?: string;
}

const W = (body: string) => `version: 1\nworkloads:\n${body}`;

const cases: Case[] = [
  { rule: 'yaml-syntax', files: { 'w.yaml': W('  - name: api\n    os: [linux\n') }, at: '' },
  {
    rule: 'unknown-key',
    files: { 'w.yaml': W('  - name: api\n    os: linux\n    replicaz: 3 # keep me\n') },
    at: 'replicaz',
    severity: 'warning',
    fixed: 'replicas: 3 # keep me',
  },
  { rule: 'duplicate-key', files: { 'w.yaml': W('  - name: api\n    os: linux\n    os: windows\n') }, at: 'os' },
  { rule: 'wrong-type', files: { 'w.yaml': W('  - name: api\n    os: linux\n    replicas: three\n') }, at: 'three' },
  {
    rule: 'invalid-value',
    files: { 'w.yaml': W('  - name: api\n    os: linux\n    deploy: contianer   # typo\n') },
    at: 'contianer',
    fixed: 'deploy: container   # typo',
  },
  { rule: 'bad-quantity', files: { 'w.yaml': W('  - name: api\n    os: linux\n    resources: { cpu: 2 cores }\n') }, at: '2 cores' },
  {
    rule: 'missing-field',
    files: { 'w.yaml': W('  - name: api\n    deploy: vm\n') },
    at: 'name',
    fixed: '    deploy: vm\n    os: linux',
  },
  {
    rule: 'duplicate-name',
    files: { 'hosts.yaml': FLEET, 'w.yaml': `version: 1\nhosts:\n  - { name: esx-01, role: hypervisor, cpu: 8, memory: 32Gi }\n` },
    at: 'esx-01',
  },
  {
    rule: 'name-not-dns-label',
    files: { 'hosts.yaml': FLEET, 'w.yaml': W('  - name: my app # keep me\n    os: linux\n') },
    at: 'my app',
    severity: 'warning',
    fixed: 'name: my-app # keep me',
  },
  {
    rule: 'unknown-host',
    files: { 'hosts.yaml': FLEET, 'w.yaml': W('  - name: api\n    os: linux\n    host: esx-0l\n') },
    at: 'esx-0l',
    fixed: 'host: esx-01',
  },
  {
    rule: 'deploy-impossible',
    files: { 'hosts.yaml': FLEET, 'w.yaml': W('  - name: api\n    os: linux\n    kernel: custom\n    deploy: container\n') },
    at: 'container',
    fixed: 'deploy: vm',
  },
  {
    rule: 'deploy-impossible',
    files: { 'hosts.yaml': FLEET, 'w.yaml': W('  - name: app\n    os: windows\n    architecture: monolith\n    deploy: container\n') },
    at: 'container',
    fixed: 'deploy: vm',
  },
  {
    rule: 'live-migration-container',
    files: { 'hosts.yaml': FLEET, 'w.yaml': W('  - name: api\n    os: linux\n    architecture: microservice\n    scaling: { min: 2, max: 10 }\n    liveMigration: true\n    deploy: container\n') },
    at: 'container',
    fixed: 'deploy: container-in-vm',
  },
  {
    rule: 'pinned-host-mismatch',
    files: { 'hosts.yaml': FLEET, 'w.yaml': W('  - name: api\n    os: linux\n    deploy: vm\n    host: k8s-01\n') },
    at: 'vm',
    fixed: 'deploy: container',
  },
  {
    rule: 'no-capable-host',
    files: { 'hosts.yaml': 'version: 1\nhosts:\n  - { name: n1, role: container-host, os: linux, cpu: 4, memory: 8Gi }\n', 'w.yaml': W('  - name: legacy\n    os: aix\n') },
    at: 'legacy',
  },
  {
    rule: 'deploy-against-recommendation',
    files: { 'hosts.yaml': FLEET, 'w.yaml': W('  - name: api\n    os: linux\n    architecture: monolith\n    resources: { cpu: 8, memory: 32Gi }\n    deploy: container\n') },
    at: 'container',
    severity: 'warning',
    fixed: 'deploy: vm',
  },
  {
    rule: 'deploy-against-recommendation',
    files: { 'hosts.yaml': FLEET, 'w.yaml': W('  - name: api\n    os: linux\n    startup: normal\n    replicas: 3\n    deploy: vm\n') },
    at: 'vm',
    severity: 'information',
    fixed: 'deploy: container',
  },
  {
    rule: 'stateful-without-volumes',
    files: { 'hosts.yaml': FLEET, 'w.yaml': W('  - name: db\n    os: linux\n    state: stateful\n    deploy: container\n') },
    at: 'stateful',
    fixed: '    deploy: container\n    volumes:\n      - { name: data, size: 10Gi, mountPath: /data }',
  },
  {
    rule: 'strict-isolation-container',
    files: { 'hosts.yaml': FLEET, 'w.yaml': W('  - name: api\n    os: linux\n    isolation: strict\n    deploy: container\n') },
    at: 'container',
    fixed: 'deploy: vm',
  },
  {
    rule: 'elastic-vm',
    files: { 'hosts.yaml': FLEET, 'w.yaml': W('  - name: api\n    os: linux\n    scaling: { min: 1, max: 9 }\n    deploy: vm\n') },
    at: 'vm',
    fixed: 'deploy: container',
  },
  {
    rule: 'host-field-mismatch',
    files: { 'w.yaml': 'version: 1\nhosts:\n  - name: n1\n    role: container-host\n    hypervisor: esxi\n    os: linux\n    cpu: 4\n    memory: 8Gi\n' },
    at: 'hypervisor',
  },
  // Kubernetes manifests (w.yaml names a workload kind, so it is read as one: test/core/helpers.ts).
  {
    rule: 'host-kernel-access',
    files: { 'hosts.yaml': FLEET, 'w.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: agent\nspec:\n  hostPID: true\n  containers:\n    - name: a\n      image: x\n' },
    at: 'true',
    severity: 'warning',
  },
  {
    rule: 'manifest-template',
    files: { 'hosts.yaml': FLEET, 'w.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Values.name }}\n' },
    at: '{{ .Values.name }}',
    severity: 'information',
  },
  // Compose files (read by their name: test/core/helpers.ts).
  {
    rule: 'compose-variable',
    file: 'compose.yaml',
    files: { 'hosts.yaml': FLEET, 'compose.yaml': 'services:\n  web:\n    image: shop/web:${TAG}\n' },
    at: 'shop/web:${TAG}',
    severity: 'information',
  },
  {
    rule: 'compose-extends',
    file: 'compose.yaml',
    files: { 'hosts.yaml': FLEET, 'compose.yaml': 'services:\n  web:\n    extends: base\n  base:\n    extends: web\n' },
    at: 'base',
    severity: 'warning',
  },
];

describe('rules', () => {
  for (const c of cases) {
    it(`${c.rule}: ${JSON.stringify(c.at)}`, () => {
      const file = c.file ?? 'w.yaml';
      const text = c.files[file];
      const all = diagnostics(c.files, file);
      const hit = all.find((d) => d.ruleId === c.rule);
      assert.ok(hit, `expected ${c.rule} in ${JSON.stringify(all.map((d) => `${d.ruleId}: ${d.message}`))}`);
      if (c.at) assert.equal(text.slice(hit.span.start, hit.span.end), c.at);
      if (c.severity) assert.equal(hit.severity, c.severity);
      assert.ok(hit.message.length > 10);
      if (c.fixed !== undefined) {
        const fix = hit.fixes?.find((f) => f.preferred) ?? hit.fixes?.[0];
        assert.ok(fix, 'a quick fix');
        const after = applyEdits(text, fix.edits);
        assert.ok(after.includes(c.fixed), `fixed text:\n${after}`);
        assert.equal(parseDocument(after).errors.length, 0, 'the fix keeps valid YAML');
        const again = diagnostics({ ...c.files, 'w.yaml': after }, 'w.yaml');
        const same = again.filter((d) => d.ruleId === c.rule && (d.ruleId !== 'deploy-impossible' || d.message === hit.message));
        assert.equal(same.length, 0, `still reported: ${JSON.stringify(same.map((d) => d.message))}`);
      }
    });
  }

  it('covers every rule of the core catalogue', () => {
    const covered = new Set(cases.map((c) => c.rule));
    const core = ['syntax', 'schema', 'workspace', 'placement'];
    const missing = RULES.filter((r) => core.includes(r.category) && !covered.has(r.id)).map((r) => r.id);
    assert.deepEqual(missing, []);
  });

  it('every catalogue entry is documented', () => {
    const ids = new Set<string>();
    for (const r of RULES) {
      assert.match(r.id, /^[a-z]+(-[a-z]+)*$/, 'kebab-case id');
      assert.ok(!ids.has(r.id), `duplicate id ${r.id}`);
      ids.add(r.id);
      for (const k of ['summary', 'why', 'example', 'fix'] as const) assert.ok(r[k].length > 5, `${r.id}.${k}`);
    }
  });

  it('rule ids are typed: a finding with an id outside the catalogue does not compile', () => {
    const ok: Finding = { ruleId: 'unknown-key', message: 'm', span: { start: 0, end: 0 } };
    // @ts-expect-error: not a rule of the catalogue (the compiler checks every finding's id).
    const misspelt: Finding = { ruleId: 'unknown-keys', message: 'm', span: { start: 0, end: 0 } };
    const ids: RuleId[] = RULES.map((r) => r.id);
    assert.ok(ids.includes(ok.ruleId));
    assert.ok(!isRuleId(misspelt.ruleId));
  });

  it('the catalogue is shared/rules.ts; server/src/core/rules.ts re-exports the same objects', () => {
    assert.equal(RULES, SHARED_RULES);
  });
});

describe('severities and suppression', () => {
  const files = { 'hosts.yaml': FLEET, 'w.yaml': W('  - name: api\n    os: linux\n    isolation: strict\n    deploy: container\n') };

  it('a rule can be turned off or re-levelled', () => {
    assert.equal(diagnostics(files, 'w.yaml', { ...defaultConfig(), rules: { 'strict-isolation-container': 'off' } }).length, 0);
    const [d] = diagnostics(files, 'w.yaml', { ...defaultConfig(), rules: { 'strict-isolation-container': 'error' } });
    assert.equal(d.severity, 'error');
  });

  const suppressed: [string, string][] = [
    ['comment on the line above', W('  - name: api\n    os: linux\n    isolation: strict\n    # placement-ignore: strict-isolation-container\n    deploy: container\n')],
    ['trailing comment', W('  - name: api\n    os: linux\n    isolation: strict\n    deploy: container # placement-ignore: strict-isolation-container\n')],
    ['file-level', `# placement-ignore-file: strict-isolation-container\n${W('  - name: api\n    os: linux\n    isolation: strict\n    deploy: container\n')}`],
    ['every rule on the line', W('  - name: api\n    os: linux\n    isolation: strict\n    deploy: container # placement-ignore\n')],
  ];
  for (const [name, text] of suppressed) {
    it(`suppression: ${name}`, () => {
      assert.deepEqual(diagnostics({ ...files, 'w.yaml': text }, 'w.yaml').map((d) => d.ruleId), []);
    });
  }

  it('a suppression for another rule does not hide this one', () => {
    const text = W('  - name: api\n    os: linux\n    isolation: strict\n    deploy: container # placement-ignore: elastic-vm\n');
    assert.deepEqual(diagnostics({ ...files, 'w.yaml': text }, 'w.yaml').map((d) => d.ruleId), ['strict-isolation-container']);
  });
});
