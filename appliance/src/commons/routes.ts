/**
 * The commons' routes: articles of the shared information base and their search. Every
 * logged-in account reads the commons; writing needs write access to it (spaces.ts).
 */
import { createRoute } from '@hono/zod-openapi';
import { actorOf, commitChange, newRouter, requireSpace, type ApiContext, type Services } from '../http/context.js';
import { errorResponses, json, jsonBody, OkSchema } from '../http/schemas.js';
import { COMMONS } from '../spaces/index.js';
import { Articles } from './articles.js';
import { ArticleSearch } from './search.js';
import {
  ArticleListSchema,
  ArticleParams,
  ArticlePatch,
  ArticleSchema,
  ListQuery,
  NewArticle,
  SearchQuery,
  SearchResponseSchema,
} from './schemas.js';

const DEFAULT_LIMIT = 20;
const tags = ['commons'];

// One set of prepared statements per box (tests run several boxes in one process).
const rooms = new WeakMap<Services, { articles: Articles; search: ArticleSearch }>();
function room(c: ApiContext): { articles: Articles; search: ArticleSearch } {
  const s = c.get('services');
  let r = rooms.get(s);
  if (!r) {
    r = { articles: new Articles(s), search: new ArticleSearch(s.db) };
    rooms.set(s, r);
  }
  return r;
}

export function commonsRoutes() {
  const r = newRouter();

  r.openapi(
    createRoute({ method: 'get', path: '/commons/articles', tags, summary: 'Articles de la base commune, les plus récents d’abord', request: { query: ListQuery }, responses: { 200: json(ArticleListSchema), ...errorResponses } }),
    (c) => {
      requireSpace(c, COMMONS, 'read');
      const q = c.req.valid('query');
      return c.json(room(c).articles.list({ tag: q.tag, limit: q.limit ?? DEFAULT_LIMIT, offset: q.offset ?? 0 }), 200);
    },
  );

  r.openapi(
    createRoute({ method: 'post', path: '/commons/articles', tags, summary: 'Écrire un article', request: { body: jsonBody(NewArticle) }, responses: { 201: json(ArticleSchema), ...errorResponses } }),
    async (c) => {
      const article = await commitChange(c, () => requireSpace(c, COMMONS, 'write'), ({ account }) => room(c).articles.create(c.req.valid('json'), actorOf(account)));
      return c.json(article, 201);
    },
  );

  r.openapi(
    createRoute({ method: 'get', path: '/commons/articles/{id}', tags, summary: 'Lire un article', request: { params: ArticleParams }, responses: { 200: json(ArticleSchema), ...errorResponses } }),
    (c) => {
      requireSpace(c, COMMONS, 'read');
      return c.json(room(c).articles.get(c.req.valid('param').id), 200);
    },
  );

  r.openapi(
    createRoute({ method: 'patch', path: '/commons/articles/{id}', tags, summary: 'Modifier un article', request: { params: ArticleParams, body: jsonBody(ArticlePatch) }, responses: { 200: json(ArticleSchema), ...errorResponses } }),
    async (c) => {
      const article = await commitChange(c, () => requireSpace(c, COMMONS, 'write'), ({ account }) =>
        room(c).articles.update(c.req.valid('param').id, c.req.valid('json'), actorOf(account)),
      );
      return c.json(article, 200);
    },
  );

  r.openapi(
    createRoute({ method: 'delete', path: '/commons/articles/{id}', tags, summary: 'Supprimer un article', request: { params: ArticleParams }, responses: { 200: json(OkSchema), ...errorResponses } }),
    async (c) => {
      await commitChange(c, () => requireSpace(c, COMMONS, 'write'), ({ account }) => room(c).articles.delete(c.req.valid('param').id, actorOf(account)));
      return c.json({ ok: true as const }, 200);
    },
  );

  r.openapi(
    createRoute({ method: 'get', path: '/commons/search', tags, summary: 'Chercher dans la base commune (accents et majuscules ignorés)', request: { query: SearchQuery }, responses: { 200: json(SearchResponseSchema), ...errorResponses } }),
    (c) => {
      requireSpace(c, COMMONS, 'read');
      const q = c.req.valid('query');
      return c.json({ results: room(c).search.search(q.q, { limit: q.limit ?? DEFAULT_LIMIT, offset: q.offset ?? 0 }) }, 200);
    },
  );

  return r;
}

