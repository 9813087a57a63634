// Compose files → workloads (server/src/core/manifests/compose.ts): a table per mapped
// field, interpolation, merge keys, overrides and `extends`, the realistic corpus in
// test/manifests/compose, what is not ours, and a property: reading any Compose text,
// however mangled, never throws.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { analyze } from '../../server/src/core/analyze';
import { defaultConfig } from '../../server/src/core/config';
import { imageRepository, interpolate, isComposeFileName, looksLikeCompose, parseCompose, parseEnvFile } from '../../server/src/core/manifests/compose';
import { ANNOTATION_PREFIX, ANNOTATIONS } from '../../server/src/core/manifests/k8s';
import { parseFile } from '../../server/src/core/parse';
import type { ParsedFile, WorkloadDecl } from '../../server/src/core/types';
import { props } from '../properties';
import { FLEET, parseAny } from './helpers';
import { corpusFiles } from '../corpus';

const GI = 1024 ** 3;
const MI = 1024 ** 2;
const P = 'placement.workload-advisor.io/';

/** A compose file with one service `app` whose body is `body` (indented by the caller to 4 spaces). */
const service = (body: string) =>
  `services:\n  app:\n${body
    .trim()
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n')}\n`;

/** Parses `compose.yaml` in folder `proj` with the given sibling files. */
const parse = (text: string, siblings: Record<string, string> = {}, file = 'proj/compose.yaml'): ParsedFile => parseCompose(file, text, { read: (rel) => siblings[rel] });

const one = (text: string, siblings: Record<string, string> = {}): { w: WorkloadDecl; p: ParsedFile } => {
  const p = parse(text, siblings);
  assert.equal(p.workloads.length, 1, JSON.stringify(p.findings));
  return { w: p.workloads[0], p };
};

interface FieldCase {
  name: string;
  body: string;
  expect: Partial<Record<keyof WorkloadDecl, unknown>>;
  /** The text the field's span (in `manifest.fields`) covers. */
  spans?: Record<string, string>;
  /** Rule ids of the findings, in order. */
  findings?: string[];
}

