/**
 * The relay's HTTP API (hono), for the volunteers in Grigny and for enrolling boxes:
 *
 *   GET  /healthz
 *   POST /api/v1/enroll                    a box enrolls with the token of its file (no login)
 *   GET  /api/v1/sites                     every site, enrolled or not          (admin)
 *   POST /api/v1/sites                     create a site → its enrollment file  (admin)
 *   GET  /api/v1/sites/{id}                one site                             (admin)
 *   POST /api/v1/sites/{id}/enrollment     a new enrollment file (not enrolled yet) (admin)
 *   DELETE /api/v1/sites/{id}              revoke a site: broker and hub refuse it (admin)
 *   POST /api/v1/sites/{id}/commands       send a command (sync-now, collect-logs,
 *                                          set-config, restart): queued until the site is back (admin)
 *   GET  /api/v1/sites/{id}/commands       the site's commands, newest first (admin)
 *   GET  /api/v1/commands/{id}             one command, its state and result (admin)
 *   GET  /api/v1/alerts[?active=true]      alerts raised and cleared, newest first (admin)
 *   GET  /api/v1/sites/{id}/alerts         one site's alerts (admin)
 *   GET  /api/v1/sites/{id}/health         the newest sample and the metrics known (admin)
 *   GET  /api/v1/sites/{id}/health/{metric}?period=24h|7d|30d|365d   a metric's history (admin)
 *   POST /api/v1/releases                  offer a release to every box (the raw file; its
 *                                          signature checked first)              (admin)
 *   GET  /api/v1/releases                  the releases offered, newest first    (admin)
 *   GET  /metrics                          Prometheus text (admin)
 *   GET  /*                                the fleet dashboard (dashboard.ts; its own login)
 *
 * Admin routes want `Authorization: Bearer <token>`, the relay's admin token (a file in
 * its data folder, printed at start). Errors are { error: { code, message } } in French.
 */
import { timingSafeEqual } from 'node:crypto';
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { onError, errorBody } from '@solidaire/appliance/http';
import { UnauthenticatedError, ValidationError } from '@solidaire/appliance/errors';
import { grantSpacesSchema } from '@solidaire/appliance/federation';
import { enrollRequestSchema, type EnrollmentFile, type EnrollResponse } from '@solidaire/appliance/relay-link';
import type { Site } from './registry.js';
import type { CommandView, Presence } from './fleet.js';
import type { AlertView } from './alerts.js';
import type { ReleaseView } from './releases.js';
import { dashboard } from './dashboard.js';

export interface RelayApi {
  adminToken: string;
  sites(): Site[];
  site(id: string): Site;
  create(input: { name: string; spaces: Record<string, 'host' | 'carry'> }): { site: Site; file: EnrollmentFile };
  renew(id: string): { site: Site; file: EnrollmentFile };
  enroll(req: z.infer<typeof enrollRequestSchema>): Promise<EnrollResponse>;
  revoke(id: string): Promise<Site>;
  online(siteKey: string): boolean;
  presence(siteKey: string): Presence;
  sendCommand(site: string, action: string, args: Record<string, unknown>): Promise<CommandView>;
  commands(site: string): CommandView[];
  command(id: string): CommandView;
  metrics(): string;
  publishRelease(body: ReadableStream<Uint8Array>): Promise<ReleaseView>;
  releases(): ReleaseView[];
  alerts(opts: { site?: string; active?: boolean }): AlertView[];
  health(site: string): { latest: { at: number; values: Record<string, number> } | null; metrics: string[] };
  series(site: string, metric: string, periodMs: number): Array<{ at: number; min: number; max: number; mean: number }>;
}

const SiteSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    spaces: z.record(z.string(), z.enum(['host', 'carry'])),
    siteKey: z.string().nullable(),
    createdAt: z.number(),
    enrolledAt: z.number().nullable(),
    revokedAt: z.number().nullable(),
    tokenExpires: z.number().nullable(),
    online: z.boolean(),
    lastSeen: z.number().nullable(),
    version: z.string().nullable(),
    update: z.unknown().openapi({ description: 'Ce que le site a dit de ses mises à jour : version en service, dernière version reçue (demandée, en attente, refusée et pourquoi), dernière installation (installée, annulée et pourquoi)' }),
  })
  .openapi('Site');
const ReleaseSchema = z.object({ version: z.string(), sha256: z.string(), size: z.number(), publishedAt: z.number() }).openapi('Release');
const CommandSchema = z
  .object({
    id: z.string(),
    site: z.string(),
    action: z.string(),
    args: z.record(z.string(), z.unknown()),
    state: z.enum(['queued', 'done', 'failed']),
    createdAt: z.number(),
    doneAt: z.number().nullable(),
    result: z.object({ ok: z.boolean(), output: z.unknown().optional(), error: z.string().optional(), at: z.number().optional() }).nullable(),
  })
  .openapi('Command');
const SendCommand = z
  .object({ action: z.enum(['sync-now', 'collect-logs', 'set-config', 'restart']), args: z.record(z.string(), z.unknown()).default({}) })
  .openapi('SendCommand');
