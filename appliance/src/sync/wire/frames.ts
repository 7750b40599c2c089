/**
 * Wire format of /solidaire/sync/1: one CBOR array per frame, its first element the frame
 * type. Framing (length prefixes) belongs to the transport; this module only turns frames
 * into bytes and back, and refuses anything malformed with a SyncProtocolError.
 *
 *   HELLO  [1, version, siteId, { space: { author: { kind: seq } } }, [kinds wanted]]
 *          (the kinds the sender is willing to receive now: its link budget decides)
 *   BATCH  [2, n, encoding, bytes]       bytes: CBOR array of ops, brotli-compressed if encoding = 1
 *   ACK    [3, n]                        batch n is durably applied
 *   DONE   [4]                           the sender has nothing more to send
 *   ERROR  [5, code, message]            the sender closes the session
 *   WANT   [6, [[sha256, offset], …]]    blobs the sender lacks, from `offset` on (a resumed
 *                                        transfer); an empty list: it wants nothing more
 *   CHUNK  [7, sha256, offset, bytes]    part of a wanted blob (sha256 as 32 raw bytes)
 *   END    [8]                           the answer to the last WANT is complete
 */
import { Encoder } from 'cbor-x';
import { brotliCompressSync, brotliDecompressSync, constants as zc } from 'node:zlib';
import { OP_KINDS, type OpKind, type Operation, type VersionVector } from '../../ops/index.js';
import { SyncProtocolError } from '../errors.js';

export const PROTOCOL = '/solidaire/sync/1';
export const PROTOCOL_VERSION = 1;

export const FrameType = { Hello: 1, Batch: 2, Ack: 3, Done: 4, Error: 5, Want: 6, Chunk: 7, End: 8 } as const;

export interface BlobRequest {
  readonly sha256: string;
  readonly offset: number;
}

export type Frame =
  | { type: typeof FrameType.Hello; version: number; site: string; spaces: Record<string, VersionVector>; want: OpKind[] }
  | { type: typeof FrameType.Batch; n: number; ops: Operation[] }
  | { type: typeof FrameType.Ack; n: number }
  | { type: typeof FrameType.Done }
  | { type: typeof FrameType.Error; code: string; message: string }
  | { type: typeof FrameType.Want; blobs: BlobRequest[] }
  | { type: typeof FrameType.Chunk; sha256: string; offset: number; bytes: Uint8Array }
  | { type: typeof FrameType.End };

const cbor = new Encoder({ useRecords: false, mapsAsObjects: true, tagUint8Array: false });

/** Largest decoded batch we accept: a peer cannot make us inflate more than this. */
export const MAX_BATCH_DECODED = 8 * 1024 * 1024;
const COMPRESS_ABOVE = 512;
/** Most blobs one WANT may ask for, and the largest chunk of a blob a CHUNK may carry. */
export const MAX_WANT = 256;
export const MAX_CHUNK = 256 * 1024;

export function encodeFrame(f: Frame): Uint8Array {
  switch (f.type) {
    case FrameType.Hello:
      return cbor.encode([f.type, f.version, f.site, f.spaces, f.want]);
    case FrameType.Batch: {
      const raw = cbor.encode(f.ops.map((o) => [o.space, o.author, o.seq, o.hlc, o.kind, o.body, o.sig]));
      if (raw.length <= COMPRESS_ABOVE) return cbor.encode([f.type, f.n, 0, raw]);
      const packed = brotliCompressSync(raw, { params: { [zc.BROTLI_PARAM_QUALITY]: 9, [zc.BROTLI_PARAM_SIZE_HINT]: raw.length } });
      return cbor.encode([f.type, f.n, 1, packed]);
    }
    case FrameType.Ack:
      return cbor.encode([f.type, f.n]);
    case FrameType.Done:
      return cbor.encode([f.type]);
    case FrameType.Error:
      return cbor.encode([f.type, f.code, f.message]);
    case FrameType.Want:
      return cbor.encode([f.type, f.blobs.map((b) => [Buffer.from(b.sha256, 'hex'), b.offset])]);
    case FrameType.Chunk:
      return cbor.encode([f.type, Buffer.from(f.sha256, 'hex'), f.offset, f.bytes]);
    case FrameType.End:
      return cbor.encode([f.type]);
  }
}

