import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../clock/index.js';
import { scratch } from '../testing/index.js';
import { HealthSampler } from './sampler.js';
import { nodeHost, type Host } from './host.js';
import { decodeThrottled, parseThrottled } from './pi.js';
import { systemInformation, type SystemInformation } from './system.js';
import { fakeSystem, fixtureHost, PC_READINGS, PI_READINGS, powerSupplyFiles } from './testing.js';

const s = scratch();
afterEach(() => s.clean());

/** A real folder shaped like /sys/class/power_supply, from the fixture's files. */
function powerSupplyTree(files: Record<string, string>): string {
  const root = s.dir('power-supply-');
  for (const [path, text] of Object.entries(files)) {
    const file = join(root, path.replace('/sys/class/power_supply/', ''));
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, text);
  }
  return root;
}

describe('a Raspberry Pi (simulated)', () => {
  it('reads undervoltage and throttling from vcgencmd, and the battery from power_supply', async () => {
    const dir = powerSupplyTree(powerSupplyFiles({ capacity: 76, status: 'Discharging', microvolts: 3_920_000, microamps: -410_000 }));
    // Real files read by the real host; only vcgencmd is scripted (this machine is no Pi).
    const host: Host = { ...nodeHost, run: fixtureHost({}, { 'vcgencmd get_throttled': 'throttled=0x50005\n' }).run };
    const clock = new FakeClock();
    const sample = await new HealthSampler({ clock, dataDir: '/data', system: fakeSystem(PI_READINGS), host, powerSupplyDir: dir }).sample();
    expect(sample.at).toBe(clock.now());
    expect(sample.cpuTempC).toBe(51.6);
    expect(sample.throttling).toEqual({
      mask: 0x50005,
      underVoltageNow: true,
      underVoltageSinceBoot: true,
      throttledNow: true,
      throttledSinceBoot: true,
      frequencyCappedNow: false,
      frequencyCappedSinceBoot: false,
      softTempLimitNow: false,
      softTempLimitSinceBoot: false,
    });
    expect(sample.battery).toEqual({ source: 'power_supply', name: 'BAT0', type: 'Battery', capacityPct: 76, status: 'discharging', voltageV: 3.92, currentA: -0.41 });
  });

  it('decodes every flag of get_throttled', () => {
    expect(decodeThrottled(0)).toMatchObject({ underVoltageNow: false, underVoltageSinceBoot: false, throttledNow: false, softTempLimitSinceBoot: false });
    expect(decodeThrottled(0x2)).toMatchObject({ frequencyCappedNow: true, frequencyCappedSinceBoot: false });
    expect(decodeThrottled(0x8)).toMatchObject({ softTempLimitNow: true });
    expect(decodeThrottled(0x20000)).toMatchObject({ frequencyCappedSinceBoot: true, frequencyCappedNow: false });
    expect(decodeThrottled(0x80000)).toMatchObject({ softTempLimitSinceBoot: true });
    // Under-voltage earlier, fine now: the usual sign of a weak power supply.
    expect(decodeThrottled(0x50000)).toMatchObject({ underVoltageNow: false, underVoltageSinceBoot: true, throttledSinceBoot: true, throttledNow: false });
    expect(parseThrottled('throttled=0x0\n')).toBe(0);
    expect(parseThrottled('VCHI initialization failed')).toBeNull();
  });

  it('reads a UPS HAT through its reader command (a real process printing JSON)', async () => {
    const script = 'console.log(JSON.stringify({ capacity: 41.5, status: "Charging", voltage: 4.05, current: 0.8, type: "UPS" }))';
    const sample = await new HealthSampler({
      clock: new FakeClock(),
      dataDir: '/data',
      system: fakeSystem(PI_READINGS),
      batteryCommand: [process.execPath, '-e', script],
    }).sample();
    expect(sample.battery).toEqual({ source: 'command', name: null, type: 'UPS', capacityPct: 41.5, status: 'charging', voltageV: 4.05, currentA: 0.8 });
  });

  it('a reader that fails or prints nonsense gives no battery, told once, not at every sample', async () => {
    const errors: unknown[] = [];
    const host = fixtureHost({}, { 'ups-read': 'not json', 'ups-broken': { ok: false, stdout: '', error: 'ups-broken: exit code 2' } });
    for (const cmd of ['ups-read', 'ups-broken']) {
      const sampler = new HealthSampler({ clock: new FakeClock(), dataDir: '/d', system: fakeSystem(PI_READINGS), host, batteryCommand: [cmd], onError: (e) => errors.push(e) });
      expect((await sampler.sample()).battery).toBeNull();
      expect((await sampler.sample()).battery).toBeNull();
    }
    expect(errors.map((e) => (e as Error).message)).toEqual([
      'the battery reader did not print JSON: "not json"',
      'the battery reader failed: ups-broken: exit code 2',
    ]);
  });

  it('maps what systeminformation says on a Pi', async () => {
    const si = fakeSi({ temp: 48.2, ifaces: [iface('lo', 'unknown', true), iface('wlan0', 'up'), iface('ppp0', 'unknown'), iface('eth0', 'down')] });
    const sys = systemInformation({ si, loadavg: () => [0.5, 0.4, 0.3], statfs: async () => ({ bsize: 4096, blocks: 1000, bavail: 250 }) });
    expect(await sys.cpu()).toEqual({ load1: 0.5, load5: 0.4, load15: 0.3, busyPct: 12.5 });
    expect(await sys.cpuTemperature()).toBe(48.2);
    expect(await sys.memory()).toEqual({ totalBytes: 1000, usedBytes: 400, availableBytes: 600 });
    expect(await sys.disk('/data')).toEqual({ totalBytes: 4_096_000, freeBytes: 1_024_000 });
    expect(await sys.uptimeSeconds()).toBe(3601);
    // ppp0 (a 3G key) says "unknown" while up; loopback is never counted.
    expect(await sys.network()).toEqual({ up: ['ppp0', 'wlan0'], bytesIn: 300, bytesOut: 30 });
  });
});

