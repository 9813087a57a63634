// Four fleets shaped like real ones (a hospital, a bank, a SaaS company, a hosting
// provider), with what an experienced infrastructure engineer expects of each: the
// verdicts, where things land, and no advice that contradicts itself. Written from the
// engineer's side, against the CLI's and the editor's shared analysis, not against the
// engine's internals.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Deploy } from '../../server/src/core/types';
import { analyzeTexts } from '../core/helpers';

const DIR = join(__dirname, '..', '..', '..', 'test', 'fleets');
const ADVICE = new Set(['deploy-against-recommendation', 'elastic-vm', 'strict-isolation-container', 'stateful-without-volumes', 'live-migration-container', 'deploy-impossible']);
const SURE = new Set(['high', 'required']);
const NOT_LOW = new Set(['medium', 'high', 'required']);

function load(fleet: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const n of readdirSync(join(DIR, fleet)).sort()) if (n.endsWith('.workload.yaml')) files[`${fleet}/${n}`] = readFileSync(join(DIR, fleet, n), 'utf8');
  return files;
}

interface Layoutish {
  hosts: { name: string; vms: { instance?: { w: number }; containers: { w: number }[] }[]; containers: { w: number }[] }[];
  workloads: { name: string }[];
  unplaced: unknown[];
}

/** Workload name → the host of each placed instance. */
function placements(layout: Layoutish): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const put = (w: number, host: string) => {
    const name = layout.workloads[w].name;
    out.set(name, [...(out.get(name) ?? []), host]);
  };
  for (const h of layout.hosts) {
    for (const c of h.containers) put(c.w, h.name);
    for (const vm of h.vms) {
      if (vm.instance) put(vm.instance.w, h.name);
      for (const c of vm.containers) put(c.w, h.name);
    }
  }
  return out;
}

function analyse(files: Record<string, string>) {
  const { analysis } = analyzeTexts(files);
  const verdicts = new Map<string, { verdict: Deploy | null; label: string }>();
  for (const [w, r] of analysis.recommendations) verdicts.set(w.name!, { verdict: r.verdict, label: r.confidenceLabel });
  const diags = [...analysis.diagnostics.values()].flat();
  return { analysis, verdicts, diags, where: placements(analysis.layout as unknown as Layoutish), layout: analysis.layout as unknown as Layoutish };
}

/** Each workload declared as its own recommendation. */
function declareVerdicts(files: Record<string, string>, verdicts: Map<string, { verdict: Deploy | null }>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [f, text] of Object.entries(files)) {
    out[f] = text.replace(/^( {2}- name: (\S+)\n)/gm, (all, line: string, name: string) => {
      const v = verdicts.get(name)?.verdict;
      return v ? `${line}    deploy: ${v}\n` : all;
    });
  }
  return out;
}

interface Expect {
  fleet: string;
  verdicts: Record<string, Deploy | Deploy[]>;
  /** Workloads whose verdict must be labelled high (or required). */
  sure: string[];
  /** Workloads whose verdict must be labelled at least medium. */
  notLow?: string[];
  /** Workload → the hosts it may land on (a prefix of their names). */
  onlyOn?: Record<string, string>;
  /** Host name prefix → workloads only of this zone. */
  zoneHosts?: Record<string, string[]>;
}

const FLEETS: Expect[] = [
  {
    fleet: 'hospital',
    verdicts: { 'ehr-db': 'vm', pacs: 'vm', 'ad-dc': 'vm', 'hl7-engine': 'vm', 'device-gateway': 'vm', 'patient-portal': 'container', 'fhir-api': 'container-in-vm', 'nightly-reports': 'container' },
    sure: ['ehr-db', 'pacs', 'ad-dc', 'patient-portal'],
    notLow: ['fhir-api'],
  },
  {
    fleet: 'bank',
    verdicts: { 'core-banking': 'vm', 'card-vault': 'vm', 'payment-gateway': 'container-in-vm', 'corp-ad': 'vm', 'web-banking': 'container', 'fraud-scoring': 'container', kafka: ['container', 'vm'] },
    sure: ['core-banking', 'card-vault', 'corp-ad', 'web-banking'],
    onlyOn: { 'core-banking': 'p10-', 'card-vault': 'pci-', 'payment-gateway': 'pci-', 'fraud-scoring': 'k8s-gpu', 'web-banking': 'k8s-' },
    zoneHosts: { 'pci-': ['card-vault', 'payment-gateway'] },
  },
  {
    fleet: 'saas',
    verdicts: { 'api-gateway': 'container', 'web-app': 'container', 'tenant-runner': 'container-in-vm', postgres: ['container', 'vm'], 'build-runners': 'container', 'legacy-billing': 'vm' },
    sure: ['api-gateway', 'web-app', 'build-runners'],
    notLow: ['tenant-runner'],
    onlyOn: { 'tenant-runner': 'kvm-' },
  },
  {
    fleet: 'hosting',
    verdicts: { 'vps-linux': 'vm', 'vps-windows': 'vm', 'vps-freebsd': 'vm', 'shared-php': 'container-in-vm', 'control-panel': 'container', dns: 'container', mail: 'vm' },
    sure: ['vps-linux', 'vps-windows', 'vps-freebsd', 'dns'],
  },
];

