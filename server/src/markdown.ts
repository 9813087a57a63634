// Descriptor text is untrusted: everything taken from it goes through these before
// it is put into markdown (hovers, completion docs).

/** Escapes text for markdown prose: no emphasis, links, HTML or code spans. */
export function md(text: unknown): string {
  const s = String(text ?? '');
  return s
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
    .replace(/[\\`*_{}[\]()#+\-.!|~]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r?\n|\r/g, ' ');
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
