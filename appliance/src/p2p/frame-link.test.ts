/**
 * The FrameLink over a libp2p stream, without a session: frames of every size cross
 * whole, close() is a half-close, abort() cuts both ends, and a reader that does not read
 * holds the sender back instead of buffering without bound.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { generateSiteKey } from '../identity/index.js';
import { SyncLinkError } from '../sync/index.js';
import type { PeerLink } from './index.js';
import { cleanUp, loopbackNode } from './test-helpers.js';
import { decodeVarint, encodeVarint } from './varint.js';

afterEach(cleanUp);

async function pair(): Promise<{ out: PeerLink; inbound: () => Promise<PeerLink> }> {
  const links: PeerLink[] = [];
  const b = await loopbackNode({ siteKey: generateSiteKey(), onSyncLink: (l) => void links.push(l) });
  const a = await loopbackNode({ siteKey: generateSiteKey() });
  const out = await a.dialSync(b.addresses()[0]!);
  const inbound = async () => {
    while (!links[0]) await new Promise((r) => setTimeout(r, 5));
    return links[0];
  };
  return { out, inbound };
}

async function collect(link: PeerLink): Promise<Uint8Array[] | Error> {
  const got: Uint8Array[] = [];
  try {
    for await (const f of link.frames()) got.push(f);
    return got;
  } catch (e) {
    return e as Error;
  }
}

const pattern = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

describe('varint', () => {
  it('round-trips lengths and refuses bad encodings', () => {
    for (const n of [0, 1, 127, 128, 300, 16_383, 16_384, 16 * 1024 * 1024, 2 ** 35 - 1]) {
      const e = encodeVarint(n);
      expect(decodeVarint(e)).toEqual({ value: n, bytes: e.length });
      expect(decodeVarint(e.subarray(0, e.length - 1))).toBe('incomplete');
    }
    expect(decodeVarint(Uint8Array.from([0x80, 0x00]))).toBe('invalid'); // not minimal
    expect(decodeVarint(Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]))).toBe('invalid'); // too long
  });
});

describe('stream FrameLink', () => {
  it('carries frames of every size whole and in order; close() is a half-close', async () => {
    const { out, inbound } = await pair();
    const sizes = [0, 1, 127, 128, 300 * 1024, 5 * 1024 * 1024 + 3];
    await out.send(pattern(sizes[0]!, 0)); // the peer sees the stream once data comes
    const b = await inbound().then((l) => ({ l, got: collect(l) }));
    for (const [i, n] of sizes.entries()) if (i > 0) await out.send(pattern(n, i));
    await out.close();
    const got = await b.got;
    expect(got).not.toBeInstanceOf(Error);
    expect((got as Uint8Array[]).map((f) => f.length)).toEqual(sizes);
    (got as Uint8Array[]).forEach((f, i) => expect(Buffer.from(f).equals(Buffer.from(pattern(sizes[i]!, i)))).toBe(true));

    // Our side closed its writing only: the peer can still answer.
    await b.l.send(Uint8Array.from([42]));
    await b.l.close();
    expect(await collect(out)).toEqual([Uint8Array.from([42])]);
  });

  it('abort() cuts the link: both ends see SyncLinkError', async () => {
    const { out, inbound } = await pair();
    await out.send(Uint8Array.from([1]));
    const b = await inbound();
    const reading = collect(b);
    out.abort();
    expect(await reading).toBeInstanceOf(SyncLinkError);
    expect(await collect(out)).toBeInstanceOf(SyncLinkError);
    await expect(out.send(Uint8Array.from([2]))).rejects.toBeInstanceOf(SyncLinkError);
  });

  it('a peer that does not read holds the sender back', async () => {
    const { out, inbound } = await pair();
    const frame = new Uint8Array(256 * 1024);
    let sent = 0;
    const sending = (async () => {
      for (let i = 0; i < 32; i++) {
        await out.send(frame);
        sent++;
      }
      await out.close();
    })();
    const b = await inbound();
    await new Promise((r) => setTimeout(r, 500));
    expect(sent).toBeLessThan(16); // 8 MiB offered, a few MiB at most in flight
    const got = await collect(b);
    await sending;
    expect(sent).toBe(32);
    expect((got as Uint8Array[]).length).toBe(32);
  });
});
