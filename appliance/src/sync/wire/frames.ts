/**
 * Wire format of /solidaire/sync/1: one CBOR array per frame, its first element the frame
 * type. Framing (length prefixes) belongs to the transport; this module only turns frames
 * into bytes and back, and refuses anything malformed with a SyncProtocolError.
 *
 *   HELLO  [1, version, site, [author, …], { space: [a, k, seq, a, k, seq, …] }, wanted]
 *          site and authors are Ed25519 public keys (32 bytes; a site id that is not one
 *          goes as text); site is null when the transport told the peer who we are, or
 *          the index of the sender in the authors when it is one of them (it usually
 *          is); a is an index in the authors, k a kind's index in OP_KINDS, seq
 *          the highest sequence held of that stream; `wanted` a bit per kind: the kinds
 *          the sender is willing to receive now (its link budget decides). Compact,
 *          because a HELLO crosses the metered link at every session, even an idle one.
 *   BATCH  [2, n, encoding, bytes]       bytes: CBOR array of runs, brotli-compressed if encoding = 1;
 *          a run is consecutive operations of one stream:
 *          [space, author, k, firstSeq, [ms, counter, Δms, counter, …], [body, …], sig]
 *          (clock stamps as numbers, each ms after the first as the difference from the
 *          one before; the signature is the last operation's, which proves the run)
 *   ACK    [3, n]                        batch n is durably applied
 *   DONE   [4]                           the sender has nothing more to send
 *   ERROR  [5, code, message]            the sender closes the session
 *   WANT   [6, [[sha256, offset], …]]    blobs the sender lacks, from `offset` on (a resumed
 *                                        transfer); an empty list: it wants nothing more
 *   CHUNK  [7, sha256, offset, bytes]    part of a wanted blob (sha256 as 32 raw bytes)
 *   END    [8]                           the answer to the last WANT is complete
 *   PACKED [9, n, bytes]                 batch n, its CBOR array of runs continuing the
 *                                        session's brotli stream (stream-codec.ts); what a
 *                                        session sends (BATCH stays for bundles)
 */
import { Encoder } from 'cbor-x';
import { brotliCompressSync, brotliDecompressSync, constants as zc } from 'node:zlib';
import { OP_KINDS, UNSIGNED, type OpKind, type Operation, type VersionVector } from '../../ops/index.js';
import { SyncProtocolError } from '../errors.js';
import { peerIdOf, publicKeyOf } from '../../identity/index.js';

export const PROTOCOL = '/solidaire/sync/1';
export const PROTOCOL_VERSION = 2;

export const FrameType = { Hello: 1, Batch: 2, Ack: 3, Done: 4, Error: 5, Want: 6, Chunk: 7, End: 8, Packed: 9 } as const;

export interface BlobRequest {
  readonly sha256: string;
  readonly offset: number;
}

export type Frame =
  /** site: undefined when the transport authenticated the sender to the receiver. */
  | { type: typeof FrameType.Hello; version: number; site: string | undefined; spaces: Record<string, VersionVector>; want: OpKind[] }
  | { type: typeof FrameType.Batch; n: number; ops: Operation[] }
  | { type: typeof FrameType.Ack; n: number }
  | { type: typeof FrameType.Done }
  | { type: typeof FrameType.Error; code: string; message: string }
  | { type: typeof FrameType.Want; blobs: BlobRequest[] }
  | { type: typeof FrameType.Chunk; sha256: string; offset: number; bytes: Uint8Array }
  | { type: typeof FrameType.End }
  | { type: typeof FrameType.Packed; n: number; bytes: Uint8Array };

const cbor = new Encoder({ useRecords: false, mapsAsObjects: true, tagUint8Array: false });

/** Largest decoded batch we accept: a peer cannot make us inflate more than this. */
export const MAX_BATCH_DECODED = 8 * 1024 * 1024;
const COMPRESS_ABOVE = 512;
/** Most blobs one WANT may ask for, and the largest chunk of a blob a CHUNK may carry. */
export const MAX_WANT = 256;
export const MAX_CHUNK = 256 * 1024;

