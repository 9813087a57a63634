// Splits a descriptor into independently parseable pieces: the top-level header and
// one piece per item of `hosts:` and `workloads:`. An edit then re-parses only the
// pieces whose text changed. Anything the splitter does not fully understand (flow
// lists, anchors, several documents, tabs in indentation) falls back to a whole parse.
//
// The splitter is a line-by-line state machine. After an edit it resumes at the piece
// before the changed line and stops as soon as it is back in step with the previous
// run, so an edit costs the size of the pieces it touched, not the size of the file.

export interface Segment {
  /** 'header' holds top-level keys; 'item' one list item of `list`. */
  kind: 'header' | 'item';
  list?: 'hosts' | 'workloads';
  start: number;
  end: number;
  /** For items: the column of the list's dashes. */
  dashCol?: number;
}

export type Segmentation =
  | {
      ok: true;
      segments: Segment[];
      /** With `previous`: segments [0, keptBefore) are the previous run's own objects, unchanged. */
      keptBefore: number;
      /** With `previous`: segments from this index on are the previous run's, moved by `delta`. */
      shiftedFrom: number;
      /** Index in the previous run's segments of the first moved one. */
      shiftedOld: number;
    }
  | { ok: false; reason: string };

/** The reason when a window was too small: call again with a larger one. */
export const NEED_MORE = 'window too small';

/**
 * Part of the text: the text passed to `segment` is the whole text's `[base, base + length)`.
 * `complete` when it runs to the end of the whole text.
 */
export interface Window {
  base: number;
  complete: boolean;
}

/** The previous run over the text before an edit, and where the texts differ. */
export interface PreviousSegmentation {
  /** Handed over: the ones after the edit are moved in place and reused. */
  segments: readonly Segment[];
  /** The texts agree on [0, changeStart) … */
  changeStart: number;
  /** … and from `newChangeEnd` to the end of the new text, which is the old text from `newChangeEnd - delta`. */
  newChangeEnd: number;
  /** New length minus old length. */
  delta: number;
}

const TOP_KEY = /^([A-Za-z_][A-Za-z0-9_-]*|"[^"]*"|'[^']*')[ \t]*:(?:[ \t]+#.*|[ \t]*)$/;
const TOP_KEY_WITH_VALUE = /^([A-Za-z_][A-Za-z0-9_-]*|"[^"]*"|'[^']*')[ \t]*:[ \t]/;
/** Characters that may start an anchor, alias or tag, and the merge key. */
const INDICATORS = /[&*!]|<<:/g;

/**
 * With `window`, `text` is only part of the whole text (offsets in `previous` and in the
 * segments are still those of the whole): it must start at or before the piece the run
 * resumes at (see `resumeFrom`), and when the run needs text past its end the answer is
 * `NEED_MORE`.
 */
