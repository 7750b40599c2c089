/**
 * What the relay and its ingest thread say to each other (version 1), in this file only.
 * A message costs a structured clone, so the relay sends one per group, not per batch:
 *
 *   relay → thread  { type: 'group', id, now, bytes }   bytes: one ArrayBuffer, moved (not
 *                   copied) to the thread, holding the group's batches in order:
 *                   u32 count, then per batch u16 key length, key (UTF-8), u32 payload
 *                   length, payload
 *                   { type: 'close' }                    close the database and end
 *   thread → relay  { type: 'ready' }                    the database is open
 *                   { type: 'stored', id, facts, unreadable }   committed; facts: a
 *                   Float64Array of FACTS.length numbers per batch (NaN: not told; booleans
 *                   as 0 and 1), unreadable: [index, why] of the batches dropped
 *                   { type: 'failed', id, message }      nothing of the group was committed
 *                   { type: 'closed' }
 */
import type { SiteFacts } from './alerts.js';
import type { BatchOutcome, HealthBatchIn } from './ingest.js';

export const INGEST_WIRE_VERSION = 1;

/** What the thread is started with (its workerData). */
export interface IngestThreadData {
  readonly version: number;
  readonly dbPath: string;
  readonly migrations: string;
  /** The thread's connection checkpoints the WAL past this many pages (wal_autocheckpoint). */
  readonly checkpointPages: number;
  /** The connection's page cache, KiB (openDatabase's pageCacheKib). */
  readonly pageCacheKib: number;
}

export type ToThread = { type: 'group'; id: number; now: number; bytes: ArrayBuffer } | { type: 'close' };

export type FromThread =
  | { type: 'ready' }
  | { type: 'stored'; id: number; facts: Float64Array; unreadable: Array<[number, string]> }
  | { type: 'failed'; id: number; message: string }
  | { type: 'closed' };

/** The facts a batch's newest sample can tell, in their order on the wire. */
const FACTS = ['batteryPct', 'charging', 'temperatureC', 'diskFreePct', 'undervoltage'] as const;

export function groupToWire(id: number, now: number, batches: readonly HealthBatchIn[]): ToThread & { type: 'group' } {
  let size = 4;
  for (const b of batches) size += 6 + Buffer.byteLength(b.siteKey) + b.payload.byteLength;
  const buf = Buffer.from(new ArrayBuffer(size));
  let o = buf.writeUInt32LE(batches.length, 0);
  for (const b of batches) {
    const keyLen = buf.write(b.siteKey, o + 2);
    o = buf.writeUInt16LE(keyLen, o) + keyLen;
    o = buf.writeUInt32LE(b.payload.byteLength, o);
    buf.set(b.payload, o);
    o += b.payload.byteLength;
  }
  return { type: 'group', id, now, bytes: buf.buffer };
}

/** The group's batches; each payload a view into `bytes` (no copy). */
export function groupFromWire(bytes: ArrayBuffer): HealthBatchIn[] {
  const buf = Buffer.from(bytes);
  const out: HealthBatchIn[] = [];
  let o = 4;
  for (let n = buf.readUInt32LE(0); n > 0; n--) {
    const keyLen = buf.readUInt16LE(o);
    const siteKey = buf.toString('utf8', o + 2, o + 2 + keyLen);
    o += 2 + keyLen;
    const len = buf.readUInt32LE(o);
    out.push({ siteKey, payload: buf.subarray(o + 4, o + 4 + len) });
    o += 4 + len;
  }
  return out;
}

export function outcomesToWire(id: number, outcomes: readonly BatchOutcome[]): FromThread & { type: 'stored' } {
  const facts = new Float64Array(outcomes.length * FACTS.length).fill(Number.NaN);
  const unreadable: Array<[number, string]> = [];
  outcomes.forEach((o, i) => {
    if ('unreadable' in o) return void unreadable.push([i, o.unreadable]);
    FACTS.forEach((name, j) => {
      const v = o.facts[name];
      if (v !== undefined) facts[i * FACTS.length + j] = Number(v);
    });
  });
  return { type: 'stored', id, facts, unreadable };
}

export function outcomesFromWire(m: FromThread & { type: 'stored' }): BatchOutcome[] {
  const n = m.facts.length / FACTS.length;
  const out: BatchOutcome[] = [];
  for (let i = 0; i < n; i++) {
    const f: Record<string, number | boolean> = {};
    FACTS.forEach((name, j) => {
      const v = m.facts[i * FACTS.length + j]!;
      if (!Number.isNaN(v)) f[name] = name === 'charging' || name === 'undervoltage' ? v !== 0 : v;
    });
    out.push({ facts: f as SiteFacts });
  }
  for (const [i, why] of m.unreadable) out[i] = { unreadable: why };
  return out;
}

