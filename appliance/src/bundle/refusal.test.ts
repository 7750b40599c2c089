/**
 * Damaged, foreign and forged bundles: each is refused with a plain French message and
 * NOTHING is applied (same operations, same state, no peer knowledge, no new blob). The
 * genuine bundle, imported last into the same box, goes through: the refusals were about
 * the files, not the box.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestBox } from '../testing/index.js';
import { decodeFrame, encodeFrame, FrameType } from '../sync/index.js';
import { cbor, RecordType } from './format.js';
import { BundleError, importBundle, PeerVectors, verifyBundle, writeBundleFile } from './index.js';
import { depsOf, digest, makeWork, newBox, opCount, putTogether, takeApart } from './fixtures.js';

const boxes: TestBox[] = [];
let a: TestBox;
let b: TestBox;
let genuine: Buffer;
let n = 0;

beforeAll(async () => {
  a = await newBox(boxes, 1);
  b = await newBox(boxes, 2);
  await makeWork(a, { bigMessages: 16 });
  const out = join(a.dir, 'vrai.bundle');
  await writeBundleFile(depsOf(a), {}, out);
  genuine = readFileSync(out);
  expect((await verifyBundle(out)).opChunks).toBeGreaterThanOrEqual(2);
});
afterAll(async () => {
  for (const x of boxes.splice(0)) await x.close();
});

const blobsAtB = () => (b.appliance.services.db.prepare('SELECT count(*) AS n FROM blobs').get() as { n: number }).n;

/** Import `bytes` into B; it must be refused, with one of `codes`, and change nothing. */
async function refused(bytes: Uint8Array, codes: readonly string[]): Promise<BundleError> {
  const path = join(b.dir, `essai-${n++}.bundle`);
  writeFileSync(path, bytes);
  const before = [opCount(b), digest(b), blobsAtB()];
  let error: unknown;
  try {
    await importBundle(depsOf(b), path);
  } catch (e) {
    error = e;
  }
  expect(error, 'the bundle was accepted').toBeInstanceOf(BundleError);
  const e = error as BundleError;
  expect(codes, e.message).toContain(e.code);
  expect(e.message).toMatch(/^[A-ZÀ-Ü][^]*(Rien n'a été importé|introuvable)/);
  expect([opCount(b), digest(b), blobsAtB()]).toEqual(before);
  expect(new PeerVectors(b.appliance.services).get(a.appliance.services.log.siteId)).toBeNull();
  return e;
}

describe('refused bundles', () => {
  it('refuses a bundle cut at every twentieth of its length', async () => {
    for (let i = 1; i < 20; i++) {
      const e = await refused(genuine.subarray(0, Math.floor((genuine.length * i) / 20)), ['bundle_truncated']);
      expect(e.message).toContain('incomplet');
    }
    await refused(genuine.subarray(0, genuine.length - 1), ['bundle_truncated']);
    await refused(genuine.subarray(0, 3), ['bundle_truncated']);
    await refused(new Uint8Array(0), ['bundle_not_a_bundle']);
  });

  it('refuses a bundle with a byte changed anywhere', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: genuine.length - 1 }), fc.integer({ min: 1, max: 255 }), async (at, xor) => {
        const bad = Buffer.from(genuine);
        bad[at]! ^= xor;
        await refused(bad, ['bundle_corrupt', 'bundle_not_a_bundle', 'bundle_version']);
      }),
      { numRuns: 80, seed: 20261122 },
    );
    // The trailer itself, and bytes added after it.
    const bad = Buffer.from(genuine);
    bad[bad.length - 1]! ^= 1;
    await refused(bad, ['bundle_corrupt']);
    await refused(Buffer.concat([genuine, Buffer.from([0])]), ['bundle_corrupt']);
  });

  it('refuses what is not a bundle, and a bundle of a newer format', async () => {
    const e = await refused(Buffer.from('%PDF-1.7 un document quelconque'), ['bundle_not_a_bundle']);
    expect(e.message).toContain("n'est pas un paquet Solidaire");
    await refused(Buffer.concat([Buffer.from('XXXXXXXX'), genuine.subarray(8)]), ['bundle_not_a_bundle']);
    const newer = Buffer.from(genuine);
    newer.writeUInt16BE(2, 8);
    expect((await refused(newer, ['bundle_version'])).message).toContain('plus récente');
    await expect(importBundle(depsOf(b), join(b.dir, 'absent.bundle'))).rejects.toMatchObject({ code: 'bundle_not_found' });
  });

  it('refuses a bundle whose last operation has a forged signature though its trailer is right', async () => {
    const { preamble, records } = takeApart(genuine);
    const chunks = records.filter((r) => r.type === RecordType.Ops);
    const last = chunks[chunks.length - 1]!;
    const frame = decodeFrame(last.payload);
    if (frame.type !== FrameType.Batch) throw new Error('not a batch');
    const op = frame.ops[frame.ops.length - 1]!;
    const sig = new Uint8Array(op.sig);
    sig[10]! ^= 0x40;
    frame.ops[frame.ops.length - 1] = { ...op, sig };
    last.payload = Buffer.from(encodeFrame(frame));
    const forged = putTogether(preamble, records);
    const e = await refused(forged, ['bundle_refused']);
    expect(e.message).toContain('signature');
  });

  it('refuses a bundle whose file content was swapped though its trailer is right', async () => {
    const { preamble, records } = takeApart(genuine);
    const data = records.find((r) => r.type === RecordType.Data)!;
    data.payload = Buffer.from(data.payload);
    data.payload[0]! ^= 1;
    await refused(putTogether(preamble, records), ['bundle_corrupt']);
    // …and one whose header says something else than its operations (an op chunk dropped).
    const fewer = records.filter((r, i) => !(r.type === RecordType.Ops && i === records.findIndex((x) => x.type === RecordType.Ops)));
    await refused(putTogether(preamble, fewer), ['bundle_corrupt']);
    // …and one whose header is not a map.
    await refused(putTogether(preamble, [{ type: RecordType.Header, payload: Buffer.from(cbor.encode([1, 2])) }, ...records.slice(1)]), ['bundle_corrupt']);
  });

  it('takes the genuine bundle after all that', async () => {
    const got = await importBundle(depsOf(b), join(a.dir, 'vrai.bundle'));
    expect(got.applied).toBe(opCount(a));
    expect(digest(b)).toBe(digest(a));
  });
});
