// Kubernetes quantity notation: `500m` CPU, `512Mi` memory.

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

const RE = /^([0-9]+(?:\.[0-9]+)?|\.[0-9]+)(m|Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E|[eE][0-9]+)?$/;

/**
 * The largest amounts taken: 2^63 bytes (8 EiB, the largest Kubernetes quantity that fits
 * its int64) and a million cores. Past them, or when the number overflows to Infinity
 * (`1e309`, 310 digits of millicores), the value is refused with `bad-quantity` instead
 * of being read as Infinity and then silently dropped.
 */
export const MAX_BYTES = 2 ** 63;
export const MAX_CORES = 1e6;

export type QuantityResult = { ok: true; value: number } | { ok: false; message: string };

/** Parses a CPU quantity into cores (`500m` → 0.5). */
export function parseCpu(raw: unknown): QuantityResult {
  if (typeof raw === 'number') {
    if (!(Number.isFinite(raw) && raw > 0)) return { ok: false, message: `CPU must be a positive number of cores, not ${raw}.` };
    return cores(raw, String(raw));
  }
  if (typeof raw !== 'string') return { ok: false, message: 'CPU must be a number of cores (`2`) or millicores (`500m`).' };
  const m = RE.exec(raw.trim());
  if (!m || (m[2] && m[2] !== 'm')) {
    return { ok: false, message: `'${raw}' is not a CPU quantity: use cores (\`2\`, \`0.5\`) or millicores (\`500m\`).` };
  }
  const n = Number(m[1]) * (m[2] === 'm' ? 1e-3 : 1);
  return n > 0 ? cores(n, raw) : { ok: false, message: 'CPU must be greater than zero.' };
}

function cores(n: number, raw: string): QuantityResult {
  if (Number.isFinite(n) && n <= MAX_CORES) return { ok: true, value: n };
  return { ok: false, message: `'${short(raw)}' is more CPU than any host has: at most ${MAX_CORES.toLocaleString('en-US')} cores.` };
}

function bytes(n: number, raw: string): QuantityResult {
  if (Number.isFinite(n) && n <= MAX_BYTES) return { ok: true, value: n };
  return { ok: false, message: `'${short(raw)}' is larger than any size: at most 2^63 bytes (8Ei).` };
}

/** A raw value short enough for a message. */
function short(raw: string): string {
  return raw.length > 40 ? `${raw.slice(0, 37)}...` : raw;
}

/** Parses a memory or storage quantity into bytes (`512Mi` → 536870912). */
export function parseMemory(raw: unknown): QuantityResult {
  if (typeof raw === 'number') {
    if (!(Number.isFinite(raw) && raw >= 0)) return { ok: false, message: `A size must be zero or more bytes, not ${raw}.` };
    return bytes(raw, String(raw));
  }
  if (typeof raw !== 'string') return { ok: false, message: 'A size must be a quantity such as `512Mi` or `4Gi`.' };
  const m = RE.exec(raw.trim());
  if (!m) return { ok: false, message: `'${raw}' is not a size: use a Kubernetes quantity such as \`512Mi\`, \`4Gi\` or \`1T\`.` };
  const unit = m[2];
  if (unit === 'm') return { ok: false, message: `'${raw}' means milli-bytes: did you mean '${m[1]}Mi'?` };
  let mult = 1;
  if (unit) mult = BINARY[unit] ?? DECIMAL[unit] ?? 10 ** Number(unit.slice(1));
  return bytes(Number(m[1]) * mult, raw);
}

export function formatBytes(n: number): string {
  const units = ['B', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${Number.isInteger(n) ? n : n.toFixed(1)}${units[i]}`;
}

export function formatCpu(n: number): string {
  return Number.isInteger(n) ? String(n) : n < 1 ? `${Math.round(n * 1000)}m` : n.toFixed(2).replace(/0+$/, '');
}
