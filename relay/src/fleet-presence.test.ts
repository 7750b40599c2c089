/**
 * Presences (connections seen and lost, and what the sites say of themselves) share their
 * commits (fleet.ts): those that come together are written in one transaction, in the
 * order they came, and each resolves once written.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '@solidaire/appliance/db';
import { FakeClock, seededRandom } from '@solidaire/appliance/clock';
import { scratch } from '@solidaire/appliance/testing';
import { topics } from '@solidaire/appliance/relay-link';
import { SiteRegistry } from './registry.js';
import { Fleet } from './fleet.js';

const scratchpad = scratch();
afterEach(() => scratchpad.clean());

function fleet() {
  const db = openDatabase({ path: join(scratchpad.dir(), 'relay.db'), migrations: fileURLToPath(new URL('../migrations/', import.meta.url)) });
  scratchpad.defer(() => db.close());
  const clock = new FakeClock(Date.UTC(2026, 11, 4));
  const random = seededRandom(4);
  let commits = 0;
  const transaction = db.transaction.bind(db);
  db.transaction = ((fn: (...args: never[]) => unknown) => {
    const tx = transaction(fn);
    return Object.assign((...args: never[]) => (commits++, tx(...args)), tx);
  }) as typeof db.transaction;
  const f = new Fleet({ db, clock, random, registry: new SiteRegistry({ db, clock, random }), publish: async () => {} });
  return { fleet: f, clock, commits: () => commits };
}

describe('relay: presences share their commits', () => {
  it('a fleet coming back is written in one transaction, in the order it came', async () => {
    const { fleet: f, clock, commits } = fleet();
    const written: Array<Promise<void>> = [];
    for (let i = 0; i < 50; i++) {
      written.push(f.onPresence(`site${i}`, true));
      written.push(f.onPublish(`site${i}`, topics.state(`site${i}`), Buffer.from(JSON.stringify({ state: 'online', version: `1.${i}` }))));
    }
    // site7 is lost at once: its last will comes after its connection.
    written.push(f.onPublish('site7', topics.state('site7'), Buffer.from('offline')));
    expect(f.presence('site3').online).toBe(false); // not yet written
    await Promise.all(written);
    expect(commits()).toBe(1);
    expect(f.presence('site3')).toMatchObject({ online: true, version: '1.3', lastSeen: clock.now() });
    expect(f.presence('site7')).toMatchObject({ online: false, version: '1.7' });
    // Later, alone: a commit of its own.
    clock.advance(60_000);
    await f.onPresence('site3', false);
    expect(commits()).toBe(2);
    expect(f.presence('site3')).toMatchObject({ online: false, lastSeen: clock.now() });
  });

  it('writes what waits at once when the relay stops', async () => {
    const { fleet: f, commits } = fleet();
    const gone = f.onPresence('site1', false);
    await f.stop();
    expect(commits()).toBe(1);
    expect(f.presence('site1').online).toBe(false);
    expect(f.presence('site1').lastSeen).not.toBeNull();
    await gone;
    await new Promise((r) => setTimeout(r, 30));
    expect(commits()).toBe(1); // its timer is gone with it
  });
});