export function decodeFrame(bytes: Uint8Array): Frame {
  let raw: unknown;
  try {
    raw = cbor.decode(bytes);
  } catch {
    throw new SyncProtocolError('malformed_frame', 'a frame is not valid CBOR');
  }
  if (!Array.isArray(raw) || raw.length === 0) throw new SyncProtocolError('malformed_frame', 'a frame is not a non-empty array');
  const [type, ...rest] = raw as unknown[];
  switch (type) {
    case FrameType.Hello: {
      const [version, site, spaces, want] = rest;
      if (!Number.isInteger(version) || typeof site !== 'string' || site.length > 100) bad('HELLO');
      if (!Array.isArray(want) || want.some((k) => typeof k !== 'string' || !KINDS.has(k))) bad('HELLO');
      return { type: FrameType.Hello, version: version as number, site: site as string, spaces: vectors(spaces), want: want as OpKind[] };
    }
    case FrameType.Batch: {
      const [n, encoding, payload] = rest;
      if (!Number.isSafeInteger(n) || (encoding !== 0 && encoding !== 1) || !(payload instanceof Uint8Array)) bad('BATCH');
      return { type: FrameType.Batch, n: n as number, ops: ops(encoding === 1 ? inflate(payload as Uint8Array) : (payload as Uint8Array)) };
    }
    case FrameType.Ack: {
      if (!Number.isSafeInteger(rest[0])) bad('ACK');
      return { type: FrameType.Ack, n: rest[0] as number };
    }
    case FrameType.Done:
      return { type: FrameType.Done };
    case FrameType.Error: {
      const [code, message] = rest;
      if (typeof code !== 'string' || typeof message !== 'string') bad('ERROR');
      return { type: FrameType.Error, code: (code as string).slice(0, 64), message: (message as string).slice(0, 500) };
    }
    case FrameType.Want: {
      const [list] = rest;
      if (!Array.isArray(list) || list.length > MAX_WANT) bad('WANT');
      return {
        type: FrameType.Want,
        blobs: (list as unknown[]).map((item) => {
          if (!Array.isArray(item) || item.length !== 2) bad('WANT');
          const [sha, offset] = item as unknown[];
          if (!isSha(sha) || !Number.isSafeInteger(offset) || (offset as number) < 0) bad('WANT');
          return { sha256: Buffer.from(sha).toString('hex'), offset: offset as number };
        }),
      };
    }
    case FrameType.Chunk: {
      const [sha, offset, bytes] = rest;
      if (!isSha(sha) || !Number.isSafeInteger(offset) || (offset as number) < 0) bad('CHUNK');
      if (!(bytes instanceof Uint8Array) || bytes.length === 0 || bytes.length > MAX_CHUNK) bad('CHUNK');
      return { type: FrameType.Chunk, sha256: Buffer.from(sha).toString('hex'), offset: offset as number, bytes: new Uint8Array(bytes) };
    }
    case FrameType.End:
      return { type: FrameType.End };
    default:
      throw new SyncProtocolError('unknown_frame', `unknown frame type ${JSON.stringify(type)}`);
  }
}

function bad(what: string): never {
  throw new SyncProtocolError('malformed_frame', `a ${what} frame is malformed`);
}

function inflate(payload: Uint8Array): Uint8Array {
  try {
    return brotliDecompressSync(payload, { maxOutputLength: MAX_BATCH_DECODED });
  } catch {
    throw new SyncProtocolError('malformed_frame', `a batch does not decompress to at most ${MAX_BATCH_DECODED} bytes`);
  }
}

const KINDS = new Set<string>(OP_KINDS);

function ops(bytes: Uint8Array): Operation[] {
  let raw: unknown;
  try {
    raw = cbor.decode(bytes);
  } catch {
    bad('BATCH');
  }
  if (!Array.isArray(raw)) bad('BATCH');
  return (raw as unknown[]).map((o) => {
    if (!Array.isArray(o) || o.length !== 7) bad('BATCH');
    const [space, author, seq, hlc, kind, body, sig] = o as unknown[];
    if (typeof space !== 'string' || typeof author !== 'string' || !Number.isSafeInteger(seq) || typeof hlc !== 'string') bad('BATCH');
    if (typeof kind !== 'string' || !KINDS.has(kind) || !(body instanceof Uint8Array) || !(sig instanceof Uint8Array)) bad('BATCH');
    return { space, author, seq, hlc, kind: kind as OpKind, body: new Uint8Array(body), sig: new Uint8Array(sig) } as Operation;
  });
}

function vectors(raw: unknown): Record<string, VersionVector> {
  if (!isObject(raw)) bad('HELLO');
  const out: Record<string, VersionVector> = {};
  for (const [space, vector] of Object.entries(raw)) {
    if (!isObject(vector)) bad('HELLO');
    const v: Record<string, Partial<Record<OpKind, number>>> = {};
    for (const [author, streams] of Object.entries(vector)) {
      if (!isObject(streams)) bad('HELLO');
      const s: Partial<Record<OpKind, number>> = {};
      for (const [kind, seq] of Object.entries(streams)) {
        if (!KINDS.has(kind) || !Number.isSafeInteger(seq) || (seq as number) < 0) bad('HELLO');
        s[kind as OpKind] = seq as number;
      }
      v[author] = s;
    }
    out[space] = v;
  }
  return out;
}

function isSha(v: unknown): v is Uint8Array {
  return v instanceof Uint8Array && v.length === 32;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}
