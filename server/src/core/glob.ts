// Glob matching for `ignore` patterns without regular expressions. The patterns come
// from a repository's configuration file, so they are untrusted: a pattern compiled to
// a backtracking RegExp (ours did, and so does picomatch) costs 8–10× per extra `*a`
// (`*a*a*a*a*a*a*a*a*a*a*b` took minutes). Here a segment is matched with the greedy
// wildcard algorithm (one resume point per star: O(pattern × segment)) and `**` with a
// memo over (pattern segment, path segment) pairs, so the cost is polynomial whatever
// the pattern. Pure: no I/O.

/** Longer patterns are refused as a configuration error (no real path glob is this long). */
export const MAX_GLOB_LENGTH = 512;
/** `{a,b}` alternatives are expanded up front; more than this is refused. */
export const MAX_GLOB_ALTERNATIVES = 256;

type Token = { k: 'lit'; c: number } | { k: 'one' } | { k: 'star' } | { k: 'cls'; neg: boolean; ranges: number[] };
/** `null` is `**` (any number of whole segments). */
type Segment = Token[] | null;

export interface CompiledGlob {
  /** Alternatives (braces expanded), each a list of segments. */
  alternatives: Segment[][];
}

export class GlobError extends Error {}

/**
 * Compiles a pattern (gitignore-like, without negation): `*` and `?` stay within one
 * path segment, `**` as a whole segment spans segments, `[abc]` / `[!abc]` / `[a-z]`
 * are classes, `{a,b}` alternatives (nested allowed). A pattern without `/` matches at
 * any depth; one with `/` is anchored at the configuration's folder. Throws GlobError.
 */
export function compileGlob(pattern: string): CompiledGlob {
  if (pattern.length > MAX_GLOB_LENGTH) throw new GlobError(`too long (${pattern.length} characters; the limit is ${MAX_GLOB_LENGTH}).`);
  let p = pattern.trim().replace(/\\/g, '/');
  if (p.startsWith('./')) p = p.slice(2);
  p = p.replace(/\/+$/, '');
  // A slash anywhere but at the end anchors the pattern (a leading one only anchors).
  const anchored = p.includes('/');
  p = p.replace(/^\/+/, '');
  const alternatives = expandBraces(p).map((alt) => {
    const segs: Segment[] = alt.split('/').filter((s, i, all) => s !== '' || all.length === 1).map(parseSegment);
    // Consecutive `**` are one.
    const out: Segment[] = anchored ? [] : [null];
    for (const s of segs) if (!(s === null && out[out.length - 1] === null)) out.push(s);
    return out;
  });
  return { alternatives };
}

/** True when the `/`-separated path matches the compiled pattern. */
export function matchGlob(glob: CompiledGlob, path: string): boolean {
  const parts = path.split('/');
  return glob.alternatives.some((segs) => matchSegments(segs, parts));
}

function matchSegments(segs: readonly Segment[], parts: readonly string[]): boolean {
  const width = parts.length + 1;
  // 0 unknown, 1 false, 2 true.
  const memo = new Uint8Array((segs.length + 1) * width);
  // Iterative, from the end: match(i, j) = segs[i..] matches parts[j..].
  for (let i = segs.length; i >= 0; i--) {
    for (let j = parts.length; j >= 0; j--) {
      let ok: boolean;
      if (i === segs.length) ok = j === parts.length;
      else {
        const s = segs[i];
        if (s === null) ok = memo[(i + 1) * width + j] === 2 || (j < parts.length && memo[i * width + j + 1] === 2);
        else ok = j < parts.length && memo[(i + 1) * width + j + 1] === 2 && matchSegment(s, parts[j]);
      }
      memo[i * width + j] = ok ? 2 : 1;
    }
  }
  return memo[0] === 2;
}

/** Greedy wildcard matching: on a mismatch, resume after the last star one character later. */
function matchSegment(toks: readonly Token[], s: string): boolean {
  let p = 0;
  let i = 0;
  let starP = -1;
  let starI = 0;
  while (i < s.length) {
    const t = toks[p];
    if (t && t.k === 'star') {
      starP = p++;
      starI = i;
    } else if (t && matchOne(t, s.charCodeAt(i))) {
      p++;
      i++;
    } else if (starP >= 0) {
      p = starP + 1;
      i = ++starI;
    } else return false;
  }
  while (p < toks.length && toks[p].k === 'star') p++;
  return p === toks.length;
}

