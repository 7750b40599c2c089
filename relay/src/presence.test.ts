/**
 * Presence when a box vanishes without a word (power cut, 3G drop): the link goes silent,
 * the broker's keep-alive runs out, the box's last will says "offline", and the relay
 * shows it offline — with a real broker and the box's own MQTT link through a proxy that
 * stops forwarding.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createServer, connect, type Socket } from 'node:net';
import { FakeClock, seededRandom } from '@solidaire/appliance/clock';
import { generateSiteKey } from '@solidaire/appliance/identity';
import { scratch } from '@solidaire/appliance/testing';
import { enrollProof, RelayLink } from '@solidaire/appliance/relay-link';
import { Relay } from './relay.js';

const scratchpad = scratch();
afterEach(() => scratchpad.clean());

/** A TCP proxy that can go silent: bytes stop flowing both ways, nothing is closed. */
async function silentableProxy(target: number) {
  const sockets: Socket[] = [];
  let silent = false;
  const server = createServer((inbound) => {
    const outbound = connect(target, '127.0.0.1');
    sockets.push(inbound, outbound);
    inbound.on('data', (d) => !silent && outbound.write(d));
    outbound.on('data', (d) => !silent && inbound.write(d));
    for (const s of [inbound, outbound]) s.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  scratchpad.defer(() => {
    sockets.forEach((s) => s.destroy());
    return new Promise<void>((r) => server.close(() => r()));
  });
  return { port: (server.address() as { port: number }).port, silence: () => (silent = true) };
}

describe('relay: presence', () => {
  it('a box that goes silent is shown offline once its keep-alive runs out', async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 1));
    const relay = new Relay({ dataDir: scratchpad.dir(), host: '127.0.0.1', httpPort: 0, mqttPort: 0, hubListen: ['/ip4/127.0.0.1/tcp/0'], clock, random: seededRandom(5) });
    await relay.start();
    scratchpad.defer(() => relay.stop());
    const key = generateSiteKey();
    const { site, token } = relay.registry.create({ name: 'Gavinané', spaces: {} });
    const { password } = relay.registry.enroll({ site: site.id, token, siteId: key.siteId, signature: Buffer.from(key.sign(enrollProof(site.id, token))).toString('base64') });
    const proxy = await silentableProxy(relay.broker.port);
    const link = new RelayLink({
      config: { site: site.id, name: site.name, http: '', mqtt: { url: `mqtt://127.0.0.1:${proxy.port}`, username: key.siteId, password }, hub: [], enrolledAt: 0 },
      clock,
      commands: async () => ({ ok: true }),
      metered: () => false,
      keepaliveSeconds: 1,
      settleQuietMs: 20,
    });
    await link.flush();
    expect(relay.fleet.presence(key.siteId).online).toBe(true);

    proxy.silence();
    // MQTT: the broker waits one and a half keep-alives, then runs the will.
    await vi.waitFor(() => expect(relay.fleet.presence(key.siteId).online).toBe(false), { timeout: 5_000 });
    await link.stop();
  });
});
