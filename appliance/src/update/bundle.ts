/**
 * A release bundle, one file that travels like any blob (from the relay, a LAN neighbour
 * or a USB stick):
 *
 *   "SOLREL02" | manifest length (u32 BE) | manifest (JSON) | signature (64 bytes) | payload
 *
 * The payload is the bytes of every file the manifest lists, in its order, one after the
 * other, compressed as one brotli stream. The signed manifest is the archive's only index:
 * links and folders are made from it, each file's bytes are checked against its size and
 * SHA-256 as they are written, and nothing in the payload can name a path, a type or a
 * link of its own (what a tarball could: its member headers are not signed). The manifest
 * and its signature come first, so a bundle is judged before a byte of its payload is read.
 *
 * Writing a file from bytes in hand is the whole cost of an unpack: a release is some five
 * thousand files, and a Raspberry Pi 3 (or qemu emulating one) pays for every step taken per
 * file. A release leaves out what the box never runs (see leftOut): type declarations,
 * source maps, TypeScript sources and documents of the dependencies, the compiled tests,
 * native addons built for other platforms. That is some two thirds of the files and
 * over half the bytes of a checkout's node_modules: bytes the 3G key does not carry.
 */
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, createWriteStream, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, readSync, renameSync, rmSync, symlinkSync, writeSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants as zlib, createBrotliCompress, createBrotliDecompress } from 'node:zlib';
import { linkStaysInside, manifestSignedBy, manifestVersion, parseManifest, ReleaseError, signManifest, type Manifest, type ManifestEntry } from './manifest.js';

const MAGIC = Buffer.from('SOLREL02');
const HEADER = MAGIC.length + 4;
const SIGNATURE = 64;
/** A manifest bigger than this is not ours (a release lists some thousands of files). */
const MANIFEST_MAX = 32 * 1024 * 1024;
/** Brotli's quality 9 with a 16 MB window: within a few per cent of its best, in seconds rather than minutes. */
const BROTLI = { [zlib.BROTLI_PARAM_QUALITY]: 9, [zlib.BROTLI_PARAM_LGWIN]: 24 };

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

/** The platform of the boxes (prebuilt native addons for any other are left out). */
export const BOX_PLATFORM = 'linux-arm64';

const NOT_RUN = /\.(?:d\.[mc]?ts|map)$/;
const DEPENDENCY_SOURCES = /\.(?:[mc]?ts|tsx|md|markdown)$/;
const LICENCE = /^(?:licen[cs]e|copying|notice)/i;

/**
 * Whether a file of a checkout is left out of its release, as never run on a box: type
 * declarations and source maps anywhere; compiled tests of our packages; in the
 * dependencies, TypeScript sources, documents (but their licences), @types, and
 * prebuilt addons for other platforms than the boxes' (node-gyp-build's prebuilds/<platform>-<arch>).
 */
export function leftOut(path: string, platform = BOX_PLATFORM): boolean {
  if (NOT_RUN.test(path)) return true;
  if (!path.startsWith('node_modules/')) return /\/dist\/.*\.test\.js$/.test(path);
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (DEPENDENCY_SOURCES.test(name) && !LICENCE.test(name)) return true;
  if (path.startsWith('node_modules/@types/')) return true;
  const prebuilt = /\/prebuilds\/([^/]+)\//.exec(path);
  return prebuilt !== null && !prebuilt[1]!.startsWith(platform);
}

function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Every file and link under `root` among `include` (directories walked) and not left out, sorted by path. */
function collect(root: string, include: readonly string[], platform: string): ManifestEntry[] {
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
    } else if (st.isFile() && !leftOut(path, platform)) {
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
  /** The boxes' platform (default BOX_PLATFORM): prebuilt addons for others are left out. */
  readonly platform?: string;
  readonly now: number;
}

type FileEntry = Extract<ManifestEntry, { sha256: string }>;
const isFile = (e: ManifestEntry): e is FileEntry => 'sha256' in e;

