// The two HTML pages that host the layout view, with the same discipline: a
// Content-Security-Policy meta tag always present, `default-src 'none'`, scripts only
// with a fresh nonce, and no descriptor data in the markup.
// - The editor panel loads the bundle and stylesheet from the extension's dist folder
//   and gets its data through postMessage only.
// - The CLI's static page inlines the bundle and stylesheet (nonce'd) and carries the
//   data in a non-executable `<script type="application/json">` block, escaped so that
//   no name can close the block.

export interface PanelPage {
  /** `webview.cspSource`. */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  /** Fresh per page: 128 random bits, base64. */
  nonce: string;
}

export function panelHtml(p: PanelPage): string {
  const csp = `default-src 'none'; style-src ${p.cspSource}; script-src 'nonce-${p.nonce}';`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(p.styleUri)}">
<title>Host Layout</title>
</head>
<body>
<div id="app"></div>
<script nonce="${attr(p.nonce)}" src="${attr(p.scriptUri)}"></script>
</body>
</html>
`;
}

export interface StaticPage {
  title: string;
  css: string;
  js: string;
  /** Serialised with `JSON.stringify` and escaped here. */
  data: unknown;
  nonce: string;
}

export function staticPageHtml(p: StaticPage): string {
  const csp = `default-src 'none'; style-src 'nonce-${p.nonce}'; script-src 'nonce-${p.nonce}';`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${text(p.title)}</title>
<style nonce="${attr(p.nonce)}">${rawText(p.css, 'style')}</style>
</head>
<body>
<div id="app"></div>
<script type="application/json" id="layout-data">${jsonForHtml(p.data)}</script>
<script nonce="${attr(p.nonce)}">${rawText(p.js, 'script')}</script>
</body>
</html>
`;
}

/**
 * JSON that is inert inside an HTML `<script>` block: `<`, `>` and `&` become \u escapes
 * (so `</script>` or `<!--` in a name cannot end or change the block), and so do the
 * line separators JavaScript once treated as line ends.
 */
export function jsonForHtml(data: unknown): string {
  return JSON.stringify(data).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Our own bundle inside a raw-text element: only its closing tag needs breaking. */
function rawText(s: string, tag: 'script' | 'style'): string {
  return s.replace(new RegExp(`</(${tag})`, 'gi'), '<\\/$1');
}

function attr(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function text(s: string): string {
  return s.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);
}
