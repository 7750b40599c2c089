/**
 * Sync sessions over real libp2p on 127.0.0.1: two op logs converge, the peer id Noise
 * authenticated is the other site's id and is checked against HELLO, and a frame over
 * the limit is refused without taking the node down.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { generateSiteKey } from '../identity/index.js';
import { stateDigest } from '../ops/index.js';
import { SyncLinkError, SyncPeerError, SyncProtocolError, SyncSession } from '../sync/index.js';
import { cleanUp, dialAndSync, fill, loopbackNode, opCount, replica, syncingNode } from './test-helpers.js';

afterEach(cleanUp);

describe('sync over libp2p', () => {
  it('two replicas end with the same state, each link naming the other site', async () => {
    const [a, b] = [replica(0), replica(1)];
    fill(a, 300, 'a');
    fill(b, 200, 'b');
    const { node: nb, sessions, session } = await syncingNode(b);
    const na = await loopbackNode({ siteKey: a.key });

    const { link, result } = await dialAndSync(na, a, nb.addresses()[0]!);
    expect(link.peer).toBe(b.key.siteId);
    expect(result).toMatchObject({ peer: b.key.siteId, sentOps: 300, receivedOps: 200 });

    const inbound = await session(0);
    expect(sessions).toHaveLength(1);
    expect(inbound.link.peer).toBe(a.key.siteId);
    await expect(inbound.result).resolves.toMatchObject({ peer: a.key.siteId, sentOps: 200, receivedOps: 300 });
    expect(opCount(a)).toBe(500);
    expect(opCount(b)).toBe(500);
    expect(stateDigest(a.db)).toBe(stateDigest(b.db));
  });

  it('dialling a multiaddr whose /p2p/ id is another site fails in Noise', async () => {
    const b = replica(1);
    const { node: nb } = await syncingNode(b);
    const na = await loopbackNode({ siteKey: generateSiteKey() });
    const impostor = nb.addresses()[0]!.replace(b.key.siteId, generateSiteKey().siteId);
    await expect(na.dialSync(impostor, AbortSignal.timeout(5000))).rejects.toThrow();
  });

  it('a peer whose HELLO names another site than its Noise key is refused', async () => {
    const b = replica(1);
    const liar = replica(0); // its op log signs as one site…
    const { node: nb, session } = await syncingNode(b);
    const na = await loopbackNode({ siteKey: generateSiteKey() }); // …its node is another
    fill(liar, 5, 'l');

    // On a libp2p link a HELLO names no site (Noise said who it is); this one claims one.
    const link = { ...(await na.dialSync(nb.addresses()[0]!)), mutual: false };
    const mine = new SyncSession({ store: liar.store, link, peer: link.peer }).run();
    mine.catch(() => {}); // it fails while we look at the other side first
    await expect((await session(0)).result).rejects.toMatchObject({ code: 'wrong_site' });
    // The refusing side says why before it cuts the link.
    await expect(mine).rejects.toMatchObject({ code: 'wrong_site' });
    expect(opCount(b)).toBe(0);
  });

  it('a frame over the limit is refused with a clear error and the node keeps serving', async () => {
    const [a, b] = [replica(0), replica(1)];
    const { node: nb, session } = await syncingNode(b);
    // The sender's own limit is raised so the oversize frame actually goes on the wire.
    const na = await loopbackNode({ siteKey: a.key, maxFrameBytes: 64 * 1024 * 1024 });

    const link = await na.dialSync(nb.addresses()[0]!);
    const sent = link.send(new Uint8Array(16 * 1024 * 1024 + 1)).catch((e: unknown) => e);
    const refused = await (await session(0)).result.catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SyncProtocolError);
    expect(refused).toMatchObject({ code: 'frame_too_large' });
    expect((refused as Error).message).toMatch(/16777217 bytes refused: the limit is 16777216 bytes/);
    // Our side sees the refusal (ERROR frame) or the reset, never a hang.
    const seen = await (async () => {
      try {
        for await (const _ of link.frames()) void _;
        return 'ended';
      } catch (e) {
        return e;
      }
    })();
    expect(seen === 'ended' || seen instanceof SyncLinkError || seen instanceof SyncPeerError).toBe(true);
    await sent;

    // The same node still syncs.
    fill(a, 10, 'a');
    const again = await dialAndSync(na, a, nb.addresses()[0]!);
    expect(again.result.sentOps).toBe(10);
    expect(stateDigest(a.db)).toBe(stateDigest(b.db));
  });

  it('our own link refuses to send a frame over the limit', async () => {
    const b = replica(1);
    const { node: nb } = await syncingNode(b);
    const na = await loopbackNode({ siteKey: generateSiteKey() });
    const link = await na.dialSync(nb.addresses()[0]!);
    await expect(link.send(new Uint8Array(16 * 1024 * 1024 + 1))).rejects.toMatchObject({ code: 'frame_too_large' });
    link.abort();
  });
});
