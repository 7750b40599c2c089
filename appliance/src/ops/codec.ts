/**
 * Wire format of operations, version 1: CBOR (RFC 8949) payloads, and a signature over
 * the CBOR array [1, space, author, seq, hlc, kind, body]. The body bytes are carried
 * verbatim, so no canonical re-encoding is ever needed to check a signature.
 */
import { Encoder } from 'cbor-x';
import { verifySignature, type SiteKey } from '../identity/index.js';
import type { Hlc } from '../clock/index.js';
import { OP_KINDS, payloadSchemas, type OpKind, type Operation, type PayloadOf } from './types.js';
import { InvalidOperationError } from './errors.js';

export const OP_FORMAT_VERSION = 1;

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

function signingBytes(op: Omit<Operation, 'sig'>): Uint8Array {
  return cbor.encode([OP_FORMAT_VERSION, op.space, op.author, op.seq, op.hlc, op.kind, op.body]);
}

export function signOperation(key: SiteKey, op: Omit<Operation, 'sig' | 'author'>): Operation {
  const unsigned = { ...op, author: key.siteId };
  return { ...unsigned, sig: key.sign(signingBytes(unsigned)) };
}

export function verifyOperation(op: Operation): void {
  if (!(OP_KINDS as readonly string[]).includes(op.kind)) throw new InvalidOperationError(`unknown operation kind ${JSON.stringify(op.kind)}`);
  if (!Number.isSafeInteger(op.seq) || op.seq < 1) throw new InvalidOperationError('an operation sequence number is a positive integer');
  if (!/^\d{13}-[0-9a-f]{4}$/.test(op.hlc)) throw new InvalidOperationError('an operation clock stamp is malformed');
  if (!verifySignature(op.author, signingBytes(op), op.sig)) {
    throw new InvalidOperationError(`operation ${op.space}/${op.author}/${op.seq} does not carry its author's valid signature`);
  }
}

export type { Hlc };
