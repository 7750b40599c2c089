/**
 * The gate in front of every /spaces/{space}/… route: before any parsing or validation,
 * the caller must be logged in and belong to the space (or be the box admin, who manages
 * spaces without reading their content). Each route still checks the exact right it
 * needs (requireSpace); this gate makes sure a stranger to a space learns nothing from
 * it, not even which of their inputs would be valid.
 */
import type { MiddlewareHandler } from 'hono';
import { ForbiddenError, NotFoundError } from '../errors/index.js';
import { requireAccount, type ApiEnv } from './context.js';

export function spaceGate(): MiddlewareHandler<ApiEnv> {
  // Not async: it returns the next layer's promise rather than awaiting it (one hop less).
  return (c, next) => {
    const spaceId = c.req.param('space');
    if (spaceId === undefined) return next();
    const account = requireAccount(c);
    const { spaces } = c.get('services');
    const space = spaces.find(spaceId);
    if (!space) throw new NotFoundError(`L'espace « ${spaceId} » est introuvable.`);
    if (!account.boxAdmin && !spaces.can(account, spaceId, 'read')) {
      throw new ForbiddenError(`Vous n'êtes pas membre de l'espace « ${space.name} ».`);
    }
    return next();
  };
}
