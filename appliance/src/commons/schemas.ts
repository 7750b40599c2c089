/** The commons room's wire shapes: what its routes accept and return. */
import { z } from '@hono/zod-openapi';
import { idSchema } from '../http/schemas.js';

export const MAX_TITLE = 200;
export const MAX_SUMMARY = 1_000;
export const MAX_BODY = 100_000;

/** 100000 → « 100 000 » as fr-FR writes it, without loading ICU's number formats at startup (~6 Mo). */
const thousands = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
export const MAX_TAGS = 20;
export const MAX_TAG = 40;
export const MAX_QUERY = 200;

const title = z
  .string()
  .trim()
  .min(1, 'le titre est vide')
  .max(MAX_TITLE, `le titre dépasse ${MAX_TITLE} caractères`)
  .openapi({ example: 'Développement de l’accès à l’énergie solaire au Sahel' });
const summary = z.string().trim().max(MAX_SUMMARY, `le résumé dépasse ${MAX_SUMMARY} caractères`);
const body = z
  .string()
  .max(MAX_BODY, `le texte dépasse ${thousands(MAX_BODY)} caractères`)
  .openapi({ description: 'Texte en Markdown.' });
/** Either a list or one comma-separated string ("énergie, solaire"); normalised by tags.ts. */
const tags = z
  .union([z.array(z.string().max(MAX_TAG * 4)).max(MAX_TAGS * 2), z.string().max(MAX_TAGS * (MAX_TAG + 2))])
  .openapi({ example: ['énergie', 'solaire'] });
const lang = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Za-z]{2,4})?$/, 'code de langue invalide (par exemple « fr », « bm »)')
  .openapi({ example: 'fr' });

export const NewArticle = z
  .object({ title, summary: summary.optional(), body: body.optional(), tags: tags.optional(), lang: lang.optional() })
  .openapi('NewArticle');
export type NewArticleInput = z.infer<typeof NewArticle>;

export const ArticlePatch = z
  .object({ title: title.optional(), summary: summary.optional(), body: body.optional(), tags: tags.optional(), lang: lang.optional() })
  .refine((p) => Object.values(p).some((v) => v !== undefined), { message: 'rien à modifier' })
  .openapi('ArticlePatch');
export type ArticlePatchInput = z.infer<typeof ArticlePatch>;

export const ArticleParams = z.object({ id: idSchema.openapi({ param: { name: 'id', in: 'path' } }) });

const pageLimit = (max: number) => z.coerce.number().int().min(1).max(max).optional();
const pageOffset = z.coerce.number().int().min(0).max(100_000).optional();

export const ListQuery = z.object({
  tag: z.string().trim().min(1).max(MAX_TAG).optional().openapi({ param: { name: 'tag', in: 'query' }, example: 'solaire' }),
  limit: pageLimit(100).openapi({ param: { name: 'limit', in: 'query' }, example: 20 }),
  offset: pageOffset.openapi({ param: { name: 'offset', in: 'query' }, example: 0 }),
});

export const SearchQuery = z.object({
  q: z
    .string()
    .trim()
    .min(1, 'la recherche est vide')
    .max(MAX_QUERY, `la recherche dépasse ${MAX_QUERY} caractères`)
    .openapi({ param: { name: 'q', in: 'query' }, example: 'developpement solaire' }),
  limit: pageLimit(50).openapi({ param: { name: 'limit', in: 'query' }, example: 20 }),
  offset: pageOffset.openapi({ param: { name: 'offset', in: 'query' }, example: 0 }),
});

const person = z.object({ id: z.string(), name: z.string() });

export const ArticleSummarySchema = z
  .object({
    id: z.string(),
    title: z.string(),
    summary: z.string(),
    tags: z.array(z.string()),
    lang: z.string(),
    createdBy: person.nullable(),
    updatedBy: person.nullable(),
    /** Wall-clock milliseconds of the first and the latest change. */
    createdAt: z.number(),
    updatedAt: z.number(),
  })
  .openapi('ArticleSummary');
export type ArticleSummary = z.infer<typeof ArticleSummarySchema>;

export const ArticleSchema = ArticleSummarySchema.extend({ body: z.string() }).openapi('Article');
export type ArticleView = z.infer<typeof ArticleSchema>;

export const ArticleListSchema = z
  .object({ articles: z.array(ArticleSummarySchema), total: z.number().int() })
  .openapi('ArticleList');

export const SearchResultSchema = ArticleSummarySchema.extend({
  snippet: z.string().openapi({
    description: 'Extrait en HTML sûr : le texte est échappé, les mots trouvés sont entre <mark> et </mark>.',
    example: 'Retour d’expérience des kits <mark>solaires</mark> installés à Youri…',
  }),
}).openapi('ArticleSearchResult');
export type SearchResult = z.infer<typeof SearchResultSchema>;

export const SearchResponseSchema = z.object({ results: z.array(SearchResultSchema) }).openapi('ArticleSearch');
