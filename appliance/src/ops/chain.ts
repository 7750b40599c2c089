/**
 * Checking operations that arrive from elsewhere against their streams' hash chains. Each
 * operation names the digest of the one before it in its stream, and its author signs
 * that; so a run of consecutive operations is proved by the last one's signature, and
 * an operation whose signature is absent is accepted only if a later one in the same
 * list proves it. Nothing here writes: a list is accepted or refused whole.
 */
import { checkShape, GENESIS, signatureHolds, signedBytes } from './codec.js';
import { InvalidOperationError } from './errors.js';
import type { OpKind, Operation } from './types.js';

/** The digest of a stored operation, or undefined if this replica does not hold it. */
export type StoredDigest = (space: string, author: string, kind: OpKind, seq: number) => Uint8Array | undefined;

interface Tail {
  seq: number;
  digest: Uint8Array;
  /** Operations of this stream not yet proved by a signature. */
  unproved: number;
}

/**
 * The digest of each operation of `ops` (in order), once every one is proved by its own
 * signature or a later one's. Throws InvalidOperationError naming the first fault.
 */
export function checkChains(ops: readonly Operation[], stored: StoredDigest): Uint8Array[] {
  const tails = new Map<string, Tail>();
  const digests: Uint8Array[] = [];
  for (const op of ops) {
    checkShape(op);
    const stream = `${op.space}\u0000${op.author}\u0000${op.kind}`;
    const tail = tails.get(stream);
    let prev: Uint8Array | undefined;
    if (tail && tail.seq === op.seq - 1) prev = tail.digest;
    else {
      if (tail && tail.unproved > 0) throw unproved(op, tail.seq);
      prev = op.seq === 1 ? GENESIS : stored(op.space, op.author, op.kind, op.seq - 1);
      if (!prev) throw new InvalidOperationError(`operation ${name(op)} arrived before operation ${op.seq - 1} of its stream`);
    }
    const { bytes, digest } = signedBytes(op, prev);
    let unprovedCount = (tail && tail.seq === op.seq - 1 ? tail.unproved : 0) + 1;
    if (op.sig.length > 0) {
      if (!signatureHolds(op, bytes)) throw new InvalidOperationError(`operation ${name(op)} does not carry its author's valid signature`);
      unprovedCount = 0;
    }
    tails.set(stream, { seq: op.seq, digest, unproved: unprovedCount });
    digests.push(digest);
  }
  for (const tail of tails.values()) if (tail.unproved > 0) throw new InvalidOperationError(`the last ${tail.unproved} operation(s) of a stream came without their author's signature`);
  return digests;
}

function name(op: Operation): string {
  return `${op.space}/${op.author}/${op.kind}/${op.seq}`;
}

function unproved(op: Operation, seq: number): InvalidOperationError {
  return new InvalidOperationError(`operation ${op.space}/${op.author}/${op.kind}/${seq} came without its author's signature and nothing after it proves it`);
}
