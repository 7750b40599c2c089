/**
 * Local accounts: they live on this box only and work with no link at all. Every request
 * reads its caller's account: accounts are held in a memo (db/memo.ts) that each write
 * here forgets.
 */
import { MemoMap, sql, type Db } from '../db/index.js';
import { newId, type Clock, type Random } from '../clock/index.js';
import { ConflictError, NotFoundError } from '../errors/index.js';
import { hashPassword } from './passwords.js';
import type { Sessions } from './sessions.js';

export type Role = 'admin' | 'member' | 'guest';

export interface Account {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly boxAdmin: boolean;
  readonly disabled: boolean;
}

interface AccountRow {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  box_admin: number;
  disabled: number;
}

export interface NewAccount {
  readonly username: string;
  readonly displayName: string;
  readonly password: string;
  readonly boxAdmin?: boolean;
}

export interface PreparedAccount extends NewAccount {
  readonly passwordHash: string;
}

export class Accounts {
  private readonly memo: MemoMap<string, Account | undefined>;

  constructor(private readonly deps: { db: Db; clock: Clock; random: Random; sessions: Pick<Sessions, 'revokeAll'> }) {
    this.memo = new MemoMap(deps.db, 10_000);
  }

  async create(a: NewAccount): Promise<Account> {
    return this.insert(await this.prepare(a));
  }

  /** Hash the password (the slow, async part) so the insert can run inside a transaction. */
  async prepare(a: NewAccount): Promise<PreparedAccount> {
    return { ...a, passwordHash: await hashPassword(a.password, this.deps.random) };
  }

  insert(a: PreparedAccount): Account {
    const hash = a.passwordHash;
    const id = newId(this.deps.random);
    this.memo.forget(id);
    try {
      sql(this.deps.db, 'INSERT INTO accounts (id, username, display_name, password_hash, box_admin, created_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(id, a.username, a.displayName, hash, a.boxAdmin ? 1 : 0, this.deps.clock.now());
    } catch (e) {
      if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new ConflictError(`Le nom d'utilisateur « ${a.username} » est déjà pris.`, 'username_taken');
      }
      throw e;
    }
    return this.get(id);
  }

  get(id: string): Account {
    const account = this.memo.get(id, () => {
      const row = sql<[string], AccountRow>(this.deps.db, 'SELECT * FROM accounts WHERE id = ?').get(id);
      return row ? toAccount(row) : undefined;
    });
    if (!account) throw new NotFoundError('Ce compte est introuvable.');
    return account;
  }

  /** The account and its password hash, for login. */
  findForLogin(username: string): { account: Account; passwordHash: string } | undefined {
    const row = sql<[string], AccountRow>(this.deps.db, 'SELECT * FROM accounts WHERE username = ?').get(username);
    return row ? { account: toAccount(row), passwordHash: row.password_hash } : undefined;
  }

  list(): Account[] {
    return sql<[], AccountRow>(this.deps.db, 'SELECT * FROM accounts ORDER BY display_name').all().map(toAccount);
  }

  count(): number {
    return (sql(this.deps.db, 'SELECT count(*) AS n FROM accounts').get() as { n: number }).n;
  }

  async update(id: string, change: { displayName?: string; password?: string; disabled?: boolean; boxAdmin?: boolean }): Promise<Account> {
    this.get(id);
    const hash = change.password === undefined ? undefined : await hashPassword(change.password, this.deps.random);
    const db = this.deps.db;
    this.memo.forget(id);
    db.transaction(() => {
      if (change.displayName !== undefined) sql(db, 'UPDATE accounts SET display_name = ? WHERE id = ?').run(change.displayName, id);
      if (hash !== undefined) {
        sql(db, 'UPDATE accounts SET password_hash = ? WHERE id = ?').run(hash, id);
        this.deps.sessions.revokeAll(id);
      }
      if (change.disabled !== undefined) {
        sql(db, 'UPDATE accounts SET disabled = ? WHERE id = ?').run(change.disabled ? 1 : 0, id);
        if (change.disabled) this.deps.sessions.revokeAll(id);
      }
      if (change.boxAdmin !== undefined) sql(db, 'UPDATE accounts SET box_admin = ? WHERE id = ?').run(change.boxAdmin ? 1 : 0, id);
    })();
    return this.get(id);
  }
}

function toAccount(row: AccountRow): Account {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    boxAdmin: row.box_admin === 1,
    disabled: row.disabled === 1,
  };
}