const AlertSchema = z
  .object({ id: z.string(), site: z.string(), rule: z.string(), message: z.string(), value: z.number().nullable(), raisedAt: z.number(), clearedAt: z.number().nullable() })
  .openapi('Alert');
const AlertQuery = z.object({ active: z.enum(['true', 'false']).optional() });
const PERIODS = { '24h': 24 * 3600_000, '7d': 7 * 24 * 3600_000, '30d': 30 * 24 * 3600_000, '365d': 365 * 24 * 3600_000 } as const;
const SeriesParams = z.object({
  id: z.string().min(1).max(64).openapi({ param: { name: 'id', in: 'path' } }),
  metric: z.string().min(1).max(64).regex(/^[A-Za-z0-9_.]+$/, 'nom de mesure invalide').openapi({ param: { name: 'metric', in: 'path' } }),
});
const SeriesQuery = z.object({ period: z.enum(['24h', '7d', '30d', '365d']).default('24h') });
const CommandParams = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: 'id', in: 'path' } }) });
const CreateSite = z
  .object({
    name: z.string().trim().min(1, 'Donnez un nom au site.').max(200),
    spaces: grantSpacesSchema.default({}),
  })
  .openapi('CreateSite');
const Created = z.object({ site: SiteSchema, enrollment: z.record(z.string(), z.unknown()) });
const IdParams = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: 'id', in: 'path' } }) });
const ErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
const errors = {
  400: { description: 'Requête invalide', content: { 'application/json': { schema: ErrorSchema } } },
  401: { description: 'Jeton d’administration manquant ou faux', content: { 'application/json': { schema: ErrorSchema } } },
  403: { description: 'Refusé', content: { 'application/json': { schema: ErrorSchema } } },
  404: { description: 'Inconnu', content: { 'application/json': { schema: ErrorSchema } } },
  409: { description: 'Conflit', content: { 'application/json': { schema: ErrorSchema } } },
};
const json = <T extends z.ZodType>(schema: T, description = 'OK') => ({ description, content: { 'application/json': { schema } } });
const body = <T extends z.ZodType>(schema: T) => ({ required: true, content: { 'application/json': { schema } } });

