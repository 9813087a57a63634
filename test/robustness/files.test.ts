// Reading files that are not what their names say (server/src/files.ts): FIFOs and
// links to devices are refused unread, large files are refused at the limit, and the
// server and the command line carry on.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { URI } from 'vscode-uri';
import { MAX_DESCRIPTOR_BYTES, readRegularFile, readRegularFileSync } from '../../server/src/files';
import { Workspace } from '../../server/src/workspace';
import { cli, json, tempTree } from '../cli/helpers';
import { APPS, FILES } from '../lsp/fixtures';
import { TestClient, waitFor } from '../lsp/helpers';

const posix = process.platform !== 'win32';
const mkfifo = (p: string) => execFileSync('mkfifo', [p]);

describe('reading only regular files within a limit', { skip: !posix, timeout: 120_000 }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wp-files-'));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

  it('a FIFO, a link to /dev/zero, a folder and a missing file are refused unread', async () => {
    mkfifo(path.join(dir, 'fifo'));
    fs.symlinkSync('/dev/zero', path.join(dir, 'zero'));
    for (const read of [readRegularFileSync, readRegularFile]) {
      for (const [name, reason] of [['fifo', 'not-a-file'], ['zero', 'not-a-file'], ['.', 'not-a-file'], ['missing', 'missing']] as const) {
        const r = await read(path.join(dir, name), 1000);
        assert.equal(r.ok, false, name);
        if (!r.ok) assert.equal(r.reason, reason, name);
      }
    }
  });

  it('a file over the limit is refused with its size; one at the limit is read', async () => {
    fs.writeFileSync(path.join(dir, 'big'), Buffer.alloc(1001, 97));
    fs.writeFileSync(path.join(dir, 'fits'), Buffer.alloc(1000, 97));
    for (const read of [readRegularFileSync, readRegularFile]) {
      const big = await read(path.join(dir, 'big'), 1000);
      assert.deepEqual(big.ok ? 'read' : [big.reason, big.size], ['too-large', 1001]);
      const fits = await read(path.join(dir, 'fits'), 1000);
      assert.equal(fits.ok && fits.bytes.length, 1000);
    }
  });

  it('the server refuses a descriptor over the read limit unread, with the too-large diagnostic', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'wp-big-'));
    try {
      const big = path.join(root, 'big.workload.yaml');
      // Sparse: 65 MB on paper, nothing on disk, and never read.
      fs.writeFileSync(big, '');
      fs.truncateSync(big, MAX_DESCRIPTOR_BYTES + 1);
      const ws = new Workspace();
      ws.setFolders([pathToFileURL(root).href]);
      assert.equal(await ws.scan(), 1);
      const d = ws.flush().diagnostics.get(URI.file(big).toString()) ?? [];
      assert.equal(d.length, 1);
      assert.match(d[0].message, /too large/);
      assert.equal(ws.file(URI.file(big).toString())!.text, '');
      ws.dispose();
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('the server does not hang on a FIFO named .workload-placement.json, nor read a link to /dev/zero', async () => {
    for (const make of [(p: string) => mkfifo(p), (p: string) => fs.symlinkSync('/dev/zero', p)]) {
      const c = await TestClient.start({ files: FILES, setup: (d) => make(path.join(d, '.workload-placement.json')) });
      try {
        await c.open('apps.workload.yaml', APPS);
        const d = await c.diagnostics('apps.workload.yaml', (x) => x.length > 0);
        assert.ok(d.length > 0);
        const msg = await waitFor(() => c.messages.find((m) => m.message.includes('configuration')), 'a configuration message');
        assert.match(msg.message, /\.workload-placement\.json: not a regular file; ignored/);
        const rss = Number(execFileSync('ps', ['-o', 'rss=', '-p', String(c.child.pid)], { encoding: 'utf8' }).trim()) * 1024;
        assert.ok(rss < 300 * 2 ** 20, `server RSS ${Math.round(rss / 2 ** 20)} MB`);
      } finally {
        await c.shutdown();
      }
    }
  });

  it('the command line skips a FIFO configuration, saying so as the editor does, and refuses a named one', () => {
    const root = tempTree({ 'a/hosts.workload.yaml': FILES['hosts.workload.yaml'] });
    mkfifo(path.join(root, 'a', '.workload-placement.json'));
    const { run } = json(['check', 'a'], { cwd: root });
    assert.notEqual(run.code, 2, run.stderr);
    assert.match(run.stderr, /\.workload-placement\.json: not a regular file; ignored/);
    const named = cli(['check', 'a', '--config', 'a/.workload-placement.json'], { cwd: root });
    assert.equal(named.code, 2);
    assert.match(named.stderr, /not a file/);
  });
});
