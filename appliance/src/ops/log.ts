/**
 * The op log: the one way anything a user makes is written. A local change and a
 * received operation both go through here, and each is stored and materialised in one
 * SQLite transaction, so a power cut leaves both or neither. Applying twice is a no-op.
 */
import { sql, type Db } from '../db/index.js';
import type { SiteKey } from '../identity/index.js';
import { HybridClock, type Clock } from '../clock/index.js';
import { decodePayload, encodePayload, GENESIS, signOperation, UNSIGNED } from './codec.js';
import { checkChains } from './chain.js';
import { DocumentMerge } from './merge/documents.js';
import { MessageMerge } from './merge/messages.js';
import { RecordMerge, type RecordObserver } from './merge/records.js';
import { BlobRefMerge } from './merge/blob-refs.js';
import { payloadSchemas, type OpKind, type Operation, type PayloadOf } from './types.js';
import { InvalidOperationError } from './errors.js';

export interface OpLogOptions {
  readonly db: Db;
  readonly key: SiteKey;
  readonly clock: Clock;
  /** Whether this box materialises a space; others' operations are only stored. */
  readonly hosts: (space: string) => boolean;
  readonly observers?: ReadonlyMap<string, RecordObserver[]>;
}

/** What a replica holds of a space: for each author and kind, the highest sequence. */
export type VersionVector = Readonly<Record<string, Readonly<Partial<Record<OpKind, number>>>>>;

export interface StoredOp extends Operation {
  readonly rowid: number;
}

interface OpRow {
  rowid: number;
  space: string;
  author: string;
  seq: number;
  hlc: string;
  kind: OpKind;
  body: Buffer;
  sig: Buffer;
  digest: Buffer | null;
}

export class OpLog {
  readonly hlc: HybridClock;
  private readonly db: Db;
  private readonly key: SiteKey;
  private readonly hosts: (space: string) => boolean;
  private readonly records: RecordMerge;
  private readonly documents: DocumentMerge;
  private readonly messages: MessageMerge;
  private readonly blobRefs: BlobRefMerge;
  private readonly insertOp;
  private readonly nextSeq;
  private readonly vector;
  private readonly byRowid;
  private readonly digestOf;
  private readonly nextSigned;
  private readonly keepSig;
  private readonly changes = new Map<string, number>();

  constructor(opts: OpLogOptions) {
    this.db = opts.db;
    this.key = opts.key;
    this.hosts = opts.hosts;
    const last = this.db.prepare<[], { hlc: string | null }>('SELECT max(hlc) AS hlc FROM ops').get();
    this.hlc = new HybridClock(opts.clock, last?.hlc ?? undefined);
    this.records = new RecordMerge(this.db, opts.observers ?? new Map());
    this.documents = new DocumentMerge(this.db);
    this.messages = new MessageMerge(this.db);
    this.blobRefs = new BlobRefMerge(this.db);
    const old = this.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM ops WHERE digest IS NULL').get();
    if (old && old.n > 0) {
      throw new InvalidOperationError(
        `this data directory holds ${old.n} operations in format 1, written by a development version of Solidaire before 2026-11-22; ` +
          'this version reads format 2 only: move the data directory away and start again',
      );
    }
    this.insertOp = this.db.prepare(
      'INSERT OR IGNORE INTO ops (space, author, seq, hlc, kind, body, sig, digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.digestOf = this.db.prepare<[string, string, string, number], { digest: Buffer }>(
      'SELECT digest FROM ops WHERE space = ? AND author = ? AND kind = ? AND seq = ?',
    );
    this.keepSig = this.db.prepare('UPDATE ops SET sig = ? WHERE space = ? AND author = ? AND kind = ? AND seq = ? AND length(sig) = 0');
    this.nextSigned = this.db.prepare<[string, string, string, number], { seq: number | null }>(
      'SELECT min(seq) AS seq FROM ops WHERE space = ? AND author = ? AND kind = ? AND seq >= ? AND length(sig) > 0',
    );
    this.nextSeq = this.db.prepare<[string, string, string], { seq: number }>(
      'SELECT coalesce(max(seq), 0) + 1 AS seq FROM ops WHERE space = ? AND author = ? AND kind = ?',
    );
    this.vector = this.db.prepare<[string], { author: string; kind: OpKind; seq: number }>(
      'SELECT author, kind, max(seq) AS seq FROM ops WHERE space = ? GROUP BY author, kind',
    );
    this.byRowid = this.db.prepare<[number], OpRow>('SELECT rowid, * FROM ops WHERE rowid = ?');
  }

