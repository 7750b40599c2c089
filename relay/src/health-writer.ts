/**
 * Health batches decoded and stored on the thread that calls: by the relay itself when it
 * runs without its ingest thread (and in tests), and inside that thread (ingest-thread.ts).
 */
import type { Db } from '@solidaire/appliance/db';
import { decodeBatch, HealthBatchError, type DecodedSample } from '@solidaire/appliance/health';
import type { SiteFacts } from './alerts.js';
import type { HealthStore, Rollup } from './health.js';
import type { BatchOutcome, HealthBatchIn, HealthWriter } from './ingest.js';

export class InThreadHealthWriter implements HealthWriter {
  /** `health` stores on `db`; its clock is the one `now` is read from. */
  constructor(private readonly deps: { readonly db: Db; readonly health: HealthStore }) {}

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  async write(batches: readonly HealthBatchIn[]): Promise<readonly BatchOutcome[]> {
    return this.writeNow(batches);
  }

  /**
   * `write`, synchronously: one transaction, committed when this returns. BEGIN IMMEDIATE:
   * another connection writes the same file (the relay's, or the ingest thread's), and a
   * deferred transaction that read before it wrote would fail at once if the other had
   * committed meanwhile, where this one waits its turn (busy_timeout).
   */
  writeNow(batches: readonly HealthBatchIn[]): BatchOutcome[] {
    return this.deps.db.transaction(() => batches.map((b) => this.store(b))).immediate();
  }

  /** One batch into the history; the facts its newest sample tells (for the alert rules). */
  private store({ siteKey, payload }: HealthBatchIn): BatchOutcome {
    let batch;
    try {
      batch = decodeBatch(payload);
    } catch (e) {
      if (e instanceof HealthBatchError) return { unreadable: e.message };
      throw e;
    }
    const { health } = this.deps;
    health.ingest(siteKey, batch.samples.map((x) => ({ at: x.at, values: x.metrics as Record<string, number> })));
    health.ingestRollups(
      siteKey,
      batch.rollups.map((r) => ({ start: r.start, periodMs: r.end - r.start, metrics: r.metrics as Rollup['metrics'] })),
    );
    return { facts: factsOf(batch.samples.at(-1)?.metrics) };
  }
}

/** What a sample tells the alert rules (assigned field by field: spreads were 7 % of the thread). */
function factsOf(latest: DecodedSample['metrics'] | undefined): SiteFacts {
  const f: { -readonly [K in keyof SiteFacts]: SiteFacts[K] } = {};
  if (!latest) return f;
  if (latest.batteryPct !== undefined) f.batteryPct = latest.batteryPct;
  if (latest.batteryStatus !== undefined) f.charging = latest.batteryStatus === 1 || latest.batteryStatus === 4;
  if (latest.tempC !== undefined) f.temperatureC = latest.tempC;
  if (latest.diskFreeMiB !== undefined && latest.diskTotalMiB) f.diskFreePct = (100 * latest.diskFreeMiB) / latest.diskTotalMiB;
  // Bit 0 of the Pi's get_throttled: under-voltage now.
  if (latest.throttled !== undefined) f.undervoltage = (latest.throttled & 1) !== 0;
  return f;
}
