/**
 * What a sync session needs from storage (the session owns this interface), and its
 * implementation over the op log. Pages are read with LIMIT, never through an open cursor,
 * so the same connection can apply incoming batches while we send.
 */
import { sql, type Db } from '../db/index.js';
import { OP_KINDS, type OpKind, type OpLog, type Operation, type VersionVector } from '../ops/index.js';
import { InvalidOperationError } from '../ops/index.js';
import { SyncRefusedError } from './errors.js';

export interface SyncStore {
  readonly siteId: string;
  /** Spaces this replica holds and may exchange. */
  spaces(): string[];
  vector(space: string): VersionVector;
  /** Up to `limit` operations of one stream after `afterSeq`, in sequence order. */
  page(space: string, author: string, kind: OpKind, afterSeq: number, limit: number): Operation[];
  /**
   * Verify and apply a batch all-or-nothing; returns how many operations were new.
   * Throws SyncRefusedError (nothing applied) on a bad signature or a gap in a stream.
   */
  applyBatch(ops: readonly Operation[]): number;
}

export class OpLogSyncStore implements SyncStore {
  constructor(
    private readonly deps: {
      db: Db;
      log: OpLog;
      spaces: () => string[];
      /** Whether the operation's author may write its space; refused batches apply nothing. */
      mayWrite?: (op: Operation) => boolean;
      /**
       * Spaces this replica only carries for others, and the bytes it may still take of
       * them: a batch that would pass the carrying quota is refused whole.
       */
      carry?: { carried(space: string): boolean; roomBytes(): number };
    },
  ) {}

  get siteId(): string {
    return this.deps.log.siteId;
  }

  spaces(): string[] {
    return this.deps.spaces();
  }

  vector(space: string): VersionVector {
    return this.deps.log.versionVector(space);
  }

  page(space: string, author: string, kind: OpKind, afterSeq: number, limit: number): Operation[] {
    return this.deps.log.page(space, author, kind, afterSeq, limit);
  }

  applyBatch(ops: readonly Operation[]): number {
    const head = sql<[string, string, string], { seq: number | null }>(
      this.deps.db,
      'SELECT max(seq) AS seq FROM ops WHERE space = ? AND author = ? AND kind = ?',
    );
    const carry = this.deps.carry;
    if (carry) {
      const carried = ops.reduce((n, op) => (carry.carried(op.space) ? n + op.body.length + op.sig.length : n), 0);
      if (carried > 0 && carried > carry.roomBytes()) {
        throw new SyncRefusedError('carry_quota', `carrying ${carried} more bytes for other sites would pass this box's carrying quota`);
      }
    }
    return this.deps.db.transaction(() => {
      const heads = new Map<string, number>();
      const fresh: Operation[] = [];
      for (const op of ops) {
        if (!(OP_KINDS as readonly string[]).includes(op.kind)) throw new SyncRefusedError('bad_operation', `unknown kind ${op.kind}`);
        const stream = `${op.space}\u0000${op.author}\u0000${op.kind}`;
        const current = heads.get(stream) ?? head.get(op.space, op.author, op.kind)?.seq ?? 0;
        if (op.seq <= current) continue;
        if (this.deps.mayWrite && !this.deps.mayWrite(op)) {
          throw new SyncRefusedError('not_authorised', `site ${op.author} may not write space ${op.space}`);
        }
        if (op.seq !== current + 1) {
          throw new SyncRefusedError('gap', `operation ${op.space}/${op.author}/${op.kind}/${op.seq} arrived before ${current + 1}`);
        }
        heads.set(stream, op.seq);
        fresh.push(op);
      }
      try {
        return this.deps.log.receiveAll(fresh);
      } catch (e) {
        if (e instanceof InvalidOperationError) throw new SyncRefusedError('bad_operation', e.message);
        throw e;
      }
    })();
  }
}

/** A blob this replica lacks, and how many of its bytes it already holds (a resumed transfer). */
export interface BlobWant {
  readonly sha256: string;
  readonly size: number;
  readonly offset: number;
  /** Pre-positioned content (a pinned pack) rather than a file people use: the budget's bulk class. */
  readonly bulk: boolean;
}

/**
 * What a sync session needs to move blobs (files' contents). A blob travels only when a
 * live record of a space shared in the session points at it, in both directions.
 */
export interface SyncBlobs {
  /**
   * Up to `limit` blobs referenced in `spaces` that this replica lacks, not `skip`ped and
   * not being received by another session; they are reserved for the caller until
   * `release`.
   */
  wanted(spaces: readonly string[], limit: number, skip: ReadonlySet<string>): BlobWant[];
  release(sha256s: Iterable<string>): void;
  /** A blob this replica holds and may hand out for `spaces` (its size, whether bulk), or undefined. */
  servable(sha256: string, spaces: readonly string[]): { size: number; bulk: boolean } | undefined;
  read(sha256: string, offset: number, length: number): Promise<Uint8Array>;
  /**
   * Take the next chunk of a reserved blob. 'complete' once every byte arrived and the
   * SHA-256 matched (the blob is then stored); throws SyncRefusedError or
   * SyncProtocolError, keeping nothing of a blob whose content does not match.
   */
  receive(sha256: string, offset: number, bytes: Uint8Array): Promise<'partial' | 'complete'>;
}
