import { describe, expect, it } from 'vitest';
import { generateSiteKey } from '../../identity/index.js';
import { encodePayload, GENESIS, signOperation, UNSIGNED, type Operation } from '../../ops/index.js';
import { decodeFrame, encodeFrame, FrameType } from './frames.js';

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
