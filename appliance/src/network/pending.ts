/** What a box holds that a peer lacks, by the vectors the peer last said it held. */
import { sql, type Db } from '../db/index.js';
import type { OpLog, VersionVector } from '../ops/index.js';

/** Operations (and their bytes) of `spaces` this log holds beyond the peer's `known` vectors. */
export function pendingBeyond(
  db: Db,
  log: OpLog,
  known: Readonly<Record<string, VersionVector>>,
  spaces: readonly string[],
): { pendingOps: number; pendingBytes: number } {
  const count = sql<[string, string, string, number], { n: number; bytes: number | null }>(
    db,
    'SELECT count(*) AS n, sum(length(body) + length(sig)) AS bytes FROM ops WHERE space = ? AND author = ? AND kind = ? AND seq > ?',
  );
  let pendingOps = 0;
  let pendingBytes = 0;
  for (const space of spaces) {
    for (const [author, streams] of Object.entries(log.versionVector(space))) {
      for (const [kind, seq] of Object.entries(streams)) {
        const theirs = known[space]?.[author]?.[kind as keyof typeof streams] ?? 0;
        if ((seq ?? 0) <= theirs) continue;
        const r = count.get(space, author, kind, theirs);
        pendingOps += r?.n ?? 0;
        pendingBytes += r?.bytes ?? 0;
      }
    }
  }
  return { pendingOps, pendingBytes };
}
