import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/index.js';
import { FakeClock } from '../clock/index.js';
import { HealthAgent, type Timers } from './agent.js';
import { decodeBatch } from './wire.js';
import { syntheticSample } from './testing.js';
import type { Battery, HealthSample } from './sample.js';
import type { HealthUploads } from '../relay-link/index.js';

const MIN = 60_000;

/** Timers fired by hand: no waiting in tests. */
function manualTimers() {
  const pending: Array<{ fn: () => Promise<void>; ms: number }> = [];
  const timers: Timers = {
    set(fn, ms) {
      const h = { fn, ms };
      pending.push(h);
      return h;
    },
    clear(h) {
      const k = pending.indexOf(h as (typeof pending)[number]);
      if (k >= 0) pending.splice(k, 1);
    },
  };
  return {
    timers,
    pending,
    /** Move the clock by the next timer's delay and fire it; resolves when the next one is set. */
    async fire(clock: FakeClock) {
      const h = pending.shift();
      if (!h) throw new Error('no timer set');
      clock.advance(h.ms);
      await h.fn();
    },
  };
}

/** A sampler whose battery follows a script (then stays at the last reading). */
function scripted(clock: FakeClock, readings: Array<[number | null, Battery['status']]>) {
  let i = 0;
  return {
    async sample(): Promise<HealthSample> {
      const [pct, status] = readings[Math.min(i, readings.length - 1)]!;
      const s = syntheticSample(clock.now(), i++);
      return { ...s, battery: pct === null ? null : { ...s.battery!, capacityPct: pct, status } };
    },
  };
}

function agent(readings: Array<[number | null, Battery['status']]>, extra: Partial<ConstructorParameters<typeof HealthAgent>[0]> = {}) {
  const clock = new FakeClock();
  const t = manualTimers();
  const notes: string[] = [];
  const ran: string[][] = [];
  const a = new HealthAgent({
    db: openDatabase({ path: ':memory:' }),
    clock,
    sampler: scripted(clock, readings),
    timers: t.timers,
    dryRun: true,
    note: (l) => notes.push(l),
    run: async (argv) => {
      ran.push([...argv]);
      return { ok: true, stdout: '' };
    },
    ...extra,
  });
  return { a, clock, t, notes, ran };
}

describe('health agent', () => {
  it('samples at start, then every minute, and keeps what it sampled for upload', async () => {
    const { a, clock, t } = agent([[80, 'discharging']]);
    a.start();
    expect(t.pending.map((p) => p.ms)).toEqual([0]);
    await t.fire(clock);
    expect(a.latest()?.at).toBe(clock.now());
    expect(t.pending.map((p) => p.ms)).toEqual([MIN]);
    await t.fire(clock);
    await t.fire(clock);
    const batch = a.pendingBatch()!;
    expect(decodeBatch(batch.payload).samples).toHaveLength(3);
    expect(a.markUploaded(batch.id)).toBe(true);
    expect(a.pendingBatch()).toBeNull();
    await a.stop();
    expect(t.pending).toHaveLength(0);
  });

  it('goes frugal on a low battery: samples every 15 minutes, says so in French, and comes back with hysteresis', async () => {
    const { a, clock, t, notes } = agent([
      [40, 'discharging'],
      [29, 'discharging'],
      [32, 'charging'],
      [36, 'charging'],
    ]);
    a.start();
    await t.fire(clock);
    expect(a.frugal()).toBe(false);
    await t.fire(clock);
    expect(a.frugal()).toBe(true);
    expect(t.pending.map((p) => p.ms)).toEqual([15 * MIN]);
    await t.fire(clock);
    expect(a.frugal()).toBe(true);
    await t.fire(clock);
    expect(a.frugal()).toBe(false);
    expect(t.pending.map((p) => p.ms)).toEqual([MIN]);
    expect(notes).toEqual([
      'Batterie à 29 % : mode économe (un relevé toutes les 15 min, pas de gros transferts).',
      'Batterie à 36 % : fin du mode économe.',
    ]);
    expect(a.status().power).toMatchObject({ state: 'normal', frugal: false, shutdownRequests: [] });
    await a.stop();
  });

  it('below the floor, the dry run records the shutdown once, after a confirming reading a minute later', async () => {
    const { a, clock, t, ran, notes } = agent([
      [12, 'discharging'],
      [9, 'discharging'],
      [8, 'discharging'],
      [7, 'discharging'],
      [6, 'discharging'],
    ]);
    a.start();
    await t.fire(clock);
    expect(t.pending.map((p) => p.ms)).toEqual([15 * MIN]);
    await t.fire(clock);
    // Critical: the next reading comes a minute later to confirm.
    expect(a.powerState()).toBe('critical');
    expect(t.pending.map((p) => p.ms)).toEqual([MIN]);
    const confirmedAt = clock.now() + MIN;
    for (let k = 0; k < 3; k++) await t.fire(clock);
    expect(a.shutdownRequests()).toEqual([{ at: confirmedAt, command: ['systemctl', 'poweroff'], batteryPct: 8, dryRun: true, ok: null }]);
    expect(ran).toEqual([]);
    expect(a.frugal()).toBe(true);
    expect(notes.at(-1)).toBe('Batterie à 8 % en décharge : la boîte s’arrêterait (essai, « systemctl poweroff » non lancé).');
    await a.stop();
  });

  it('for real, runs the configured command once', async () => {
    const { a, ran } = agent([[5, 'discharging']], { dryRun: false, shutdownCommand: ['/sbin/poweroff', '--no-wall'] });
    for (let k = 0; k < 5; k++) await a.sampleNow();
    expect(ran).toEqual([['/sbin/poweroff', '--no-wall']]);
    expect(a.shutdownRequests()).toMatchObject([{ dryRun: false, ok: true, batteryPct: 5 }]);
  });

  it('a failing sampler does not stop the timer', async () => {
    const clock = new FakeClock();
    const t = manualTimers();
    const errors: unknown[] = [];
    let calls = 0;
    const a = new HealthAgent({
      db: openDatabase({ path: ':memory:' }),
      clock,
      timers: t.timers,
      onError: (e) => errors.push(e),
      sampler: {
        async sample() {
          if (calls++ === 0) throw new Error('boom');
          return syntheticSample(clock.now(), calls);
        },
      },
    });
    a.start();
    await t.fire(clock);
    expect(errors).toHaveLength(1);
    await t.fire(clock);
    expect(a.latest()).not.toBeNull();
    await a.stop();
  });

  it('is what the relay link uploads from (its HealthUploads), one batch at a time', async () => {
    const { a } = agent([[80, 'full']]);
    for (let k = 0; k < 3; k++) await a.sampleNow();
    const uploads: HealthUploads = a;
    const sent: number[] = [];
    // The relay link's loop: batch, publish (QoS 1), mark, until nothing is left.
    for (let batch = uploads.pendingBatch(); batch; batch = uploads.pendingBatch()) {
      sent.push(decodeBatch(batch.payload).samples.length);
      uploads.markUploaded(batch.id);
    }
    expect(sent).toEqual([1]);
  });

  it('refuses an interval under a second', () => {
    expect(() => agent([[50, 'full']], { everyMs: 10 })).toThrow(RangeError);
  });
});
