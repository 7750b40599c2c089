/**
 * What this box knows each other site holds (table peer_vectors, migration 005): the
 * version vectors a site announced, in the header of a bundle it exported (or, later, in
 * a sync session). Knowledge of a peer is replaced as a whole: a site whose data was
 * restored from an old backup holds less than before, and the next export must see that.
 */
import { sql, type Db } from '../db/index.js';
import type { Clock } from '../clock/index.js';
import type { VersionVector } from '../ops/index.js';

export class PeerVectors {
  constructor(private readonly deps: { db: Db; clock: Clock }) {}

  /** Space → vector of what the peer holds, or null if this box knows nothing of it. */
  get(peer: string): Record<string, VersionVector> | null {
    const rows = sql<[string], { space: string; vector: string }>(this.deps.db, 'SELECT space, vector FROM peer_vectors WHERE peer = ?').all(peer);
    if (rows.length === 0) return null;
    return Object.fromEntries(rows.map((r) => [r.space, JSON.parse(r.vector) as VersionVector]));
  }

  /** Replace what we knew of the peer (run it inside the caller's transaction if any). */
  replace(peer: string, spaces: Readonly<Record<string, VersionVector>>): void {
    const { db, clock } = this.deps;
    db.transaction(() => {
      sql(db, 'DELETE FROM peer_vectors WHERE peer = ?').run(peer);
      const insert = sql(db, 'INSERT INTO peer_vectors (peer, space, vector, updated_at) VALUES (?, ?, ?, ?)');
      const now = clock.now();
      for (const [space, vector] of Object.entries(spaces)) insert.run(peer, space, JSON.stringify(vector), now);
    })();
  }

  /** Sites this box knows something of, newest first. */
  known(): Array<{ peer: string; updatedAt: number }> {
    return sql<[], { peer: string; updatedAt: number }>(this.deps.db, 'SELECT peer, max(updated_at) AS updatedAt FROM peer_vectors GROUP BY peer ORDER BY updatedAt DESC').all();
  }
}
