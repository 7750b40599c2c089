/**
 * Enrollment with a relay, the wire shapes both sides agree on.
 *
 * A relay admin creates a site; the relay writes an enrollment file (JSON) holding a
 * one-time token that expires. `solidaire enroll FILE` on the box sends the token with
 * its site id and a signature of the token by its site key; the relay checks both,
 * burns the token, records the key and answers with the box's MQTT credentials, the
 * hub's addresses and, when the relay holds the federation's key, the grants so far
 * (the box joins the federation in the same step).
 */
import { z } from 'zod';
import { decodeFrame, encodeFrame, FrameType } from '../sync/index.js';
import type { Operation } from '../ops/index.js';

export const ENROLLMENT_VERSION = 1;

export const enrollmentFileSchema = z.object({
  solidaire: z.literal('enrollment'),
  version: z.literal(ENROLLMENT_VERSION),
  site: z.string().min(1).max(64),
  name: z.string().min(1).max(200),
  token: z.string().min(20).max(200),
  expiresAt: z.number().int(),
  relay: z.object({
    http: z.string().url(),
    mqtt: z.string().min(1).max(500),
    hub: z.array(z.string().max(500)).max(20),
  }),
});
export type EnrollmentFile = z.infer<typeof enrollmentFileSchema>;

export const enrollRequestSchema = z.object({
  site: z.string().min(1).max(64),
  token: z.string().min(20).max(200),
  siteId: z.string().min(40).max(100),
  /** base64 of the site key's signature of enrollProof(site, token). */
  signature: z.string().min(40).max(200),
});
export type EnrollRequest = z.infer<typeof enrollRequestSchema>;

export const enrollResponseSchema = z.object({
  site: z.string(),
  name: z.string(),
  mqtt: z.object({ url: z.string(), username: z.string(), password: z.string() }),
  hub: z.array(z.string()),
  federation: z.object({ id: z.string(), grants: z.string() }).nullable(),
});
export type EnrollResponse = z.infer<typeof enrollResponseSchema>;

/** The bytes a box signs to prove it holds its key when it enrolls. */
export function enrollProof(site: string, token: string): Uint8Array {
  return new TextEncoder().encode(`solidaire-enroll/1\n${site}\n${token}`);
}

/** Grants travel as one sync batch frame, base64: the same verified encoding as everywhere. */
export function encodeGrants(ops: readonly Operation[]): string {
  return Buffer.from(encodeFrame({ type: FrameType.Batch, n: 1, ops: [...ops] })).toString('base64');
}

export function decodeGrants(text: string): Operation[] {
  const frame = decodeFrame(Buffer.from(text, 'base64'));
  if (frame.type !== FrameType.Batch) throw new Error('the grants are not a batch of operations');
  return frame.ops;
}
