// Settings shared by the editor and the command line: per-rule severities, paths to
// ignore and placement options. The editor reads them from `workloadPlacement.*`
// settings and the workspace's `.workload-placement.json`; the CLI from that file.
// Both go through `normalizeConfig`, so they give the same answers.

import { parseMemory } from './quantity';
import { validateConfig } from './configSchema';
import { globProblem } from './glob';
import type { SeveritySetting } from './types';

export interface PlacementOptions {
  /** What one VM costs beyond its workload: its guest OS. */
  vmOverhead: { cpu: number; memory: number };
  /** What one container costs beyond its workload (runtime shim). */
  containerOverhead: { cpu: number; memory: number };
  /** Default over-commit ratios when a host does not set `overcommit`. */
  overcommit: {
    hypervisor: { cpu: number; memory: number };
    containerHost: { cpu: number; memory: number };
  };
  /** Opt-in: report workloads that would not survive the loss of any one host. */
  checkHostFailure: boolean;
}

export interface Config {
  /** Rule id → severity or 'off'; rules not listed keep their default. */
  rules: Record<string, SeveritySetting>;
  /** Glob patterns (relative to the workspace root) of descriptor files to skip. */
  ignore: string[];
  placement: PlacementOptions;
}

export const DEFAULT_PLACEMENT: PlacementOptions = {
  vmOverhead: { cpu: 0.5, memory: 2 * 2 ** 30 },
  containerOverhead: { cpu: 0, memory: 32 * 2 ** 20 },
  overcommit: {
    hypervisor: { cpu: 1, memory: 1 },
    containerHost: { cpu: 1, memory: 1 },
  },
  checkHostFailure: false,
};

export function defaultConfig(): Config {
  return { rules: {}, ignore: [], placement: structuredClone(DEFAULT_PLACEMENT) };
}

/**
 * Validates loose input (user JSON, editor settings) against the one definition
 * (core/configSchema.ts) and reports what it could not use, so a typo in the
 * configuration is an explained message, not a silent default; what is valid applies.
 * Quantities may be written as numbers (bytes, cores) or Kubernetes strings; severities
 * `info` and `warn` are read as `information` and `warning`.
 */
export function normalizeConfig(raw: unknown, base: Config = defaultConfig()): { config: Config; problems: string[] } {
  const config: Config = { rules: { ...base.rules }, ignore: [...base.ignore], placement: structuredClone(base.placement) };
  if (raw === undefined || raw === null) return { config, problems: [] };
  const input = withAliases(raw);
  const found = validateConfig(input);
  const problems = found.map((p) => p.message);
  // A key applies only when nothing at or below it is wrong.
  const bad = (path: string) => found.some((p) => p.path === path || p.path.startsWith(`${path}.`) || p.path.startsWith(`${path}[`));
  if (bad('') && (typeof input !== 'object' || Array.isArray(input))) return { config, problems };
  const o = input as Record<string, unknown>;
  if (isObject(o.rules)) {
    for (const [id, level] of Object.entries(o.rules)) if (!bad(`rules.${id}`)) config.rules[id] = level as SeveritySetting;
  }
  if (Array.isArray(o.ignore) && !bad('ignore')) {
    for (const pattern of o.ignore as string[]) {
      const why = globProblem(pattern);
      if (why) problems.push(`Ignore pattern '${pattern.length > 60 ? `${pattern.slice(0, 59)}…` : pattern}': ${why}`);
      else config.ignore.push(pattern);
    }
  }
  if (isObject(o.placement)) readPlacement(o.placement, config.placement, bad, problems);
  return { config, problems };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `info` → `information`, `warn` → `warning` in `rules` (a copy; the input is not changed). */
function withAliases(raw: unknown): unknown {
  if (!isObject(raw) || !isObject(raw.rules)) return raw;
  const rules = Object.fromEntries(Object.entries(raw.rules).map(([id, l]) => [id, l === 'info' ? 'information' : l === 'warn' ? 'warning' : l]));
  return { ...raw, rules };
}

function readPlacement(p: Record<string, unknown>, out: PlacementOptions, bad: (path: string) => boolean, problems: string[]): void {
  const pair = (v: unknown, name: string, target: { cpu: number; memory: number }, memoryIsBytes: boolean) => {
    if (!isObject(v)) return;
    if (v.cpu !== undefined && !bad(`${name}.cpu`)) {
      const n = typeof v.cpu === 'string' && v.cpu.endsWith('m') ? Number(v.cpu.slice(0, -1)) / 1000 : Number(v.cpu);
      target.cpu = n;
    }
    if (v.memory !== undefined && !bad(`${name}.memory`)) {
      // Ratios are numbers (the definition checked them); sizes may be quantities.
      const r = memoryIsBytes ? parseMemory(v.memory) : { ok: true as const, value: v.memory as number };
      if (!r.ok) problems.push(`\`${name}.memory\`: ${r.message}`);
      else target.memory = r.value;
    }
  };
  pair(p.vmOverhead, 'placement.vmOverhead', out.vmOverhead, true);
  pair(p.containerOverhead, 'placement.containerOverhead', out.containerOverhead, true);
  if (isObject(p.overcommit)) {
    pair(p.overcommit.hypervisor, 'placement.overcommit.hypervisor', out.overcommit.hypervisor, false);
    pair(p.overcommit.containerHost, 'placement.overcommit.containerHost', out.overcommit.containerHost, false);
  }
  if (typeof p.checkHostFailure === 'boolean') out.checkHostFailure = p.checkHostFailure;
}
