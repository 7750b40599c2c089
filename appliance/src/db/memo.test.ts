import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoMap, openDatabase, revalidateMemos, type Db } from './index.js';

const open: Array<{ close(): unknown }> = [];
const dirs: string[] = [];
afterEach(() => {
  open.splice(0).forEach((d) => d.close());
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});

function fileDb(): { db: Db; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'solidaire-memo-'));
  dirs.push(dir);
  const path = join(dir, 'm.db');
  const db = openDatabase({ path });
  open.push(db);
  db.exec('CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT)');
  db.prepare("INSERT INTO kv VALUES ('a', 'un')").run();
  return { db, path };
}

const reader = (db: Db) => {
  let loads = 0;
  const load = (k: string) => {
    loads++;
    return (db.prepare('SELECT v FROM kv WHERE k = ?').get(k) as { v: string } | undefined)?.v;
  };
  return { load, loads: () => loads };
};

describe('MemoMap', () => {
  it('reads once, then from memory until forgotten', () => {
    const { db } = fileDb();
    const memo = new MemoMap<string, string | undefined>(db);
    const r = reader(db);
    expect(memo.get('a', r.load)).toBe('un');
    expect(memo.get('a', r.load)).toBe('un');
    expect(r.loads()).toBe(1);
    db.prepare("UPDATE kv SET v = 'deux' WHERE k = 'a'").run();
    memo.forget('a');
    expect(memo.get('a', r.load)).toBe('deux');
  });

  it('keeps nothing read inside a transaction', () => {
    const { db } = fileDb();
    const memo = new MemoMap<string, string | undefined>(db);
    const r = reader(db);
    expect(() =>
      db.transaction(() => {
        db.prepare("UPDATE kv SET v = 'jamais' WHERE k = 'a'").run();
        expect(memo.get('a', r.load)).toBe('jamais');
        throw new Error('rollback');
      })(),
    ).toThrow('rollback');
    expect(memo.get('a', r.load)).toBe('un');
    expect(memo.size).toBe(1);
  });

  it('forgets everything when another connection commits', () => {
    const { db, path } = fileDb();
    const memo = new MemoMap<string, string | undefined>(db);
    const r = reader(db);
    expect(memo.get('a', r.load)).toBe('un');
    revalidateMemos(db);
    expect(memo.size).toBe(1);
    const other = new Database(path);
    open.push(other);
    other.prepare("UPDATE kv SET v = 'ailleurs' WHERE k = 'a'").run();
    revalidateMemos(db);
    expect(memo.size).toBe(0);
    expect(memo.get('a', r.load)).toBe('ailleurs');
  });

  it('with a cadence, looks at most every everyMs of the caller\'s clock, and at once after the clock was set back', () => {
    const { db, path } = fileDb();
    const memo = new MemoMap<string, string | undefined>(db);
    const r = reader(db);
    const every = { everyMs: 50 };
    revalidateMemos(db, { now: 1_000, ...every });
    expect(memo.get('a', r.load)).toBe('un');
    const other = new Database(path);
    open.push(other);
    other.prepare("UPDATE kv SET v = 'ailleurs' WHERE k = 'a'").run();
    revalidateMemos(db, { now: 1_049, ...every });
    expect(memo.get('a', r.load)).toBe('un');
    revalidateMemos(db, { now: 1_050, ...every });
    expect(memo.get('a', r.load)).toBe('ailleurs');
    other.prepare("UPDATE kv SET v = 'encore' WHERE k = 'a'").run();
    revalidateMemos(db, { now: 900, ...every });
    expect(memo.get('a', r.load)).toBe('encore');
  });

  it('holds at most max entries, dropping the oldest', () => {
    const { db } = fileDb();
    const memo = new MemoMap<number, number>(db, 3);
    for (let i = 0; i < 5; i++) memo.get(i, (k) => k * 10);
    expect(memo.size).toBe(3);
    let loaded = false;
    expect(memo.get(0, () => ((loaded = true), 0))).toBe(0);
    expect(loaded).toBe(true);
    expect(memo.get(4, () => -1)).toBe(40);
  });

  it('sees every commit of another process, across checkpoints, and asks SQLite only then', () => {
    const { db, path } = fileDb();
    // Count the data_version reads (the memo's costly question).
    let asked = 0;
    const prepare = db.prepare.bind(db);
    db.prepare = ((text: string) => {
      const st = prepare(text);
      if (text !== 'PRAGMA data_version') return st;
      const get = st.get.bind(st) as () => unknown;
      st.get = (() => {
        asked++;
        return get();
      }) as typeof st.get;
      return st;
    }) as typeof db.prepare;
    const memo = new MemoMap<string, string | undefined>(db);
    const r = reader(db);
    const fromOtherProcess = (sqlText: string) =>
      execFileSync(process.execPath, ['-e', `const D = require('better-sqlite3'); const d = new D(process.argv[1]); d.pragma('busy_timeout = 5000'); d.exec(process.argv[2]); d.close();`, path, sqlText], {
        cwd: import.meta.dirname,
      });

    expect(memo.get('a', r.load)).toBe('un');
    const before = asked;
    for (let i = 0; i < 100; i++) revalidateMemos(db);
    expect(asked).toBe(before);
    expect(memo.size).toBe(1);

    for (const [i, step] of ['plain', 'after our own commit', 'after a checkpoint', 'after a truncating checkpoint'].entries()) {
      if (step === 'after our own commit') db.prepare("INSERT INTO kv VALUES ('n', 'nous')").run();
      if (step === 'after a checkpoint') db.pragma('wal_checkpoint(PASSIVE)');
      if (step === 'after a truncating checkpoint') db.pragma('wal_checkpoint(TRUNCATE)');
      revalidateMemos(db);
      memo.get('a', r.load);
      expect(memo.size, step).toBe(1);
      fromOtherProcess(`UPDATE kv SET v = 'ailleurs ${i}' WHERE k = 'a'`);
      revalidateMemos(db);
      expect(memo.size, step).toBe(0);
      expect(memo.get('a', r.load), step).toBe(`ailleurs ${i}`);
    }
  });

  it('does nothing for a database already closed', () => {
    const { db } = fileDb();
    const memo = new MemoMap<string, string | undefined>(db);
    memo.get('a', reader(db).load);
    revalidateMemos(db);
    db.close();
    expect(() => revalidateMemos(db)).not.toThrow();
    expect(() => revalidateMemos(db)).not.toThrow();
  });
});