/** Make and sign a bundle of the release under `root`. */
export async function buildRelease(o: BuildReleaseOptions): Promise<Manifest> {
  const entries = collect(o.root, o.include ?? RELEASE_INCLUDE, o.platform ?? BOX_PLATFORM);
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
  const files = entries.filter(isFile);
  const size = files.reduce((n, e) => n + e.size, 0);
  // A file changed since it was hashed would make a release every box refuses: said here.
  const bytes = Readable.from(
    (function* () {
      for (const e of files) {
        const b = readFileSync(join(o.root, e.path));
        if (b.length !== e.size || createHash('sha256').update(b).digest('hex') !== e.sha256) throw new ReleaseError(`« ${e.path} » a changé pendant la fabrication de la version.`);
        yield b;
      }
    })(),
  );
  await pipeline(bytes, createBrotliCompress({ params: { ...BROTLI, [zlib.BROTLI_PARAM_SIZE_HINT]: size } }), createWriteStream(tmp, { flags: 'a' }));
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
 * Unpack a verified bundle into `dir` (made empty first): every file written from the
 * payload and checked against its manifest entry as it is written, then the links. On any
 * difference (a file's bytes, the payload too short or too long, two paths in each
 * other's way) `dir` is removed and a ReleaseError says why.
 */
export async function unpackRelease(file: string, publicKeyPem: string, dir: string): Promise<Manifest> {
  const { manifest, payloadAt } = readSignedManifest(file, publicKeyPem);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const writer = new FileWriter(dir, manifest.entries.filter(isFile));
  try {
    // The writer's own refusal, rather than the abort it causes upstream.
    let refused: ReleaseError | undefined;
    try {
      await pipeline(createReadStream(file, { start: payloadAt }), createBrotliDecompress(), async (chunks: AsyncIterable<Buffer>) => {
        try {
          for await (const chunk of chunks) writer.write(chunk);
        } catch (e) {
          if (e instanceof ReleaseError) refused = e;
          throw e;
        }
      });
    } catch (e) {
      if (refused) throw refused;
      throw new ReleaseError(`Le contenu de cette version est illisible (${e instanceof Error ? e.message : String(e)}).`);
    }
    writer.end();
    for (const e of manifest.entries) {
      if (!('link' in e)) continue;
      writer.folder(dirname(e.path));
      try {
        symlinkSync(e.link, join(dir, e.path));
      } catch {
        throw new ReleaseError(`Le lien « ${e.path} » ne peut pas être fait : un autre chemin de la version est à sa place.`);
      }
    }
    return manifest;
  } catch (e) {
    writer.abandon();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/** The payload's bytes, into the manifest's files, one after the other, each checked as it ends. */
class FileWriter {
  private index = -1;
  private fd: number | undefined;
  private left = 0;
  private hash = createHash('sha256');
  private readonly folders = new Set<string>(['.']);

  constructor(
    private readonly dir: string,
    private readonly files: readonly FileEntry[],
  ) {
    this.next();
  }

  write(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.index >= this.files.length) throw new ReleaseError('Cette version contient plus que ce que son manifeste annonce.');
      const n = Math.min(this.left, chunk.length - at);
      const part = chunk.subarray(at, at + n);
      this.hash.update(part);
      for (let w = 0; w < part.length; ) w += writeSync(this.fd!, part, w);
      at += n;
      this.left -= n;
      if (this.left === 0) this.next();
    }
  }

  /** The payload has ended: every file must have been written. */
  end(): void {
    if (this.index < this.files.length) throw new ReleaseError(`Cette version est tronquée : « ${this.files[this.index]!.path} » et la suite manquent.`);
  }

  abandon(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /** Makes the folder `rel` (and those above it) once. */
  folder(rel: string): void {
    if (this.folders.has(rel)) return;
    try {
      mkdirSync(join(this.dir, rel), { recursive: true });
    } catch {
      throw new ReleaseError(`Le dossier « ${rel} » ne peut pas être fait : un fichier de la version est à sa place.`);
    }
    for (let d = rel; d !== '.' && !this.folders.has(d); d = dirname(d)) this.folders.add(d);
  }

  /** Closes and checks the file written, then opens the next (empty ones are done at once). */
  private next(): void {
    for (;;) {
      if (this.index >= 0 && this.index < this.files.length) this.finish(this.files[this.index]!);
      this.index++;
      if (this.index >= this.files.length) return;
      const e = this.files[this.index]!;
      this.folder(dirname(e.path));
      try {
        this.fd = openSync(join(this.dir, e.path), 'wx', e.mode === 0o755 ? 0o755 : 0o644);
      } catch {
        throw new ReleaseError(`« ${e.path} » ne peut pas être écrit : un autre chemin de la version est à sa place.`);
      }
      this.hash = createHash('sha256');
      this.left = e.size;
      if (this.left > 0) return;
    }
  }

  private finish(e: FileEntry): void {
    closeSync(this.fd!);
    this.fd = undefined;
    if (this.hash.digest('hex') !== e.sha256) throw new ReleaseError(`« ${e.path} » ne correspond pas au manifeste de cette version.`);
  }
}
