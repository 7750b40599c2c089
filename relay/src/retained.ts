/**
 * The retained messages a new subscription matches, read from LevelDB by the filter's
 * literal head only.
 *
 * On every SUBSCRIBE, aedes asks its persistence for the retained messages the filters
 * match; aedes-persistence-level reads and decodes every retained message it holds, for
 * every filter. A fleet retains one presence per site: 10,000 sites subscribing to their
 * commands (their first connection, or after their session was lost) made 10,000 × 10,000
 * decodes. In the relay bench, 2,000 such sites took 43 s to connect and left the relay at
 * 367 MB. Here a filter reads only the keys under the levels before its first wildcard: a
 * site's `sites/{id}/cmd/#` reads its own commands, not the fleet's presence; a filter
 * without wildcards is one lookup.
 *
 * This reads the persistence's own storage (persistence-format.ts); retained.test.ts
 * compares the answers with the persistence's own, filter by filter. Relays sharing Redis
 * are not narrowed: aedes-persistence-redis has Redis scan its hash of retained messages
 * (HSCAN MATCH on the filter's head), in Redis's own process.
 */
import { Readable } from 'node:stream';
import { createRequire } from 'node:module';
import type { Level } from 'level';
import { decodeRecord, MATCHING, RETAINED_PREFIX } from './persistence-format.js';

const require = createRequire(import.meta.url);
const { QlobberTrue } = require('qlobber') as { QlobberTrue: new (opts: object) => { add(f: string): void; test(t: string): boolean } };


interface RetainedPacket {
  readonly topic: string;
  readonly [field: string]: unknown;
}

interface RetainedLookups {
  createRetainedStreamCombi(patterns: string[]): Readable;
  createRetainedStream(pattern: string): Readable;
}

/** Give a LevelDB persistence of aedes (over `db`) the narrow lookups of this module. */
export function narrowRetainedLookups(persistence: unknown, db: Level<string, Buffer>): void {
  const p = persistence as RetainedLookups;
  p.createRetainedStreamCombi = (patterns) => Readable.from(retainedMatching(db, patterns));
  p.createRetainedStream = (pattern) => Readable.from(retainedMatching(db, [pattern]));
}

/** The retained messages matching any of the filters, each once. */
export async function* retainedMatching(db: Level<string, Buffer>, filters: readonly string[]): AsyncGenerator<RetainedPacket> {
  const sent = new Set<string>();
  for (const filter of filters) {
    const levels = filter.split('/');
    const wild = levels.findIndex((l) => l === '+' || l === '#');
    if (wild === -1) {
      const blob = await db.get(RETAINED_PREFIX + filter, { valueEncoding: 'buffer' });
      if (blob !== undefined && !sent.has(filter)) {
        sent.add(filter);
        yield decodeRecord<RetainedPacket>(blob);
      }
      continue;
    }
    const matcher = new QlobberTrue(MATCHING);
    matcher.add(filter);
    // Every key starting with the literal head (`a/b` for `a/b/#`, which matches `a/b`
    // itself): bytes from the head to the head with its last byte one higher. The last byte
    // of UTF-8 text is never 0xFF, so the bound is the first byte string past them all.
    const from = Buffer.from(RETAINED_PREFIX + levels.slice(0, wild).join('/'));
    const to = Buffer.from(from);
    to[to.length - 1] = from[from.length - 1]! + 1;
    for await (const blob of db.values({ gte: from, lt: to, keyEncoding: 'buffer', valueEncoding: 'buffer' })) {
      const packet = decodeRecord<RetainedPacket>(blob);
      if (sent.has(packet.topic) || !matcher.test(packet.topic)) continue;
      sent.add(packet.topic);
      yield packet;
    }
  }
}
