/**
 * Health batches decoded and stored on the thread that calls: by the relay itself when it
 * runs without its ingest thread (and in tests), and inside that thread (ingest-thread.ts).
 * A group's samples are staged in the inbox (HealthStore.stage: appended, so a commit
 * writes few pages however many sites sent) and settled into the history once
 * SETTLE_MS have passed since the last time, or SETTLE_ROWS wait: a site's leaf of the
 * (site, time) index is then written once for all its samples of those seconds. What is
 * staged is stored (committed) and read as such; settling only moves it.
 */
import type { Db } from '@solidaire/appliance/db';
import type { Clock } from '@solidaire/appliance/clock';
import { decodeBatch, HealthBatchError, type DecodedSample } from '@solidaire/appliance/health';
import type { SiteFacts } from './alerts.js';
import type { HealthStore, Rollup } from './health.js';
import type { BatchOutcome, HealthBatchIn, HealthWriter } from './ingest.js';

/**
 * Settled every 4 s, or once 50,000 samples wait: under the relay benchmark's saturation
 * (1,000 sites, a batch each as fast as its PUBACK comes) a settle every second stored
 * 14–16k batches/s, every ~3 s 16–20k (the machine's noise is ±20 %); the inbox scanned
 * by a read stays small (a fleet of 10,000 sites fills it with ~700 samples in 4 s).
 */
const SETTLE_MS = 4000;
const SETTLE_ROWS = 50_000;

export class InThreadHealthWriter implements HealthWriter {
  private staged = 0;
  private settledAt = -Infinity;

  /** `health` stores on `db`; `clock` (the health store's) says when to settle. */
  constructor(private readonly deps: { readonly db: Db; readonly health: HealthStore; readonly clock: Clock }) {}

  /** Settles what an earlier run staged and did not settle (a relay stopped hard). */
  async start(): Promise<void> {
    this.settle();
  }

  async stop(): Promise<void> {
    this.settle();
  }

  /** Move the inbox into the history now (one transaction). */
  settle(): void {
    this.deps.health.settle();
    this.staged = 0;
    this.settledAt = this.deps.clock.now();
  }

  /** `settle`, if SETTLE_MS have passed since the last or SETTLE_ROWS wait. */
  settleIfDue(): void {
    if (this.staged > 0 && (this.staged >= SETTLE_ROWS || this.deps.clock.now() - this.settledAt >= SETTLE_MS)) this.settle();
  }

  async write(batches: readonly HealthBatchIn[]): Promise<readonly BatchOutcome[]> {
    const outcomes = this.writeNow(batches);
    this.settleIfDue();
    return outcomes;
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
    this.staged += health.stage(siteKey, batch.samples.map((x) => ({ at: x.at, values: x.metrics as Record<string, number> })));
    // Roll-ups (a box back from weeks offline) are kept only for hours without raw samples.
    if (batch.rollups.length) health.settle();
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
