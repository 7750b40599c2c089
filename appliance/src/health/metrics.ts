/**
 * A sample as the history keeps it and the wire carries it: a fixed list of metrics, each
 * an integer in a small unit (hundredths of load, tenths of a degree, MiB), so CBOR spends
 * one to five bytes on it and brotli finds the repeats. A metric a sample lacks is null.
 *
 * The list is append-only: a new metric goes at the end, and a row or batch written before
 * it simply has fewer values (read as absent). Changing a unit or an order is a new wire
 * version (wire.ts).
 *
 * Roll-ups summarise a period per metric, by its kind:
 *   gauge  [min, max, avg] (+ n when fewer samples had it than the period has)
 *   last   [last value]     totals and counters since boot
 *   bits   [OR of masks]    the Pi's throttling flags: did it happen in the period
 * Averages are rounded to the metric's unit.
 */
import { Encoder } from 'cbor-x';
import { BATTERY_STATUSES, type HealthSample } from './sample.js';

/** The CBOR of the history's rows and of the wire (plain arrays and maps, no records). */
export const cbor = new Encoder({ useRecords: false, mapsAsObjects: true, tagUint8Array: false });

export const QUARTER_MS = 15 * 60_000;
export const HOUR_MS = 60 * 60_000;
/** Roll-up levels, as stored and sent. */
export const LEVELS = { quarter: 1, hour: 2 } as const;
export const PERIOD_MS: Readonly<Record<number, number>> = { [LEVELS.quarter]: QUARTER_MS, [LEVELS.hour]: HOUR_MS };

type Kind = 'gauge' | 'last' | 'bits';

const MiB = 1024 * 1024;
const KiB = 1024;

export const METRICS = [
  { name: 'load1', kind: 'gauge', scale: 100 },
  { name: 'load5', kind: 'gauge', scale: 100 },
  { name: 'load15', kind: 'gauge', scale: 100 },
  { name: 'busyPct', kind: 'gauge', scale: 10 },
  { name: 'tempC', kind: 'gauge', scale: 10 },
  { name: 'memTotalMiB', kind: 'last', scale: 1 },
  { name: 'memUsedMiB', kind: 'gauge', scale: 1 },
  { name: 'memAvailableMiB', kind: 'gauge', scale: 1 },
  { name: 'diskTotalMiB', kind: 'last', scale: 1 },
  { name: 'diskFreeMiB', kind: 'gauge', scale: 1 },
  { name: 'uptimeS', kind: 'gauge', scale: 1 },
  { name: 'netUp', kind: 'gauge', scale: 1 },
  { name: 'netInKiB', kind: 'last', scale: 1 },
  { name: 'netOutKiB', kind: 'last', scale: 1 },
  { name: 'throttled', kind: 'bits', scale: 1 },
  { name: 'batteryPct', kind: 'gauge', scale: 1 },
  /** Index in BATTERY_STATUSES: 0 unknown, 1 charging, 2 discharging, 3 not charging, 4 full. */
  { name: 'batteryStatus', kind: 'last', scale: 1 },
  { name: 'batteryMv', kind: 'gauge', scale: 1 },
  { name: 'batteryMa', kind: 'gauge', scale: 1 },
] as const satisfies ReadonlyArray<{ name: string; kind: Kind; scale: number }>;

export type MetricName = (typeof METRICS)[number]['name'];

/** One value per metric, in METRICS order, in the metric's unit; null where absent. */
export type Values = ReadonlyArray<number | null>;

/** Per metric: gauge [min, max, avg] or [min, max, avg, n], last [v], bits [mask]; null where absent. */
export type Aggregate = readonly number[] | null;

export interface Summary {
  /** Samples summarised. */
  readonly n: number;
  readonly aggs: readonly Aggregate[];
}

const int = (v: number | null | undefined, scale = 1): number | null =>
  v === null || v === undefined || !Number.isFinite(v) ? null : Math.round(v * scale);

/** The sample's metrics, in METRICS order. */
export function toValues(s: HealthSample): Values {
  const b = s.battery;
  return [
    int(s.cpu?.load1, 100),
    int(s.cpu?.load5, 100),
    int(s.cpu?.load15, 100),
    int(s.cpu?.busyPct, 10),
    int(s.cpuTempC, 10),
    int(s.memory && s.memory.totalBytes / MiB),
    int(s.memory && s.memory.usedBytes / MiB),
    int(s.memory && s.memory.availableBytes / MiB),
    int(s.disk && s.disk.totalBytes / MiB),
    int(s.disk && s.disk.freeBytes / MiB),
    int(s.uptimeSeconds),
    s.network ? s.network.up.length : null,
    int(s.network && s.network.bytesIn / KiB),
    int(s.network && s.network.bytesOut / KiB),
    s.throttling ? s.throttling.mask : null,
    int(b?.capacityPct),
    b ? BATTERY_STATUSES.indexOf(b.status) : null,
    int(b?.voltageV, 1000),
    int(b?.currentA, 1000),
  ];
}

/** Values without their trailing nulls (what is stored and sent). */
export function trimValues(values: Values): Values {
  let end = values.length;
  while (end > 0 && values[end - 1] === null) end--;
  return values.slice(0, end);
}

/** A value in natural units (load, %, °C…), from the metric's integer. */
export function natural(i: number, v: number): number {
  return v / (METRICS[i]?.scale ?? 1);
}

/** The summary of one sample. */
export function single(values: Values): Summary {
  return {
    n: 1,
    aggs: METRICS.map((m, i) => {
      const v = values[i];
      if (v === null || v === undefined) return null;
      return m.kind === 'gauge' ? [v, v, v] : [v];
    }),
  };
}

/** Several summaries as one (in time order: the later "last" wins). */
export function merge(parts: readonly Summary[]): Summary {
  const n = parts.reduce((s, p) => s + p.n, 0);
  const aggs = METRICS.map((m, i): Aggregate => {
    const present = parts.flatMap((p) => {
      const a = p.aggs[i];
      return a ? [{ a, n: a[3] ?? p.n }] : [];
    });
    if (present.length === 0) return null;
    if (m.kind === 'last') return [present[present.length - 1]!.a[0]!];
    if (m.kind === 'bits') return [present.reduce((mask, { a }) => mask | a[0]!, 0)];
    const count = present.reduce((s, x) => s + x.n, 0);
    const min = Math.min(...present.map(({ a }) => a[0]!));
    const max = Math.max(...present.map(({ a }) => a[1]!));
    const avg = Math.round(present.reduce((s, { a, n: k }) => s + a[2]! * k, 0) / count);
    return count === n ? [min, max, avg] : [min, max, avg, count];
  });
  return { n, aggs };
}

export function summarize(samples: readonly Values[]): Summary {
  return merge(samples.map(single));
}
