/**
 * Health batches stored through a HealthWriter over a real relay.db: the same behaviour on
 * the relay's thread and in its ingest thread (every batch of a burst stored once, acked
 * only once committed, a bad batch dropped and logged, the facts to the alerts); and what
 * only a thread can do: die mid-way (its groups fail, none half-stored, a new thread takes
 * over) and be stopped.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { openDatabase, type Db } from '@solidaire/appliance/db';
import { FakeClock } from '@solidaire/appliance/clock';
import { scratch } from '@solidaire/appliance/testing';
import { encodeBatch, METRICS } from '@solidaire/appliance/health';
import type { SiteFacts } from './alerts.js';
import { HealthStore } from './health.js';
import { InThreadHealthWriter } from './health-writer.js';
import { HealthIngest, type HealthWriter } from './ingest.js';
import { IngestError, WorkerHealthWriter } from './ingest-worker.js';

const MIGRATIONS = fileURLToPath(new URL('../migrations/', import.meta.url));
const NOW = Date.UTC(2026, 10, 1, 12);
const scratchpad = scratch();
afterEach(() => scratchpad.clean());

/** A batch of one sample, `minutesAgo` before NOW, with these metrics (natural units). */
function batch(minutesAgo: number, v: Record<string, number> = { tempC: 50 }): Buffer {
  const at = NOW - minutesAgo * 60_000;
  const values = METRICS.map((m) => (m.name in v ? Math.round(v[m.name]! * m.scale) : null));
  return Buffer.from(encodeBatch(at, at + 1, [{ at, values, up: null }], []));
}

interface Rig {
  readonly db: Db;
  readonly ingest: HealthIngest;
  readonly log: string[];
  readonly updates: Array<[string, SiteFacts]>;
  readonly threads: Worker[];
  stored(site?: string): number;
}

type Kind = 'in-thread' | 'worker';

async function rig(kind: Kind, dir = scratchpad.dir()): Promise<Rig> {
  const dbPath = join(dir, 'relay.db');
  const db = openDatabase({ path: dbPath, migrations: MIGRATIONS });
  const log: string[] = [];
  const updates: Array<[string, SiteFacts]> = [];
  const threads: Worker[] = [];
  const clock = new FakeClock(NOW);
  const writer: HealthWriter =
    kind === 'worker'
      ? new WorkerHealthWriter({
          dbPath,
          migrations: MIGRATIONS,
          log: (l) => log.push(l),
          spawn: (script, workerData) => {
            const w = new Worker(script, { workerData });
            threads.push(w);
            return w;
          },
        })
      : new InThreadHealthWriter({ db, health: new HealthStore({ db, clock }), clock });
  const ingest = new HealthIngest({ clock, writer, alerts: { update: (k, f) => void updates.push([k, f]) }, log: (l) => log.push(l) });
  await ingest.start();
  scratchpad.defer(() => db.close());
  scratchpad.defer(() => ingest.stop());
  // Stored: in the history or still in its inbox (health.ts), each (site, time) once.
  const count = db.prepare(
    'SELECT count(*) AS n FROM (SELECT site_key, at FROM health_raw UNION SELECT site_key, at FROM health_inbox) WHERE (? IS NULL OR site_key = ?)',
  );
  return { db, ingest, log, updates, threads, stored: (site) => (count.get(site ?? null, site ?? null) as { n: number }).n };
}

