/**
 * One set of routes for a record collection: list, create, read, change some fields,
 * delete. Each resource file declares its schemas, guards and rules; this file turns the
 * declaration into five routes so the CRUD is written once.
 *
 *   GET    /spaces/{space}/<coll>        list (query and order given by the collection)
 *   POST   /spaces/{space}/<coll>        create → 201 with the record
 *   GET    /spaces/{space}/<coll>/{id}   read one (a deleted one is 404)
 *   PATCH  /spaces/{space}/<coll>/{id}   write only the fields sent (LWW per field)
 *   DELETE /spaces/{space}/<coll>/{id}   tombstone
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { actorOf, commitChange, type ApiEnv, type Services } from '../http/index.js';
import { errorResponses, json, jsonBody, OkSchema, SpaceIdParams, SpaceParams } from '../http/schemas.js';
import { newId } from '../clock/index.js';
import { NotFoundError, ValidationError } from '../errors/index.js';
import type { Guard } from './access.js';
import { storeOf, type Coll, type Fields, type Rec } from './records.js';

/** A record as the API shows it: its id and the winning value of each field. */
export type Item = { id: string } & Fields;

export interface Scope {
  readonly services: Services;
  readonly space: string;
}

export interface CollectionSpec {
  readonly coll: Coll;
  readonly tag: string;
  /** French summaries for the OpenAPI document. */
  readonly summaries: { list: string; create: string; get: string; patch: string; delete: string };
  readonly notFound: (id: string) => string;
  /** The body of a create; its optional fields get `defaults`. */
  readonly fields: z.ZodObject;
  readonly defaults: Fields;
  /** One record in responses. */
  readonly item: z.ZodObject;
  readonly read: Guard;
  readonly write: Guard;
  /**
   * Refuse a change that would leave the record wrong (cross-field rules, references),
   * by throwing a named error. `next` is the record as it would be; runs in the
   * transaction that writes, so a refusal writes nothing.
   */
  readonly check?: (scope: Scope, next: Fields, change: Fields) => void;
  readonly list: {
    readonly query: z.ZodObject;
    readonly response: z.ZodObject;
    /** The list response from the live records (oldest first) and the query. */
    readonly build: (records: readonly Rec[], query: Record<string, unknown>, scope: Scope) => Record<string, unknown>;
  };
}

export const itemOf = (r: Rec): Item => ({ ...r.fields, id: r.id });

/** Body fields actually sent (zod leaves absent optional keys undefined or out). */
function sent(body: Record<string, unknown>): Fields {
  const out: Fields = {};
  for (const [k, v] of Object.entries(body)) if (v !== undefined) out[k] = v as Fields[string];
  return out;
}

export function addCollectionRoutes(r: OpenAPIHono<ApiEnv>, spec: CollectionSpec): void {
  const { coll, tag, summaries: s } = spec;
  const base = `/spaces/{space}/${coll}`;
  const one = `${base}/{id}`;
  const patchSchema = spec.fields.partial().strict();
  const notFound = (id: string) => new NotFoundError(spec.notFound(id));

  const live = (scope: Scope, id: string): Rec => {
    const rec = storeOf(scope.services).find(scope.space, coll, id);
    if (!rec || rec.deleted) throw notFound(id);
    return rec;
  };

  r.openapi(
    createRoute({ method: 'get', path: base, tags: [tag], summary: s.list, request: { params: SpaceParams, query: spec.list.query }, responses: { 200: json(spec.list.response), ...errorResponses } }),
    (c) => {
      const { space } = c.req.valid('param');
      spec.read(c, space);
      const scope = { services: c.get('services'), space };
      return c.json(spec.list.build(storeOf(scope.services).list(space, coll), c.req.valid('query'), scope), 200);
    },
  );

  r.openapi(
    createRoute({ method: 'post', path: base, tags: [tag], summary: s.create, request: { params: SpaceParams, body: jsonBody(spec.fields.strict()) }, responses: { 201: json(spec.item), ...errorResponses } }),
    async (c) => {
      const { space } = c.req.valid('param');
      const item = await commitChange(c, () => spec.write(c, space), (account) => {
        const scope = { services: c.get('services'), space };
        const fields = { ...spec.defaults, ...sent(c.req.valid('json')) };
        const id = newId(scope.services.random);
        spec.check?.(scope, fields, fields);
        storeOf(scope.services).put(space, coll, id, fields, actorOf(account));
        return itemOf(live(scope, id));
      });
      return c.json(item, 201);
    },
  );

  r.openapi(
    createRoute({ method: 'get', path: one, tags: [tag], summary: s.get, request: { params: SpaceIdParams }, responses: { 200: json(spec.item), ...errorResponses } }),
    (c) => {
      const { space, id } = c.req.valid('param');
      spec.read(c, space);
      return c.json(itemOf(live({ services: c.get('services'), space }, id)), 200);
    },
  );

  r.openapi(
    createRoute({ method: 'patch', path: one, tags: [tag], summary: s.patch, request: { params: SpaceIdParams, body: jsonBody(patchSchema) }, responses: { 200: json(spec.item), ...errorResponses } }),
    async (c) => {
      const { space, id } = c.req.valid('param');
      const scope = { services: c.get('services'), space };
      const store = storeOf(scope.services);
      const item = await commitChange(c, () => spec.write(c, space), (account) => {
        const body = sent(c.req.valid('json'));
        if (Object.keys(body).length === 0) throw new ValidationError('Aucun champ à modifier : envoyez au moins un champ.');
        const current = live(scope, id);
        // Write only what differs from what this box holds: a form sent whole must not
        // take the other fields from a concurrent writer elsewhere (LWW is per field).
        const change: Fields = {};
        for (const [k, v] of Object.entries(body)) if (current.fields[k] !== v) change[k] = v;
        if (Object.keys(change).length === 0) return itemOf(current);
        spec.check?.(scope, { ...current.fields, ...change }, change);
        store.put(space, coll, id, change, actorOf(account));
        return itemOf(live(scope, id));
      });
      return c.json(item, 200);
    },
  );

  r.openapi(
    createRoute({ method: 'delete', path: one, tags: [tag], summary: s.delete, request: { params: SpaceIdParams }, responses: { 200: json(OkSchema), ...errorResponses } }),
    async (c) => {
      const { space, id } = c.req.valid('param');
      const scope = { services: c.get('services'), space };
      await commitChange(c, () => spec.write(c, space), (account) => {
        live(scope, id);
        storeOf(scope.services).remove(space, coll, id, actorOf(account));
      });
      return c.json({ ok: true as const }, 200);
    },
  );
}

/** The plain list response: `{ items }`, for collections with nothing more to say. */
export const itemsOf = (item: z.ZodObject) => z.object({ items: z.array(item) });
