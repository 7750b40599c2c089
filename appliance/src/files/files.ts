/**
 * Files of a space: records in coll "files" (name, folder, sha256, size, type, createdBy)
 * pointing at content-addressed blobs. Every change is a record.put through the op log;
 * the bytes go to the box-wide blob store, once per content.
 *
 * A blob is removed from disk when no live file record on this box points at it any
 * more. That check and the removal are synchronous, and they wait while any upload is
 * in flight: an upload learns its hash only at its end, and might be about to point a
 * new record at the very blob being collected.
 */
import type { Readable } from 'node:stream';
import type { Db } from '../db/index.js';
import type { OpLog, Actor } from '../ops/index.js';
import { DELETED_FIELD } from '../ops/index.js';
import { BlobTooLargeError, SHA256_RE, type BlobStore } from '../blobs/index.js';
import { newId, parseHlc, type Random } from '../clock/index.js';
import { BadRequestError, NotFoundError, QuotaExceededError } from '../errors/index.js';
import { isValidFileName, isValidFolder, mediaTypeOf } from './names.js';

export const FILES = 'files';

export interface StoredFile {
  readonly id: string;
  readonly name: string;
  readonly folder: string;
  readonly sha256: string;
  readonly size: number;
  readonly type: string;
  readonly createdBy: string;
  readonly createdByName: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface FilesDeps {
  readonly db: Db;
  readonly log: OpLog;
  readonly blobs: BlobStore;
  readonly random: Random;
}

interface Row {
  id: string;
  data: string;
  created_hlc: string;
  updated_hlc: string;
}

export class Files {
  private readonly liveRows;
  private readonly oneRow;
  private readonly usedStmt;
  private readonly refStmt;
  private uploading = 0;
  private readonly toCollect = new Set<string>();

  constructor(private readonly deps: FilesDeps) {
    const { db } = deps;
    this.liveRows = db.prepare<[string], Row>("SELECT id, data, created_hlc, updated_hlc FROM records WHERE space = ? AND coll = 'files' AND deleted = 0");
    this.oneRow = db.prepare<[string, string], Row>("SELECT id, data, created_hlc, updated_hlc FROM records WHERE space = ? AND coll = 'files' AND id = ? AND deleted = 0");
    this.usedStmt = db.prepare<[string], { used: number }>(
      "SELECT coalesce(sum(json_extract(data, '$.size')), 0) AS used FROM records WHERE space = ? AND coll = 'files' AND deleted = 0",
    );
    this.refStmt = db.prepare<[string], { one: number }>(
      "SELECT 1 AS one FROM records WHERE coll = 'files' AND deleted = 0 AND json_extract(data, '$.sha256') = ? LIMIT 1",
    );
  }

  /** Live files of a space, by folder then name (French collation). */
  list(space: string): StoredFile[] {
    const out: StoredFile[] = [];
    for (const row of this.liveRows.iterate(space)) {
      const f = toFile(row);
      if (f) out.push(f);
    }
    return out.sort((a, b) => compareFr(a.folder, b.folder) || compareFr(a.name, b.name) || (a.id < b.id ? -1 : 1));
  }

  get(space: string, id: string): StoredFile {
    const row = this.oneRow.get(space, id);
    const f = row && toFile(row);
    if (!f) throw new NotFoundError('Ce fichier est introuvable.');
    return f;
  }

  /** Bytes counted against the space's quota: the sizes of its live files. */
  usedBytes(space: string): number {
    return this.usedStmt.get(space)!.used;
  }

  /**
   * Stream `source` into the blob store and record it as a file of `space`. Refuses with
   * QuotaExceededError, leaving neither blob nor record, past `quotaBytes`.
   */
  async upload(
    space: string,
    quotaBytes: number,
    meta: { name: string; folder: string; type: string; by: Actor; pack?: string },
    source: Readable | AsyncIterable<Uint8Array>,
  ): Promise<StoredFile> {
    this.uploading++;
    let orphan: string | undefined;
    try {
      const room = Math.max(0, quotaBytes - this.usedBytes(space));
      let put;
      try {
        put = await this.deps.blobs.put(source, room);
      } catch (e) {
        throw uploadError(e, quotaBytes);
      }
      // A blob this upload created is its alone until the record is committed.
      if (put.created) orphan = put.sha256;
      const id = newId(this.deps.random);
      const { sha256, size } = put;
      this.deps.db.transaction(() => {
        // Checked again: other uploads to this space may have landed meanwhile.
        if (this.usedBytes(space) + size > quotaBytes) throw quotaError(quotaBytes);
        this.deps.log.commit(space, 'record.put', {
          coll: FILES,
          id,
          fields: {
            name: meta.name, folder: meta.folder, sha256, size, type: meta.type, createdBy: meta.by.id, createdByName: meta.by.name,
            // A content pack's file: its bytes go only to the sites the pack is pinned to.
            ...(meta.pack !== undefined ? { pack: meta.pack, bulk: true } : {}),
          },
          by: meta.by,
        });
      })();
      orphan = undefined;
      return this.get(space, id);
    } finally {
      this.uploading--;
      if (orphan) this.toCollect.add(orphan);
      this.collect();
    }
  }

