import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from './index.js';

const dirs: string[] = [];
const scratch = () => {
  const d = mkdtempSync(join(tmpdir(), 'solidaire-db-'));
  dirs.push(d);
  return join(d, 'x.db');
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('openDatabase', () => {
  it('opens a box’s database durable (WAL, fsync at commit) with a 2 MB page cache', () => {
    const db = openDatabase({ path: scratch() });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.pragma('cache_size', { simple: true })).toBe(-2000);
    db.close();
  });

  it('takes a larger page cache when asked (the relay’s), and refuses a size that is not one', () => {
    const db = openDatabase({ path: scratch(), pageCacheKib: 4000 });
    expect(db.pragma('cache_size', { simple: true })).toBe(-4000);
    db.close();
    for (const bad of [0, -5, 1.5, Number.NaN]) expect(() => openDatabase({ path: scratch(), pageCacheKib: bad })).toThrow(/pageCacheKib/);
  });
});
