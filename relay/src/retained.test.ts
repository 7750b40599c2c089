/**
 * The narrow lookup of retained messages (retained.ts) answers what aedes-persistence-level
 * answers, filter by filter, over the persistence's own storage; and it reads only the
 * keys under a filter's literal head.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { Level } from 'level';
import { scratch } from '@solidaire/appliance/testing';
import { narrowRetainedLookups, retainedMatching } from './retained.js';

const require = createRequire(import.meta.url);
const LevelPersistence = require('aedes-persistence-level/asyncPersistence.js') as new (db: unknown) => {
  storeRetained(packet: object): Promise<void>;
  createRetainedStreamCombi(patterns: string[]): Readable;
};

const scratchpad = scratch();
afterEach(() => scratchpad.clean());

async function store(): Promise<Level<string, Buffer>> {
  const db = new Level<string, Buffer>(join(scratchpad.dir(), 'mqtt'), { valueEncoding: 'buffer' });
  await db.open();
  scratchpad.defer(() => db.close());
  return db;
}

const TOPICS = [
  'solidaire/v1/sites/abc/state',
  'solidaire/v1/sites/abcd/state',
  'solidaire/v1/sites/abc/cmd/1',
  'solidaire/v1/sites/abc/cmd/2',
  'solidaire/v1/sites/abcd/cmd/1',
  'solidaire/v1/spaces/s1/head',
  'solidaire/v1/releases/offer',
  'a',
  'a/b',
  'a/b/',
  'a/b/c',
  'a/bc',
  'a//b',
  '/lead',
  'é/ü/1',
  'é/üx',
  '日本/x',
  '$SYS/broker/x',
];

const FILTERS = [
  'solidaire/v1/sites/abc/cmd/#',
  'solidaire/v1/sites/+/state',
  'solidaire/v1/sites/abc/state',
  'solidaire/v1/releases/offer',
  'solidaire/v1/nothing/here',
  'a/b/#',
  'a/+',
  'a/+/c',
  'a/b/+',
  '+/b/#',
  '#',
  '/+',
  'é/#',
  'é/ü/+',
  '日本/+',
  '$SYS/#',
];

async function topicsOf(stream: Readable): Promise<string[]> {
  const out: string[] = [];
  for await (const p of stream) out.push(`${(p as { topic: string }).topic}=${(p as { payload: Buffer }).payload.toString()}`);
  return out;
}

describe('relay: retained messages by the filter’s literal head', () => {
  it('answers every filter as aedes-persistence-level does, each message once', async () => {
    const db = await store();
    const theirs = new LevelPersistence(db);
    for (const topic of TOPICS) await theirs.storeRetained({ cmd: 'publish', topic, payload: Buffer.from(`p:${topic}`), qos: 1, retain: true });
    const ours = new LevelPersistence(db);
    narrowRetainedLookups(ours, db);
    let matched = 0;
    for (const filter of FILTERS) {
      const expected = await topicsOf(theirs.createRetainedStreamCombi([filter]));
      const got = await topicsOf(ours.createRetainedStreamCombi([filter]));
      expect(got.sort(), filter).toEqual(expected.sort());
      matched += got.length;
    }
    expect(matched).toBeGreaterThan(TOPICS.length); // the filters did match
    // Several filters: their union, each message once (aedes-persistence-level repeats it).
    const union = await topicsOf(ours.createRetainedStreamCombi(['a/#', 'a/b', 'a/+']));
    expect(union.sort()).toEqual(['a', 'a/b', 'a/b/', 'a/b/c', 'a/bc', 'a//b'].map((t) => `${t}=p:${t}`).sort());
  });

  it('reads only the keys under the head of a filter, one lookup for a filter without wildcards', async () => {
    const db = await store();
    const persistence = new LevelPersistence(db);
    for (let i = 0; i < 200; i++) {
      await persistence.storeRetained({ cmd: 'publish', topic: `solidaire/v1/sites/site${i}/state`, payload: Buffer.from('online'), qos: 1, retain: true });
    }
    await persistence.storeRetained({ cmd: 'publish', topic: 'solidaire/v1/sites/site7/cmd/c1', payload: Buffer.from('{}'), qos: 1, retain: true });
    let read = 0;
    const values = db.values.bind(db);
    db.values = ((options: object) => {
      const it = values(options as never);
      return (async function* () {
        for await (const v of it) {
          read++;
          yield v;
        }
      })();
    }) as unknown as typeof db.values;
    const found: string[] = [];
    for await (const p of retainedMatching(db, ['solidaire/v1/sites/site7/cmd/#'])) found.push(p.topic);
    expect(found).toEqual(['solidaire/v1/sites/site7/cmd/c1']);
    expect(read).toBe(1); // site7's command: not the 200 presences
    read = 0;
    for await (const p of retainedMatching(db, ['solidaire/v1/sites/site9/state'])) found.push(p.topic);
    expect(read).toBe(0);
    expect(found).toEqual(['solidaire/v1/sites/site7/cmd/c1', 'solidaire/v1/sites/site9/state']);
  });
});
