/**
 * What a box's visits cost on a metered link (the idle bench's findings, test/bench/idle.js):
 * with the box's own RelayLink over TLS against a real relay, a visit after the first
 * resumes the TLS session, makes no subscription the broker's session already holds (so
 * the retained heads are not sent again) and publishes no presence that did not change.
 * The bytes it counts for the link's month are those a TCP hop in front of the relay sees,
 * and a connection the relay drops is noticed over TLS as over plain MQTT.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FakeClock, seededRandom } from '@solidaire/appliance/clock';
import { generateSiteKey } from '@solidaire/appliance/identity';
import { scratch } from '@solidaire/appliance/testing';
import { enrollProof, RelayLink, topics } from '@solidaire/appliance/relay-link';
import { Relay } from './relay.js';

const run = promisify(execFile);
/** How long a condition may take on a loaded machine before the test fails (it passes as soon as it holds). */
const settled = { timeout: 10_000 };
const scratchpad = scratch();
afterEach(() => scratchpad.clean());

async function tlsRelay(clock: FakeClock) {
  const dir = scratchpad.dir();
  const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost']);
  const relay = new Relay({ dataDir: scratchpad.dir(), host: '127.0.0.1', httpPort: 0, mqttPort: 0, tls: { keyFile: key, certFile: cert, port: 0 }, hubListen: ['/ip4/127.0.0.1/tcp/0'], authorityDir: scratchpad.dir(), clock, random: seededRandom(5) });
  const addresses = await relay.start();
  let stopped = false;
  const stop = async () => {
    if (!stopped) await relay.stop();
    stopped = true;
  };
  scratchpad.defer(stop);
  return { relay, http: addresses.http, ca: readFileSync(cert), stop };
}

/**
 * A TCP hop to the relay that counts what crosses it, both ways, until both of its
 * sockets have closed. Each direction is forwarded and closed on its own (half-open
 * sockets), so late bytes such as the relay's TLS close_notify still reach the box.
 */
