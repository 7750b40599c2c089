/**
 * Sync under faults (issue 3, Proof): three appliances, each its own `solidaire appliance`
 * process, each dialling the two others over real libp2p on loopback through a
 * fault-injecting TCP proxy of its own (six in all): slow links that cut, stall and
 * truncate connections on a seeded schedule, while people write on every box: threads
 * and replies, documents and edits of the same documents, members added, changed and
 * removed, dues, ledger entries, events, files. In the middle, box 2 is brought a burst
 * of large documents over slower links and killed with SIGKILL while that session is
 * under way (it holds some of the burst, not all; its database as the kill left it is
 * sound), then started again on its data.
 *
 * When the proxies heal: every write a box acknowledged is on every box (every message,
 * every line of every document, every record present or deleted as it was left, every
 * file's bytes), every box finishes a session with each of its peers (none is stuck in
 * one), the three op logs are the same, the three states have the same digest, each box
 * stops promptly on SIGTERM, and each database is sound and replays its op log to exactly
 * its tables.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { prng, scratch as scratchpad } from '../../appliance/src/testing/index.js';
import { stateDigest } from '../../appliance/src/ops/index.js';
import type { PeerStatus } from '../../appliance/src/sync/index.js';
import { checkDatabase, copyAsLeft, DB_FILE, download, request } from '../support/index.js';
import { isRunning, prepareBoxes, startBox, stopBox, type Box } from './boxes.js';
import { FaultProxy } from './proxy.js';
import { Workload } from './workload.js';

const FED = { space: 'givors-gavinane', password: 'pannes-en-serie' };
const ROUNDS = 30;
const WRITES_PER_ROUND = 2;
const KILL_AFTER_ROUND = 12;
const VICTIM = 1;
const BURST = { count: 8, bytes: 48_000, bytesPerS: 96_000 };
const LINK_BYTES_PER_S = 200_000;
/** Boxes sync every second (default: a minute), so that many sessions meet the faults. */
const SYNC_EVERY_S = 1;

const scratch = scratchpad();
afterAll(() => scratch.clean());

