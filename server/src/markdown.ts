// Descriptor text is untrusted: everything taken from it goes through these before
// it is put into markdown (hovers, completion docs).

/**
 * Characters that change the direction text is displayed in (Trojan Source): overrides,
 * embeddings, isolates, marks, and the line and paragraph separators. Shown as escapes
 * (`\u202E`) so a hover cannot read differently from the file.
 */
const INVISIBLE = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

/** The invisible characters above as visible `\uXXXX` text (plain, not yet Markdown). */
export function showInvisible(text: string): string {
  return text.replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}

/** Escapes text for markdown prose: no emphasis, links, autolinks, HTML or code spans. */
export function md(text: unknown): string {
  const s = showInvisible(String(text ?? ''));
  // Every `@` of descriptor text: whatever precedes it in the final Markdown.
  return noAutolinks(
    s
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
      .replace(/[\\`*_{}[\]()#+\-.!|~]/g, (c) => `\\${c}`)
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/\r?\n|\r/g, ' '),
  ).replace(/@/g, '&#64;');
}

/**
 * Breaks what a renderer would turn into a link by itself (GFM's `https://…` and
 * `user@host`; `www.` is already broken by the escaped dot): the `:` of `://` and an
 * `@` after a name's character become character references, which show as the same
 * characters. An `@` after a space starts no address (our own "host @ site").
 */
function noAutolinks(markdown: string): string {
  return markdown.replace(/:\/\//g, '&#58;//').replace(/(?<=\S)@/g, '&#64;');
}

/**
 * The last pass over a hover or documentation made of several parts, some escaped
 * elsewhere (the placement's description): no invisible direction controls and no
 * autolinks, whoever escaped the part. Our own text has neither, so it is unchanged.
 */
export function untrusted(markdown: string): string {
  return noAutolinks(markdown.replace(INVISIBLE, (c) => `\\\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`));
}

/** Escapes text for a table cell (pipes and newlines would break the row). */
export function cell(text: unknown): string {
  return md(text);
}

/** Shortens long names so a hostile 1 MB name cannot flood a hover. */
export function clip(text: string | undefined, max = 80): string {
  if (text === undefined) return '';
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * Makes text safe for a `window/showMessage`, which VS Code renders with links
 * (`[label](command:…)` runs a command on click) but no other markdown, so backslash
 * escapes would show: a link's `](` is broken with a space, bare `command:` URIs lose
 * their colon's meaning, and control and bidi characters become visible `\uXXXX`.
 */
export function plainMessage(text: string): string {
  return String(text)
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/\]\s*\(/g, '] (')
    .replace(/\b(command|https?|file|vscode):/gi, '$1 :');
}
