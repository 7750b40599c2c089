/**
 * Blobs for sync sessions over the box's blob store: which blobs the records of a space
 * point at (the blob_refs index the op log keeps, for hosted and carried spaces alike),
 * which of them are missing, and chunks in and out. A blob being received grows in
 * <blobs>/partial/<sha256>, which outlives a cut session and a restart, so the next
 * session asks for it from where it stopped; it enters the store only once whole and
 * matching its SHA-256.
 */
import { createHash } from 'node:crypto';
import { createReadStream, rmSync, statSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { sql, type Db } from '../db/index.js';
import type { BlobStore } from '../blobs/index.js';
import type { BlobWant, SyncBlobs } from './store.js';
import { SyncProtocolError, SyncRefusedError } from './errors.js';

export class StoreBlobs implements SyncBlobs {
  /** Blobs a session is receiving now, with their expected size: one session per blob. */
  private readonly reserved = new Map<string, number>();

  constructor(
    private readonly deps: {
      db: Db;
      blobs: BlobStore;
      /** Spaces only carried for others, and the bytes the box may still take of them. */
      carry?: { carried(space: string): boolean; roomBytes(): number };
      /** Fetch every pack's blobs, pinned here or not (the hub keeps them for everyone). */
      allBulk?: boolean;
    },
  ) {}

  wanted(spaces: readonly string[], limit: number, skip: ReadonlySet<string>): BlobWant[] {
    if (limit <= 0 || spaces.length === 0) return [];
    // Files people use first, then pinned packs; oldest first within each.
    const rows = sql<[string, string, number, number], { sha256: string; size: number; spaces: string; bulk: number }>(
      this.deps.db,
      `SELECT r.sha256, max(r.size) AS size, json_group_array(r.space) AS spaces, min(r.bulk) AS bulk FROM blob_refs r
       WHERE r.deleted = 0 AND r.sha256 != '' AND r.space IN (SELECT value FROM json_each(?))
         AND r.sha256 NOT IN (SELECT value FROM json_each(?))
         AND (r.bulk = 0 OR ? = 1 OR EXISTS (SELECT 1 FROM bulk_pins p WHERE p.sha256 = r.sha256))
         AND NOT EXISTS (SELECT 1 FROM blobs b WHERE b.sha256 = r.sha256)
       GROUP BY r.sha256 ORDER BY min(r.bulk), min(r.ref_hlc), r.sha256 LIMIT ?`,
    ).all(JSON.stringify(spaces), JSON.stringify([...skip, ...this.reserved.keys()]), this.deps.allBulk ? 1 : 0, limit);
    // A blob only carried for others (no hosted space points at it) must fit the quota.
    const carry = this.deps.carry;
    let room = carry ? carry.roomBytes() : Infinity;
    const fits = rows.filter(({ size, spaces }) => {
      if (!carry || !(JSON.parse(spaces) as string[]).every((s) => carry.carried(s))) return true;
      if (size > room) return false;
      room -= size;
      return true;
    });
    return fits.map(({ sha256, size, bulk }) => {
      this.reserved.set(sha256, size);
      let offset = this.partialSize(sha256);
      if (offset > 0 && offset >= size) {
        // Whole yet never adopted (a cut between the last chunk and the check): start again.
        rmSync(this.partialPath(sha256), { force: true });
        offset = 0;
      }
      return { sha256, size, offset, bulk: bulk === 1 };
    });
  }

  release(sha256s: Iterable<string>): void {
    for (const s of sha256s) this.reserved.delete(s);
  }

  servable(sha256: string, spaces: readonly string[]): { size: number; bulk: boolean } | undefined {
    const row = sql<[string, string], { size: number; bulk: number | null }>(
      this.deps.db,
      `SELECT b.size, (SELECT min(r.bulk) FROM blob_refs r WHERE r.sha256 = b.sha256 AND r.deleted = 0
                       AND r.space IN (SELECT value FROM json_each(?))) AS bulk
       FROM blobs b WHERE b.sha256 = ?`,
    ).get(JSON.stringify(spaces), sha256);
    return row && row.bulk !== null ? { size: row.size, bulk: row.bulk === 1 } : undefined;
  }

  async read(sha256: string, offset: number, length: number): Promise<Uint8Array> {
    const fh = await open(this.deps.blobs.pathOf(sha256), 'r');
    try {
      const buf = Buffer.alloc(length);
      const { bytesRead } = await fh.read(buf, 0, length, offset);
      return buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  }

  async receive(sha256: string, offset: number, bytes: Uint8Array): Promise<'partial' | 'complete'> {
    const size = this.reserved.get(sha256);
    if (size === undefined) throw new SyncRefusedError('unwanted_blob', `blob ${sha256} was not asked for`);
    const path = this.partialPath(sha256);
    const have = this.partialSize(sha256);
    if (offset !== have) throw new SyncProtocolError('out_of_order', `a chunk of ${sha256} starts at ${offset}, ${have} expected`);
    if (offset + bytes.length > size) {
      await rm(path, { force: true });
      throw new SyncRefusedError('blob_too_large', `blob ${sha256} is larger than the ${size} bytes its record says`);
    }
    const fh = await open(path, 'a');
    try {
      await fh.write(bytes);
    } finally {
      await fh.close();
    }
    if (offset + bytes.length < size) return 'partial';
    const actual = await hashOf(path);
    if (actual !== sha256) {
      await rm(path, { force: true });
      throw new SyncRefusedError('blob_corrupt', `blob ${sha256} arrived with other content (SHA-256 ${actual}): discarded`);
    }
    await this.deps.blobs.adopt(path, sha256, size);
    this.reserved.delete(sha256);
    return 'complete';
  }

  /** Missing blobs referenced in `spaces`, and their total size (for status). */
  pending(spaces: readonly string[]): { count: number; bytes: number } {
    const row = sql<[string, number], { count: number; bytes: number | null }>(
      this.deps.db,
      `SELECT count(*) AS count, sum(size) AS bytes FROM (
         SELECT max(r.size) AS size FROM blob_refs r
         WHERE r.deleted = 0 AND r.sha256 != '' AND r.space IN (SELECT value FROM json_each(?))
           AND (r.bulk = 0 OR ? = 1 OR EXISTS (SELECT 1 FROM bulk_pins p WHERE p.sha256 = r.sha256))
           AND NOT EXISTS (SELECT 1 FROM blobs b WHERE b.sha256 = r.sha256)
         GROUP BY r.sha256)`,
    ).get(JSON.stringify(spaces), this.deps.allBulk ? 1 : 0);
    return { count: row?.count ?? 0, bytes: row?.bytes ?? 0 };
  }

  private partialPath(sha256: string): string {
    this.deps.blobs.pathOf(sha256); // refuses anything but a SHA-256 hex digest
    return join(this.deps.blobs.partialDir, sha256);
  }

  private partialSize(sha256: string): number {
    try {
      return statSync(this.partialPath(sha256)).size;
    } catch {
      return 0;
    }
  }
}

async function hashOf(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
