/** Messages from a space to another space, perhaps hosted at another site. */
import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { actorOf, commitChange, requireSpace, type ApiEnv } from '../http/context.js';
import { errorResponses, json, jsonBody, SpaceParams } from '../http/schemas.js';
import { ValidationError } from '../errors/index.js';
import { NewOutboxMessage, OutboxMessageSchema } from './schemas.js';
import { messagingOf } from './service.js';

/** Adds the outbox routes to the room's router. */
export function addOutboxRoutes(r: OpenAPIHono<ApiEnv>): void {
  r.openapi(
    createRoute({
      method: 'get',
      path: '/spaces/{space}/outbox',
      tags: ['messages'],
      summary: "Messages envoyés par l'espace à d'autres espaces, les plus récents d'abord",
      request: { params: SpaceParams },
      responses: { 200: json(z.object({ messages: z.array(OutboxMessageSchema) })), ...errorResponses },
    }),
    (c) => {
      const { space } = c.req.valid('param');
      requireSpace(c, space, 'read');
      return c.json({ messages: messagingOf(c.get('services')).outbox.list(space) }, 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/spaces/{space}/outbox',
      tags: ['messages'],
      summary: 'Écrire à un autre espace (livré tout de suite s’il est sur cette boîte, sinon à la prochaine synchronisation)',
      request: { params: SpaceParams, body: jsonBody(NewOutboxMessage) },
      responses: { 201: json(OutboxMessageSchema), ...errorResponses },
    }),
    async (c) => {
      const { space } = c.req.valid('param');
      const sent = await commitChange(c, () => requireSpace(c, space, 'write'), ({ account }) => {
        const { to, subject, body } = c.req.valid('json');
        if (to === space) {
          throw new ValidationError("Un message ne peut pas être adressé à son propre espace : ouvrez plutôt une discussion dans l'espace.");
        }
        return messagingOf(c.get('services')).outbox.send(space, to, actorOf(account), subject, body);
      });
      return c.json(sent, 201);
    },
  );
}
