/** The fleet's health history: idempotent ingestion, raw for a week, hourly for a year, no hole after weeks offline. */
import { afterEach, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '@solidaire/appliance/db';
import { FakeClock } from '@solidaire/appliance/clock';
import { scratch } from '@solidaire/appliance/testing';
import { HealthStore, type Sample } from './health.js';

const scratchpad = scratch();
afterEach(() => scratchpad.clean());
const HOUR = 3600_000;

function store(clock: FakeClock) {
  const db = openDatabase({ path: join(scratchpad.dir(), 'relay.db'), migrations: fileURLToPath(new URL('../migrations/', import.meta.url)) });
  scratchpad.defer(() => db.close());
  return { db, health: new HealthStore({ db, clock }) };
}

describe('fleet health history', () => {
  it('a box silent for three weeks uploads its backlog: the history has no hole, and a redelivery is stored once', () => {
    const start = Date.UTC(2026, 9, 1);
    const clock = new FakeClock(start);
    const { health } = store(clock);
    // Three weeks, a sample every 10 minutes, kept on the box while it had no link.
    const samples: Sample[] = [];
    for (let at = start; at < start + 21 * 24 * HOUR; at += 10 * 60_000) {
      samples.push({ at, values: { 'battery.pct': 50 + 40 * Math.sin(at / (12 * HOUR)), 'temp.cpu': 45 } });
    }
    clock.set(start + 21 * 24 * HOUR);
    expect(health.ingest('site', samples)).toBe(samples.length);
    expect(health.ingest('site', samples.slice(0, 100))).toBe(0);

    const month = health.series('site', 'battery.pct', 30 * 24 * HOUR);
    expect(month).toHaveLength(21 * 24);
    expect(month.every((p, i) => p.at === start + i * HOUR)).toBe(true);
    expect(month.every((p) => p.min <= p.mean && p.mean <= p.max)).toBe(true);
    const day = health.series('site', 'temp.cpu', 24 * HOUR);
    expect(day).toHaveLength(6 * 24);

    // A week on, raw samples older than 7 days are gone; the hourly history stays.
    health.prune();
    expect(health.series('site', 'battery.pct', 30 * 24 * HOUR)).toHaveLength(21 * 24);
    clock.advance(7 * 24 * HOUR);
    health.prune();
    expect(health.series('site', 'temp.cpu', 24 * HOUR)).toEqual([]);
    expect(health.series('site', 'temp.cpu', 30 * 24 * HOUR)).toHaveLength(21 * 24);
    expect(health.latest('site')?.values['temp.cpu']).toBeUndefined();
    expect(health.metrics('site')).toEqual(['battery.pct', 'temp.cpu']);
  });

  it('takes the box\'s roll-ups of the weeks it summarised, and never counts an hour twice', () => {
    const start = Date.UTC(2026, 9, 1);
    const clock = new FakeClock(start + 30 * 24 * HOUR);
    const { health } = store(clock);
    // Raw samples for the first hour; then quarters for hours 0..3 (hour 0 overlaps).
    health.ingest('site', [0, 20, 40].map((m) => ({ at: start + m * 60_000, values: { tempC: 40 } })));
    const quarters = [];
    for (let q = 0; q < 16; q++) quarters.push({ start: start + q * 15 * 60_000, periodMs: 15 * 60_000, metrics: { tempC: { min: 50, max: 60, avg: 55, n: 3 } } });
    expect(health.ingestRollups('site', quarters)).toBe(3);
    expect(health.ingestRollups('site', quarters)).toBe(0);
    const series = health.series('site', 'tempC', 30 * 24 * HOUR);
    expect(series.map((p) => [p.at - start, p.min, p.max, p.mean])).toEqual([
      [0, 40, 40, 40],
      [HOUR, 50, 60, 55],
      [2 * HOUR, 50, 60, 55],
      [3 * HOUR, 50, 60, 55],
    ]);
  });

  it('keeps the samples of a relay made before raw samples were appended (migration 007), and their key', () => {
    const all = fileURLToPath(new URL('../migrations/', import.meta.url));
    const older = join(scratchpad.dir(), 'migrations');
    mkdirSync(older);
    for (const f of readdirSync(all).filter((f) => f < '007')) copyFileSync(join(all, f), join(older, f));
    const path = join(scratchpad.dir(), 'relay.db');
    const before = openDatabase({ path, migrations: older });
    const clock = new FakeClock(Date.UTC(2026, 10, 1));
    new HealthStore({ db: before, clock }).ingest('site', [
      { at: Date.UTC(2026, 10, 1) - 2 * 60_000, values: { 'battery.pct': 70 } },
      { at: Date.UTC(2026, 10, 1) - 60_000, values: { 'battery.pct': 71 } },
    ]);
    before.close();

    const db = openDatabase({ path, migrations: all });
    scratchpad.defer(() => db.close());
    const health = new HealthStore({ db, clock });
    expect(health.latest('site')).toEqual({ at: Date.UTC(2026, 10, 1) - 60_000, values: { 'battery.pct': 71 } });
    expect(health.series('site', 'battery.pct', HOUR).map((p) => p.mean)).toEqual([70, 71]);
    // Still stored once when delivered again.
    expect(health.ingest('site', [{ at: Date.UTC(2026, 10, 1) - 60_000, values: { 'battery.pct': 71 } }])).toBe(0);
    const plan = db.prepare("EXPLAIN QUERY PLAN SELECT 1 FROM health_raw WHERE site_key = 'site' AND at >= 0").all() as Array<{ detail: string }>;
    expect(plan.map((r) => r.detail).join(' ')).toMatch(/health_raw_key/);
  });

  it('reads the samples staged in the inbox at once, each once, and settles them into the history', () => {
    const start = Date.UTC(2026, 10, 1);
    const clock = new FakeClock(start + 2 * HOUR);
    const { db, health } = store(clock);
    const at = (m: number) => start + m * 60_000;
    health.ingest('site', [0, 10].map((m) => ({ at: at(m), values: { tempC: 40 + m } })));
    // Staged: a sample the history has (delivered again), and two new ones.
    expect(health.stage('site', [10, 20, 70].map((m) => ({ at: at(m), values: { tempC: 40 + m } })))).toBe(3);
    health.stage('other', [{ at: at(5), values: { tempC: 99 } }]);
    const day = () => health.series('site', 'tempC', 24 * HOUR).map((p) => [p.at, p.mean]);
    const year = () => health.series('site', 'tempC', 366 * 24 * HOUR).map((p) => [p.at - start, p.mean]);
    const before = { latest: health.latest('site'), day: day(), year: year() };
    expect(before.latest).toEqual({ at: at(70), values: { tempC: 110 } });
    expect(before.day).toEqual([0, 10, 20, 70].map((m) => [at(m), 40 + m]));
    expect(before.year).toEqual([
      [0, (40 + 50 + 60) / 3],
      [HOUR, 110],
    ]);
    // A box's roll-up of an hour whose samples are only staged is not counted as well.
    expect(health.ingestRollups('site', [{ start: start + HOUR, periodMs: HOUR, metrics: { tempC: { min: 0, max: 0, avg: 0, n: 60 } } }])).toBe(0);

    expect(health.settle()).toBe(3);
    expect(db.prepare('SELECT count(*) FROM health_inbox').pluck().get()).toBe(0);
    expect(db.prepare("SELECT count(*) FROM health_raw WHERE site_key = 'site'").pluck().get()).toBe(4);
    expect({ latest: health.latest('site'), day: day(), year: year() }).toEqual(before);
    expect(health.latest('other')).toEqual({ at: at(5), values: { tempC: 99 } });
    expect(health.settle()).toBe(0);
  });

  it('stores only finite numbers of a sample', () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 1));
    const { health } = store(clock);
    const at = Date.UTC(2026, 10, 1) - 60_000;
    health.ingest('site', [{ at, values: { 'battery.pct': 70, 'temp.cpu': Number.NaN, 'disk.free_pct': Number.POSITIVE_INFINITY, note: 'x' as unknown as number } }]);
    expect(health.latest('site')).toEqual({ at, values: { 'battery.pct': 70 } });
  });
});

