/**
 * Spaces hosted on this box and who may do what in each. One space per association plus
 * "commons", the shared information base every account can read.
 *
 *   need     association space          commons
 *   read     guest, member, admin       every account
 *   write    member, admin              every account that is a member somewhere, box admins
 *   admin    admin                      box admins, admins of the commons
 *
 * A box admin manages accounts and spaces but reads no association's private work
 * unless given a role in it (FIELD.md: associations must not see each other's work).
 *
 * Every request asks for a space and the caller's roles: both are held in memos
 * (db/memo.ts) that each write here forgets.
 */
import { MemoMap, sql, type Db } from '../db/index.js';
import type { Clock } from '../clock/index.js';
import type { Account, Role } from '../auth/accounts.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors/index.js';

export const COMMONS = 'commons';
export type Need = 'read' | 'write' | 'admin';

export interface Space {
  readonly id: string;
  readonly name: string;
  readonly kind: 'commons' | 'association';
  readonly quotaBytes: number;
}

interface SpaceRow {
  id: string;
  name: string;
  kind: 'commons' | 'association';
  quota_bytes: number;
}

const toSpace = (r: SpaceRow): Space => ({ id: r.id, name: r.name, kind: r.kind, quotaBytes: r.quota_bytes });

export const DEFAULT_QUOTA_BYTES = 2 * 1024 ** 3;

export class Spaces {
  private readonly hostsStmt;
  private readonly spaces: MemoMap<string, Space | undefined>;
  /** Account id → its role in each space where it has one. */
  private readonly roles: MemoMap<string, ReadonlyMap<string, Role>>;

  constructor(private readonly deps: { db: Db; clock: Clock }) {
    this.hostsStmt = sql<[string], { one: number }>(deps.db, 'SELECT 1 AS one FROM spaces WHERE id = ?');
    this.spaces = new MemoMap(deps.db, 1_000);
    this.roles = new MemoMap(deps.db, 1_000);
  }

  /** Whether this box materialises the space (asked inside transactions: no cache). */
  hosts(id: string): boolean {
    return this.hostsStmt.get(id) !== undefined;
  }

  list(): Space[] {
    return sql<[], SpaceRow>(this.deps.db, "SELECT * FROM spaces ORDER BY kind = 'association', name").all().map(toSpace);
  }

  find(id: string): Space | undefined {
    return this.spaces.get(id, () => {
      const row = sql<[string], SpaceRow>(this.deps.db, 'SELECT * FROM spaces WHERE id = ?').get(id);
      return row ? toSpace(row) : undefined;
    });
  }

  create(s: { id: string; name: string; kind?: Space['kind']; quotaBytes?: number }): Space {
    const kind = s.kind ?? (s.id === COMMONS ? 'commons' : 'association');
    this.spaces.forget(s.id);
    try {
      sql(this.deps.db, 'INSERT INTO spaces (id, name, kind, quota_bytes, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(s.id, s.name, kind, s.quotaBytes ?? DEFAULT_QUOTA_BYTES, this.deps.clock.now());
    } catch (e) {
      if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new ConflictError(`L'espace « ${s.id} » existe déjà.`, 'space_exists');
      throw e;
    }
    return this.find(s.id)!;
  }

  update(id: string, change: { name?: string; quotaBytes?: number }): Space {
    if (!this.find(id)) throw new NotFoundError(`L'espace « ${id} » est introuvable.`);
    this.spaces.forget(id);
    if (change.name !== undefined) sql(this.deps.db, 'UPDATE spaces SET name = ? WHERE id = ?').run(change.name, id);
    if (change.quotaBytes !== undefined) sql(this.deps.db, 'UPDATE spaces SET quota_bytes = ? WHERE id = ?').run(change.quotaBytes, id);
    return this.find(id)!;
  }

  roleOf(accountId: string, spaceId: string): Role | undefined {
    return this.roleMap(accountId).get(spaceId);
  }

  rolesOf(accountId: string): Array<{ spaceId: string; role: Role }> {
    return [...this.roleMap(accountId)].map(([spaceId, role]) => ({ spaceId, role }));
  }

  members(spaceId: string): Array<{ accountId: string; role: Role }> {
    return sql<[string], { account_id: string; role: Role }>(this.deps.db, 'SELECT account_id, role FROM space_roles WHERE space_id = ?')
      .all(spaceId)
      .map((r) => ({ accountId: r.account_id, role: r.role }));
  }

  setRole(accountId: string, spaceId: string, role: Role | null): void {
    this.roles.forget(accountId);
    if (role === null) {
      sql(this.deps.db, 'DELETE FROM space_roles WHERE account_id = ? AND space_id = ?').run(accountId, spaceId);
    } else {
      sql(this.deps.db, 'INSERT INTO space_roles (account_id, space_id, role) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET role = excluded.role')
        .run(accountId, spaceId, role);
    }
  }

  /** What the account may do in the space, or why not. */
  can(account: Account, spaceId: string, need: Need): boolean {
    const space = this.find(spaceId);
    return space !== undefined && this.allows(account, space, need);
  }

  /** Throws unless the account may do `need` in the space; returns the space. */
  require(account: Account, spaceId: string, need: Need): Space {
    const space = this.find(spaceId);
    if (!space) throw new NotFoundError(`L'espace « ${spaceId} » est introuvable.`);
    if (!this.allows(account, space, need)) {
      throw new ForbiddenError(
        need === 'read'
          ? `Vous n'êtes pas membre de l'espace « ${space.name} ».`
          : need === 'write'
            ? `Votre rôle dans « ${space.name} » ne permet que la lecture.`
            : `Seuls les responsables de « ${space.name} » peuvent faire cela.`,
      );
    }
    return space;
  }

  private allows(account: Account, space: Space, need: Need): boolean {
    const role = this.roleOf(account.id, space.id);
    if (space.kind === 'commons') {
      if (need === 'read') return true;
      if (need === 'write') return account.boxAdmin || role === 'admin' || role === 'member' || this.isMemberSomewhere(account.id);
      return account.boxAdmin || role === 'admin';
    }
    if (!role) return false;
    if (need === 'read') return true;
    if (need === 'write') return role === 'member' || role === 'admin';
    return role === 'admin';
  }

  /** Spaces the account can read. */
  visibleTo(account: Account): Space[] {
    return this.list().filter((s) => this.can(account, s.id, 'read'));
  }

  private isMemberSomewhere(accountId: string): boolean {
    for (const role of this.roleMap(accountId).values()) if (role === 'member' || role === 'admin') return true;
    return false;
  }

  private roleMap(accountId: string): ReadonlyMap<string, Role> {
    return this.roles.get(accountId, () =>
      new Map(
        sql<[string], { space_id: string; role: Role }>(this.deps.db, 'SELECT space_id, role FROM space_roles WHERE account_id = ? ORDER BY space_id')
          .all(accountId)
          .map((r) => [r.space_id, r.role]),
      ),
    );
  }
}
