// The test corpora (test/manifests/…) read into memory: every file under a folder, keyed by
// its `/`-separated path below it (after `prefix/`, when given), for `tempTree` and parsers.
import * as fs from 'node:fs';
import * as path from 'node:path';

export function corpusFiles(dir: string, prefix?: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of fs.readdirSync(d)) {
      const p = path.join(d, name);
      if (fs.statSync(p).isDirectory()) walk(p);
      else {
        const rel = path.relative(dir, p).split(path.sep).join('/');
        out[prefix ? `${prefix}/${rel}` : rel] = fs.readFileSync(p, 'utf8');
      }
    }
  };
  walk(dir);
  return out;
}
