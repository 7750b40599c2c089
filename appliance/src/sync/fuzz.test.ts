/** Fuzzed and mutated frames: never a crash, never anything applied, always a named error. */
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FakeClock } from '../clock/index.js';
import { stateDigest } from '../ops/index.js';
import { replicaFactory } from '../testing/index.js';
import { SyncError, SyncSession, decodeFrame, encodeFrame, FrameType, PROTOCOL_VERSION, type FrameLink, FrameQueue } from './index.js';
import { encodeOps } from './wire/frames.js';
import { BatchPacker } from './wire/stream-codec.js';

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

  it('mutated frames of every type decode to a frame or a named error, never anything else', () => {
    const sha = 'ab'.repeat(32);
    const site = '12D3KooWDVGWCErHvHbuVtaBqzyVVPSpFmuJAwCyU8fQJkrFnoPX';
    const valid = [
      encodeFrame({ type: FrameType.Hello, version: PROTOCOL_VERSION, site, spaces: { gg: { [site]: { 'record.put': 3, 'message.post': 9 } } }, want: ['message.post'] }),
      encodeFrame({ type: FrameType.Ack, n: 7 }),
      encodeFrame({ type: FrameType.Done }),
      encodeFrame({ type: FrameType.Error, code: 'gap', message: 'trou' }),
      encodeFrame({ type: FrameType.Want, blobs: [{ sha256: sha, offset: 0 }, { sha256: sha, offset: 4096 }] }),
      encodeFrame({ type: FrameType.Chunk, sha256: sha, offset: 4096, bytes: new Uint8Array(100).fill(7) }),
      encodeFrame({ type: FrameType.End }),
      encodeFrame({ type: FrameType.Packed, n: 3, bytes: new Uint8Array(40).fill(9) }),
    ];
    for (const f of valid) expect(() => decodeFrame(f)).not.toThrow();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: valid.length - 1 }), fc.nat(), fc.integer({ min: 1, max: 255 }), fc.nat({ max: 3 }), (which, pos, xor, cut) => {
        const frame = valid[which]!;
        const mutated = new Uint8Array(frame.subarray(0, frame.length - cut));
        if (mutated.length) mutated[pos % mutated.length] = mutated[pos % mutated.length]! ^ xor;
        try {
          decodeFrame(mutated);
        } catch (e) {
          expect(e).toBeInstanceOf(SyncError);
        }
      }),
      { numRuns: 3000, seed: 11 },
    );
  });

  it('a chunk of a blob nobody asked for ends the session with a named error', async () => {
    const clock = new FakeClock();
    const target = replicas.replica(clock, ['gg']);
    const hello = encodeFrame({ type: FrameType.Hello, version: PROTOCOL_VERSION, site: replicas.replica(clock, ['gg']).log.siteId, spaces: { gg: {} }, want: [] });
    const chunk = encodeFrame({ type: FrameType.Chunk, sha256: 'cd'.repeat(32), offset: 0, bytes: new Uint8Array([1, 2, 3]) });
    const outcome = await new SyncSession({ store: target.store, link: scripted([hello, chunk]) }).run().catch((e: unknown) => e);
    expect(outcome).toBeInstanceOf(SyncError);
    expect((outcome as SyncError).code).toBe('unexpected_frame');
  });

  for (const packed of [false, true]) it(`a session fed mutated ${packed ? 'packed batches (the session stream)' : 'batches'} applies nothing of them and fails with a named error`, async () => {
    const clock = new FakeClock();
    const source = replicas.replica(clock, ['gg']);
    for (let i = 0; i < 20; i++) source.log.commit('gg', 'message.post', { id: `m${i}`, thread: 't', subject: null, body: `message ${i}`, from: null, by });
    const ops = source.store.page('gg', source.log.siteId, 'message.post', 0, 100);
    const hello = encodeFrame({ type: FrameType.Hello, version: PROTOCOL_VERSION, site: source.log.siteId, spaces: { gg: {} }, want: [] });
    const packer = new BatchPacker();
    const batch = packed
      ? encodeFrame({ type: FrameType.Packed, n: 1, bytes: await packer.pack(encodeOps(ops)) })
      : encodeFrame({ type: FrameType.Batch, n: 1, ops });
    packer.close();
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
