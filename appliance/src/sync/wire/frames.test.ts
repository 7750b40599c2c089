import { describe, expect, it } from 'vitest';
import { generateSiteKey } from '../../identity/index.js';
import { encodePayload, GENESIS, signOperation, UNSIGNED, type Operation } from '../../ops/index.js';
import { decodeFrame, decodeOps, encodeFrame, encodeOps, FrameType, MAX_BATCH_DECODED } from './frames.js';
import { BatchPacker, BatchUnpacker } from './stream-codec.js';

const by = { id: 'u1', name: 'Awa' };

function stream(space: string, n: number, start = 1_763_800_000_000): Operation[] {
  const key = generateSiteKey();
  let prev = GENESIS;
  return Array.from({ length: n }, (_, i) => {
    const body = encodePayload('record.put', { coll: 'members', id: `m${i}`, fields: { name: `Membre ${i}` }, by });
    const hlc = `${start + i * 37}-${(i % 3).toString(16).padStart(4, '0')}`;
    const { op, digest } = signOperation(key, { space, seq: i + 1, hlc, kind: 'record.put', body }, prev);
    prev = digest;
    return op;
  });
}

describe('BATCH frames', () => {
  it('carry runs of streams with the last signature of each run, clock stamps exact', () => {
    const a = stream('s', 4);
    const b = stream('t', 3, 1_700_000_000_000);
    // a's run is broken by b's: two runs of a, each keeping its last signature.
    const ops = [a[0]!, a[1]!, ...b, a[2]!, a[3]!];
    const f = decodeFrame(encodeFrame({ type: FrameType.Batch, n: 7, ops }));
    expect(f.type).toBe(FrameType.Batch);
    if (f.type !== FrameType.Batch) return;
    expect(f.n).toBe(7);
    const last = new Set([1, 4, 6]);
    expect(f.ops).toEqual(ops.map((op, i) => ({ ...op, body: new Uint8Array(op.body), sig: last.has(i) ? new Uint8Array(op.sig) : UNSIGNED })));
  });

  it('refuse a run whose clock stamps go out of range', () => {
    const [op] = stream('s', 1);
    const bytes = encodeFrame({ type: FrameType.Batch, n: 1, ops: [{ ...op!, hlc: '9999999999999-ffff' }] });
    expect(() => decodeFrame(bytes)).not.toThrow();
    expect(() => encodeFrame({ type: FrameType.Batch, n: 1, ops: [{ ...op!, hlc: 'not a stamp' }] })).toThrow(/cannot be sent/);
  });
});

describe('the session stream (PACKED)', () => {
  it('decodes each batch at once, in order, and the later ones cost less', async () => {
    const all = stream('s', 60);
    const batches = [all.slice(0, 20), all.slice(20, 40), all.slice(40)];
    const packer = new BatchPacker();
    const unpacker = new BatchUnpacker(MAX_BATCH_DECODED);
    const sizes: number[] = [];
    for (const b of batches) {
      const bytes = await packer.pack(encodeOps(b));
      sizes.push(bytes.length);
      expect(decodeOps(await unpacker.unpack(bytes)).map((op) => op.seq)).toEqual(b.map((op) => op.seq));
    }
    expect(sizes[1]!).toBeLessThan(sizes[0]!);
    // A batch out of its place in the stream is refused with a named error.
    const other = new BatchPacker();
    await other.pack(encodeOps(batches[0]!));
    const fresh = new BatchUnpacker(MAX_BATCH_DECODED);
    await expect(fresh.unpack(await other.pack(encodeOps(batches[1]!)))).rejects.toMatchObject({ code: 'malformed_frame' });
    for (const z of [packer, unpacker, other, fresh]) z.close();
  });

  it('refuses a batch that inflates past the limit', async () => {
    const packer = new BatchPacker();
    const unpacker = new BatchUnpacker(10_000);
    await expect(unpacker.unpack(await packer.pack(new Uint8Array(50_000)))).rejects.toMatchObject({ code: 'malformed_frame' });
    packer.close();
    unpacker.close();
  });
});

describe('HELLO frames', () => {
  const a = generateSiteKey().siteId;
  const b = generateSiteKey().siteId;
  const spaces = { s: { [a]: { 'record.put': 3 }, [b]: { 'message.post': 1 } } };
  for (const [what, site] of [
    ['the sender among the authors', a],
    ['the sender not among them', generateSiteKey().siteId],
    ['no sender (the transport said who)', undefined],
  ] as const) {
    it(`say who sends them: ${what}`, () => {
      const bytes = encodeFrame({ type: FrameType.Hello, version: 2, site, spaces, want: ['message.post'] });
      expect(decodeFrame(bytes)).toEqual({ type: FrameType.Hello, version: 2, site, spaces, want: ['message.post'] });
    });
  }

  it('cost 33 bytes less when the sender is among the authors', () => {
    const size = (site: string) => encodeFrame({ type: FrameType.Hello, version: 2, site, spaces, want: [] }).length;
    expect(size(generateSiteKey().siteId) - size(a)).toBe(33);
  });
});
