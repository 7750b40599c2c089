/**
 * Health batches stored by a worker thread (ingest-thread.ts), so that the relay's event
 * loop, which answers every box, spends nothing on decoding, inserts and commits. A group
 * is one message each way (ingest-wire.ts). If the thread dies, the groups it held are
 * failed (their boxes get no PUBACK and send them again; a transaction it had not
 * committed is not in the file) and a new thread takes over.
 */
import { Worker } from 'node:worker_threads';
import type { BatchOutcome, HealthBatchIn, HealthWriter } from './ingest.js';
import { groupToWire, INGEST_WIRE_VERSION, outcomesFromWire, type FromThread, type IngestThreadData } from './ingest-wire.js';

/**
 * The thread runs the compiled file, from relay/src (vitest) as from relay/dist (the
 * relay): Node 20 cannot run a .ts file, and vitest transforms only what its own module
 * runner imports, not a worker's script. `npm test` builds first; after changing the
 * thread's code, `npx tsc -b` before `npx vitest run relay`.
 */
const THREAD = new URL('../dist/ingest-thread.js', import.meta.url);

/**
 * WAL pages before a checkpoint, for the ingest thread's connection (SQLite's default is
 * 1,000). A fleet's batch lands on its site's own leaf of the (site, time) index, a page of
 * WAL each; at 1,000 pages a checkpoint ran every other group, copying back pages the next
 * groups changed again. Every 8,192 (32 MB) a leaf is copied once for many groups. The
 * relay's own connection (its small writes, on the event loop) checkpoints only past
 * RELAY_CHECKPOINT_PAGES, should the ingest thread be stopped: never in its way.
 */
export const INGEST_CHECKPOINT_PAGES = 8192;
export const RELAY_CHECKPOINT_PAGES = 65_536;

/** SQLite's page cache per connection of the relay, in KiB: a server's, not a box's 2 MB (measured with it, 2026-12-03). */
export const RELAY_PAGE_CACHE_KIB = 4000;

/**
 * Health batches the ingest thread did not store, and so are not acknowledged (their boxes
 * send them again): the thread ended while it held them, the database refused their group,
 * or the relay is stopping.
 */
export class IngestError extends Error {
  override readonly name = 'IngestError';
  constructor(
    readonly reason: 'thread-died' | 'write-failed' | 'stopped',
    message: string,
  ) {
    super(message);
  }
}

export interface WorkerHealthWriterOptions {
  readonly dbPath: string;
  /** The relay's migrations (the thread opens the database as the relay does). */
  readonly migrations: string;
  readonly log?: (line: string) => void;
  /** Starts a thread (tests wrap it, to kill one). */
  readonly spawn?: (script: URL, data: IngestThreadData) => Worker;
}

interface Thread {
  readonly worker: Worker;
  readonly pending: Map<number, { resolve(o: BatchOutcome[]): void; reject(e: Error): void; batches: number }>;
  ready: boolean;
  /** Settles when the thread has opened the database, or has died before. */
  readonly started: Promise<void>;
  /** Resolves when the thread has closed the database, or has died. */
  readonly closed: Promise<void>;
  readonly settle: { started(e?: Error): void; closed(): void };
}

export class WorkerHealthWriter implements HealthWriter {
  private thread: Thread | undefined;
  private state: 'stopped' | 'running' | 'stopping' = 'stopped';
  private nextId = 1;

  constructor(private readonly opts: WorkerHealthWriterOptions) {}

  async start(): Promise<void> {
    this.state = 'running';
    await (this.thread ?? this.open()).started;
  }

  /** Answers every group handed to it (in order), then closes the database and ends the thread. */
  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopping';
    const t = this.thread;
    if (t) {
      t.worker.postMessage({ type: 'close' });
      await t.closed;
      await t.worker.terminate();
    }
    this.thread = undefined;
    this.state = 'stopped';
  }

  write(batches: readonly HealthBatchIn[], now: number): Promise<readonly BatchOutcome[]> {
    if (this.state !== 'running') return Promise.reject(new IngestError('stopped', 'le relais s’arrête : relevés de santé non enregistrés'));
    const t = this.thread ?? this.open();
    const m = groupToWire(this.nextId++, now, batches);
    return new Promise((resolve, reject) => {
      t.pending.set(m.id, { resolve, reject, batches: batches.length });
      t.worker.postMessage(m, [m.bytes]);
    });
  }

  private open(): Thread {
    const data: IngestThreadData = { version: INGEST_WIRE_VERSION, dbPath: this.opts.dbPath, migrations: this.opts.migrations, checkpointPages: INGEST_CHECKPOINT_PAGES, pageCacheKib: RELAY_PAGE_CACHE_KIB };
    const worker = (this.opts.spawn ?? ((script, workerData) => new Worker(script, { workerData })))(THREAD, data);
    const settle = { started: (_e?: Error) => {}, closed: () => {} };
    const started = new Promise<void>((resolve, reject) => (settle.started = (e) => (e ? reject(e) : resolve())));
    // A thread opened for a group has no one waiting for its start: its failure is told by exit.
    started.catch(() => {});
    const closed = new Promise<void>((resolve) => (settle.closed = resolve));
    const t: Thread = { worker, pending: new Map(), ready: false, started, closed, settle };
    let failure: Error | undefined;
    worker.on('message', (m: FromThread) => this.onMessage(t, m));
    worker.on('error', (e) => (failure = e));
    worker.on('exit', (code) => this.onExit(t, failure?.message ?? `code de sortie ${code}`));
    this.thread = t;
    return t;
  }

  private onMessage(t: Thread, m: FromThread): void {
    switch (m.type) {
      case 'ready':
        t.ready = true;
        return t.settle.started();
      case 'stored':
      case 'failed': {
        const p = t.pending.get(m.id);
        t.pending.delete(m.id);
        if (m.type === 'stored') p?.resolve(outcomesFromWire(m));
        else p?.reject(new IngestError('write-failed', `relevés de santé non enregistrés : ${m.message}`));
        return;
      }
      case 'closed':
        return t.settle.closed();
    }
  }

  private onExit(t: Thread, why: string): void {
    if (this.thread === t) this.thread = undefined;
    t.settle.closed();
    t.settle.started(new IngestError('thread-died', `le fil d’écriture des relevés de santé n’a pas démarré : ${why}`));
    let lost = 0;
    for (const p of t.pending.values()) {
      lost += p.batches;
      p.reject(new IngestError('thread-died', `le fil d’écriture des relevés de santé s’est arrêté (${why}) : relevés non enregistrés`));
    }
    t.pending.clear();
    if (this.state !== 'running') return;
    // One that died before it was ready is started again by the next group, not in a loop.
    const next = t.ready ? 'un nouveau fil prend la suite' : 'un nouveau fil sera lancé au prochain relevé';
    this.opts.log?.(`le fil d’écriture des relevés de santé s’est arrêté (${why}) : ${lost} relevé(s) non enregistré(s) ni acquitté(s), les boîtes les renverront ; ${next}`);
    if (t.ready) this.open();
  }
}