  get siteId(): string {
    return this.key.siteId;
  }

  /**
   * Record a local change: stamp, sign, store, apply. Runs in its own transaction, or in
   * the caller's if there is one (then the caller's commit is the durable point).
   */
  commit<K extends OpKind>(space: string, kind: K, payload: PayloadOf[K]): StoredOp {
    // What other sites would refuse is refused here first: a change that cannot travel is a bug.
    const checked = payloadSchemas[kind].safeParse(payload);
    if (!checked.success) throw new InvalidOperationError(`a ${kind} change is malformed: ${checked.error.issues[0]?.path.join('.')} ${checked.error.issues[0]?.message}`);
    return this.db.transaction(() => {
      if (kind === 'record.put' && this.hosts(space)) {
        const put = payload as PayloadOf['record.put'];
        const fields = this.records.changedFields(space, put);
        // A save that changes nothing is still written, whole: the user asked for it.
        if (Object.keys(fields).length > 0) payload = { ...put, fields } as PayloadOf[K];
      }
      const seq = this.nextSeq.get(space, this.key.siteId, kind)!.seq;
      const prev = seq === 1 ? GENESIS : this.storedDigest(space, this.key.siteId, kind, seq - 1);
      if (!prev) throw new Error(`operation ${space}/${seq - 1} has no digest: the op log is corrupt`);
      const { op, digest } = signOperation(this.key, { space, seq, hlc: this.hlc.tick(), kind, body: encodePayload(kind, payload) }, prev);
      const rowid = this.store(op, digest);
      if (rowid === null) throw new Error(`operation ${space}/${seq} already exists: the op log is corrupt`);
      if (this.hosts(space)) this.materialise(op, payload, rowid);
      if (kind === 'record.put') this.blobRefs.apply(op, payload as PayloadOf['record.put']);
      return { ...op, rowid };
    })();
  }

  /**
   * Take an operation from elsewhere (sync, bundle): check its signature, its place in its
   * stream and its payload, store it and apply it. Returns false if it was already here.
   * Throws InvalidOperationError, having written nothing, if it does not verify.
   */
  receive(op: Operation): boolean {
    return this.receiveAll([op]) === 1;
  }

  /**
   * Take operations from elsewhere, in stream order: each must follow an operation this
   * log holds or one before it in the list, and be proved by its own signature or a later
   * one's in its stream (ops/chain.ts). All are checked before anything is written; then
   * each is stored and applied, in the caller's transaction if there is one. Returns how
   * many were new. An operation held already must be the very same (an author who signed
   * two different operations at one place in a stream is refused).
   */
  receiveAll(ops: readonly Operation[]): number {
    const digests = checkChains(ops, (space, author, kind, seq) => this.storedDigest(space, author, kind, seq));
    // A carried space is never materialised, but its records' blob references are indexed.
    const payloads = ops.map((op) => (this.hosts(op.space) || op.kind === 'record.put' ? decodePayload(op.kind, op.body) : null));
    return this.db.transaction(() => {
      let fresh = 0;
      const edits: Array<{ op: Operation; p: PayloadOf['doc.update']; rowid: number }> = [];
      ops.forEach((op, i) => {
        const digest = digests[i]!;
        const rowid = this.store(op, digest);
        if (rowid === null) {
          const held = this.storedDigest(op.space, op.author, op.kind, op.seq);
          if (held && !Buffer.from(held).equals(digest)) {
            throw new InvalidOperationError(`operation ${op.space}/${op.author}/${op.kind}/${op.seq} differs from the one held at that place: its author signed two`);
          }
          // Held unsigned, now arrived with its signature: keep it, so this box can end a run there.
          if (op.sig.length > 0) this.keepSig.run(op.sig, op.space, op.author, op.kind, op.seq);
          return;
        }
        fresh++;
        this.hlc.observe(op.hlc);
        const payload = payloads[i];
        if (payload && this.hosts(op.space)) {
          // A document's edits are merged together at the end: one load and one store per document.
          if (op.kind === 'doc.update') {
            this.changes.set(op.space, this.changeCount(op.space) + 1);
            edits.push({ op, p: payload as PayloadOf['doc.update'], rowid });
          } else this.materialise(op, payload, rowid);
        }
        if (payload && op.kind === 'record.put') this.blobRefs.apply(op, payload as PayloadOf['record.put']);
      });
      this.documents.applyAll(edits);
      return fresh;
    })();
  }

