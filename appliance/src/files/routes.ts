/**
 * Files of a space over HTTP. Uploads are the raw request body (not multipart, which a
 * server must buffer or parse), streamed into the blob store; downloads stream the blob
 * back with Range support, so a video of the commons can be watched from the middle.
 */
import { Readable } from 'node:stream';
import { createRoute } from '@hono/zod-openapi';
import { actorOf, newRouter, requireSpace, type ApiContext, type Services } from '../http/context.js';
import { errorResponses, json, jsonBody, OkSchema, SpaceIdParams } from '../http/schemas.js';
import { NotFoundError, RangeNotSatisfiableError } from '../errors/index.js';
import { Files, quotaError, type StoredFile } from './files.js';
import { fileName, folderPath, mediaTypeOf } from './names.js';
import { contentDisposition, etagOf, ifRangeAllows, noneMatch, parseRange } from './http-headers.js';
import { binaryBody, binaryContent, FileList, FilePatch, FileSchema, FilesParams, ListQuery, rangeError, tooLarge, UploadQuery } from './schemas.js';

/** Upload paths whose bodies the app must not buffer or bound at 1 MB (see rooms.ts). */
export const FILES_STREAMED_BODIES: RegExp[] = [/^\/api\/v1\/spaces\/[^/]+\/files\/?$/];

// One Files per appliance: it counts the uploads in flight (see files.ts).
const perBox = new WeakMap<Services, Files>();
/** The box's one Files service (for rooms that store files too: content packs). */
export function filesOf(c: ApiContext): Files {
  const s = c.get('services');
  let files = perBox.get(s);
  if (!files) perBox.set(s, (files = new Files({ db: s.db, log: s.log, blobs: s.blobs, random: s.random })));
  return files;
}

const tags = ['files'];

export function filesRoutes() {
  const r = newRouter();

  r.openapi(
    createRoute({ method: 'get', path: '/spaces/{space}/files', tags, summary: "Fichiers de l'espace (d'un dossier, si donné)", request: { params: FilesParams, query: ListQuery }, responses: { 200: json(FileList), ...errorResponses } }),
    (c) => {
      const { space } = requireSpace(c, c.req.valid('param').space, 'read');
      const raw = c.req.valid('query').folder;
      const folder = raw === undefined ? undefined : folderPath(raw);
      const files = filesOf(c);
      const all = files.list(space.id);
      return c.json(
        {
          files: folder === undefined ? all : all.filter((f) => f.folder === folder),
          folders: foldersUnder(all, folder),
          usedBytes: files.usedBytes(space.id),
          quotaBytes: space.quotaBytes,
        },
        200,
      );
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/spaces/{space}/files',
      tags,
      summary: 'Déposer un fichier (corps brut de la requête, en flux)',
      request: { params: FilesParams, query: UploadQuery, body: binaryBody },
      responses: { 201: json(FileSchema, 'Fichier enregistré'), ...errorResponses, 413: tooLarge },
    }),
    async (c) => {
      const { account, space } = requireSpace(c, c.req.valid('param').space, 'write');
      const q = c.req.valid('query');
      const name = fileName(q.name);
      const folder = folderPath(q.folder ?? '');
      const files = filesOf(c);
      // Refuse before reading a byte when the announced size cannot fit.
      const declared = Number(c.req.header('content-length'));
      if (Number.isFinite(declared) && declared > space.quotaBytes - files.usedBytes(space.id)) throw quotaError(space.quotaBytes);
      const body: AsyncIterable<Uint8Array> = c.req.raw.body ?? (async function* () {})();
      const file = await files.upload(space.id, space.quotaBytes, { name, folder, type: mediaTypeOf(c.req.header('content-type')), by: actorOf(account) }, body);
      return c.json(file, 201);
    },
  );

  r.openapi(
    createRoute({ method: 'get', path: '/spaces/{space}/files/{id}', tags, summary: "Description d'un fichier", request: { params: SpaceIdParams }, responses: { 200: json(FileSchema), ...errorResponses } }),
    (c) => {
      const { space, id } = c.req.valid('param');
      requireSpace(c, space, 'read');
      return c.json(filesOf(c).get(space, id), 200);
    },
  );

  r.openapi(
    createRoute({ method: 'patch', path: '/spaces/{space}/files/{id}', tags, summary: 'Renommer ou déplacer un fichier', request: { params: SpaceIdParams, body: jsonBody(FilePatch) }, responses: { 200: json(FileSchema), ...errorResponses } }),
    (c) => {
      const { space, id } = c.req.valid('param');
      const { account } = requireSpace(c, space, 'write');
      const patch = c.req.valid('json');
      const change = {
        ...(patch.name !== undefined ? { name: fileName(patch.name) } : {}),
        ...(patch.folder !== undefined ? { folder: folderPath(patch.folder) } : {}),
      };
      return c.json(filesOf(c).update(space, id, change, actorOf(account)), 200);
    },
  );

  r.openapi(
    createRoute({ method: 'delete', path: '/spaces/{space}/files/{id}', tags, summary: 'Supprimer un fichier', request: { params: SpaceIdParams }, responses: { 200: json(OkSchema), ...errorResponses } }),
    (c) => {
      const { space, id } = c.req.valid('param');
      const { account } = requireSpace(c, space, 'write');
      filesOf(c).remove(space, id, actorOf(account));
      return c.json({ ok: true as const }, 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/spaces/{space}/files/{id}/content',
      tags,
      summary: "Contenu d'un fichier (en flux, avec Range)",
      request: { params: SpaceIdParams },
      responses: { 200: binaryContent('Le fichier entier'), 206: binaryContent('Une plage du fichier'), 304: { description: 'Inchangé (If-None-Match)' }, ...errorResponses, 416: rangeError },
    }),
    async (c) => {
      const { space, id } = c.req.valid('param');
      requireSpace(c, space, 'read');
      const file = filesOf(c).get(space, id);
      return serveContent(c, file);
    },
  );

  return r;
}

