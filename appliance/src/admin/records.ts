/**
 * The admin room's records: read from the `records` table the op log materialises, and
 * written only as 'record.put' operations through services.log.commit, so every change
 * merges last-writer-wins per field with other sites' changes.
 */
import type { Db } from '../db/index.js';
import type { Services } from '../http/index.js';
import { DELETED_FIELD, type Actor, type OpLog } from '../ops/index.js';

export const COLLECTIONS = ['members', 'dues', 'ledger', 'events'] as const;
export type Coll = (typeof COLLECTIONS)[number];

/** What a record field may hold (the op payload's JSON values). */
export type Value = string | number | boolean | null;
export type Fields = Record<string, Value>;

export interface Rec {
  readonly id: string;
  /** The winning value of every field, without the room's own "$…" fields. */
  readonly fields: Fields;
  readonly deleted: boolean;
  readonly createdHlc: string;
}

interface Row {
  id: string;
  data: string;
  deleted: number;
  created_hlc: string;
}

function toRec(r: Row): Rec {
  const fields: Fields = {};
  for (const [k, v] of Object.entries(JSON.parse(r.data) as Fields)) if (!k.startsWith('$')) fields[k] = v;
  return { id: r.id, fields, deleted: r.deleted === 1, createdHlc: r.created_hlc };
}

export class RecordStore {
  private readonly listStmt;
  private readonly findStmt;

  constructor(private readonly deps: { db: Db; log: OpLog }) {
    this.listStmt = deps.db.prepare<[string, string], Row>(
      'SELECT id, data, deleted, created_hlc FROM records WHERE space = ? AND coll = ? AND deleted = 0 ORDER BY created_hlc, id',
    );
    this.findStmt = deps.db.prepare<[string, string, string], Row>(
      'SELECT id, data, deleted, created_hlc FROM records WHERE space = ? AND coll = ? AND id = ?',
    );
  }

  /** Live records of a collection, oldest first. */
  list(space: string, coll: Coll): Rec[] {
    return this.listStmt.all(space, coll).map(toRec);
  }

  /** A record, deleted or not; undefined if it never reached this box. */
  find(space: string, coll: Coll, id: string): Rec | undefined {
    const row = this.findStmt.get(space, coll, id);
    return row ? toRec(row) : undefined;
  }

  /** Write these fields (and only these: the others keep their own last writer). */
  put(space: string, coll: Coll, id: string, fields: Fields, by: Actor): void {
    this.deps.log.commit(space, 'record.put', { coll, id, fields, by });
  }

  /** A delete is a tombstone field, merged like any other write. */
  remove(space: string, coll: Coll, id: string, by: Actor): void {
    this.put(space, coll, id, { [DELETED_FIELD]: true }, by);
  }

  transaction<T>(fn: () => T): T {
    return this.deps.db.transaction(fn)();
  }
}

// One store per database, so its statements are prepared once (the services bag is the
// core's; rooms do not add to it).
const byDb = new WeakMap<Db, RecordStore>();

export function storeOf(s: Services): RecordStore {
  let store = byDb.get(s.db);
  if (!store) {
    store = new RecordStore({ db: s.db, log: s.log });
    byDb.set(s.db, store);
  }
  return store;
}
