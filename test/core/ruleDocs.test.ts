// Rule documentation links resolve: every rule has a section (`## <id>`, its anchor) in
// the generated docs/rules.md, and the links the server and the CLI give point at that
// file, which ships in the .vsix (test/package checks the package).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { RULES, RULES_DOC_PATH, ruleDocAnchor, ruleDocHeadings, ruleDocPath } from '../../server/src/core/rules';
import { anchorLink, bundledRuleDocs, editorLink, findRuleDocs } from '../../server/src/ruleDocs';

const ROOT = join(__dirname, '..', '..', '..');
const DOC = readFileSync(join(ROOT, RULES_DOC_PATH), 'utf8');

describe('rule documentation links', () => {
  it('every rule id has an anchor (a `## <id>` heading) in docs/rules.md', () => {
    const headings = ruleDocHeadings(DOC);
    const lines = DOC.split('\n');
    for (const r of RULES) {
      assert.equal(ruleDocAnchor(r.id), r.id);
      const line = headings.get(r.id);
      assert.ok(line !== undefined, `no section for ${r.id}`);
      assert.equal(lines[line], `## ${r.id}`);
      // The table at the top links to the same anchor.
      assert.ok(DOC.includes(`](#${ruleDocAnchor(r.id)})`), `no link to #${r.id}`);
    }
    assert.equal(ruleDocPath('elastic-vm'), 'docs/rules.md#elastic-vm');
  });

  it('the server finds the docs/rules.md it ships with', () => {
    const docs = bundledRuleDocs();
    assert.ok(docs);
    assert.equal(docs.file, join(ROOT, RULES_DOC_PATH));
  });

  it('editor links open the file at the heading of the rule; anchor links name the section', () => {
    const lines = DOC.split('\n');
    for (const r of RULES) {
      const href = editorLink(r.id)!;
      const m = /^(file:\/\/.+)#L(\d+)$/.exec(href);
      assert.ok(m, href);
      assert.equal(readFileSync(fileURLToPath(m[1]), 'utf8'), DOC);
      assert.equal(lines[Number(m[2]) - 1], `## ${r.id}`);
      const anchor = anchorLink(r.id);
      assert.ok(anchor.startsWith('file://') && anchor.endsWith(`/docs/rules.md#${r.id}`), anchor);
    }
  });

  it('no web address that does not exist: without the file, no editor link and a package-relative anchor', () => {
    const nowhere = findRuleDocs(mkdtempSync(join(tmpdir(), 'wp-nodocs-')), 1);
    assert.equal(nowhere, undefined);
    assert.equal(editorLink('elastic-vm', null), undefined);
    assert.equal(anchorLink('elastic-vm', null), 'docs/rules.md#elastic-vm');
    for (const r of RULES) assert.doesNotMatch(anchorLink(r.id), /^https?:/);
  });
});
