/**
 * A release's manifest: its version and every file it holds (path, size, SHA-256, mode)
 * or link (a relative target that stays inside the release), signed with the release key
 * (Ed25519). The public key is in the box's read-only system; the private key never
 * leaves whoever builds releases. The signature covers the manifest's exact bytes.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { posix } from 'node:path';
import { z } from 'zod';
import '../errors/french-zod.js';

export class ReleaseError extends Error {
  override readonly name = 'ReleaseError';
}

/** A path inside a release: relative, forward slashes, no `..`, no empty or dot segment. */
export function safeRelativePath(p: string): boolean {
  if (!p || p.startsWith('/') || p.includes('\\') || p.includes('\0')) return false;
  return p.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..');
}

/** Whether a link at `path` pointing to `target` stays inside the release. */
export function linkStaysInside(path: string, target: string): boolean {
  if (target.startsWith('/') || target.includes('\0')) return false;
  const resolved = posix.normalize(posix.join(posix.dirname(path), target));
  return resolved !== '..' && !resolved.startsWith('../') && resolved !== '.';
}

const entry = z.union([
  z.object({ path: z.string(), size: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/), mode: z.number().int() }).strict(),
  z.object({ path: z.string(), link: z.string() }).strict(),
]);

/** A release's version: 0.2.0, 0.2.0-rc.1… */
export const versionSchema = z.string().regex(/^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$/, 'une version comme 0.2.0');

export const manifestSchema = z
  .object({
    solidaire: z.literal('release'),
    version: versionSchema,
    createdAt: z.number().int(),
    entries: z.array(entry).min(1),
  })
  .strict();
export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestEntry = Manifest['entries'][number];

/** Parse and check a manifest's bytes (after its signature was verified). */
function manifestJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new ReleaseError('Le manifeste de la version n’est pas du JSON lisible.');
  }
}

/**
 * Only the version a manifest names, once its signature was checked: for the box's own
 * process, which must not stop serving while it checks fifteen thousand entries (about
 * 0.3 s here, over a second on a Raspberry Pi 3). `update apply`, in root's process,
 * checks every entry (parseManifest) before it changes anything.
 */
export function manifestVersion(bytes: Uint8Array): string {
  const raw = manifestJson(bytes);
  const parsed = versionSchema.safeParse((raw as { version?: unknown } | null)?.version);
  if (!parsed.success) throw new ReleaseError(`Le manifeste de la version est mal formé : ${parsed.error.issues[0]!.message}.`);
  return parsed.data;
}

export function parseManifest(bytes: Uint8Array): Manifest {
  const raw = manifestJson(bytes);
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) throw new ReleaseError(`Le manifeste de la version est mal formé : ${parsed.error.issues[0]!.message}.`);
  const seen = new Set<string>();
  for (const e of parsed.data.entries) {
    if (!safeRelativePath(e.path)) throw new ReleaseError(`Le manifeste nomme un chemin interdit : « ${e.path} ».`);
    if ('link' in e && !linkStaysInside(e.path, e.link)) throw new ReleaseError(`Le lien « ${e.path} » sort de la version.`);
    if (seen.has(e.path)) throw new ReleaseError(`Le manifeste nomme deux fois « ${e.path} ».`);
    seen.add(e.path);
  }
  if (!seen.has('bin/solidaire.js')) throw new ReleaseError('Cette version n’a pas de bin/solidaire.js.');
  return parsed.data;
}

export interface ReleaseKeys {
  readonly privateKeyPem: string;
  readonly publicKeyPem: string;
}

export function generateReleaseKeys(): ReleaseKeys {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

function key(pem: string, kind: 'private' | 'public'): KeyObject {
  try {
    const k = kind === 'private' ? createPrivateKey(pem) : createPublicKey(pem);
    if (k.asymmetricKeyType !== 'ed25519') throw new Error('not ed25519');
    return k;
  } catch {
    throw new ReleaseError(kind === 'private' ? 'La clé privée de signature n’est pas une clé Ed25519 (PEM).' : 'La clé publique des versions n’est pas une clé Ed25519 (PEM).');
  }
}

export function signManifest(bytes: Uint8Array, privateKeyPem: string): Buffer {
  return sign(null, bytes, key(privateKeyPem, 'private'));
}

export function manifestSignedBy(bytes: Uint8Array, signature: Uint8Array, publicKeyPem: string): boolean {
  return signature.length === 64 && verify(null, bytes, key(publicKeyPem, 'public'), signature);
}