const fieldCases: FieldCase[] = [
  { name: 'a bare service: stateless linux, nothing else', body: 'image: acme/app', expect: { state: 'stateless', os: 'linux', replicas: undefined, cpu: undefined, deploy: undefined, kernel: undefined }, findings: [] },
  { name: 'deploy.replicas', body: 'image: x\ndeploy:\n  replicas: 3', expect: { replicas: 3 }, spans: { replicas: '3' } },
  { name: 'scale (the older key)', body: 'image: x\nscale: 5', expect: { replicas: 5 }, spans: { replicas: '5' } },
  { name: 'deploy.replicas wins over scale', body: 'image: x\nscale: 5\ndeploy: { replicas: 2 }', expect: { replicas: 2 } },
  { name: 'reservations: cpus and memory', body: 'image: x\ndeploy:\n  resources:\n    reservations: { cpus: "0.5", memory: 512M }', expect: { cpu: 0.5, memory: 512 * MI }, spans: { cpu: '"0.5"', memory: '512M', resources: '"0.5"' } },
  { name: 'limits when there is no reservation', body: 'image: x\ndeploy:\n  resources:\n    limits: { cpus: "2", memory: 2g }', expect: { cpu: 2, memory: 2 * GI } },
  { name: 'reservations win over limits', body: 'image: x\ndeploy:\n  resources:\n    reservations: { cpus: "1" }\n    limits: { cpus: "4" }', expect: { cpu: 1 } },
  { name: 'cpus and mem_limit (the older keys)', body: 'image: x\ncpus: 1.5\nmem_limit: 1gb', expect: { cpu: 1.5, memory: GI }, spans: { cpu: '1.5', memory: '1gb' } },
  { name: 'mem_reservation before limits', body: 'image: x\nmem_reservation: 256m\nmem_limit: 1g', expect: { memory: 256 * MI }, spans: { memory: '256m' } },
  { name: 'a byte count and a Kubernetes quantity', body: 'image: x\nmem_limit: 1048576\nmem_reservation: 2Gi', expect: { memory: 2 * GI } },
  { name: 'a named volume: stateful', body: 'image: x\nvolumes:\n  - data:/var/lib/data', expect: { state: 'stateful', volumes: [{ name: 'data' }], hasVolumesKey: true }, spans: { state: '- data:/var/lib/data' } },
  { name: 'a writable bind mount: stateful', body: 'image: x\nvolumes:\n  - ./uploads:/srv/uploads', expect: { state: 'stateful', volumes: [{ name: './uploads' }] } },
  { name: 'long syntax volume', body: 'image: x\nvolumes:\n  - type: volume\n    source: data\n    target: /data', expect: { state: 'stateful', volumes: [{ name: 'data' }] } },
  { name: 'an anonymous volume counts', body: 'image: x\nvolumes:\n  - /data', expect: { state: 'stateful', volumes: [{ name: undefined }] } },
  { name: 'read-only binds, sockets and tmpfs are not storage', body: 'image: x\nvolumes:\n  - ./nginx.conf:/etc/nginx/nginx.conf:ro\n  - /var/run/docker.sock:/var/run/docker.sock\n  - type: tmpfs\n    target: /tmp\n  - type: bind\n    source: ./conf\n    target: /conf\n    read_only: true', expect: { state: 'stateless', volumes: [] } },
  { name: 'platform windows', body: 'image: x\nplatform: windows/amd64', expect: { os: 'windows', arch: 'x86_64' }, spans: { os: 'windows/amd64' } },
  { name: 'platform linux/arm64: the arch', body: 'image: x\nplatform: linux/arm64/v8', expect: { os: 'linux', arch: 'arm64' } },
  { name: 'runtime kata → container-in-vm', body: 'image: x\nruntime: io.containerd.kata.v2', expect: { deploy: 'container-in-vm' }, spans: { deploy: 'io.containerd.kata.v2' } },
  { name: 'runtime runsc (gVisor) → container-in-vm', body: 'image: x\nruntime: runsc', expect: { deploy: 'container-in-vm' } },
  { name: 'runtime runc: a plain container', body: 'image: x\nruntime: runc', expect: { deploy: undefined } },
  { name: 'deploy.mode global: one per node, replicas ignored', body: 'image: x\ndeploy:\n  mode: global\n  replicas: 5', expect: { replicas: undefined } },
  { name: 'privileged → host-kernel-access', body: 'image: x\nprivileged: true', expect: { kernel: undefined }, findings: ['host-kernel-access'] },
  { name: 'pid, network_mode, ipc: host → host-kernel-access each', body: 'image: x\npid: host\nnetwork_mode: host\nipc: host', expect: {}, findings: ['host-kernel-access', 'host-kernel-access', 'host-kernel-access'] },
  { name: 'network_mode bridge: nothing', body: 'image: x\nnetwork_mode: bridge', expect: {}, findings: [] },
  { name: 'cap_add SYS_MODULE → kernel custom', body: 'image: x\ncap_add: [CAP_SYS_MODULE, NET_BIND_SERVICE]', expect: { kernel: 'custom' }, spans: { kernel: 'CAP_SYS_MODULE' }, findings: ['host-kernel-access'] },
  { name: 'cap_add NET_ADMIN: shares the kernel, no custom kernel', body: 'image: x\ncap_add: [NET_ADMIN]', expect: { kernel: undefined }, findings: ['host-kernel-access'] },
  { name: 'devices → host-kernel-access', body: 'image: x\ndevices:\n  - /dev/fuse:/dev/fuse', expect: {}, findings: ['host-kernel-access'] },
  { name: 'the Docker socket, read-only too → host-kernel-access, not storage', body: 'image: x\nvolumes:\n  - /var/run/docker.sock:/var/run/docker.sock:ro', expect: { volumes: [] }, findings: ['host-kernel-access'] },
  { name: 'a folder above the containerd socket → host-kernel-access', body: 'image: x\nvolumes:\n  - type: bind\n    source: /run/containerd\n    target: /run/containerd', findings: ['host-kernel-access'], expect: {} },
  { name: 'a mount of /lib/modules → kernel custom', body: 'image: x\nvolumes:\n  - /lib/modules:/lib/modules:ro', expect: { kernel: 'custom', volumes: [] }, findings: ['host-kernel-access'] },
  { name: 'GPU reservation → gpus', body: 'image: x\ndeploy:\n  resources:\n    reservations:\n      devices:\n        - driver: nvidia\n          count: 2\n          capabilities: [gpu]', expect: { gpus: 2 }, spans: { gpus: '2' } },
  { name: 'GPU by device ids', body: 'image: x\ndeploy:\n  resources:\n    reservations:\n      devices:\n        - device_ids: ["0", "3"]\n          capabilities: [gpu, utility]', expect: { gpus: 2 } },
  { name: 'GPU count all: at least one', body: 'image: x\ndeploy:\n  resources:\n    reservations:\n      devices:\n        - count: all\n          capabilities: [gpu]', expect: { gpus: 1 } },
  { name: 'a database image without a volume: stateful, reported', body: 'image: registry.example.com:5000/library/postgres:16@sha256:abc', expect: { state: 'stateful', volumes: [] }, spans: { state: 'registry.example.com:5000/library/postgres:16@sha256:abc' }, findings: ['stateful-without-volumes'] },
  { name: 'a database image with a volume: stateful, fine', body: 'image: mysql:8\nvolumes: [db:/var/lib/mysql]', expect: { state: 'stateful' }, findings: [] },
  { name: 'an image that only looks like one (postgres-exporter) is not a database', body: 'image: prometheuscommunity/postgres-exporter', expect: { state: 'stateless' }, findings: [] },
  { name: `label ${P}isolation (map form)`, body: `image: x\nlabels:\n  ${P}isolation: strict\n  com.example.team: a`, expect: { isolation: 'strict' }, spans: { isolation: 'strict' }, findings: ['strict-isolation-container'] },
  { name: `label ${P}live-migration (list form)`, body: `image: x\nlabels:\n  - "${P}live-migration=true"`, expect: { liveMigration: true } },
  { name: `label ${P}disaster-recovery`, body: `image: x\nlabels:\n  ${P}disaster-recovery: "true"`, expect: { disasterRecovery: true } },
  { name: `label ${P}kernel`, body: `image: x\nlabels:\n  ${P}kernel: custom`, expect: { kernel: 'custom' } },
  { name: `label ${P}deploy`, body: `image: x\nlabels:\n  ${P}deploy: vm`, expect: { deploy: 'vm' } },
];

