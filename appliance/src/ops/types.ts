/**
 * Operations: every change a user makes is one of these, signed by the site that made it.
 * Payload schemas validate what arrives from outside (sync, bundles); inside, the types
 * are trusted.
 */
import { z } from 'zod';
import type { Hlc } from '../clock/index.js';

export const OP_KINDS = ['record.put', 'doc.update', 'message.post'] as const;
export type OpKind = (typeof OP_KINDS)[number];

/**
 * An operation as stored and as carried: the body is the CBOR payload, kept verbatim. `sig`
 * is the author's signature, or empty when a later operation of the same stream proves
 * this one through the hash chain (ops/codec.ts).
 */
export interface Operation {
  readonly space: string;
  readonly author: string;
  readonly seq: number;
  readonly hlc: Hlc;
  readonly kind: OpKind;
  readonly body: Uint8Array;
  readonly sig: Uint8Array;
}

const actor = z.object({ id: z.string().min(1).max(64), name: z.string().min(1).max(200) });
export type Actor = z.infer<typeof actor>;

const ident = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/);
const jsonValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const recordPut = z.object({
  coll: ident,
  id: ident,
  fields: z.record(z.string().min(1).max(64), jsonValue),
  by: actor,
});
export type RecordPut = z.infer<typeof recordPut>;

export const docUpdate = z.object({
  doc: ident,
  update: z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'expected bytes'),
  by: actor,
});
export type DocUpdate = z.infer<typeof docUpdate>;

export const messagePost = z.object({
  id: ident,
  thread: ident,
  subject: z.string().max(300).nullable(),
  body: z.string().min(1).max(100_000),
  /** The space the sender wrote from, when the message goes to another space. */
  from: ident.nullable(),
  by: actor,
});
export type MessagePost = z.infer<typeof messagePost>;

export interface PayloadOf {
  'record.put': RecordPut;
  'doc.update': DocUpdate;
  'message.post': MessagePost;
}

export const payloadSchemas: { [K in OpKind]: z.ZodType<PayloadOf[K]> } = {
  'record.put': recordPut,
  'doc.update': docUpdate,
  'message.post': messagePost,
};

/** The field that marks a record deleted; a tombstone is a field like any other. */
export const DELETED_FIELD = '$deleted';
