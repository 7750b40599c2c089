/**
 * The box's health history in SQLite (migration 010_health.sql), bounded in time and in
 * rows so weeks offline neither lose the story nor fill the card:
 *
 *   level     period   kept      row cap   ~bytes/row   at most
 *   raw       sample   48 h      3,000     60           ~0.2 MB
 *   quarter   15 min   14 days   1,500     150          ~0.25 MB
 *   hour      1 h      180 days  4,400     150          ~0.7 MB
 *
 * Why: raw at one sample a minute is 2,880 rows in 48 h — enough to see a reboot or a
 * heat spike in detail after a weekend without a link; the cap (a little more) bounds a
 * box told to sample faster. Quarter-hours for two weeks cover a normal gap between two
 * visits of the 3G key (Nioro: two hours a month) at the resolution alerts need (a 15-min
 * battery dip). Hours for 180 days let a box silent for a season still tell, on its return,
 * when its battery ran down each evening. Row caps keep the whole under ~1.5 MB (measured
 * in history.test.ts) whatever the clock does. Roll-ups are computed as soon as a period is
 * complete, so raw rows are always summarised before they age out.
 *
 * Each record() is one transaction: insert, roll up what completed, prune.
 */
import { sql, type Db } from '../db/index.js';
import type { Clock } from '../clock/index.js';
import { cbor, HOUR_MS, LEVELS, merge, PERIOD_MS, QUARTER_MS, single, summarize, toValues, trimValues, type Summary, type Values } from './metrics.js';
import type { HealthSample } from './sample.js';

const DAY_MS = 24 * HOUR_MS;

export interface HistoryLimits {
  readonly rawKeepMs: number;
  readonly rawMaxRows: number;
  readonly quarterKeepMs: number;
  readonly quarterMaxRows: number;
  readonly hourKeepMs: number;
  readonly hourMaxRows: number;
}

export const DEFAULT_HISTORY_LIMITS: HistoryLimits = {
  rawKeepMs: 2 * DAY_MS,
  rawMaxRows: 3_000,
  quarterKeepMs: 14 * DAY_MS,
  quarterMaxRows: 1_500,
  hourKeepMs: 180 * DAY_MS,
  hourMaxRows: 4_400,
};

export interface StoredSample {
  readonly at: number;
  readonly values: Values;
  readonly up: readonly string[] | null;
}

export interface StoredRollup extends Summary {
  readonly level: number;
  readonly start: number;
}

interface State {
  quarter_to: number;
  hour_to: number;
  sent_to: number;
  generation: number;
}

const floorTo = (t: number, period: number) => Math.floor(t / period) * period;

export function decodeSampleRow(r: { at: number; body: Buffer }): StoredSample {
  const [values, up] = cbor.decode(r.body) as [Values, string[] | undefined];
  return { at: r.at, values, up: up ?? null };
}

export function decodeRollupRow(r: { level: number; start: number; n: number; body: Buffer }): StoredRollup {
  return { level: r.level, start: r.start, n: r.n, aggs: cbor.decode(r.body) as Summary['aggs'] };
}

export class HealthHistory {
  readonly limits: HistoryLimits;

  constructor(private readonly opts: { readonly db: Db; readonly clock: Clock; readonly limits?: Partial<HistoryLimits> }) {
    this.limits = { ...DEFAULT_HISTORY_LIMITS, ...opts.limits };
  }

  /** Keep a sample; roll up the periods it completes; drop what is too old or too many. */
  record(sample: HealthSample): void {
    const { db } = this.opts;
    const values = trimValues(toValues(sample));
    const up = sample.network ? [...sample.network.up] : null;
    db.transaction(() => {
      sql(db, 'INSERT OR REPLACE INTO health_samples (at, body) VALUES (?, ?)').run(sample.at, cbor.encode(up ? [values, up] : [values]));
      this.late(sample.at, values);
      this.rollUp(this.opts.clock.now());
      this.prune(this.opts.clock.now());
    })();
  }

  state(): State {
    return sql<[], State>(this.opts.db, 'SELECT quarter_to, hour_to, sent_to, generation FROM health_state WHERE id = 1').get()!;
  }

  /**
   * A sample in a period already rolled up, or before what the relay acknowledged: the
   * clock was set back. It joins the existing summaries (rather than recomputing them from
   * raw rows that may be gone), and the upload cursor comes back to it.
   */
  private late(at: number, values: Values): void {
    const { db } = this.opts;
    const st = this.state();
    for (const [level, to, column] of [[LEVELS.quarter, st.quarter_to, 'quarter_to'], [LEVELS.hour, st.hour_to, 'hour_to']] as const) {
      if (at >= to) continue;
      const start = floorTo(at, PERIOD_MS[level]!);
      const row = sql<[number, number], { level: number; start: number; n: number; body: Buffer }>(
        db,
        'SELECT level, start, n, body FROM health_rollups WHERE level = ? AND start = ?',
      ).get(level, start);
      if (row) this.putRollup(level, start, merge([decodeRollupRow(row), single(values)]), true);
      // No summary yet for that period: roll it up again when it completes.
      else sql(db, `UPDATE health_state SET ${column} = ? WHERE id = 1`).run(start);
    }
    if (at < st.sent_to) sql(db, 'UPDATE health_state SET sent_to = ?, generation = generation + 1 WHERE id = 1').run(at);
  }

