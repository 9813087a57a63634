// Terminal output: colours only where they help (a TTY, not disabled), and descriptor
// text made safe to print, since names and messages come from untrusted files.

export type Colour = 'red' | 'yellow' | 'blue' | 'green' | 'cyan' | 'dim' | 'bold';
export type Paint = (colour: Colour, text: string) => string;

const CODES: Record<Colour, [number, number]> = {
  red: [31, 39],
  yellow: [33, 39],
  blue: [34, 39],
  green: [32, 39],
  cyan: [36, 39],
  dim: [2, 22],
  bold: [1, 22],
};

/** The flag wins; then NO_COLOR (https://no-color.org), FORCE_COLOR, and the TTY. */
export function wantsColour(flag: boolean | undefined, isTTY: boolean, env: NodeJS.ProcessEnv): boolean {
  if (flag !== undefined) return flag;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true;
  return isTTY && env.TERM !== 'dumb';
}

export function painter(enabled: boolean): Paint {
  if (!enabled) return (_c, t) => t;
  return (c, t) => `\u001b[${CODES[c][0]}m${t}\u001b[${CODES[c][1]}m`;
}

/** Terminal controls: C0 and C1 (ESC, BEL, CSI…), DEL, and bidirectional overrides. */
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** What JSON.stringify leaves raw among those (it escapes C0 itself), and the JS line separators. */
const JSON_RAW = /[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;
const escape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * Escapes what a terminal would interpret: control characters (escape sequences, line
 * breaks inside a value) and bidirectional overrides that could disguise the text.
 */
export function safe(text: string): string {
  return String(text).replace(CONTROLS, escape);
}

/**
 * `safe` for a message of several lines: the line breaks stay, everything else is
 * escaped. The last guard before stderr; the parts of a message that come from files
 * are escaped with `safe` where it is built, so a line break in a name is escaped too.
 */
export function safeLines(text: string): string {
  return String(text).split('\n').map(safe).join('\n');
}

/** JSON text made safe to print: the controls JSON.stringify leaves raw become \u escapes (still valid JSON, the same values). */
export function safeJson(json: string): string {
  return json.replace(JSON_RAW, escape);
}
