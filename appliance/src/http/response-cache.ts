/**
 * Bodies of a space's list routes, kept serialised until the space changes, with an ETag
 * so a client that already holds the current list gets a 304 and no body.
 *
 * Correctness rests on three things:
 *  - an entry is keyed by space, route and query, and is used only by routes whose
 *    answer is the same for every reader of the space (no per-account content); the
 *    route checks access (requireSpace) before asking, so a cached body is never a way
 *    around the check, and two spaces never share an entry;
 *  - an entry records the space's change count (OpLog.changeCount: bumped by every
 *    operation applied to the space, local or received) and is recomputed as soon as the
 *    count moves; nothing else writes the materialised tables;
 *  - entries live in a memo (db/memo.ts): never filled inside a transaction, and all
 *    forgotten if another process commits to the file.
 * The ETag is a hash of the body itself, so it stays right across restarts.
 */
import { createHash } from 'node:crypto';
import { MemoMap, type Db } from '../db/index.js';
import type { TypedResponse } from 'hono';
import type { ApiContext } from './context.js';

interface Entry {
  readonly change: number;
  /** UTF-8 already: sent as is, not encoded again for every reader. */
  readonly body: Uint8Array<ArrayBuffer>;
  readonly etag: string;
}

/** Browsers may keep the list but must ask again each time; shared caches must not keep it. */
const CACHE_CONTROL = 'private, no-cache';
const utf8 = new TextEncoder();

export class ResponseCache {
  private readonly entries: MemoMap<string, Entry>;

  constructor(
    db: Db,
    private readonly changeCount: (space: string) => number,
    max = 512,
  ) {
    this.entries = new MemoMap(db, max);
  }

  /** The serialised answer for `key` in `space`, computed again if the space changed since. */
  get(space: string, key: string, compute: () => unknown): Entry {
    const k = `${space}\u0000${key}`;
    const change = this.changeCount(space);
    const fill = (): Entry => {
      const body = utf8.encode(JSON.stringify(compute()));
      return { change, body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
    };
    let entry = this.entries.get(k, fill);
    if (entry.change !== change) {
      this.entries.forget(k);
      entry = this.entries.get(k, fill);
    }
    return entry;
  }
}

/** For a cached route's OpenAPI responses. */
export const notModified = { 304: { description: 'Inchangée depuis la version que le client détient (If-None-Match)' } } as const;

/** Whether an If-None-Match header names this ETag (weak comparison, RFC 9110 §13.1.2). */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

/**
 * Answer a list route of a space from the cache: 200 with the body, or 304 when the client
 * sent the current ETag. The caller has checked access; `compute` must give the same answer
 * to every reader of the space (it is keyed by space, route path and query only).
 */
export function cachedJson<T>(c: ApiContext, space: string, compute: () => T): TypedResponse<T, 200, 'json'> {
  const url = c.req.url;
  const q = url.indexOf('?');
  const key = c.req.routePath + (q < 0 ? '' : url.slice(q));
  const entry = c.get('services').responses.get(space, key, compute);
  const headers = { 'content-type': 'application/json', etag: entry.etag, 'cache-control': CACHE_CONTROL };
  // Typed as the route's JSON answer (what the body is); a 304 carries none.
  if (matchesEtag(c.req.header('if-none-match'), entry.etag)) return c.body(null, 304, headers) as unknown as TypedResponse<T, 200, 'json'>;
  return c.body(entry.body, 200, headers) as unknown as TypedResponse<T, 200, 'json'>;
}
