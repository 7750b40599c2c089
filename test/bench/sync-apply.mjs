// How fast a receiving site applies operations: OpLogSyncStore.applyBatch (signature
// check, gap check, store, materialise, one transaction per batch) on a database FILE
// opened with the appliance's pragmas (openDatabase: WAL, synchronous=FULL), in batches
// cut as a session cuts them (64 KiB of raw operation bytes). 5,000 record.put
// operations: the 1,000 records, then four rounds in which every record is rewritten.
// The operations are applied as they arrive: decoded from BATCH frames, so each run of a
// stream carries only its last signature (ops/codec.ts). Also timed: the same plus
// decoding each frame (brotli + CBOR), as a session does; and the hash-chain and
// signature checks alone (checkChains), the ceiling they set.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkChains, GENESIS } from '../../appliance/dist/ops/index.js';
import { decodeFrame, encodeFrame, FrameType } from '../../appliance/dist/sync/index.js';
import { median } from './lib.js';
import { makeRecords, SEED, SPACE, seeded } from './sync-data.mjs';
import { putRecords, replica, opCount } from './sync-replica.mjs';

const ROUNDS = 5;
const MAX_BATCH_BYTES = 64 * 1024; // the session's default

function sourceOps() {
  const src = replica(20, { spaces: [SPACE] });
  const rand = seeded(11);
  for (let k = 0; k < ROUNDS; k++) putRecords(src, SPACE, makeRecords(SEED + k), rand);
  const ops = src.store.page(SPACE, src.key.siteId, 'record.put', 0, 1e9);
  src.close();
  return ops;
}

/** Batches as SyncSession.sendMissing cuts them. */
function batches(ops) {
  const out = [];
  let batch = [];
  let size = 0;
  for (const op of ops) {
    batch.push(op);
    size += op.body.length + op.sig.length + op.space.length + op.author.length + op.hlc.length + 16;
    if (size >= MAX_BATCH_BYTES) {
      out.push(batch);
      batch = [];
      size = 0;
    }
  }
  if (batch.length) out.push(batch);
  return out;
}

function once(dir, i, arrived, frames, decode) {
  const r = replica(30 + i, { path: join(dir, `apply-${i}.db`), spaces: [SPACE] });
  try {
    const t0 = performance.now();
    let n = 0;
    if (decode) for (const f of frames) n += r.store.applyBatch(decodeFrame(f).ops);
    else for (const b of arrived) n += r.store.applyBatch(b);
    const s = (performance.now() - t0) / 1000;
    if (n !== opCount(r)) throw new Error(`applied ${n}, the log holds ${opCount(r)}`);
    return n / s;
  } finally {
    r.close();
  }
}

/** Warm-up run, then the median of `runs`, each into a new database file. */
export function applyBench(runs = 5) {
  const ops = sourceOps();
  const cut = batches(ops);
  const frames = cut.map((b, i) => encodeFrame({ type: FrameType.Batch, n: i + 1, ops: b }));
  const arrived = frames.map((f) => decodeFrame(f).ops);
  const dir = mkdtempSync(join(tmpdir(), 'solidaire-bench-apply-'));
  try {
    const result = {};
    for (const decode of [false, true]) {
      once(dir, decode ? 100 : 0, arrived, frames, decode); // warm-up
      const rates = [];
      for (let i = 1; i <= runs; i++) rates.push(once(dir, (decode ? 100 : 0) + i, arrived, frames, decode));
      result[decode ? 'withDecode' : 'apply'] = { median: median(rates), rates };
    }
    const verify = [];
    for (let i = 0; i <= runs; i++) {
      const t0 = performance.now();
      const digests = new Map();
      for (const batch of arrived) {
        const d = checkChains(batch, (_s, _a, _k, seq) => (seq === 0 ? GENESIS : digests.get(seq)));
        batch.forEach((op, j) => digests.set(op.seq, d[j]));
      }
      if (i > 0) verify.push(ops.length / ((performance.now() - t0) / 1000));
    }
    result.verifyOnly = { median: median(verify), rates: verify };
    return { ops: ops.length, batches: cut.length, runs, ...result };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
