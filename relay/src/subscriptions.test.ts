/**
 * The broker's persistent subscriptions as the relay keeps them (subscriptions.ts): the
 * same answers as aedes-persistence-level's for what aedes asks, across a restart, a
 * relay's older subscriptions moved over at start, and no search of the other
 * subscribers when a site subscribes to a filter the whole fleet shares.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { Level } from 'level';
import { scratch } from '@solidaire/appliance/testing';
import { ownSubscriptions } from './subscriptions.js';

const require = createRequire(import.meta.url);
type Sub = { topic: string; qos: number };
type Persistence = {
  setup(broker: unknown): Promise<void>;
  addSubscriptions(client: { id: string }, subs: Sub[]): Promise<void>;
  removeSubscriptions(client: { id: string }, topics: string[]): Promise<void>;
  subscriptionsByClient(client: { id: string }): Promise<Sub[]>;
  subscriptionsByTopic(topic: string): Promise<Array<Sub & { clientId: string }>>;
  cleanSubscriptions(client: { id: string }): Promise<void>;
  countOffline(): Promise<{ subsCount: number; clientsCount: number }>;
  getClientList(topic: string): Readable;
};
const LevelPersistence = require('aedes-persistence-level/asyncPersistence.js') as new (db: unknown) => Persistence;
const QlobberSub = require('qlobber/aedes/qlobber-sub') as { prototype: { match(...a: unknown[]): unknown } };

const scratchpad = scratch();
afterEach(() => scratchpad.clean());
const broker = { id: 'relay-test' };

async function open(dir = scratchpad.dir()): Promise<{ db: Level<string, Buffer>; dir: string }> {
  const db = new Level<string, Buffer>(join(dir, 'mqtt'), { valueEncoding: 'buffer' });
  await db.open();
  scratchpad.defer(() => db.close());
  return { db, dir };
}

async function persistence(ours: boolean, db: Level<string, Buffer>): Promise<Persistence> {
  const p = new LevelPersistence(db);
  if (ours) ownSubscriptions(p, db);
  await p.setup(broker);
  return p;
}

const CMD = (site: string) => `solidaire/v1/sites/${site}/cmd/#`;
const OFFER = 'solidaire/v1/releases/offer';
const HEAD = 'solidaire/v1/spaces/s1/head';

/** What aedes would see: subscriptions by topic and by client, sorted. */
async function view(p: Persistence) {
  const byTopic: Record<string, string[]> = {};
  for (const t of [OFFER, HEAD, 'solidaire/v1/sites/a/cmd/c1', 'solidaire/v1/sites/b/cmd/c1', 'x/y']) {
    byTopic[t] = (await p.subscriptionsByTopic(t)).map((s) => `${s.clientId} ${s.topic} ${s.qos}`).sort();
  }
  const byClient: Record<string, string[]> = {};
  for (const id of ['a', 'b', 'c']) byClient[id] = (await p.subscriptionsByClient({ id })).map((s) => `${s.topic} ${s.qos}`).sort();
  return { byTopic, byClient };
}

async function script(p: Persistence) {
  await p.addSubscriptions({ id: 'a' }, [{ topic: CMD('a'), qos: 1 }, { topic: OFFER, qos: 1 }]);
  await p.addSubscriptions({ id: 'b' }, [{ topic: CMD('b'), qos: 1 }, { topic: OFFER, qos: 1 }, { topic: HEAD, qos: 0 }]);
  await p.addSubscriptions({ id: 'c' }, [{ topic: 'x/+', qos: 1 }, { topic: HEAD, qos: 1 }]);
  await p.addSubscriptions({ id: 'a' }, [{ topic: OFFER, qos: 0 }]); // down to QoS 0: queues nothing
  await p.addSubscriptions({ id: 'c' }, [{ topic: HEAD, qos: 1 }]); // the same again
  await p.removeSubscriptions({ id: 'b' }, [CMD('b')]);
}

describe('relay: persistent subscriptions', () => {
  it('answers as aedes-persistence-level does, and again after a restart', async () => {
    const theirs = await persistence(false, (await open()).db);
    await script(theirs);
    const { db, dir } = await open();
    const ours = await persistence(true, db);
    await script(ours);
    const expected = await view(theirs);
    expect(expected.byTopic[OFFER]).toEqual([`b ${OFFER} 1`]);
    expect(await view(ours)).toEqual(expected);
    expect(await ours.countOffline()).toEqual(await theirs.countOffline());
    const list: string[] = [];
    for await (const id of ours.getClientList(HEAD)) list.push(id as string);
    expect(list.sort()).toEqual(['b', 'c']);
    await ours.cleanSubscriptions({ id: 'c' });
    expect((await ours.subscriptionsByClient({ id: 'c' })).length).toBe(0);
    expect(await ours.subscriptionsByTopic('x/y')).toEqual([]);

    // Restarted: the same subscriptions, from the disk.
    await db.close();
    const again = await open(dir);
    const after = await persistence(true, again.db);
    const now = await view(after);
    expect(now.byClient).toEqual({ ...expected.byClient, c: [] });
    expect(now.byTopic[OFFER]).toEqual(expected.byTopic[OFFER]);
  });

  it('moves the subscriptions an older relay kept in the persistence’s keys', async () => {
    const { db, dir } = await open();
    const theirs = await persistence(false, db);
    await script(theirs);
    const expected = await view(theirs);
    await db.close();
    const again = await open(dir);
    const ours = await persistence(true, again.db);
    expect(await view(ours)).toEqual(expected);
    const left: string[] = [];
    for await (const key of again.db.keys({ gte: 'subscriptions:', lt: 'subscriptions;' })) left.push(key);
    expect(left).toEqual([]);
  });

  it('does not search the other subscribers when a site subscribes to a filter they share', async () => {
    const run = async (ours: boolean) => {
      const p = await persistence(ours, (await open()).db);
      const match = QlobberSub.prototype.match;
      let searches = 0;
      QlobberSub.prototype.match = function (this: unknown, ...a: unknown[]) {
        searches++;
        return match.apply(this, a);
      };
      try {
        for (let i = 0; i < 200; i++) await p.addSubscriptions({ id: `site${i}` }, [{ topic: OFFER, qos: 1 }]);
      } finally {
        QlobberSub.prototype.match = match;
      }
      expect((await p.subscriptionsByTopic(OFFER)).length).toBe(200);
      return searches;
    };
    expect(await run(false)).toBe(200); // aedes-persistence-level: one search of all of them each time
    expect(await run(true)).toBe(0);
  });
});
