/**
 * Content packs over HTTP, in the commons only. Members read the packs and open their
 * files (GET /spaces/commons/files/{id}/content, with Range); the commons' admins make
 * packs, add files to them and pin them to sites.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { actorOf, newRouter, requireSpace, type ApiContext, type Services } from '../http/context.js';
import { errorResponses, idSchema, json, jsonBody, spaceIdSchema } from '../http/schemas.js';
import { NotFoundError } from '../errors/index.js';
import { binaryBody, fileName, filesOf, mediaTypeOf, quotaError, tooLarge } from '../files/index.js';
import { siteIdSchema } from '../bundle/index.js';
import { ContentPacks, evictContent } from './packs.js';

/** Upload paths whose bodies are streamed (see rooms.ts). */
export const CONTENT_STREAMED_BODIES: RegExp[] = [/^\/api\/v1\/spaces\/[^/]+\/packs\/[^/]+\/items\/?$/];

const ItemSchema = z
  .object({ id: z.string(), name: z.string(), type: z.string(), size: z.number().int(), sha256: z.string(), present: z.boolean() })
  .openapi('PackItem');
const PackSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    description: z.string(),
    createdByName: z.string(),
    itemCount: z.number().int(),
    bytes: z.number().int(),
    presentBytes: z.number().int().openapi({ description: 'Octets déjà présents sur cette boîte' }),
    pinnedHere: z.boolean(),
    pinnedTo: z.array(z.string()).openapi({ description: 'Sites qui gardent ce paquet' }),
  })
  .openapi('Pack');
const PackDetailSchema = PackSchema.extend({ items: z.array(ItemSchema) }).openapi('PackDetail');
const PackInput = z
  .object({ title: z.string().trim().min(1, 'Donnez un titre au paquet.').max(200), description: z.string().max(5000).default('') })
  .openapi('PackInput');

const space = spaceIdSchema.openapi({ param: { name: 'space', in: 'path' } });
const pack = idSchema.openapi({ param: { name: 'pack', in: 'path' } });
const SpaceP = z.object({ space });
const PackP = z.object({ space, pack });
const PinP = z.object({ space, pack, site: siteIdSchema.openapi({ param: { name: 'site', in: 'path' } }) });
const ItemQuery = z.object({ name: z.string().max(1024).openapi({ example: 'Formation compta — vidéo 1.mp4' }) });

const tags = ['content'];

// One ContentPacks per appliance.
const perBox = new WeakMap<Services, ContentPacks>();

function packsOf(c: ApiContext): ContentPacks {
  const s = c.get('services');
  let packs = perBox.get(s);
  if (!packs) perBox.set(s, (packs = new ContentPacks({ db: s.db, log: s.log, files: filesOf(c), blobs: s.blobs, random: s.random, siteId: s.site.id })));
  return packs;
}

/** The space, which must be the commons: packs are shared through it. */
function commons(c: ApiContext, id: string, need: 'read' | 'admin') {
  const allowed = requireSpace(c, id, need);
  if (allowed.space.kind !== 'commons') throw new NotFoundError('Les paquets de contenu se trouvent dans la base commune.');
  return allowed;
}

/** Bytes of unpinned pack content a box keeps as a cache (evicted least recently used first). */
export const CONTENT_CACHE_BYTES = 4 * 1024 ** 3;

export function contentRoutes() {
  const r = newRouter();

  r.openapi(
    createRoute({ method: 'get', path: '/spaces/{space}/packs', tags, summary: 'Paquets de contenu de la base commune', request: { params: SpaceP }, responses: { 200: json(z.object({ packs: z.array(PackSchema) })), ...errorResponses } }),
    (c) => {
      const { space: s } = commons(c, c.req.valid('param').space, 'read');
      return c.json({ packs: packsOf(c).list(s.id) }, 200);
    },
  );

  r.openapi(
    createRoute({ method: 'post', path: '/spaces/{space}/packs', tags, summary: 'Créer un paquet de contenu', request: { params: SpaceP, body: jsonBody(PackInput) }, responses: { 201: json(PackDetailSchema), ...errorResponses } }),
    (c) => {
      const { account, space: s } = commons(c, c.req.valid('param').space, 'admin');
      return c.json(packsOf(c).create(s.id, c.req.valid('json'), actorOf(account)), 201);
    },
  );

  r.openapi(
    createRoute({ method: 'get', path: '/spaces/{space}/packs/{pack}', tags, summary: "Un paquet et ses fichiers (présents ici ou non)", request: { params: PackP }, responses: { 200: json(PackDetailSchema), ...errorResponses } }),
    (c) => {
      const p = c.req.valid('param');
      const { space: s } = commons(c, p.space, 'read');
      return c.json(packsOf(c).get(s.id, p.pack), 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/spaces/{space}/packs/{pack}/items',
      tags,
      summary: 'Ajouter un fichier au paquet (corps brut, en flux)',
      request: { params: PackP, query: ItemQuery, body: binaryBody },
      responses: { 201: json(ItemSchema), ...errorResponses, 413: tooLarge },
    }),
    async (c) => {
      const p = c.req.valid('param');
      const { account, space: s } = commons(c, p.space, 'admin');
      const name = fileName(c.req.valid('query').name);
      const files = filesOf(c);
      const declared = Number(c.req.header('content-length'));
      if (Number.isFinite(declared) && declared > s.quotaBytes - files.usedBytes(s.id)) throw quotaError(s.quotaBytes);
      const body: AsyncIterable<Uint8Array> = c.req.raw.body ?? (async function* () {})();
      const item = await packsOf(c).addItem(s.id, s.quotaBytes, p.pack, { name, type: mediaTypeOf(c.req.header('content-type')), by: actorOf(account) }, body);
      return c.json(item, 201);
    },
  );

  r.openapi(
    createRoute({ method: 'put', path: '/spaces/{space}/packs/{pack}/pins/{site}', tags, summary: 'Épingler le paquet à un site : il le gardera', request: { params: PinP }, responses: { 200: json(PackDetailSchema), ...errorResponses } }),
    (c) => {
      const p = c.req.valid('param');
      const { account, space: s } = commons(c, p.space, 'admin');
      return c.json(packsOf(c).pin(s.id, p.pack, p.site, actorOf(account)), 200);
    },
  );

  r.openapi(
    createRoute({ method: 'delete', path: '/spaces/{space}/packs/{pack}/pins/{site}', tags, summary: 'Désépingler : le site pourra libérer la place', request: { params: PinP }, responses: { 200: json(PackDetailSchema), ...errorResponses } }),
    (c) => {
      const p = c.req.valid('param');
      const { account, space: s } = commons(c, p.space, 'admin');
      const detail = packsOf(c).unpin(s.id, p.pack, p.site, actorOf(account));
      const { db, blobs } = c.get('services');
      evictContent(db, blobs, CONTENT_CACHE_BYTES);
      return c.json(detail, 200);
    },
  );

  return r;
}
