/** Documents of a space: list, create, read, save (three-way merge), delete, history. */
import { createRoute, z } from '@hono/zod-openapi';
import { actorOf, commitChange, newRouter, requireSpace, type ApiContext, type Services } from '../http/context.js';
import { cachedJson, notModified } from '../http/response-cache.js';
import { errorResponses, json, jsonBody, OkSchema, SpaceIdParams, SpaceParams } from '../http/schemas.js';
import { Documents } from './documents.js';
import { DocumentChange, DocumentSchema, DocumentSummarySchema, NewDocument, VersionParams, VersionSchema, VersionTextSchema } from './schemas.js';

const tags = ['documents'];
const conflict = { 409: { ...errorResponses[400], description: 'Version inconnue' } };
const tooLarge = { 413: { ...errorResponses[400], description: 'Trop volumineux' } };

const byServices = new WeakMap<Services, Documents>();
function documents(c: ApiContext): Documents {
  const s = c.get('services');
  let d = byServices.get(s);
  if (!d) byServices.set(s, (d = new Documents(s)));
  return d;
}

export function documentsRoutes() {
  const r = newRouter();
  const base = '/spaces/{space}/documents';

  r.openapi(
    createRoute({ method: 'get', path: base, tags, summary: "Les documents de l'espace", request: { params: SpaceParams }, responses: { 200: json(z.object({ documents: z.array(DocumentSummarySchema) })), ...errorResponses, ...notModified } }),
    (c) => {
      const { space } = c.req.valid('param');
      requireSpace(c, space, 'read');
      return cachedJson(c, space, () => ({ documents: documents(c).list(space) }));
    },
  );

  r.openapi(
    createRoute({ method: 'post', path: base, tags, summary: 'Créer un document', request: { params: SpaceParams, body: jsonBody(NewDocument) }, responses: { 201: json(DocumentSchema), ...errorResponses, ...tooLarge } }),
    async (c) => {
      const { space } = c.req.valid('param');
      const created = await commitChange(c, () => requireSpace(c, space, 'write'), ({ account }) => documents(c).create(space, c.req.valid('json'), actorOf(account)));
      return c.json(created, 201);
    },
  );

  r.openapi(
    createRoute({ method: 'get', path: `${base}/{id}`, tags, summary: 'Lire un document', request: { params: SpaceIdParams }, responses: { 200: json(DocumentSchema), ...errorResponses } }),
    (c) => {
      const { space, id } = c.req.valid('param');
      requireSpace(c, space, 'read');
      return c.json(documents(c).get(space, id), 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'put',
      path: `${base}/{id}`,
      tags,
      summary: 'Enregistrer un document (fusionné avec les modifications faites entre-temps)',
      request: { params: SpaceIdParams, body: jsonBody(DocumentChange) },
      responses: { 200: json(DocumentSchema), ...errorResponses, ...conflict, ...tooLarge },
    }),
    async (c) => {
      const { space, id } = c.req.valid('param');
      const saved = await commitChange(c, () => requireSpace(c, space, 'write'), ({ account }) => documents(c).update(space, id, c.req.valid('json'), actorOf(account)));
      return c.json(saved, 200);
    },
  );

  r.openapi(
    createRoute({ method: 'delete', path: `${base}/{id}`, tags, summary: 'Supprimer un document', request: { params: SpaceIdParams }, responses: { 200: json(OkSchema), ...errorResponses } }),
    async (c) => {
      const { space, id } = c.req.valid('param');
      await commitChange(c, () => requireSpace(c, space, 'write'), ({ account }) => documents(c).remove(space, id, actorOf(account)));
      return c.json({ ok: true as const }, 200);
    },
  );

  r.openapi(
    createRoute({ method: 'get', path: `${base}/{id}/history`, tags, summary: "L'historique d'un document", request: { params: SpaceIdParams }, responses: { 200: json(z.object({ versions: z.array(VersionSchema) })), ...errorResponses } }),
    (c) => {
      const { space, id } = c.req.valid('param');
      requireSpace(c, space, 'read');
      return c.json({ versions: documents(c).history(space, id) }, 200);
    },
  );

  r.openapi(
    createRoute({ method: 'get', path: `${base}/{id}/history/{version}`, tags, summary: "Le texte d'une version", request: { params: VersionParams }, responses: { 200: json(VersionTextSchema), ...errorResponses } }),
    (c) => {
      const { space, id, version } = c.req.valid('param');
      requireSpace(c, space, 'read');
      return c.json(documents(c).at(space, id, version), 200);
    },
  );

  r.openapi(
    createRoute({ method: 'post', path: `${base}/{id}/history/{version}/restore`, tags, summary: 'Revenir à une version', request: { params: VersionParams }, responses: { 200: json(DocumentSchema), ...errorResponses } }),
    async (c) => {
      const { space, id, version } = c.req.valid('param');
      const restored = await commitChange(c, () => requireSpace(c, space, 'write'), ({ account }) => documents(c).restore(space, id, version, actorOf(account)));
      return c.json(restored, 200);
    },
  );

  return r;
}
