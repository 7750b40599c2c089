/**
 * What a box's visits cost on a metered link (the idle bench's findings, test/bench/idle.js):
 * with the box's own RelayLink over TLS against a real relay, a visit after the first
 * resumes the TLS session, makes no subscription the broker's session already holds (so
 * the retained heads are not sent again) and publishes no presence that did not change.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FakeClock, seededRandom } from '@solidaire/appliance/clock';
import { generateSiteKey } from '@solidaire/appliance/identity';
import { scratch } from '@solidaire/appliance/testing';
import { enrollProof, RelayLink, topics } from '@solidaire/appliance/relay-link';
import { Relay } from './relay.js';

const run = promisify(execFile);
const scratchpad = scratch();
afterEach(() => scratchpad.clean());

async function tlsRelay(clock: FakeClock) {
  const dir = scratchpad.dir();
  const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost']);
  const relay = new Relay({ dataDir: scratchpad.dir(), host: '127.0.0.1', httpPort: 0, mqttPort: 0, tls: { keyFile: key, certFile: cert, port: 0 }, hubListen: ['/ip4/127.0.0.1/tcp/0'], authorityDir: scratchpad.dir(), clock, random: seededRandom(5) });
  const addresses = await relay.start();
  scratchpad.defer(() => relay.stop());
  return { relay, http: addresses.http, ca: readFileSync(cert) };
}

describe('relay link: visits on a metered link', () => {
  it('send only what the relay does not hold yet', async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 1));
    const { relay, http, ca } = await tlsRelay(clock);
    const key = generateSiteKey();
    const { site, token } = relay.registry.create({ name: 'Gavinané', spaces: { gg: 'host' } });
    const res = await fetch(`${http}/api/v1/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ site: site.id, token, siteId: key.siteId, signature: Buffer.from(key.sign(enrollProof(site.id, token))).toString('base64') }),
    });
    const { mqtt } = (await res.json()) as { mqtt: { username: string; password: string } };
    await relay.broker.publish(topics.head('gg'), '{"a":{"m":1}}', { qos: 1, retain: true });
    const states: string[] = [];
    relay.events.on('publish', (_site, topic, payload) => topic === topics.state(key.siteId) && states.push(payload.toString()));

    let bytes = 0;
    let facts = { budgetUsedPct: 1.01, syncBacklogOps: 0 };
    const link = new RelayLink({
      config: { site: site.id, name: site.name, http, mqtt: { url: `mqtts://localhost:${relay.broker.tlsPort}`, ...mqtt }, hub: [], enrolledAt: 0 },
      clock,
      ca,
      commands: async () => ({ ok: true }),
      heads: { spaces: () => ['gg'], onHead: () => {} },
      state: () => facts,
      metered: () => true,
      settleQuietMs: 50,
      onBytes: (i, o) => (bytes += i + o),
    });
    scratchpad.defer(() => link.stop());
    const visit = async () => {
      const before = bytes;
      await link.flush();
      expect(link.status().lastError).toBeNull();
      return bytes - before;
    };

    const first = await visit();
    expect(link.status().heads).toBe(1);
    expect(states).toHaveLength(1);
    // Nothing changed: no retained head again, no presence again, no certificate again.
    const second = await visit();
    expect(link.status().heads).toBe(1);
    expect(states).toHaveLength(1);
    expect(second).toBeLessThan(first * 0.6);

    // A budget figure that moved by less than a tenth of a percent is not news either.
    facts = { budgetUsedPct: 1.04, syncBacklogOps: 0 };
    await visit();
    expect(states).toHaveLength(1);
    // What changed goes up; a head published while the box was away is queued in its session.
    facts = { budgetUsedPct: 1.04, syncBacklogOps: 7 };
    await relay.broker.publish(topics.head('gg'), '{"a":{"m":2}}', { qos: 1, retain: true });
    await visit();
    expect(states).toHaveLength(2);
    expect(JSON.parse(states[1]!)).toMatchObject({ state: 'online', budgetUsedPct: 1, syncBacklogOps: 7 });
    expect(link.status().heads).toBe(2);
  });

  it('says it is online again after a connection lost without a word (its last will ran)', async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 1));
    const { relay, http } = await tlsRelay(clock);
    const key = generateSiteKey();
    const { site, token } = relay.registry.create({ name: 'Youri', spaces: {} });
    const { password } = relay.registry.enroll({ site: site.id, token, siteId: key.siteId, signature: Buffer.from(key.sign(enrollProof(site.id, token))).toString('base64') });
    const states: string[] = [];
    relay.events.on('publish', (_site, topic, payload) => topic === topics.state(key.siteId) && states.push(payload.toString()));
    const link = new RelayLink({
      config: { site: site.id, name: site.name, http, mqtt: { url: `mqtt://127.0.0.1:${relay.broker.port}`, username: key.siteId, password }, hub: [], enrolledAt: 0 },
      clock,
      commands: async () => ({ ok: true }),
      metered: () => false,
      settleQuietMs: 20,
    });
    scratchpad.defer(() => link.stop());
    await link.flush();
    expect(states).toHaveLength(1);
    // The relay drops the connection (as a NAT or a 3G cut would): the will says "offline".
    // (Plain MQTT here: over TLS the link was seen not to notice the relay closing.)
    relay.broker.kick(key.siteId);
    await expect.poll(() => link.status().connected).toBe(false);
    await link.flush();
    expect(link.status().connected).toBe(true);
    expect(states.filter((s) => s !== 'offline')).toHaveLength(2);
  });
});
