/**
 * Two relay brokers sharing a real Redis (Debian's redis-server): a command published
 * through one reaches a site connected to the other, and a command queued while the site
 * is away reaches it on whichever instance it comes back to.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { connect as tcp } from 'node:net';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { openDatabase } from '@solidaire/appliance/db';
import { FakeClock, seededRandom } from '@solidaire/appliance/clock';
import { generateSiteKey } from '@solidaire/appliance/identity';
import { freePort, scratch } from '@solidaire/appliance/testing';
import { enrollProof, topics } from '@solidaire/appliance/relay-link';
import { SiteRegistry } from './registry.js';
import { Broker } from './broker.js';
import { fileURLToPath } from 'node:url';

const scratchpad = scratch();
afterEach(() => scratchpad.clean());

async function redis(): Promise<number> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  scratchpad.defer(() => new Promise<void>((r) => (child.exitCode !== null ? r() : (child.once('exit', () => r()), child.kill('SIGTERM')))));
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((r) => {
      const c = tcp(port, '127.0.0.1', () => c.write('PING\r\n'));
      c.once('data', (d) => (c.destroy(), r(d.toString().startsWith('+PONG'))));
      c.once('error', () => r(false));
    });
    if (ok) return port;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('redis-server did not start');
}

describe('relay: two instances sharing Redis', () => {
  it('a command published through one instance reaches a site connected to the other', async () => {
    const redisPort = await redis();
    const clock = new FakeClock(Date.UTC(2026, 10, 1));
    const db = openDatabase({ path: join(scratchpad.dir(), 'relay.db'), migrations: fileURLToPath(new URL('../migrations/', import.meta.url)) });
    scratchpad.defer(() => db.close());
    const registry = new SiteRegistry({ db, clock, random: seededRandom(3) });
    const key = generateSiteKey();
    const { site, token } = registry.create({ name: 'Nioro', spaces: {} });
    const { password } = registry.enroll({ site: site.id, token, siteId: key.siteId, signature: Buffer.from(key.sign(enrollProof(site.id, token))).toString('base64') });

    const brokers = [0, 1].map(
      () => new Broker({ registry, dir: scratchpad.dir(), host: '127.0.0.1', port: 0, redis: { host: '127.0.0.1', port: redisPort }, spacesOf: () => new Set() }),
    );
    for (const b of brokers) {
      await b.start();
      scratchpad.defer(() => b.stop());
    }
    const [one, two] = brokers as [Broker, Broker];
    const connect = (b: Broker) =>
      mqtt.connectAsync(`mqtt://127.0.0.1:${b.port}`, { protocolVersion: 4, clientId: key.siteId, username: key.siteId, password, clean: false, reconnectPeriod: 0 });

    const client = await connect(two);
    await client.subscribeAsync(topics.commands(key.siteId), { qos: 1 });
    const first = new Promise<string>((r) => client.once('message', (_t, p) => r(p.toString())));
    await one.publish(topics.command(key.siteId, 'c1'), '{"action":"sync-now"}', { qos: 1 });
    expect(await first).toBe('{"action":"sync-now"}');
    await client.endAsync();

    // Away: queued in Redis by instance two's session; the site comes back to instance one.
    await two.publish(topics.command(key.siteId, 'c2'), '{"action":"collect-logs"}', { qos: 1 });
    const back = await connect(one);
    scratchpad.defer(() => back.endAsync());
    const second = await new Promise<{ topic: string; payload: string }>((r) => back.once('message', (t, p) => r({ topic: t, payload: p.toString() })));
    expect(second).toEqual({ topic: topics.command(key.siteId, 'c2'), payload: '{"action":"collect-logs"}' });
  });
});
