import { afterEach, describe, expect, it } from 'vitest';
import { Appliance } from '../appliance.js';
import { FakeClock } from '../clock/index.js';
import { scratch, testBox, TestClient, type TestBox } from '../testing/index.js';
import { fakeSystem, fixtureHost, PI_READINGS, powerSupplyFiles } from './testing.js';

let box: TestBox | undefined;
const s = scratch();
afterEach(async () => {
  await box?.close();
  box = undefined;
  await s.clean();
});

describe('GET /api/v1/health', () => {
  it('gives the box admin the latest sample and the battery state', async () => {
    box = await testBox({
      health: {
        system: fakeSystem(PI_READINGS),
        host: fixtureHost(powerSupplyFiles({ capacity: 25, status: 'Discharging' }), { 'vcgencmd get_throttled': 'throttled=0x50000\n' }),
        dryRun: true,
      },
    });
    const before = await box.admin.get('/api/v1/health');
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ enabled: true, latest: null, power: { state: 'normal', frugal: false } });
    await box.appliance.services.health!.sampleNow();
    const res = await box.admin.get('/api/v1/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      enabled: true,
      latest: {
        at: box.clock.now(),
        cpuTempC: 51.6,
        throttling: { underVoltageNow: false, underVoltageSinceBoot: true },
        battery: { capacityPct: 25, status: 'discharging' },
        network: { up: ['ppp0', 'wlan0'] },
      },
      power: { state: 'frugal', frugal: true, frugalBelowPct: 30, shutdownBelowPct: 10 },
      everyMs: 15 * 60_000,
      history: { raw: 1 },
      upload: { since: 0, samples: 1 },
    });
  });

  it('is for the box admin only', async () => {
    box = await testBox({ health: { system: fakeSystem(PI_READINGS), host: fixtureHost() } });
    const member = await box.user('awa', { 'givors-gavinane': 'admin' });
    expect((await member.get('/api/v1/health')).status).toBe(403);
    expect((await new TestClient(box.appliance).get('/api/v1/health')).status).toBe(401);
  });

  it('says when the agent does not run on this box', async () => {
    box = await testBox();
    expect(box.appliance.services.health).toBeUndefined();
    expect((await box.admin.get('/api/v1/health')).body).toEqual({ enabled: false, latest: null, power: null, everyMs: null, history: null, upload: null });
  });
});

describe('an appliance with its health agent', () => {
  it('starts it with the box and stops it with the box', async () => {
    const clock = new FakeClock();
    const notes: string[] = [];
    const appliance = new Appliance({
      dataDir: s.dir(),
      port: 0,
      host: '127.0.0.1',
      clock,
      logError: (e) => notes.push(String(e)),
      relayLink: false,
      health: { system: fakeSystem(PI_READINGS), host: fixtureHost(powerSupplyFiles({ capacity: 90, status: 'Full' })) },
    });
    s.defer(() => appliance.stop());
    await appliance.start();
    const agent = appliance.services.health!;
    await agent.sampleNow();
    expect(agent.latest()?.battery).toMatchObject({ capacityPct: 90, status: 'full' });
    await appliance.stop();
    expect(notes).toEqual([]);
  });
});
