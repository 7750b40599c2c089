/**
 * Records: last writer wins per field, by (hlc, author). Deletes are the "$deleted" field,
 * so a delete and a concurrent edit resolve like any two writes of one field.
 */
import type { Db } from '../../db/index.js';
import { compareStamp } from '../../clock/index.js';
import { DELETED_FIELD, type Operation, type RecordPut } from '../types.js';

export interface StoredRecord {
  readonly space: string;
  readonly coll: string;
  readonly id: string;
  readonly data: Record<string, unknown>;
  readonly deleted: boolean;
  readonly createdHlc: string;
  readonly updatedHlc: string;
}

/** Told of every record that changed, inside the applying transaction (e.g. search index). */
export type RecordObserver = (record: StoredRecord) => void;

export class RecordMerge {
  private readonly getClock;
  private readonly setClock;
  private readonly getRecord;
  private readonly putRecord;

  constructor(db: Db, private readonly observers: ReadonlyMap<string, RecordObserver[]>) {
    this.getClock = db.prepare<[string, string, string, string], { hlc: string; author: string }>(
      'SELECT hlc, author FROM record_clocks WHERE space = ? AND coll = ? AND id = ? AND field = ?',
    );
    this.setClock = db.prepare(
      'INSERT OR REPLACE INTO record_clocks (space, coll, id, field, hlc, author) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.getRecord = db.prepare<[string, string, string], { data: string; created_hlc: string; updated_hlc: string }>(
      'SELECT data, created_hlc, updated_hlc FROM records WHERE space = ? AND coll = ? AND id = ?',
    );
    this.putRecord = db.prepare(
      `INSERT INTO records (space, coll, id, data, deleted, created_hlc, updated_hlc) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (space, coll, id) DO UPDATE SET data = excluded.data, deleted = excluded.deleted,
         created_hlc = excluded.created_hlc, updated_hlc = excluded.updated_hlc`,
    );
  }

  /**
   * The fields of a local change that differ from the record as it stands: only those are
   * written, so that saving a whole form neither travels nor re-stamps what the user left
   * alone (a field changed meanwhile at another site keeps that site's value).
   */
  changedFields(space: string, p: RecordPut): RecordPut['fields'] {
    const row = this.getRecord.get(space, p.coll, p.id);
    if (!row) return p.fields;
    const data = JSON.parse(row.data) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(p.fields).filter(([field, value]) => !Object.hasOwn(data, field) || data[field] !== value));
  }

  apply(op: Operation, p: RecordPut): void {
    const row = this.getRecord.get(op.space, p.coll, p.id);
    const data: Record<string, unknown> = row ? (JSON.parse(row.data) as Record<string, unknown>) : {};
    let changed = !row;
    for (const [field, value] of Object.entries(p.fields)) {
      const clock = this.getClock.get(op.space, p.coll, p.id, field);
      if (clock && compareStamp(op, clock) <= 0) continue;
      this.setClock.run(op.space, p.coll, p.id, field, op.hlc, op.author);
      data[field] = value;
      changed = true;
    }
    if (!changed) return;
    const createdHlc = row && row.created_hlc < op.hlc ? row.created_hlc : op.hlc;
    const updatedHlc = row && row.updated_hlc > op.hlc ? row.updated_hlc : op.hlc;
    const deleted = data[DELETED_FIELD] === true;
    this.putRecord.run(op.space, p.coll, p.id, JSON.stringify(data), deleted ? 1 : 0, createdHlc, updatedHlc);
    const stored: StoredRecord = { space: op.space, coll: p.coll, id: p.id, data, deleted, createdHlc, updatedHlc };
    for (const observer of this.observers.get(p.coll) ?? []) observer(stored);
  }
}
