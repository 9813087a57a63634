// Reading a YAML tree whose shape is not ours (a manifest, a Compose file): total over any
// node, undefined where the shape differs, so a reader never throws on a surprise.

import type { YMap, YNode } from '../types';

export function get(node: YNode | null | undefined, key: string): YNode | undefined {
  if (!node || node.kind !== 'map') return undefined;
  for (const e of node.entries) if (e.key === key) return e.value ?? undefined;
  return undefined;
}

export function at(node: YNode | null | undefined, path: readonly string[]): YNode | undefined {
  let n: YNode | undefined = node ?? undefined;
  for (const k of path) n = get(n, k);
  return n;
}

export function map(node: YNode | undefined): YMap | undefined {
  return node?.kind === 'map' ? node : undefined;
}

export function str(node: YNode | null | undefined): string | undefined {
  return node?.kind === 'scalar' && typeof node.value === 'string' ? node.value : undefined;
}

/** A count: a whole number from 0 to 10⁹, written as a number or as digits (spaces around allowed). */
export function int(node: YNode | null | undefined): number | undefined {
  if (node?.kind !== 'scalar') return undefined;
  const v = typeof node.value === 'string' && /^\d+$/.test(node.value.trim()) ? Number(node.value) : node.value;
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 1e9 ? v : undefined;
}
