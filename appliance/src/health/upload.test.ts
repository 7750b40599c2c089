import { brotliCompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/index.js';
import { FakeClock } from '../clock/index.js';
import { HealthHistory } from './history.js';
import { UploadQueue, type BatchOptions } from './upload.js';
import { decodeBatch, encodeBatch, HealthBatchError, type DecodedBatch } from './wire.js';
import { cbor, HOUR_MS } from './metrics.js';
import { PI_READINGS, syntheticSample } from './testing.js';

const MIN = 60_000;
const DAY = 24 * HOUR_MS;

function setup() {
  const clock = new FakeClock(Date.UTC(2026, 0, 5, 0, 0, 0));
  const db = openDatabase({ path: ':memory:' });
  const history = new HealthHistory({ db, clock });
  const queue = new UploadQueue(db);
  let i = 0;
  const run = (ms: number): number => {
    let last = clock.now();
    for (let t = 0; t < ms; t += MIN) {
      last = clock.now();
      history.record(syntheticSample(last, i++));
      clock.advance(MIN);
    }
    return last;
  };
  /** What an uploader does: batch, "publish", mark, until nothing is left. */
  const drain = (max = 500, opts: BatchOptions = {}) => {
    const batches: Array<DecodedBatch & { id: string; bytes: number }> = [];
    for (let b = queue.pendingBatch(max, opts); b; b = queue.pendingBatch(max, opts)) {
      batches.push({ ...decodeBatch(b.payload), id: b.id, bytes: b.payload.length });
      expect(queue.markUploaded(b.id)).toBe(true);
      expect(batches.length).toBeLessThan(1_000);
    }
    return batches;
  };
  return { clock, history, queue, run, drain };
}

/** The spans a batch tells about: a sample stands for the minute it starts. */
function spans(batches: readonly DecodedBatch[]): Array<[number, number]> {
  return batches
    .flatMap((b) => [...b.rollups.map((r): [number, number] => [r.start, r.end]), ...b.samples.map((s): [number, number] => [s.at, s.at + MIN])])
    .sort((a, b) => a[0] - b[0]);
}

/** The first moment in [from, to] no span covers, or null. */
function firstHole(all: Array<[number, number]>, from: number, to: number): number | null {
  let covered = from;
  for (const [s, e] of all) {
    if (e <= covered) continue;
    if (s > covered) return covered;
    covered = e;
  }
  return covered > to ? null : covered;
}

describe('health uploads', () => {
  it('after three weeks offline, tells the whole gap: hours, then quarter-hours, then every sample of the last two days, with no hole', () => {
    const { run, drain, queue, history } = setup();
    const before = run(DAY);
    const first = drain();
    expect(first.flatMap((b) => b.samples)).toHaveLength(24 * 60);
    const acked = before + 1;
    // Three weeks without a link.
    const last = run(21 * DAY);
    const batches = drain();
    // Each batch starts where the one before ended.
    for (let k = 1; k < batches.length; k++) expect(batches[k]!.from).toBe(batches[k - 1]!.to);
    expect(batches[0]!.from).toBe(acked);
    expect(batches.at(-1)!.to).toBe(last + 1);
    expect(firstHole(spans(batches), acked, last)).toBeNull();
    // The finest level kept, oldest first.
    const kinds = batches.flatMap((b) => [...b.rollups.map((r) => r.level), ...b.samples.map(() => 'raw')]);
    const firstQuarter = kinds.indexOf('quarter');
    const firstRaw = kinds.indexOf('raw');
    expect(kinds.slice(0, firstQuarter).every((k) => k === 'hour')).toBe(true);
    expect(kinds.slice(firstQuarter, firstRaw).every((k) => k === 'quarter')).toBe(true);
    expect(kinds.slice(firstRaw).every((k) => k === 'raw')).toBe(true);
    expect(firstQuarter).toBeGreaterThanOrEqual(7 * 24 - 1);
    expect(kinds.length - firstRaw).toBe(history.size().raw);
    // Nothing left; what the link costs for three weeks of health.
    expect(queue.pendingBatch()).toBeNull();
    expect(queue.backlog()).toMatchObject({ samples: 0, rollups: 0 });
    const bytes = batches.reduce((n, b) => n + b.bytes, 0);
    expect(bytes).toBeLessThan(200_000);
  });

  it('a metered link can ask for quarter-hours only: the batch stops at the last complete one', () => {
    const { run, drain, queue } = setup();
    run(2 * HOUR_MS + 10 * MIN);
    const batches = drain(500, { finest: 'quarter' });
    expect(batches.flatMap((b) => b.samples)).toHaveLength(0);
    const quarters = batches.flatMap((b) => b.rollups).filter((r) => r.level === 'quarter');
    expect(quarters).toHaveLength(8);
    expect(batches.at(-1)!.to).toBe(Date.UTC(2026, 0, 5, 2, 0));
    // The quarter under way is sent once it is complete.
    expect(queue.pendingBatch(500, { finest: 'quarter' })).toBeNull();
    run(10 * MIN);
    const next = drain(500, { finest: 'quarter' });
    expect(next.flatMap((b) => b.rollups).map((r) => r.start)).toEqual([Date.UTC(2026, 0, 5, 2, 0)]);
    // Then raw again: the samples after the last quarter sent.
    expect(drain()[0]!.samples[0]!.at).toBe(Date.UTC(2026, 0, 5, 2, 15));
  });

  it('answers the same batch until it is acknowledged, and ignores an acknowledgement twice or unknown', () => {
    const { run, queue } = setup();
    run(30 * MIN);
    const a = queue.pendingBatch(10)!;
    expect(queue.pendingBatch(10)!.id).toBe(a.id);
    expect(a.samples + a.rollups).toBe(10);
    expect(queue.markUploaded('nonsense')).toBe(false);
    expect(queue.markUploaded(a.id)).toBe(true);
    expect(queue.markUploaded(a.id)).toBe(false);
    expect(queue.pendingBatch(10)!.from).toBe(a.to);
  });

  it('a sample stamped before what was acknowledged (the clock set back) is sent again, and a stale batch is not marked', () => {
    const { run, drain, queue, history, clock } = setup();
    run(HOUR_MS);
    drain();
    const stale = queue.pendingBatch();
    expect(stale).toBeNull();
    run(5 * MIN);
    const inFlight = queue.pendingBatch()!;
    // The clock goes back 40 minutes; a sample is taken then.
    const back = clock.now() - 40 * MIN;
    clock.set(back);
    history.record(syntheticSample(back, 999));
    expect(queue.markUploaded(inFlight.id)).toBe(false);
    const again = drain();
    expect(again.flatMap((b) => b.samples).map((s) => s.at)).toContain(back);
  });

  it('decodes to natural units', () => {
    const { history, clock, queue } = setup();
    history.record({ ...syntheticSample(clock.now(), 0), throttling: { mask: 0x50005 } as never });
    const b = decodeBatch(queue.pendingBatch()!.payload);
    expect(b.version).toBe(1);
    expect(b.samples[0]).toEqual({
      at: clock.now(),
      up: ['ppp0', 'wlan0'],
      metrics: expect.objectContaining({ load1: 0, tempC: PI_READINGS.cpuTempC, memTotalMiB: 2048, batteryPct: 50, batteryStatus: 2, batteryMv: 3900, batteryMa: -400, throttled: 0x50005 }),
    });
  });

  it('refuses a payload that is not a health batch', () => {
    expect(() => decodeBatch(new Uint8Array([1, 2, 3]))).toThrow(HealthBatchError);
    expect(() => decodeBatch(brotliCompressSync(cbor.encode([2, 0, 0, [], []])))).toThrow(HealthBatchError);
    expect(() => decodeBatch(brotliCompressSync(cbor.encode([1, 0, 0, [['x', []]], []])))).toThrow(HealthBatchError);
    // A compression bomb stops at the decoded-size limit.
    expect(() => decodeBatch(brotliCompressSync(Buffer.alloc(8 * 1024 * 1024)))).toThrow(HealthBatchError);
    // Uncompressed (first byte 0x85, a CBOR array of five): checked the same way.
    expect(() => decodeBatch(cbor.encode([2, 0, 0, [], []]))).toThrow(HealthBatchError);
    expect(() => decodeBatch(cbor.encode([1, 0, 0, [['x', []]], []]))).toThrow(HealthBatchError);
    expect(() => decodeBatch(new Uint8Array([0x85, 1, 0xff]))).toThrow(HealthBatchError);
  });

  it('sends a batch brotli-compressed only when that makes it smaller, and decodes both', () => {
    const values = [12, 10, 8, 150, 512, 3800, 900, 2900, 29000, 21000, 86400, 1, 1200, 300, 0, 80, 2, 5000, -300];
    const at = Date.UTC(2026, 11, 1);
    const batchOf = (n: number) => Array.from({ length: n }, (_, i) => ({ at: at + i * 60_000, values: values.map((v, j) => (j === 10 ? v + i * 60 : v)), up: null }));
    // One sample (a box with a steady link, every minute): smaller as it is.
    const one = encodeBatch(at, at + 1, batchOf(1), []);
    expect(one[0]).toBe(0x85);
    expect(one.length).toBe(cbor.encode(cbor.decode(one)).length);
    expect(decodeBatch(one).samples.map((x) => x.metrics.memTotalMiB)).toEqual([3800]);
    // An hour of them: brotli'd, and smaller than its CBOR.
    const hour = encodeBatch(at, at + 3_600_000, batchOf(60), []);
    expect(hour[0]! & 0x0f).toBe(0x0b);
    expect(decodeBatch(hour).samples).toHaveLength(60);
    // What tells them apart: no brotli stream this encoder writes begins with 0x85.
    for (let n = 1; n <= 400; n += 7) {
      const b = encodeBatch(at, at + n * 60_000, batchOf(n), []);
      if (b[0] !== 0x85) expect(b[0]! & 0x0f, `a batch of ${n} samples`).toBe(0x0b);
      expect(decodeBatch(b).samples).toHaveLength(n);
    }
  });
});