  /** Summarise every complete period not summarised yet: quarters from samples, hours from quarters. */
  private rollUp(now: number): void {
    const { db } = this.opts;
    const st = this.state();
    const quarterEnd = floorTo(now, QUARTER_MS);
    if (quarterEnd > st.quarter_to) {
      const rows = sql<[number, number], { at: number; body: Buffer }>(
        db,
        'SELECT at, body FROM health_samples WHERE at >= ? AND at < ? ORDER BY at',
      ).all(st.quarter_to, quarterEnd);
      for (const [start, group] of groupBy(rows.map(decodeSampleRow), (s) => floorTo(s.at, QUARTER_MS))) {
        this.putRollup(LEVELS.quarter, start, summarize(group.map((s) => s.values)), false);
      }
      sql(db, 'UPDATE health_state SET quarter_to = ? WHERE id = 1').run(quarterEnd);
    }
    const hourEnd = floorTo(now, HOUR_MS);
    if (hourEnd > st.hour_to) {
      const rows = sql<[number, number, number], { level: number; start: number; n: number; body: Buffer }>(
        db,
        'SELECT level, start, n, body FROM health_rollups WHERE level = ? AND start >= ? AND start < ? ORDER BY start',
      ).all(LEVELS.quarter, st.hour_to, hourEnd);
      for (const [start, group] of groupBy(rows.map(decodeRollupRow), (r) => floorTo(r.start, HOUR_MS))) {
        this.putRollup(LEVELS.hour, start, merge(group), false);
      }
      sql(db, 'UPDATE health_state SET hour_to = ? WHERE id = 1').run(hourEnd);
    }
  }

  /** Write a summary; `replace` for one updated by a late sample, else an existing one wins. */
  private putRollup(level: number, start: number, s: Summary, replace: boolean): void {
    sql(this.opts.db, `INSERT OR ${replace ? 'REPLACE' : 'IGNORE'} INTO health_rollups (level, start, n, body) VALUES (?, ?, ?, ?)`).run(
      level,
      start,
      s.n,
      cbor.encode(s.aggs),
    );
  }

  private prune(now: number): void {
    const { db } = this.opts;
    const l = this.limits;
    sql(db, 'DELETE FROM health_samples WHERE at < ?').run(now - l.rawKeepMs);
    sql(db, 'DELETE FROM health_samples WHERE at <= (SELECT at FROM health_samples ORDER BY at DESC LIMIT 1 OFFSET ?)').run(l.rawMaxRows);
    for (const [level, keep, max] of [[LEVELS.quarter, l.quarterKeepMs, l.quarterMaxRows], [LEVELS.hour, l.hourKeepMs, l.hourMaxRows]] as const) {
      sql(db, 'DELETE FROM health_rollups WHERE level = ? AND start < ?').run(level, now - keep);
      sql(db, 'DELETE FROM health_rollups WHERE level = ? AND start <= (SELECT start FROM health_rollups WHERE level = ? ORDER BY start DESC LIMIT 1 OFFSET ?)').run(
        level,
        level,
        max,
      );
    }
  }

  /** Samples kept, oldest first, from `from` (ms) on. */
  samples(from = 0, limit = 10_000): StoredSample[] {
    return sql<[number, number], { at: number; body: Buffer }>(this.opts.db, 'SELECT at, body FROM health_samples WHERE at >= ? ORDER BY at LIMIT ?')
      .all(from, limit)
      .map(decodeSampleRow);
  }

  /** Roll-ups of a level kept, oldest first. */
  rollups(level: number, from = 0, limit = 10_000): StoredRollup[] {
    return sql<[number, number, number], { level: number; start: number; n: number; body: Buffer }>(
      this.opts.db,
      'SELECT level, start, n, body FROM health_rollups WHERE level = ? AND start >= ? ORDER BY start LIMIT ?',
    )
      .all(level, from, limit)
      .map(decodeRollupRow);
  }

  /** Rows per level and the bytes their bodies take. */
  size(): { raw: number; quarter: number; hour: number; bytes: number } {
    const { db } = this.opts;
    const raw = sql<[], { n: number; b: number | null }>(db, 'SELECT count(*) AS n, sum(length(body) + 8) AS b FROM health_samples').get()!;
    const roll = (level: number) =>
      sql<[number], { n: number; b: number | null }>(db, 'SELECT count(*) AS n, sum(length(body) + 16) AS b FROM health_rollups WHERE level = ?').get(level)!;
    const q = roll(LEVELS.quarter);
    const h = roll(LEVELS.hour);
    return { raw: raw.n, quarter: q.n, hour: h.n, bytes: (raw.b ?? 0) + (q.b ?? 0) + (h.b ?? 0) };
  }
}

function groupBy<T>(items: readonly T[], key: (t: T) => number): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const it of items) {
    const k = key(it);
    const g = groups.get(k);
    if (g) g.push(it);
    else groups.set(k, [it]);
  }
  return groups;
}
