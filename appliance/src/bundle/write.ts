/**
 * A bundle written to a file, typically on a USB stick: streamed to a temporary name in
 * the same folder, flushed to the stick, then renamed. A stick pulled out mid-write leaves
 * at most a ".partiel" file, never one that looks whole (and an import would refuse it
 * anyway: it has no trailer).
 */
import { createWriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { exportBundle, type ExportOptions, type ExportSummary } from './export.js';
import type { BundleDeps } from './deps.js';

export function partialNameOf(out: string): string {
  return join(dirname(out), `.${basename(out)}.partiel`);
}

export async function writeBundleFile(deps: BundleDeps, opts: ExportOptions, out: string): Promise<ExportSummary> {
  const tmp = partialNameOf(out);
  const bundle = exportBundle(deps, opts);
  try {
    await pipeline(Readable.from(bundle.chunks), createWriteStream(tmp, { flags: 'w' }));
    await syncPath(tmp, 'r+');
    await rename(tmp, out);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  // The rename is durable once the folder is flushed; some file systems (FAT sticks)
  // refuse to open a folder for that, and then their own unmount does it.
  await syncPath(dirname(out), 'r').catch(() => {});
  return bundle.summary;
}

async function syncPath(path: string, flags: string): Promise<void> {
  const fh = await open(path, flags);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
