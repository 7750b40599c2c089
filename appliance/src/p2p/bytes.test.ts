/**
 * Byte counters are the bytes on the socket: a TCP proxy between the two nodes counts
 * what really crosses, and both nodes' counters must equal it exactly, set-up included.
 */
import { once } from 'node:events';
import { createServer, connect, type AddressInfo, type Server } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { stateDigest } from '../ops/index.js';
import { cleanUp, dialAndSync, fill, loopbackNode, replica, syncingNode } from './test-helpers.js';
import type { P2PNode } from './index.js';

const servers: Server[] = [];
afterEach(async () => {
  servers.splice(0).forEach((s) => s.close());
  await cleanUp();
});

/** A counting TCP proxy to `port`; each connection's bytes both ways, and whether it closed. */
async function proxy(port: number) {
  const conns: Array<{ up: number; down: number; closed: boolean }> = [];
  const server = createServer((client) => {
    const c = { up: 0, down: 0, closed: false };
    conns.push(c);
    const target = connect(port, '127.0.0.1');
    client.on('data', (d: Buffer) => (c.up += d.length));
    target.on('data', (d: Buffer) => (c.down += d.length));
    client.pipe(target);
    target.pipe(client);
    const end = () => {
      client.destroy();
      target.destroy();
      c.closed = true;
    };
    client.on('close', end).on('error', end);
    target.on('close', end).on('error', end);
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as AddressInfo).port, conns };
}

const portOf = (node: P2PNode) => Number(/\/tcp\/(\d+)\//.exec(node.addresses()[0]!)![1]);

describe('bytes counted on the socket', () => {
  it('equal what a proxy sees, per peer, and grow with the data', async () => {
    const [a, b] = [replica(0), replica(1)];
    fill(a, 100, 'a');
    fill(b, 100, 'b');
    const { node: nb, session } = await syncingNode(b);
    let inbound = 0;
    const na = await loopbackNode({ siteKey: a.key });
    await dialAndSync(na, a, nb.addresses()[0]!);
    await (await session(inbound++)).result;
    await na.hangUp(b.key.siteId);
    await vi.waitFor(() => expect(nb.bytesWith(a.key.siteId).bytesIn).toBe(na.bytesWith(b.key.siteId).bytesOut));

    const p = await proxy(portOf(nb));
    const via = `/ip4/127.0.0.1/tcp/${p.port}/p2p/${b.key.siteId}`;
    /** One new connection through the proxy, one session, hang up; the bytes of it all. */
    const measured = async () => {
      const beforeA = na.bytesWith(b.key.siteId);
      const beforeB = nb.bytesWith(a.key.siteId);
      const { result } = await dialAndSync(na, a, via);
      // Both ends finished (the listener's last frames are on the wire) before hanging up.
      await (await session(inbound++)).result;
      await na.hangUp(b.key.siteId);
      const c = p.conns.at(-1)!;
      await vi.waitFor(() => expect(c.closed).toBe(true));
      await vi.waitFor(() => {
        const afterA = na.bytesWith(b.key.siteId);
        const afterB = nb.bytesWith(a.key.siteId);
        expect({ out: afterA.bytesOut - beforeA.bytesOut, in: afterA.bytesIn - beforeA.bytesIn }).toEqual({ out: c.up, in: c.down });
        expect({ in: afterB.bytesIn - beforeB.bytesIn, out: afterB.bytesOut - beforeB.bytesOut }).toEqual({ in: c.up, out: c.down });
      });
      return { result, bytes: c.up + c.down, up: c.up, down: c.down };
    };

    const noop = await measured();
    expect(noop.result.sentOps + noop.result.receivedOps).toBe(0);
    console.log(`new connection + no-op session: ${noop.bytes} bytes on the socket (${noop.up} out, ${noop.down} in)`);

    fill(a, 500, 'more', 200);
    const full = await measured();
    expect(full.result.sentOps).toBe(500);
    expect(full.up).toBeGreaterThan(noop.up + 2_000); // 500 operations of compressible text, 1 signature per run
    expect(stateDigest(a.db)).toBe(stateDigest(b.db));

    const total = na.bytesWith(b.key.siteId);
    expect(total.bytesOut).toBeGreaterThan(full.up + noop.up);
    expect([...na.bytesByPeer().keys()]).toEqual([b.key.siteId]);
    expect(na.bytesTotal()).toEqual(total);
  });
});
