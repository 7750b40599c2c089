import { afterEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { replicaFactory, type MemoryReplica } from '../testing/index.js';
import { FakeClock, seededRandom } from '../clock/index.js';
import { BlobStore } from '../blobs/index.js';
import { StoreBlobs } from './blob-store.js';
import { SyncSession, memoryLinkPair, SyncRefusedError, type SessionResult } from './index.js';
import type { SessionOptions } from './session.js';

const by = { id: 'u', name: 'Test' };
const replicas = replicaFactory();
const dirs: string[] = [];
afterEach(() => {
  replicas.closeAll();
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});

interface BlobReplica extends MemoryReplica {
  blobStore: BlobStore;
  blobs: StoreBlobs;
}

function boxWithBlobs(clock: FakeClock, spaces: readonly string[], seed: number): BlobReplica {
  const r = replicas.replica(clock, spaces);
  const dir = mkdtempSync(join(tmpdir(), 'solidaire-blobs-'));
  dirs.push(dir);
  const blobStore = new BlobStore({ dir, db: r.db, clock, random: seededRandom(seed) });
  return { ...r, blobStore, blobs: new StoreBlobs({ db: r.db, blobs: blobStore }) };
}

/** Store `content` as a file of `space` on `r`: the blob, then the record pointing at it. */
async function addFile(r: BlobReplica, space: string, id: string, content: Buffer): Promise<string> {
  const { sha256, size } = await r.blobStore.put(Readable.from([content]));
  r.log.commit(space, 'record.put', { coll: 'files', id, fields: { name: `${id}.bin`, sha256, size }, by });
  return sha256;
}

function bytes(n: number, seed: number): Buffer {
  return seededRandom(seed).bytes(n);
}

async function session(a: BlobReplica, b: BlobReplica, extra: { a?: Partial<SessionOptions>; b?: Partial<SessionOptions>; cutAfterFrames?: number } = {}) {
  const link = memoryLinkPair(extra.cutAfterFrames === undefined ? {} : { cutAfterFrames: extra.cutAfterFrames });
  const ra = new SyncSession({ store: a.store, link: link.a, blobs: a.blobs, chunkBytes: 4096, ...extra.a }).run();
  const rb = new SyncSession({ store: b.store, link: link.b, blobs: b.blobs, chunkBytes: 4096, ...extra.b }).run();
  const [x, y] = await Promise.allSettled([ra, rb]);
  return { a: x, b: y, bytes: link.bytes };
}

function ok(r: PromiseSettledResult<SessionResult>): SessionResult {
  if (r.status === 'rejected') throw r.reason;
  return r.value;
}

const content = (r: BlobReplica, sha: string) => readFileSync(r.blobStore.pathOf(sha));

describe('blobs in sync sessions', () => {
  it('fetch the blobs the received records point at, both ways in one session, checked by hash', async () => {
    const clock = new FakeClock();
    const a = boxWithBlobs(clock, ['gg'], 1);
    const b = boxWithBlobs(clock, ['gg'], 2);
    const big = bytes(50_000, 7);
    const shaA = await addFile(a, 'gg', 'f1', big);
    const shaB = await addFile(b, 'gg', 'f2', Buffer.from('compte rendu de la réunion'));
    const empty = await addFile(a, 'gg', 'f3', Buffer.alloc(0));
    expect(b.blobs.pending(['gg'])).toEqual({ count: 0, bytes: 0 });

    const s = await session(a, b);
    expect(ok(s.a)).toMatchObject({ blobsSent: 1, blobsReceived: 1, blobBytesSent: 50_000 });
    expect(ok(s.b)).toMatchObject({ blobsReceived: 2, blobBytesReceived: 50_000 });
    expect(content(b, shaA).equals(big)).toBe(true);
    expect(content(a, shaB).toString()).toBe('compte rendu de la réunion');
    expect(await b.blobStore.has(empty)).toBe(true);
    expect(b.blobs.pending(['gg'])).toEqual({ count: 0, bytes: 0 });

    // Nothing left to move: the next session sends no blob bytes.
    const again = await session(a, b);
    expect(ok(again.a).blobBytesSent + ok(again.b).blobBytesSent).toBe(0);
  });

  it('resume a cut transfer from the bytes already received', async () => {
    const clock = new FakeClock();
    const a = boxWithBlobs(clock, ['gg'], 1);
    const b = boxWithBlobs(clock, ['gg'], 2);
    const big = bytes(100_000, 9);
    const sha = await addFile(a, 'gg', 'video', big);

    // Cut after a few chunks have crossed: the record is acknowledged, the blob partial.
    const cut = await session(a, b, { cutAfterFrames: 14 });
    expect(cut.a.status).toBe('rejected');
    expect(await b.blobStore.has(sha)).toBe(false);
    const partial = readFileSync(join(b.blobStore.partialDir, sha));
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.equals(big.subarray(0, partial.length))).toBe(true);
    expect(b.blobs.pending(['gg'])).toEqual({ count: 1, bytes: 100_000 });

    const resumed = await session(a, b);
    expect(ok(resumed.b).blobBytesReceived).toBe(100_000 - partial.length);
    expect(content(b, sha).equals(big)).toBe(true);
    expect(readdirSync(b.blobStore.partialDir)).toEqual([]);
  });

  it('refuse a blob whose content does not match its hash, keep nothing of it, and say so', async () => {
    const clock = new FakeClock();
    const a = boxWithBlobs(clock, ['gg'], 1);
    const b = boxWithBlobs(clock, ['gg'], 2);
    const sha = await addFile(a, 'gg', 'f', bytes(10_000, 3));
    // The sender's disk went bad: same name, other bytes.
    writeFileSync(a.blobStore.pathOf(sha), bytes(10_000, 4));

    const s = await session(a, b);
    expect(s.b.status).toBe('rejected');
    const err = (s.b as PromiseRejectedResult).reason as SyncRefusedError;
    expect(err).toBeInstanceOf(SyncRefusedError);
    expect(err.code).toBe('blob_corrupt');
    expect(await b.blobStore.has(sha)).toBe(false);
    expect(readdirSync(b.blobStore.partialDir)).toEqual([]);
    // The record itself was acknowledged before the blobs: it stays.
    expect(b.log.versionVector('gg')).toEqual(a.log.versionVector('gg'));
  });

  it('move no blob when the budget closes the blob class, and none of a deleted file', async () => {
    const clock = new FakeClock();
    const a = boxWithBlobs(clock, ['gg'], 1);
    const b = boxWithBlobs(clock, ['gg'], 2);
    const kept = await addFile(a, 'gg', 'kept', bytes(5_000, 5));
    const gone = await addFile(a, 'gg', 'gone', bytes(5_000, 6));
    a.log.commit('gg', 'record.put', { coll: 'files', id: 'gone', fields: { $deleted: true }, by });

    const closed = await session(a, b, { b: { blobsAllowed: () => false } });
    expect(ok(closed.b)).toMatchObject({ receivedOps: 3, blobsReceived: 0 });
    expect(b.blobs.pending(['gg'])).toEqual({ count: 1, bytes: 5_000 });

    const open = await session(a, b);
    expect(ok(open.b).blobsReceived).toBe(1);
    expect(await b.blobStore.has(kept)).toBe(true);
    expect(await b.blobStore.has(gone)).toBe(false);
  });

  it('answer a WANT that arrives while the peer’s operations are still coming in', async () => {
    const clock = new FakeClock();
    const a = boxWithBlobs(clock, ['gg'], 1);
    const b = boxWithBlobs(clock, ['gg'], 2);
    const sha = await addFile(a, 'gg', 'f', bytes(20_000, 8));
    await session(a, b, { b: { blobsAllowed: () => false } });
    // b has much for a, a nothing for b: b asks for the blob before a has taken b's operations.
    for (let i = 0; i < 300; i++) b.log.commit('gg', 'record.put', { coll: 'members', id: `m${i}`, fields: { name: `Membre ${i}`, note: 'x'.repeat(200) }, by });
    const s = await session(a, b, { a: { maxBatchBytes: 2_048 } });
    expect(ok(s.a).receivedOps).toBe(300);
    expect(ok(s.b).blobsReceived).toBe(1);
    expect(await b.blobStore.has(sha)).toBe(true);
  });

  it('hand out a blob only for a space shared in the session', async () => {
    const clock = new FakeClock();
    const a = boxWithBlobs(clock, ['gg', 'secret'], 1);
    const content = bytes(1_000, 8);
    const sha = await addFile(a, 'secret', 'f', content);
    expect(a.blobs.servable(sha, ['secret'])).toEqual({ size: 1_000, bulk: false });
    expect(a.blobs.servable(sha, ['gg'])).toBeUndefined();
    // The same content as a file of a shared space is another matter.
    await addFile(a, 'gg', 'copy', content);
    expect(a.blobs.servable(sha, ['gg'])).toEqual({ size: 1_000, bulk: false });
    expect(createHash('sha256').update(content).digest('hex')).toBe(sha);
  });
});
