/**
 * Content packs of the commons: training material, videos, documents that an admin
 * gathers and pins to the sites that should keep them. A pack is a record (coll "packs");
 * its items are files of the commons marked bulk (files room), in the folder
 * "packs/<pack>"; a pin is a record (coll "pack_pins", id "<pack>_<end of the site id>"). Everything
 * replicates like any record; only the bytes are selective: a site fetches the blobs of
 * the packs pinned to it (table bulk_pins, kept by the observer below), in the link
 * budget's bulk class, LAN neighbours first, and serves them with Range like any file.
 * Blobs of packs no longer pinned stay as a cache until evicted, least recently used
 * first, under the box's content quota.
 */
import { sql, type Db } from '../db/index.js';
import { newId, type Random } from '../clock/index.js';
import type { BlobStore } from '../blobs/index.js';
import { DELETED_FIELD, type Actor, type OpLog, type RecordObserver, type StoredRecord } from '../ops/index.js';
import { FILES, type Files } from '../files/index.js';
import { NotFoundError } from '../errors/index.js';

export const PACKS = 'packs';
export const PACK_PINS = 'pack_pins';
export const packFolder = (pack: string) => `packs/${pack}`;
/** A pin's record id: the pack and the end of the site id (record ids are at most 64 characters). */
const pinId = (pack: string, site: string) => `${pack}_${site.slice(-24)}`;

export interface PackItem {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly size: number;
  readonly sha256: string;
  /** Whether its bytes are on this box (it can be opened here). */
  readonly present: boolean;
}

export interface Pack {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly createdByName: string;
  readonly itemCount: number;
  readonly bytes: number;
  readonly presentBytes: number;
  readonly pinnedHere: boolean;
  /** Site ids the pack is pinned to. */
  readonly pinnedTo: string[];
}

export interface PackDetail extends Pack {
  readonly items: PackItem[];
}

interface ItemRow {
  id: string;
  name: string;
  type: string;
  size: number;
  sha256: string;
  present: number;
}

export class ContentPacks {
  constructor(private readonly deps: { db: Db; log: OpLog; files: Files; blobs: BlobStore; random: Random; siteId: string }) {}

  list(space: string): Pack[] {
    const rows = sql<[string], { id: string; data: string }>(
      this.deps.db,
      `SELECT id, data FROM records WHERE space = ? AND coll = '${PACKS}' AND deleted = 0 ORDER BY created_hlc`,
    ).all(space);
    return rows.map((r) => this.summary(space, r.id, JSON.parse(r.data) as Record<string, unknown>));
  }

  get(space: string, pack: string): PackDetail {
    const row = sql<[string, string], { data: string }>(
      this.deps.db,
      `SELECT data FROM records WHERE space = ? AND coll = '${PACKS}' AND id = ? AND deleted = 0`,
    ).get(space, pack);
    if (!row) throw new NotFoundError("Ce paquet de contenu n'existe pas.");
    return { ...this.summary(space, pack, JSON.parse(row.data) as Record<string, unknown>), items: this.items(space, pack) };
  }

  create(space: string, input: { title: string; description: string }, by: Actor): PackDetail {
    const id = newId(this.deps.random);
    this.deps.log.commit(space, 'record.put', {
      coll: PACKS,
      id,
      fields: { title: input.title, description: input.description, createdBy: by.id, createdByName: by.name },
      by,
    });
    return this.get(space, id);
  }

  /** Stream a file into a pack (it counts in the commons' quota like any file). */
  async addItem(space: string, quotaBytes: number, pack: string, meta: { name: string; type: string; by: Actor }, source: AsyncIterable<Uint8Array>): Promise<PackItem> {
    this.get(space, pack);
    const file = await this.deps.files.upload(space, quotaBytes, { ...meta, folder: packFolder(pack), pack }, source);
    return this.items(space, pack).find((i) => i.id === file.id)!;
  }

  pin(space: string, pack: string, site: string, by: Actor): PackDetail {
    this.get(space, pack);
    this.deps.log.commit(space, 'record.put', { coll: PACK_PINS, id: pinId(pack, site), fields: { pack, site, [DELETED_FIELD]: false }, by });
    return this.get(space, pack);
  }

  unpin(space: string, pack: string, site: string, by: Actor): PackDetail {
    this.get(space, pack);
    this.deps.log.commit(space, 'record.put', { coll: PACK_PINS, id: pinId(pack, site), fields: { [DELETED_FIELD]: true }, by });
    return this.get(space, pack);
  }

