/**
 * What the power-cut and fault tests assert about a database a box left (killed or
 * stopped): that it is sound, that every write the server acknowledged is in it (table
 * and op log), and that the op log and the tables agree.
 */
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { systemClock } from '../../appliance/src/clock/index.js';
import { decodePayload, replayDigest, stateDigest } from '../../appliance/src/ops/index.js';
import { FEDERATION_SPACE } from '../../appliance/src/federation/index.js';

export const DB_FILE = 'solidaire.db';

/** What the server acknowledged (a 201 reached the client) and what was ever sent. */
export interface Acknowledged {
  /** `space/id` of every message whose 201 arrived. */
  readonly messages: Iterable<string>;
  /** `space/id` → text of every document whose 201 arrived. */
  readonly documents?: ReadonlyMap<string, string>;
  /** Every message body the client sent, acknowledged or not: nothing else may be stored. */
  readonly sentBodies?: ReadonlySet<string>;
}

export interface CheckResult {
  readonly problems: string[];
  readonly ops: number;
  readonly messages: number;
}

/**
 * Copy the database file and its WAL as the crash left them (not the -shm index, which a
 * reboot would not trust either) so that opening the copy read-write recovers the WAL
 * exactly as the next start will, while the original stays untouched for that start.
 */
export function copyAsLeft(dataDir: string, into: string): string {
  const src = join(dataDir, DB_FILE);
  const dst = join(into, DB_FILE);
  copyFileSync(src, dst);
  if (existsSync(`${src}-wal`)) copyFileSync(`${src}-wal`, `${dst}-wal`);
  return dst;
}

export function checkDatabase(path: string, acked: Acknowledged): CheckResult {
  const problems: string[] = [];
  let db: Database.Database;
  try {
    db = new Database(path, { fileMustExist: true });
  } catch (e) {
    return { problems: [`cannot open the database: ${(e as Error).message}`], ops: 0, messages: 0 };
  }
  try {
    let integrity: string[];
    try {
      integrity = (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((r) => r.integrity_check);
    } catch (e) {
      return { problems: [`integrity_check failed: ${(e as Error).message}`], ops: 0, messages: 0 };
    }
    // On a damaged file nothing further means anything.
    if (integrity.length !== 1 || integrity[0] !== 'ok') return { problems: [`integrity_check: ${integrity.slice(0, 5).join('; ')}`], ops: 0, messages: 0 };

    const inTable = new Set(db.prepare<[], { k: string }>("SELECT space || '/' || id AS k FROM messages").all().map((r) => r.k));
    const inLog = new Set<string>();
    let ops = 0;
    for (const op of db.prepare<[], { space: string; kind: string; body: Buffer }>('SELECT space, kind, body FROM ops').iterate()) {
      ops++;
      if (op.kind === 'message.post') inLog.add(`${op.space}/${decodePayload('message.post', new Uint8Array(op.body)).id}`);
    }
    const missing = (label: string, ids: Iterable<string>, where: Set<string>) => {
      const lost = [...ids].filter((k) => !where.has(k));
      if (lost.length) problems.push(`${lost.length} acknowledged ${label}: ${lost.slice(0, 3).join(', ')}`);
    };
    missing('messages missing from the messages table', acked.messages, inTable);
    missing('messages missing from the op log', acked.messages, inLog);

    if (acked.documents) {
      const texts = new Map(
        db.prepare<[], { k: string; text: string }>("SELECT space || '/' || doc AS k, text FROM doc_states").all().map((r) => [r.k, r.text]),
      );
      const titles = new Set(
        db.prepare<[], { k: string }>("SELECT space || '/' || id AS k FROM records WHERE coll = 'documents' AND deleted = 0").all().map((r) => r.k),
      );
      const docsInLog = new Set<string>();
      for (const op of db.prepare<[], { space: string; body: Buffer }>("SELECT space, body FROM ops WHERE kind = 'doc.update'").iterate()) {
        docsInLog.add(`${op.space}/${decodePayload('doc.update', new Uint8Array(op.body)).doc}`);
      }
      const keys = [...acked.documents.keys()];
      missing('documents missing from doc_states', keys, new Set(texts.keys()));
      missing('documents missing their title record', keys, titles);
      missing('documents missing from the op log', keys, docsInLog);
      const wrong = keys.filter((k) => texts.has(k) && texts.get(k) !== acked.documents!.get(k));
      if (wrong.length) problems.push(`${wrong.length} acknowledged documents hold another text: ${wrong.slice(0, 3).join(', ')}`);
    }

    if (acked.sentBodies) {
      const strangers = db
        .prepare<[], { body: string }>('SELECT body FROM messages')
        .all()
        .filter((r) => !acked.sentBodies!.has(r.body));
      if (strangers.length) problems.push(`${strangers.length} stored messages were never sent: ${strangers[0]!.body.slice(0, 40)}`);
    }

    const state = stateDigest(db);
    let replayed: string;
    try {
      // A box materialises its federation's grants as well as the spaces it hosts.
      replayed = replayDigest(db, systemClock, undefined, (s) => s === FEDERATION_SPACE);
    } catch (e) {
      replayed = `replay failed: ${(e as Error).message}`;
    }
    if (replayed !== state) problems.push(`the op log and the tables disagree (tables ${state.slice(0, 12)}, replay ${replayed.slice(0, 40)})`);
    return { problems, ops, messages: inTable.size };
  } finally {
    db.close();
  }
}
