// Replicas for the sync bench, built from the appliance's BUILT code (appliance/dist, so
// `npx tsc -b` first; `npm run bench` does it): an op log on SQLite, its sync store, a
// site key and a fake clock, all derived from seeds so that every run signs the same
// operations with the same keys and the same clock stamps.
import { createHash } from 'node:crypto';
import { openDatabase } from '../../appliance/dist/db/index.js';
import { FakeClock } from '../../appliance/dist/clock/index.js';
import { importSiteKey } from '../../appliance/dist/identity/index.js';
import { OpLog } from '../../appliance/dist/ops/index.js';
import { OpLogSyncStore } from '../../appliance/dist/sync/index.js';

// PKCS#8 DER header of an Ed25519 private key, before its 32-byte seed (RFC 8410).
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');

/** The same Ed25519 site key for the same name on every run. */
export function siteKey(name) {
  const seed = createHash('sha256').update(`solidaire-bench-${name}`).digest();
  return importSiteKey(Buffer.concat([PKCS8_ED25519, seed]));
}

/** A replica hosting `spaces`; `path` a database file, or ':memory:'. */
export function replica(i, { path = ':memory:', spaces, key = siteKey(`site-${i}`) }) {
  const db = openDatabase({ path });
  for (const s of spaces) db.prepare("INSERT OR IGNORE INTO spaces (id, name, kind, quota_bytes, created_at) VALUES (?, ?, 'association', 0, 0)").run(s, s);
  // Clocks disagree by minutes, as boxes without a real-time clock do.
  const clock = new FakeClock(Date.UTC(2026, 10, 1) + i * 600_000);
  const log = new OpLog({ db, key, clock, hosts: (s) => spaces.includes(s) });
  const store = new OpLogSyncStore({ db, log, spaces: () => [...spaces] });
  return { i, key, db, clock, log, store, close: () => db.close() };
}

export const BY = { id: 'awa', name: 'Awa Traoré' };

/** Write records as record.put operations, a few seconds apart. */
export function putRecords(r, space, records, rand) {
  for (const { coll, id, fields } of records) {
    r.clock.advance(1_000 + rand.int(30_000));
    r.log.commit(space, 'record.put', { coll, id, fields, by: BY });
  }
}

export function opCount(r) {
  return r.db.prepare('SELECT count(*) AS n FROM ops').get().n;
}
