/**
 * The first pass of an import: read the whole file, record by record, and check it
 * (magic, version, record order and sizes, every op chunk decodes, every blob has the
 * hash it claims, the counts, the trailer's SHA-256) before anything is applied. Memory
 * is one record at a time; the event loop gets a turn between records.
 */
import { createHash } from 'node:crypto';
import { setImmediate as turn } from 'node:timers/promises';
import { OP_KINDS, type OpKind, type VersionVector } from '../ops/index.js';
import { decodeFrame, FrameType, PROTOCOL_VERSION } from '../sync/index.js';
import { SHA256_RE } from '../blobs/index.js';
import { cbor, FORMAT_VERSION, MAGIC, PREAMBLE_BYTES, RecordType, TRAILER_BYTES, type BundleHeader } from './format.js';
import { BadRecord, BundleReader, EndOfFile } from './reader.js';
import { bundleErrors, BundleError } from './errors.js';

export interface VerifiedBundle {
  readonly path: string;
  readonly size: number;
  readonly header: BundleHeader;
  readonly ops: number;
  readonly opChunks: number;
  /** Operations per space. */
  readonly spaces: Record<string, number>;
  readonly blobs: number;
  readonly blobBytes: number;
  /** The byte range of the O records and its SHA-256: the apply pass checks it again. */
  readonly opsStart: number;
  readonly opsEnd: number;
  readonly opsHash: string;
}

/** A structural fault found while reading: reported as "abîmé", or "incomplet" if the file has no trailer. */
class Fault extends Error {}

export async function verifyBundle(path: string): Promise<VerifiedBundle> {
  const reader = openBundle(path);
  try {
    return await check(reader, path);
  } catch (e) {
    if (e instanceof BundleError) throw e;
    if (e instanceof EndOfFile || e instanceof BadRecord || e instanceof Fault) {
      // A file cut short has no trailer at its end; a damaged one usually still does.
      if (e instanceof EndOfFile && !endsWithTrailer(reader)) throw bundleErrors.truncated(reader.size);
      throw bundleErrors.corrupt(e instanceof Fault ? e.message : 'sa structure est illisible');
    }
    throw e;
  } finally {
    reader.close();
  }
}

export function openBundle(path: string): BundleReader {
  try {
    return new BundleReader(path);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ENOENT') throw new BundleError(`Le fichier « ${path} » est introuvable.`, 'bundle_not_found');
    if (code === 'EISDIR') throw new BundleError(`« ${path} » est un dossier, pas un paquet.`, 'bundle_not_a_bundle');
    if (code === 'EACCES') throw new BundleError(`Le fichier « ${path} » ne peut pas être lu (droits d'accès).`, 'bundle_unreadable');
    throw e;
  }
}

