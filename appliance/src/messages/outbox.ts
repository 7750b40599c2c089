/**
 * Messages from one space to another that may be hosted at another site ("Secours
 * populaire de Givors" writes to "Comité de Koupéla", whose box is in Burkina Faso).
 *
 * Sending commits a 'message.post' in the TARGET space with payload.from = the sender's
 * space. If this box hosts the target, the op log materialises it there at once; if not,
 * the op log only stores it, opaque, until sync carries it to a box that does.
 *
 * Status is derived, not written at send time, so there is nothing to keep in step:
 *   delivered  if this box hosts the target (the message is in its threads), or if the
 *              sync layer has marked it with markDelivered() (a host of the target
 *              holds our ops up to some seq: the outbox_delivery watermark, migration 002);
 *   pending    otherwise.
 * A watermark rather than a row per message, because that is exactly what sync learns: a
 * host's version vector says how far it holds each author's contiguous sequence of messages (its message.post stream).
 */
import type { Db } from '../db/index.js';
import type { Clock, Random } from '../clock/index.js';
import { newId } from '../clock/index.js';
import { decodePayload, type Actor, type OpLog } from '../ops/index.js';
import type { OutboxEntry } from './schemas.js';
import { wallOf } from './threads.js';

export interface OutboxDeps {
  readonly db: Db;
  readonly log: OpLog;
  readonly random: Random;
  readonly clock: Clock;
  /** Whether this box materialises a space. */
  readonly hosts: (space: string) => boolean;
}

interface SentRow {
  space: string;
  seq: number;
  hlc: string;
  body: Buffer;
  through_seq: number | null;
}

export class Outbox {
  private readonly sentStmt;
  private readonly markStmt;

  constructor(private readonly deps: OutboxDeps) {
    // Every message this site authored outside the sender's own space; the payload
    // (decoded below) says which space it was sent from.
    this.sentStmt = deps.db.prepare<[string, string], SentRow>(
      `SELECT o.space, o.seq, o.hlc, o.body, d.through_seq
         FROM ops o LEFT JOIN outbox_delivery d ON d.space = o.space AND d.author = o.author
        WHERE o.author = ? AND o.kind = 'message.post' AND o.space <> ?
        ORDER BY o.hlc DESC, o.rowid DESC`,
    );
    this.markStmt = deps.db.prepare(
      `INSERT INTO outbox_delivery (space, author, through_seq, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (space, author) DO UPDATE SET through_seq = max(through_seq, excluded.through_seq), updated_at = excluded.updated_at`,
    );
  }

  /** Send a new message (its own thread in the target) from one space to another. */
  send(from: string, to: string, by: Actor, subject: string, body: string): OutboxEntry {
    const id = newId(this.deps.random);
    const op = this.deps.log.commit(to, 'message.post', { id, thread: id, subject, body, from, by });
    return { id, to, subject, body, byName: by.name, at: wallOf(op.hlc), status: this.statusOf(to, op.seq, null) };
  }

  /** What a space sent, newest first. */
  list(from: string): OutboxEntry[] {
    const out: OutboxEntry[] = [];
    for (const row of this.sentStmt.iterate(this.deps.log.siteId, from)) {
      const p = decodePayload('message.post', new Uint8Array(row.body));
      if (p.from !== from) continue;
      out.push({
        id: p.id,
        to: row.space,
        subject: p.subject,
        body: p.body,
        byName: p.by.name,
        at: wallOf(row.hlc),
        status: this.statusOf(row.space, row.seq, row.through_seq),
      });
    }
    return out;
  }

  /**
   * For the sync layer: a box that hosts `target` holds this site's operations there up
   * to `throughSeq`. Never moves a watermark back.
   */
  markDelivered(target: string, throughSeq: number): void {
    this.markStmt.run(target, this.deps.log.siteId, throughSeq, this.deps.clock.now());
  }

  private statusOf(target: string, seq: number, throughSeq: number | null): 'pending' | 'delivered' {
    return this.deps.hosts(target) || (throughSeq !== null && seq <= throughSeq) ? 'delivered' : 'pending';
  }
}
