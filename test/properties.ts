// Options for fast-check properties: a fixed seed and run count in CI, and a longer run
// with other seeds on demand (the nightly run in the README):
//   PROPERTY_SCALE=20 PROPERTY_SEED=$RANDOM npm test
// PROPERTY_SCALE multiplies every property's run count; PROPERTY_SEED replaces its seed.
import type { Parameters as FcParameters } from 'fast-check';

const SCALE = Math.max(1, Number(process.env.PROPERTY_SCALE) || 1);
const SEED = process.env.PROPERTY_SEED ? Number(process.env.PROPERTY_SEED) : undefined;

export function props<T>(numRuns: number, seed: number, extra: FcParameters<T> = {}): FcParameters<T> {
  return { ...extra, numRuns: Math.round(numRuns * SCALE), seed: SEED === undefined ? seed : SEED + seed };
}
