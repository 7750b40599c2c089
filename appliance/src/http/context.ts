/** What every route handler may reach: the box's services and who is calling. */
import type { Context } from 'hono';
import type { Db, WriteQueue } from '../db/index.js';
import type { Clock, Random } from '../clock/index.js';
import type { OpLog } from '../ops/index.js';
import type { Account } from '../auth/accounts.js';
import type { Accounts } from '../auth/accounts.js';
import type { Sessions, Session } from '../auth/sessions.js';
import type { LoginLimiter } from '../auth/limiter.js';
import type { Spaces, Need, Space } from '../spaces/spaces.js';
import type { BlobStore } from '../blobs/index.js';
import type { SiteInfo } from '../setup/site.js';
import type { ResponseCache } from './response-cache.js';
import { UnauthenticatedError } from '../errors/index.js';
import type { Network } from '../network/index.js';
import type { HealthAgent } from '../health/index.js';

export interface Services {
  readonly db: Db;
  readonly log: OpLog;
  readonly clock: Clock;
  readonly random: Random;
  readonly accounts: Accounts;
  readonly sessions: Sessions;
  readonly limiter: LoginLimiter;
  readonly spaces: Spaces;
  readonly blobs: BlobStore;
  readonly site: SiteInfo;
  /** Group commit of the changes routes make (db/write-queue.ts). */
  readonly writes: WriteQueue;
  /** Serialised answers of list routes, per space (http/response-cache.ts). */
  readonly responses: ResponseCache;
  /** Whether the session cookie gets the Secure flag (behind TLS). */
  readonly secureCookies: boolean;
  /** Sync with other sites: libp2p node, sessions, grants, link budget. */
  readonly network: Network;
  /** The box's health agent, when it runs (Appliance option `health`). */
  readonly health?: HealthAgent;
  /** Where releases wait to be installed, and the key they must be signed with (update/). */
  readonly updates: { readonly root: string; readonly dir: string; readonly keyFile: string; readonly version: string };
}

export interface ApiEnv {
  Variables: {
    services: Services;
    account: Account | null;
    session: Session | null;
  };
}

export type ApiContext = Context<ApiEnv>;

export { newRouter } from './router.js';

/** The logged-in account, or a 401. */
export function requireAccount(c: ApiContext): Account {
  const account = c.get('account');
  if (!account) throw new UnauthenticatedError();
  return account;
}

/** The logged-in account and the space, if it may do `need` there; else 401/403/404. */
export function requireSpace(c: ApiContext, spaceId: string, need: Need): { account: Account; space: Space } {
  const account = requireAccount(c);
  return { account, space: c.get('services').spaces.require(account, spaceId, need) };
}

/**
 * Make a change in the box's next group commit (db/write-queue.ts); resolves with its
 * result once it is on the disk. `check` (the route's access check) runs at once, before
 * anything is read, and again inside the commit, so the right to make the change and the
 * change are one atomic step. `change` must be synchronous; a throw in it (or in the
 * second check) rolls back this change alone.
 */
export async function commitChange<A, T>(c: ApiContext, check: () => A, change: (allowed: A) => T): Promise<T> {
  check();
  return c.get('services').writes.run(() => change(check()));
}

/** The author stamp put in an operation's payload. */
export function actorOf(account: Account): { id: string; name: string } {
  return { id: account.id, name: account.displayName };
}
