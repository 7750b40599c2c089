/**
 * Commands from the relay to a real appliance over MQTT: sent at once when the box is
 * connected, held while it is away (across a restart of the relay), answered once, their
 * state and result in the relay's API; presence follows the box.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import { Appliance } from '@solidaire/appliance';
import { FakeClock, seededRandom } from '@solidaire/appliance/clock';
import { scratch } from '@solidaire/appliance/testing';
import { performSetup } from '@solidaire/appliance/setup';
import { enroll, type EnrollmentFile } from '@solidaire/appliance/relay-link';
import { Relay } from './relay.js';

const scratchpad = scratch();
afterEach(() => scratchpad.clean());
const tmp = () => scratchpad.dir('solidaire-cmd-');

async function startRelay(clock: FakeClock, dataDir: string, authorityDir: string) {
  const relay = new Relay({ dataDir, host: '127.0.0.1', httpPort: 0, mqttPort: 0, hubListen: ['/ip4/127.0.0.1/tcp/0'], authorityDir, clock, random: seededRandom(5) });
  const addresses = await relay.start();
  scratchpad.defer(() => relay.stop());
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${addresses.http}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${relay.adminToken}` },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  return { relay, addresses, call };
}

function appliance(dataDir: string, clock: FakeClock, restart: () => void) {
  const a = new Appliance({ dataDir, clock, random: seededRandom(7), port: 0, host: '127.0.0.1', restart, logError: () => {} });
  scratchpad.defer(() => a.stop());
  return a;
}

interface Cmd {
  id: string;
  state: string;
  result: { ok: boolean; output?: unknown; error?: string } | null;
}

describe('relay: commands and presence', () => {
  it('reach the box at once or when it is back, across a relay restart, answered once', async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 1));
    const relayDir = tmp();
    const authorityDir = tmp();
    let r = await startRelay(clock, relayDir, authorityDir);
    const boxDir = tmp();
    const restarts = vi.fn();
    let box = appliance(boxDir, clock, restarts);
    await performSetup(box.services, { siteName: 'Nioro', admin: { username: 'admin', displayName: 'Admin', password: 'correct-horse-battery' } });
    const created = await r.call('POST', '/api/v1/sites', { name: 'Nioro du Sahel', spaces: { 'givors-gavinane': 'host' } });
    const siteId = (created.body.site as { id: string }).id;
    await enroll({ file: created.body.enrollment as EnrollmentFile, key: box.services.site.key, network: box.services.network, dataDir: boxDir, now: clock.now() });
    await box.start();
    const site = async () => (await r.call('GET', `/api/v1/sites/${siteId}`)).body as { online: boolean; version: string | null; lastSeen: number | null };
    await vi.waitFor(async () => expect(await site()).toMatchObject({ online: true, version: '0.1.0' }));
    // With its presence the box said how its link and its sync stand (for the alerts).
    expect(r.relay.alerts.facts(box.services.site.id)).toMatchObject({ budgetUsedPct: 0, syncBacklogOps: 0 });

    // Connected: a command runs at once and its result comes back.
    const sent = (await r.call('POST', `/api/v1/sites/${siteId}/commands`, { action: 'sync-now' })).body as unknown as Cmd;
    expect(sent.state).toBe('queued');
    await vi.waitFor(async () => expect(((await r.call('GET', `/api/v1/commands/${sent.id}`)).body as unknown as Cmd).state).toBe('done'));

    // Bad settings are refused in words; good ones change the link.
    const bad = (await r.call('POST', `/api/v1/sites/${siteId}/commands`, { action: 'set-config', args: { link: { name: 'internet', metered: 'oui' } } })).body as unknown as Cmd;
    const good = (await r.call('POST', `/api/v1/sites/${siteId}/commands`, { action: 'set-config', args: { link: { name: 'lan2', metered: true, budgetBytes: 1_000_000 } } })).body as unknown as Cmd;
    await vi.waitFor(async () => {
      const [b, g] = await Promise.all([r.call('GET', `/api/v1/commands/${bad.id}`), r.call('GET', `/api/v1/commands/${good.id}`)]);
      expect((b.body as unknown as Cmd).state).toBe('failed');
      expect((g.body as unknown as Cmd).state).toBe('done');
      expect((b.body as unknown as Cmd).result?.error).toMatch(/réglage refusé/);
    });
    expect(box.services.network.policy.settings('lan2')).toMatchObject({ metered: true, budgetBytes: 1_000_000 });
    const unknown = await r.call('POST', `/api/v1/sites/${siteId}/commands`, { action: 'format-disk' });
    expect(unknown.status).toBe(400);

    // The box stops: the relay sees it leave.
    await box.stop();
    await vi.waitFor(async () => expect((await site()).online).toBe(false));

    // A command for the absent box waits, through a restart of the relay.
    const later = (await r.call('POST', `/api/v1/sites/${siteId}/commands`, { action: 'collect-logs' })).body as unknown as Cmd;
    await r.relay.stop();
    r = await startRelay(clock, relayDir, authorityDir);
    expect(((await r.call('GET', `/api/v1/commands/${later.id}`)).body as unknown as Cmd).state).toBe('queued');

    // The box comes back (its relay.json holds the relay's old port: give it the new one).
    const { readFileSync, writeFileSync } = await import('node:fs');
    const configPath = join(boxDir, 'relay.json');
    const config = JSON.parse(readFileSync(configPath, 'utf8')) as { mqtt: { url: string } };
    config.mqtt.url = r.addresses.mqtt;
    writeFileSync(configPath, JSON.stringify(config), { mode: 0o600 });
    box = appliance(boxDir, clock, restarts);
    await box.start();
    await vi.waitFor(async () => {
      const c = (await r.call('GET', `/api/v1/commands/${later.id}`)).body as unknown as Cmd;
      expect(c.state).toBe('done');
      expect(Array.isArray(c.result?.output)).toBe(true);
    });
    // Delivered twice (the broker's queue, and again when the box came back), answered once.
    expect(box.relay?.status().commandsHandled).toBe(1);

    // Restart: answered, then done (a dry run here).
    const restart = (await r.call('POST', `/api/v1/sites/${siteId}/commands`, { action: 'restart' })).body as unknown as Cmd;
    await vi.waitFor(async () => expect(((await r.call('GET', `/api/v1/commands/${restart.id}`)).body as unknown as Cmd).state).toBe('done'));
    await vi.waitFor(() => expect(restarts).toHaveBeenCalledTimes(1));

    const listed = (await r.call('GET', `/api/v1/sites/${siteId}/commands`)).body as { commands: Cmd[] };
    expect(listed.commands.map((c) => c.state).sort()).toEqual(["done", "done", "done", "done", "failed"]);
    const metrics = await fetch(`${r.addresses.http}/metrics`, { headers: { authorization: `Bearer ${r.relay.adminToken}` } });
    expect(await metrics.text()).toMatch(/solidaire_site_online\{site="[^"]+",name="Nioro du Sahel"\} 1/);
  });
});
