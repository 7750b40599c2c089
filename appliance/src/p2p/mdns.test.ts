/**
 * mDNS on loopback: two nodes find each other within a few seconds, and the one that
 * found the other can dial it by site id alone and sync. A private service name keeps
 * other nodes on this machine out of the test.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { stateDigest } from '../ops/index.js';
import type { DiscoveredPeer } from './index.js';
import { cleanUp, dialAndSync, fill, loopbackNode, replica, syncingNode } from './test-helpers.js';

afterEach(cleanUp);

describe('mDNS discovery', () => {
  it('two nodes on loopback find each other and sync by site id', async () => {
    const mdns = { serviceTag: `_solidaire-test-${process.pid}-${Date.now()}._udp.local`, intervalMs: 1000 };
    const [a, b] = [replica(0), replica(1)];
    fill(a, 30, 'a');
    const heard: DiscoveredPeer[] = [];
    const started = Date.now();
    const { node: nb } = await syncingNode(b, { mdns });
    const na = await loopbackNode({ siteKey: a.key, mdns, onPeer: (p) => heard.push(p) });

    await vi.waitFor(
      () => {
        expect(na.discovered().map((p) => p.peer)).toEqual([b.key.siteId]);
        expect(nb.discovered().map((p) => p.peer)).toEqual([a.key.siteId]);
      },
      { timeout: 5000, interval: 50 },
    );
    const took = Date.now() - started;
    expect(took).toBeLessThan(5000);
    console.log(`mDNS: both found within ${took} ms of the first start`);
    expect(heard[0]?.peer).toBe(b.key.siteId);
    const bAddr = nb.addresses()[0]!.replace(/\/p2p\/.*$/, '');
    expect(na.discovered()[0]!.addresses).toContain(bAddr);

    const { link, result } = await dialAndSync(na, a, b.key.siteId);
    expect(link.peer).toBe(b.key.siteId);
    expect(result.sentOps).toBe(30);
    expect(stateDigest(a.db)).toBe(stateDigest(b.db));
  });

  it('a node with mDNS off neither finds nor is found', async () => {
    const mdns = { serviceTag: `_solidaire-test-${process.pid}-${Date.now()}-off._udp.local`, intervalMs: 300 };
    const on = await loopbackNode({ siteKey: replica(0).key, mdns });
    const off = await loopbackNode({ siteKey: replica(1).key });
    await new Promise((r) => setTimeout(r, 1200));
    expect(on.discovered()).toEqual([]);
    expect(off.discovered()).toEqual([]);
  });
});
