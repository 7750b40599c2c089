/**
 * Writing a bundle (format.ts): what a target site lacks, from its last known vectors
 * (peer_vectors), or everything this box holds. Streamed: operations are paged from the
 * op log and blobs read from the blob store, so memory stays bounded whatever the size.
 * Each stream is cut at the vector announced in the header, so writes made while the
 * bundle streams out do not make it contradict itself.
 */
import { createHash } from 'node:crypto';
import { decodePayload, OP_KINDS, type OpKind, type Operation, type VersionVector } from '../ops/index.js';
import { encodeFrame, FrameType, KIND_PRIORITY, OpLogSyncStore, PROTOCOL_VERSION } from '../sync/index.js';
import { SHA256_RE } from '../blobs/index.js';
import { sql } from '../db/index.js';
import { RELEASES_SPACE } from '../federation/index.js';
import { cbor, OPS_CHUNK_BYTES, preamble, record, RecordType, type BundleHeader, type RecordTypeCode } from './format.js';
import { heldSpaces, type BundleDeps } from './deps.js';
import { PeerVectors } from './peers.js';

export interface ExportOptions {
  /** The site the bundle is for; none: everything this box holds. */
  readonly target?: string | null | undefined;
}

export interface ExportSummary {
  readonly site: string;
  readonly target: string | null;
  /** True when the bundle holds everything (no target, or a target we know nothing of). */
  readonly complete: boolean;
  /** Filled while the bundle streams; final once its last byte has gone. */
  ops: number;
  /** Operations per space, for spaces with at least one. */
  readonly spaces: Record<string, number>;
  blobs: number;
  blobBytes: number;
  bytes: number;
}

export interface BundleExport {
  readonly chunks: AsyncIterable<Buffer>;
  readonly summary: ExportSummary;
}

const PAGE = 256;
const FILES_TEXT = Buffer.from('files');

export function exportBundle(deps: BundleDeps, opts: ExportOptions = {}): BundleExport {
  const self = deps.log.siteId;
  const target = opts.target ?? null;
  const held = heldSpaces(deps.db);
  // "$releases" has no operations: a release travels beside the bundle (`solidaire bundle export`).
  const spaces = (target && deps.entitlements ? deps.entitlements.offerTo(self, target, held) : held).filter((s) => s !== RELEASES_SPACE);
  const vectors: Record<string, VersionVector> = Object.fromEntries(spaces.map((s) => [s, deps.log.versionVector(s)]));
  const base = target ? new PeerVectors(deps).get(target) : null;
  const header: BundleHeader = { site: self, target, createdAt: deps.clock.now(), wire: PROTOCOL_VERSION, spaces: vectors };
  const summary: ExportSummary = { site: self, target, complete: base === null, ops: 0, spaces: {}, blobs: 0, blobBytes: 0, bytes: 0 };
  return { chunks: generate(deps, header, base ?? {}, summary), summary };
}