  private items(space: string, pack: string): PackItem[] {
    return sql<[string, string], ItemRow>(
      this.deps.db,
      `SELECT f.id, json_extract(f.data, '$.name') AS name, json_extract(f.data, '$.type') AS type,
              json_extract(f.data, '$.size') AS size, json_extract(f.data, '$.sha256') AS sha256,
              EXISTS (SELECT 1 FROM blobs b WHERE b.sha256 = json_extract(f.data, '$.sha256')) AS present
       FROM records f WHERE f.space = ? AND f.coll = '${FILES}' AND f.deleted = 0 AND json_extract(f.data, '$.pack') = ?
       ORDER BY name`,
    )
      .all(space, pack)
      .map((r) => ({ id: r.id, name: r.name, type: r.type, size: r.size, sha256: r.sha256, present: r.present === 1 }));
  }

  private summary(space: string, id: string, data: Record<string, unknown>): Pack {
    const items = this.items(space, id);
    const pinnedTo = sql<[string, string], { site: string }>(
      this.deps.db,
      `SELECT json_extract(data, '$.site') AS site FROM records WHERE space = ? AND coll = '${PACK_PINS}' AND deleted = 0
         AND json_extract(data, '$.pack') = ? ORDER BY site`,
    )
      .all(space, id)
      .map((r) => r.site);
    return {
      id,
      title: String(data.title ?? ''),
      description: String(data.description ?? ''),
      createdByName: String(data.createdByName ?? ''),
      itemCount: items.length,
      bytes: items.reduce((n, i) => n + i.size, 0),
      presentBytes: items.reduce((n, i) => n + (i.present ? i.size : 0), 0),
      pinnedHere: pinnedTo.includes(this.deps.siteId),
      pinnedTo,
    };
  }
}

/**
 * Keeps bulk_pins (the blobs this box must fetch and keep) in step with the pins and the
 * packs' files, inside the transaction that applies each change, wherever it came from.
 */
export function packPinObservers(db: Db, siteId: () => string): Array<[string, RecordObserver]> {
  const refresh = (space: string, pack: string) => {
    sql(db, 'DELETE FROM bulk_pins WHERE space = ? AND pack = ?').run(space, pack);
    const pinned = sql<[string, string], { one: number }>(
      db,
      `SELECT 1 AS one FROM records WHERE space = ? AND coll = '${PACK_PINS}' AND id = ? AND deleted = 0`,
    ).get(space, pinId(pack, siteId()));
    if (!pinned) return;
    sql(
      db,
      `INSERT OR IGNORE INTO bulk_pins (space, pack, sha256)
       SELECT space, ?, json_extract(data, '$.sha256') FROM records
       WHERE space = ? AND coll = '${FILES}' AND deleted = 0 AND json_extract(data, '$.pack') = ?`,
    ).run(pack, space, pack);
  };
  const onPin: RecordObserver = (r: StoredRecord) => {
    if (r.data.site === siteId() && typeof r.data.pack === 'string') refresh(r.space, r.data.pack);
  };
  const onFile: RecordObserver = (r: StoredRecord) => {
    if (typeof r.data.pack === 'string') refresh(r.space, r.data.pack);
  };
  return [[PACK_PINS, onPin], [FILES, onFile]];
}

/**
 * Evict cached content: blobs of pack files that are not pinned here and that no other
 * live file points at, least recently used first, until pack content takes at most
 * `quotaBytes`. Pinned packs are never evicted (they may pass the quota: the admin chose
 * them). Returns the evicted blobs.
 */
export function evictContent(db: Db, blobs: BlobStore, quotaBytes: number): string[] {
  const cached = sql<[], { sha256: string; size: number; pinned: number }>(
    db,
    `SELECT b.sha256, b.size, EXISTS (SELECT 1 FROM bulk_pins p WHERE p.sha256 = b.sha256) AS pinned
     FROM blobs b
     WHERE EXISTS (SELECT 1 FROM blob_refs r WHERE r.sha256 = b.sha256 AND r.deleted = 0 AND r.bulk = 1)
       AND NOT EXISTS (SELECT 1 FROM blob_refs r WHERE r.sha256 = b.sha256 AND r.deleted = 0 AND r.bulk = 0)
     ORDER BY b.last_used, b.sha256`,
  ).all();
  let total = cached.reduce((n, b) => n + b.size, 0);
  const evicted: string[] = [];
  for (const b of cached) {
    if (total <= quotaBytes) break;
    if (b.pinned) continue;
    blobs.removeNow(b.sha256);
    total -= b.size;
    evicted.push(b.sha256);
  }
  return evicted;
}
