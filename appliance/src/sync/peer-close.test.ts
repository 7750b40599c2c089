/**
 * A link that ends cleanly in the middle of a session (a TCP connection closed with a FIN
 * by a box that died or a middlebox that gave up) fails the session at once: whatever it
 * waits for will not come. Found by the fault test (test/faults): a session waiting for
 * the END that answers its WANT never finished, and as one session per peer runs at a
 * time, that box never synced with that peer again until it restarted.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { replicaFactory, type MemoryReplica } from '../testing/index.js';
import { FakeClock, seededRandom } from '../clock/index.js';
import { BlobStore } from '../blobs/index.js';
import { StoreBlobs } from './blob-store.js';
import { FrameQueue, type FrameLink } from './link.js';
import { decodeFrame, FrameType, SyncLinkError, SyncSession } from './index.js';

const replicas = replicaFactory();
const dirs: string[] = [];
afterEach(() => {
  replicas.closeAll();
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});

function boxWithBlobs(clock: FakeClock, seed: number): MemoryReplica & { blobStore: BlobStore; blobs: StoreBlobs } {
  const r = replicas.replica(clock, ['gg']);
  const dir = mkdtempSync(join(tmpdir(), 'solidaire-peer-close-'));
  dirs.push(dir);
  const blobStore = new BlobStore({ dir, db: r.db, clock, random: seededRandom(seed) });
  return { ...r, blobStore, blobs: new StoreBlobs({ db: r.db, blobs: blobStore }) };
}

/**
 * A link between a and b whose a-side sees its inbox end cleanly (no error) right after a
 * sends the first frame of type `after`; b sees the link cut.
 */
function closingLink(after: (typeof FrameType)[keyof typeof FrameType]): { a: FrameLink; b: FrameLink } {
  const toA = new FrameQueue();
  const toB = new FrameQueue();
  let closed = false;
  const end = (inbox: FrameQueue, outbox: FrameQueue, watch: boolean): FrameLink => ({
    async send(frame) {
      if (closed) throw new SyncLinkError();
      await Promise.resolve();
      outbox.push(new Uint8Array(frame));
      if (watch && decodeFrame(frame).type === after) {
        closed = true;
        toA.end();
        toB.fail(new SyncLinkError());
      }
    },
    frames: () => inbox,
    async close() {
      outbox.end();
    },
    abort() {
      closed = true;
      toA.fail(new SyncLinkError());
      toB.fail(new SyncLinkError());
    },
  });
  return { a: end(toA, toB, true), b: end(toB, toA, false) };
}

describe('a link that ends cleanly mid-session', () => {
  it('fails a session waiting for the answer to its WANT, instead of waiting forever', { timeout: 5_000 }, async () => {
    const clock = new FakeClock();
    const a = boxWithBlobs(clock, 1);
    const b = boxWithBlobs(clock, 2);
    const { sha256, size } = await b.blobStore.put(Readable.from([seededRandom(3).bytes(10_000)]));
    b.log.commit('gg', 'record.put', { coll: 'files', id: 'f', fields: { name: 'f.bin', sha256, size }, by: { id: 'u', name: 'Test' } });

    const link = closingLink(FrameType.Want);
    const ra = new SyncSession({ store: a.store, link: link.a, blobs: a.blobs }).run();
    const rb = new SyncSession({ store: b.store, link: link.b, blobs: b.blobs }).run();
    const [x, y] = await Promise.allSettled([ra, rb]);
    expect(x.status).toBe('rejected');
    expect((x as PromiseRejectedResult).reason).toBeInstanceOf(SyncLinkError);
    expect(y.status).toBe('rejected');
    // The record came before the link ended; the blob is still wanted, for the next session.
    expect(a.log.versionVector('gg')).toEqual(b.log.versionVector('gg'));
    expect(a.blobs.pending(['gg'])).toEqual({ count: 1, bytes: 10_000 });
  });
});
