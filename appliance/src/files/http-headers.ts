/**
 * The download headers of a stored file: Range (RFC 9110 §14), ETag and If-None-Match
 * (§13.1.2), Content-Disposition with a UTF-8 filename (RFC 6266 §4.3, RFC 8187).
 */

export type RangeRequest =
  /** Serve the whole file (no Range, or one we ignore: malformed, several ranges). */
  | { readonly kind: 'full' }
  | { readonly kind: 'partial'; readonly start: number; readonly end: number }
  | { readonly kind: 'unsatisfiable' };

const FULL: RangeRequest = { kind: 'full' };
// Up to 15 digits stays below Number.MAX_SAFE_INTEGER.
const SINGLE = /^bytes[ \t]*=[ \t]*(?:(\d{1,15})[ \t]*-[ \t]*(\d{0,15})|-[ \t]*(\d{1,15}))[ \t]*$/i;

/** One byte range of a file of `size` bytes, from a Range header value. */
export function parseRange(header: string | undefined, size: number): RangeRequest {
  if (header === undefined) return FULL;
  // §14.2: a server may ignore Range; we answer a multi-range request with the whole file.
  const m = SINGLE.exec(header.trim());
  if (!m) return FULL;
  if (m[3] !== undefined) {
    // Suffix range "-n": the last n bytes. §14.1.3: "-0" is unsatisfiable.
    const n = Number(m[3]);
    if (n === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Number(m[2]);
  // §14.1.1: last-pos below first-pos makes the range invalid: ignore the header.
  if (m[2] !== '' && end < start) return FULL;
  // §14.1.1: satisfiable only if first-pos is below the length.
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end: Math.min(end, size - 1) };
}

export function etagOf(sha256: string): string {
  return `"${sha256}"`;
}

/** If-None-Match against our (strong) ETag, with the weak comparison §13.1.2 asks for. */
export function noneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

/** If-Range (§13.1.5): a Range is honoured only if the validator is our current ETag. */
export function ifRangeAllows(header: string | undefined, etag: string): boolean {
  return header === undefined || header.trim() === etag;
}

/**
 * `attachment; filename="ascii"; filename*=UTF-8''percent-encoded`: old browsers take
 * the ASCII fallback (accents dropped, quotes and controls replaced), the others the
 * exact name (RFC 6266 §4.3).
 */
export function contentDisposition(name: string): string {
  const ascii =
    name
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^\x20-\x7e]|["\\%]/g, '_') || 'fichier';
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeRfc8187(name)}`;
}

/** RFC 8187 §3.2.1 value-chars: attr-char or %XX of the UTF-8 bytes. */
function encodeRfc8187(s: string): string {
  return encodeURIComponent(s).replace(/['()*]/g, (ch) => '%' + ch.charCodeAt(0).toString(16).toUpperCase());
}
