/**
 * The security headers every answer of the workspace carries (those of hono's
 * secureHeaders with its defaults, and a same-origin resource policy), in one place.
 *
 * Most routes get them from the middleware, which sets them on the answer once the route
 * has made it. That means going through a WHATWG Headers object, which costs more than
 * the route itself on the hottest reads; so a route that answers with `prepared()` gets
 * them already in a plain object, and the middleware leaves that answer alone.
 */
import type { MiddlewareHandler } from 'hono';

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

/** An answer carrying `headers` and the security headers, built without a Headers object. */
export function prepared(body: ConstructorParameters<typeof Response>[0], status: number, headers: Record<string, string>): Response {
  const res = new Response(body, { status, headers: { ...SECURITY_HEADERS, ...headers } });
  complete.add(res);
  return res;
}

export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (complete.has(c.res)) return;
    const h = c.res.headers;
    for (const [name, value] of ENTRIES) h.set(name, value);
    h.delete('x-powered-by');
  };
}
