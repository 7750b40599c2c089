/** `npm start`'s demo: the relay and the two boxes, enrolled with it, online and reachable by commands. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { scratch } from '@solidaire/appliance/testing';
import { startFullDemo } from './demo.js';

const scratchpad = scratch();
afterEach(() => scratchpad.clean());

describe('npm start: the relay and two boxes', () => {
  it('enrolls both demo boxes with the relay on first start; they show online and answer a command; a restart keeps it all', async () => {
    const dir = scratchpad.dir();
    const lines: string[] = [];
    let full = await startFullDemo({ dataDir: dir, ports: 0, host: '127.0.0.1', log: (l) => lines.push(l) });
    scratchpad.defer(() => full.stop());
    const { relay } = full;
    const base = relay.addresses().http;
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${relay.adminToken}` },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return (await res.json()) as Record<string, unknown>;
    };
    expect(lines.join('\n')).toContain('Relais');
    await vi.waitFor(async () => {
      const { sites } = (await call('GET', '/api/v1/sites')) as { sites: Array<{ name: string; online: boolean; enrolledAt: number | null }> };
      expect(sites.map((s) => [s.name, s.online])).toEqual([['Grigny', true], ['Youri', true]]);
    }, { timeout: 15_000 });
    const { sites } = (await call('GET', '/api/v1/sites')) as { sites: Array<{ id: string }> };
    const cmd = (await call('POST', `/api/v1/sites/${sites[1]!.id}/commands`, { action: 'sync-now' })) as { id: string };
    await vi.waitFor(async () => expect((await call('GET', `/api/v1/commands/${cmd.id}`)).state).toBe('done'), { timeout: 15_000 });

    await full.stop();
    full = await startFullDemo({ dataDir: dir, ports: 0, host: '127.0.0.1', log: () => {} });
    const again = (await fetch(`${full.relay.addresses().http}/api/v1/sites`, { headers: { authorization: `Bearer ${full.relay.adminToken}` } }).then((r) => r.json())) as { sites: unknown[] };
    expect(again.sites).toHaveLength(2);
  });
});
