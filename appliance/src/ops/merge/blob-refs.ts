/**
 * Blob references: a record whose fields "sha256" (64 hex) and "size" (bytes) are set
 * points at a blob. They are indexed for every space the box holds, hosted or only
 * carried, so sync knows which blobs to fetch and which it may hand out without the
 * records of a carried space ever being materialised. The reference (sha256 and size,
 * written together) and the tombstone merge last writer wins, like the record's fields.
 */
import type { Db } from '../../db/index.js';
import { compareStamp } from '../../clock/index.js';
import { DELETED_FIELD, type Operation, type RecordPut } from '../types.js';

const SHA256 = /^[0-9a-f]{64}$/;

interface RefRow {
  ref_hlc: string;
  ref_author: string;
  del_hlc: string;
  del_author: string;
}

export class BlobRefMerge {
  private readonly get;
  private readonly insert;
  private readonly setRef;
  private readonly setDeleted;

  constructor(db: Db) {
    this.get = db.prepare<[string, string, string], RefRow>(
      'SELECT ref_hlc, ref_author, del_hlc, del_author FROM blob_refs WHERE space = ? AND coll = ? AND id = ?',
    );
    this.insert = db.prepare(
      `INSERT INTO blob_refs (space, coll, id, sha256, size, ref_hlc, ref_author, deleted, del_hlc, del_author, bulk)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.setRef = db.prepare('UPDATE blob_refs SET sha256 = ?, size = ?, ref_hlc = ?, ref_author = ?, bulk = ? WHERE space = ? AND coll = ? AND id = ?');
    this.setDeleted = db.prepare('UPDATE blob_refs SET deleted = ?, del_hlc = ?, del_author = ? WHERE space = ? AND coll = ? AND id = ?');
  }

  apply(op: Operation, p: RecordPut): void {
    const { sha256, size } = p.fields;
    const hasRef = typeof sha256 === 'string' && SHA256.test(sha256) && Number.isSafeInteger(size) && (size as number) >= 0;
    const hasDelete = DELETED_FIELD in p.fields;
    if (!hasRef && !hasDelete) return;
    const deleted = p.fields[DELETED_FIELD] === true ? 1 : 0;
    const bulk = p.fields['bulk'] === true ? 1 : 0;
    const row = this.get.get(op.space, p.coll, p.id);
    if (!row) {
      // A tombstone for a record whose reference has not arrived yet is kept, with an
      // empty reference that a later (or earlier-stamped) reference fills in.
      this.insert.run(
        op.space, p.coll, p.id,
        hasRef ? sha256 : '', hasRef ? size : 0, hasRef ? op.hlc : '', hasRef ? op.author : '',
        hasDelete ? deleted : 0, hasDelete ? op.hlc : '', hasDelete ? op.author : '', bulk,
      );
      return;
    }
    if (hasRef && (row.ref_hlc === '' || compareStamp(op, { hlc: row.ref_hlc, author: row.ref_author }) > 0)) {
      this.setRef.run(sha256, size, op.hlc, op.author, bulk, op.space, p.coll, p.id);
    }
    if (hasDelete && (row.del_hlc === '' || compareStamp(op, { hlc: row.del_hlc, author: row.del_author }) > 0)) {
      this.setDeleted.run(deleted, op.hlc, op.author, op.space, p.coll, p.id);
    }
  }
}
