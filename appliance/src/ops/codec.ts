/**
 * Wire format of operations, version 2: CBOR (RFC 8949) payloads; an operation's signed
 * bytes are the CBOR array [2, space, author, seq, hlc, kind, body, prev], where prev is
 * the digest (SHA-256 of the signed bytes) of the operation before it in its stream
 * (space, author, kind), empty for the first. The signature of an operation thus proves
 * every one before it in its stream: a run of operations travels with the signature of
 * its last one only (64 bytes per run instead of per operation), and a replica that
 * relays them keeps exactly the signatures it received. The body bytes are carried
 * verbatim, so no canonical re-encoding is ever needed to check a signature.
 */
import { createHash } from 'node:crypto';
import { Encoder } from 'cbor-x';
import { verifySignature, type SiteKey } from '../identity/index.js';
import type { Hlc } from '../clock/index.js';
import { OP_KINDS, payloadSchemas, type OpKind, type Operation, type PayloadOf } from './types.js';
import { InvalidOperationError } from './errors.js';

export const OP_FORMAT_VERSION = 2;
/** The `prev` of the first operation of a stream. */
export const GENESIS: Uint8Array = new Uint8Array(0);
/** What a signature is when the operation is proved by a later one of its run. */
export const UNSIGNED: Uint8Array = new Uint8Array(0);
const HLC = /^\d{13}-[0-9a-f]{4}$/;

const cbor = new Encoder({ useRecords: false, mapsAsObjects: true, tagUint8Array: false });

export function encodePayload<K extends OpKind>(_kind: K, payload: PayloadOf[K]): Uint8Array {
  return cbor.encode(payload);
}

export function decodePayload<K extends OpKind>(kind: K, body: Uint8Array): PayloadOf[K] {
  let raw: unknown;
  try {
    raw = cbor.decode(body);
  } catch {
    throw new InvalidOperationError(`the body of a ${kind} operation is not valid CBOR`);
  }
  if (raw && typeof raw === 'object') normaliseBytes(raw as Record<string, unknown>);
  const parsed = payloadSchemas[kind].safeParse(raw);
  if (!parsed.success) throw new InvalidOperationError(`the body of a ${kind} operation is malformed: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

// cbor-x decodes byte strings as Buffer; make them plain Uint8Array views for the schemas.
function normaliseBytes(o: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(o)) {
    if (Buffer.isBuffer(v)) o[k] = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  }
}

/** The bytes an operation's author signs, and their digest (what the next operation names). */
export function signedBytes(op: Omit<Operation, 'sig'>, prev: Uint8Array): { bytes: Uint8Array; digest: Uint8Array } {
  const bytes = cbor.encode([OP_FORMAT_VERSION, op.space, op.author, op.seq, op.hlc, op.kind, op.body, prev]);
  return { bytes, digest: createHash('sha256').update(bytes).digest() };
}

/** Sign a new operation that follows the one whose digest is `prev` (GENESIS for the first). */
export function signOperation(key: SiteKey, op: Omit<Operation, 'sig' | 'author'>, prev: Uint8Array): { op: Operation; digest: Uint8Array } {
  const unsigned = { ...op, author: key.siteId };
  const { bytes, digest } = signedBytes(unsigned, prev);
  return { op: { ...unsigned, sig: key.sign(bytes) }, digest };
}

/** The checks that need no key and no history: kind, sequence, clock stamp. */
export function checkShape(op: Operation): void {
  if (!(OP_KINDS as readonly string[]).includes(op.kind)) throw new InvalidOperationError(`unknown operation kind ${JSON.stringify(op.kind)}`);
  if (!Number.isSafeInteger(op.seq) || op.seq < 1) throw new InvalidOperationError('an operation sequence number is a positive integer');
  if (!HLC.test(op.hlc)) throw new InvalidOperationError('an operation clock stamp is malformed');
}

/** Whether `sig` is the author's signature of these signed bytes. */
export function signatureHolds(op: Operation, bytes: Uint8Array): boolean {
  return verifySignature(op.author, bytes, op.sig);
}

export type { Hlc };
