/**
 * The workspace's HTTP application: /healthz, the JSON API under /api/v1 and its OpenAPI
 * document, and the workspace web app (static.ts) at every other address. Rooms bring
 * their own routers; this file only wires them and the edges (captive page, security
 * headers, sessions, the space gate, body limits, errors).
 *
 * Two doors, each in one place:
 *  - the edge wraps the app's fetch: every request, known or not, passes the captive check
 *    and every answer gets the security headers;
 *  - every route of every room is mounted here as one step, its guard first (session,
 *    CSRF, space gate, body limit), then the room's own steps. A route can only be reached
 *    through its guard, and hono calls a route that is its only step directly, so a read
 *    that answers at once (a list from the response cache) goes out in the request's own
 *    turn, with no promise in between: middleware layers (app.use) cost a third of such a
 *    read here, and a catch-all route (the web app, the API's 404) would make every route
 *    a chain again, so those are answered by notFound.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Handler, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { RegExpRouter } from 'hono/router/reg-exp-router';
import { PayloadTooLargeError } from '../errors/index.js';
import { revalidateMemos, sql } from '../db/index.js';
import { errorBody, onError, validationHook, type ErrorLogger } from './errors.js';
import { readSession } from './session.js';
import { addSecurityHeaders } from './security-headers.js';
import { captivePortal } from './captive.js';
import { gateSpace } from './space-gate.js';
import { workspace } from './static.js';
import { headerOf } from './request-header.js';
import type { ApiContext, ApiEnv, Services } from './context.js';

export const API_PREFIX = '/api/v1';
export const JSON_BODY_LIMIT = 1024 * 1024;
/** How late a commit by another process (the CLI beside the running box) may show in answers. */
export const REVALIDATE_MS = 50;

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
  const { services } = opts;

  app.onError(onError(logError));
  const webApp = workspace(opts.workspaceDir);
  app.notFound(async (c) => {
    const path = c.req.path;
    if (path === API_PREFIX || path.startsWith(`${API_PREFIX}/`)) return c.json(errorBody('not_found', "Cette adresse de l'API n'existe pas."), 404);
    // Every other page view is the workspace web app's (its files, or its index for its own routes).
    const page = await webApp(c, async () => undefined);
    return page ?? c.json(errorBody('not_found', "Cette adresse n'existe pas."), 404);
  });

  app.get('/healthz', (c) => {
    const { db, site } = services;
    sql(db, 'SELECT 1').get();
    return c.json({ ok: true, siteId: site.id, siteName: site.name, setUp: site.isSetUp, version: opts.version ?? null });
  });

  // The rooms, gathered with their full paths and OpenAPI definitions (the document below).
  const api = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });
  for (const room of opts.rooms) api.route(API_PREFIX, room);
  const guard = apiGuard(services, opts.streamedBodies ?? []);
  for (const { method, path, steps } of routesOf(api)) app.on(method, path, guard(path, steps));

  app.get(`${API_PREFIX}/openapi.json`, (c) =>
    c.json(api.getOpenAPI31Document({ openapi: '3.1.0', info: { title: 'Solidaire — API du poste de travail', version: opts.version ?? '0.1.0' } })),
  );

  // The edge, around every request (routes, notFound, errors).
  const portal = captivePortal(opts.publicNames);
  const dispatch = app.fetch;
  const secure = (res: Response) => {
    addSecurityHeaders(res);
    return res;
  };
  app.fetch = (request, env, ctx) => {
    const elsewhere = portal.check(headerOf(request, env, 'host'), request.method);
    if (elsewhere) return elsewhere;
    // Memos (site, spaces, roles, sessions, cached lists) forget what another process
    // changed in the file: checked at most every REVALIDATE_MS (db/memo.ts, Cadence).
    revalidateMemos(services.db, { now: services.clock.now(), everyMs: REVALIDATE_MS });
    const res = dispatch(request, env, ctx);
    return res instanceof Promise ? res.then(secure) : secure(res);
  };
  return app;
}

interface Route {
  readonly method: string;
  readonly path: string;
  readonly steps: Handler<ApiEnv>[];
}

/** The routes of `api`, each with its steps in their order (validators, then the handler). */
function routesOf(api: OpenAPIHono<ApiEnv>): Route[] {
  const routes = new Map<string, Route>();
  for (const r of api.routes) {
    const key = `${r.method} ${r.path}`;
    const route = routes.get(key) ?? { method: r.method, path: r.path, steps: [] };
    route.steps.push(r.handler as Handler<ApiEnv>);
    routes.set(key, route);
  }
  return [...routes.values()];
}

/**
 * The guard of the API's routes: the services, the session (and CSRF), the space gate for a
 * route under /spaces/{space}, and the body limit for a request that may carry one (uploads
 * excepted: their rooms bound them). Then the route's own steps.
 */
function apiGuard(services: Services, streamed: readonly RegExp[]) {
  const limit = bodyLimit({
    maxSize: JSON_BODY_LIMIT,
    onError: () => {
      throw new PayloadTooLargeError(`La requête dépasse ${JSON_BODY_LIMIT / 1024} Ko.`);
    },
  });
  return (path: string, steps: Handler<ApiEnv>[]): Handler<ApiEnv> => {
    const run = inOrder(steps);
    const spaced = path.includes('/:space');
    return (c, next) => {
      c.set('services', services);
      readSession(c);
      if (spaced) gateSpace(c);
      // A GET or HEAD has no body to bound (fetch's Request refuses one), and asking the
      // request for its body would build a whole WHATWG Request on every read.
      const m = c.req.method;
      if (m === 'GET' || m === 'HEAD' || streamed.some((re) => re.test(c.req.path))) return run(c, next);
      return limit(c, async () => {
        const res = await run(c, next);
        if (res) c.res = res;
      });
    };
  };
}

/**
 * A route's steps as one handler, with hono's middleware contract: a step answers by
 * returning a Response, or calls `next()` (a promise) and may then return nothing, the
 * answer being `c.res`. A route of one step is that step itself.
 */
function inOrder(steps: Handler<ApiEnv>[]): (c: ApiContext, next: () => Promise<void>) => Response | Promise<Response | void> {
  if (steps.length === 1) {
    const only = steps[0]! as MiddlewareHandler<ApiEnv>;
    return only as (c: ApiContext, next: () => Promise<void>) => Response | Promise<Response | void>;
  }
  return async (c, last) => {
    const step = async (i: number): Promise<void> => {
      const h = steps[i] as MiddlewareHandler<ApiEnv> | undefined;
      if (!h) return last();
      const res = await h(c, () => step(i + 1));
      if (res && !c.finalized) c.res = res;
    };
    await step(0);
    return c.res;
  };
}
