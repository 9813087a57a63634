// Settings shared by the editor and the command line: per-rule severities, paths to
// ignore and placement options. The editor reads them from `workloadPlacement.*`
// settings and the workspace's `.workload-placement.json`; the CLI from that file.
// Both go through `normalizeConfig`, so they give the same answers.

import { parseMemory } from './quantity';
import { RULES_BY_ID } from './rules';
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
    hypervisor: { cpu: 4, memory: 1 },
    containerHost: { cpu: 1, memory: 1 },
  },
  checkHostFailure: false,
};

export function defaultConfig(): Config {
  return { rules: {}, ignore: [], placement: structuredClone(DEFAULT_PLACEMENT) };
}

const LEVELS = new Set(['error', 'warning', 'information', 'hint', 'off']);

/**
 * Accepts loose input (user JSON, editor settings) and reports what it could not use,
 * so a typo in the configuration is an explained message, not a silent default.
 * Quantities may be written as numbers (bytes, cores) or Kubernetes strings.
 */
export function normalizeConfig(raw: unknown, base: Config = defaultConfig()): { config: Config; problems: string[] } {
  const problems: string[] = [];
  const config: Config = { rules: { ...base.rules }, ignore: [...base.ignore], placement: structuredClone(base.placement) };
  if (raw === undefined || raw === null) return { config, problems };
  if (typeof raw !== 'object' || Array.isArray(raw)) return { config, problems: ['The configuration must be an object.'] };
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!['rules', 'ignore', 'placement', '$schema'].includes(k)) problems.push(`Unknown configuration key '${k}' (known: rules, ignore, placement).`);
  }
  const rules = o.rules;
  if (rules !== undefined) {
    if (typeof rules !== 'object' || rules === null || Array.isArray(rules)) problems.push('`rules` must map rule ids to severities.');
    else {
      for (const [id, level] of Object.entries(rules)) {
        const norm = level === 'info' ? 'information' : level === 'warn' ? 'warning' : level;
        if (!RULES_BY_ID.has(id)) problems.push(`Unknown rule id '${id}' in \`rules\`.`);
        else if (typeof norm !== 'string' || !LEVELS.has(norm)) problems.push(`Rule '${id}': severity must be error, warning, information, hint or off.`);
        else config.rules[id] = norm as SeveritySetting;
      }
    }
  }
  if (o.ignore !== undefined) {
    if (!Array.isArray(o.ignore) || o.ignore.some((x) => typeof x !== 'string')) problems.push('`ignore` must be a list of glob patterns.');
    else config.ignore.push(...(o.ignore as string[]));
  }
  const p = o.placement;
  if (p !== undefined) {
    if (typeof p !== 'object' || p === null || Array.isArray(p)) problems.push('`placement` must be an object.');
    else readPlacement(p as Record<string, unknown>, config.placement, problems);
  }
  return { config, problems };
}

function readPlacement(p: Record<string, unknown>, out: PlacementOptions, problems: string[]): void {
  const pair = (v: unknown, name: string, target: { cpu: number; memory: number }, memoryIsBytes: boolean) => {
    if (v === undefined) return;
    if (typeof v !== 'object' || v === null) return void problems.push(`\`${name}\` must be an object with cpu and memory.`);
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (k !== 'cpu' && k !== 'memory') problems.push(`Unknown key '${k}' in \`${name}\`.`);
    }
    if (o.cpu !== undefined) {
      const n = typeof o.cpu === 'string' && o.cpu.endsWith('m') ? Number(o.cpu.slice(0, -1)) / 1000 : Number(o.cpu);
      if (!Number.isFinite(n) || n < 0) problems.push(`\`${name}.cpu\` must be a non-negative number.`);
      else target.cpu = n;
    }
    if (o.memory !== undefined) {
      const n = memoryIsBytes ? bytes(o.memory) : Number(o.memory);
      if (n === undefined || !Number.isFinite(n) || n < 0) problems.push(`\`${name}.memory\` must be ${memoryIsBytes ? 'a size such as 2Gi' : 'a non-negative ratio'}.`);
      else target.memory = n;
    }
  };
  for (const k of Object.keys(p)) {
    if (!['vmOverhead', 'containerOverhead', 'overcommit', 'checkHostFailure'].includes(k)) problems.push(`Unknown key '${k}' in \`placement\`.`);
  }
  pair(p.vmOverhead, 'placement.vmOverhead', out.vmOverhead, true);
  pair(p.containerOverhead, 'placement.containerOverhead', out.containerOverhead, true);
  const oc = p.overcommit as Record<string, unknown> | undefined;
  if (oc !== undefined) {
    if (typeof oc !== 'object' || oc === null) problems.push('`placement.overcommit` must be an object.');
    else {
      pair(oc.hypervisor, 'placement.overcommit.hypervisor', out.overcommit.hypervisor, false);
      pair(oc.containerHost, 'placement.overcommit.containerHost', out.overcommit.containerHost, false);
    }
  }
  if (p.checkHostFailure !== undefined) {
    if (typeof p.checkHostFailure !== 'boolean') problems.push('`placement.checkHostFailure` must be true or false.');
    else out.checkHostFailure = p.checkHostFailure;
  }
}

function bytes(v: unknown): number | undefined {
  const r = parseMemory(v);
  return r.ok ? r.value : undefined;
}
