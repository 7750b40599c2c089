/** Threads within a space: list, start, read, answer. */
import { createRoute, z } from '@hono/zod-openapi';
import { actorOf, newRouter, requireSpace } from '../http/context.js';
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
      responses: { 200: json(z.object({ threads: z.array(ThreadSchema) })), ...errorResponses },
    }),
    (c) => {
      const { space } = c.req.valid('param');
      requireSpace(c, space, 'read');
      return c.json({ threads: messagingOf(c.get('services')).threads.list(space) }, 200);
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
    (c) => {
      const { space } = c.req.valid('param');
      const { account } = requireSpace(c, space, 'write');
      const { subject, body } = c.req.valid('json');
      return c.json(messagingOf(c.get('services')).threads.start(space, actorOf(account), subject, body), 201);
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
    (c) => {
      const { space, id } = c.req.valid('param');
      const { account } = requireSpace(c, space, 'write');
      const { threads } = messagingOf(c.get('services'));
      if (!threads.exists(space, id)) throw threadNotFound(id);
      return c.json(threads.reply(space, id, actorOf(account), c.req.valid('json').body), 201);
    },
  );

  addOutboxRoutes(r);
  return r;
}
