/**
 * The security headers every answer of the workspace carries (those of hono's
 * secureHeaders with its defaults, and a same-origin resource policy), in one place.
 *
 * Most routes get them from the app's edge (http/app.ts), which sets them on the answer
 * once the route has made it. That means going through a WHATWG Headers object, which costs more than
 * the route itself on the hottest reads; so a route that answers with `prepared()` gets
 * them already in a plain object, and the edge leaves that answer alone.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'cross-origin-resource-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=15552000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'SAMEORIGIN',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
});
const ENTRIES = Object.entries(SECURITY_HEADERS);

/** Answers made with the headers already in place. */
const complete = new WeakSet<Response>();

/** Headers that include the security headers, as `secured()` makes them. */
export type SecuredHeaders = Readonly<Record<string, string>> & { readonly __secured: true };

/** `headers` and the security headers, in one plain object: make it once, answer with it often. */
export function secured(headers: Record<string, string>): SecuredHeaders {
  return Object.freeze({ ...SECURITY_HEADERS, ...headers }) as SecuredHeaders;
}

/** An answer carrying `headers` (from `secured()`), built without a Headers object. */
export function prepared(body: ConstructorParameters<typeof Response>[0], status: number, headers: SecuredHeaders): Response {
  const res = new Response(body, { status, headers });
  complete.add(res);
  return res;
}

/** Put the security headers on an answer made without `prepared()` (and no X-Powered-By). */
export function addSecurityHeaders(res: Response): void {
  if (complete.has(res)) return;
  const h = res.headers;
  for (const [name, value] of ENTRIES) h.set(name, value);
  h.delete('x-powered-by');
}
