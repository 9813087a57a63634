// The manifest formats `workload-placement import <format>` reads, as data: a reader that
// gives the core's model (ParsedFile with `manifest`) is all a format needs, the rest of
// the import (finding files, joining, writing, the summary) is shared (importManifests.ts).

import { isComposeFileName, looksLikeCompose, parseCompose } from '../core/manifests/compose';
import { looksLikeManifest, parseManifest } from '../core/manifests/k8s';
import type { ParsedFile } from '../core/types';
import { siblingReader } from './inputs';

export interface ManifestSource {
  /** For messages: `Kubernetes manifests`. */
  title: string;
  /** The cheap test a YAML file found in a folder (or named) must pass to be read, by its path and text. */
  looksLike: (file: string, text: string) => boolean;
  parse: (file: string, text: string) => ParsedFile;
}

export const MANIFEST_SOURCES: Readonly<Record<string, ManifestSource>> = {
  k8s: { title: 'Kubernetes manifests', looksLike: (file, text) => !isComposeFileName(file) && looksLikeManifest(text), parse: parseManifest },
  // A Compose file reads its `.env`, override and `extends` files from its own folder.
  compose: { title: 'Compose files', looksLike: (file, text) => isComposeFileName(file) && looksLikeCompose(text), parse: (file, text) => parseCompose(file, text, { read: siblingReader(file) }) },
};
