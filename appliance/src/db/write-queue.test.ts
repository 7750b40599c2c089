import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, WriteQueue, type Db } from './index.js';

const open: Array<{ close(): unknown; open?: boolean }> = [];
const dirs: string[] = [];
afterEach(() => {
  open.splice(0).forEach((d) => d.open !== false && d.close());
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});

function setup(): { db: Db; path: string; q: WriteQueue; rows: () => string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'solidaire-wq-'));
  dirs.push(dir);
  const path = join(dir, 'w.db');
  const db = openDatabase({ path });
  open.push(db);
  db.exec('CREATE TABLE t (v TEXT PRIMARY KEY)');
  const rows = () => (db.prepare('SELECT v FROM t ORDER BY v').all() as Array<{ v: string }>).map((r) => r.v);
  return { db, path, q: new WriteQueue(db), rows };
}

const insert = (db: Db, v: string) => () => db.prepare('INSERT INTO t VALUES (?)').run(v).changes;

describe('WriteQueue (group commit)', () => {
  it('puts writes queued together in one transaction, answered after its commit', async () => {
    const { db, path, q, rows } = setup();
    const outside = new Database(path, { readonly: true });
    open.push(outside);
    const seenByOthers: string[][] = [];
    const a = q.run(insert(db, 'a'));
    const b = q.run(() => {
      // 'a' is written but not committed: another connection does not see it yet.
      seenByOthers.push((outside.prepare('SELECT v FROM t').all() as Array<{ v: string }>).map((r) => r.v));
      expect(db.inTransaction).toBe(true);
      return insert(db, 'b')();
    });
    const committed = () => (outside.prepare('SELECT v FROM t ORDER BY v').all() as Array<{ v: string }>).map((r) => r.v);
    // 'a' is answered only once the shared COMMIT (which holds 'b' too) is done.
    const seenWhenAAnswered = a.then(committed);
    expect(await Promise.all([a, b])).toEqual([1, 1]);
    expect(seenByOthers).toEqual([[]]);
    expect(await seenWhenAAnswered).toEqual(['a', 'b']);
  });

  it('rolls back a failing write alone', async () => {
    const { db, q, rows } = setup();
    const results = await Promise.allSettled([
      q.run(insert(db, 'a')),
      q.run(() => {
        insert(db, 'perdu')();
        throw new Error('refusé');
      }),
      q.run(insert(db, 'c')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason.message).toBe('refusé');
    expect(rows()).toEqual(['a', 'c']);
  });

  it('fails every write of a batch whose transaction SQLite ended, and commits none', async () => {
    const { db, q, rows } = setup();
    const results = await Promise.allSettled([
      q.run(insert(db, 'a')),
      q.run(() => {
        // What SQLite does by itself on some errors (disk full, I/O error): the whole
        // transaction is gone. A write run after this would be committed on its own.
        db.exec('ROLLBACK');
        throw new Error('disque plein');
      }),
      q.run(insert(db, 'c')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect((results[1] as PromiseRejectedResult).reason.message).toBe('disque plein');
    expect((results[2] as PromiseRejectedResult).reason.message).toBe('disque plein');
    expect(rows()).toEqual([]);
    expect(db.inTransaction).toBe(false);
    // The queue goes on working.
    expect(await q.run(insert(db, 'd'))).toBe(1);
    expect(rows()).toEqual(['d']);
  });

  it('refuses a write that returns a promise (it would escape the transaction)', async () => {
    const { db, q, rows } = setup();
    await expect(q.run(async () => insert(db, 'a')())).rejects.toThrow(/synchronous/);
    expect(rows()).toEqual([]);
  });

  it('splits a large burst into batches of at most maxBatch', async () => {
    const { db, path, rows } = setup();
    const outside = new Database(path, { readonly: true });
    open.push(outside);
    const q = new WriteQueue(db, 4);
    // What is committed stays the same within a batch and moves between batches.
    const committedWhenRun: number[] = [];
    const writes = Array.from({ length: 10 }, (_, i) =>
      q.run(() => {
        committedWhenRun.push((outside.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n);
        return insert(db, String(i).padStart(2, '0'))();
      }),
    );
    await Promise.all(writes);
    expect(committedWhenRun).toEqual([0, 0, 0, 0, 4, 4, 4, 4, 8, 8]);
    expect(rows()).toHaveLength(10);
  });

  it('commits what is queued when stopped, then refuses', async () => {
    const { db, q, rows } = setup();
    const pending = q.run(insert(db, 'a'));
    q.stop();
    expect(rows()).toEqual(['a']);
    expect(await pending).toBe(1);
    await expect(q.run(insert(db, 'b'))).rejects.toThrow(/stopped/);
  });
});
