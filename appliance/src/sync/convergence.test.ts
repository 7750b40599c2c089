/**
 * Seeded convergence: five replicas make thousands of random operations of every kind
 * while random pairs sync over in-memory links that are cut at random moments. After
 * the network heals, every replica holds every operation and shows the same state.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../db/index.js';
import { FakeClock } from '../clock/index.js';
import { generateSiteKey } from '../identity/index.js';
import { OpLog, stateDigest } from '../ops/index.js';
import { prng, randomOperation, type Prng } from '../testing/index.js';
import { OpLogSyncStore, SyncSession, memoryLinkPair, SyncError } from './index.js';

const SPACES = ['commons', 'givors-gavinane'];
const dbs: Db[] = [];
afterEach(() => dbs.splice(0).forEach((d) => d.close()));

interface Replica {
  db: Db;
  log: OpLog;
  clock: FakeClock;
  store: OpLogSyncStore;
  committed: number;
}

function replica(i: number): Replica {
  const db = openDatabase({ path: ':memory:' });
  dbs.push(db);
  for (const s of SPACES) db.prepare("INSERT INTO spaces (id, name, kind, quota_bytes, created_at) VALUES (?, ?, 'association', 0, 0)").run(s, s);
  // Clocks deliberately disagree by up to an hour, as boxes without a real-time clock do.
  const clock = new FakeClock(Date.UTC(2026, 10, 1) + i * 600_000);
  const log = new OpLog({ db, key: generateSiteKey(), clock, hosts: (s) => SPACES.includes(s) });
  return { db, log, clock, store: new OpLogSyncStore({ db, log, spaces: () => SPACES }), committed: 0 };
}

function randomOp(r: Replica, rnd: Prng, n: number): void {
  randomOperation(r, rnd, n, SPACES);
  r.committed++;
}

async function session(a: Replica, b: Replica, cutAfterFrames?: number, maxBatchBytes = 2048) {
  const link = memoryLinkPair(cutAfterFrames === undefined ? {} : { cutAfterFrames });
  const sa = new SyncSession({ store: a.store, link: link.a, maxBatchBytes, window: 3 });
  const sb = new SyncSession({ store: b.store, link: link.b, maxBatchBytes, window: 3 });
  const results = await Promise.allSettled([sa.run(), sb.run()]);
  for (const r of results) {
    if (r.status === 'rejected' && !(r.reason instanceof SyncError && cutAfterFrames !== undefined)) throw r.reason;
  }
  return results;
}

describe('convergence', () => {
  it('five replicas with random operations, cuts and partitions end identical', async () => {
    const rnd = prng(20261122);
    const sites = Array.from({ length: 5 }, (_, i) => replica(i));
    let n = 0;
    for (let round = 0; round < 40; round++) {
      for (const s of sites) {
        for (let k = rnd.int(60); k > 0; k--) {
          s.clock.advance(rnd.int(5000));
          randomOp(s, rnd, n++);
        }
      }
      // A random partition: a few pairs can talk this round, some cut mid-session.
      for (let p = rnd.int(4); p > 0; p--) {
        const a = rnd.pick(sites);
        const b = rnd.pick(sites.filter((s) => s !== a));
        const cutAt = rnd.next() < 0.4 ? rnd.int(12) : undefined;
        await session(a, b, cutAt);
      }
    }
    expect(n).toBeGreaterThan(2000);
    // Heal: a ring then a full mesh, until a whole round moves nothing.
    for (let pass = 0; pass < 6; pass++) {
      let moved = 0;
      for (let i = 0; i < sites.length; i++) {
        for (let j = i + 1; j < sites.length; j++) {
          const [ra] = await session(sites[i]!, sites[j]!, undefined, 64 * 1024);
          if (ra.status === 'fulfilled') moved += ra.value.sentOps + ra.value.receivedOps;
        }
      }
      if (moved === 0) break;
    }
    const total = sites.reduce((t, s) => t + s.committed, 0);
    const digests = new Set(sites.map((s) => stateDigest(s.db)));
    for (const s of sites) expect(s.db.prepare('SELECT count(*) AS n FROM ops').get()).toEqual({ n: total });
    expect(digests.size).toBe(1);
  }, 120_000);

  it('a cut session resumes from the last acknowledged batch and sends nothing twice', async () => {
    const rnd = prng(7);
    const [a, b] = [replica(0), replica(1)];
    for (let i = 0; i < 300; i++) randomOp(a, rnd, i);
    const [cut] = await session(a, b, 6, 1024);
    expect(cut.status).toBe('rejected');
    const got = (b.db.prepare('SELECT count(*) AS n FROM ops').get() as { n: number }).n;
    expect(got).toBeGreaterThan(0);
    expect(got).toBeLessThan(300);
    const [rest] = await session(a, b);
    expect(rest.status).toBe('fulfilled');
    if (rest.status === 'fulfilled') expect(rest.value.sentOps).toBe(300 - got);
    expect(stateDigest(a.db)).toBe(stateDigest(b.db));
  });
});
