// Splits a descriptor into independently parseable pieces: the top-level header and
// one piece per item of `hosts:` and `workloads:`. An edit then re-parses only the
// pieces whose text changed. Anything the splitter does not fully understand (flow
// lists, anchors, several documents, tabs in indentation) falls back to a whole parse.

export interface Segment {
  /** 'header' holds top-level keys; 'item' one list item of `list`. */
  kind: 'header' | 'item';
  list?: 'hosts' | 'workloads';
  start: number;
  end: number;
}

export type Segmentation = { ok: true; segments: Segment[] } | { ok: false; reason: string };

const TOP_KEY = /^([A-Za-z_][A-Za-z0-9_-]*|"[^"]*"|'[^']*')[ \t]*:(?:[ \t]+#.*|[ \t]*)$/;
const TOP_KEY_WITH_VALUE = /^([A-Za-z_][A-Za-z0-9_-]*|"[^"]*"|'[^']*')[ \t]*:[ \t]/;

export function segment(text: string): Segmentation {
  const n = text.length;
  const segments: Segment[] = [];
  let pos = 0;
  // Current list body: which list, the dash column, and where the open item began.
  let list: 'hosts' | 'workloads' | undefined;
  let dashCol = -1;
  let itemStart = -1;
  let headerStart = 0;
  let sawContent = false;

  const closeItem = (at: number) => {
    if (itemStart >= 0) segments.push({ kind: 'item', list, start: itemStart, end: at });
    itemStart = -1;
  };

  while (pos < n) {
    let eol = text.indexOf('\n', pos);
    if (eol < 0) eol = n;
    const next = eol < n ? eol + 1 : n;
    let indent = 0;
    while (pos + indent < eol && text.charCodeAt(pos + indent) === 32) indent++;
    const c = text.charCodeAt(pos + indent);
    const blank = pos + indent >= eol || c === 13 || c === 35; /* '#' */
    if (!blank) {
      if (c === 9) return { ok: false, reason: 'tab in indentation' };
      const line = text.slice(pos + indent, eol);
      if (indent === 0) {
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
          const bare = line.replace(/\r$/, '');
          const m = TOP_KEY.exec(bare);
          if (m) {
            const key = m[1].replace(/^["']|["']$/g, '');
            if (key === 'hosts' || key === 'workloads') {
              // The header so far ends after this key's line; items follow.
              segments.push({ kind: 'header', start: headerStart, end: next });
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
        if (indent === dashCol && c === 45 && (line.length === 1 || line[1] === ' ' || line[1] === '\r')) {
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
      if (/(^|[\s[{,])[&*!][^\s]/.test(stripComment(line)) || line.includes('<<:')) {
        return { ok: false, reason: 'anchors, aliases or tags' };
      }
      sawContent = true;
    } else if (list && dashCol < 0 && pos + indent < eol && c === 35) {
      // A comment between `hosts:` and its first item belongs to the header.
    }
    pos = next;
  }
  if (list) {
    closeItem(n);
    if (dashCol < 0 && headerStart < 0) headerStart = -1;
  } else if (headerStart >= 0 && headerStart < n) {
    segments.push({ kind: 'header', start: headerStart, end: n });
  }
  if (!sawContent && segments.length === 0) segments.push({ kind: 'header', start: 0, end: n });
  return { ok: true, segments };
}

function stripComment(line: string): string {
  // Good enough for the fallback test: quoted '#' makes us fall back too, which is safe.
  const i = line.search(/(^|\s)#/);
  let s = i < 0 ? line : line.slice(0, i);
  s = s.replace(/"(?:[^"\\]|\\.)*"|'[^']*'/g, '""');
  return s;
}
