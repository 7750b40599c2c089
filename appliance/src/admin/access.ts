/**
 * Who may read and write each admin collection. Every guard runs first in its route,
 * before anything is read (requireSpace answers 401, 404 or 403).
 */
import { requireSpace, type ApiContext } from '../http/index.js';
import type { Account } from '../auth/accounts.js';
import type { Need } from '../spaces/index.js';
import { ForbiddenError } from '../errors/index.js';

export type Guard = (c: ApiContext, space: string) => Account;

export const need =
  (n: Need): Guard =>
  (c, space) =>
    requireSpace(c, space, n).account;

/** The association's admins and its members (not its guests) may read the member list. */
export const memberOrAdmin: Guard = (c, spaceId) => {
  const { account, space } = requireSpace(c, spaceId, 'read');
  const { spaces } = c.get('services');
  if (spaces.roleOf(account.id, spaceId) === 'member' || spaces.can(account, spaceId, 'admin')) return account;
  throw new ForbiddenError(`Seuls les membres de « ${space.name} » peuvent voir la liste des adhérents.`);
};
