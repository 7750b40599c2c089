/**
 * Bundles over HTTP, for the box admin's page: prepare one (downloaded as it is written)
 * and import one (the raw file as the request body, streamed to the data partition, then
 * verified and applied like `solidaire bundle import`).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { Readable } from 'node:stream';
import { createRoute, z } from '@hono/zod-openapi';
import { newRouter, requireAccount, type ApiContext, type Services } from '../http/context.js';
import { ErrorSchema, errorResponses, json, jsonBody } from '../http/schemas.js';
import { ForbiddenError } from '../errors/index.js';
import { receiveUpload, removeStaleUploads } from '../http/index.js';
import { Entitlements, hostsWithGrants } from '../federation/index.js';
import { publicKeyOf } from '../identity/index.js';
import { exportBundle } from './export.js';
import { importBundle } from './import.js';
import type { BundleDeps } from './deps.js';

/** The import path streams its body (see rooms.ts): the app must not buffer it. */
export const BUNDLE_STREAMED_BODIES: RegExp[] = [/^\/api\/v1\/bundles\/import\/?$/];

/** Largest bundle accepted over HTTP (a stick of files and videos; the disk is the real bound). */
export const MAX_UPLOAD_BYTES = 64 * 1024 ** 3;

/** A site id as the sync layer names sites (libp2p peer id, base58). */
export const siteIdSchema = z
  .string()
  .min(1)
  .max(100)
  .refine((v) => publicKeyOf(v) !== null, 'identifiant de site invalide (attendu : 12D3KooW…)');

const ExportRequest = z
  .object({ for: siteIdSchema.optional().openapi({ description: 'Le site à qui le paquet est destiné ; absent : tout ce que la boîte détient' }) })
  .openapi('BundleExportRequest');

const ImportSummary = z
  .object({
    site: z.string(),
    target: z.string().nullable(),
    forThisSite: z.boolean(),
    createdAt: z.number().int(),
    ops: z.number().int(),
    applied: z.number().int(),
    ignored: z.number().int(),
    spaces: z.record(z.string(), z.number().int()),
    blobs: z.number().int(),
    blobsNew: z.number().int(),
    blobBytes: z.number().int(),
    bytes: z.number().int(),
  })
  .openapi('BundleImportSummary');

const bundleContent = (description: string) => ({ description, content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } } });
const tags = ['bundles'];

/** What bundles need, from the box's services; the federation's rules once it has joined one. */
export function bundleDeps(s: Pick<Services, 'db' | 'log' | 'blobs' | 'clock' | 'spaces'>): BundleDeps {
  const ent = new Entitlements(s.db);
  return { db: s.db, log: s.log, blobs: s.blobs, clock: s.clock, hosts: hostsWithGrants((space) => s.spaces.hosts(space)), entitlements: ent.federationId() ? ent : undefined };
}

export function bundleRoutes() {
  const r = newRouter();

  r.openapi(
    createRoute({
      method: 'post',
      path: '/bundles/export',
      tags,
      summary: 'Préparer un paquet pour une clé USB (téléchargé à mesure qu’il est écrit)',
      request: { body: jsonBody(ExportRequest) },
      responses: { 200: bundleContent('Le paquet'), ...errorResponses },
    }),
    (c) => {
      requireBoxAdmin(c);
      const s = c.get('services');
      const target = c.req.valid('json').for ?? null;
      const bundle = exportBundle(bundleDeps(s), { target });
      const stamp = new Date(s.clock.now()).toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
      const headers = new Headers({
        'Content-Type': 'application/octet-stream',
        'Content-Disposition': `attachment; filename="solidaire-${stamp}${target ? '-pour-' + target.slice(-8) : ''}.bundle"`,
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      });
      const stream = Readable.toWeb(Readable.from(bundle.chunks)) as unknown as ReadableStream<Uint8Array>;
      return new Response(stream, { status: 200, headers });
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/bundles/import',
      tags,
      summary: 'Importer un paquet (le fichier brut en corps de requête, en flux)',
      request: { body: { required: true, description: 'Le fichier du paquet, tel quel.', content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } } } },
      responses: { 200: json(ImportSummary, 'Paquet importé'), ...errorResponses, 413: json(ErrorSchema, 'Paquet trop gros, ou disque de la boîte plein') },
    }),
    async (c) => {
      requireBoxAdmin(c);
      const s = c.get('services');
      const dir = uploadDir(s);
      await mkdir(dir, { recursive: true });
      await removeStaleUploads(dir);
      const tmp = join(dir, `${randomBytes(12).toString('hex')}.bundle`);
      try {
        await receiveUpload(c.req.raw.body, tmp, MAX_UPLOAD_BYTES, { what: 'le paquet', nothingDone: "Rien n'a été importé." });
        return c.json(await importBundle(bundleDeps(s), tmp), 200);
      } finally {
        await rm(tmp, { force: true });
      }
    },
  );

  return r;
}

function requireBoxAdmin(c: ApiContext): void {
  if (!requireAccount(c).boxAdmin) throw new ForbiddenError("Seul l'administrateur de la boîte peut préparer ou importer un paquet.");
}

/** Uploaded bundles wait beside the database (the data partition), never in a RAM /tmp. */
function uploadDir(s: Services): string {
  return s.db.name === ':memory:' ? join(tmpdir(), 'solidaire-bundles') : join(dirname(s.db.name), 'bundles-incoming');
}
