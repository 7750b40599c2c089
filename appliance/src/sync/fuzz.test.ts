/** Fuzzed and mutated frames: never a crash, never anything applied, always a named error. */
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FakeClock } from '../clock/index.js';
import { stateDigest } from '../ops/index.js';
import { replicaFactory } from '../testing/index.js';
import { SyncError, SyncSession, decodeFrame, encodeFrame, FrameType, PROTOCOL_VERSION, type FrameLink, FrameQueue } from './index.js';

const by = { id: 'u', name: 'Test' };
const replicas = replicaFactory();
afterEach(() => replicas.closeAll());

/** A link whose peer is a script: it sends the given frames, then ends. */
function scripted(frames: Uint8Array[]): FrameLink {
  const inbox = new FrameQueue();
  for (const f of frames) inbox.push(f);
  inbox.end();
  return { send: async () => {}, frames: () => inbox, close: async () => {}, abort: () => inbox.fail(new Error('aborted')) };
}

describe('fuzzed frames', () => {
  it('decodeFrame refuses random bytes with a named error or decodes them, never anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        try {
          decodeFrame(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(SyncError);
        }
      }),
      { numRuns: 2000, seed: 3 },
    );
  });

  it('a session fed mutated batches applies nothing of them and fails with a named error', async () => {
    const clock = new FakeClock();
    const source = replicas.replica(clock, ['gg']);
    for (let i = 0; i < 20; i++) source.log.commit('gg', 'message.post', { id: `m${i}`, thread: 't', subject: null, body: `message ${i}`, from: null, by });
    const ops = source.store.page('gg', source.log.siteId, 'message.post', 0, 100);
    const hello = encodeFrame({ type: FrameType.Hello, version: PROTOCOL_VERSION, site: source.log.siteId, spaces: { gg: {} }, want: [] });
    const batch = encodeFrame({ type: FrameType.Batch, n: 1, ops });
    const target = replicas.replica(clock, ['gg']);
    const before = stateDigest(target.db);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: batch.length - 1 }), fc.integer({ min: 1, max: 255 }), async (at, xor) => {
        const mutated = new Uint8Array(batch);
        mutated[at] = mutated[at]! ^ xor;
        const session = new SyncSession({ store: target.store, link: scripted([hello, mutated]) });
        const outcome = await session.run().then(
          () => null,
          (e: unknown) => e,
        );
        // Either the mutation broke the frame (refused, nothing applied) or it did not touch
        // anything signed (all applied, as the genuine batch would be). Never half.
        const n = (target.db.prepare('SELECT count(*) AS c FROM ops').get() as { c: number }).c;
        if (outcome) expect(outcome).toBeInstanceOf(SyncError);
        expect([0, 20]).toContain(n);
        if (n === 20) {
          target.db.exec('DELETE FROM ops; DELETE FROM messages;');
        }
        expect(stateDigest(target.db)).toBe(before);
      }),
      { numRuns: 150, seed: 9 },
    );
  });
});
