/**
 * A digest of the state a replica shows: records, document texts and messages, in a
 * canonical order. Two replicas with the same operations have the same digest; a replica
 * whose tables were rebuilt from its own op log has the digest it had (the op log and
 * the tables agree). Local-only tables (accounts, sessions) are not part of it.
 */
import { createHash } from 'node:crypto';
import { openDatabase, type Db } from '../db/index.js';
import { generateSiteKey } from '../identity/index.js';
import type { Clock } from '../clock/index.js';
import { OpLog } from './log.js';
import type { RecordObserver } from './merge/records.js';
import type { OpKind, Operation } from './types.js';

function canonical(value: unknown): string {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function stateDigest(db: Db, spaces?: readonly string[]): string {
  const h = createHash('sha256');
  const only = spaces ? new Set(spaces) : null;
  const keep = (space: string) => !only || only.has(space);
  for (const r of db.prepare<[], { space: string; coll: string; id: string; data: string; deleted: number }>(
    'SELECT space, coll, id, data, deleted FROM records ORDER BY space, coll, id',
  ).iterate()) {
    if (keep(r.space)) h.update(`R${r.space}\0${r.coll}\0${r.id}\0${r.deleted}\0${canonical(JSON.parse(r.data))}\n`);
  }
  for (const d of db.prepare<[], { space: string; doc: string; text: string }>('SELECT space, doc, text FROM doc_states ORDER BY space, doc').iterate()) {
    if (keep(d.space)) h.update(`D${d.space}\0${d.doc}\0${d.text}\n`);
  }
  for (const m of db.prepare<[], Record<string, string | null>>(
    'SELECT space, id, thread, hlc, author, by_name, subject, body, from_space FROM messages ORDER BY space, id',
  ).iterate()) {
    if (keep(m.space!)) h.update(`M${canonical(m)}\n`);
  }
  return h.digest('hex');
}

/**
 * Rebuild the materialised tables from the op log alone, in a fresh in-memory database,
 * verifying every signature on the way, and return that state's digest. The spaces of the
 * `spaces` table are materialised, and those `alsoHosts` names (a box materialises its
 * federation's grants too: federation/hostsWithGrants).
 */
export function replayDigest(
  db: Db,
  clock: Clock,
  observers?: (db: Db) => ReadonlyMap<string, RecordObserver[]>,
  alsoHosts?: (space: string) => boolean,
): string {
  const fresh = openDatabase({ path: ':memory:' });
  try {
    const spaces = db.prepare<[], { id: string; name: string; kind: string; quota_bytes: number; created_at: number }>('SELECT * FROM spaces').all();
    const insertSpace = fresh.prepare('INSERT INTO spaces (id, name, kind, quota_bytes, created_at) VALUES (?, ?, ?, ?, ?)');
    for (const s of spaces) insertSpace.run(s.id, s.name, s.kind, s.quota_bytes, s.created_at);
    const hosted = new Set(spaces.map((s) => s.id));
    const log = new OpLog({
      db: fresh,
      key: generateSiteKey(),
      clock,
      hosts: (s) => hosted.has(s) || (alsoHosts?.(s) ?? false),
      ...(observers ? { observers: observers(fresh) } : {}),
    });
    // Stream by stream, each run up to the signature that proves it.
    const rows = db.prepare<[], { space: string; author: string; seq: number; hlc: string; kind: OpKind; body: Buffer; sig: Buffer }>(
      'SELECT space, author, seq, hlc, kind, body, sig FROM ops ORDER BY space, author, kind, seq',
    );
    let run: Operation[] = [];
    for (const r of rows.iterate()) {
      const op: Operation = { space: r.space, author: r.author, seq: r.seq, hlc: r.hlc, kind: r.kind, body: new Uint8Array(r.body), sig: new Uint8Array(r.sig) };
      run.push(op);
      if (op.sig.length > 0) {
        log.receiveAll(run);
        run = [];
      }
    }
    if (run.length) log.receiveAll(run);
    return stateDigest(fresh);
  } finally {
    fresh.close();
  }
}
