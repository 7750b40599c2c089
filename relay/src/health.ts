/**
 * The fleet's health history: what each box reported, raw for 7 days and as hourly
 * roll-ups (min, max, mean) for a year, so a volunteer sees the last day in detail and the
 * year at a glance — including the weeks a box was silent, since it uploads its backlog
 * when it comes back. Ingestion is idempotent (a redelivered batch is stored once) and
 * cheap (one row per sample: thousands of boxes report every minute); raw samples are
 * rolled up into hours when they leave the 7-day window, and a period's hours are read
 * from both. The ingest stages a fleet's samples in an inbox (appended, no index) and
 * settles them into the history every few seconds (migration 008); reads see both.
 */
import { sql, type Db } from '@solidaire/appliance/db';
import type { Clock } from '@solidaire/appliance/clock';

export interface Sample {
  readonly at: number;
  readonly values: Readonly<Record<string, number>>;
}

/** A box's own summary of a period whose raw samples it no longer kept. */
export interface Rollup {
  readonly start: number;
  readonly periodMs: number;
  /** Per metric: min, max, mean over n samples (gauges); or a last value; or OR-ed flags. */
  readonly metrics: Readonly<Record<string, { min: number; max: number; avg: number; n: number } | { last: number } | { bits: number }>>;
}

export interface SeriesPoint {
  readonly at: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
}

export const RAW_KEEP_MS = 7 * 24 * 3600_000;
export const HOURLY_KEEP_MS = 366 * 24 * 3600_000;
const HOUR = 3600_000;

/**
 * A site's samples since a time, from health_raw and from the inbox (parameters: site,
 * time, site, time): UNION, so that a sample in both (a batch delivered again before the
 * first was settled) counts once.
 */
const SAMPLES = `(SELECT at, vals FROM health_raw WHERE site_key = ? AND at >= ? UNION SELECT at, vals FROM health_inbox WHERE site_key = ? AND at >= ?)`;

/**
 * `fn` in a transaction of its own, or in the caller's: the relay ingests a turn's batches
 * in one, and a savepoint per batch inside it was a tenth of the ingest's time.
 */
function atomically<T>(db: Db, fn: () => T): T {
  return db.inTransaction ? fn() : db.transaction(fn)();
}

/** `values` without what is not a finite number; the object itself when all are (the usual case: no copy for every sample). */
function numbersOnly(values: Readonly<Record<string, number>>): Readonly<Record<string, number>> {
  for (const k in values) {
    const v = values[k];
    if (typeof v !== 'number' || !Number.isFinite(v)) return Object.fromEntries(Object.entries(values).filter(([, x]) => typeof x === 'number' && Number.isFinite(x)));
  }
  return values;
}

export class HealthStore {
  constructor(private readonly deps: { db: Db; clock: Clock }) {}

  /** Store samples of a site in health_raw now; returns how many were new. */
  ingest(siteKey: string, samples: readonly Sample[]): number {
    return this.insert('INSERT OR IGNORE INTO health_raw (site_key, at, vals) VALUES (?, ?, ?)', siteKey, samples);
  }

  /**
   * Store samples of a site in the inbox (appended: no index to update), to be moved into
   * health_raw by `settle`; reads see them at once. Returns how many were staged (a sample
   * the relay already has is staged again, and dropped when settled).
   */
  stage(siteKey: string, samples: readonly Sample[]): number {
    return this.insert('INSERT INTO health_inbox (site_key, at, vals) VALUES (?, ?, ?)', siteKey, samples);
  }

  /** Move the inbox into health_raw, in (site, time) order, in one transaction; returns how many samples were new. */
  settle(): number {
    const { db } = this.deps;
    return atomically(db, () => {
      const moved = sql(db, 'INSERT OR IGNORE INTO health_raw (site_key, at, vals) SELECT site_key, at, vals FROM health_inbox ORDER BY site_key, at').run().changes;
      sql(db, 'DELETE FROM health_inbox').run();
      return moved;
    });
  }

  private insert(statement: string, siteKey: string, samples: readonly Sample[]): number {
    const { db } = this.deps;
    const insert = sql(db, statement);
    const oldest = this.deps.clock.now() - HOURLY_KEEP_MS;
    return atomically(db, () => {
      let n = 0;
      for (const s of samples) {
        if (!Number.isSafeInteger(s.at) || s.at < oldest) continue;
        n += insert.run(siteKey, s.at, JSON.stringify(numbersOnly(s.values))).changes;
      }
      return n;
    });
  }

