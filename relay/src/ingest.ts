/**
 * The boxes' health batches on their way into the fleet store. The broker acknowledges a
 * batch only once it is stored, so batches are stored in group commits (one transaction,
 * one disk flush), and when a group is committed depends on how they come:
 *  - a fleet's batches arrive one by one, and a commit each was most of the relay's CPU:
 *    a group waits GROUP_MS after its first batch (50 ms is nothing to a box waiting for
 *    its PUBACK);
 *  - under a burst (many boxes back at once), waiting is what limits the relay: each box
 *    sends its next batch only once the last is acknowledged, so the rate is the boxes in
 *    flight divided by the wait. Once GROUP_BUSY batches wait, the group is committed at
 *    the end of this turn of the event loop, with whatever else the turn brought;
 *  - GROUP_MAX batches are committed at once.
 */
import type { Db } from '@solidaire/appliance/db';
import type { Clock } from '@solidaire/appliance/clock';
import { decodeBatch, HealthBatchError } from '@solidaire/appliance/health';
import type { Alerts, SiteFacts } from './alerts.js';
import type { HealthStore, Rollup } from './health.js';

const GROUP_MAX = 512;
const GROUP_BUSY = 32;
const GROUP_MS = 50;

export interface HealthIngestDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly health: HealthStore;
  readonly alerts: Alerts;
  readonly log?: (line: string) => void;
}

export class HealthIngest {
  private timer: NodeJS.Timeout | undefined;
  private soon: NodeJS.Immediate | undefined;
  private queue: Array<{ siteKey: string; payload: Buffer; done: (e?: unknown) => void }> = [];

  constructor(private readonly deps: HealthIngestDeps) {}

  /**
   * A health batch from a box: its samples and roll-ups into the history, its newest
   * sample into the facts the alert rules read. Resolves once stored. A batch that does
   * not decode is dropped (and logged): the box would only send it again.
   */
  take(siteKey: string, payload: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      const n = this.queue.push({ siteKey, payload, done: (e) => (e ? reject(e) : resolve()) });
      if (n >= GROUP_MAX) this.flush();
      else if (n === 1) this.timer = setTimeout(() => this.flush(), GROUP_MS);
      else if (n === GROUP_BUSY) this.soon = setImmediate(() => this.flush());
    });
  }

  /** Store every batch waiting, in one transaction; then acknowledge them all. */
  flush(): void {
    clearTimeout(this.timer);
    clearImmediate(this.soon);
    this.timer = undefined;
    this.soon = undefined;
    const items = this.queue.splice(0);
    if (!items.length) return;
    const { db, clock, alerts } = this.deps;
    const facts = new Map<string, SiteFacts>();
    try {
      db.transaction(() => {
        for (const it of items) facts.set(it.siteKey, { ...facts.get(it.siteKey), lastSeen: clock.now(), ...this.store(it.siteKey, it.payload) });
        for (const [siteKey, f] of facts) alerts.update(siteKey, f);
      })();
    } catch (e) {
      for (const it of items) it.done(e);
      return;
    }
    for (const it of items) it.done();
  }

  /** One batch into the history; the facts its newest sample tells (for the alert rules). */
  private store(siteKey: string, payload: Buffer): SiteFacts {
    let batch;
    try {
      batch = decodeBatch(payload);
    } catch (e) {
      if (e instanceof HealthBatchError) {
        this.deps.log?.(`relevé de santé illisible de ${siteKey} : ${e.message}`);
        return {};
      }
      throw e;
    }
    const { health } = this.deps;
    health.ingest(siteKey, batch.samples.map((x) => ({ at: x.at, values: x.metrics as Record<string, number> })));
    health.ingestRollups(
      siteKey,
      batch.rollups.map((r) => ({ start: r.start, periodMs: r.end - r.start, metrics: r.metrics as Rollup['metrics'] })),
    );
    const latest = batch.samples.at(-1)?.metrics;
    if (!latest) return {};
    return {
      ...(latest.batteryPct !== undefined ? { batteryPct: latest.batteryPct } : {}),
      ...(latest.batteryStatus !== undefined ? { charging: latest.batteryStatus === 1 || latest.batteryStatus === 4 } : {}),
      ...(latest.tempC !== undefined ? { temperatureC: latest.tempC } : {}),
      ...(latest.diskFreeMiB !== undefined && latest.diskTotalMiB ? { diskFreePct: (100 * latest.diskFreeMiB) / latest.diskTotalMiB } : {}),
      // Bit 0 of the Pi's get_throttled: under-voltage now.
      ...(latest.throttled !== undefined ? { undervoltage: (latest.throttled & 1) !== 0 } : {}),
    };
  }
}
