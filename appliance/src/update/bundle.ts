/**
 * A release bundle, one file that travels like any blob (from the relay, a LAN neighbour
 * or a USB stick):
 *
 *   "SOLREL01" | manifest length (u32 BE) | manifest (JSON) | signature (64 bytes) | app.tar.gz
 *
 * The manifest and its signature come first, so a bundle is judged before a byte of its
 * tarball is unpacked; once unpacked, every file and link is checked against the signed
 * manifest, and anything else (a missing, extra or changed file) refuses the whole release.
 */
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, createWriteStream, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { linkStaysInside, manifestSignedBy, manifestVersion, parseManifest, ReleaseError, signManifest, type Manifest, type ManifestEntry } from './manifest.js';

const MAGIC = Buffer.from('SOLREL01');
const HEADER = MAGIC.length + 4;
const SIGNATURE = 64;
/** A manifest bigger than this is not ours (a release lists some tens of thousands of files). */
const MANIFEST_MAX = 32 * 1024 * 1024;

/** What a release holds of a built checkout: the command, the compiled packages, their dependencies. */
export const RELEASE_INCLUDE = [
  'package.json',
  'bin',
  'appliance/package.json',
  'appliance/dist',
  'appliance/migrations',
  'appliance/node.env',
  'relay/package.json',
  'relay/dist',
  'relay/migrations',
  'ui/package.json',
  'ui/dist',
  'node_modules',
];

function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Every file and link under `root` among `include` (directories walked), sorted by path. */
function collect(root: string, include: readonly string[]): ManifestEntry[] {
  const out: ManifestEntry[] = [];
  const walk = (rel: string) => {
    const abs = join(root, rel);
    const st = lstatSync(abs);
    const path = rel.split(sep).join('/');
    if (st.isSymbolicLink()) {
      const link = readlinkSync(abs);
      if (!linkStaysInside(path, link)) throw new ReleaseError(`Le lien « ${path} » pointe hors de la version (${link}).`);
      out.push({ path, link });
    } else if (st.isDirectory()) {
      for (const name of readdirSync(abs).sort()) walk(join(rel, name));
    } else if (st.isFile()) {
      out.push({ path, size: st.size, sha256: sha256File(abs), mode: st.mode & 0o111 ? 0o755 : 0o644 });
    }
  };
  for (const p of include) {
    try {
      lstatSync(join(root, p));
    } catch {
      continue;
    }
    walk(p);
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}

export interface BuildReleaseOptions {
  readonly root: string;
  readonly out: string;
  readonly version: string;
  readonly privateKeyPem: string;
  readonly include?: readonly string[];
  readonly now: number;
}

/** Make and sign a bundle of the release under `root`. */
export async function buildRelease(o: BuildReleaseOptions): Promise<Manifest> {
  const entries = collect(o.root, o.include ?? RELEASE_INCLUDE);
  const manifestBytes = Buffer.from(JSON.stringify({ solidaire: 'release', version: o.version, createdAt: o.now, entries }));
  const manifest = parseManifest(manifestBytes);
  const signature = signManifest(manifestBytes, o.privateKeyPem);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(manifestBytes.length);
  const tmp = `${o.out}.partial`;
  const fd = openSync(tmp, 'w');
  try {
    for (const b of [MAGIC, length, manifestBytes, signature]) writeSync(fd, b);
  } finally {
    closeSync(fd);
  }
  // Loaded here: the box itself never packs or unpacks releases but on an update.
  const tar = await import('tar');
  const payload = tar.create({ gzip: { level: 6 }, cwd: o.root, portable: true, noMtime: true }, entries.map((e) => e.path));
  await pipeline(payload, createWriteStream(tmp, { flags: 'a' }));
  renameSync(tmp, o.out);
  return manifest;
}

/** Whether a file starts as a release does (nothing more is checked: see readSignedManifest). */
export function isReleaseFile(file: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return false;
  }
  try {
    const head = Buffer.alloc(MAGIC.length);
    return readSync(fd, head, 0, MAGIC.length, 0) === MAGIC.length && head.equals(MAGIC);
  } finally {
    closeSync(fd);
  }
}

