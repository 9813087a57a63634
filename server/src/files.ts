// Reading files from a workspace that may be hostile: only regular files, only up to a
// size limit, without blocking. A FIFO named like a descriptor or a configuration file
// would block a plain read for ever (and the server with it); a symbolic link to
// /dev/zero would be read until memory runs out. So the file is opened non-blocking
// (opening a FIFO then returns at once), checked with fstat on the open descriptor (no
// race between the check and the read), and read up to the limit and no further.

import * as fs from 'node:fs';

/** Descriptors larger than this are not read (the core refuses past 20M characters anyway). */
export const MAX_DESCRIPTOR_BYTES = 64 * 1024 * 1024;

export type ReadResult =
  | { ok: true; bytes: Buffer }
  | { ok: false; reason: 'missing' | 'not-a-file' | 'too-large' | 'unreadable'; message: string; size?: number };

const FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0) | (fs.constants.O_NOCTTY ?? 0);

export function readRegularFileSync(path: string, maxBytes: number): ReadResult {
  let fd: number;
  try {
    fd = fs.openSync(path, FLAGS);
  } catch (e) {
    return failure(e);
  }
  try {
    const st = fs.fstatSync(fd);
    const refused = refuse(st, maxBytes);
    if (refused) return refused;
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(Math.max(st.size, 65536), maxBytes + 1 - total) || 1);
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      chunks.push(n === buf.length ? buf : buf.subarray(0, n));
      total += n;
      if (total > maxBytes) return tooLarge(total, maxBytes);
    }
    return { ok: true, bytes: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total) };
  } catch (e) {
    return failure(e);
  } finally {
    fs.closeSync(fd);
  }
}

export async function readRegularFile(path: string, maxBytes: number): Promise<ReadResult> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(path, FLAGS);
  } catch (e) {
    return failure(e);
  }
  try {
    const st = await handle.stat();
    const refused = refuse(st, maxBytes);
    if (refused) return refused;
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(Math.max(st.size, 65536), maxBytes + 1 - total) || 1);
      const { bytesRead } = await handle.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      chunks.push(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) return tooLarge(total, maxBytes);
    }
    return { ok: true, bytes: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total) };
  } catch (e) {
    return failure(e);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** The same as readRegularFile, decoded as UTF-8 (a byte-order mark is kept). */
export async function readRegularText(path: string, maxBytes: number): Promise<{ ok: true; text: string } | Extract<ReadResult, { ok: false }>> {
  const r = await readRegularFile(path, maxBytes);
  return r.ok ? { ok: true, text: r.bytes.toString('utf8') } : r;
}

function refuse(st: fs.Stats, maxBytes: number): ReadResult | undefined {
  if (!st.isFile()) return { ok: false, reason: 'not-a-file', message: 'not a regular file' };
  if (st.size > maxBytes) return tooLarge(st.size, maxBytes);
  return undefined;
}

function tooLarge(size: number, maxBytes: number): ReadResult {
  return { ok: false, reason: 'too-large', size, message: `too large (over ${formatSize(maxBytes)})` };
}

function formatSize(n: number): string {
  return n >= 1048576 ? `${Math.round(n / 1048576)} MB` : `${Math.round(n / 1024)} KB`;
}

function failure(e: unknown): ReadResult {
  const err = e as NodeJS.ErrnoException;
  switch (err?.code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return { ok: false, reason: 'missing', message: 'no such file or folder' };
    case 'EISDIR':
      return { ok: false, reason: 'not-a-file', message: 'is a folder' };
    case 'EACCES':
    case 'EPERM':
      return { ok: false, reason: 'unreadable', message: 'permission denied' };
    case 'ELOOP':
      return { ok: false, reason: 'unreadable', message: 'too many levels of symbolic links' };
    default:
      return { ok: false, reason: 'unreadable', message: err?.message ?? String(e) };
  }
}
