// Links to the rule documentation that ships with the server: docs/rules.md next to
// dist/ in the .vsix (and in the repository). Links point at the file itself, so they
// resolve offline and match the installed version; nothing points at a web address.
//
// - `editorLink`: the file with the line of the rule's heading (`#L36`), which VS Code
//   and other editors open at that line. Diagnostics carry it as `codeDescription.href`
//   (VS Code no longer runs `command:` links from a diagnostic's code).
// - `anchorLink`: the file with the rule's anchor (`#elastic-vm`), as Markdown viewers
//   take it: for the CLI's reports and `rules`.

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { RULES_DOC_PATH, ruleDocAnchor, ruleDocHeadings, ruleDocPath } from './core/rules';

export interface RuleDocs {
  /** Absolute path of docs/rules.md. */
  file: string;
  /** Its `file:` URI. */
  uri: string;
  /** The 0-based line of each rule's `## <id>` heading. */
  headings: ReadonlyMap<string, number>;
}

/** docs/rules.md in `dir` or the folders above it (dist/ in the package, out/server/src in tests). */
export function findRuleDocs(dir: string, levels = 4): RuleDocs | undefined {
  for (let i = 0; i < levels; i++) {
    const file = path.join(dir, RULES_DOC_PATH);
    let text: string | undefined;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      text = undefined;
    }
    if (text !== undefined) return { file, uri: pathToFileURL(file).href, headings: ruleDocHeadings(text) };
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return undefined;
}

// The installation's docs, found once: they do not change while the process runs.
let bundled: RuleDocs | null | undefined;
export function bundledRuleDocs(): RuleDocs | undefined {
  if (bundled === undefined) bundled = findRuleDocs(__dirname) ?? null;
  return bundled ?? undefined;
}

/**
 * The docs file at the rule's heading line, for an editor; undefined when the docs or the
 * section are missing. `docs`: the installation's by default, `null` for none.
 */
export function editorLink(id: string, given?: RuleDocs | null): string | undefined {
  const docs = given === undefined ? bundledRuleDocs() : (given ?? undefined);
  const line = docs?.headings.get(id);
  return docs && line !== undefined ? `${docs.uri}#L${line + 1}` : undefined;
}

/** The docs file at the rule's anchor; `docs/rules.md#<id>` (relative to the package) when the file is not found. */
export function anchorLink(id: string, given?: RuleDocs | null): string {
  const docs = given === undefined ? bundledRuleDocs() : given;
  return docs ? `${docs.uri}#${ruleDocAnchor(id)}` : ruleDocPath(id);
}
