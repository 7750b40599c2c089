/**
 * Values read from the database and held in memory, for what every request asks
 * (the site's name, a space, a member's roles) and that changes rarely.
 *
 * Three rules keep a memo from answering with something the database does not hold:
 *  - the owner forgets the entries a write of its own touches, in the same method as the
 *    write (before it, so a rollback only costs a reload);
 *  - an entry is filled only from committed state: inside a transaction (which could still
 *    roll back) the value is read from the database and not kept;
 *  - a commit by another connection (a second process on the same file, such as
 *    `solidaire setup` while the box runs, or a test's second handle) changes SQLite's
 *    PRAGMA data_version; `revalidateMemos(db)`, called once at the start of every request,
 *    then forgets every memo of that database.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from './index.js';

interface Group {
  readonly version: Statement<[], number>;
  seen: number;
  readonly maps: Set<MemoMap<unknown, unknown>>;
}

const groups = new WeakMap<Db, Group>();

function groupOf(db: Db): Group {
  let g = groups.get(db);
  if (!g) {
    const version = db.prepare<[], number>('PRAGMA data_version').pluck();
    groups.set(db, (g = { version, seen: version.get()!, maps: new Set() }));
  }
  return g;
}

/** Forget every memo of `db` if another connection has committed since the last call. */
export function revalidateMemos(db: Db): void {
  const g = groups.get(db);
  if (!g) return;
  const now = g.version.get()!;
  if (now === g.seen) return;
  g.seen = now;
  for (const m of g.maps) m.clear();
}

export class MemoMap<K, V> {
  private readonly entries = new Map<K, V>();

  /** @param max bound on the entries held; past it, the oldest filled is dropped. */
  constructor(
    private readonly db: Db,
    private readonly max = 10_000,
  ) {
    groupOf(db).maps.add(this as MemoMap<unknown, unknown>);
  }

  /** The value for `key`: from memory, or from `load` (kept only outside a transaction). */
  get(key: K, load: (key: K) => V): V {
    if (this.db.inTransaction) return load(key);
    if (this.entries.has(key)) return this.entries.get(key)!;
    const value = load(key);
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, value);
    return value;
  }

  forget(key: K): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
