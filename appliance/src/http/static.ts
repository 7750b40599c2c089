/**
 * A built single-page app served from a folder: the workspace at the box's "/" (files
 * `npm run build` leaves in ui/dist/workspace), and the relay's fleet dashboard
 * (ui/dist/dashboard) through the same code. Hashed assets are cached for a year,
 * everything else is revalidated; a precompressed .gz is sent when the browser takes
 * gzip; any path that is not a file is a page of the app, so it gets index.html.
 * Traversal and encoded paths are refused by serveStatic. When the app was not built, a
 * plain French page says how to build it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context, MiddlewareHandler } from 'hono';
import { html } from 'hono/html';
import { serveStatic } from '@hono/node-server/serve-static';

/** ui/dist/workspace, from appliance/src/http (tests) or appliance/dist/http (built). */
export const DEFAULT_WORKSPACE_DIR = fileURLToPath(new URL('../../../ui/dist/workspace', import.meta.url));

const IMMUTABLE = 'public, max-age=31536000, immutable';
/** The app runs only what its server serves: nothing from the Internet, no inline script. */
export const WORKSPACE_CSP = [
  "default-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join('; ');

export interface SinglePageOptions {
  /** The built app: index.html and assets/. */
  readonly dir: string;
  readonly csp: string;
  /** The French page shown (503) when the app was not built. */
  readonly missing: { readonly title: string; readonly text: string; readonly health: string };
  /** Paths that are never pages of the app (an API's own 404 stays its own). */
  readonly exclude?: RegExp;
}

export function workspace(dir: string = DEFAULT_WORKSPACE_DIR): MiddlewareHandler {
  return singlePageApp({
    dir,
    csp: WORKSPACE_CSP,
    missing: {
      title: 'L’interface de Solidaire n’est pas installée',
      text: 'La boîte fonctionne, mais les pages du poste de travail n’ont pas été construites.',
      health: 'État de la boîte',
    },
  });
}

export function singlePageApp(opts: SinglePageOptions): MiddlewareHandler {
  const { dir } = opts;
  let served: { file: MiddlewareHandler; index: MiddlewareHandler } | undefined;
  return async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return next();
    const path = c.req.path;
    if (opts.exclude?.test(path)) return next();
    if (!existsSync(join(dir, 'index.html'))) return missingBuild(c, opts.missing);
    // Made once the build is there: serveStatic complains of a missing root when made.
    served ??= {
      file: serveStatic({ root: dir, precompressed: true }),
      index: serveStatic({ root: dir, path: 'index.html', precompressed: true }),
    };
    const { file, index } = served;
    const headers = (res: Response | void, page: boolean, hashed: boolean) => withHeaders(res, page ? opts.csp : undefined, hashed);
    if (path === '/' || path === '/index.html') return headers(await index(c, next), true, false);
    if (path.startsWith('/assets/')) return headers(await file(c, next), false, true);
    let missing = false;
    const res = await file(c, async () => {
      missing = true;
    });
    if (!missing) return headers(res, false, false);
    // A page of the app ("/s/comite/documents") is no file: it gets index.html.
    if (/\.[a-z0-9]+$/i.test(path)) return next();
    return headers(await index(c, next), true, false);
  };
}

/** serveStatic's own onFound comes after the answer is made: headers are set on it here. */
function withHeaders(res: Response | void, csp: string | undefined, hashed: boolean): Response | undefined {
  if (!res || res.status >= 300) return res ?? undefined;
  res.headers.set('Cache-Control', hashed ? IMMUTABLE : 'no-cache');
  if (csp) res.headers.set('Content-Security-Policy', csp);
  return res;
}

function missingBuild(c: Context, missing: SinglePageOptions['missing']): Response | Promise<Response> {
  return c.html(
    html`<!doctype html>
<html lang="fr">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Solidaire &mdash; interface absente</title>
    <style>body{font-family:sans-serif;max-width:40em;margin:2em auto;padding:0 1em;line-height:1.5}code{background:#eee;padding:0 .2em}</style>
  </head>
  <body>
    <h1>${missing.title}</h1>
    <p>${missing.text}
    Dans le dossier de Solidaire, lancez <code>npm run build</code>, puis rechargez cette page.</p>
    <p>${missing.health} : <a href="/healthz">/healthz</a></p>
  </body>
</html>`,
    503,
  );
}
