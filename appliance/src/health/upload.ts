/**
 * What the relay has not acknowledged yet, as compressed batches, oldest first.
 *
 * One cursor, `sent_to` (ms): everything before it was acknowledged. A batch starts at the
 * cursor and takes, for each stretch of time, the finest level still kept: hours where
 * only hours remain, then quarter-hours, then raw samples. So a box silent for three weeks
 * sends hourly roll-ups for its first week, quarter-hours for the next twelve days and
 * every sample of the last two: no hole, at most a little overlap where levels meet.
 * `finest` lets a metered link ask for roll-ups only (quarter-hours: 96 a day).
 *
 * Driving it: `pendingBatch()`, publish, `markUploaded(id)` once the relay acknowledged
 * (QoS 1 PUBACK), repeat until null. One batch in flight at a time: until it is marked,
 * pendingBatch() answers the same span again. A batch marked after the cursor moved back
 * (a sample stamped before it: the clock was set back) is ignored and its span sent again;
 * the relay stores by time, so nothing is counted twice.
 */
import { sql, type Db } from '../db/index.js';
import { LEVELS, PERIOD_MS } from './metrics.js';
import { decodeRollupRow, decodeSampleRow, type StoredRollup, type StoredSample } from './history.js';
import { encodeBatch } from './wire.js';

export type Resolution = 'raw' | 'quarter' | 'hour';

export interface HealthBatch {
  /** Give it back to markUploaded() once the relay acknowledged the payload. */
  readonly id: string;
  /** The wire bytes (wire.ts): brotli-compressed CBOR. */
  readonly payload: Uint8Array;
  /** The span it tells: [from, to), ms. */
  readonly from: number;
  readonly to: number;
  readonly samples: number;
  readonly rollups: number;
}

export interface BatchOptions {
  /** The finest level to send (default raw). */
  readonly finest?: Resolution;
}

export const DEFAULT_BATCH_ITEMS = 500;
export const MAX_BATCH_ITEMS = 5_000;
const NEVER = Number.MAX_SAFE_INTEGER;

type SampleRow = { at: number; body: Buffer };
type RollupRow = { level: number; start: number; n: number; body: Buffer };

export class UploadQueue {
  constructor(private readonly db: Db) {}

  /** The oldest span not acknowledged yet, or null when the relay has everything kept. */
  pendingBatch(maxItems = DEFAULT_BATCH_ITEMS, opts: BatchOptions = {}): HealthBatch | null {
    const limit = Math.max(1, Math.min(MAX_BATCH_ITEMS, Math.floor(maxItems)));
    const { sent_to: t, generation } = this.cursor();
    const { hourBefore, quarterBefore, raw } = this.bounds(opts.finest ?? 'raw');
    const rollups = (level: number, before: number) =>
      sql<[number, number, number, number], RollupRow>(
        this.db,
        'SELECT level, start, n, body FROM health_rollups WHERE level = ? AND start > ? AND start < ? ORDER BY start LIMIT ?',
      )
        .all(level, t - PERIOD_MS[level]!, before, limit)
        .map(decodeRollupRow);
    const hours = rollups(LEVELS.hour, hourBefore);
    const quarters = hours.length < limit ? rollups(LEVELS.quarter, quarterBefore).slice(0, limit - hours.length) : [];
    let samples: StoredSample[] = [];
    const room = limit - hours.length - quarters.length;
    if (raw && room > 0) {
      samples = sql<[number, number], SampleRow>(this.db, 'SELECT at, body FROM health_samples WHERE at >= ? ORDER BY at LIMIT ?').all(t, room).map(decodeSampleRow);
    }
    const taken: StoredRollup[] = [...hours, ...quarters];
    if (taken.length === 0 && samples.length === 0) return null;
    const to = Math.max(...taken.map((r) => r.start + PERIOD_MS[r.level]!), ...samples.map((s) => s.at + 1));
    return {
      id: `${generation}.${t}.${to}`,
      payload: encodeBatch(t, to, samples, taken),
      from: t,
      to,
      samples: samples.length,
      rollups: taken.length,
    };
  }

  /** The relay acknowledged this batch: move the cursor past it. False when stale or already marked. */
  markUploaded(batchId: string): boolean {
    const m = /^(\d+)\.(-?\d+)\.(-?\d+)$/.exec(batchId);
    if (!m) return false;
    const [generation, from, to] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const r = sql(this.db, 'UPDATE health_state SET sent_to = ? WHERE id = 1 AND generation = ? AND sent_to = ? AND ? > sent_to').run(to, generation, from, to);
    return r.changes === 1;
  }

  /** Where the unacknowledged part starts, and how many samples and roll-ups it holds. */
  backlog(finest: Resolution = 'raw'): { since: number; samples: number; rollups: number } {
    const { sent_to: t } = this.cursor();
    const { hourBefore, quarterBefore, raw } = this.bounds(finest);
    const count = (level: number, before: number) =>
      sql<[number, number, number], { n: number }>(this.db, 'SELECT count(*) AS n FROM health_rollups WHERE level = ? AND start > ? AND start < ?').get(
        level,
        t - PERIOD_MS[level]!,
        before,
      )!.n;
    const samples = raw ? sql<[number], { n: number }>(this.db, 'SELECT count(*) AS n FROM health_samples WHERE at >= ?').get(t)!.n : 0;
    return { since: t, samples, rollups: count(LEVELS.hour, hourBefore) + count(LEVELS.quarter, quarterBefore) };
  }

  private cursor(): { sent_to: number; generation: number } {
    return sql<[], { sent_to: number; generation: number }>(this.db, 'SELECT sent_to, generation FROM health_state WHERE id = 1').get()!;
  }

  /**
   * Where each level takes over: hours are sent only before the first quarter-hour kept,
   * quarter-hours only before the first raw sample kept (when raw is wanted).
   */
  private bounds(finest: Resolution): { hourBefore: number; quarterBefore: number; raw: boolean } {
    const raw = finest === 'raw';
    const rawFrom = raw ? (sql<[], { t: number | null }>(this.db, 'SELECT min(at) AS t FROM health_samples').get()!.t ?? NEVER) : NEVER;
    const quarterFrom =
      finest === 'hour'
        ? NEVER
        : (sql<[number], { t: number | null }>(this.db, 'SELECT min(start) AS t FROM health_rollups WHERE level = ?').get(LEVELS.quarter)!.t ?? NEVER);
    // No quarter-hour kept yet (a new box): hours, if any, go up to the raw samples.
    return { hourBefore: Math.min(quarterFrom, rawFrom), quarterBefore: finest === 'hour' ? Number.MIN_SAFE_INTEGER : rawFrom, raw };
  }
}
