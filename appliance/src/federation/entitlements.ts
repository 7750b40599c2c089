/**
 * What the grants allow, read from this box's replica of "$federation". The sync session
 * and store ask it which spaces a peer may receive and whether an operation's author may
 * write its space. A box that has joined no federation shares nothing.
 */
import { sql, type Db } from '../db/index.js';
import type { Operation } from '../ops/index.js';
import { FEDERATION_SPACE, GRANTS, RELEASES_SPACE, parseGrant, type Grant } from './grants.js';

export class Entitlements {
  constructor(private readonly db: Db) {}

  /** The federation key's id (its operations are the grants), or null before joining. */
  federationId(): string | null {
    return sql<[], { federation_id: string }>(this.db, 'SELECT federation_id FROM federation WHERE one = 1').get()?.federation_id ?? null;
  }

  join(federationId: string, now: number): void {
    const current = this.federationId();
    if (current && current !== federationId) throw new Error(`this box already belongs to federation ${current}`);
    sql(this.db, 'INSERT OR IGNORE INTO federation (one, federation_id, joined_at) VALUES (1, ?, ?)').run(federationId, now);
  }

  grantOf(site: string): Grant | undefined {
    const grant = this.grantRecord(site);
    return grant?.revoked ? undefined : grant;
  }

  /** The site's grant as the federation last wrote it, revoked or not. */
  private grantRecord(site: string): Grant | undefined {
    const row = sql<[string, string, string], { data: string; deleted: number }>(
      this.db,
      'SELECT data, deleted FROM records WHERE space = ? AND coll = ? AND id = ?',
    ).get(FEDERATION_SPACE, GRANTS, site);
    if (!row || row.deleted) return undefined;
    return parseGrant(site, JSON.parse(row.data) as Record<string, unknown>);
  }

  /** Whether the site may hold the space at all (host or carry). */
  mayHold(site: string, space: string): boolean {
    if (space === FEDERATION_SPACE) return this.federationId() !== null && (site === this.federationId() || this.grantOf(site) !== undefined);
    return this.grantOf(site)?.spaces[space] !== undefined;
  }

  /** Whether an operation's author may write its space. */
  mayWrite(op: Pick<Operation, 'author' | 'space'>): boolean {
    const federation = this.federationId();
    if (!federation) return false;
    if (op.space === FEDERATION_SPACE) return op.author === federation;
    if (op.space === RELEASES_SPACE) return false;
    return this.grantOf(op.author)?.spaces[op.space] === 'host';
  }

  /**
   * What this box offers a peer in a sync session: the spaces it holds that both sites are
   * granted, and the grants themselves ("$federation"), offered to any peer the transport
   * authenticated, so two boxes that do not know each other's grant yet learn them in
   * their first session (the grant list is not secret; writing it needs the federation key).
   * Releases ("$releases", blobs only) likewise, to any peer not known to be revoked: a
   * release is public and checked by its own signature, and a neighbour whose grant has not
   * reached this box yet may be the one that holds it.
   */
  offerTo(self: string, peer: string | undefined, held: readonly string[]): string[] {
    if (!this.federationId() || peer === undefined) return [];
    const others = held.filter((space) => space !== FEDERATION_SPACE && space !== RELEASES_SPACE && this.mayHold(self, space) && this.mayHold(peer, space));
    const releases = this.grantRecord(peer)?.revoked ? [] : [RELEASES_SPACE];
    return [FEDERATION_SPACE, ...releases, ...others];
  }
}
