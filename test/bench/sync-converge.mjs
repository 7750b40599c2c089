// Five sites heal: each made 2,000 operations of every kind (records, messages, document
// edits, as in appliance/src/sync/convergence.test.ts) while cut off from the others;
// then the links come back and we time from that moment until all five show identical
// state (stateDigest equal everywhere, the digests' own time included).
//
// Transport: in-memory links (appliance/src/sync/memory-link.ts), so what is timed is the
// sync engine and the stores, not TCP, Noise or Yamux. Storage: database FILES with the
// appliance's pragmas (synchronous=FULL), copied for each run from one seeded set.
// Heal schedule: every pair once, one session at a time, in a fixed order (0-1, 0-2, …,
// 3-4): after it every site has met, directly or through others, every operation;
// if the digests still differed, another round would run (and be counted).
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stateDigest } from '../../appliance/dist/ops/index.js';
import { randomOperation } from '../../appliance/dist/testing/index.js';
import { memoryLinkPair, SyncSession } from '../../appliance/dist/sync/index.js';
import { median } from './lib.js';
import { seeded } from './sync-data.mjs';
import { opCount, replica } from './sync-replica.mjs';

const SITES = 5;
const OPS_PER_SITE = 2000;
const SPACES = ['commons', 'givors-gavinane'];

/** One random operation, as the convergence test makes them. */
function randomOp(r, rnd, n) {
  randomOperation(r, rnd, n, SPACES);
}

/** The five partitioned sites, once, as database files to copy for each run. */
function seedSites(dir) {
  const rnd = seeded(20261122);
  let n = 0;
  for (let i = 0; i < SITES; i++) {
    const r = replica(i, { path: join(dir, `seed-${i}.db`), spaces: SPACES });
    // One transaction per site: only the making is sped up, not what is timed.
    r.db.transaction(() => {
      for (let k = 0; k < OPS_PER_SITE; k++) {
        r.clock.advance(rnd.int(5000));
        randomOp(r, rnd, n++);
      }
    })();
    r.close(); // checkpoints the WAL into the file
  }
}

async function session(a, b) {
  const link = memoryLinkPair();
  const [ra] = await Promise.all([
    new SyncSession({ store: a.store, link: link.a }).run(),
    new SyncSession({ store: b.store, link: link.b }).run(),
  ]);
  return ra.sentOps + ra.receivedOps;
}

async function heal(dir, run) {
  const sites = [];
  for (let i = 0; i < SITES; i++) {
    const path = join(dir, `run${run}-${i}.db`);
    copyFileSync(join(dir, `seed-${i}.db`), path);
    sites.push(replica(i, { path, spaces: SPACES }));
  }
  try {
    const t0 = performance.now();
    let rounds = 0;
    let sessions = 0;
    let moved = 0;
    for (;;) {
      rounds++;
      for (let i = 0; i < SITES; i++) {
        for (let j = i + 1; j < SITES; j++) {
          moved += await session(sites[i], sites[j]);
          sessions++;
        }
      }
      if (new Set(sites.map((s) => stateDigest(s.db))).size === 1) break;
      if (rounds === 3) throw new Error('five sites still differ after three rounds of sessions');
    }
    const ms = performance.now() - t0;
    for (const s of sites) if (opCount(s) !== SITES * OPS_PER_SITE) throw new Error(`a site holds ${opCount(s)} operations, ${SITES * OPS_PER_SITE} expected`);
    return { ms, rounds, sessions, moved };
  } finally {
    sites.forEach((s) => s.close());
  }
}

/** A warm-up heal, then the median of `runs`. */
export async function convergeBench(runs = 3) {
  const dir = mkdtempSync(join(tmpdir(), 'solidaire-bench-converge-'));
  try {
    seedSites(dir);
    await heal(dir, 0);
    const results = [];
    for (let r = 1; r <= runs; r++) results.push(await heal(dir, r));
    return { sites: SITES, opsPerSite: OPS_PER_SITE, runs, median: median(results.map((x) => x.ms)), results };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
