// The committed reference docs and schema must match what the sources generate.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { generateAll } from '../../server/src/docs/generate';

const ROOT = join(__dirname, '..', '..', '..');

describe('generated docs', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  for (const f of generateAll(readme)) {
    it(`${f.path} is up to date (npm run docs)`, () => {
      const p = join(ROOT, f.path);
      assert.ok(existsSync(p), `${f.path} exists`);
      assert.equal(readFileSync(p, 'utf8'), f.content);
    });
  }

  it('the README lists every rule', () => {
    for (const f of generateAll(readme)) if (f.path === 'README.md') assert.match(f.content, /`deploy-impossible`/);
  });
});
