/** Sync over the API: the status users see, "sync now" and the link budget for the box admin. */
import { createRoute, z } from '@hono/zod-openapi';
import { sql } from '../db/index.js';
import { newRouter, requireAccount, type ApiContext } from '../http/context.js';
import { errorResponses, json, jsonBody } from '../http/schemas.js';
import { ForbiddenError } from '../errors/index.js';

const PeerSchema = z.object({
  peer: z.string(),
  name: z.string().nullable(),
  link: z.string(),
  running: z.boolean(),
  lastSyncAt: z.number().nullable(),
  lastAttemptAt: z.number().nullable(),
  lastError: z.object({ code: z.string(), message: z.string() }).nullable(),
  sentOps: z.number(),
  receivedOps: z.number(),
  bytesIn: z.number(),
  bytesOut: z.number(),
  pendingOps: z.number().nullable().openapi({ description: 'Opérations d’ici que ce site n’avait pas à la dernière synchronisation' }),
  pendingBytes: z.number().nullable(),
});
const LinkSchema = z.object({
  link: z.string(),
  metered: z.boolean(),
  budgetBytes: z.number(),
  resetDay: z.number(),
  month: z.string(),
  bytesIn: z.number(),
  bytesOut: z.number(),
  usedPct: z.number(),
});
const StatusSchema = z
  .object({
    siteId: z.string(),
    federationId: z.string().nullable(),
    addresses: z.array(z.string()),
    peers: z.array(PeerSchema),
    links: z.array(LinkSchema),
    pendingBlobs: z.object({ count: z.number(), bytes: z.number() }),
    carrying: z.object({ spaces: z.array(z.string()), bytes: z.number(), quotaBytes: z.number() }),
  })
  .openapi('SyncStatus');
const LinkBody = z
  .object({
    metered: z.boolean(),
    budgetBytes: z.number().int().min(0).max(2 ** 45),
    resetDay: z.number().int().min(1).max(28).default(1),
  })
  .openapi('LinkSettings');
const LinkParams = z.object({
  link: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'nom de liaison invalide').openapi({ param: { name: 'link', in: 'path' }, example: 'relay' }),
});

function requireBoxAdmin(c: ApiContext): void {
  if (!requireAccount(c).boxAdmin) throw new ForbiddenError("Seul l'administrateur de la boîte peut faire cela.");
}

function statusBody(c: ApiContext) {
  const st = c.get('services').network.status();
  return { ...st, addresses: [...st.addresses], peers: [...st.peers], links: links(c), carrying: { ...st.carrying, spaces: [...st.carrying.spaces] } };
}

function links(c: ApiContext) {
  const { db, network } = c.get('services');
  return sql<[], { link: string }>(db, 'SELECT link FROM link_settings UNION SELECT link FROM link_usage ORDER BY link').all().map((r) => network.policy.usage(r.link));
}

export function syncRoutes() {
  const r = newRouter();

  r.openapi(
    createRoute({ method: 'get', path: '/sync/status', tags: ['sync'], summary: 'État de la synchronisation avec les autres sites', responses: { 200: json(StatusSchema), 401: errorResponses[401] } }),
    (c) => {
      requireAccount(c);
      return c.json(statusBody(c), 200);
    },
  );

  r.openapi(
    createRoute({ method: 'post', path: '/sync/now', tags: ['sync'], summary: 'Synchroniser maintenant avec les sites connus', responses: { 200: json(StatusSchema), ...errorResponses } }),
    async (c) => {
      requireBoxAdmin(c);
      await c.get('services').network.syncNow();
      return c.json(statusBody(c), 200);
    },
  );

  r.openapi(
    createRoute({ method: 'put', path: '/sync/links/{link}', tags: ['sync'], summary: 'Régler une liaison : payante ou non, forfait mensuel', request: { params: LinkParams, body: jsonBody(LinkBody) }, responses: { 200: json(LinkSchema), ...errorResponses } }),
    (c) => {
      requireBoxAdmin(c);
      const { link } = c.req.valid('param');
      const { network } = c.get('services');
      network.policy.configure({ link, ...c.req.valid('json') });
      return c.json(network.policy.usage(link), 200);
    },
  );

  return r;
}
