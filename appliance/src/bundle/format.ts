/**
 * Bundle file format, version 1: operations and file contents carried from one site to
 * another on a USB stick (Gavinané → Nioro), for a site with no link at all.
 *
 *   file    = magic (8 bytes: 0x89 "SOLID" CR LF) · format version (uint16, big-endian)
 *             · record*
 *   record  = type (1 ASCII byte) · length (uint32, big-endian) · payload (length bytes)
 *
 * Records come in this order, and only in this order:
 *
 *   H  header    CBOR map { site, target, createdAt, wire, spaces }: the exporter's site
 *                id; the site it was made for (null: everything the exporter holds);
 *                when it was made (ms since 1970, by the exporter's clock); the sync wire
 *                version of the O records (sync/wire/frames.ts PROTOCOL_VERSION); and
 *                { space: { author: { kind: seq } } }, the exporter's version vector of
 *                every space in the bundle. The importer keeps those vectors (table
 *                peer_vectors) so that its next export for that site sends only what the
 *                site lacks.
 *   O  ops       zero or more sync BATCH frames [2, n, encoding, bytes], n = 1, 2, … ; the
 *                operations in the wire's encoding (CBOR, brotli above 512 bytes), at most
 *                OPS_CHUNK_BYTES raw each (one larger operation goes alone); every stream
 *                (space, author, kind) in sequence order
 *   F  file      CBOR [sha256 hex, size]: one blob follows, as D records
 *   D  data      the next bytes of that blob, at most BLOB_CHUNK_BYTES each, in order,
 *                exactly `size` bytes in all (none for an empty blob)
 *   E  end       CBOR [op chunks, operations, blobs, blob bytes], the counts of what came
 *   T  trailer   32 bytes: the SHA-256 of every byte of the file before this record; the
 *                file ends right after it
 *
 * A writer streams records (bounded memory) to a temporary name and renames the file
 * when the trailer is written, so a stick pulled mid-copy never leaves a whole-looking
 * bundle. A reader checks the whole file (magic, version, order, sizes, blob hashes,
 * trailer) before applying anything.
 */
import { Encoder } from 'cbor-x';
import type { VersionVector } from '../ops/index.js';

export const MAGIC = Buffer.from([0x89, 0x53, 0x4f, 0x4c, 0x49, 0x44, 0x0d, 0x0a]);
export const FORMAT_VERSION = 1;
/** Magic and version: where the first record starts. */
export const PREAMBLE_BYTES = MAGIC.length + 2;
export const RECORD_HEAD_BYTES = 5;
export const TRAILER_BYTES = RECORD_HEAD_BYTES + 32;

export const RecordType = { Header: 0x48, Ops: 0x4f, File: 0x46, Data: 0x44, End: 0x45, Trailer: 0x54 } as const;
export type RecordTypeCode = (typeof RecordType)[keyof typeof RecordType];

/** Raw bytes of operations per O record before compression (a larger single op goes alone). */
export const OPS_CHUNK_BYTES = 256 * 1024;
export const BLOB_CHUNK_BYTES = 1024 * 1024;

/** Largest payload a reader accepts per record type: a corrupt length is caught here. */
export const MAX_PAYLOAD: Readonly<Record<number, number>> = {
  [RecordType.Header]: 16 * 1024 * 1024,
  [RecordType.Ops]: 16 * 1024 * 1024,
  [RecordType.File]: 1024,
  [RecordType.Data]: BLOB_CHUNK_BYTES,
  [RecordType.End]: 1024,
  [RecordType.Trailer]: 32,
};

export interface BundleHeader {
  /** The exporter's site id. */
  readonly site: string;
  /** The site it was made for, or null for everything the exporter holds. */
  readonly target: string | null;
  readonly createdAt: number;
  /** Version of the sync wire's op encoding used by the O records. */
  readonly wire: number;
  /** What the exporter holds of each space in the bundle. */
  readonly spaces: Readonly<Record<string, VersionVector>>;
}

export const cbor = new Encoder({ useRecords: false, mapsAsObjects: true, tagUint8Array: false });

export function preamble(): Buffer {
  const b = Buffer.alloc(PREAMBLE_BYTES);
  MAGIC.copy(b, 0);
  b.writeUInt16BE(FORMAT_VERSION, MAGIC.length);
  return b;
}

/** One record: its 5-byte head and its payload, as two buffers (no copy of the payload). */
export function record(type: RecordTypeCode, payload: Uint8Array): [Buffer, Buffer] {
  const head = Buffer.alloc(RECORD_HEAD_BYTES);
  head.writeUInt8(type, 0);
  head.writeUInt32BE(payload.length, 1);
  return [head, Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)];
}

export function typeName(type: number): string {
  return String.fromCharCode(type);
}
