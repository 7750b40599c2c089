/**
 * Importing a bundle, in three passes over the file:
 *   1. verify the whole file (verify.ts); a refusal there has touched nothing;
 *   2. apply every operation in ONE transaction, chunk by chunk, with the sync store's
 *      rules (signature, contiguity per stream, the federation's entitlements); the
 *      bytes are hashed again on the way and compared with pass 1, so a file changed in
 *      between is refused and rolled back; the exporter's vectors go to peer_vectors in
 *      the same transaction;
 *   3. store the blobs the box lacks, each checked against its hash.
 * Importing the same bundle twice applies nothing the second time.
 */
import { createHash } from 'node:crypto';
import { decodeFrame, FrameType, OpLogSyncStore, SyncProtocolError, SyncRefusedError } from '../sync/index.js';
import { cbor, RecordType } from './format.js';
import { BadRecord, EndOfFile, type BundleReader } from './reader.js';
import { bundleErrors, BundleError } from './errors.js';
import { openBundle, verifyBundle } from './verify.js';
import { PeerVectors } from './peers.js';
import type { BundleDeps } from './deps.js';

export interface ImportSummary {
  /** The exporter's site id. */
  readonly site: string;
  readonly target: string | null;
  /** False when the bundle was made for another site (it is applied all the same). */
  readonly forThisSite: boolean;
  readonly createdAt: number;
  /** Operations in the bundle, and how many were new here. */
  readonly ops: number;
  readonly applied: number;
  /** Operations of spaces this box may not hold (federation), left aside. */
  readonly ignored: number;
  /** Operations per space in the bundle. */
  readonly spaces: Record<string, number>;
  readonly blobs: number;
  readonly blobsNew: number;
  /** Bytes of file contents newly stored. */
  readonly blobBytes: number;
  /** Size of the bundle file. */
  readonly bytes: number;
}

export async function importBundle(deps: BundleDeps, path: string): Promise<ImportSummary> {
  const v = await verifyBundle(path);
  const self = deps.log.siteId;
  const ent = deps.entitlements;
  const reader = openBundle(path);
  try {
    if (reader.size !== v.size) throw bundleErrors.changed();
    const { applied, ignored } = applyOps(deps, reader, v.opsStart, v.opsEnd, v.opsHash, () => {
      if (v.header.site !== self) new PeerVectors(deps).replace(v.header.site, v.header.spaces);
    });
    const stored = await storeBlobs(deps, reader, v.opsEnd);
    return {
      site: v.header.site,
      target: v.header.target,
      forThisSite: v.header.target === null || v.header.target === self,
      createdAt: v.header.createdAt,
      ops: v.ops,
      applied,
      ignored: ent ? ignored : 0,
      spaces: v.spaces,
      blobs: v.blobs,
      blobsNew: stored.count,
      blobBytes: stored.bytes,
      bytes: v.size,
    };
  } finally {
    reader.close();
  }
}

function applyOps(deps: BundleDeps, reader: BundleReader, start: number, end: number, expected: string, alsoInTransaction: () => void) {
  const self = deps.log.siteId;
  const ent = deps.entitlements;
  const store = new OpLogSyncStore({ db: deps.db, log: deps.log, spaces: () => [], ...(ent ? { mayWrite: (op) => ent.mayWrite(op) } : {}) });
  let applied = 0;
  let ignored = 0;
  try {
    deps.db.transaction(() => {
      reader.pos = start;
      const hash = createHash('sha256');
      while (reader.pos < end) {
        const head = reader.head();
        const payload = reader.bytes(head.length);
        hash.update(head.raw).update(payload);
        if (head.type !== RecordType.Ops) throw bundleErrors.changed();
        const frame = decodeFrame(payload);
        if (frame.type !== FrameType.Batch) throw bundleErrors.changed();
        const ops = ent ? frame.ops.filter((op) => ent.mayHold(self, op.space)) : frame.ops;
        ignored += frame.ops.length - ops.length;
        applied += store.applyBatch(ops);
      }
      if (reader.pos !== end || hash.digest('hex') !== expected) throw bundleErrors.changed();
      alsoInTransaction();
    })();
  } catch (e) {
    throw refusal(e);
  }
  return { applied, ignored };
}

/** What a failure while applying means to the person importing; the transaction is rolled back. */
function refusal(e: unknown): unknown {
  if (e instanceof BundleError) return e;
  if (e instanceof EndOfFile || e instanceof BadRecord || e instanceof SyncProtocolError) return bundleErrors.changed();
  if (e instanceof SyncRefusedError) {
    if (e.code === 'gap') return bundleErrors.gap(`espace « ${/^operation ([^/]+)\//.exec(e.message)?.[1] ?? '?'} »`);
    if (e.code === 'not_authorised') {
      const m = /^site (\S+) may not write space (\S+)$/.exec(e.message);
      return bundleErrors.refused(`le site ${m?.[1] ?? '?'} n'a pas le droit d'écrire dans l'espace « ${m?.[2] ?? '?'} »`);
    }
    return bundleErrors.refused("une opération n'a pas la signature valide de son auteur, ou elle est mal formée");
  }
  return e;
}

async function storeBlobs(deps: BundleDeps, reader: BundleReader, from: number): Promise<{ count: number; bytes: number }> {
  let count = 0;
  let bytes = 0;
  reader.pos = from;
  try {
    for (;;) {
      const head = reader.head();
      const payload = reader.bytes(head.length);
      if (head.type === RecordType.End) break;
      if (head.type !== RecordType.File) throw new Error('unexpected record');
      const [sha256, size] = cbor.decode(payload) as [string, number];
      if (await deps.blobs.has(sha256)) {
        skipData(reader, size);
        continue;
      }
      const put = await deps.blobs.put(dataOf(reader, size), size);
      if (put.sha256 !== sha256) {
        if (put.created) deps.blobs.removeNow(put.sha256);
        throw new Error('a blob changed');
      }
      if (put.created) {
        count++;
        bytes += put.size;
      }
    }
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw bundleErrors.blobsFailed(code === 'ENOSPC' ? 'le disque de la boîte est plein' : 'le fichier du paquet a changé ou ne se lit plus');
  }
  return { count, bytes };
}

async function* dataOf(reader: BundleReader, size: number): AsyncGenerator<Buffer> {
  let got = 0;
  while (got < size) {
    const head = reader.head();
    if (head.type !== RecordType.Data) throw new Error('unexpected record');
    const chunk = reader.bytes(head.length);
    got += chunk.length;
    yield chunk;
  }
}

function skipData(reader: BundleReader, size: number): void {
  let got = 0;
  while (got < size) {
    const head = reader.head();
    if (head.type !== RecordType.Data) throw new Error('unexpected record');
    reader.skip(head.length);
    got += head.length;
  }
}
