/**
 * A refused subscription is not kept, even when it came in the same SUBSCRIBE as an
 * allowed one: aedes stores every filter of the packet once one of them is granted, and a
 * site asking for its own commands and another site's in one packet would otherwise have
 * the other's commands queued in its session while it is away, and delivered once back.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import { openDatabase } from '@solidaire/appliance/db';
import { FakeClock, seededRandom } from '@solidaire/appliance/clock';
import { generateSiteKey } from '@solidaire/appliance/identity';
import { scratch } from '@solidaire/appliance/testing';
import { enrollProof, topics } from '@solidaire/appliance/relay-link';
import { SiteRegistry } from './registry.js';
import { Broker } from './broker.js';

const scratchpad = scratch();
afterEach(() => scratchpad.clean());

describe('relay broker: refused subscriptions', () => {
  it('a site that asks for another site’s commands with its own gets only its own, also while away', async () => {
    const clock = new FakeClock(Date.UTC(2026, 11, 4));
    const db = openDatabase({ path: join(scratchpad.dir(), 'relay.db'), migrations: fileURLToPath(new URL('../migrations/', import.meta.url)) });
    scratchpad.defer(() => db.close());
    const registry = new SiteRegistry({ db, clock, random: seededRandom(3) });
    const site = () => {
      const key = generateSiteKey();
      const { site: s, token } = registry.create({ name: `Site ${key.siteId.slice(-4)}`, spaces: {} });
      const { password } = registry.enroll({ site: s.id, token, siteId: key.siteId, signature: Buffer.from(key.sign(enrollProof(s.id, token))).toString('base64') });
      return { id: key.siteId, password };
    };
    const a = site();
    const b = site();
    const broker = new Broker({ registry, dir: scratchpad.dir(), host: '127.0.0.1', port: 0, spacesOf: () => new Set() });
    await broker.start();
    scratchpad.defer(() => broker.stop());
    const connect = () =>
      mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, { protocolVersion: 4, clientId: a.id, username: a.id, password: a.password, clean: false, reconnectPeriod: 0 });

    const first = await connect();
    // One SUBSCRIBE, two filters: its own granted, the other site's refused (0x80 in the
    // SUBACK, which MQTT.js reports as an error).
    const refusal = await new Promise<Error | null>((resolve) =>
      first.subscribe({ [topics.commands(a.id)]: { qos: 1 }, [topics.commands(b.id)]: { qos: 1 } }, (e) => resolve(e ?? null)),
    );
    expect(refusal?.message).toMatch(/Subscribe error/);
    await first.endAsync();

    // Away: a command for each site.
    await broker.publish(topics.command(b.id, 'for-b'), '{"action":"restart"}', { qos: 1 });
    await broker.publish(topics.command(a.id, 'for-a'), '{"action":"sync-now"}', { qos: 1 });
    const back = await connect();
    scratchpad.defer(() => back.endAsync());
    const received: string[] = [];
    back.on('message', (topic) => received.push(topic));
    for (let i = 0; i < 50 && received.length < 1; i++) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    expect(received).toEqual([topics.command(a.id, 'for-a')]);
    // Back, and connected: the other site's commands do not reach it either.
    await broker.publish(topics.command(b.id, 'for-b-2'), '{"action":"restart"}', { qos: 1 });
    await broker.publish(topics.command(a.id, 'for-a-2'), '{"action":"sync-now"}', { qos: 1 });
    for (let i = 0; i < 50 && received.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    expect(received).toEqual([topics.command(a.id, 'for-a'), topics.command(a.id, 'for-a-2')]);
  });
});
