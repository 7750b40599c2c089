/** For the op log's tests: replicas on in-memory databases hosting space 's', closed after each test. */
import { afterEach } from 'vitest';
import { openDatabase, type Db } from '../db/index.js';
import { FakeClock } from '../clock/index.js';
import { generateSiteKey } from '../identity/index.js';
import { OpLog } from './log.js';

export const by = { id: 'u1', name: 'Awa' };

export interface TestReplica {
  readonly db: Db;
  readonly clock: FakeClock;
  readonly log: OpLog;
}

export function replicas(): { dbs: Db[]; replica(clock?: FakeClock): TestReplica } {
  const dbs: Db[] = [];
  afterEach(() => dbs.splice(0).forEach((d) => d.close()));
  return {
    dbs,
    replica(clock = new FakeClock()) {
      const db = openDatabase({ path: ':memory:' });
      dbs.push(db);
      db.prepare("INSERT INTO spaces (id, name, kind, quota_bytes, created_at) VALUES ('s', 'S', 'association', 1000, 0)").run();
      return { db, clock, log: new OpLog({ db, key: generateSiteKey(), clock, hosts: (s) => s === 's' }) };
    },
  };
}
