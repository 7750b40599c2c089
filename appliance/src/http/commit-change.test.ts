/** commitChange: the access check runs before anything, and again inside the group commit. */
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, WriteQueue, type Db } from '../db/index.js';
import { ForbiddenError } from '../errors/index.js';
import { commitChange, type ApiContext } from './context.js';

const dbs: Db[] = [];
afterEach(() => dbs.splice(0).forEach((d) => d.close()));

function context(): { c: ApiContext; db: Db } {
  const db = openDatabase({ path: ':memory:' });
  dbs.push(db);
  db.exec('CREATE TABLE t (v TEXT)');
  const services = { writes: new WriteQueue(db) };
  return { c: { get: () => services } as unknown as ApiContext, db };
}

describe('commitChange', () => {
  it('refuses at once, writing nothing, when the check fails', async () => {
    const { c, db } = context();
    let ran = false;
    const p = commitChange(c, () => { throw new ForbiddenError('non'); }, () => (ran = true));
    await expect(p).rejects.toBeInstanceOf(ForbiddenError);
    expect(ran).toBe(false);
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 0 });
  });

  it('checks again inside the commit: a right taken away meanwhile stops the change', async () => {
    const { c, db } = context();
    let allowed = true;
    const check = () => {
      if (!allowed) throw new ForbiddenError('Votre rôle ne permet que la lecture.');
      return { who: 'awa' };
    };
    const p = commitChange(c, check, () => db.prepare("INSERT INTO t VALUES ('x')").run());
    // The first check has passed; the role goes before the batch runs.
    allowed = false;
    await expect(p).rejects.toBeInstanceOf(ForbiddenError);
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 0 });
  });

  it('gives the change what the second check returned, and its result once committed', async () => {
    const { c, db } = context();
    const n = await commitChange(c, () => ({ who: 'awa' }), ({ who }) => db.prepare('INSERT INTO t VALUES (?)').run(who).changes);
    expect(n).toBe(1);
    expect(db.prepare('SELECT v FROM t').get()).toEqual({ v: 'awa' });
  });
});
