/** Threads within a space: list, start, read, answer. */
import { createRoute, z } from '@hono/zod-openapi';
import { actorOf, commitChange, newRouter, requireSpace } from '../http/context.js';
import { cachedJson, notModified } from '../http/response-cache.js';
import { errorResponses, json, jsonBody, SpaceIdParams, SpaceParams } from '../http/schemas.js';
import { NotFoundError } from '../errors/index.js';
import { MessageSchema, NewReply, NewThread, ThreadDetail, ThreadSchema } from './schemas.js';
import { messagingOf } from './service.js';
import { addOutboxRoutes } from './outbox-routes.js';

const threadNotFound = (id: string) => new NotFoundError(`La discussion « ${id} » est introuvable dans cet espace.`);

export function messagesRoutes() {
  const r = newRouter();

  r.openapi(
    createRoute({
      method: 'get',
      path: '/spaces/{space}/threads',
      tags: ['messages'],
      summary: "Discussions de l'espace, les plus récentes d'abord",
      request: { params: SpaceParams },
      responses: { 200: json(z.object({ threads: z.array(ThreadSchema) })), ...errorResponses, ...notModified },
    }),
    (c) => {
      const { space } = c.req.valid('param');
      requireSpace(c, space, 'read');
      return cachedJson(c, space, () => ({ threads: messagingOf(c.get('services')).threads.list(space) }));
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/spaces/{space}/threads',
      tags: ['messages'],
      summary: 'Ouvrir une discussion',
      request: { params: SpaceParams, body: jsonBody(NewThread) },
      responses: { 201: json(z.object({ thread: ThreadSchema, message: MessageSchema })), ...errorResponses },
    }),
    async (c) => {
      const { space } = c.req.valid('param');
      const { threads } = messagingOf(c.get('services'));
      const started = await commitChange(c, () => requireSpace(c, space, 'write'), ({ account }) => {
        const { subject, body } = c.req.valid('json');
        return threads.start(space, actorOf(account), subject, body);
      });
      return c.json(started, 201);
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/spaces/{space}/threads/{id}',
      tags: ['messages'],
      summary: "Lire une discussion, dans l'ordre des messages",
      request: { params: SpaceIdParams },
      responses: { 200: json(ThreadDetail), ...errorResponses },
    }),
    (c) => {
      const { space, id } = c.req.valid('param');
      requireSpace(c, space, 'read');
      const thread = messagingOf(c.get('services')).threads.get(space, id);
      if (!thread) throw threadNotFound(id);
      return c.json(thread, 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/spaces/{space}/threads/{id}/messages',
      tags: ['messages'],
      summary: 'Répondre dans une discussion',
      request: { params: SpaceIdParams, body: jsonBody(NewReply) },
      responses: { 201: json(MessageSchema), ...errorResponses },
    }),
    async (c) => {
      const { space, id } = c.req.valid('param');
      const { threads } = messagingOf(c.get('services'));
      const message = await commitChange(c, () => requireSpace(c, space, 'write'), ({ account }) => {
        if (!threads.exists(space, id)) throw threadNotFound(id);
        return threads.reply(space, id, actorOf(account), c.req.valid('json').body);
      });
      return c.json(message, 201);
    },
  );

  addOutboxRoutes(r);
  return r;
}
