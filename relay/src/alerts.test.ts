/** Alert rules: raised and cleared with a margin, in the API, posted to a webhook. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createServer } from 'node:http';
import { FakeClock, seededRandom } from '@solidaire/appliance/clock';
import { generateSiteKey } from '@solidaire/appliance/identity';
import { scratch } from '@solidaire/appliance/testing';
import { enrollProof } from '@solidaire/appliance/relay-link';
import { Relay } from './relay.js';

const scratchpad = scratch();
afterEach(() => scratchpad.clean());

async function webhookServer() {
  const received: Array<{ type: string; siteName: string; alert: { rule: string; message: string } }> = [];
  let failFirst = true;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      // The first delivery fails: the relay must try again.
      if (failFirst) {
        failFirst = false;
        res.writeHead(503).end();
        return;
      }
      received.push(JSON.parse(body) as (typeof received)[number]);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  scratchpad.defer(() => new Promise<void>((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/alertes`, received };
}

describe('relay: alerts', () => {
  it('raises and clears by the rules, with a margin, keeps them, and posts them to the webhook', async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 1));
    const hook = await webhookServer();
    const relay = new Relay({ dataDir: scratchpad.dir(), host: '127.0.0.1', httpPort: 0, mqttPort: 0, hubListen: ['/ip4/127.0.0.1/tcp/0'], webhook: hook.url, clock, random: seededRandom(5) });
    const { http } = await relay.start();
    scratchpad.defer(() => relay.stop());
    const key = generateSiteKey();
    const { site, token } = relay.registry.create({ name: 'Gavinané', spaces: {} });
    relay.registry.enroll({ site: site.id, token, siteId: key.siteId, signature: Buffer.from(key.sign(enrollProof(site.id, token))).toString('base64') });
    const active = async () => {
      const res = await fetch(`${http}/api/v1/sites/${site.id}/alerts?active=true`, { headers: { authorization: `Bearer ${relay.adminToken}` } });
      return ((await res.json()) as { alerts: Array<{ rule: string }> }).alerts.map((a) => a.rule).sort();
    };

    relay.alerts.update(key.siteId, { lastSeen: clock.now(), batteryPct: 60, charging: false, temperatureC: 50, diskFreePct: 40, undervoltage: false });
    expect(await active()).toEqual([]);

    // Two days and a bit without news: silent.
    clock.advance(49 * 3600_000);
    relay.checkAlerts();
    expect(await active()).toEqual(['silent']);

    // The box comes back on a cloudy day: battery low, undervoltage, hot.
    relay.alerts.update(key.siteId, { lastSeen: clock.now(), batteryPct: 18, undervoltage: true, temperatureC: 80 });
    expect(await active()).toEqual(['battery_low', 'hot', 'undervoltage']);
    // 22 %: above the threshold but within the margin — still low. 26 %: cleared.
    relay.alerts.update(key.siteId, { batteryPct: 22, temperatureC: 72, undervoltage: false });
    expect(await active()).toEqual(['battery_low', 'hot']);
    relay.alerts.update(key.siteId, { batteryPct: 26, temperatureC: 60 });
    expect(await active()).toEqual([]);

    // The month's budget nearly spent; operations waiting for more than a week.
    relay.alerts.update(key.siteId, { budgetUsedPct: 93, syncBacklogOps: 12, lastSyncAt: clock.now() - 8 * 24 * 3600_000 });
    expect(await active()).toEqual(['budget_spent', 'sync_stuck']);
    relay.alerts.update(key.siteId, { budgetUsedPct: 10, syncBacklogOps: 0, lastSyncAt: clock.now() });
    expect(await active()).toEqual([]);

    // All of it went to the webhook, in order, despite a first failed delivery.
    await vi.waitFor(() => expect(hook.received).toHaveLength(12), { timeout: 20_000 });
    expect(hook.received.map((c) => `${c.type} ${c.alert.rule}`)).toEqual([
      'raised silent',
      'cleared silent',
      'raised battery_low',
      'raised hot',
      'raised undervoltage',
      'cleared undervoltage',
      'cleared battery_low',
      'cleared hot',
      'raised budget_spent',
      'raised sync_stuck',
      'cleared budget_spent',
      'cleared sync_stuck',
    ]);
    expect(hook.received[0]).toMatchObject({ siteName: 'Gavinané', alert: { message: expect.stringMatching(/Aucune nouvelle depuis 49 h/) } });
    const all = await fetch(`${http}/api/v1/alerts`, { headers: { authorization: `Bearer ${relay.adminToken}` } });
    expect(((await all.json()) as { alerts: unknown[] }).alerts).toHaveLength(6);
  });
});