describe('a plain PC (simulated)', () => {
  it('says absent — null — for what it lacks: temperature, Pi flags, battery', async () => {
    const sample = await new HealthSampler({ clock: new FakeClock(), dataDir: '/data', system: fakeSystem(PC_READINGS), host: fixtureHost() }).sample();
    expect(sample).toMatchObject({ cpuTempC: null, throttling: null, battery: null });
    expect(sample.cpu).toEqual(PC_READINGS.cpu);
    expect(sample.memory).toEqual(PC_READINGS.memory);
    expect(sample.network).toEqual(PC_READINGS.network);
  });

  it('a part that fails is null and the others are still there', async () => {
    const errors: unknown[] = [];
    const system = fakeSystem({ ...PC_READINGS, network: new Error('no /sys/class/net'), disk: new Error('statfs failed') });
    const sample = await new HealthSampler({ clock: new FakeClock(), dataDir: '/d', system, host: fixtureHost(), onError: (e) => errors.push(e) }).sample();
    expect(sample).toMatchObject({ network: null, disk: null, memory: PC_READINGS.memory, uptimeSeconds: 3600 });
    expect(errors).toHaveLength(2);
  });

  it('systeminformation without a sensor gives no temperature', async () => {
    const sys = systemInformation({ si: fakeSi({ temp: null, ifaces: [] }), loadavg: () => [0, 0, 0] });
    expect(await sys.cpuTemperature()).toBeNull();
    expect(await sys.network()).toEqual({ up: [], bytesIn: 0, bytesOut: 0 });
  });
});

describe('this machine', () => {
  it('gives a sample of numbers or nulls, and never throws', async () => {
    const dir = s.dir();
    const sample = await new HealthSampler({ clock: new FakeClock(), dataDir: dir }).sample();
    const numberOrNull = (v: unknown) => v === null || (typeof v === 'number' && Number.isFinite(v));
    expect(numberOrNull(sample.cpuTempC)).toBe(true);
    expect(numberOrNull(sample.uptimeSeconds)).toBe(true);
    // Every Linux box has memory and a disk under its data folder.
    expect(sample.memory!.totalBytes).toBeGreaterThan(0);
    expect(sample.disk!.totalBytes).toBeGreaterThan(sample.disk!.freeBytes);
    if (sample.battery) expect(['power_supply', 'command']).toContain(sample.battery.source);
  });
});

function iface(name: string, operstate: string, internal = false) {
  return { iface: name, operstate, internal, ip4: operstate === 'down' ? '' : '10.0.0.2', ip6: '' };
}

/** systeminformation's answers, as on a Pi (or a PC when temp is null). */
function fakeSi(o: { temp: number | null; ifaces: ReturnType<typeof iface>[] }): SystemInformation {
  const stats = o.ifaces.map((i) => ({ iface: i.iface, rx_bytes: i.internal ? 1e9 : 100, tx_bytes: i.internal ? 1e9 : 10 }));
  return {
    currentLoad: async () => ({ currentLoad: 12.5 }),
    cpuTemperature: async () => ({ main: o.temp, cores: [], max: o.temp }),
    mem: async () => ({ total: 1000, available: 600, free: 100, used: 900 }),
    time: () => ({ uptime: 3601.4, current: 0, timezone: 'UTC', timezoneName: 'UTC' }),
    networkInterfaces: async () => o.ifaces,
    networkStats: async () => stats,
  } as unknown as SystemInformation;
}
