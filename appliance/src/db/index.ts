/**
 * The appliance's SQLite database: better-sqlite3 (synchronous, one connection per
 * process), WAL, synchronous=FULL so an acknowledged commit survives a power cut,
 * numbered migrations applied in order and recorded in PRAGMA user_version.
 */
import Database from 'better-sqlite3';
import { readdirSync, readFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Db = Database.Database;

export { MemoMap, revalidateMemos, type Cadence } from './memo.js';
export { WriteQueue } from './write-queue.js';

// Same relative place from src/db and from dist/db.
const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

export interface OpenOptions {
  /** Path of the database file, or ':memory:'. */
  readonly path: string;
  /** Folder of numbered migrations (default: the appliance's); the relay has its own. */
  readonly migrations?: string;
  /** SQLite's page cache in KiB (default 2,000: a box's; the relay, a server, takes more). */
  readonly pageCacheKib?: number;
}

export function openDatabase({ path, migrations, pageCacheKib = 2000 }: OpenOptions): Db {
  if (!Number.isInteger(pageCacheKib) || pageCacheKib <= 0) throw new RangeError(`pageCacheKib: a whole number of KiB above 0, not ${pageCacheKib}`);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // FULL: the WAL is fsynced at every commit, so a write we acknowledged is on the disk.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // A box's 2 MB of page cache (SQLite's own default), not better-sqlite3's 16 MB: the
  // kernel keeps the file cached too, and on a small box that memory counts (HTTP bench,
  // after its write load: RSS 118 → 107 MB with 4 MB; 89 → 87 MB with 2 MB, throughput
  // unchanged within the noise).
  db.pragma(`cache_size = -${pageCacheKib}`);
  // Keep the WAL from growing without bound on a box that never idles long.
  db.pragma('wal_autocheckpoint = 1000');
  migrate(db, migrations);
  return db;
}

export function migrate(db: Db, dir = MIGRATIONS_DIR): number {
  const folder = dir.endsWith('/') ? dir : `${dir}/`;
  const files = readdirSync(folder)
    .filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f))
    .sort();
  const current = db.pragma('user_version', { simple: true }) as number;
  for (const file of files) {
    const version = Number(file.slice(0, 3));
    if (version <= current) continue;
    const sql = readFileSync(folder + file, 'utf8');
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${version}`);
    })();
  }
  return db.pragma('user_version', { simple: true }) as number;
}

const statementCache = new WeakMap<Db, Map<string, Database.Statement>>();

/**
 * A prepared statement for this SQL on this database, compiled once and reused: preparing
 * costs more than running a small query, and the hot paths (sessions, access checks) run
 * on every request.
 */
export function sql<P extends unknown[] = unknown[], R = unknown>(db: Db, text: string): Database.Statement<P, R> {
  let cache = statementCache.get(db);
  if (!cache) statementCache.set(db, (cache = new Map()));
  let stmt = cache.get(text);
  if (!stmt) cache.set(text, (stmt = db.prepare(text)));
  return stmt as unknown as Database.Statement<P, R>;
}
