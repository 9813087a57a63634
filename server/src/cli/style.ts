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

/**
 * Escapes what a terminal would interpret: control characters (escape sequences, line
 * breaks inside a value) and bidirectional overrides that could disguise the text.
 */
export function safe(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
