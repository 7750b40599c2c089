/**
 * A request header, read where it costs least. Behind @hono/node-server the request came
 * from Node's parser, whose headers are already a plain object (names in lower case); asking
 * the WHATWG Request instead builds a Headers object from them on every request, which the
 * hottest reads (a list the browser already holds) pay for nothing. Anywhere else (tests
 * through app.request(), another runtime) the Request is asked.
 */
import type { Context } from 'hono';
import type { IncomingHttpHeaders } from 'node:http';

interface NodeBindings {
  readonly incoming?: { readonly headers?: IncomingHttpHeaders };
}

/** The value of header `name` (lower case) of a request, or undefined when absent. */
export function headerOf(request: Request, env: unknown, name: Lowercase<string>): string | undefined {
  const parsed = (env as NodeBindings | undefined)?.incoming?.headers;
  if (parsed) {
    const v = parsed[name];
    // Node keeps a repeated header as a list only for a few names (set-cookie); those the
    // API reads are joined as the Headers object would join them.
    return Array.isArray(v) ? v.join(', ') : v;
  }
  return request.headers.get(name) ?? undefined;
}

/** The same, for a route's context. */
export function requestHeader(c: Context, name: Lowercase<string>): string | undefined {
  return headerOf(c.req.raw, c.env, name);
}
