/**
 * The health batch on the wire (box → relay, MQTT topic solidaire/v1/sites/{site}/health),
 * version 1: CBOR [1, from, to, samples, rollups], brotli-compressed when that is smaller.
 * A batch of one sample (a box with a steady link sends one a minute) is smaller as it is,
 * and its brotli cost the relay 7 of the 9 µs of decoding it. The first byte tells the two
 * apart: a CBOR array of five is 0x85; a brotli stream as Node writes it (window 22)
 * begins with a byte whose low four bits are 0xB. Relays decode both since 2026-12-04;
 * one older would drop an uncompressed batch as unreadable: update the relay first.
 *
 *   from, to   ms; the batch tells everything the box kept in [from, to)
 *   samples    [[dt, values, up?], …]       raw samples; dt = at − the previous sample's at
 *                                          (the first: − from); values as metrics.ts
 *   rollups    [[level, dt, n, aggs], …]    level 1 quarter-hour, 2 hour; dt = start − the
 *                                          previous roll-up's start (the first: − from)
 *
 * A roll-up may start before `from` (it overlaps what was sent before) and a quarter may
 * overlap an hour: the relay keeps samples by time and roll-ups by (level, start), so what
 * arrives twice is stored once. Everything here is decoded with its shape checked: the
 * relay trusts nothing it did not parse.
 */
import { brotliCompressSync, brotliDecompressSync, constants as zc } from 'node:zlib';
import { z } from 'zod';
import { cbor, METRICS, natural, PERIOD_MS, type Aggregate, type MetricName, type Values } from './metrics.js';
import type { StoredRollup, StoredSample } from './history.js';

export const HEALTH_WIRE_VERSION = 1;
/** A batch never decodes to more than this (the relay's guard against a compression bomb). */
export const MAX_BATCH_DECODED = 4 * 1024 * 1024;

export function encodeBatch(from: number, to: number, samples: readonly StoredSample[], rollups: readonly StoredRollup[]): Uint8Array {
  let prev = from;
  const s = samples.map((x) => {
    const dt = x.at - prev;
    prev = x.at;
    return x.up ? [dt, x.values, x.up] : [dt, x.values];
  });
  prev = from;
  const r = rollups.map((x) => {
    const dt = x.start - prev;
    prev = x.start;
    return [x.level, dt, x.n, x.aggs];
  });
  const raw = cbor.encode([HEALTH_WIRE_VERSION, from, to, s, r]);
  const packed = brotliCompressSync(raw, { params: { [zc.BROTLI_PARAM_QUALITY]: 9, [zc.BROTLI_PARAM_SIZE_HINT]: raw.length } });
  return packed.length < raw.length ? packed : raw;
}

/** The first byte of a batch sent uncompressed: a CBOR array of five items. */
const UNCOMPRESSED = 0x85;

/** A metric's summary over a period, in natural units (load, %, °C, MiB…). */
export type MetricSummary = { min: number; max: number; avg: number; n: number } | { last: number } | { bits: number };

export interface DecodedSample {
  readonly at: number;
  readonly metrics: Partial<Record<MetricName, number>>;
  readonly up: string[] | null;
}

export interface DecodedRollup {
  readonly level: 'quarter' | 'hour';
  readonly start: number;
  readonly end: number;
  readonly n: number;
  readonly metrics: Partial<Record<MetricName, MetricSummary>>;
}

export interface DecodedBatch {
  readonly version: number;
  readonly from: number;
  readonly to: number;
  readonly samples: DecodedSample[];
  readonly rollups: DecodedRollup[];
}

export class HealthBatchError extends Error {
  override readonly name = 'HealthBatchError';
}

const int = z.number().int();
const values = z.array(int.nullable()).max(256);
const batchSchema = z.tuple([
  z.literal(HEALTH_WIRE_VERSION),
  int,
  int,
  z.array(z.union([z.tuple([int, values]), z.tuple([int, values, z.array(z.string().max(64)).max(64)])])),
  z.array(z.tuple([z.union([z.literal(1), z.literal(2)]), int, int.min(1), z.array(z.array(int).min(1).max(4).nullable()).max(256)])),
]);

export function decodeBatch(payload: Uint8Array): DecodedBatch {
  let raw: unknown;
  try {
    if (payload.byteLength > MAX_BATCH_DECODED) throw new Error(`larger than ${MAX_BATCH_DECODED} bytes`);
    raw = cbor.decode(payload[0] === UNCOMPRESSED ? payload : brotliDecompressSync(payload, { maxOutputLength: MAX_BATCH_DECODED }));
  } catch (e) {
    throw new HealthBatchError(`health batch unreadable: ${e instanceof Error ? e.message : String(e)}`);
  }
  const parsed = batchSchema.safeParse(raw);
  if (!parsed.success) throw new HealthBatchError(`health batch malformed: ${parsed.error.issues[0]?.message ?? ''}`);
  const [version, from, to, s, r] = parsed.data;
  let at = from;
  const samples = s.map(([dt, v, up]) => {
    at += dt;
    return { at, metrics: metricsOf(v), up: up ?? null };
  });
  let start = from;
  const rollups = r.map(([level, dt, n, aggs]) => {
    start += dt;
    return { level: level === 1 ? ('quarter' as const) : ('hour' as const), start, end: start + PERIOD_MS[level]!, n, metrics: summariesOf(aggs, n) };
  });
  return { version, from, to, samples, rollups };
}

function metricsOf(v: Values): Partial<Record<MetricName, number>> {
  const out: Partial<Record<MetricName, number>> = {};
  METRICS.forEach((m, i) => {
    const x = v[i];
    if (x !== null && x !== undefined) out[m.name] = natural(i, x);
  });
  return out;
}

function summariesOf(aggs: readonly Aggregate[], n: number): Partial<Record<MetricName, MetricSummary>> {
  const out: Partial<Record<MetricName, MetricSummary>> = {};
  METRICS.forEach((m, i) => {
    const a = aggs[i];
    if (!a) return;
    if (m.kind === 'last') out[m.name] = { last: natural(i, a[0]!) };
    else if (m.kind === 'bits') out[m.name] = { bits: a[0]! };
    else if (a.length >= 3) out[m.name] = { min: natural(i, a[0]!), max: natural(i, a[1]!), avg: natural(i, a[2]!), n: a[3] ?? n };
  });
  return out;
}
