/**
 * Files written whole or not at all, and kept once written: the box's small state files
 * (federation authority, relay commands already run, the last update's outcome,
 * provisioning) live on an SD card behind a solar battery that may die at any moment.
 *
 * The text goes to `<path>.tmp`, is flushed (fsync), then renamed over `path`, and the
 * directory is flushed so that the rename itself survives a power cut (rename(2) is
 * atomic, but durable only once its directory is synced).
 */
import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { dirname } from 'node:path';

export interface DurableOptions {
  /** The file's permissions (default 0o644). */
  readonly mode?: number;
}

export function writeFileDurably(path: string, data: string | Uint8Array, opts: DurableOptions = {}): void {
  const mode = opts.mode ?? 0o644;
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, data, { mode });
  // writeFileSync's mode only applies to a new file (and the umask); a FAT boot
  // partition refuses chmod, so only ask for a mode other than the default.
  if (mode !== 0o644) chmodSync(tmp, mode);
  flush(tmp, 'r');
  renameSync(tmp, path);
  flushDirectory(dir);
}

/** Remove `path` (if it is there) so that its absence, too, survives a power cut. */
export function removeFileDurably(path: string): void {
  rmSync(path, { force: true });
  flushDirectory(dirname(path));
}

/**
 * Everything written to the file system that holds `path`, on the disk (coreutils'
 * `sync -f`, syncfs(2)): once, after writing thousands of files (an unpacked release),
 * where an fsync each would take minutes on an SD card.
 */
export function flushFileSystem(path: string): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile('sync', ['-f', path], (err) => (err ? reject(new Error(`les écritures sur le disque de « ${path} » n’ont pas pu être terminées : ${err.message}`)) : resolve())),
  );
}

function flush(path: string, flags: string): void {
  const fd = openSync(path, flags);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Some file systems (FAT on some kernels) refuse to fsync a directory: the rename is then as durable as they make it. */
function flushDirectory(dir: string): void {
  try {
    flush(dir, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM' && code !== 'EACCES') throw e;
  }
}
