/** The documents room's wire shapes: they validate requests and make the OpenAPI document. */
import { z } from '@hono/zod-openapi';
import { SpaceIdParams } from '../http/schemas.js';

/** About 1 MB of Markdown; the API's body limit (1 MiB) stops anything far larger first. */
export const MAX_TEXT = 1_000_000;
export const MAX_TITLE = 200;

const title = z.string().trim().min(1, 'le titre est vide').max(MAX_TITLE);
const text = z.string().max(MAX_TEXT);
const version = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const NewDocument = z.object({ title, text: text.optional() }).openapi('NewDocument');

export const DocumentChange = z
  .object({
    title: title.optional(),
    text: text.optional(),
    baseVersion: version.openapi({ description: 'La `version` reçue en ouvrant le document (0 pour un document vide).' }),
  })
  .openapi('DocumentChange');

export const DocumentSummarySchema = z
  .object({ id: z.string(), title: z.string(), updatedAt: z.number(), updatedBy: z.string(), length: z.number() })
  .openapi('DocumentSummary');

export const DocumentSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    text: z.string(),
    version: version.openapi({ description: 'Jeton opaque à renvoyer comme baseVersion en enregistrant.' }),
    updatedAt: z.number(),
    updatedBy: z.string(),
  })
  .openapi('Document');

export const VersionSchema = z
  .object({ version: z.number(), at: z.number(), byName: z.string(), author: z.string() })
  .openapi('DocumentVersion');

export const VersionTextSchema = VersionSchema.extend({ text: z.string() }).openapi('DocumentVersionText');

export const VersionParams = SpaceIdParams.extend({
  version: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).openapi({ param: { name: 'version', in: 'path' }, type: 'integer' }),
});

export type DocumentSummary = z.infer<typeof DocumentSummarySchema>;
export type DocumentView = z.infer<typeof DocumentSchema>;
export type VersionView = z.infer<typeof VersionSchema>;
export type VersionText = z.infer<typeof VersionTextSchema>;
