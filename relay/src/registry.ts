/**
 * The relay's registry of sites: created by a relay admin, enrolled once by the box that
 * proves it holds its site key, revoked at once. Tokens and MQTT passwords are kept only
 * as SHA-256 hashes (they are long random strings: a hash is enough, and a stolen
 * database gives no way in).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { sql, type Db } from '@solidaire/appliance/db';
import type { Clock, Random } from '@solidaire/appliance/clock';
import { newId } from '@solidaire/appliance/clock';
import { verifySignature, publicKeyOf } from '@solidaire/appliance/identity';
import { grantSpacesSchema, type GrantSpaces } from '@solidaire/appliance/federation';
import { enrollProof, type EnrollRequest } from '@solidaire/appliance/relay-link';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '@solidaire/appliance/errors';

export interface Site {
  readonly id: string;
  readonly name: string;
  readonly spaces: GrantSpaces;
  /** The box's site id once enrolled. */
  readonly siteKey: string | null;
  readonly createdAt: number;
  readonly enrolledAt: number | null;
  readonly revokedAt: number | null;
  /** When the enrollment token stops working (null once used). */
  readonly tokenExpires: number | null;
}

interface Row {
  id: string;
  name: string;
  spaces: string;
  site_key: string | null;
  token_hash: string | null;
  token_expires: number | null;
  secret_hash: string | null;
  created_at: number;
  enrolled_at: number | null;
  revoked_at: number | null;
}

/** How long an enrollment file works: time enough to carry it to Mali on a USB stick. */
export const TOKEN_LIFETIME_MS = 30 * 24 * 3600 * 1000;

const hash = (s: string) => createHash('sha256').update(s).digest('hex');

function toSite(r: Row): Site {
  return {
    id: r.id,
    name: r.name,
    spaces: grantSpacesSchema.parse(JSON.parse(r.spaces)),
    siteKey: r.site_key,
    createdAt: r.created_at,
    enrolledAt: r.enrolled_at,
    revokedAt: r.revoked_at,
    tokenExpires: r.token_hash ? r.token_expires : null,
  };
}

export class SiteRegistry {
  constructor(private readonly deps: { db: Db; clock: Clock; random: Random }) {}

  list(): Site[] {
    return sql<[], Row>(this.deps.db, 'SELECT * FROM sites ORDER BY name, id').all().map(toSite);
  }

  get(id: string): Site {
    const row = sql<[string], Row>(this.deps.db, 'SELECT * FROM sites WHERE id = ?').get(id);
    if (!row) throw new NotFoundError("Ce site n'existe pas sur ce relais.");
    return toSite(row);
  }

  /** The enrolled, not revoked, site with this key. */
  byKey(siteKey: string): Site | undefined {
    const row = sql<[string], Row>(this.deps.db, 'SELECT * FROM sites WHERE site_key = ? AND revoked_at IS NULL').get(siteKey);
    return row ? toSite(row) : undefined;
  }

  /** A new site and its one-time enrollment token (shown once, never stored in clear). */
  create(input: { name: string; spaces: GrantSpaces }): { site: Site; token: string } {
    const id = newId(this.deps.random);
    const token = this.deps.random.bytes(24).toString('base64url');
    const now = this.deps.clock.now();
    sql(this.deps.db, 'INSERT INTO sites (id, name, spaces, token_hash, token_expires, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(
      id,
      input.name,
      JSON.stringify(input.spaces),
      hash(token),
      now + TOKEN_LIFETIME_MS,
      now,
    );
    return { site: this.get(id), token };
  }

  /** A fresh token for a site not enrolled yet (the first file was lost or expired). */
  renewToken(id: string): { site: Site; token: string } {
    const site = this.get(id);
    if (site.enrolledAt !== null) throw new ConflictError('Ce site est déjà inscrit : il n’a plus besoin de fichier d’inscription.');
    if (site.revokedAt !== null) throw new ConflictError('Ce site a été révoqué.');
    const token = this.deps.random.bytes(24).toString('base64url');
    sql(this.deps.db, 'UPDATE sites SET token_hash = ?, token_expires = ? WHERE id = ?').run(hash(token), this.deps.clock.now() + TOKEN_LIFETIME_MS, id);
    return { site: this.get(id), token };
  }

  /**
   * Enroll a box: the token must be this site's, unused and unexpired, and the signature
   * the site key's. The token is burnt in the same statement that records the key, so
   * two boxes racing with one file cannot both win. Returns the box's MQTT password.
   */
  enroll(req: EnrollRequest): { site: Site; password: string } {
    const row = sql<[string], Row>(this.deps.db, 'SELECT * FROM sites WHERE id = ?').get(req.site);
    const refused = new ForbiddenError("Ce fichier d'inscription n'est pas valable (déjà utilisé, expiré ou révoqué) : demandez-en un nouveau au relais.");
    if (!row || row.revoked_at !== null || !row.token_hash || row.token_expires === null) throw refused;
    if (!sameHash(row.token_hash, hash(req.token)) || row.token_expires < this.deps.clock.now()) throw refused;
    if (!publicKeyOf(req.siteId)) throw new ValidationError("L'identifiant de la boîte n'est pas une clé de site valable.");
    const signature = Buffer.from(req.signature, 'base64');
    if (!verifySignature(req.siteId, enrollProof(req.site, req.token), signature)) {
      throw new ForbiddenError("La boîte n'a pas prouvé qu'elle détient la clé qu'elle annonce.");
    }
    if (this.byKey(req.siteId)) throw new ConflictError('Cette boîte est déjà inscrite sous un autre site.');
    const password = this.deps.random.bytes(32).toString('base64url');
    const changed = sql(
      this.deps.db,
      'UPDATE sites SET site_key = ?, secret_hash = ?, token_hash = NULL, token_expires = NULL, enrolled_at = ? WHERE id = ? AND token_hash = ?',
    ).run(req.siteId, hash(password), this.deps.clock.now(), req.site, row.token_hash).changes;
    if (changed !== 1) throw refused;
    return { site: this.get(req.site), password };
  }

  /** Whether these MQTT credentials are an enrolled, not revoked, site's. */
  authenticate(siteKey: string, password: string): boolean {
    const row = sql<[string], Row>(this.deps.db, 'SELECT * FROM sites WHERE site_key = ? AND revoked_at IS NULL').get(siteKey);
    return !!row?.secret_hash && sameHash(row.secret_hash, hash(password));
  }

  revoke(id: string): Site {
    this.get(id);
    sql(this.deps.db, 'UPDATE sites SET revoked_at = coalesce(revoked_at, ?), token_hash = NULL WHERE id = ?').run(this.deps.clock.now(), id);
    return this.get(id);
  }

  /** Whether a site key belongs to a revoked site (the hub refuses it). */
  isRevokedKey(siteKey: string): boolean {
    return sql<[string], { one: number }>(this.deps.db, 'SELECT 1 AS one FROM sites WHERE site_key = ? AND revoked_at IS NOT NULL').get(siteKey) !== undefined;
  }
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
