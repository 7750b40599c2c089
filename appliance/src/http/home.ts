/**
 * The page at "/" until the workspace interface lands (issue 5): it says what this box
 * is and where its API is, in French, with no script and nothing fetched from outside.
 */
import type { Context } from 'hono';
import { html } from 'hono/html';
import type { ApiEnv } from './context.js';

export function homePage(c: Context<ApiEnv>) {
  const { site } = c.get('services');
  return c.html(html`<!doctype html>
<html lang="fr">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Solidaire — ${site.name ?? 'nouvelle boîte'}</title>
    <style>body{font-family:sans-serif;max-width:40em;margin:2em auto;padding:0 1em;line-height:1.5}code{background:#eee;padding:0 .2em}</style>
  </head>
  <body>
    <h1>Solidaire — ${site.name ?? 'boîte pas encore configurée'}</h1>
    <p>Cette boîte fonctionne sans connexion Internet. L’interface du poste de travail n’est pas encore
    livrée ; l’API est disponible : <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.</p>
    <p>État : <a href="/healthz">/healthz</a> · identifiant du site : <code>${site.id}</code></p>
  </body>
</html>`);
}
