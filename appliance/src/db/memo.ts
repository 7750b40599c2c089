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
 *    PRAGMA data_version; `revalidateMemos(db)`, called at the start of a request (by the
 *    HTTP app at most every 50 ms of its clock, see Cadence), then forgets every memo of
 *    that database.
 *
 * Asking SQLite for data_version begins and ends a read transaction, which under load cost
 * the workspace about a fifth of each cached read (measured: 12k → 17k lists/s without it).
 * So the question is asked only when it may have a new answer: every commit, by any
 * connection, rewrites the WAL-index header at the start of the `-shm` file (its change
 * counter, last frame, checksums: https://www.sqlite.org/walformat.html §2.1), a file every
 * connection maps shared. Reading those 48 bytes is one pread. While they are the bytes
 * seen at the last check, nothing was committed since, by anyone; when they differ (our
 * own commits and checkpoints too), data_version decides. Without a readable `-shm` (not
 * in WAL mode), every call asks data_version.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { Statement } from 'better-sqlite3';
import type { Db } from './index.js';

/** Size of the first copy of the WAL-index header. */
const WAL_INDEX_HEADER = 48;

interface Group {
  readonly version: Statement<[], number>;
  seen: number;
  readonly maps: Set<MemoMap<unknown, unknown>>;
  /** The `-shm` file, and its header as it was when data_version was last read. */
  shm: { fd: number; readonly last: Buffer; readonly now: Buffer } | null;
  /** When a caller with a cadence last checked (its clock). */
  checkedAt?: number;
}

const groups = new WeakMap<Db, Group>();
/** Closes a `-shm` descriptor whose database was dropped without being closed. */
const orphans = new FinalizationRegistry<number>((fd) => closeQuietly(fd));

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already closed.
  }
}

function openShm(db: Db): Group['shm'] {
  if (db.memory || db.name === '' || db.pragma('journal_mode', { simple: true }) !== 'wal') return null;
  try {
    const fd = openSync(`${db.name}-shm`, 'r');
    return { fd, last: Buffer.alloc(WAL_INDEX_HEADER), now: Buffer.alloc(WAL_INDEX_HEADER) };
  } catch {
    return null;
  }
}

/** Read the header into shm.now; false if it could not be read whole. */
function readHeader(shm: NonNullable<Group['shm']>): boolean {
  try {
    return readSync(shm.fd, shm.now, 0, WAL_INDEX_HEADER, 0) === WAL_INDEX_HEADER;
  } catch {
    return false;
  }
}

function groupOf(db: Db): Group {
  let g = groups.get(db);
  if (!g) {
    const version = db.prepare<[], number>('PRAGMA data_version').pluck();
    const shm = openShm(db);
    g = { version, seen: 0, maps: new Set(), shm };
    if (shm) {
      if (readHeader(shm)) shm.now.copy(shm.last);
      orphans.register(db, shm.fd, g);
    }
    // Read after the header: a commit in between is caught by the next check.
    g.seen = version.get()!;
    groups.set(db, g);
  }
  return g;
}

/**
 * When a caller may skip the check: `now` (ms, the caller's clock) within `everyMs` of the
 * last check made with a time. A server under load then reads the header a few times a
 * second rather than on every request (that read is a system call, dear on a virtual
 * machine: a tenth of a cached read's time here), and a commit by another process shows
 * within `everyMs`. Our own writes forget what they touch at once, whatever the cadence.
 */
export interface Cadence {
  readonly now: number;
  readonly everyMs: number;
}

/** Forget every memo of `db` if another connection has committed since the last check. */
export function revalidateMemos(db: Db, cadence?: Cadence): void {
  const g = groups.get(db);
  if (!g) return;
  if (cadence) {
    // A clock set back counts as time gone by.
    if (g.checkedAt !== undefined && cadence.now >= g.checkedAt && cadence.now - g.checkedAt < cadence.everyMs) return;
    g.checkedAt = cadence.now;
  }
  const shm = g.shm;
  if (!db.open) {
    if (shm) {
      closeQuietly(shm.fd);
      orphans.unregister(g);
      g.shm = null;
    }
    return;
  }
  if (shm) {
    if (readHeader(shm)) {
      if (shm.now.equals(shm.last)) return;
      // Remember the header before asking: a commit after this read shows in the next one.
      shm.now.copy(shm.last);
    } else {
      shm.last.fill(0);
    }
  }
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