export function encodeFrame(f: Frame): Uint8Array {
  switch (f.type) {
    case FrameType.Hello: {
      const authors: string[] = [];
      const index = new Map<string, number>();
      const spaces: Record<string, number[]> = {};
      for (const [space, vector] of Object.entries(f.spaces)) {
        const flat: number[] = (spaces[space] = []);
        for (const [author, streams] of Object.entries(vector)) {
          let a = index.get(author);
          if (a === undefined) index.set(author, (a = authors.push(author) - 1));
          for (const [kind, seq] of Object.entries(streams)) flat.push(a, OP_KINDS.indexOf(kind as OpKind), seq as number);
        }
      }
      const wanted = f.want.reduce((m, k) => m | (1 << OP_KINDS.indexOf(k)), 0);
      const self = f.site === undefined ? null : index.has(f.site) ? index.get(f.site)! : siteToWire(f.site);
      return cbor.encode([f.type, f.version, self, authors.map(siteToWire), spaces, wanted]);
    }
    case FrameType.Batch: {
      const raw = encodeOps(f.ops);
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
    case FrameType.Packed:
      return cbor.encode([f.type, f.n, f.bytes]);
  }
}

/** Operations as a BATCH's or PACKED's content before compression: a CBOR array of runs. */
export function encodeOps(list: readonly Operation[]): Uint8Array {
  return cbor.encode(runsOf(list));
}

export { ops as decodeOps };

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
      const [version, site, authors, spaces, wanted] = rest;
      if (!Number.isInteger(version) || !Array.isArray(authors) || !Number.isInteger(wanted) || (wanted as number) < 0) bad('HELLO');
      const want = OP_KINDS.filter((_, i) => ((wanted as number) & (1 << i)) !== 0);
      const authorIds = (authors as unknown[]).map((a) => siteFromWire(a));
      let sender: string | undefined;
      if (Number.isInteger(site)) {
        sender = authorIds[site as number];
        if (sender === undefined) bad('HELLO');
      } else if (site !== null) sender = siteFromWire(site);
      return { type: FrameType.Hello, version: version as number, site: sender, spaces: vectors(spaces, authorIds), want };
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
    case FrameType.Packed: {
      const [n, payload] = rest;
      if (!Number.isSafeInteger(n) || !(payload instanceof Uint8Array) || payload.length === 0) bad('PACKED');
      return { type: FrameType.Packed, n: n as number, bytes: new Uint8Array(payload as Uint8Array) };
    }
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

type Run = [string, Uint8Array | string, number, number, number[], Uint8Array[], Uint8Array];

/** Operations as runs of their streams; only a run's last signature travels. */
function runsOf(list: readonly Operation[]): Run[] {
  const runs: Run[] = [];
  let last: Operation | undefined;
  let run: Run | undefined;
  let ms = 0;
  for (const op of list) {
    const [t, counter] = hlcParts(op.hlc);
    if (run && last && op.space === last.space && op.author === last.author && op.kind === last.kind && op.seq === last.seq + 1) {
      run[4].push(t - ms, counter);
      run[5].push(op.body);
      run[6] = op.sig;
    } else {
      run = [op.space, siteToWire(op.author), OP_KINDS.indexOf(op.kind), op.seq, [t, counter], [op.body], op.sig];
      runs.push(run);
    }
    ms = t;
    last = op;
  }
  return runs;
}

function hlcParts(hlc: string): [number, number] {
  const m = /^(\d{13})-([0-9a-f]{4})$/.exec(hlc);
  if (!m) throw new SyncProtocolError('malformed_frame', `clock stamp ${JSON.stringify(hlc)} cannot be sent`);
  return [Number(m[1]), parseInt(m[2]!, 16)];
}

const MAX_MS = 10 ** 13;

function ops(bytes: Uint8Array): Operation[] {
  let raw: unknown;
  try {
    raw = cbor.decode(bytes);
  } catch {
    bad('BATCH');
  }
  if (!Array.isArray(raw)) bad('BATCH');
  const out: Operation[] = [];
  for (const r of raw as unknown[]) {
    if (!Array.isArray(r) || r.length !== 7) bad('BATCH');
    const [space, author, k, first, hlcs, bodies, sig] = r as unknown[];
    const kind = Number.isInteger(k) ? OP_KINDS[k as number] : undefined;
    if (typeof space !== 'string' || kind === undefined || !Number.isSafeInteger(first) || (first as number) < 1) bad('BATCH');
    if (!Array.isArray(bodies) || bodies.length === 0 || !Array.isArray(hlcs) || hlcs.length !== bodies.length * 2 || !(sig instanceof Uint8Array)) bad('BATCH');
    const site = siteFromWire(author, 'BATCH');
    let ms = 0;
    (bodies as unknown[]).forEach((body, i) => {
      const [dt, counter] = [(hlcs as unknown[])[2 * i], (hlcs as unknown[])[2 * i + 1]];
      if (!(body instanceof Uint8Array) || !Number.isSafeInteger(dt) || !Number.isInteger(counter)) bad('BATCH');
      ms = i === 0 ? (dt as number) : ms + (dt as number);
      if (ms < 0 || ms >= MAX_MS || (counter as number) < 0 || (counter as number) > 0xffff) bad('BATCH');
      const hlc = `${String(ms).padStart(13, '0')}-${(counter as number).toString(16).padStart(4, '0')}`;
      const last = i === bodies.length - 1;
      out.push({ space, author: site, seq: (first as number) + i, hlc, kind, body: new Uint8Array(body), sig: last ? new Uint8Array(sig) : UNSIGNED });
    });
  }
  return out;
}

function vectors(raw: unknown, authors: readonly string[]): Record<string, VersionVector> {
  if (!isObject(raw)) bad('HELLO');
  const out: Record<string, VersionVector> = {};
  for (const [space, flat] of Object.entries(raw)) {
    if (space === '__proto__' || !Array.isArray(flat) || flat.length % 3 !== 0) bad('HELLO');
    const v: Record<string, Partial<Record<OpKind, number>>> = {};
    for (let i = 0; i < flat.length; i += 3) {
      const [a, k, seq] = flat.slice(i, i + 3) as unknown[];
      const author = Number.isInteger(a) ? authors[a as number] : undefined;
      const kind = Number.isInteger(k) ? OP_KINDS[k as number] : undefined;
      if (author === undefined || kind === undefined || !Number.isSafeInteger(seq) || (seq as number) < 0) bad('HELLO');
      (v[author] ??= {})[kind] = seq as number;
    }
    out[space] = v;
  }
  return out;
}

/** A site id on the wire: its 32-byte public key, or the id as text if it is not an Ed25519 one. */
function siteToWire(site: string): Uint8Array | string {
  const key = publicKeyOf(site);
  return key ? Buffer.from(key) : site;
}

function siteFromWire(v: unknown, frame = 'HELLO'): string {
  if (v instanceof Uint8Array && v.length === 32) return peerIdOf(v);
  if (typeof v === 'string' && v.length > 0 && v.length <= 100 && v !== '__proto__') return v;
  bad(frame);
}

function isSha(v: unknown): v is Uint8Array {
  return v instanceof Uint8Array && v.length === 32;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}
