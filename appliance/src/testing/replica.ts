/** A bare replica for sync tests: an in-memory database hosting the given spaces, an op log, a sync store. */
import { openDatabase, type Db } from '../db/index.js';
import type { FakeClock } from '../clock/index.js';
import { generateSiteKey } from '../identity/index.js';
import { OpLog, type Operation } from '../ops/index.js';
import { OpLogSyncStore } from '../sync/index.js';

export interface MemoryReplica {
  readonly db: Db;
  readonly log: OpLog;
  readonly store: OpLogSyncStore;
}

/** Close every replica made through `track` after each test: `afterEach(() => closeAll())`. */
export function replicaFactory() {
  const made: Db[] = [];
  return {
    replica(clock: FakeClock, spaces: readonly string[], mayWrite?: (op: Operation) => boolean): MemoryReplica {
      const db = openDatabase({ path: ':memory:' });
      made.push(db);
      const insert = db.prepare("INSERT INTO spaces (id, name, kind, quota_bytes, created_at) VALUES (?, ?, 'association', 0, 0)");
      for (const s of spaces) insert.run(s, s);
      const log = new OpLog({ db, key: generateSiteKey(), clock, hosts: (s) => spaces.includes(s) });
      const store = new OpLogSyncStore({ db, log, spaces: () => [...spaces], ...(mayWrite ? { mayWrite } : {}) });
      return { db, log, store };
    },
    closeAll(): void {
      made.splice(0).forEach((d) => d.close());
    },
  };
}
