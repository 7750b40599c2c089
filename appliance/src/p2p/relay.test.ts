/**
 * The node through a circuit relay, at the node's level: a relay node and sites that
 * listen on nothing of their own. What a reservation costs on the socket (identify never
 * runs), and that a session through the relay is counted once, on the socket with the relay.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { generateSiteKey } from '../identity/index.js';
import { cleanUp, dialAndSync, fill, loopbackNode, opCount, replica, syncingNode } from './test-helpers.js';

afterEach(cleanUp);

const total = (c: { bytesIn: number; bytesOut: number }) => c.bytesIn + c.bytesOut;

describe('P2PNode through a circuit relay', () => {
  it('holds a reservation for under 1 KB on the connection it has, and runs no identify', async () => {
    const { node: relay } = await syncingNode(replica(0), { relayServer: { allow: () => true } });
    const site = await loopbackNode({ siteKey: generateSiteKey(), listen: [], relay: { addresses: relay.addresses(), reserve: () => false } });
    await site.dialSync(relay.addresses()[0]!).then((l) => l.close());
    const connected = site.bytesWith(relay.siteId);
    const at = await site.reserve();
    expect(at).toEqual([`${relay.addresses()[0]}/p2p-circuit/p2p/${site.siteId}`]);
    const reservation = total(site.bytesWith(relay.siteId)) - total(connected);
    // A connection with a 10-byte exchange is ~1.1 KB; identify would add ~1.3 KB to it.
    expect(total(connected)).toBeLessThan(1_600);
    expect(reservation).toBeLessThan(1_000);
    expect(relay.reservations()).toEqual([site.siteId]);
    console.info(`connection and a sync stream: ${total(connected)} B; reservation: ${reservation} B`);
  });

  it('syncs through the relay with a site known by id only; the bytes are counted once, with the relay', async () => {
    const relay = await loopbackNode({ siteKey: generateSiteKey(), relayServer: { allow: () => true } });
    const [a, b] = [replica(0), replica(1)];
    fill(a, 10, 'a');
    const relayed = { relay: { addresses: relay.addresses() }, listen: [] };
    const { node: nb } = await syncingNode(b, relayed);
    const na = await loopbackNode({ siteKey: a.key, ...relayed });
    await nb.reserve();
    const { result } = await dialAndSync(na, a, b.key.siteId);
    expect(result.sentOps).toBe(10);
    expect(opCount(b)).toBe(10);
    expect(na.remoteAddresses(b.key.siteId)).toEqual([`${relay.addresses()[0]}/p2p-circuit/p2p/${b.key.siteId}`]);
    // The relayed connection is a stream inside the TCP connection with the relay: its bytes
    // are that socket's, credited to the relay, and not counted a second time.
    expect(na.bytesWith(b.key.siteId)).toEqual({ bytesIn: 0, bytesOut: 0 });
    expect(total(na.bytesWith(relay.siteId))).toBe(total(na.bytesTotal()));
    console.info(`10 operations through the relay: ${total(na.bytesTotal())} B on A's socket`);
  });
});
