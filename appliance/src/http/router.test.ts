import { createRoute, z } from '@hono/zod-openapi';
import { describe, expect, it } from 'vitest';
import { newRouter } from './router.js';

function room() {
  const r = newRouter();
  r.openapi(
    createRoute({
      method: 'get',
      path: '/spaces/{space}/things',
      request: {
        params: z.object({ space: z.string().regex(/^[a-z]+$/, 'minuscules seulement').openapi({ param: { name: 'space', in: 'path' } }) }),
        query: z.object({ tag: z.union([z.string(), z.array(z.string())]).optional(), year: z.coerce.number().int().optional() }),
      },
      responses: { 200: { description: 'ok' } },
    }),
    (c) => c.json({ param: c.req.valid('param'), query: c.req.valid('query') }, 200),
  );
  return r;
}

describe('newRouter: path and query checked at once', () => {
  it('hands the checked values to the handler, with zod transforms applied and repeated keys kept', async () => {
    const res = await room().request('/spaces/gavinane/things?tag=a&tag=b&year=2026');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ param: { space: 'gavinane' }, query: { tag: ['a', 'b'], year: 2026 } });
  });

  it('answers a bad path or query with the usual 400 in plain words, and never reaches the handler', async () => {
    const badPath = await room().request('/spaces/Gavinane/things');
    expect(badPath.status).toBe(400);
    const body = (await badPath.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('invalid_input');
    expect(body.error.message).toContain('space');
    expect(body.error.message).toContain('minuscules seulement');

    const badQuery = await room().request('/spaces/gavinane/things?year=deux-mille');
    expect(badQuery.status).toBe(400);
    expect(((await badQuery.json()) as { error: { message: string } }).error.message).toContain('year');
  });

  it('still describes the path and query parameters in the OpenAPI document', () => {
    const doc = room().getOpenAPI31Document({ openapi: '3.1.0', info: { title: 't', version: '1' } });
    const op = doc.paths?.['/spaces/{space}/things']?.get;
    const names = (op?.parameters ?? []).map((p) => ('name' in p ? `${p.in}:${p.name}` : ''));
    expect(names).toEqual(expect.arrayContaining(['path:space', 'query:tag', 'query:year']));
  });
});
