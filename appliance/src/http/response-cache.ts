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
 *
 * A client that accepts gzip (every browser) gets the body compressed, once per change of
 * the space and not once per request: a list of 50 documents goes from 7.4 KB to about
 * 2 KB on the box's Wi-Fi, and the box's CPU does not pay for it again on every read.
 * That representation has its own ETag (RFC 9110 §8.8.3: a strong validator names one
 * representation), and both are answered with Vary: Accept-Encoding.
 */
import { createHash } from 'node:crypto';
import { constants as zlib, gzipSync } from 'node:zlib';
import { MemoMap, type Db } from '../db/index.js';
import type { TypedResponse } from 'hono';
import type { ApiContext } from './context.js';
import { requestHeader } from './request-header.js';
import { prepared, secured, type SecuredHeaders } from './security-headers.js';

/** One representation of a list: its bytes, its ETag, and the headers it is sent with. */
interface Representation {
  /** UTF-8 already: sent as is, not encoded again for every reader. */
  readonly body: Uint8Array<ArrayBuffer>;
  readonly etag: string;
  readonly headers: SecuredHeaders;
}

interface Entry extends Representation {
  readonly change: number;
  /** The body gzipped, made the first time a client asks for it; absent for small bodies. */
  gzipped?: Representation;
}

/** Below this, gzip's header and the work saved are not worth it. */
export const GZIP_MIN_BYTES = 1024;

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
      return { change, ...representation(body, `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`) };
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

/** Whether an Accept-Encoding header accepts gzip (by name or by `*`, with a q above 0). */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  let star = false;
  for (const part of header.split(',')) {
    const [coding, ...params] = part.split(';');
    const name = coding!.trim().toLowerCase();
    const q = params.map((p) => /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(p)).find((m) => m)?.[1];
    const accepted = q === undefined || Number(q) > 0;
    if (name === 'gzip' || name === 'x-gzip') return accepted;
    if (name === '*') star = accepted;
  }
  return star;
}

function representation(body: Uint8Array<ArrayBuffer>, etag: string, encoding?: string): Representation {
  const headers: Record<string, string> = { 'content-type': 'application/json', etag, 'cache-control': CACHE_CONTROL, vary: 'accept-encoding' };
  if (encoding) headers['content-encoding'] = encoding;
  return { body, etag, headers: secured(headers) };
}

function gzipped(entry: Entry): Representation | undefined {
  if (entry.body.byteLength < GZIP_MIN_BYTES) return undefined;
  if (!entry.gzipped) {
    const z = gzipSync(entry.body, { level: zlib.Z_BEST_COMPRESSION });
    const body = new Uint8Array(z.buffer as ArrayBuffer, z.byteOffset, z.byteLength);
    entry.gzipped = representation(body, `${entry.etag.slice(0, -1)}-gzip"`, 'gzip');
  }
  return entry.gzipped;
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
  const sent = (acceptsGzip(requestHeader(c, 'accept-encoding')) && gzipped(entry)) || entry;
  // Typed as the route's JSON answer (what the body is); a 304 carries none.
  const ifNoneMatch = requestHeader(c, 'if-none-match');
  if (matchesEtag(ifNoneMatch, entry.etag) || (entry.gzipped && matchesEtag(ifNoneMatch, entry.gzipped.etag))) {
    return prepared(null, 304, sent.headers) as unknown as TypedResponse<T, 200, 'json'>;
  }
  // Built here with plain headers rather than by c.body(), which would make a Headers object.
  return prepared(sent.body, 200, sent.headers) as unknown as TypedResponse<T, 200, 'json'>;
}