  /** Rename and/or move a file. */
  update(space: string, id: string, change: { name?: string; folder?: string }, by: Actor): StoredFile {
    const fields: Record<string, string> = {};
    if (change.name !== undefined) fields['name'] = change.name;
    if (change.folder !== undefined) fields['folder'] = change.folder;
    this.deps.db.transaction(() => {
      this.get(space, id);
      if (Object.keys(fields).length > 0) this.deps.log.commit(space, 'record.put', { coll: FILES, id, fields, by });
    })();
    return this.get(space, id);
  }

  /** Tombstone a file; its blob goes when nothing else on this box points at it. */
  remove(space: string, id: string, by: Actor): void {
    const sha256 = this.deps.db.transaction(() => {
      const f = this.get(space, id);
      this.deps.log.commit(space, 'record.put', { coll: FILES, id, fields: { [DELETED_FIELD]: true }, by });
      return f.sha256;
    })();
    this.toCollect.add(sha256);
    this.collect();
  }

  /** Remove the candidate blobs no live record points at; synchronous, see the header. */
  private collect(): void {
    if (this.uploading > 0) return;
    for (const sha256 of this.toCollect) {
      this.toCollect.delete(sha256);
      if (!this.refStmt.get(sha256)) this.deps.blobs.removeNow(sha256);
    }
  }
}

export function quotaError(quotaBytes: number): QuotaExceededError {
  return new QuotaExceededError(`Ce fichier ne tient pas dans l'espace : le quota de ${formatBytes(quotaBytes)} serait dépassé. Supprimez des fichiers ou demandez plus de place à l'administrateur.`);
}

/** What a failed blob write means to the person uploading. */
function uploadError(e: unknown, quotaBytes: number): unknown {
  if (e instanceof BlobTooLargeError) return quotaError(quotaBytes);
  const code = (e as { code?: string }).code;
  if (code === 'ENOSPC') return new QuotaExceededError("Le disque de la boîte est plein : le fichier n'a pas été enregistré.");
  if (code === 'ECONNRESET' || code === 'ABORT_ERR' || (e as Error).name === 'AbortError' || (e as Error).message === 'aborted') {
    return new BadRequestError("L'envoi du fichier a été interrompu : recommencez.", 'upload_interrupted');
  }
  return e;
}

/** A record as stored (perhaps made on another box): checked, or ignored if malformed. */
function toFile(row: Row): StoredFile | undefined {
  const d = JSON.parse(row.data) as Record<string, unknown>;
  const { name, folder, sha256, size, type } = d;
  if (!isValidFileName(name) || !isValidFolder(folder)) return undefined;
  if (typeof sha256 !== 'string' || !SHA256_RE.test(sha256)) return undefined;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) return undefined;
  return {
    id: row.id,
    name,
    folder,
    sha256,
    size,
    type: mediaTypeOf(typeof type === 'string' ? type : undefined),
    createdBy: typeof d['createdBy'] === 'string' ? d['createdBy'] : '',
    createdByName: typeof d['createdByName'] === 'string' ? d['createdByName'] : '',
    createdAt: new Date(parseHlc(row.created_hlc).wall).toISOString(),
    updatedAt: new Date(parseHlc(row.updated_hlc).wall).toISOString(),
  };
}

// Made on first use: ICU's collation data costs memory a box that never lists files need not pay.
let collator: Intl.Collator | undefined;
const compareFr = (a: string, b: string): number => (collator ??= new Intl.Collator('fr', { sensitivity: 'base', numeric: true })).compare(a, b);

export function formatBytes(n: number): string {
  const units = ['octets', 'Ko', 'Mo', 'Go', 'To'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toLocaleString('fr-FR', { maximumFractionDigits: 1 })} ${units[i]}`;
}
