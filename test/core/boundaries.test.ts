// The import boundaries the architecture states: shared/ imports nothing outside
// itself, the client imports no server code, the core no protocol library.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = join(__dirname, '..', '..', '..');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(ROOT, dir))) {
    const p = join(dir, name);
    if (statSync(join(ROOT, p)).isDirectory()) out.push(...sources(p));
    else if (name.endsWith('.ts')) out.push(p);
  }
  return out;
}

function imports(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?\bfrom\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]);
}

describe('import boundaries', () => {
  it('shared/ imports only shared/', () => {
    for (const f of sources('shared')) for (const i of imports(f)) assert.match(i, /^\.\/[\w.]+$/, `${f} imports ${i}`);
  });

  it('the client imports no server code (the rule catalogue comes from shared/)', () => {
    for (const f of sources('client/src')) for (const i of imports(f)) assert.ok(!relative('client/src', join('client/src', i)).includes('server'), `${f} imports ${i}`);
  });

  it('the core imports neither vscode nor the language server libraries', () => {
    for (const f of sources('server/src/core')) for (const i of imports(f)) assert.ok(!/^vscode/.test(i), `${f} imports ${i}`);
  });
});
