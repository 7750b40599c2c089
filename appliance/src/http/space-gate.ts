/**
 * The gate in front of every /spaces/{space}/… route: before any parsing or validation,
 * the caller must be logged in and belong to the space (or be the box admin, who manages
 * spaces without reading their content). Each route still checks the exact right it
 * needs (requireSpace); this gate makes sure a stranger to a space learns nothing from
 * it, not even which of their inputs would be valid.
 */
import { ForbiddenError, NotFoundError } from '../errors/index.js';
import { requireAccount, type ApiContext } from './context.js';

/** Throws (401, 404, 403) unless the caller may enter the route's space; nothing for a route without one. */
export function gateSpace(c: ApiContext): void {
  const spaceId = c.req.param('space');
  if (spaceId === undefined) return;
  const account = requireAccount(c);
  const { spaces } = c.get('services');
  const space = spaces.find(spaceId);
  if (!space) throw new NotFoundError(`L'espace « ${spaceId} » est introuvable.`);
  if (!account.boxAdmin && !spaces.can(account, spaceId, 'read')) {
    throw new ForbiddenError(`Vous n'êtes pas membre de l'espace « ${space.name} ».`);
  }
}