async function check(reader: BundleReader, path: string): Promise<VerifiedBundle> {
  if (reader.size === 0) throw bundleErrors.empty();
  const pre = reader.peek(0, PREAMBLE_BYTES);
  const magic = pre.subarray(0, MAGIC.length);
  if (!MAGIC.subarray(0, magic.length).equals(magic)) throw bundleErrors.notABundle();
  const hash = createHash('sha256').update(reader.bytes(PREAMBLE_BYTES));
  const version = pre.readUInt16BE(MAGIC.length);
  if (version > FORMAT_VERSION) throw bundleErrors.newerFormat(version);
  if (version !== FORMAT_VERSION) throw new Fault(`format ${version} inconnu`);

  const next = () => {
    const head = reader.head();
    const payload = reader.bytes(head.length);
    if (head.type !== RecordType.Trailer) hash.update(head.raw).update(payload);
    return { ...head, payload };
  };

  const h = next();
  if (h.type !== RecordType.Header) throw new Fault('son en-tête manque');
  const header = parseHeader(h.payload);
  if (header.wire > PROTOCOL_VERSION) throw bundleErrors.newerFormat(`${FORMAT_VERSION}.${header.wire}`);
  if (header.wire < PROTOCOL_VERSION) throw bundleErrors.olderFormat();

  const opsStart = reader.pos;
  let opsEnd = opsStart;
  const opsHash = createHash('sha256');
  let ops = 0;
  let opChunks = 0;
  const spaces: Record<string, number> = {};
  let blobs = 0;
  let blobBytes = 0;
  for (;;) {
    await turn();
    const r = next();
    if (r.type === RecordType.Ops) {
      if (blobs > 0) throw new Fault('des opérations suivent les fichiers');
      const batch = decoded('un bloc d’opérations est illisible', () => decodeFrame(r.payload));
      if (batch.type !== FrameType.Batch || batch.n !== opChunks + 1) throw new Fault('ses blocs d’opérations sont dans le désordre');
      opChunks++;
      ops += batch.ops.length;
      for (const op of batch.ops) spaces[op.space] = (spaces[op.space] ?? 0) + 1;
      opsHash.update(r.raw).update(r.payload);
      opsEnd = reader.pos;
    } else if (r.type === RecordType.File) {
      const [sha256, size] = decoded('la description d’un fichier est illisible', () => asArray(cbor.decode(r.payload)));
      if (typeof sha256 !== 'string' || !SHA256_RE.test(sha256) || !Number.isSafeInteger(size) || (size as number) < 0) throw new Fault('la description d’un fichier est illisible');
      const content = createHash('sha256');
      let got = 0;
      while (got < (size as number)) {
        const d = next();
        if (d.type !== RecordType.Data || d.payload.length === 0) throw new Fault('le contenu d’un fichier est interrompu');
        got += d.payload.length;
        if (got > (size as number)) throw new Fault('un fichier est plus long qu’annoncé');
        content.update(d.payload);
        if (got % (16 * 1024 * 1024) < d.payload.length) await turn();
      }
      if (content.digest('hex') !== sha256) throw new Fault('le contenu d’un fichier ne correspond pas à son empreinte');
      blobs++;
      blobBytes += got;
    } else if (r.type === RecordType.End) {
      const counts = decoded('sa fin est illisible', () => cbor.decode(r.payload) as unknown);
      if (!Array.isArray(counts) || counts[0] !== opChunks || counts[1] !== ops || counts[2] !== blobs || counts[3] !== blobBytes) {
        throw new Fault('il ne contient pas ce qu’il annonce');
      }
      break;
    } else {
      throw new Fault('sa structure est inattendue');
    }
  }
  const digest = hash.digest();
  const t = next();
  if (t.type !== RecordType.Trailer || t.payload.length !== 32) throw new Fault('sa fin est illisible');
  if (!reader.atEnd) throw new Fault('des données suivent sa fin');
  if (!t.payload.equals(digest)) throw new Fault('son empreinte de contrôle ne correspond pas');
  return {
    path,
    size: reader.size,
    header,
    ops,
    opChunks,
    spaces,
    blobs,
    blobBytes,
    opsStart,
    opsEnd,
    opsHash: opsHash.digest('hex'),
  };
}

function parseHeader(payload: Buffer): BundleHeader {
  const unreadable = 'son en-tête est illisible';
  const h = decoded(unreadable, () => cbor.decode(payload) as unknown);
  if (!isMap(h)) throw new Fault(unreadable);
  const { site, target, createdAt, wire, spaces } = h;
  if (typeof site !== 'string' || site.length === 0 || site.length > 100) throw new Fault(unreadable);
  if (target !== null && (typeof target !== 'string' || target.length === 0 || target.length > 100)) throw new Fault(unreadable);
  if (!Number.isSafeInteger(createdAt) || !Number.isSafeInteger(wire) || !isMap(spaces)) throw new Fault(unreadable);
  const vectors: Record<string, VersionVector> = {};
  for (const [space, vector] of Object.entries(spaces)) {
    if (space.length > 100 || !isMap(vector)) throw new Fault(unreadable);
    const v: Record<string, Partial<Record<OpKind, number>>> = {};
    for (const [author, streams] of Object.entries(vector)) {
      if (author.length > 100 || !isMap(streams)) throw new Fault(unreadable);
      const s: Partial<Record<OpKind, number>> = {};
      for (const [kind, seq] of Object.entries(streams)) {
        if (!KINDS.has(kind) || !Number.isSafeInteger(seq) || (seq as number) < 0) throw new Fault(unreadable);
        s[kind as OpKind] = seq as number;
      }
      v[author] = s;
    }
    vectors[space] = v;
  }
  return { site, target: target as string | null, createdAt: createdAt as number, wire: wire as number, spaces: vectors };
}

const KINDS = new Set<string>(OP_KINDS);

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

function asArray(v: unknown): unknown[] {
  if (!Array.isArray(v)) throw new Fault('not an array');
  return v;
}

function endsWithTrailer(reader: BundleReader): boolean {
  if (reader.size < PREAMBLE_BYTES + TRAILER_BYTES) return false;
  const head = reader.peek(reader.size - TRAILER_BYTES, 5);
  return head.length === 5 && head[0] === RecordType.Trailer && head.readUInt32BE(1) === 32;
}

/** Decode a payload; whatever it throws (cbor-x, decodeFrame) means the file is damaged. */
function decoded<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch {
    throw new Fault(what);
  }
}
