// Messages between the language server, the client and the webview, declared once.
export const PROTOCOL_VERSION = 1;
