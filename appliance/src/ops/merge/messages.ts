/** Messages: append-only, never merged; readers order them by (hlc, author). */
import type { Db } from '../../db/index.js';
import type { MessagePost, Operation } from '../types.js';

export class MessageMerge {
  private readonly insert;

  constructor(db: Db) {
    this.insert = db.prepare(
      `INSERT OR IGNORE INTO messages (space, id, thread, hlc, author, by_name, subject, body, from_space)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  apply(op: Operation, p: MessagePost): void {
    this.insert.run(op.space, p.id, p.thread, op.hlc, op.author, p.by.name, p.subject, p.body, p.from);
  }
}
