/**
 * The boxes' health batches on their way into the fleet store. The broker acknowledges a
 * batch only once it is stored, so batches are stored in group commits (one transaction,
 * one disk flush), and when a group is committed depends on how they come:
 *  - a fleet's batches arrive one by one, and a commit each was most of the relay's CPU:
 *    a group waits GROUP_MS after its first batch (50 ms is nothing to a box waiting for
 *    its PUBACK);
 *  - under a burst (many boxes back at once), waiting is what limits the relay: each box
 *    sends its next batch only once the last is acknowledged, so the rate is the boxes in
 *    flight divided by the wait. Once GROUP_BUSY batches wait, the group is committed at
 *    the end of this turn of the event loop, with whatever else the turn brought;
 *  - GROUP_MAX batches are committed at once;
 *  - after a burst's commit, what came meanwhile goes at the end of that turn: the writer
 *    is free, and those boxes have waited already.
 * Who decodes and stores a group is a HealthWriter: the relay's own thread
 * (health-writer.ts) or a worker thread (ingest-worker.ts), so that the broker's event loop
 * does not spend itself on decoding and inserts.
 */
import type { Clock } from '@solidaire/appliance/clock';
import type { Alerts, SiteFacts } from './alerts.js';

const GROUP_MAX = 512;
const GROUP_BUSY = 32;
const GROUP_MS = 50;

/** A health batch as the broker received it from a site. */
export interface HealthBatchIn {
  readonly siteKey: string;
  readonly payload: Uint8Array;
}

/** What storing one batch told: the facts of its newest sample, or why it was dropped. */
export type BatchOutcome = { readonly facts: SiteFacts } | { readonly unreadable: string };

/** Decodes and stores groups of health batches, one transaction per group. */
export interface HealthWriter {
  start(): Promise<void>;
  /** Once every group handed to it is settled; releases its thread and connection. */
  stop(): Promise<void>;
  /**
   * Store `batches` in one transaction. Resolves once it is committed, with one outcome per
   * batch in their order (a batch that does not decode is dropped, not stored); rejects when
   * nothing of the group was committed. `now` is the relay's clock at the group's flush.
   */
  write(batches: readonly HealthBatchIn[], now: number): Promise<readonly BatchOutcome[]>;
}

export interface HealthIngestDeps {
  readonly clock: Clock;
  readonly alerts: Pick<Alerts, 'update'>;
  readonly writer: HealthWriter;
  readonly log?: (line: string) => void;
}

interface Waiting extends HealthBatchIn {
  done(e?: unknown): void;
}

export class HealthIngest {
  private timer: NodeJS.Timeout | undefined;
  private soon: NodeJS.Immediate | undefined;
  private queue: Waiting[] = [];
  /** Groups handed to the writer and not yet settled. */
  private readonly writing = new Set<Promise<void>>();

  constructor(private readonly deps: HealthIngestDeps) {}

  start(): Promise<void> {
    return this.deps.writer.start();
  }

  /** Store what waits, wait for every group's commit, then stop the writer. */
  async stop(): Promise<void> {
    void this.flush();
    await Promise.all(this.writing);
    await this.deps.writer.stop();
  }

  /**
   * A health batch from a box: its samples and roll-ups into the history, its newest
   * sample into the facts the alert rules read. Resolves once stored. A batch that does
   * not decode is dropped (and logged): the box would only send it again.
   */
  take(siteKey: string, payload: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => this.enqueue(siteKey, payload, (e) => (e === undefined ? resolve() : reject(e))));
  }

  /** `take`, answered through `done` (with the error if not stored): the broker's way, no promise per batch. */
  enqueue(siteKey: string, payload: Uint8Array, done: (e?: unknown) => void): void {
    const n = this.queue.push({ siteKey, payload, done });
    if (n >= GROUP_MAX) void this.flush();
    else if (n === 1) this.timer = setTimeout(() => void this.flush(), GROUP_MS);
    else if (n === GROUP_BUSY) this.soon = setImmediate(() => void this.flush());
  }

  /**
   * Hand every batch waiting to the writer, as one group; once committed, feed the alerts
   * and acknowledge them all. Never rejects: a failed group fails its batches' takes.
   */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    clearImmediate(this.soon);
    this.timer = undefined;
    this.soon = undefined;
    const items = this.queue.splice(0);
    if (!items.length) return Promise.resolve();
    const p = this.store(items, this.deps.clock.now()).finally(() => this.writing.delete(p));
    this.writing.add(p);
    return p;
  }

  private async store(items: readonly Waiting[], now: number): Promise<void> {
    const { alerts, log } = this.deps;
    try {
      const outcomes = await this.deps.writer.write(items, now);
      const facts = new Map<string, SiteFacts>();
      items.forEach((it, i) => {
        const o = outcomes[i];
        if (o && 'unreadable' in o) log?.(`relevé de santé illisible de ${it.siteKey} : ${o.unreadable}`);
        facts.set(it.siteKey, { ...facts.get(it.siteKey), lastSeen: now, ...(o && 'facts' in o ? o.facts : {}) });
      });
      for (const [siteKey, f] of facts) alerts.update(siteKey, f);
    } catch (e) {
      const failed = e ?? new Error('relevés de santé non enregistrés');
      for (const it of items) it.done(failed);
      return;
    } finally {
      // Under load only: a fleet's trickle keeps waiting for company (a commit each is CPU).
      if (items.length >= GROUP_BUSY) this.flushWaiting();
    }
    for (const it of items) it.done();
  }

  /** What came while a group was being stored goes at the end of this turn: the writer is free. */
  private flushWaiting(): void {
    if (this.queue.length && !this.soon) this.soon = setImmediate(() => void this.flush());
  }
}