describe('compose: one row per mapped field', () => {
  for (const c of fieldCases) {
    it(c.name, () => {
      const text = service(c.body);
      const { w, p } = one(text);
      for (const [k, v] of Object.entries(c.expect)) {
        let got: unknown = w[k as keyof WorkloadDecl];
        if (k === 'volumes') got = w.volumes.map((x) => ({ name: x.name }));
        assert.deepEqual(got, v, k);
      }
      for (const [field, covered] of Object.entries(c.spans ?? {})) {
        const s = w.manifest!.fields[field];
        assert.ok(s, `a span for ${field}`);
        assert.equal(text.slice(s.start, s.end), covered, field);
      }
      if (c.findings) assert.deepEqual(p.findings.map((f) => f.ruleId), c.findings);
      assert.equal(w.name, 'proj/app');
      assert.equal(text.slice(w.nameSpan.start, w.nameSpan.end), 'app', 'named at the service key');
    });
  }

  it('an unknown label under the prefix, or a bad value, is reported; other labels are not read', () => {
    const p = parse(service(`image: x\nlabels:\n  - ${P}isolation=high\n  - ${P}colour=red\n  - other.io/x=y`));
    assert.deepEqual(p.findings.map((f) => f.ruleId), ['invalid-value', 'unknown-key']);
    assert.match(p.findings[1].message, /Unknown label/);
  });

  it('x- extension fields are ignored, at the top and as services', () => {
    const p = parse('x-common: { image: "${NOPE}" }\nservices:\n  x-template: { image: a }\n  app: { image: b }\n');
    assert.deepEqual(p.workloads.map((w) => w.name), ['proj/app']);
  });

  it('the project is the top-level name, else the folder, normalised as Compose does', () => {
    assert.equal(parse('name: My_Shop.Prod\nservices: { a: { image: x } }\n').workloads[0].name, 'my_shopprod/a');
    assert.equal(parseCompose('/repo/Billing API/compose.yaml', 'services: { a: { image: x } }\n').workloads[0].name, 'billingapi/a');
    assert.equal(parseCompose('file:///repo/billing%20api/compose.yaml', 'services: { a: { image: x } }\n').workloads[0].name, 'billingapi/a');
    assert.equal(parse('name: shop\nservices: { a: { image: x } }\n', { '.env': 'COMPOSE_PROJECT_NAME=shop-staging\n' }).workloads[0].name, 'shop-staging/a');
  });
});

