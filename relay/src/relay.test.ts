/**
 * The relay with real clients: enrollment through its HTTP API by a real appliance,
 * Mosquitto's own mosquitto_pub against the broker's authentication and ACLs, MQTT.js for
 * sessions that outlive a restart of the relay, and revocation.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mqtt from 'mqtt';
import { Appliance } from '@solidaire/appliance';
import { FakeClock, seededRandom } from '@solidaire/appliance/clock';
import { scratch } from '@solidaire/appliance/testing';
import { performSetup } from '@solidaire/appliance/setup';
import { enroll, EnrollmentError, enrollProof, RelayLink, topics, type EnrollmentFile } from '@solidaire/appliance/relay-link';
import { Relay } from './relay.js';

const run = promisify(execFile);
const scratchpad = scratch();
afterEach(() => scratchpad.clean());
const tmp = () => scratchpad.dir('solidaire-relay-');

async function startRelay(clock: FakeClock, dataDir = tmp(), authorityDir = tmp()) {
  const relay = new Relay({ dataDir, host: '127.0.0.1', httpPort: 0, mqttPort: 0, hubListen: ['/ip4/127.0.0.1/tcp/0'], authorityDir, clock, random: seededRandom(5) });
  const addresses = await relay.start();
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await relay.stop();
  };
  scratchpad.defer(stop);
  return { relay, addresses, stop, dataDir, authorityDir };
}

async function box(clock: FakeClock, seed: number) {
  const appliance = new Appliance({ dataDir: tmp(), clock, random: seededRandom(seed), logError: () => {} });
  await performSetup(appliance.services, { siteName: `Boîte ${seed}`, admin: { username: 'admin', displayName: 'Admin', password: 'correct-horse-battery' } });
  scratchpad.defer(() => appliance.stop());
  return appliance;
}

async function api(base: string, method: string, path: string, body?: unknown, token?: string) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function createSite(r: { relay: Relay; addresses: { http: string } }, name: string, spaces: Record<string, 'host' | 'carry'>) {
  const res = await api(r.addresses.http, 'POST', '/api/v1/sites', { name, spaces }, r.relay.adminToken);
  expect(res.status).toBe(201);
  return res.body as { site: { id: string }; enrollment: EnrollmentFile };
}

async function enrolled(r: Awaited<ReturnType<typeof startRelay>>, clock: FakeClock, seed: number, name: string) {
  const appliance = await box(clock, seed);
  const { enrollment } = await createSite(r, name, { 'givors-gavinane': 'host' });
  const s = appliance.services;
  const config = await enroll({ file: enrollment, key: s.site.key, network: s.network, dataDir: tmp(), now: clock.now() });
  return { appliance, config, siteId: s.site.id };
}

/** mosquitto_pub once; resolves with its exit code (0: the publish was accepted). */
async function mosquittoPub(port: number, args: string[]): Promise<number> {
  try {
    await run('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(port), '-V', 'mqttv311', '-q', '1', ...args], { timeout: 10_000 });
    return 0;
  } catch (e) {
    return (e as { code?: number }).code ?? 1;
  }
}

function connect(url: string, username: string, password: string, extra: mqtt.IClientOptions = {}) {
  return mqtt.connectAsync(url, { protocolVersion: 4, clientId: username, username, password, reconnectPeriod: 0, connectTimeout: 5000, ...extra });
}

describe('relay: enrollment', () => {
  it('an admin creates a site; the box enrolls once with its file, proving its key, and joins the federation', async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 1));
    const r = await startRelay(clock);
    expect((await api(r.addresses.http, 'POST', '/api/v1/sites', { name: 'Nioro' })).status).toBe(401);
    expect((await api(r.addresses.http, 'GET', '/api/v1/sites', undefined, 'faux')).status).toBe(401);

    const appliance = await box(clock, 1);
    const { site, enrollment } = await createSite(r, 'Nioro du Sahel', { 'givors-gavinane': 'host', commons: 'host' });
    expect(enrollment).toMatchObject({ solidaire: 'enrollment', version: 1, site: site.id, name: 'Nioro du Sahel', relay: { http: r.addresses.http } });
    const dataDir = tmp();
    const s = appliance.services;
    const config = await enroll({ file: enrollment, key: s.site.key, network: s.network, dataDir, now: clock.now() });
    expect(config.mqtt.username).toBe(s.site.id);
    expect(statSync(join(dataDir, 'relay.json')).mode & 0o777).toBe(0o600);
    // The box joined the federation and holds its own grant.
    expect(s.network.entitlements.federationId()).not.toBeNull();
    expect(s.network.entitlements.grantOf(s.site.id)?.spaces).toEqual({ 'givors-gavinane': 'host', commons: 'host' });
    const listed = await api(r.addresses.http, 'GET', `/api/v1/sites/${site.id}`, undefined, r.relay.adminToken);
    expect(listed.body).toMatchObject({ siteKey: s.site.id, tokenExpires: null, online: false });

    // The same file works once.
    const other = await box(clock, 2);
    await expect(enroll({ file: enrollment, key: other.services.site.key, network: other.services.network, dataDir: tmp(), now: clock.now() })).rejects.toThrow(
      /déjà utilisé, expiré ou révoqué/,
    );
    // A box that only claims a key is refused.
    const second = await createSite(r, 'Gavinané', {});
    const forged = await api(r.addresses.http, 'POST', '/api/v1/enroll', {
      site: second.site.id,
      token: second.enrollment.token,
      siteId: other.services.site.id,
      signature: Buffer.from(s.site.key.sign(enrollProof(second.site.id, second.enrollment.token))).toString('base64'),
    });
    expect(forged.status).toBe(403);
    // An expired file is refused, on the box before anything is sent, and by the relay.
    clock.advance(31 * 24 * 3600 * 1000);
    await expect(enroll({ file: second.enrollment, key: other.services.site.key, network: other.services.network, dataDir: tmp(), now: clock.now() })).rejects.toBeInstanceOf(EnrollmentError);
    const late = await api(r.addresses.http, 'POST', '/api/v1/enroll', {
      site: second.site.id,
      token: second.enrollment.token,
      siteId: other.services.site.id,
      signature: Buffer.from(other.services.site.key.sign(enrollProof(second.site.id, second.enrollment.token))).toString('base64'),
    });
    expect(late.status).toBe(403);
    const bad = await api(r.addresses.http, 'POST', '/api/v1/sites', { name: '' }, r.relay.adminToken);
    expect(bad.status).toBe(400);
    expect((bad.body as { error: { message: string } }).error.message).toMatch(/nom/);
  });
});

