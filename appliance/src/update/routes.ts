/**
 * Updates from the box admin's page: send a release file (from a USB stick, say); the box
 * checks its signature at once and puts it where root installs it (image-build's update
 * path unit), then reports what the last update did.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createRoute, z } from '@hono/zod-openapi';
import { newRouter, receiveUpload, removeStaleUploads, requireAccount, type ApiContext } from '../http/index.js';
import { errorResponses, json } from '../http/schemas.js';
import { BadRequestError, ConflictError, ForbiddenError } from '../errors/index.js';
import { readSignedVersion } from './bundle.js';
import { ReleaseError } from './manifest.js';
import { readUpdateState } from './apply.js';
import type { Delivery } from './delivery.js';

/** The upload path streams its body (see rooms.ts). */
export const UPDATE_STREAMED_BODIES: RegExp[] = [/^\/api\/v1\/updates\/?$/];
/** A release with its dependencies is some tens of megabytes. */
export const MAX_RELEASE_BYTES = 512 * 1024 ** 2;

const UpdateStatus = z
  .object({
    version: z.string(),
    waiting: z.array(z.string()).openapi({ description: 'Versions reçues, en attente d’installation' }),
    last: z
      .object({ result: z.enum(['applied', 'rolled-back', 'refused']), version: z.string(), previous: z.string(), at: z.number().int(), reason: z.string().optional() })
      .nullable(),
    accepts: z.boolean().openapi({ description: 'Si la boîte a la clé des versions (sinon elle n’accepte aucune mise à jour)' }),
    delivery: z
      .object({
        version: z.string(),
        sha256: z.string().nullable(),
        from: z.enum(['relay', 'usb']),
        state: z.enum(['fetching', 'queued', 'refused']),
        reason: z.string().optional(),
        at: z.number().int(),
      })
      .nullable()
      .openapi({ description: 'La dernière version proposée par le relais ou apportée sur une clé USB, et ce qu’elle est devenue' }),
  })
  .openapi('UpdateStatus');

const Queued = z.object({ version: z.string(), message: z.string() }).openapi('UpdateQueued');
const tags = ['updates'];

function requireBoxAdmin(c: ApiContext): void {
  if (!requireAccount(c).boxAdmin) throw new ForbiddenError("Seul l'administrateur de la boîte peut la mettre à jour.");
}

function waiting(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.release')).map((f) => f.slice(0, -'.release'.length)).sort();
}

export function updateRoutes() {
  const r = newRouter();

  r.openapi(
    createRoute({ method: 'get', path: '/updates', tags, summary: 'Version en service, versions en attente, dernière mise à jour', responses: { 200: json(UpdateStatus, 'État'), ...errorResponses } }),
    (c) => {
      requireBoxAdmin(c);
      const u = c.get('services').updates;
      const delivery = (u.delivery?.() ?? null) as Delivery | null;
      return c.json({ version: u.version, waiting: waiting(u.dir), last: readUpdateState(u.root), accepts: existsSync(u.keyFile), delivery }, 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/updates',
      tags,
      summary: 'Envoyer une version de Solidaire (le fichier brut en corps de requête) : vérifiée, puis installée par la boîte',
      request: { body: { required: true, description: 'Le fichier de la version, tel quel.', content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } } } },
      responses: { 202: json(Queued, 'Version reçue, installation sous peu'), ...errorResponses },
    }),
    async (c) => {
      requireBoxAdmin(c);
      const u = c.get('services').updates;
      if (!existsSync(u.keyFile)) throw new ConflictError('Cette boîte n’a pas la clé des versions de Solidaire : elle n’accepte aucune mise à jour.', 'updates_disabled');
      const key = readFileSync(u.keyFile, 'utf8');
      await mkdir(u.dir, { recursive: true });
      await removeStaleUploads(u.dir);
      const tmp = join(u.dir, `.reçue-${randomBytes(8).toString('hex')}`);
      try {
        await receiveUpload(c.req.raw.body, tmp, MAX_RELEASE_BYTES, { what: 'la version', nothingDone: "Rien n'a changé." });
        let version: string;
        try {
          version = readSignedVersion(tmp, key);
        } catch (e) {
          if (e instanceof ReleaseError) throw new BadRequestError(e.message, 'release_refused');
          throw e;
        }
        if (version === u.version) throw new ConflictError(`La version ${version} est déjà celle en service.`, 'release_in_service');
        if (u.take) {
          // Like a release from the relay or beside a bundle: kept to hand on to LAN
          // neighbours, queued for root, and what becomes of it told to the relay.
          const d = await u.take(tmp);
          if (d.state === 'refused') throw new BadRequestError(`Version refusée : ${d.reason ?? ''}`, 'release_refused');
        } else {
          // The name the path unit waits for: from here root takes over.
          renameSync(tmp, join(u.dir, `${version}.release`));
        }
        return c.json({ version, message: `La version ${version} est reçue et vérifiée ; la boîte l’installe et redémarre dans un instant (elle revient à la version ${u.version} si la nouvelle ne démarre pas).` }, 202);
      } finally {
        await rm(tmp, { force: true });
      }
    },
  );

  return r;
}
