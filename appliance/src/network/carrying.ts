/**
 * Carrying for neighbours: the spaces this box's grant says it carries for other sites
 * and does not host, stored apart and never materialised, and the bytes they take
 * against the carrying quota.
 */
import { sql, type Db } from '../db/index.js';
import type { Spaces } from '../spaces/index.js';
import { FEDERATION_SPACE, type Entitlements } from '../federation/index.js';

/** What a box may hold for others by default: 2 GiB. */
export const DEFAULT_CARRY_QUOTA = 2 * 1024 ** 3;

export class Carrying {
  constructor(
    private readonly deps: {
      readonly db: Db;
      readonly siteId: string;
      readonly entitlements: Entitlements;
      readonly spaces: Pick<Spaces, 'hosts'>;
      readonly quotaBytes?: number;
    },
  ) {}

  get quotaBytes(): number {
    return this.deps.quotaBytes ?? DEFAULT_CARRY_QUOTA;
  }

  /** Spaces this box's grant says it carries and that it does not host. */
  spaces(): string[] {
    const grant = this.deps.entitlements.grantOf(this.deps.siteId);
    if (!grant) return [];
    return Object.entries(grant.spaces)
      .filter(([space, role]) => role === 'carry' && !this.deps.spaces.hosts(space))
      .map(([space]) => space);
  }

  carries(space: string): boolean {
    return space !== FEDERATION_SPACE && !this.deps.spaces.hosts(space) && this.spaces().includes(space);
  }

  /** Bytes taken by carried spaces: their operations, and blobs no hosted space points at. */
  bytes(): number {
    const spaces = JSON.stringify(this.spaces());
    const ops = sql<[string], { n: number | null }>(
      this.deps.db,
      'SELECT sum(length(body) + length(sig)) AS n FROM ops WHERE space IN (SELECT value FROM json_each(?))',
    ).get(spaces)?.n ?? 0;
    const blobs = sql<[string, string], { n: number | null }>(
      this.deps.db,
      `SELECT sum(b.size) AS n FROM blobs b
       WHERE EXISTS (SELECT 1 FROM blob_refs r WHERE r.sha256 = b.sha256 AND r.deleted = 0 AND r.space IN (SELECT value FROM json_each(?)))
         AND NOT EXISTS (SELECT 1 FROM blob_refs r WHERE r.sha256 = b.sha256 AND r.deleted = 0 AND r.space NOT IN (SELECT value FROM json_each(?)))`,
    ).get(spaces, spaces)?.n ?? 0;
    return ops + blobs;
  }

  /** Bytes it may still take. */
  room(): number {
    return Math.max(0, this.quotaBytes - this.bytes());
  }
}