async function serveContent(c: ApiContext, file: StoredFile): Promise<Response> {
  const { blobs } = c.get('services');
  // The record may have come from another box before its bytes did.
  const size = await blobs.size(file.sha256);
  if (size === undefined) throw new NotFoundError("Le contenu de ce fichier n'est pas encore arrivé sur cette boîte.");
  const etag = etagOf(file.sha256);
  const headers = new Headers({
    ETag: etag,
    'Accept-Ranges': 'bytes',
    'Cache-Control': 'private, no-cache',
    'Content-Type': file.type,
    'Content-Disposition': contentDisposition(file.name),
    'X-Content-Type-Options': 'nosniff',
    // Stored content is never run as a page of this site, even if it is HTML.
    'Content-Security-Policy': "default-src 'none'; sandbox",
  });
  if (noneMatch(c.req.header('if-none-match'), etag)) return new Response(null, { status: 304, headers });
  const range = ifRangeAllows(c.req.header('if-range'), etag) ? parseRange(c.req.header('range'), size) : parseRange(undefined, size);
  if (range.kind === 'unsatisfiable') throw new RangeNotSatisfiableError(size);
  const part = range.kind === 'partial' ? { start: range.start, end: range.end } : undefined;
  if (part) headers.set('Content-Range', `bytes ${part.start}-${part.end}/${size}`);
  headers.set('Content-Length', String(part ? part.end - part.start + 1 : size));
  const status = part ? 206 : 200;
  // HEAD (answered by this GET route): headers only, and no file opened.
  if (c.req.method === 'HEAD' || (part === undefined && size === 0)) return new Response(null, { status, headers });
  const stream = Readable.toWeb(blobs.read(file.sha256, part)) as unknown as ReadableStream<Uint8Array>;
  return new Response(stream, { status, headers });
}

/** Folder paths below `folder` (its direct children), or every folder when none is given. */
function foldersUnder(all: readonly StoredFile[], folder: string | undefined): string[] {
  const out = new Set<string>();
  for (const f of all) {
    if (f.folder === '') continue;
    if (folder === undefined) {
      const parts = f.folder.split('/');
      for (let i = 1; i <= parts.length; i++) out.add(parts.slice(0, i).join('/'));
    } else if (folder === '' || f.folder.startsWith(folder + '/')) {
      const rest = folder === '' ? f.folder : f.folder.slice(folder.length + 1);
      out.add((folder === '' ? '' : folder + '/') + rest.split('/')[0]);
    }
  }
  return [...out].sort(new Intl.Collator('fr', { numeric: true }).compare);
}
