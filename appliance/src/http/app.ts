/**
 * The workspace's HTTP application: /healthz, the JSON API under /api/v1 and its OpenAPI
 * document, and the workspace web app (static.ts) at every other address. Rooms bring
 * their own routers; this file only wires them and the edges (body limits, sessions,
 * security headers, errors).
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { RegExpRouter } from 'hono/router/reg-exp-router';
import { PayloadTooLargeError, NotFoundError } from '../errors/index.js';
import { revalidateMemos, sql } from '../db/index.js';
import { errorBody, onError, validationHook, type ErrorLogger } from './errors.js';
import { sessionMiddleware } from './session.js';
import { addSecurityHeaders } from './security-headers.js';
import { captivePortal } from './captive.js';
import { spaceGate } from './space-gate.js';
import { workspace } from './static.js';
import type { ApiEnv, Services } from './context.js';

export const API_PREFIX = '/api/v1';
export const JSON_BODY_LIMIT = 1024 * 1024;

export type RoomRouter = OpenAPIHono<ApiEnv>;

export interface AppOptions {
  readonly services: Services;
  readonly rooms: readonly RoomRouter[];
  /** Routes whose request bodies are streamed (uploads) and bounded by the room itself. */
  readonly streamedBodies?: readonly RegExp[];
  readonly logError?: ErrorLogger;
  readonly version?: string;
  /** The box's names (the first is where the captive page sends foreign requests); see captive.ts. */
  readonly publicNames?: readonly string[];
  /** The built workspace app (ui/dist/workspace unless given). */
  readonly workspaceDir?: string;
}

export function createApp(opts: AppOptions): OpenAPIHono<ApiEnv> {
  // RegExpRouter matches every route with one regular expression; hono's default would
  // fall back to its trie router for the whole app (~10 µs more a request here) as soon
  // as one path has a fixed segment beside a parameter (/dues/summary and /dues/{id}).
  // Named here, such a path fails when the app is made, in every test, not silently.
  const app = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook, router: new RegExpRouter() });
  const logError: ErrorLogger = opts.logError ?? ((err) => console.error(err));
  const streamed = opts.streamedBodies ?? [];

  app.onError(onError(logError));
  app.notFound((c) => c.json(errorBody('not_found', "Cette adresse n'existe pas."), 404));
  // The edge, one layer for every request (each layer costs on the hottest reads).
  const portal = captivePortal(opts.publicNames);
  app.use('*', async (c, next) => {
    const elsewhere = portal.check(c.req.header('host'), c.req.method);
    if (elsewhere) return elsewhere;
    c.set('services', opts.services);
    // Memos (site, spaces, roles, sessions) forget what another process changed in the file.
    revalidateMemos(opts.services.db);
    await next();
    addSecurityHeaders(c.res);
  });

  app.get('/healthz', (c) => {
    const { db, site } = opts.services;
    sql(db, 'SELECT 1').get();
    return c.json({ ok: true, siteId: site.id, siteName: site.name, setUp: site.isSetUp, version: opts.version ?? null });
  });

  const limit = bodyLimit({
    maxSize: JSON_BODY_LIMIT,
    onError: () => {
      throw new PayloadTooLargeError(`La requête dépasse ${JSON_BODY_LIMIT / 1024} Ko.`);
    },
  });
  // A GET or HEAD has no body to bound (fetch's Request refuses one), and asking the
  // request for its body would build a whole WHATWG Request on every read.
  app.on(['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'], `${API_PREFIX}/*`, async (c, next) => {
    if (streamed.some((re) => re.test(c.req.path))) return next();
    return limit(c, next);
  });
  app.use(`${API_PREFIX}/*`, sessionMiddleware());
  app.use(`${API_PREFIX}/spaces/:space`, spaceGate());
  app.use(`${API_PREFIX}/spaces/:space/*`, spaceGate());

  for (const room of opts.rooms) app.route(API_PREFIX, room);

  app.doc31(`${API_PREFIX}/openapi.json`, {
    openapi: '3.1.0',
    info: { title: 'Solidaire — API du poste de travail', version: opts.version ?? '0.1.0' },
  });
  app.all(`${API_PREFIX}/*`, () => {
    throw new NotFoundError("Cette adresse de l'API n'existe pas.");
  });
  app.get('*', workspace(opts.workspaceDir));
  return app;
}