async function* generate(
  deps: BundleDeps,
  header: BundleHeader,
  base: Record<string, VersionVector>,
  summary: ExportSummary,
): AsyncGenerator<Buffer> {
  const hash = createHash('sha256');
  const emit = (parts: Buffer[]): Buffer => {
    const b = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    hash.update(b);
    summary.bytes += b.length;
    return b;
  };
  const rec = (type: RecordTypeCode, payload: Uint8Array) => emit(record(type, payload));

  yield emit([preamble()]);
  yield rec(RecordType.Header, cbor.encode(header));

  // Operations, stream by stream; remember which blobs the file records point at.
  const vectors = header.spaces;
  const store = new OpLogSyncStore({ db: deps.db, log: deps.log, spaces: () => Object.keys(vectors) });
  const refs = new Map<string, Set<string>>();
  let batch: Operation[] = [];
  let size = 0;
  let chunks = 0;
  const flush = (): Buffer => {
    const frame = encodeFrame({ type: FrameType.Batch, n: ++chunks, ops: batch });
    summary.ops += batch.length;
    batch = [];
    size = 0;
    return rec(RecordType.Ops, frame);
  };
  for (const [kind, space] of plan(Object.keys(vectors))) {
    for (const [author, streams] of Object.entries(vectors[space]!)) {
      const have = streams[kind] ?? 0;
      let after = base[space]?.[author]?.[kind] ?? 0;
      while (after < have) {
        const page = store.page(space, author, kind, after, PAGE).filter((op) => op.seq <= have);
        if (!page.length) break;
        for (const op of page) {
          const opSize = op.body.length + op.sig.length + op.space.length + op.author.length + op.hlc.length + 16;
          // A chunk ends at a signed operation, so that it can be checked on its own.
          if (batch.length && size + opSize > OPS_CHUNK_BYTES && batch[batch.length - 1]!.sig.length > 0) yield flush();
          batch.push(op);
          size += opSize;
          summary.spaces[space] = (summary.spaces[space] ?? 0) + 1;
          noteBlob(op, refs);
        }
        after = page[page.length - 1]!.seq;
      }
    }
  }
  if (batch.length) yield flush();

  // Blobs of the files those operations describe, when this box has them and they are
  // still in use (a deleted file's content is not carried).
  const live = sql<[string, string], { one: number }>(
    deps.db,
    "SELECT 1 AS one FROM records WHERE space = ? AND coll = 'files' AND deleted = 0 AND json_extract(data, '$.sha256') = ? LIMIT 1",
  );
  for (const [sha256, inSpaces] of refs) {
    if (![...inSpaces].some((s) => !deps.hosts(s) || live.get(s, sha256))) continue;
    const length = await deps.blobs.size(sha256);
    if (length === undefined) continue;
    yield rec(RecordType.File, cbor.encode([sha256, length]));
    let sent = 0;
    for await (const chunk of deps.blobs.read(sha256) as AsyncIterable<Buffer>) {
      sent += chunk.length;
      if (sent > length) break;
      yield rec(RecordType.Data, chunk);
    }
    if (sent !== length) throw new Error(`the content of file ${sha256} changed while the bundle was being written`);
    summary.blobs++;
    summary.blobBytes += length;
  }

  yield rec(RecordType.End, cbor.encode([chunks, summary.ops, summary.blobs, summary.blobBytes]));
  const digest = hash.digest();
  const [head, payload] = record(RecordType.Trailer, digest);
  summary.bytes += head.length + payload.length;
  yield Buffer.concat([head, payload]);
}

/** Order of streams, as in a sync session: "$" spaces (grants) whole and first, then by kind. */
function plan(spaces: readonly string[]): Array<[OpKind, string]> {
  const kinds = [...KIND_PRIORITY, ...OP_KINDS.filter((k) => !KIND_PRIORITY.includes(k))];
  const system = spaces.filter((s) => s.startsWith('$'));
  const user = spaces.filter((s) => !s.startsWith('$'));
  return [
    ...system.flatMap((space) => kinds.map((kind): [OpKind, string] => [kind, space])),
    ...kinds.flatMap((kind) => user.map((space): [OpKind, string] => [kind, space])),
  ];
}

function noteBlob(op: Operation, refs: Map<string, Set<string>>): void {
  // Cheap test first: the CBOR of a file record holds the text "files".
  if (op.kind !== 'record.put' || !Buffer.from(op.body.buffer, op.body.byteOffset, op.body.byteLength).includes(FILES_TEXT)) return;
  let sha256: unknown;
  try {
    const p = decodePayload('record.put', op.body);
    if (p.coll !== 'files') return;
    sha256 = p.fields['sha256'];
  } catch {
    return; // a carried operation we cannot read: it still travels, without a blob
  }
  if (typeof sha256 !== 'string' || !SHA256_RE.test(sha256)) return;
  const set = refs.get(sha256) ?? new Set<string>();
  set.add(op.space);
  refs.set(sha256, set);
}
