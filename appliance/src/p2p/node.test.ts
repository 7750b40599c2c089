/**
 * The node's life: its peer id is the site id, stop() gives back the port and leaves no
 * socket or timer behind, and a stopped node starts again on the same port.
 */
import { createHook } from 'node:async_hooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { generateSiteKey } from '../identity/index.js';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { libp2pKey } from './key.js';
import { createP2PNode } from './index.js';
import { SyncSession } from '../sync/index.js';
import { cleanUp, fill, loopbackNode, replica, syncingNode } from './test-helpers.js';

afterEach(cleanUp);

/**
 * Sockets and timers created while enabled and not yet destroyed. Timers are counted only
 * when made by a dependency (a node_modules frame on the stack, vitest's own excepted), so
 * the test's own waits do not count; nor do AbortSignal.timeout() timers, which Node keeps
 * unreferenced (they hold nothing and cannot keep the process alive).
 */
function resourceWatch() {
  const live = new Map<number, string>();
  const hook = createHook({
    init(id, type) {
      if (type === 'TCPSERVERWRAP' || type === 'TCPWRAP' || type === 'UDPWRAP') live.set(id, type);
      else if (type === 'Timeout') {
        const stack = new Error().stack ?? '';
        const mine = stack.split('\n').filter((l) => l.includes('/node_modules/') && !/vitest/.test(l));
        if (mine.length && !stack.includes('AbortSignal.timeout')) live.set(id, `Timeout ${mine[0]!.trim()}`);
      }
    },
    destroy(id) {
      live.delete(id);
    },
  }).enable();
  return { live: () => [...live.values()], stop: () => hook.disable() };
}

describe('P2PNode', () => {
  it('uses the site key: the libp2p peer id is the site id', async () => {
    const key = generateSiteKey();
    expect(peerIdFromPrivateKey(libp2pKey(key)).toString()).toBe(key.siteId);
    const node = await loopbackNode({ siteKey: key });
    expect(node.addresses()[0]).toMatch(new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/\\d+/p2p/${key.siteId}$`));
  });

  it('stop() frees the port and every socket and timer; a node starts at once on that port', async () => {
    const watch = resourceWatch();
    try {
      const [a, b] = [replica(0), replica(1)];
      fill(a, 20, 'a');
      const mdns = { serviceTag: `_t${process.pid}n._udp.local` };
      const { node: nb } = await syncingNode(b, { mdns });
      const na = await loopbackNode({ siteKey: a.key, mdns });
      const link = await na.dialSync(nb.addresses()[0]!);
      await new SyncSession({ store: a.store, link, peer: link.peer }).run();
      const addr = nb.addresses()[0]!;
      const types = watch.live().map((t) => t.split(' ')[0]);
      expect(types.filter((t) => t === 'TCPSERVERWRAP')).toHaveLength(2);
      expect(types).toContain('UDPWRAP');
      expect(types).toContain('TCPWRAP');

      await na.stop();
      await nb.stop();
      expect(na.started || nb.started).toBe(false);

      // At once, the same port: the listener was really closed.
      const fixed = addr.replace(/\/p2p\/.*$/, '');
      const again = createP2PNode({ siteKey: b.key, listen: [fixed] });
      await again.start();
      try {
        expect(again.addresses()[0]).toBe(addr);
        const rival = createP2PNode({ siteKey: generateSiteKey(), listen: [fixed] });
        await rival.start().then(
          () => expect.unreachable('two listeners on one port'),
          (e: unknown) => expect(String(e)).toMatch(/EADDRINUSE|listen/i),
        );
        expect(rival.started).toBe(false);
      } finally {
        await again.stop();
      }
      // Node destroys a closed handle one turn of the event loop after close; libp2p's
      // address manager leaves a 1 s debounce timer running after stop().
      await vi.waitFor(() => expect(watch.live()).toEqual([]), { timeout: 2000 });
    } finally {
      watch.stop();
    }
  });

  it('refuses to work before start()', async () => {
    const node = createP2PNode({ siteKey: generateSiteKey(), listen: ['/ip4/127.0.0.1/tcp/0'] });
    await expect(node.dialSync('/ip4/127.0.0.1/tcp/1')).rejects.toThrow(/not started/);
    await node.stop();
  });
});