describe('compose: interpolation', () => {
  const env = new Map([
    ['SET', 'v'],
    ['EMPTY', ''],
  ]);
  const cases: [string, string, number][] = [
    ['${SET}', 'v', 0],
    ['$SET/x', 'v/x', 0],
    ['${UNSET}', '', 1],
    ['$UNSET', '', 1],
    ['${UNSET:-d}', 'd', 0],
    ['${EMPTY:-d}', 'd', 0],
    ['${EMPTY-d}', '', 0],
    ['${UNSET-d}', 'd', 0],
    ['${SET:+alt}', 'alt', 0],
    ['${UNSET:+alt}', '', 0],
    ['${UNSET:?needed}', '', 1],
    ['${SET:?needed}', 'v', 0],
    ['${EMPTY?needed}', '', 0],
    ['$$SET and $${SET}', '$SET and ${SET}', 0],
    ['${UNSET:-${SET}-x}', 'v-x', 0],
    ['${UNSET:-${OTHER:-deep}}', 'deep', 0],
    ['price: 5$', 'price: 5$', 0],
    ['${unclosed', '${unclosed', 1],
    ['${bad name}', '', 1],
  ];
  for (const [input, want, notes] of cases) {
    it(`${input} → ${JSON.stringify(want)}`, () => {
      const got: string[] = [];
      assert.equal(interpolate(input, env, (m) => got.push(m)), want);
      assert.equal(got.length, notes, got.join('; '));
    });
  }

  it('.env: comments, export, quotes, later values see earlier ones', () => {
    const e = parseEnvFile('# c\nA=1\nexport B = two words # note\nC="x\\ny"\nD=\'${A}\'\nE=${A}-${B}\n\nnot a line\n');
    assert.deepEqual(Object.fromEntries(e), { A: '1', B: 'two words', C: 'x\ny', D: '${A}', E: '1-two words' });
  });

  it('values come from .env and defaults, never from the process environment', () => {
    process.env.COMPOSE_TEST_ONLY_IN_SHELL = '7';
    try {
      const { w, p } = one(service('image: x\nscale: ${COMPOSE_TEST_ONLY_IN_SHELL:-2}\ncpus: ${CPUS}'), { '.env': 'CPUS=3\n' });
      assert.equal(w.replicas, 2);
      assert.equal(w.cpu, 3);
      assert.deepEqual(p.findings, []);
    } finally {
      delete process.env.COMPOSE_TEST_ONLY_IN_SHELL;
    }
  });

  it('an unset variable without a default: an empty string and one note at the value', () => {
    const text = service('image: acme/app:${TAG}');
    const p = parse(text);
    assert.deepEqual(p.findings.map((f) => [f.ruleId, text.slice(f.span.start, f.span.end)]), [['compose-variable', 'acme/app:${TAG}']]);
  });
});

