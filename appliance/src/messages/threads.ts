/**
 * Threads within a space. A thread's id is its first message's id, and its subject is
 * that message's. Messages are read from the `messages` table (materialised by the op
 * log) in (hlc, author) order; every write is a 'message.post' through log.commit.
 */
import type { Db } from '../db/index.js';
import type { Actor, OpLog } from '../ops/index.js';
import { newId, parseHlc, type Random } from '../clock/index.js';
import type { MessageView, ThreadSummary } from './schemas.js';

interface MessageRow {
  id: string;
  thread: string;
  hlc: string;
  author: string;
  by_name: string;
  subject: string | null;
  body: string;
  from_space: string | null;
}

interface ThreadRow {
  id: string;
  subject: string | null;
  from_space: string | null;
  last_hlc: string;
  last_by: string;
  count: number;
}

export const wallOf = (hlc: string): number => parseHlc(hlc).wall;

export function toMessageView(r: MessageRow): MessageView {
  return {
    id: r.id,
    thread: r.thread,
    subject: r.subject,
    body: r.body,
    byName: r.by_name,
    at: wallOf(r.hlc),
    hlc: r.hlc,
    site: r.author,
    fromSpace: r.from_space,
  };
}

export interface ThreadDeps {
  readonly db: Db;
  readonly log: OpLog;
  readonly random: Random;
}

export class Threads {
  private readonly listStmt;
  private readonly messagesStmt;
  private readonly existsStmt;

  constructor(private readonly deps: ThreadDeps) {
    const { db } = deps;
    // The root (id = thread) gives subject and origin; a LEFT JOIN because a reply synced
    // from elsewhere may arrive before its thread's first message.
    this.listStmt = db.prepare<[string], ThreadRow>(
      `SELECT m.thread AS id, r.subject AS subject, r.from_space AS from_space,
              max(m.hlc) AS last_hlc, count(*) AS count,
              (SELECT l.by_name FROM messages l WHERE l.space = m.space AND l.thread = m.thread
                ORDER BY l.hlc DESC, l.author DESC LIMIT 1) AS last_by
         FROM messages m LEFT JOIN messages r ON r.space = m.space AND r.id = m.thread
        WHERE m.space = ?
        GROUP BY m.thread
        ORDER BY last_hlc DESC, m.thread`,
    );
    this.messagesStmt = db.prepare<[string, string], MessageRow>(
      `SELECT id, thread, hlc, author, by_name, subject, body, from_space
         FROM messages WHERE space = ? AND thread = ? ORDER BY hlc, author`,
    );
    this.existsStmt = db.prepare<[string, string], { one: number }>('SELECT 1 AS one FROM messages WHERE space = ? AND thread = ? LIMIT 1');
  }

  /** Threads of a space, most recent activity first. */
  list(space: string): ThreadSummary[] {
    return this.listStmt.all(space).map((t) => ({
      id: t.id,
      subject: t.subject,
      lastAt: wallOf(t.last_hlc),
      lastBy: t.last_by,
      count: t.count,
      fromSpace: t.from_space,
    }));
  }

  /** The thread's messages in (hlc, author) order, or undefined if none is here. */
  get(space: string, thread: string): { id: string; subject: string | null; fromSpace: string | null; messages: MessageView[] } | undefined {
    const rows = this.messagesStmt.all(space, thread);
    if (rows.length === 0) return undefined;
    const root = rows.find((r) => r.id === thread);
    return { id: thread, subject: root?.subject ?? null, fromSpace: root?.from_space ?? null, messages: rows.map(toMessageView) };
  }

  exists(space: string, thread: string): boolean {
    return this.existsStmt.get(space, thread) !== undefined;
  }

  /** Start a thread: its first message, whose id becomes the thread's. */
  start(space: string, by: Actor, subject: string, body: string): { thread: ThreadSummary; message: MessageView } {
    const message = this.post(space, { id: newId(this.deps.random), subject, body, by, thread: null });
    return {
      thread: { id: message.id, subject, lastAt: message.at, lastBy: by.name, count: 1, fromSpace: null },
      message,
    };
  }

  /** Answer in a thread the caller has checked exists. */
  reply(space: string, thread: string, by: Actor, body: string): MessageView {
    return this.post(space, { id: newId(this.deps.random), subject: null, body, by, thread });
  }

  private post(space: string, m: { id: string; thread: string | null; subject: string | null; body: string; by: Actor }): MessageView {
    const thread = m.thread ?? m.id;
    const op = this.deps.log.commit(space, 'message.post', { id: m.id, thread, subject: m.subject, body: m.body, from: null, by: m.by });
    return { id: m.id, thread, subject: m.subject, body: m.body, byName: m.by.name, at: wallOf(op.hlc), hlc: op.hlc, site: op.author, fromSpace: null };
  }
}