function matchOne(t: Token, c: number): boolean {
  switch (t.k) {
    case 'lit':
      return t.c === c;
    case 'one':
      return true;
    case 'cls': {
      let hit = false;
      for (let k = 0; k < t.ranges.length && !hit; k += 2) hit = c >= t.ranges[k] && c <= t.ranges[k + 1];
      return hit !== t.neg;
    }
    default:
      return false;
  }
}

function parseSegment(seg: string): Segment {
  if (seg === '**') return null;
  const toks: Token[] = [];
  for (let i = 0; i < seg.length; i++) {
    const ch = seg[i];
    if (ch === '*') {
      // `**` inside a segment is a `*`; runs of stars are one.
      if (toks[toks.length - 1]?.k !== 'star') toks.push({ k: 'star' });
    } else if (ch === '?') toks.push({ k: 'one' });
    else if (ch === '[') {
      const cls = parseClass(seg, i);
      if (cls) {
        toks.push(cls.token);
        i = cls.end;
      } else toks.push({ k: 'lit', c: ch.charCodeAt(0) });
    } else toks.push({ k: 'lit', c: seg.charCodeAt(i) });
  }
  return toks;
}

/** `[...]` starting at `start`; undefined when it does not close (then `[` is literal). */
function parseClass(seg: string, start: number): { token: Token; end: number } | undefined {
  let i = start + 1;
  let neg = false;
  if (seg[i] === '!' || seg[i] === '^') {
    neg = true;
    i++;
  }
  const ranges: number[] = [];
  let first = true;
  while (i < seg.length && (seg[i] !== ']' || first)) {
    first = false;
    const lo = seg.charCodeAt(i);
    if (seg[i + 1] === '-' && i + 2 < seg.length && seg[i + 2] !== ']') {
      const hi = seg.charCodeAt(i + 2);
      ranges.push(Math.min(lo, hi), Math.max(lo, hi));
      i += 3;
    } else {
      ranges.push(lo, lo);
      i++;
    }
  }
  if (i >= seg.length) return undefined;
  return { token: { k: 'cls', neg, ranges }, end: i };
}

/** `a{b,c{d,e}}` → [ab, acd, ace]; an unclosed `{` is literal. Throws past the limit. */
function expandBraces(p: string): string[] {
  const open = p.indexOf('{');
  if (open < 0) return [p];
  // The matching close, and the top-level commas between.
  let depth = 0;
  const commas: number[] = [];
  let close = -1;
  for (let i = open; i < p.length; i++) {
    if (p[i] === '{') depth++;
    else if (p[i] === '}') {
      depth--;
      if (depth === 0) {
        close = i;
        break;
      }
    } else if (p[i] === ',' && depth === 1) commas.push(i);
  }
  if (close < 0) {
    // Unclosed: the `{` is a literal character; expand what follows it.
    return expandBraces(p.slice(open + 1)).map((rest) => p.slice(0, open + 1) + rest);
  }
  const bounds = [open, ...commas, close];
  const options: string[] = [];
  for (let k = 0; k + 1 < bounds.length; k++) options.push(p.slice(bounds[k] + 1, bounds[k + 1]));
  const head = p.slice(0, open);
  const tails = expandBraces(p.slice(close + 1));
  const out: string[] = [];
  for (const o of options) {
    for (const inner of expandBraces(o)) {
      for (const t of tails) {
        out.push(head + inner + t);
        if (out.length > MAX_GLOB_ALTERNATIVES) throw new GlobError(`too many {…} alternatives (over ${MAX_GLOB_ALTERNATIVES}).`);
      }
    }
  }
  return out;
}

/** Why a pattern cannot be used as an `ignore` pattern, or undefined when it can. */
export function globProblem(pattern: string): string | undefined {
  if (!pattern.trim()) return 'an empty pattern matches nothing.';
  if (pattern.startsWith('!')) return 'negated patterns are not supported; narrow the other patterns instead.';
  try {
    compileGlob(pattern);
  } catch (e) {
    return e instanceof GlobError ? e.message : `not a valid pattern (${(e as Error).message}).`;
  }
  return undefined;
}
