import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../db/index.js';
import { replicaFactory } from '../testing/index.js';
import { FakeClock } from '../clock/index.js';
import { stateDigest } from '../ops/index.js';
import { SyncService, SyncBusyError, memoryLinkPair, type FrameLink, type SyncTransport } from './index.js';

const by = { id: 'u', name: 'Test' };
const replicas = replicaFactory();
afterEach(() => replicas.closeAll());

function node(clock: FakeClock) {
  return replicas.replica(clock, ['gg']);
}

describe('sync service', () => {
  it('dials, syncs, records the status, and refuses a second session with the same peer', async () => {
    const clock = new FakeClock();
    const a = node(clock);
    const b = node(clock);
    let serviceB: SyncService;
    const pending: Array<Promise<unknown>> = [];
    const transport: SyncTransport = {
      async dial() {
        const link = memoryLinkPair();
        pending.push(serviceB.accept(link.b, a.log.siteId).catch(() => {}));
        return { link: link.a, peer: b.log.siteId };
      },
    };
    const serviceA = new SyncService({ store: a.store, clock, offer: () => ['gg'], transport });
    serviceB = new SyncService({ store: b.store, clock, offer: () => ['gg'] });
    a.log.commit('gg', 'message.post', { id: 'm', thread: 'm', subject: null, body: 'Bonjour', from: null, by });
    clock.advance(1000);
    const result = await serviceA.syncWith(b.log.siteId);
    await Promise.all(pending);
    expect(result.sentOps).toBe(1);
    expect(stateDigest(a.db)).toBe(stateDigest(b.db));
    const [status] = serviceA.status();
    expect(status).toMatchObject({ peer: b.log.siteId, running: false, lastSyncAt: clock.now(), sentOps: 1, lastError: null });

    // While a session with a peer runs, another one with the same peer is refused.
    const slow = memoryLinkPair();
    const first = serviceB.accept(slow.b, a.log.siteId).catch((e: unknown) => e);
    const extra = memoryLinkPair();
    await expect(serviceB.accept(extra.b, a.log.siteId)).rejects.toBeInstanceOf(SyncBusyError);
    await serviceB.stop();
    expect(await first).toBeInstanceOf(Error);
    expect(serviceB.status()[0]!.lastError?.code).toBe('link_cut');
  });

  it('stop() cuts running sessions and refuses new ones', async () => {
    const clock = new FakeClock();
    const a = node(clock);
    const service = new SyncService({ store: a.store, clock, offer: () => ['gg'] });
    service.start();
    await service.stop();
    const link: FrameLink = memoryLinkPair().a;
    await expect(service.accept(link, 'peer')).rejects.toBeInstanceOf(SyncBusyError);
  });
});