describe.each<Kind>(['in-thread', 'worker'])('health writer (%s)', (kind) => {
  it('stores every batch of a burst exactly once, each acknowledged only once committed, its facts to its site', async () => {
    const r = await rig(kind);
    // 1,500 batches at once (groups of 512 and the rest), then the same again (redelivered).
    const sites = Array.from({ length: 50 }, (_, i) => `site-${i}`);
    const temperature = (site: string) => Number(site.slice(5));
    const inHistory = r.db.prepare('SELECT EXISTS (SELECT 1 FROM health_raw WHERE site_key = ? AND at = ?) OR EXISTS (SELECT 1 FROM health_inbox WHERE site_key = ? AND at = ?)').pluck();
    const has = (site: string, at: number) => inHistory.get(site, at, site, at);
    const acked: boolean[] = [];
    const burst = () =>
      sites.flatMap((site) =>
        Array.from({ length: 30 }, (_, j) =>
          // Acknowledged: committed, seen through another connection.
          r.ingest.take(site, batch(j, { tempC: temperature(site) })).then(() => acked.push(has(site, NOW - j * 60_000) === 1)),
        ),
      );
    await Promise.all(burst());
    await Promise.all(burst());
    expect(r.stored()).toBe(1500);
    expect(acked.every(Boolean)).toBe(true);
    expect(r.stored('site-7')).toBe(30);
    // Stopped, the writer has moved its inbox into the history: each sample once.
    await r.ingest.stop();
    expect(r.db.prepare('SELECT count(*) FROM health_inbox').pluck().get()).toBe(0);
    expect(r.db.prepare('SELECT count(*) FROM health_raw').pluck().get()).toBe(1500);
    expect(r.updates.every(([site, f]) => f.temperatureC === temperature(site))).toBe(true);
    expect(new Set(r.updates.map(([site]) => site)).size).toBe(50);
  });

  it('moves into the history, when it starts, what a relay stopped hard left in the inbox', async () => {
    const dir = scratchpad.dir();
    const before = openDatabase({ path: join(dir, 'relay.db'), migrations: MIGRATIONS });
    const staged = new HealthStore({ db: before, clock: new FakeClock(NOW) });
    staged.stage('a', [{ at: NOW - 60_000, values: { tempC: 40 } }]);
    staged.ingest('b', [{ at: NOW - 60_000, values: { tempC: 41 } }]);
    staged.stage('b', [{ at: NOW - 60_000, values: { tempC: 41 } }]);
    before.close();
    const r = await rig(kind, dir);
    expect(r.db.prepare('SELECT count(*) FROM health_inbox').pluck().get()).toBe(0);
    expect(r.db.prepare('SELECT site_key, at FROM health_raw ORDER BY site_key').all()).toEqual([
      { site_key: 'a', at: NOW - 60_000 },
      { site_key: 'b', at: NOW - 60_000 },
    ]);
  });

  it('drops and logs a batch that does not decode, and stores the rest of its group', async () => {
    const r = await rig(kind);
    await Promise.all([r.ingest.take('a', batch(1)), r.ingest.take('b', Buffer.from('pas un relevé')), r.ingest.take('c', batch(1))]);
    expect(r.stored()).toBe(2);
    expect(r.log.filter((l) => l.startsWith('relevé de santé illisible de b : '))).toHaveLength(1);
  });

  it('hands the facts of each site’s newest sample to the alerts', async () => {
    const r = await rig(kind);
    await Promise.all([
      r.ingest.take('a', batch(2, { tempC: 60, batteryPct: 50 })),
      r.ingest.take('a', batch(1, { tempC: 81.5, batteryStatus: 2, diskTotalMiB: 30000, diskFreeMiB: 1500, throttled: 5 })),
      r.ingest.take('b', Buffer.from('illisible')),
    ]);
    expect(Object.fromEntries(r.updates)).toEqual({
      // Merged over the group, the newest sample last.
      a: { lastSeen: NOW, temperatureC: 81.5, batteryPct: 50, charging: false, diskFreePct: 5, undervoltage: true },
      b: { lastSeen: NOW },
    });
  });
});

describe('health writer in a worker thread', () => {
  it('fails the groups of a thread killed mid-way, stores none by half, and goes on with a new thread', async () => {
    const r = await rig('worker');
    // 20 groups of 512 (one batch per site, so each group is 512 rows): the first stored,
    // then the thread is killed as soon as the other 19 are handed to it.
    const payload = batch(1);
    const take = (i: number) => r.ingest.take(`site-${i}`, payload);
    const takes = Array.from({ length: 512 }, (_, i) => take(i));
    await Promise.all(takes);
    for (let i = 512; i < 20 * 512; i++) takes.push(take(i));
    const killed = r.threads[0]!.terminate();
    const results = await Promise.allSettled(takes);
    await killed;
    const failed = results.flatMap((x) => (x.status === 'rejected' ? [x.reason as unknown] : []));
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((e) => e instanceof IngestError && e.reason === 'thread-died')).toBe(true);
    expect(r.log.some((l) => /fil d’écriture des relevés de santé s’est arrêté .* un nouveau fil prend la suite/.test(l))).toBe(true);
    // Every acknowledged batch is stored; each group is stored whole or not at all.
    const inHistory = r.db.prepare('SELECT EXISTS (SELECT 1 FROM health_raw WHERE site_key = ?) OR EXISTS (SELECT 1 FROM health_inbox WHERE site_key = ?)').pluck();
    const isStored = { get: (site: string) => inHistory.get(site, site) };
    results.forEach((x, i) => x.status === 'fulfilled' && expect(isStored.get(`site-${i}`)).toBe(1));
    for (let g = 0; g < 20; g++) {
      const inGroup = results.slice(g * 512, (g + 1) * 512).map((_, i) => isStored.get(`site-${g * 512 + i}`) === 1);
      expect(new Set(inGroup).size).toBe(1);
    }
    // The boxes send them again: a new thread stores them.
    await Promise.all(takes.map((_, i) => take(i)));
    expect(r.threads).toHaveLength(2);
    expect(r.stored()).toBe(20 * 512);
  });

  it('waits its turn while the relay’s own connection writes', async () => {
    const r = await rig('worker');
    r.db.prepare('BEGIN IMMEDIATE').run();
    const take = r.ingest.take('a', batch(1));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(r.stored()).toBe(0);
    r.db.prepare('COMMIT').run();
    await take;
    expect(r.stored()).toBe(1);
  });

  it('stores what waits when stopped, then ends its thread', async () => {
    const r = await rig('worker');
    const exited = new Promise((resolve) => r.threads[0]!.once('exit', resolve));
    // A lone batch waits GROUP_MS for company: stop does not wait that long.
    const take = r.ingest.take('a', batch(1));
    const t0 = performance.now();
    await r.ingest.stop();
    await take;
    expect(performance.now() - t0).toBeLessThan(50);
    expect(r.stored()).toBe(1);
    await exited;
    await expect(r.ingest.take('a', batch(2))).rejects.toThrow(/s’arrête/);
  });
});
