/**
 * Grants: which site may hold which space, and how. A grant is a record of the space
 * "$federation" (collection "grants", id = the site's id), authored and signed by the
 * federation key, so it replicates, merges (last writer wins) and verifies like any other
 * operation. No route can name "$federation": space ids in the API cannot start with "$".
 *
 *   host   the site shows the space in its workspace and may write to it
 *   carry  the site stores the space's operations, opaque, to pass them on (the mesh, the hub)
 */
import { z } from 'zod';

export const FEDERATION_SPACE = '$federation';
/**
 * Signed releases travel as blobs of this space (update/delivery.ts). It has no
 * operations and no one may write to it: a box names the release it wants (the relay's
 * notice, a USB stick) in its blob references, and any peer that holds it serves it.
 */
export const RELEASES_SPACE = '$releases';
export const GRANTS = 'grants';

export type GrantRole = 'host' | 'carry';

export const grantSpacesSchema = z.record(z.string().min(1).max(64), z.enum(['host', 'carry']));
export type GrantSpaces = z.infer<typeof grantSpacesSchema>;

export interface Grant {
  readonly site: string;
  readonly name: string;
  readonly spaces: GrantSpaces;
  readonly revoked: boolean;
}

/** Record fields of a grant (record fields are scalars: the spaces map is JSON text). */
export function grantFields(g: { name: string; spaces: GrantSpaces; revoked?: boolean }): Record<string, string | boolean> {
  return { name: g.name, spaces: JSON.stringify(g.spaces), revoked: g.revoked ?? false };
}

export function parseGrant(site: string, data: Record<string, unknown>): Grant {
  let spaces: GrantSpaces = {};
  try {
    const parsed = grantSpacesSchema.safeParse(JSON.parse(String(data.spaces ?? '{}')));
    if (parsed.success) spaces = parsed.data;
  } catch {
    // A malformed grant grants nothing.
  }
  return { site, name: typeof data.name === 'string' ? data.name : site, spaces, revoked: data.revoked === true };
}

/** A box materialises the grants as well as the spaces it hosts: they say who may hold what. */
export function hostsWithGrants(hosts: (space: string) => boolean): (space: string) => boolean {
  return (space) => space === FEDERATION_SPACE || hosts(space);
}