for (const e of FLEETS) {
  describe(`an engineer's ${e.fleet} fleet`, () => {
    const files = load(e.fleet);
    const { verdicts, diags, where, layout } = analyse(files);

    it('gets the verdicts an engineer would sign, with confidence where the case is clear', () => {
      for (const [name, want] of Object.entries(e.verdicts)) {
        const got = verdicts.get(name);
        assert.ok(got, `${name} has a recommendation`);
        assert.ok((Array.isArray(want) ? want : [want]).includes(got.verdict as Deploy), `${name}: ${got.verdict}, expected ${want}`);
      }
      for (const name of e.sure) assert.ok(SURE.has(verdicts.get(name)!.label), `${name} is clear-cut, labelled ${verdicts.get(name)!.label}`);
      for (const name of e.notLow ?? []) assert.ok(NOT_LOW.has(verdicts.get(name)!.label), `${name} is a sound call, labelled ${verdicts.get(name)!.label}`);
    });

    it('has no errors, and every instance is placed', () => {
      assert.deepEqual(
        diags.filter((d) => d.severity === 'error').map((d) => `${d.ruleId} ${d.message}`),
        [],
      );
      assert.deepEqual(layout.unplaced, []);
    });

    it('places workloads only where they may run', () => {
      for (const [name, prefix] of Object.entries(e.onlyOn ?? {})) {
        const hosts = where.get(name) ?? [];
        assert.ok(hosts.length > 0, `${name} is placed`);
        assert.ok(hosts.every((h) => h.startsWith(prefix)), `${name} on ${hosts.join(', ')}, expected only ${prefix}*`);
      }
      for (const [prefix, allowed] of Object.entries(e.zoneHosts ?? {})) {
        for (const [name, hosts] of where) {
          if (hosts.some((h) => h.startsWith(prefix))) assert.ok(allowed.includes(name), `${name} must not run on the ${prefix}* hosts`);
        }
      }
    });

    it('gives no advice against its own recommendation once it is declared', () => {
      const declared = analyse(declareVerdicts(files, verdicts));
      const against = declared.diags.filter((d) => ADVICE.has(d.ruleId) || d.severity === 'error');
      assert.deepEqual(
        against.map((d) => `${d.ruleId} ${d.message}`),
        [],
      );
      for (const [name, v] of verdicts) assert.equal(declared.verdicts.get(name)?.verdict, v.verdict, `${name}: declaring the verdict does not change it`);
    });
  });
}

describe("an engineer's SaaS fleet: spread", () => {
  it('eight replicas over six nodes in three zones spread evenly', () => {
    const { where } = analyse(load('saas'));
    const hosts = where.get('web-app') ?? [];
    assert.equal(hosts.length, 8);
    const perHost = new Map<string, number>();
    for (const h of hosts) perHost.set(h, (perHost.get(h) ?? 0) + 1);
    const counts = ['node-a1', 'node-a2', 'node-b1', 'node-b2', 'node-c1', 'node-c2'].map((h) => perHost.get(h) ?? 0);
    assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `per host: ${counts.join('/')}`);
    const perZone = ['a', 'b', 'c'].map((z) => hosts.filter((h) => h.startsWith(`node-${z}`)).length);
    assert.ok(Math.max(...perZone) - Math.min(...perZone) <= 1, `per zone: ${perZone.join('/')}`);
  });
});
