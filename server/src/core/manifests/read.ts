// Which reader takes a file that is not a descriptor: Compose files by their name
// (`compose.yaml`, `docker-compose*.yml`…), every other YAML as a Kubernetes manifest.
// The server, the CLI and the fix path all choose through here, so they agree.

import type { SourceText } from '../sourceText';
import type { ParsedFile } from '../types';
import { isComposeFileName, looksLikeCompose, parseCompose } from './compose';
import { looksLikeManifest, parseManifest } from './k8s';

/** Reads a file next to the one being parsed, by a `/`-separated relative path (Compose's `.env`, override, `extends` files). */
export type SiblingReader = (relative: string) => string | undefined;

/**
 * The cheap test a non-descriptor YAML file must pass to be read at all; the rest gets no
 * diagnostics. `compose`: a Compose file whatever its name (the editor's language id says so).
 */
export function looksLikeManifestFile(file: string, text: string, compose?: boolean): boolean {
  return compose || isComposeFileName(file) ? looksLikeCompose(text) : looksLikeManifest(text);
}

/** Reads a manifest file with its reader; `read` gives a Compose file its project's other files. */
export function parseManifestFile(file: string, text: string | SourceText, read?: SiblingReader, compose?: boolean): ParsedFile {
  return compose || isComposeFileName(file) ? parseCompose(file, text, { read }) : parseManifest(file, text);
}

export { isComposeFileName };
