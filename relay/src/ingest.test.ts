/**
 * Health from a box to the relay's history: a batch acknowledged by the broker is already
 * stored (aedes acknowledges QoS 1 before its own `published` step, so the relay stores in
 * the step before), its newest values feed the alerts, and a batch that does not decode is
 * dropped with a word in the log, the broker still standing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { FakeClock, seededRandom } from '@solidaire/appliance/clock';
import { generateSiteKey } from '@solidaire/appliance/identity';
import { scratch } from '@solidaire/appliance/testing';
import { enrollProof, topics } from '@solidaire/appliance/relay-link';
import { encodeBatch, METRICS } from '@solidaire/appliance/health';
import { Relay } from './relay.js';

const scratchpad = scratch();
afterEach(() => scratchpad.clean());

/** A sample with the given metrics (natural units × the wire's scale), others absent. */
function values(v: Record<string, number>): Array<number | null> {
  return METRICS.map((m) => (m.name in v ? Math.round(v[m.name]! * m.scale) : null));
}

describe('relay: health ingestion', () => {
  it('stores a batch before acknowledging it, feeds the alerts, and survives garbage', async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 1, 12));
    const log: string[] = [];
    const relay = new Relay({ dataDir: scratchpad.dir(), host: '127.0.0.1', httpPort: 0, mqttPort: 0, hubListen: ['/ip4/127.0.0.1/tcp/0'], clock, random: seededRandom(5), log: (l) => log.push(l) });
    const { http } = await relay.start();
    scratchpad.defer(() => relay.stop());
    const key = generateSiteKey();
    const { site, token } = relay.registry.create({ name: 'Koupéla', spaces: {} });
    const { password } = relay.registry.enroll({ site: site.id, token, siteId: key.siteId, signature: Buffer.from(key.sign(enrollProof(site.id, token))).toString('base64') });
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${relay.broker.port}`, { protocolVersion: 4, clientId: key.siteId, username: key.siteId, password, reconnectPeriod: 0 });
    scratchpad.defer(() => client.endAsync());

    const at = clock.now() - 60_000;
    const batch = encodeBatch(at, at + 1, [{ at, values: values({ tempC: 81.5, batteryPct: 15, batteryStatus: 2, diskTotalMiB: 30000, diskFreeMiB: 1500 }), up: null }], []);
    await client.publishAsync(topics.health(key.siteId), Buffer.from(batch), { qos: 1 });
    // Acknowledged: already in the history, no waiting.
    expect(relay.health.latest(key.siteId)).toEqual({ at, values: { tempC: 81.5, batteryPct: 15, batteryStatus: 2, diskTotalMiB: 30000, diskFreeMiB: 1500 } });
    expect(relay.alerts.list({ site: site.id, active: true }).map((a) => a.rule).sort()).toEqual(['battery_low', 'disk_full', 'hot']);
    // Redelivered (QoS 1 after a cut): stored once.
    await client.publishAsync(topics.health(key.siteId), Buffer.from(batch), { qos: 1 });
    const res = await fetch(`${http}/api/v1/sites/${site.id}/health/tempC?period=24h`, { headers: { authorization: `Bearer ${relay.adminToken}` } });
    expect(((await res.json()) as { points: unknown[] }).points).toHaveLength(1);

    await client.publishAsync(topics.health(key.siteId), Buffer.from('pas un relevé'), { qos: 1 });
    expect(log.some((l) => /relevé de santé illisible/.test(l))).toBe(true);
    expect(client.connected).toBe(true);
  });
});
