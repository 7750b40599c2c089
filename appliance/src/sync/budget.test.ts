/** Sessions on a metered link: the budget decides which streams go, and they stay contiguous. */
import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../db/index.js';
import { replicaFactory } from '../testing/index.js';
import { FakeClock } from '../clock/index.js';
import { stateDigest } from '../ops/index.js';
import { LinkPolicy } from '../budget/index.js';
import { SyncSession, memoryLinkPair } from './index.js';

const by = { id: 'u', name: 'Test' };
const replicas = replicaFactory();
afterEach(() => replicas.closeAll());

function node(clock: FakeClock) {
  const r = replicas.replica(clock, ['gg']);
  return { ...r, policy: new LinkPolicy({ db: r.db, clock }) };
}

const count = (db: Db, kind: string) => (db.prepare('SELECT count(*) AS n FROM ops WHERE kind = ?').get(kind) as { n: number }).n;

describe('sessions under a link budget', () => {
  it('sends only messages once the budget is spent, then the rest when it allows', async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 22));
    const nioro = node(clock);
    const relay = node(clock);
    nioro.policy.configure({ link: 'relay', metered: true, budgetBytes: 10_000, resetDay: 1 });
    nioro.policy.record('relay', 9_000, 2_000);
    for (let i = 0; i < 5; i++) {
      nioro.log.commit('gg', 'message.post', { id: `m${i}`, thread: 't', subject: null, body: `message ${i}`, from: null, by });
      nioro.log.commit('gg', 'record.put', { coll: 'members', id: `p${i}`, fields: { name: `P${i}` }, by });
    }
    relay.log.commit('gg', 'record.put', { coll: 'members', id: 'r', fields: { name: 'R' }, by });
    relay.log.commit('gg', 'message.post', { id: 'rm', thread: 't', subject: null, body: 'du relais', from: null, by });

    const run = async () => {
      const link = memoryLinkPair();
      const kinds = () => nioro.policy.allowedKinds('relay');
      await Promise.all([
        new SyncSession({ store: nioro.store, link: link.a, accepts: kinds, mayRun: (k) => kinds().includes(k) }).run(),
        new SyncSession({ store: relay.store, link: link.b }).run(),
      ]);
    };
    await run();
    expect(count(relay.db, 'message.post')).toBe(6);
    expect(count(relay.db, 'record.put')).toBe(1);
    expect(count(nioro.db, 'message.post')).toBe(6);
    expect(count(nioro.db, 'record.put')).toBe(5);

    clock.advance(10 * 24 * 3600_000); // a new billing month
    await run();
    expect(stateDigest(nioro.db)).toBe(stateDigest(relay.db));
  });
});