export function segment(text: string, previous?: PreviousSegmentation, window?: Window): Segmentation {
  // Positions below are in `text`; `base` turns them into offsets of the whole text.
  const n = text.length;
  const base = window?.base ?? 0;
  const complete = window?.complete ?? true;
  let segments: Segment[] = [];
  let pos = 0;
  // Current list body: which list, the dash column, and where the open item began.
  let list: 'hosts' | 'workloads' | undefined;
  let dashCol = -1;
  let itemStart = -1;
  let headerStart = 0;
  let sawContent = false;
  let keptBefore = 0;

  // Resuming: keep the pieces that end before the changed line and restart the
  // machine at the beginning of the piece that holds the line before it.
  const old = previous?.segments;
  let resync = old?.length ? 1 : -1;
  if (previous && old && old.length) {
    // The window starts at a line start (see `resumeFrom`): no newline before the change
    // within it means the changed line starts where it does.
    const r = resumeFrom(old, base + lineStartBefore(text, previous.changeStart - base));
    if ((r > 0 ? old[r].start : 0) < base) return { ok: false, reason: NEED_MORE };
    if (r > 0) {
      const s = old[r];
      segments = old.slice(0, r);
      keptBefore = r;
      pos = s.start - base;
      sawContent = true;
      if (s.kind === 'item') {
        const prev = old[r - 1];
        list = s.list;
        dashCol = prev.kind === 'item' && prev.list === s.list ? (s.dashCol ?? -1) : -1;
        headerStart = -1;
      } else {
        headerStart = s.start - base;
      }
      resync = r + 1;
    }
  }

  const closeItem = (at: number) => {
    if (itemStart >= 0) segments.push({ kind: 'item', list, start: base + itemStart, end: base + at, dashCol });
    itemStart = -1;
  };

  // Lines that may hold an anchor, alias or tag: found with one forward regex scan
  // over a whole text, or by looking at each line when only a few lines are read.
  let nextIndicator = -1;
  const indicatorBefore = (from: number, to: number): boolean => {
    if (previous) {
      for (let i = from; i < to; i++) {
        const ch = text.charCodeAt(i);
        if (ch === 38 || ch === 42 || ch === 33 || ch === 60) return true;
      }
      return false;
    }
    if (nextIndicator < from) {
      INDICATORS.lastIndex = from;
      const m = INDICATORS.exec(text);
      nextIndicator = m ? m.index : n;
    }
    return nextIndicator < to;
  };

  // Lone CRs (line breaks the splitter, which reads lines up to a LF, would not see),
  // found with one forward scan.
  let nextCr = -1;
  const loneCrBefore = (from: number, to: number): boolean => {
    if (nextCr < from) nextCr = text.indexOf('\r', from);
    while (nextCr >= 0 && nextCr < to && text.charCodeAt(nextCr + 1) === 10) nextCr = text.indexOf('\r', nextCr + 1);
    if (nextCr < 0) nextCr = n;
    return nextCr < to;
  };

  while (pos < n) {
    if (resync >= 0 && previous && old && base + pos >= previous.newChangeEnd && list && dashCol >= 0 && itemStart >= 0) {
      // Back in step? The rest of the text is unchanged; if the previous run was in the
      // same state at this line, it went on exactly as it will now.
      const at = base + pos - previous.delta;
      while (resync < old.length && old[resync].start < at) resync++;
      if (resync < old.length) {
        const o = old[resync];
        const before = old[resync - 1];
        if (o.start === at && o.kind === 'item' && o.list === list && o.dashCol === dashCol && before.kind === 'item' && before.list === list) {
          closeItem(pos);
          const shiftedFrom = segments.length;
          const d = previous.delta;
          // Moved in place: the previous run's segments belong to its caller's cache, which
          // this run replaces (no copies of thousands of objects per keystroke).
          for (let j = resync; j < old.length; j++) {
            const x = old[j];
            x.start += d;
            x.end += d;
            segments.push(x);
          }
          return { ok: true, segments, keptBefore, shiftedFrom, shiftedOld: resync };
        }
      }
    }
    let eol = text.indexOf('\n', pos);
    if (eol < 0) {
      if (!complete) return { ok: false, reason: NEED_MORE };
      eol = n;
    }
    const next = eol < n ? eol + 1 : n;
    if (loneCrBefore(pos, eol)) return { ok: false, reason: 'a lone CR' };
    let indent = 0;
    while (pos + indent < eol && text.charCodeAt(pos + indent) === 32) indent++;
    const first = pos + indent;
    const c = text.charCodeAt(first);
    const blank = first >= eol || c === 13 || c === 35; /* '#' */
    if (!blank) {
      if (c === 9) return { ok: false, reason: 'tab in indentation' };
      if (indent === 0) {
        const line = text.slice(first, eol);
        if (line.startsWith('---') || line.startsWith('...') || line.startsWith('%')) return { ok: false, reason: 'document markers' };
        if (line.startsWith('- ') || line === '-' || line === '-\r') {
          if (list && dashCol === 0) {
            closeItem(pos);
            itemStart = pos;
          } else return { ok: false, reason: 'sequence at the root' };
        } else {
          // A new top-level key ends any list body.
          if (list) {
            closeItem(pos);
            list = undefined;
            dashCol = -1;
            headerStart = pos;
          }
          const bare = line.endsWith('\r') ? line.slice(0, -1) : line;
          const m = TOP_KEY.exec(bare);
          if (m) {
            const key = m[1].replace(/^["']|["']$/g, '');
            if (key === 'hosts' || key === 'workloads') {
              // The header so far ends after this key's line; items follow.
              segments.push({ kind: 'header', start: base + headerStart, end: base + next });
              list = key;
              headerStart = -1;
            }
          } else if (!TOP_KEY_WITH_VALUE.test(bare)) {
            return { ok: false, reason: 'unrecognised top-level line' };
          } else if (/^(hosts|workloads)\s*:/.test(bare)) {
            return { ok: false, reason: 'inline list' };
          }
        }
      } else if (list) {
        if (dashCol < 0) {
          if (c !== 45 /* '-' */) return { ok: false, reason: 'list body without dashes' };
          dashCol = indent;
        }
        if (indent === dashCol && c === 45 && (first + 1 === eol || text.charCodeAt(first + 1) === 32 || text.charCodeAt(first + 1) === 13)) {
          closeItem(pos);
          itemStart = pos;
        } else if (indent <= dashCol) {
          return { ok: false, reason: 'item content not indented under its dash' };
        } else if (itemStart < 0) {
          return { ok: false, reason: 'content before the first item' };
        }
      } else if (headerStart < 0) {
        return { ok: false, reason: 'indented content outside a list' };
      }
      if (indicatorBefore(first, eol)) {
        const line = text.slice(first, eol);
        if (/(^|[\s[{,])[&*!][^\s]/.test(stripComment(line)) || line.includes('<<:')) {
          return { ok: false, reason: 'anchors, aliases or tags' };
        }
      }
      sawContent = true;
    }
    pos = next;
  }
  if (!complete) return { ok: false, reason: NEED_MORE };
  if (list) {
    closeItem(n);
  } else if (headerStart >= 0 && headerStart < n) {
    segments.push({ kind: 'header', start: base + headerStart, end: base + n });
  }
  if (!sawContent && segments.length === 0) segments.push({ kind: 'header', start: base, end: base + n });
  return { ok: true, segments, keptBefore, shiftedFrom: segments.length, shiftedOld: old?.length ?? 0 };
}

/**
 * The previous run's segment a run after a change resumes at: the last one that starts
 * before `lineStart`, the start of the changed line (it holds the line before), or 0 for
 * a run from the top of the text.
 */
export function resumeFrom(old: readonly Segment[], lineStart: number): number {
  let r = -1;
  if (lineStart > 0) {
    let lo = 0;
    let hi = old.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (old[mid].start < lineStart) {
        r = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
  }
  return r > 0 && old[r].start > 0 ? r : 0;
}

/** Where the line holding `offset` starts. */
function lineStartBefore(text: string, offset: number): number {
  const i = text.lastIndexOf('\n', offset - 1);
  return i < 0 ? 0 : i + 1;
}

function stripComment(line: string): string {
  // Good enough for the fallback test: quoted '#' makes us fall back too, which is safe.
  const i = line.search(/(^|\s)#/);
  let s = i < 0 ? line : line.slice(0, i);
  s = s.replace(/"(?:[^"\\]|\\.)*"|'[^']*'/g, '""');
  return s;
}
