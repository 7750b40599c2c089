import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../db/index.js';
import { FakeClock } from '../clock/index.js';
import { generateSiteKey } from '../identity/index.js';
import { OpLog, stateDigest } from '../ops/index.js';
import { OpLogSyncStore, SyncService, SyncBusyError, memoryLinkPair, type FrameLink, type SyncTransport } from './index.js';

const by = { id: 'u', name: 'Test' };
const dbs: Db[] = [];
afterEach(() => dbs.splice(0).forEach((d) => d.close()));

function node(clock: FakeClock) {
  const db = openDatabase({ path: ':memory:' });
  dbs.push(db);
  db.prepare("INSERT INTO spaces (id, name, kind, quota_bytes, created_at) VALUES ('gg', 'gg', 'association', 0, 0)").run();
  const log = new OpLog({ db, key: generateSiteKey(), clock, hosts: (s) => s === 'gg' });
  const store = new OpLogSyncStore({ db, log, spaces: () => ['gg'] });
  return { db, log, store };
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