describe('compose: anchors, merge keys, overrides, extends', () => {
  it('anchors and `<<` merge keys: explicit keys win, the first merged map wins', () => {
    const text = 'x-a: &a { cpus: 1, mem_limit: 1g, scale: 2 }\nx-b: &b { cpus: 3, scale: 9 }\nservices:\n  app:\n    <<: [*a, *b]\n    image: x\n    scale: 4\n';
    const { w } = one(text);
    assert.deepEqual([w.cpu, w.memory, w.replicas], [1, GI, 4]);
  });

  it('compose.override.yaml is merged into compose.yaml: mappings by key, scalars replaced, volumes by target', () => {
    const base = service('image: x\ncpus: 1\nvolumes:\n  - a:/data\nlabels: { keep: "1" }');
    const override = 'services:\n  app:\n    cpus: 2\n    volumes:\n      - b:/data\n      - c:/logs\n    labels:\n      - placement.workload-advisor.io/isolation=strict\n';
    const { w, p } = one(base, { 'compose.override.yaml': override });
    assert.equal(w.cpu, 2);
    assert.deepEqual(w.volumes.map((v) => v.name), ['b', 'c']);
    assert.equal(w.isolation, 'strict');
    // What came from the override points at the service's name in this file.
    assert.equal(base.slice(w.manifest!.fields.cpu!.start, w.manifest!.fields.cpu!.end), 'app');
    const f = p.findings.find((x) => x.ruleId === 'strict-isolation-container')!;
    assert.equal(base.slice(f.span.start, f.span.end), 'app');
    assert.ok(f.fixes?.[0].edits[0].span.start! > 0, 'the fix adds to this file');
  });

  it('a service only the override declares is the override\'s workload; the base\'s are not repeated there', () => {
    const base = 'name: shop\nservices:\n  web: { image: x }\n';
    const override = 'services:\n  web: { scale: 2 }\n  mail: { image: m }\n';
    const b = parseCompose('p/compose.yaml', base, { read: (r) => ({ 'compose.override.yaml': override })[r] });
    const o = parseCompose('p/compose.override.yaml', override, { read: (r) => ({ 'compose.yaml': base })[r] });
    assert.deepEqual(b.workloads.map((w) => [w.name, w.replicas]), [['shop/web', 2]]);
    assert.deepEqual(o.workloads.map((w) => w.name), ['shop/mail']);
    assert.equal(override.slice(o.workloads[0].nameSpan.start, o.workloads[0].nameSpan.end), 'mail');
  });

  it('an override, or a variant, without a base is read on its own', () => {
    assert.deepEqual(parseCompose('p/compose.override.yaml', 'services: { a: { image: x } }\n').workloads.map((w) => w.name), ['p/a']);
    assert.deepEqual(parseCompose('p/docker-compose.prod.yml', 'services: { a: { image: x } }\n').workloads.map((w) => w.name), ['p/a']);
  });

  it('a variant next to a base, and a second base file, add nothing (Compose takes the first)', () => {
    const read = (r: string) => (r === 'compose.yaml' ? 'services: {}\n' : undefined);
    assert.equal(parseCompose('p/compose.prod.yaml', 'services: { a: { image: x } }\n', { read }).workloads.length, 0);
    assert.equal(parseCompose('p/docker-compose.yml', 'services: { a: { image: x } }\n', { read }).workloads.length, 0);
  });

  it('extends in the same file: the base first, the service over it', () => {
    const text = 'services:\n  base:\n    image: x\n    cpus: 2\n    mem_limit: 1g\n  app:\n    extends: base\n    cpus: 4\n';
    const p = parse(text);
    const app = p.workloads.find((w) => w.name === 'proj/app')!;
    assert.deepEqual([app.cpu, app.memory], [4, GI]);
  });

  it('extends with file: read through the context, relative to this file', () => {
    const text = service('extends:\n  file: ../common/base.yml\n  service: java\nimage: x');
    const { w } = one(text, { '../common/base.yml': 'services:\n  java:\n    extends: { file: jvm.yml, service: jvm }\n    cpus: 4\n', '../common/jvm.yml': 'services:\n  jvm: { mem_limit: 8g }\n' });
    assert.deepEqual([w.cpu, w.memory], [4, 8 * GI]);
  });

  it('extends cycles, missing services and unreadable files: a finding each, never a hang', () => {
    const text = 'services:\n  a: { image: x, extends: b }\n  b: { extends: a }\n  c: { extends: self-less }\n  d: { extends: { file: gone.yml, service: x } }\n  e: { extends: e }\n';
    const p = parse(text);
    assert.deepEqual(p.workloads.map((w) => w.name), ['proj/a', 'proj/b', 'proj/c', 'proj/d', 'proj/e']);
    assert.deepEqual(
      p.findings.map((f) => [f.ruleId, text.slice(f.span.start, f.span.end)]),
      [
        ['compose-extends', 'b'],
        ['compose-extends', 'a'],
        ['compose-extends', 'self-less'],
        ['compose-extends', '{ file: gone.yml, service: x }'],
        ['compose-extends', 'e'],
      ],
    );
  });
});