  /**
   * Store a box's roll-ups of periods it summarised (weeks offline: its raw samples were
   * dropped). Quarters are gathered into hours; an hour the relay already has from raw
   * samples, or from an earlier upload, is kept as it is (nothing counted twice).
   */
  ingestRollups(siteKey: string, rollups: readonly Rollup[]): number {
    const hours = new Map<string, { hour: number; name: string; min: number; max: number; sum: number; n: number }>();
    const oldest = this.deps.clock.now() - HOURLY_KEEP_MS;
    for (const r of rollups) {
      if (!Number.isSafeInteger(r.start) || r.start < oldest || r.periodMs > HOUR) continue;
      const hour = Math.floor(r.start / HOUR) * HOUR;
      for (const [name, m] of Object.entries(r.metrics)) {
        const [min, max, sum, n] = 'avg' in m ? [m.min, m.max, m.avg * m.n, m.n] : 'last' in m ? [m.last, m.last, m.last, 1] : [m.bits, m.bits, m.bits, 1];
        if (![min, max, sum, n].every(Number.isFinite) || n <= 0) continue;
        const key = `${hour}\u0000${name}`;
        const h = hours.get(key);
        if (h) Object.assign(h, { min: Math.min(h.min, min), max: Math.max(h.max, max), sum: h.sum + sum, n: h.n + n });
        else hours.set(key, { hour, name, min, max, sum, n });
      }
    }
    const insert = sql(this.deps.db, 'INSERT OR IGNORE INTO health_hourly (site_key, hour, name, min, max, sum, n) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const hasRaw = sql<[string, number, number, string, number, number], { one: number }>(
      this.deps.db,
      'SELECT EXISTS (SELECT 1 FROM health_raw WHERE site_key = ? AND at >= ? AND at < ?) OR EXISTS (SELECT 1 FROM health_inbox WHERE site_key = ? AND at >= ? AND at < ?) AS one',
    );
    return atomically(this.deps.db, () => {
      let fresh = 0;
      for (const h of hours.values()) {
        if (hasRaw.get(siteKey, h.hour, h.hour + HOUR, siteKey, h.hour, h.hour + HOUR)?.one) continue;
        fresh += insert.run(siteKey, h.hour, h.name, h.min, h.max, h.sum, h.n).changes;
      }
      return fresh;
    });
  }

  /** The newest sample of a site, or undefined. */
  latest(siteKey: string): Sample | undefined {
    const row = sql<[string, string], { at: number; vals: string }>(
      this.deps.db,
      `SELECT at, vals FROM (SELECT at, vals FROM health_raw WHERE site_key = ? ORDER BY at DESC LIMIT 1)
       UNION ALL SELECT at, vals FROM health_inbox WHERE site_key = ? ORDER BY at DESC LIMIT 1`,
    ).get(siteKey, siteKey);
    return row ? { at: row.at, values: JSON.parse(row.vals) as Record<string, number> } : undefined;
  }

  /**
   * One metric of a site over a period: raw points for a day, hourly roll-ups beyond
   * (7 or 30 days and up to a year).
   */
  series(siteKey: string, name: string, periodMs: number): SeriesPoint[] {
    const since = this.deps.clock.now() - periodMs;
    if (periodMs <= 24 * HOUR) {
      return sql<[string, string, number, string, number], { at: number; v: number }>(this.deps.db, `SELECT at, json_extract(vals, '$."' || ? || '"') AS v FROM ${SAMPLES} ORDER BY at`)
        .all(name, siteKey, since, siteKey, since)
        .filter((r) => typeof r.v === 'number')
        .map((r) => ({ at: r.at, min: r.v, max: r.v, mean: r.v }));
    }
    type Row = { hour: number; min: number; max: number; sum: number; n: number };
    const from = Math.floor(since / HOUR) * HOUR;
    const hours = new Map<number, Row>();
    const add = (r: Row) => {
      const h = hours.get(r.hour);
      if (h) Object.assign(h, { min: Math.min(h.min, r.min), max: Math.max(h.max, r.max), sum: h.sum + r.sum, n: h.n + r.n });
      else hours.set(r.hour, { ...r });
    };
    sql<[string, string, number], Row>(this.deps.db, 'SELECT hour, min, max, sum, n FROM health_hourly WHERE site_key = ? AND name = ? AND hour >= ?')
      .all(siteKey, name, from)
      .forEach(add);
    // The last 7 days are still raw: rolled up here, by hour.
    sql<[string, string, number, string, number], Row>(
      this.deps.db,
      `SELECT (at / ${HOUR}) * ${HOUR} AS hour, min(v) AS min, max(v) AS max, sum(v) AS sum, count(*) AS n FROM (
         SELECT at, json_extract(vals, '$."' || ? || '"') AS v FROM ${SAMPLES}
       ) WHERE v IS NOT NULL GROUP BY 1`,
    )
      .all(name, siteKey, from, siteKey, from)
      .forEach(add);
    return [...hours.values()].sort((a, b) => a.hour - b.hour).map((r) => ({ at: r.hour, min: r.min, max: r.max, mean: r.sum / r.n }));
  }

  /** Names of the metrics a site reported (in its hours, and in its newest sample). */
  metrics(siteKey: string): string[] {
    const names = new Set(sql<[string], { name: string }>(this.deps.db, 'SELECT DISTINCT name FROM health_hourly WHERE site_key = ?').all(siteKey).map((r) => r.name));
    for (const n of Object.keys(this.latest(siteKey)?.values ?? {})) names.add(n);
    return [...names].sort();
  }

  /** Roll raw samples older than 7 days up into their hours, then drop them; drop hours older than a year. */
  prune(): void {
    const now = this.deps.clock.now();
    const cutoff = Math.floor((now - RAW_KEEP_MS) / HOUR) * HOUR;
    this.deps.db.transaction(() => {
      sql(
        this.deps.db,
        `INSERT INTO health_hourly (site_key, hour, name, min, max, sum, n)
         SELECT r.site_key, (r.at / ${HOUR}) * ${HOUR}, j.key, min(j.value), max(j.value), sum(j.value), count(*)
         FROM health_raw r, json_each(r.vals) j WHERE r.at < ? AND j.type IN ('integer', 'real') GROUP BY 1, 2, 3
         ON CONFLICT (site_key, hour, name) DO UPDATE SET min = min(min, excluded.min), max = max(max, excluded.max), sum = sum + excluded.sum, n = n + excluded.n`,
      ).run(cutoff);
      sql(this.deps.db, 'DELETE FROM health_raw WHERE at < ?').run(cutoff);
      sql(this.deps.db, 'DELETE FROM health_hourly WHERE hour < ?').run(now - HOURLY_KEEP_MS);
    })();
  }
}
