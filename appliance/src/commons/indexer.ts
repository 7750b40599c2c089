/**
 * Keeps `articles_fts` in step with the commons' article records. It is a RecordObserver:
 * the op log calls it inside the transaction that applies an operation, local or received
 * by sync, so the index never disagrees with the records, and a deleted article leaves it.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../db/index.js';
import type { RecordObserver, StoredRecord } from '../ops/index.js';
import { COMMONS } from '../spaces/index.js';

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

// Control characters are removed so that search.ts's snippet markers stay unambiguous.
const clean = (s: string): string => s.normalize('NFC').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, ' ');

/**
 * The FTS row of an article. The `id` column is UNINDEXED, so finding a row by it would
 * scan the table on every write; a rowid derived from the id (53 bits of SHA-256, exact
 * in a JS number) lets a write find its row directly.
 */
export function ftsRowid(id: string): number {
  const h = createHash('sha256').update(id).digest();
  return Number(h.readBigUInt64BE(0) & 0x1f_ffff_ffff_ffffn) || 1;
}

export function articleIndexer(db: Db): RecordObserver {
  const remove = db.prepare('DELETE FROM articles_fts WHERE rowid = ?');
  const insert = db.prepare('INSERT INTO articles_fts (rowid, id, title, body, tags) VALUES (?, ?, ?, ?, ?)');
  return (record: StoredRecord) => {
    if (record.space !== COMMONS) return;
    const rowid = ftsRowid(record.id);
    remove.run(rowid);
    if (record.deleted) return;
    const d = record.data;
    // The summary is searched with the body: the table has one text column (migration 001).
    const text = [str(d.summary), str(d.body)].filter((s) => s !== '').join('\n\n');
    insert.run(rowid, record.id, clean(str(d.title)), clean(text), clean(str(d.tags)));
  };
}
