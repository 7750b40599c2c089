import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/index.js';
import { FakeClock } from '../clock/index.js';
import { HealthHistory, type HistoryLimits } from './history.js';
import { HOUR_MS, LEVELS, METRICS, QUARTER_MS } from './metrics.js';
import { syntheticSample } from './testing.js';

const MIN = 60_000;
const DAY = 24 * HOUR_MS;
const BATTERY = METRICS.findIndex((m) => m.name === 'batteryPct');
const UPTIME = METRICS.findIndex((m) => m.name === 'uptimeS');

function setup(limits?: Partial<HistoryLimits>) {
  const clock = new FakeClock(Date.UTC(2026, 0, 5, 0, 0, 0));
  const history = new HealthHistory({ db: openDatabase({ path: ':memory:' }), clock, ...(limits ? { limits } : {}) });
  let i = 0;
  /** One sample every `every` ms for `ms`, the clock moving with them; the last sample's time. */
  const run = (ms: number, every = MIN): number => {
    let last = clock.now();
    for (let t = 0; t < ms; t += every) {
      last = clock.now();
      history.record(syntheticSample(last, i++));
      clock.advance(every);
    }
    return last;
  };
  return { clock, history, run };
}

describe('health history', () => {
  it('rolls complete quarter-hours up from samples and hours from quarter-hours, with min, max and average', () => {
    const { history, run } = setup();
    run(2 * HOUR_MS);
    const quarters = history.rollups(LEVELS.quarter);
    // The eighth quarter completes when the clock reaches its end, i.e. after the last sample.
    expect(quarters.map((q) => q.n)).toEqual([15, 15, 15, 15, 15, 15, 15]);
    // Samples 0–14: battery 50..64 %, uptime 1000..1840 s.
    expect(quarters[0]!.aggs[BATTERY]).toEqual([50, 64, 57]);
    expect(quarters[0]!.aggs[UPTIME]).toEqual([1000, 1840, 1420]);
    const hours = history.rollups(LEVELS.hour);
    expect(hours).toHaveLength(1);
    expect(hours[0]!.n).toBe(60);
    // Samples 0–59: battery 50..99 then 50..59: min 50, max 99.
    expect(hours[0]!.aggs[BATTERY]?.slice(0, 2)).toEqual([50, 99]);
    expect(hours[0]!.aggs[UPTIME]).toEqual([1000, 1000 + 59 * 60, 1000 + Math.round((59 * 60) / 2)]);
  });

  it('keeps absent metrics absent in roll-ups (a PC has no battery)', () => {
    const { history, clock } = setup();
    for (let i = 0; i < 20; i++) {
      const s = syntheticSample(clock.now(), i);
      history.record({ ...s, battery: null, cpuTempC: null });
      clock.advance(MIN);
    }
    const [q] = history.rollups(LEVELS.quarter);
    expect(q!.aggs[BATTERY]).toBeNull();
    expect(q!.aggs[METRICS.findIndex((m) => m.name === 'tempC')]).toBeNull();
    expect(q!.aggs[METRICS.findIndex((m) => m.name === 'memTotalMiB')]).toEqual([2048]);
  });

  it('stays bounded over three weeks of samples, and measures what that costs', () => {
    const { history, run } = setup();
    const last = run(21 * DAY);
    const size = history.size();
    // Raw: 48 h at one a minute; quarter-hours: 14 days; hours: all three weeks.
    expect(size.raw).toBeLessThanOrEqual(2 * 24 * 60 + 1);
    expect(size.raw).toBeGreaterThanOrEqual(2 * 24 * 60 - 1);
    expect(size.quarter).toBe(14 * 96 - 1);
    expect(size.hour).toBe(21 * 24 - 1);
    expect(last - history.samples()[0]!.at).toBe(2 * DAY);
    // The bound documented in history.ts: about 1.5 MB at the row caps.
    const perRow = size.bytes / (size.raw + size.quarter + size.hour);
    expect(perRow).toBeLessThan(200);
    expect(size.bytes).toBeLessThan(600_000);
  });

  it('drops the oldest rows past each level’s row cap', () => {
    const { history, run } = setup({ rawMaxRows: 100, quarterMaxRows: 20, hourMaxRows: 5 });
    run(12 * HOUR_MS);
    const size = history.size();
    expect(size).toMatchObject({ raw: 100, quarter: 20, hour: 5 });
    // The newest are kept.
    expect(history.rollups(LEVELS.hour).map((h) => h.start)).toEqual(
      [6, 7, 8, 9, 10].map((h) => Date.UTC(2026, 0, 5, h)),
    );
  });

  it('drops rows older than each level keeps them, roll-ups made first', () => {
    const { history, run } = setup({ rawKeepMs: HOUR_MS, quarterKeepMs: 3 * HOUR_MS, hourKeepMs: DAY });
    const now = run(3 * DAY);
    expect(history.samples()[0]!.at).toBeGreaterThanOrEqual(now - HOUR_MS);
    expect(history.rollups(LEVELS.quarter)[0]!.start).toBeGreaterThanOrEqual(now - 3 * HOUR_MS);
    expect(history.rollups(LEVELS.hour)[0]!.start).toBeGreaterThanOrEqual(now - DAY);
    // Every complete hour of the last day is there (23: the current one is not complete), each with its 60 samples.
    expect(history.rollups(LEVELS.hour).map((h) => h.n)).toEqual(Array(23).fill(60));
  });

  it('a sample in a period already rolled up (the clock was set back) joins its summaries', () => {
    const { history, run, clock } = setup();
    run(2 * HOUR_MS);
    const target = Date.UTC(2026, 0, 5, 0, 20);
    clock.set(target + 30_000);
    history.record({ ...syntheticSample(target + 30_000, 0), battery: { ...syntheticSample(0, 0).battery!, capacityPct: 5 } });
    const q = history.rollups(LEVELS.quarter).find((r) => r.start === Date.UTC(2026, 0, 5, 0, 15))!;
    expect(q.n).toBe(16);
    expect(q.aggs[BATTERY]![0]).toBe(5);
    const h = history.rollups(LEVELS.hour)[0]!;
    expect(h.n).toBe(61);
    expect(h.aggs[BATTERY]![0]).toBe(5);
  });
});

describe('quarter and hour boundaries', () => {
  it('are aligned on the clock (UTC), whatever the first sample', () => {
    const { history, clock } = setup();
    clock.advance(7 * MIN + 1234);
    for (let i = 0; i < 40; i++) {
      history.record(syntheticSample(clock.now(), i));
      clock.advance(MIN);
    }
    for (const q of history.rollups(LEVELS.quarter)) expect(q.start % QUARTER_MS).toBe(0);
  });
});