export function relayApp(api: RelayApi, log: (e: unknown) => void = () => {}, opts: { readonly dashboardDir?: string } = {}) {
  const app = new OpenAPIHono({
    defaultHook: (result) => {
      if (!result.success) {
        const issue = result.error.issues[0];
        throw new ValidationError(`${issue?.path.join('.') || 'requête'} : ${issue?.message ?? 'invalide'}`);
      }
    },
  });
  app.onError(onError((e) => log(e)));
  app.notFound((c) => c.json(errorBody('not_found', "Cette adresse n'existe pas sur le relais."), 404));

  const admin = (authorization: string | undefined) => {
    const given = Buffer.from(/^Bearer (.+)$/.exec(authorization ?? '')?.[1] ?? '');
    const expected = Buffer.from(api.adminToken);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new UnauthenticatedError("Il faut le jeton d'administration du relais (en-tête Authorization: Bearer …).");
    }
  };
  const view = (s: Site) => {
    const p = s.siteKey ? api.presence(s.siteKey) : { lastSeen: null, version: null, update: null };
    return { ...s, online: s.siteKey !== null && api.online(s.siteKey), lastSeen: p.lastSeen, version: p.version, update: p.update };
  };

  app.get('/healthz', (c) => c.json({ ok: true }));

  app.openapi(
    createRoute({ method: 'post', path: '/api/v1/enroll', tags: ['enrollment'], summary: "Inscription d'une boîte avec son fichier", request: { body: body(enrollRequestSchema) }, responses: { 200: json(z.record(z.string(), z.unknown())), ...errors } }),
    async (c) => c.json(await api.enroll(c.req.valid('json')), 200),
  );

  app.openapi(
    createRoute({ method: 'get', path: '/api/v1/sites', tags: ['sites'], summary: 'Tous les sites', responses: { 200: json(z.object({ sites: z.array(SiteSchema) })), ...errors } }),
    (c) => {
      admin(c.req.header('authorization'));
      return c.json({ sites: api.sites().map(view) }, 200);
    },
  );

  app.openapi(
    createRoute({ method: 'post', path: '/api/v1/sites', tags: ['sites'], summary: "Créer un site et son fichier d'inscription", request: { body: body(CreateSite) }, responses: { 201: json(Created), ...errors } }),
    (c) => {
      admin(c.req.header('authorization'));
      const { site, file } = api.create(c.req.valid('json'));
      return c.json({ site: view(site), enrollment: file }, 201);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/api/v1/sites/{id}', tags: ['sites'], summary: 'Un site', request: { params: IdParams }, responses: { 200: json(SiteSchema), ...errors } }),
    (c) => {
      admin(c.req.header('authorization'));
      return c.json(view(api.site(c.req.valid('param').id)), 200);
    },
  );

  app.openapi(
    createRoute({ method: 'post', path: '/api/v1/sites/{id}/enrollment', tags: ['sites'], summary: "Un nouveau fichier d'inscription", request: { params: IdParams }, responses: { 200: json(Created), ...errors } }),
    (c) => {
      admin(c.req.header('authorization'));
      const { site, file } = api.renew(c.req.valid('param').id);
      return c.json({ site: view(site), enrollment: file }, 200);
    },
  );

  app.openapi(
    createRoute({ method: 'delete', path: '/api/v1/sites/{id}', tags: ['sites'], summary: 'Révoquer un site', request: { params: IdParams }, responses: { 200: json(SiteSchema), ...errors } }),
    async (c) => {
      admin(c.req.header('authorization'));
      return c.json(view(await api.revoke(c.req.valid('param').id)), 200);
    },
  );

  app.openapi(
    createRoute({ method: 'post', path: '/api/v1/sites/{id}/commands', tags: ['commands'], summary: 'Envoyer une commande à un site', request: { params: IdParams, body: body(SendCommand) }, responses: { 201: json(CommandSchema), ...errors } }),
    async (c) => {
      admin(c.req.header('authorization'));
      const { action, args } = c.req.valid('json');
      return c.json(await api.sendCommand(c.req.valid('param').id, action, args), 201);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/api/v1/sites/{id}/commands', tags: ['commands'], summary: "Les commandes d'un site", request: { params: IdParams }, responses: { 200: json(z.object({ commands: z.array(CommandSchema) })), ...errors } }),
    (c) => {
      admin(c.req.header('authorization'));
      return c.json({ commands: api.commands(c.req.valid('param').id) }, 200);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/api/v1/commands/{id}', tags: ['commands'], summary: 'Une commande, son état, son résultat', request: { params: CommandParams }, responses: { 200: json(CommandSchema), ...errors } }),
    (c) => {
      admin(c.req.header('authorization'));
      return c.json(api.command(c.req.valid('param').id), 200);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/api/v1/alerts', tags: ['alerts'], summary: 'Alertes (actives seulement avec active=true)', request: { query: AlertQuery }, responses: { 200: json(z.object({ alerts: z.array(AlertSchema) })), ...errors } }),
    (c) => {
      admin(c.req.header('authorization'));
      return c.json({ alerts: api.alerts({ active: c.req.valid('query').active === 'true' }) }, 200);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/api/v1/sites/{id}/alerts', tags: ['alerts'], summary: "Les alertes d'un site", request: { params: IdParams, query: AlertQuery }, responses: { 200: json(z.object({ alerts: z.array(AlertSchema) })), ...errors } }),
    (c) => {
      admin(c.req.header('authorization'));
      const site = api.site(c.req.valid('param').id);
      return c.json({ alerts: api.alerts({ site: site.id, active: c.req.valid('query').active === 'true' }) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/sites/{id}/health',
      tags: ['health'],
      summary: "Dernier relevé de santé d'un site",
      request: { params: IdParams },
      responses: { 200: json(z.object({ latest: z.object({ at: z.number(), values: z.record(z.string(), z.number()) }).nullable(), metrics: z.array(z.string()) })), ...errors },
    }),
    (c) => {
      admin(c.req.header('authorization'));
      return c.json(api.health(api.site(c.req.valid('param').id).id), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/sites/{id}/health/{metric}',
      tags: ['health'],
      summary: "Historique d'une mesure : brut sur 24 h, par heure au-delà",
      request: { params: SeriesParams, query: SeriesQuery },
      responses: { 200: json(z.object({ metric: z.string(), period: z.string(), points: z.array(z.object({ at: z.number(), min: z.number(), max: z.number(), mean: z.number() })) })), ...errors },
    }),
    (c) => {
      admin(c.req.header('authorization'));
      const { id, metric } = c.req.valid('param');
      const { period } = c.req.valid('query');
      return c.json({ metric, period, points: api.series(api.site(id).id, metric, PERIODS[period]) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/releases',
      tags: ['releases'],
      summary: 'Proposer une version à toutes les boîtes (le fichier brut) : sa signature est vérifiée d’abord',
      request: { body: { required: true, content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } } } },
      responses: { 201: json(ReleaseSchema), ...errors },
    }),
    async (c) => {
      admin(c.req.header('authorization'));
      const raw = c.req.raw.body;
      if (!raw) throw new ValidationError('Il faut le fichier de la version en corps de requête.');
      return c.json(await api.publishRelease(raw), 201);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/api/v1/releases', tags: ['releases'], summary: 'Les versions proposées, la plus récente d’abord', responses: { 200: json(z.object({ releases: z.array(ReleaseSchema) })), ...errors } }),
    (c) => {
      admin(c.req.header('authorization'));
      return c.json({ releases: api.releases() }, 200);
    },
  );

  app.get('/metrics', (c) => {
    admin(c.req.header('authorization'));
    return c.text(api.metrics(), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
  });

  app.doc('/api/v1/openapi.json', { openapi: '3.0.0', info: { title: 'Solidaire — relais', version: '0.1.0' } });
  // Last, so that no route above changes; API paths fall through it to notFound.
  app.get('*', dashboard(opts.dashboardDir));
  return app;
}