describe('relay: broker', () => {
  it('refuses anonymous and wrong passwords (mosquitto_pub), and keeps a site to its own topics', async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 1));
    const r = await startRelay(clock);
    const a = await enrolled(r, clock, 1, 'Nioro');
    const b = await enrolled(r, clock, 2, 'Youri');
    const port = r.relay.broker.port;
    const seen: string[] = [];
    r.relay.events.on('publish', (site, topic) => seen.push(`${site === a.siteId ? 'A' : 'B'} ${topic}`));

    expect(await mosquittoPub(port, ['-t', topics.health(a.siteId), '-m', 'x'])).not.toBe(0);
    expect(await mosquittoPub(port, ['-i', a.siteId, '-u', a.siteId, '-P', 'mauvais', '-t', topics.health(a.siteId), '-m', 'x'])).not.toBe(0);
    expect(await mosquittoPub(port, ['-i', a.siteId, '-u', a.siteId, '-P', a.config.mqtt.password, '-t', topics.health(a.siteId), '-m', 'ok'])).toBe(0);
    // As another site, or a command to itself: the broker drops the publish and the client.
    await mosquittoPub(port, ['-i', a.siteId, '-u', a.siteId, '-P', a.config.mqtt.password, '-t', topics.health(b.siteId), '-m', 'usurpé']);
    await mosquittoPub(port, ['-i', a.siteId, '-u', a.siteId, '-P', a.config.mqtt.password, '-t', topics.command(a.siteId, 'x'), '-m', 'moi-même']);
    // Another site's credentials under A's id: refused.
    expect(await mosquittoPub(port, ['-i', a.siteId, '-u', b.siteId, '-P', b.config.mqtt.password, '-t', topics.health(a.siteId), '-m', 'x'])).not.toBe(0);
    expect(seen).toEqual([`A ${topics.health(a.siteId)}`]);

    // Subscriptions: its own commands yes, another site's no.
    const client = await connect(a.config.mqtt.url, a.siteId, a.config.mqtt.password);
    scratchpad.defer(() => client.endAsync());
    expect((await client.subscribeAsync(topics.commands(a.siteId), { qos: 1 })).map((g) => g.qos)).toEqual([1]);
    // Refused filters come back as 0x80 in the SUBACK (MQTT.js turns that into an error); the connection stays.
    await expect(client.subscribeAsync(topics.commands(b.siteId), { qos: 1 })).rejects.toThrow(/Subscribe error/);
    await expect(client.subscribeAsync('#', { qos: 1 })).rejects.toThrow(/Subscribe error/);
    expect(client.connected).toBe(true);
  });

  it('speaks MQTT over WebSocket on the HTTP port, with the same credentials and rules', async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 1));
    const r = await startRelay(clock);
    const a = await enrolled(r, clock, 1, 'Nioro');
    const ws = r.addresses.http.replace(/^http/, 'ws') + '/mqtt';
    const seen: string[] = [];
    r.relay.events.on('publish', (_site, topic) => seen.push(topic));
    const client = await connect(ws, a.siteId, a.config.mqtt.password);
    scratchpad.defer(() => client.endAsync());
    await client.publishAsync(topics.health(a.siteId), 'par websocket', { qos: 1 });
    expect(seen).toEqual([topics.health(a.siteId)]);
    await expect(connect(ws, a.siteId, 'mauvais')).rejects.toThrow();
  });

  it('speaks MQTT over TLS when given a key and certificate', async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 1));
    const dir = scratchpad.dir();
    const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
    await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1']);
    const relay = new Relay({ dataDir: scratchpad.dir(), host: '127.0.0.1', httpPort: 0, mqttPort: 0, tls: { keyFile: key, certFile: cert, port: 0 }, hubListen: ['/ip4/127.0.0.1/tcp/0'], authorityDir: scratchpad.dir(), clock, random: seededRandom(5) });
    const addresses = await relay.start();
    scratchpad.defer(() => relay.stop());
    const a = await enrolled({ relay, addresses, stop: () => relay.stop(), dataDir: '', authorityDir: '' }, clock, 1, 'Nioro');
    const { readFileSync } = await import('node:fs');
    const client = await connect(`mqtts://127.0.0.1:${relay.broker.tlsPort}`, a.siteId, a.config.mqtt.password, { ca: readFileSync(cert), servername: 'localhost' });
    scratchpad.defer(() => client.endAsync());
    expect(client.connected).toBe(true);
    // Without trusting the certificate: refused.
    await expect(connect(`mqtts://127.0.0.1:${relay.broker.tlsPort}`, a.siteId, a.config.mqtt.password)).rejects.toThrow();

    // The box's own link, over TLS: the bytes it counts are the encrypted ones on the socket.
    await client.endAsync();
    let counted = 0;
    const link = new RelayLink({
      config: { ...a.config, mqtt: { ...a.config.mqtt, url: `mqtts://localhost:${relay.broker.tlsPort}` } },
      clock,
      ca: readFileSync(cert),
      commands: async () => ({ ok: true }),
      metered: () => true,
      settleQuietMs: 50,
      onBytes: (i, o) => (counted += i + o),
    });
    await link.flush();
    expect(link.status()).toMatchObject({ lastError: null, connected: false });
    expect(link.status().lastConnectedAt).not.toBeNull();
    // A TLS 1.3 handshake with an ECDSA certificate alone is several hundred bytes.
    expect(counted).toBeGreaterThan(800);
  });

  it('a command queued while the site is away reaches it after the relay restarted', async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 1));
    const first = await startRelay(clock);
    const a = await enrolled(first, clock, 1, 'Nioro');
    const url = () => `mqtt://127.0.0.1:${port}`;
    let port = first.relay.broker.port;
    const session = { clean: false };
    const c1 = await connect(url(), a.siteId, a.config.mqtt.password, session);
    await c1.subscribeAsync(topics.commands(a.siteId), { qos: 1 });
    await c1.endAsync();

    await first.relay.broker.publish(topics.command(a.siteId, 'cmd-1'), JSON.stringify({ action: 'sync-now' }), { qos: 1 });
    await first.stop();
    const again = await startRelay(clock, first.dataDir, first.authorityDir);
    port = again.relay.broker.port;

    const received = new Promise<{ topic: string; payload: string }>((resolve) => {
      void connect(url(), a.siteId, a.config.mqtt.password, session).then((c2) => {
        scratchpad.defer(() => c2.endAsync());
        c2.on('message', (topic, payload) => resolve({ topic, payload: payload.toString() }));
      });
    });
    expect(await received).toEqual({ topic: topics.command(a.siteId, 'cmd-1'), payload: '{"action":"sync-now"}' });
  });

  it('a site connected when the relay stops is shown offline after, not online until it comes back', async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 1));
    const first = await startRelay(clock);
    const a = await enrolled(first, clock, 1, 'Nioro');
    const c = await connect(`mqtt://127.0.0.1:${first.relay.broker.port}`, a.siteId, a.config.mqtt.password, { clean: false });
    c.on('error', () => {});
    for (let i = 0; i < 100 && !first.relay.fleet.presence(a.siteId).online; i++) await new Promise((r) => setTimeout(r, 20));
    expect(first.relay.fleet.presence(a.siteId).online).toBe(true);
    await first.stop();
    c.end(true);
    const again = await startRelay(clock, first.dataDir, first.authorityDir);
    expect(again.relay.fleet.presence(a.siteId).online).toBe(false);
  });

  it('a revoked site is disconnected at once and refused after', async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 1));
    const r = await startRelay(clock);
    const a = await enrolled(r, clock, 1, 'Nioro');
    const client = await connect(a.config.mqtt.url, a.siteId, a.config.mqtt.password);
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    // Online once the broker has finished accepting it (its CONNACK may come first).
    const list = async () => (await api(r.addresses.http, 'GET', '/api/v1/sites', undefined, r.relay.adminToken)).body as { sites: Array<{ id: string; online: boolean }> };
    await vi.waitFor(async () => expect((await list()).sites[0]!.online).toBe(true));
    const sites = await list();
    const revoked = await api(r.addresses.http, 'DELETE', `/api/v1/sites/${sites.sites[0]!.id}`, undefined, r.relay.adminToken);
    expect(revoked.status).toBe(200);
    await closed;
    await expect(connect(a.config.mqtt.url, a.siteId, a.config.mqtt.password)).rejects.toThrow();
    // The hub refuses it too: its grant is revoked and the relay refuses the peer.
    expect(r.relay.hub.network.entitlements.grantOf(a.siteId)).toBeUndefined();
    await client.endAsync(true);
  });
});
