/** First-run setup over the API, and what anyone may know of this box before logging in. */
import { createRoute, z } from '@hono/zod-openapi';
import { newRouter } from '../http/context.js';
import { errorResponses, json, jsonBody } from '../http/schemas.js';
import { performSetup, setupSchema } from './setup.js';

const SiteStatus = z
  .object({ siteId: z.string(), siteName: z.string().nullable(), setUp: z.boolean() })
  .openapi('SiteStatus');

export function setupRoutes() {
  const r = newRouter();

  r.openapi(
    createRoute({ method: 'get', path: '/setup', tags: ['setup'], summary: 'État de la boîte', responses: { 200: json(SiteStatus) } }),
    (c) => {
      const { site } = c.get('services');
      return c.json({ siteId: site.id, siteName: site.name, setUp: site.isSetUp }, 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/setup',
      tags: ['setup'],
      summary: 'Première configuration : nom de la boîte et administrateur',
      request: { body: jsonBody(setupSchema) },
      responses: { 201: json(SiteStatus), 400: errorResponses[400], 409: errorResponses[400] },
    }),
    async (c) => {
      const s = c.get('services');
      await performSetup(s, c.req.valid('json'));
      return c.json({ siteId: s.site.id, siteName: s.site.name, setUp: true }, 201);
    },
  );

  return r;
}
