/** Schemas shared by every room's routes: errors, ids, common parameters. */
import { z } from '@hono/zod-openapi';
import '../errors/french-zod.js';

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'not_found' }),
      message: z.string().openapi({ example: 'Ce document est introuvable.' }),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .openapi('Error');

/** Error responses most routes can give, for the OpenAPI document. */
export const errorResponses = {
  400: { description: 'Donnée invalide', content: { 'application/json': { schema: ErrorSchema } } },
  401: { description: 'Non connecté', content: { 'application/json': { schema: ErrorSchema } } },
  403: { description: 'Interdit', content: { 'application/json': { schema: ErrorSchema } } },
  404: { description: 'Introuvable', content: { 'application/json': { schema: ErrorSchema } } },
} as const;

export const idSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'identifiant invalide');

export const spaceIdSchema = z
  .string()
  .min(2)
  .max(40)
  .regex(/^[a-z0-9][a-z0-9-]*$/, "identifiant d'espace invalide (minuscules, chiffres, tirets)")
  .openapi({ example: 'givors-gavinane' });

export const SpaceParams = z.object({ space: spaceIdSchema.openapi({ param: { name: 'space', in: 'path' } }) });
export const SpaceIdParams = z.object({
  space: spaceIdSchema.openapi({ param: { name: 'space', in: 'path' } }),
  id: idSchema.openapi({ param: { name: 'id', in: 'path' } }),
});

export const OkSchema = z.object({ ok: z.literal(true) }).openapi('Ok');

export function json<T extends z.ZodType>(schema: T, description = 'OK') {
  return { description, content: { 'application/json': { schema } } };
}

export function jsonBody<T extends z.ZodType>(schema: T) {
  return { required: true, content: { 'application/json': { schema } } };
}
