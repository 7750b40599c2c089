/**
 * Content-addressed blob store: a blob is a file named by its SHA-256 under
 * <dir>/<2 hex>/<62 hex>, written once. Writes stream to a temporary file while hashing,
 * are fsynced, then renamed into place, so a power cut leaves either the whole blob or
 * a stray temporary file (removed at start), never a half blob under a real name.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { open, rename, rm, stat, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql, type Db } from '../db/index.js';
import type { Clock, Random } from '../clock/index.js';

export const SHA256_RE = /^[0-9a-f]{64}$/;

/** Thrown when a stream passes its byte limit; the caller says which limit in plain words. */
export class BlobTooLargeError extends Error {
  override readonly name = 'BlobTooLargeError';
  constructor(readonly limit: number) {
    super(`blob larger than ${limit} bytes`);
  }
}

export interface PutResult {
  readonly sha256: string;
  readonly size: number;
  /** False when the same content was already stored (deduplicated). */
  readonly created: boolean;
}

export class BlobStore {
  private readonly tmpDir: string;
  /** Blobs being received from other sites, kept across restarts so a transfer resumes. */
  readonly partialDir: string;

  constructor(private readonly deps: { dir: string; db: Db; clock: Clock; random: Random }) {
    this.tmpDir = join(deps.dir, 'tmp');
    this.partialDir = join(deps.dir, 'partial');
    mkdirSync(this.tmpDir, { recursive: true });
    mkdirSync(this.partialDir, { recursive: true });
    // Leftovers of writes cut by a power failure.
    for (const f of readdirSync(this.tmpDir)) rmSync(join(this.tmpDir, f), { force: true });
  }

  pathOf(sha256: string): string {
    if (!SHA256_RE.test(sha256)) throw new RangeError('not a SHA-256 hex digest');
    return join(this.deps.dir, sha256.slice(0, 2), sha256.slice(2));
  }

  /** Stream `source` into the store, refusing more than `maxBytes`. */
  async put(source: Readable | AsyncIterable<Uint8Array>, maxBytes = Number.MAX_SAFE_INTEGER): Promise<PutResult> {
    const tmp = join(this.tmpDir, this.deps.random.bytes(12).toString('hex'));
    const hash = createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        size += chunk.length;
        if (size > maxBytes) return cb(new BlobTooLargeError(maxBytes));
        hash.update(chunk);
        cb(null, chunk);
      },
    });
    const out = createWriteStream(tmp, { flags: 'wx' });
    try {
      await pipeline(source, meter, out);
      await fsync(tmp);
      const sha256 = hash.digest('hex');
      const final = this.pathOf(sha256);
      const existed = await exists(final);
      if (existed) {
        await rm(tmp, { force: true });
      } else {
        await mkdir(join(this.deps.dir, sha256.slice(0, 2)), { recursive: true });
        await rename(tmp, final);
        await fsync(join(this.deps.dir, sha256.slice(0, 2)));
      }
      this.record(sha256, size);
      return { sha256, size, created: !existed };
    } catch (e) {
      // pipeline rejects at the first error without waiting for the file to be closed: an
      // open still under way would create the file after the rm (a leftover in tmp/).
      if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
      await rm(tmp, { force: true });
      throw e;
    }
  }

  /**
   * Take a complete file whose SHA-256 the caller has checked (a blob received in chunks)
   * into the store: fsynced, then renamed into place.
   */
  async adopt(path: string, sha256: string, size: number): Promise<void> {
    const final = this.pathOf(sha256);
    await fsync(path);
    await mkdir(join(this.deps.dir, sha256.slice(0, 2)), { recursive: true });
    await rename(path, final);
    await fsync(join(this.deps.dir, sha256.slice(0, 2)));
    this.record(sha256, size);
  }

  async has(sha256: string): Promise<boolean> {
    return SHA256_RE.test(sha256) && exists(this.pathOf(sha256));
  }

  async size(sha256: string): Promise<number | undefined> {
    try {
      return (await stat(this.pathOf(sha256))).size;
    } catch {
      return undefined;
    }
  }

  /** A stream of the blob's bytes from `start` to `end` inclusive (HTTP Range semantics). */
  read(sha256: string, range?: { start: number; end: number }): Readable {
    sql(this.deps.db, 'UPDATE blobs SET last_used = ? WHERE sha256 = ?').run(this.deps.clock.now(), sha256);
    return createReadStream(this.pathOf(sha256), range ? { start: range.start, end: range.end } : {});
  }

  async remove(sha256: string): Promise<void> {
    this.removeNow(sha256);
  }

  /**
   * Remove a blob synchronously, so that a caller's "is anything still pointing at it?"
   * check and the removal happen in one turn of the event loop, with no other request
   * able to slip in between (an unlink is one short system call).
   */
  removeNow(sha256: string): void {
    rmSync(this.pathOf(sha256), { force: true });
    sql(this.deps.db, 'DELETE FROM blobs WHERE sha256 = ?').run(sha256);
  }

  private record(sha256: string, size: number): void {
    const now = this.deps.clock.now();
    sql(this.deps.db, 'INSERT INTO blobs (sha256, size, created_at, last_used) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET last_used = excluded.last_used')
      .run(sha256, size, now, now);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function fsync(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