describe('compose: which files, and bad input', () => {
  it('file names', () => {
    for (const n of ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml', 'docker-compose.prod.yml', 'docker-compose-dev.yaml', 'compose.override.yaml', 'compose.staging.yml', '/a/b/compose.yaml', 'file:///a/Docker-Compose.YML']) assert.ok(isComposeFileName(n), n);
    for (const n of ['composer.yaml', 'compose.json', 'my-compose.yaml', 'compose.yaml.bak', 'values.yaml', 'apps.workload.yaml']) assert.ok(!isComposeFileName(n), n);
  });

  it('the cheap test: a top-level services key', () => {
    assert.equal(looksLikeCompose('services:\n  a: {}\n'), true);
    assert.equal(looksLikeCompose('version: "3"\nservices: {}\n'), true);
    assert.equal(looksLikeCompose('name: build\njobs: {}\n'), false);
    assert.equal(looksLikeCompose('x:\n  services: 1\n'), false);
  });

  it('a compose-named file that is not a Compose file is not read at all', () => {
    assert.equal(parseAny('compose.yaml', 'just: text\n').manifest, undefined);
  });

  it('image repositories: registry, tag and digest ignored', () => {
    assert.equal(imageRepository('postgres'), 'postgres');
    assert.equal(imageRepository('docker.io/library/postgres:16'), 'postgres');
    assert.equal(imageRepository('localhost:5000/redis@sha256:00'), 'redis');
    assert.equal(imageRepository('bitnami/mongodb:7'), 'mongodb');
    assert.equal(imageRepository('mcr.microsoft.com/mssql/server:2022-latest'), 'mssql/server');
  });

  it('invalid YAML: one parse diagnostic, no workloads, no throw', () => {
    const p = parse('services:\n  web:\n    image: [a\n  db: "\n: :\n');
    assert.deepEqual(p.findings.map((f) => f.ruleId), ['yaml-syntax']);
    assert.equal(p.workloads.length, 0);
  });

  it('an override that is not valid YAML does not break its base', () => {
    const { w } = one(service('image: x\ncpus: 2'), { 'compose.override.yaml': 'services: [\n' });
    assert.equal(w.cpu, 2);
  });

  it('services that are not mappings, and odd values, are skipped quietly', () => {
    const p = parse('services:\n  a: null\n  b: [1]\n  c:\n    image: 5\n    deploy: { replicas: -1, resources: { reservations: { cpus: lots, memory: "" } } }\n    volumes: [7, { type: cluster }]\n    cap_add: { x: 1 }\n');
    assert.deepEqual(p.workloads.map((w) => [w.name, w.replicas, w.cpu, w.memory]), [['proj/c', undefined, undefined, undefined]]);
  });
});

const CORPUS = path.resolve(__dirname, '..', '..', '..', 'test', 'manifests', 'compose');

describe('compose: a realistic corpus', () => {
  const files = corpusFiles(CORPUS);
  const parsed = Object.entries(files)
    .filter(([n]) => /\.ya?ml$/.test(n))
    .map(([n, t]) => parseAny(n, t, files));
  const analysis = analyze([...parsed, parseFile('hosts.workload.yaml', FLEET)], defaultConfig());
  const byName = new Map(analysis.fleet.workloads.map((w) => [w.name, w]));
  const diags = (file: string) => (analysis.diagnostics.get(file) ?? []).map((d) => `${d.ruleId}@${files[file].slice(d.span.start, d.span.end)}`);

  it('takes every service of every project, and nothing from other YAML', () => {
    assert.deepEqual([...byName.keys()].sort(), [
      'legacy/erp',
      'legacy/mongo',
      'ml/inference',
      'ml/reports',
      'ml/sandbox',
      'monitoring/falco',
      'monitoring/node-exporter',
      'monitoring/prometheus',
      'shop/api',
      'shop/cache',
      'shop/db',
      'shop/mailpit',
      'shop/web',
      'shop/worker',
    ]);
    for (const f of ['ci.yaml', 'shared/base.yml']) assert.equal(parsed.find((p) => p.file === f)?.manifest, undefined, f);
    for (const w of analysis.fleet.workloads) assert.ok(analysis.recommendations.get(w)?.verdict, w.name);
  });

  it('the shop: .env, defaults, anchors, the override, extends, list labels', () => {
    const web = byName.get('shop/web')!;
    assert.deepEqual([web.replicas, web.cpu, web.memory, web.state], [4, 0.5, 256 * MI, 'stateless']);
    const api = byName.get('shop/api')!;
    assert.deepEqual([api.replicas, api.cpu, api.memory, api.startup], [2, 2, GI, 'fast']);
    const worker = byName.get('shop/worker')!;
    assert.deepEqual([worker.replicas, worker.cpu, worker.startup, worker.architecture], [3, 2, 'fast', 'batch']);
    const db = byName.get('shop/db')!;
    assert.deepEqual([db.state, db.volumes.map((v) => v.name), db.cpu, db.memory], ['stateful', ['pgdata'], 2, 4 * GI]);
    assert.equal(byName.get('shop/mailpit')!.file, 'shop/compose.override.yaml');
    assert.deepEqual(diags('shop/compose.yaml').filter((d) => !d.startsWith('single-point') && !d.startsWith('not-failure')), ['stateful-without-volumes@redis:7']);
    assert.equal(analysis.recommendations.get(byName.get('shop/cache')!)!.verdict, 'vm');
  });

  it('the node agents: every way into the host kernel is reported at its field', () => {
    assert.deepEqual(diags('monitoring/docker-compose.yml').filter((d) => d.startsWith('host-kernel-access')), [
      'host-kernel-access@host',
      'host-kernel-access@host',
      'host-kernel-access@/proc:/host/proc:ro',
      'host-kernel-access@true',
      'host-kernel-access@SYS_MODULE',
      'host-kernel-access@SYS_ADMIN',
      'host-kernel-access@/dev/kmsg:/dev/kmsg',
      'host-kernel-access@/lib/modules:/lib/modules:ro',
      'host-kernel-access@/var/run/docker.sock:/host/var/run/docker.sock',
    ]);
    assert.equal(byName.get('monitoring/falco')!.kernel, 'custom');
    assert.equal(analysis.recommendations.get(byName.get('monitoring/falco')!)!.verdict, 'vm');
    assert.equal(byName.get('monitoring/prometheus')!.liveMigration, true);
  });

  it('ML: GPUs, an architecture, a sandbox runtime, windows with strict isolation', () => {
    const inf = byName.get('ml/inference')!;
    assert.deepEqual([inf.gpus, inf.cpu, inf.memory, inf.arch], [2, 8, 32 * GI, 'arm64']);
    assert.equal(byName.get('ml/sandbox')!.deploy, 'container-in-vm');
    const reports = byName.get('ml/reports')!;
    assert.deepEqual([reports.os, reports.isolation], ['windows', 'strict']);
    assert.ok(diags('ml/compose.yaml').includes('strict-isolation-container@strict'));
  });

  it('legacy: extends from a file in another folder; a database without a volume', () => {
    const erp = byName.get('legacy/erp')!;
    assert.deepEqual([erp.cpu, erp.memory, erp.state], [4, 6 * GI, 'stateful']);
    assert.ok(diags('legacy/docker-compose.yaml').includes('stateful-without-volumes@mongo:6'));
  });

  it('two projects may both have a service of one name; one project may not twice', () => {
    const a = parseCompose('a/compose.yaml', 'services: { web: { image: x } }\n');
    const b = parseCompose('b/compose.yaml', 'services: { web: { image: x } }\n');
    const same = parseCompose('c/compose.yaml', 'name: a\nservices: { web: { image: x } }\n');
    const dup = (ps: ParsedFile[]) => [...analyze([...ps, parseFile('h.workload.yaml', FLEET)], defaultConfig()).diagnostics.values()].flat().filter((d) => d.ruleId === 'duplicate-name').length;
    assert.equal(dup([a, b]), 0);
    assert.equal(dup([a, same]), 2);
  });

  it('no name-not-dns-label for project/service names', () => {
    assert.ok(![...analysis.diagnostics.values()].flat().some((d) => d.ruleId === 'name-not-dns-label'));
  });
});

describe('compose: reading never throws', () => {
  const base = Object.entries(corpusFiles(CORPUS))
    .filter(([n]) => isComposeFileName(n))
    .map(([, t]) => t);
  it('mutated Compose files (cut, spliced, characters inserted) are read without a throw', () => {
    const mutated = fc
      .tuple(fc.constantFrom(...base), fc.nat(), fc.nat(), fc.string({ unit: fc.constantFrom(' ', '\n', '-', ':', '{', '}', '[', ']', '"', "'", '&', '*', '<<', '$', '${', '}', ':-', ':?', '!', '#', '|', '\t', '\r', '\u0000', 'extends: ', 'a') }))
      .map(([t, a, b, ins]) => {
        const i = a % (t.length + 1);
        const j = Math.min(t.length, i + (b % 40));
        return t.slice(0, i) + ins + t.slice(j);
      });
    const env = fc.string({ unit: fc.constantFrom('A', '=', '$', '{', '}', '\n', '"', "'", '#', ' ', ':', '-') });
    fc.assert(
      fc.property(mutated, mutated, env, (text, override, dotenv) => {
        const p = parseCompose('p/compose.yaml', text, { read: (r) => (r === '.env' ? dotenv : r === 'compose.override.yaml' ? override : r.endsWith('.yml') ? text : undefined) });
        analyze([p, parseFile('h.workload.yaml', FLEET)], defaultConfig());
        assert.ok(p.findings.filter((f) => f.ruleId === 'yaml-syntax').length <= 1);
        for (const f of p.findings) assert.ok(f.span.start >= 0 && f.span.end <= text.length && f.span.start <= f.span.end, JSON.stringify(f));
        for (const w of p.workloads) for (const s of Object.values(w.manifest!.fields)) assert.ok(s!.end <= text.length);
      }),
      props(200, 2424),
    );
  });

  it('a context that throws is a missing file', () => {
    const p = parseCompose('p/compose.yaml', service('image: x'), {
      read: () => {
        throw new Error('EACCES');
      },
    });
    assert.equal(p.workloads.length, 1);
  });
});

describe('compose: docs/inputs.md', () => {
  const doc = fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'docs', 'inputs.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## Compose'));
  it('has a Compose section that lists every mapped field and every label', () => {
    assert.ok(doc.includes('## Compose'));
    for (const key of ['deploy.replicas', 'scale', 'deploy.resources.reservations', 'deploy.resources.limits', 'cpus', 'mem_limit', 'mem_reservation', 'volumes', 'platform', 'runtime', 'privileged', 'cap_add', 'devices', 'pid: host', 'network_mode: host', 'ipc: host', 'image', 'labels', 'extends', '.env', 'compose.override.yaml', 'x-']) {
      assert.ok(section.includes(`\`${key}`), key);
    }
    for (const k of Object.keys(ANNOTATIONS)) assert.ok(section.includes(`${ANNOTATION_PREFIX}${k}`), k);
  });
});

describe('compose: deploy.mode global', () => {
  it('runs one per container host of its OS, as a DaemonSet does', () => {
    const hosts = 'version: 1\nhosts:\n' + ['k8s-01', 'k8s-02', 'k8s-03'].map((n) => `  - { name: ${n}, role: container-host, os: linux, runtime: containerd, cpu: 8, memory: 32Gi }\n`).join('') + '  - { name: esx-01, role: hypervisor, hypervisor: esxi, cpu: 32, memory: 256Gi }\n';
    const text = 'services:\n  agent:\n    image: grafana/alloy\n    deploy:\n      mode: global\n      replicas: 9\n';
    const a = analyze([parseFile('hosts.workload.yaml', hosts), parseCompose('/p/ops/compose.yaml', text)], defaultConfig());
    const w = [...a.recommendations.keys()].find((x) => x.name === 'ops/agent')!;
    assert.equal(w.replicas, 3);
  });
});
