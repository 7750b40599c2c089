/**
 * Group commit. With synchronous=FULL every COMMIT waits for an fsync of the WAL, and
 * better-sqlite3 waits on the main thread: under load, most of a write's time is that
 * wait. Writes that arrive together (in one turn of the event loop) instead share one
 * transaction and one fsync:
 *
 *   BEGIN
 *     SAVEPOINT  write 1  RELEASE          (each write in its own savepoint: one that
 *     SAVEPOINT  write 2  ROLLBACK TO      throws rolls back itself alone)
 *     …
 *   COMMIT                                 (one fsync for the batch)
 *
 * and every promise settles only after that COMMIT has returned: a write is acknowledged
 * once it is on the disk, exactly as before, and a failed COMMIT fails every write of
 * the batch (none of them is there). The batch runs synchronously, from BEGIN to COMMIT,
 * so no other request ever sees its uncommitted state. An idle box pays nothing: a lone
 * write runs at the next setImmediate, in a batch of one.
 */
import type { Db } from './index.js';

interface Pending {
  readonly change: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (reason: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export class WriteQueue {
  private pending: Pending[] = [];
  private scheduled = false;
  private stopped = false;

  /** @param maxBatch writes per transaction at most; the rest wait for the next turn. */
  constructor(
    private readonly db: Db,
    private readonly maxBatch = 64,
  ) {}

  /**
   * Run `change` (synchronous: it reads, checks and writes) in the next group commit;
   * resolves with its result once durable, rejects with its error (or the COMMIT's).
   */
  run<T>(change: () => T): Promise<T> {
    if (this.stopped) return Promise.reject(new Error('the write queue is stopped'));
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ change, resolve: resolve as (v: unknown) => void, reject });
      this.schedule();
    });
  }

  /** Commit what is queued now, then refuse new writes (before the database closes). */
  stop(): void {
    this.stopped = true;
    while (this.pending.length) this.flush();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
      if (this.pending.length) this.schedule();
    });
  }

  private flush(): void {
    const batch = this.pending.splice(0, this.maxBatch);
    if (batch.length === 0) return;
    const outcomes = this.runBatch(batch);
    batch.forEach((w, i) => {
      const o = outcomes[i]!;
      if (o.ok) w.resolve(o.value);
      else w.reject(o.error);
    });
  }

  private runBatch(batch: readonly Pending[]): Outcome[] {
    const outcomes: Outcome[] = [];
    const db = this.db;
    let ended: unknown;
    try {
      if (!db.open) throw new Error('the database is closed');
      db.transaction(() => {
        for (const w of batch) {
          // SQLite ends the whole transaction by itself after some errors (disk full, I/O):
          // a write run now would run outside it and be committed alone. Run no more.
          if (!db.inTransaction) break;
          try {
            outcomes.push({ ok: true, value: db.transaction(() => settled(w.change()))() });
          } catch (error) {
            outcomes.push({ ok: false, error });
            if (!db.inTransaction) ended = error;
          }
        }
      })();
    } catch (error) {
      // Nothing of the batch is committed: every write fails, with its own error if it
      // had one, else with what ended the transaction.
      return batch.map((_, i) => {
        const o = outcomes[i];
        return { ok: false, error: o && !o.ok ? o.error : (ended ?? error) };
      });
    }
    return outcomes;
  }
}

function settled<T>(value: T): T {
  if (value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function') {
    throw new Error('a queued write must be synchronous: it returned a promise');
  }
  return value;
}
