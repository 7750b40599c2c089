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
    return this.deps.db.transaction(() => {
      let fresh = 0;
      for (const op of ops) {
        if (!(OP_KINDS as readonly string[]).includes(op.kind)) throw new SyncRefusedError('bad_operation', `unknown kind ${op.kind}`);
        const current = head.get(op.space, op.author, op.kind)?.seq ?? 0;
        if (op.seq <= current) continue;
        if (this.deps.mayWrite && !this.deps.mayWrite(op)) {
          throw new SyncRefusedError('not_authorised', `site ${op.author} may not write space ${op.space}`);
        }
        if (op.seq !== current + 1) {
          throw new SyncRefusedError('gap', `operation ${op.space}/${op.author}/${op.kind}/${op.seq} arrived before ${current + 1}`);
        }
        try {
          if (this.deps.log.receive(op)) fresh++;
        } catch (e) {
          if (e instanceof InvalidOperationError) throw new SyncRefusedError('bad_operation', e.message);
          throw e;
        }
      }
      return fresh;
    })();
  }
}