async function countingHop(targetPort: number) {
  const seen = { up: 0, down: 0, open: 0, firstByteUp: [] as number[] };
  const sockets = new Set<Socket>();
  const server = createServer({ allowHalfOpen: true }, (box) => {
    const relay = connect({ port: targetPort, host: '127.0.0.1', allowHalfOpen: true });
    for (const s of [box, relay]) {
      seen.open++;
      sockets.add(s);
      s.once('close', () => (seen.open--, sockets.delete(s)));
    }
    box.once('data', (d: Buffer) => seen.firstByteUp.push(d[0]!));
    box.on('data', (d: Buffer) => (seen.up += d.length)).on('error', () => relay.destroy());
    relay.on('data', (d: Buffer) => (seen.down += d.length)).on('error', () => box.destroy());
    box.pipe(relay);
    relay.pipe(box);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  scratchpad.defer(async () => {
    for (const s of sockets) s.destroy();
    server.close();
    await once(server, 'close');
  });
  return { port: (server.address() as { port: number }).port, seen };
}

/** A site enrolled with the relay: what its box's config.mqtt holds, but for the address. */
function enrolledSite(relay: Relay, name: string, spaces: Record<string, 'host' | 'carry'> = {}) {
  const key = generateSiteKey();
  const { site, token } = relay.registry.create({ name, spaces });
  const { password } = relay.registry.enroll({ site: site.id, token, siteId: key.siteId, signature: Buffer.from(key.sign(enrollProof(site.id, token))).toString('base64') });
  return { site, key, mqtt: { username: key.siteId, password } };
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
    // (The enrollment's mqtt.url is the relay's plain address; this box is told the TLS one.)
    const { mqtt } = (await res.json()) as { mqtt: { url: string; username: string; password: string } };
    await relay.broker.publish(topics.head('gg'), '{"a":{"m":1}}', { qos: 1, retain: true });
    const states: string[] = [];
    relay.events.on('publish', (_site, topic, payload) => topic === topics.state(key.siteId) && states.push(payload.toString()));

    let bytes = 0;
    let facts = { budgetUsedPct: 1.01, syncBacklogOps: 0 };
    const link = new RelayLink({
      config: { site: site.id, name: site.name, http, mqtt: { ...mqtt, url: `mqtts://localhost:${relay.broker.tlsPort}` }, hub: [], enrolledAt: 0 },
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

  it('counts for the month what crosses the TCP socket over TLS, both ways, handshake included', async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 1));
    const { relay, http, ca } = await tlsRelay(clock);
    const { site, mqtt } = enrolledSite(relay, 'Nioro', { gg: 'host' });
    await relay.broker.publish(topics.head('gg'), '{"a":{"m":1}}', { qos: 1, retain: true });
    const hop = await countingHop(relay.broker.tlsPort);
    const counted = { in: 0, out: 0 };
    const link = new RelayLink({
      config: { site: site.id, name: site.name, http, mqtt: { ...mqtt, url: `mqtts://localhost:${hop.port}` }, hub: [], enrolledAt: 0 },
      clock,
      ca,
      commands: async () => ({ ok: true }),
      heads: { spaces: () => ['gg'], onHead: () => {} },
      metered: () => true,
      settleQuietMs: 50,
      onBytes: (i, o) => ((counted.in += i), (counted.out += o)),
    });
    scratchpad.defer(() => link.stop());
    // A visit, once the connection has closed at both ends of the hop: what the hop saw.
    const visit = async () => {
      await link.flush();
      expect(link.status()).toMatchObject({ lastError: null, connected: false });
      await expect.poll(() => hop.seen.open, settled).toBe(0);
      await expect.poll(() => ({ ...counted }), settled).toEqual({ in: hop.seen.down, out: hop.seen.up });
      return counted.in + counted.out;
    };

    // The full handshake: the relay's certificate alone is several hundred bytes.
    const first = await visit();
    expect(first).toBeGreaterThan(ca.length);
    // The resumed one, then one more: the count stays the socket's.
    const second = (await visit()) - first;
    expect(second).toBeGreaterThan(0);
    expect(second).toBeLessThan(first);
    await visit();
    // Each connection was TLS: it opened with a handshake record [RFC 8446 5.1].
    expect(hop.seen.firstByteUp).toEqual([0x16, 0x16, 0x16]);
  });

  // The relay drops the connection (as a NAT or a 3G cut would), or stops: the box notices
  // at once over TLS as over plain MQTT, the will says "offline", and the next visit says
  // "online" again.
  describe.each(['mqtt', 'mqtts'] as const)('a connection the relay drops, over %s://', (scheme) => {
    async function keptLink() {
      const clock = new FakeClock(Date.UTC(2026, 10, 1));
      const r = await tlsRelay(clock);
      const { site, key, mqtt } = enrolledSite(r.relay, 'Youri');
      const states: string[] = [];
      r.relay.events.on('publish', (_site, topic, payload) => topic === topics.state(key.siteId) && states.push(payload.toString()));
      const url = scheme === 'mqtts' ? `mqtts://localhost:${r.relay.broker.tlsPort}` : `mqtt://127.0.0.1:${r.relay.broker.port}`;
      const link = new RelayLink({
        config: { site: site.id, name: site.name, http: r.http, mqtt: { ...mqtt, url }, hub: [], enrolledAt: 0 },
        clock,
        ca: r.ca,
        commands: async () => ({ ok: true }),
        metered: () => false,
        settleQuietMs: 20,
      });
      scratchpad.defer(() => link.stop());
      await link.flush();
      expect(link.status()).toMatchObject({ connected: true, lastError: null });
      expect(states).toHaveLength(1);
      return { ...r, link, states, siteKey: key.siteId };
    }

    it('is noticed, and the box says it is online again (its last will ran)', async () => {
      const { relay, link, states, siteKey } = await keptLink();
      relay.broker.kick(siteKey);
      await expect.poll(() => link.status().connected, settled).toBe(false);
      await expect.poll(() => states.at(-1), settled).toBe('offline');
      await link.flush();
      expect(link.status()).toMatchObject({ connected: true, lastError: null });
      expect(states.filter((s) => s !== 'offline')).toHaveLength(2);
    });

    it('is noticed when the relay stops', async () => {
      const { link, stop } = await keptLink();
      await stop();
      await expect.poll(() => link.status().connected, settled).toBe(false);
      await link.flush();
      expect(link.status().connected).toBe(false);
      expect(link.status().lastError).not.toBeNull();
    });
  });
});
