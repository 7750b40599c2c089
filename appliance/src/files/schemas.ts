/** The files room's wire shapes, for validation and for the OpenAPI document. */
import { z } from '@hono/zod-openapi';
import { ErrorSchema, SpaceParams } from '../http/schemas.js';

// Names are checked in names.ts (plain French messages); zod only bounds their length.
const nameParam = z.string().max(1024).openapi({ example: 'Compte rendu réunion.pdf' });
const folderParam = z.string().max(2048).openapi({ example: 'Comptes/2026' });

export const FileSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    folder: z.string().openapi({ description: 'Chemin du dossier, "" pour la racine' }),
    sha256: z.string(),
    size: z.number().int(),
    type: z.string(),
    createdBy: z.string(),
    createdByName: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('File');

export const FileList = z
  .object({
    files: z.array(FileSchema),
    folders: z.array(z.string()).openapi({ description: 'Sous-dossiers (chemins complets)' }),
    usedBytes: z.number().int(),
    quotaBytes: z.number().int(),
  })
  .openapi('FileList');

export const UploadQuery = z.object({ name: nameParam, folder: folderParam.optional() });
export const ListQuery = z.object({ folder: folderParam.optional() });
export const FilePatch = z
  .object({ name: nameParam.optional(), folder: folderParam.optional() })
  .openapi('FilePatch');

export const FilesParams = SpaceParams;

export const binaryBody = {
  required: true,
  description: 'Le contenu brut du fichier (pas de multipart) ; Content-Type donne son type.',
  content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } },
} as const;

export const binaryContent = (description: string) => ({
  description,
  content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } },
});

export const tooLarge = { description: 'Quota de l’espace dépassé', content: { 'application/json': { schema: ErrorSchema } } };
export const rangeError = { description: 'Plage hors du fichier', content: { 'application/json': { schema: ErrorSchema } } };