/** Poll `probe` until it returns something, or fail after `ms` with what `explain` says. */
async function until<T>(probe: () => Promise<T | undefined> | T | undefined, ms: number, explain: () => Promise<string> | string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const got = await probe();
    if (got !== undefined) return got;
    if (Date.now() > deadline) throw new Error(`not within ${ms / 1000} s: ${await explain()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Read a box's database (its process may be running: WAL lets us read beside it). */
function withDb<T>(path: string, use: (db: Database.Database) => T): T {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return use(db);
  } finally {
    db.close();
  }
}

/**
 * A digest of the op log: which operations it holds, whatever their arrival order (each
 * by its own digest, which covers its content and its place in its stream; signatures
 * are not compared: a box keeps only those it received, one per run).
 */
function opLogDigest(db: Database.Database): string {
  const h = createHash('sha256');
  for (const op of db.prepare<[], { space: string; author: string; kind: string; seq: number; digest: Buffer }>(
    'SELECT space, author, kind, seq, digest FROM ops ORDER BY space, author, kind, seq',
  ).iterate()) {
    h.update(`${op.space}\0${op.author}\0${op.kind}\0${op.seq}\0`).update(op.digest);
  }
  return h.digest('hex');
}

describe('sync under faults, separate processes', () => {
  it('cuts, stalls, truncations and a SIGKILL mid-session lose no acknowledged write and end identical', { timeout: 240_000 }, async () => {
    const started = Date.now();
    const boxes = await prepareBoxes(3, FED, scratch);
    // Every box dials each other one through a proxy of its own.
    const proxies: Array<{ from: number; to: number; proxy: FaultProxy }> = [];
    for (const [i, b] of boxes.entries()) {
      for (const [j, peer] of boxes.entries()) {
        if (i === j) continue;
        const proxy = new FaultProxy(peer.p2p);
        const port = await proxy.start();
        scratch.defer(() => proxy.stop());
        proxies.push({ from: i, to: j, proxy });
        b.peers.push(`/ip4/127.0.0.1/tcp/${port}/p2p/${peer.siteId}`);
      }
    }
    for (const b of boxes) scratch.defer(() => stopBox(b, 'SIGKILL'));
    await Promise.all(boxes.map((b) => startBox(b, FED, SYNC_EVERY_S)));

    const schedules = proxies.map((_, k) => prng(2026 + k).next);
    // Links as slow as a good 3G key, so that transfers last long enough for faults to land in them.
    const chaos = (p: FaultProxy) => {
      p.throttle(LINK_BYTES_PER_S);
      p.chaos(schedules[proxies.findIndex((q) => q.proxy === p)]!, 250);
    };
    proxies.forEach(({ proxy }) => chaos(proxy));
    const work = new Workload(FED.space, 3000);
    let n = 0;
    const round = async () => {
      const paced = new Promise((r) => setTimeout(r, 300));
      await Promise.all(
        boxes.map(async (b, i) => {
          for (let k = 0; k < WRITES_PER_ROUND && isRunning(b); k++) await work.step(b.api!, i, n++);
        }),
      );
      // Pacing only, so that writes and sessions interleave: nothing is proven by waiting.
      await paced;
    };
    for (let r = 0; r <= KILL_AFTER_ROUND; r++) await round();

    // Box 2 is brought a burst of large documents over slow but steady links (the others
    // keep their faults), and killed while the session is under way: once it shows some
    // of the burst, not all of it.
    const victim = boxes[VICTIM]!;
    const slow = proxies.filter((p) => p.from === VICTIM || p.to === VICTIM).map((p) => p.proxy);
    slow.forEach((p) => {
      p.heal();
      p.throttle(BURST.bytesPerS);
    });
    const burst = await work.burst(boxes[0]!.api!, 0, BURST.count, BURST.bytes);
    const arrived = async () => {
      const docs = (await request(victim.api!, 'GET', `/spaces/${FED.space}/documents`)).json.documents as Array<{ id: string; length: number }>;
      return docs.filter((d) => burst.includes(d.id) && d.length > 0).length;
    };
    await until(
      async () => ((m) => (m > 0 && m < burst.length ? m : undefined))(await arrived()),
      60_000,
      async () => `box 2 shows ${await arrived()} of the burst; its sync: ${JSON.stringify((await request(victim.api!, 'GET', '/sync/status')).json)}`,
    );
    await stopBox(victim, 'SIGKILL');
    const killedAt = Date.now();
    // As the kill left it: sound, with every write it acknowledged, part of the burst.
    const left = copyAsLeft(victim.dir, scratch.dir());
    const own = [...work.messages].filter(([, box]) => box === VICTIM).map(([k]) => k);
    expect(checkDatabase(left, { messages: own }).problems).toEqual([]);
    const partial = withDb(left, (db) =>
      db
        .prepare<[string, string], { n: number }>('SELECT count(*) AS n FROM doc_states WHERE space = ? AND text_length > 0 AND doc IN (SELECT value FROM json_each(?))')
        .get(FED.space, JSON.stringify(burst))!.n,
    );
    expect(partial, 'box 2 was killed in the middle of the burst').toBeGreaterThan(0);
    expect(partial).toBeLessThan(burst.length);
    await startBox(victim, FED, SYNC_EVERY_S);
    slow.forEach(chaos);
    for (let r = KILL_AFTER_ROUND + 1; r < ROUNDS; r++) await round();

    // Heal, and wait until every box shows every acknowledged write, the op logs agree, and
    // every box finished a session with each of its peers since (none is stuck in one).
    proxies.forEach(({ proxy }) => proxy.heal());
    const healedAt = Date.now();
    const dbOf = (b: Box) => join(b.dir, DB_FILE);
    const lacking = () => boxes.map((b) => withDb(dbOf(b), (db) => work.lacking(db)));
    const status = (b: Box) => request(b.api!, 'GET', '/sync/status').then((r) => r.json as { peers: PeerStatus[] });
    const syncedSinceHeal = async (b: Box) => {
      const peers = (await status(b)).peers;
      return boxes.every((o) => o === b || (peers.find((p) => p.peer === o.siteId)?.lastSyncAt ?? 0) >= healedAt);
    };
    await until(
      async () => {
        const logs = new Set(boxes.map((b) => withDb(dbOf(b), opLogDigest)));
        if (!lacking().every((l) => l.length === 0) || logs.size !== 1) return undefined;
        return (await Promise.all(boxes.map(syncedSinceHeal))).every(Boolean) ? true : undefined;
      },
      90_000,
      async () => {
        const lack = lacking().map((l, i) => `box ${i + 1} lacks ${l.length}: ${l.slice(0, 3).join(', ')}`);
        return `${lack.join('; ')}\nsync status: ${JSON.stringify(await Promise.all(boxes.map(status)))}`;
      },
    );
    const convergedAt = Date.now();
    // Every file's bytes are served by every box.
    for (const b of boxes) {
      for (const [id, sha] of work.files) {
        const got = await download(b.api!, `/spaces/${FED.space}/files/${id}/content`);
        expect(got.status).toBe(200);
        expect(createHash('sha256').update(got.bytes).digest('hex')).toBe(sha);
      }
    }

    // Stopped cleanly (and promptly: no session hangs), each database is sound, holds every
    // acknowledged message in table and op log, and replays to its tables; all three agree.
    for (const b of boxes) {
      const stopped = stopBox(b, 'SIGTERM').then(() => true);
      expect(await Promise.race([stopped, new Promise((r) => setTimeout(() => r(false), 20_000))]), `${b.name} stops on SIGTERM`).toBe(true);
      expect(b.run!.child.exitCode).toBe(0);
    }
    for (const b of boxes) expect(checkDatabase(dbOf(b), { messages: work.messages.keys() }).problems).toEqual([]);
    expect(lacking()).toEqual([[], [], []]);
    expect(new Set(boxes.map((b) => withDb(dbOf(b), (db) => stateDigest(db, [FED.space])))).size).toBe(1);
    expect(new Set(boxes.map((b) => withDb(dbOf(b), opLogDigest))).size).toBe(1);

    // The faults did hit live connections, every kind of write was acknowledged.
    const hits = { cut: 0, stall: 0, truncate: 0 };
    for (const { proxy } of proxies) for (const f of ['cut', 'stall', 'truncate'] as const) hits[f] += proxy.hits[f];
    expect(hits.cut).toBeGreaterThanOrEqual(5);
    expect(hits.stall).toBeGreaterThanOrEqual(5);
    expect(hits.truncate).toBeGreaterThanOrEqual(5);
    // Each pair of boxes talked through its proxies (one connection a pair, whoever dialled).
    for (const { from, to, proxy } of proxies) {
      if (from < to) expect(proxy.bytes + proxies.find((p) => p.from === to && p.to === from)!.proxy.bytes).toBeGreaterThan(0);
    }
    for (const [kind, count] of Object.entries(work.count)) expect(count, `acknowledged ${kind}`).toBeGreaterThan(0);
    // A box may refuse a change to a member another box removed meanwhile; never with a server error.
    expect(work.refused.filter((r) => / 5\d\d$/.test(r))).toEqual([]);
    const bytes = proxies.reduce((sum, p) => sum + p.proxy.bytes, 0);
    const connections = proxies.reduce((sum, p) => sum + p.proxy.connections, 0);
    const s = (t: number) => ((t - started) / 1000).toFixed(1);
    console.log(
      `sync under faults: ${work.acknowledged} acknowledged writes ${JSON.stringify(work.count)}, ${work.refused.length} refused ${JSON.stringify(work.refused)}, ` +
        `faults hit ${JSON.stringify(hits)}, ${connections} connections, ${(bytes / 1024).toFixed(0)} KiB through the proxies, ` +
        `box 2 killed holding ${partial}/${burst.length} of the burst ${s(killedAt)} s in, healed at ${s(healedAt)} s, ` +
        `converged ${((convergedAt - healedAt) / 1000).toFixed(1)} s later, ${s(Date.now())} s in all`,
    );
  });
});