  /** Author → kind → highest sequence number held, for one space. */
  versionVector(space: string): VersionVector {
    const out: Record<string, Partial<Record<OpKind, number>>> = {};
    for (const row of this.vector.iterate(space)) (out[row.author] ??= {})[row.kind] = row.seq;
    return out;
  }

  /**
   * How many operations this process has applied to the space's tables: it moves with
   * every change a reader could see (a rolled-back one may move it too, which only costs a
   * recomputation). Response caches key on it.
   */
  changeCount(space: string): number {
    return this.changes.get(space) ?? 0;
  }

  /**
   * About `limit` operations of one stream (space, author, kind) after `afterSeq`, in
   * order, ending at a signed one: a page goes on past `limit` to the next operation this
   * log holds a signature of, so that whoever receives it can check it.
   */
  page(space: string, author: string, kind: OpKind, afterSeq: number, limit: number): StoredOp[] {
    const first = afterSeq + Math.max(1, limit);
    const end = this.nextSigned.get(space, author, kind, first)?.seq ?? first;
    return sql<[string, string, string, number, number], OpRow>(
      this.db,
      'SELECT rowid, * FROM ops WHERE space = ? AND author = ? AND kind = ? AND seq > ? AND seq <= ? ORDER BY seq',
    )
      .all(space, author, kind, afterSeq, end)
      .map(toOp);
  }

  /** The digest of a held operation (what the next one of its stream names). */
  storedDigest(space: string, author: string, kind: OpKind, seq: number): Uint8Array | undefined {
    const row = this.digestOf.get(space, author, kind, seq);
    return row?.digest ? new Uint8Array(row.digest) : undefined;
  }

  get(rowid: number): StoredOp | undefined {
    const row = this.byRowid.get(rowid);
    return row ? toOp(row) : undefined;
  }

  /** Replay stored operations of a space into the materialised tables (after hosting it). */
  rematerialise(space: string): number {
    let n = 0;
    const rows = this.db.prepare<[string], OpRow>('SELECT rowid, * FROM ops WHERE space = ? ORDER BY rowid');
    this.db.transaction(() => {
      for (const row of rows.all(space)) {
        const op = toOp(row);
        this.materialise(op, decodePayload(op.kind, op.body), op.rowid);
        n++;
      }
    })();
    return n;
  }

  private store(op: Operation, digest: Uint8Array): number | null {
    const r = this.insertOp.run(op.space, op.author, op.seq, op.hlc, op.kind, op.body, op.sig.length ? op.sig : UNSIGNED, digest);
    return r.changes === 1 ? Number(r.lastInsertRowid) : null;
  }

  private materialise(op: Operation, payload: PayloadOf[OpKind], rowid: number): void {
    this.changes.set(op.space, this.changeCount(op.space) + 1);
    switch (op.kind) {
      case 'record.put':
        return this.records.apply(op, payload as PayloadOf['record.put']);
      case 'doc.update':
        return this.documents.apply(op, payload as PayloadOf['doc.update'], rowid);
      case 'message.post':
        return this.messages.apply(op, payload as PayloadOf['message.post']);
    }
  }
}

function toOp(row: OpRow): StoredOp {
  return {
    rowid: row.rowid,
    space: row.space,
    author: row.author,
    seq: row.seq,
    hlc: row.hlc,
    kind: row.kind,
    body: new Uint8Array(row.body),
    sig: new Uint8Array(row.sig),
  };
}