/** The manifest's bytes of a bundle, once their signature is checked; and where its tarball starts. */
function readSigned(file: string, publicKeyPem: string): { manifestBytes: Buffer; payloadAt: number } {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    throw new ReleaseError(`Le fichier « ${file} » est illisible.`);
  }
  try {
    const head = Buffer.alloc(HEADER);
    if (readSync(fd, head, 0, HEADER, 0) !== HEADER || !head.subarray(0, MAGIC.length).equals(MAGIC)) {
      throw new ReleaseError('Ce fichier n’est pas une version de Solidaire.');
    }
    const length = head.readUInt32BE(MAGIC.length);
    if (length < 2 || length > MANIFEST_MAX) throw new ReleaseError('Cette version est abîmée (taille du manifeste).');
    const body = Buffer.alloc(length + SIGNATURE);
    if (readSync(fd, body, 0, body.length, HEADER) !== body.length) throw new ReleaseError('Cette version est tronquée.');
    const manifestBytes = body.subarray(0, length);
    if (!manifestSignedBy(manifestBytes, body.subarray(length), publicKeyPem)) {
      throw new ReleaseError('La signature de cette version n’est pas celle des versions de Solidaire : elle est refusée.');
    }
    return { manifestBytes, payloadAt: HEADER + body.length };
  } finally {
    closeSync(fd);
  }
}

/** The manifest of a bundle, every entry checked, once its signature is; and where its tarball starts. */
export function readSignedManifest(file: string, publicKeyPem: string): { manifest: Manifest; payloadAt: number } {
  const { manifestBytes, payloadAt } = readSigned(file, publicKeyPem);
  return { manifest: parseManifest(manifestBytes), payloadAt };
}

/** The version of a bundle signed with the key, without checking each entry (see manifestVersion). */
export function readSignedVersion(file: string, publicKeyPem: string): string {
  return manifestVersion(readSigned(file, publicKeyPem).manifestBytes);
}

/**
 * Unpack a verified bundle into `dir` (made empty first) and check every file and link
 * against its manifest. On any difference `dir` is removed and a ReleaseError says why.
 */
export async function unpackRelease(file: string, publicKeyPem: string, dir: string): Promise<Manifest> {
  const { manifest, payloadAt } = readSignedManifest(file, publicKeyPem);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const tar = await import('tar');
  try {
    let refused: string | undefined;
    await pipeline(
      createReadStream(file, { start: payloadAt }),
      tar.extract({
        cwd: dir,
        strict: true,
        filter: (path, entry) => {
          const type = 'type' in entry ? entry.type : undefined;
          if (type !== 'File' && type !== 'Directory' && type !== 'SymbolicLink') refused ??= `« ${path} » (${type})`;
          return refused === undefined;
        },
      }),
    ).catch((e: unknown) => {
      throw new ReleaseError(`Le contenu de cette version est illisible (${e instanceof Error ? e.message : String(e)}).`);
    });
    if (refused) throw new ReleaseError(`Cette version contient une entrée interdite : ${refused}.`);
    checkAgainst(manifest, dir);
    return manifest;
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/** Every manifest entry present and equal in `dir`, and nothing else there. */
function checkAgainst(manifest: Manifest, dir: string): void {
  const expected = new Map(manifest.entries.map((e) => [e.path, e]));
  const found = collect(dir, readdirSync(dir));
  if (found.length !== expected.size) throw new ReleaseError(`Cette version ne contient pas ce que son manifeste annonce (${found.length} entrées pour ${expected.size}).`);
  for (const f of found) {
    const e = expected.get(f.path);
    if (!e) throw new ReleaseError(`« ${f.path} » n’est pas dans le manifeste de cette version.`);
    if ('link' in e ? !('link' in f) || f.link !== e.link : 'link' in f || f.sha256 !== e.sha256 || f.size !== e.size) {
      throw new ReleaseError(`« ${f.path} » ne correspond pas au manifeste de cette version.`);
    }
    if ('mode' in e && 'mode' in f && f.mode !== e.mode) throw new ReleaseError(`« ${f.path} » n’a pas les droits annoncés.`);
  }
}
