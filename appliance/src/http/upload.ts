/**
 * A raw request body streamed to a file on the data partition (never in memory, never in
 * a RAM /tmp), bounded in size, with plain words for each way it can fail. Bundles and
 * releases arrive this way from the box admin's browser.
 */
import { createWriteStream } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BadRequestError, PayloadTooLargeError, QuotaExceededError } from '../errors/index.js';

export interface UploadWords {
  /** "un paquet", "une version": what is received, for the messages. */
  readonly what: string;
  /** What did not happen when it fails ("Rien n'a été importé."). */
  readonly nothingDone: string;
}

/** Write `body` to `path` (which must not exist), at most `maxBytes`. */
export async function receiveUpload(body: ReadableStream<Uint8Array> | null, path: string, maxBytes: number, words: UploadWords): Promise<void> {
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      size += chunk.length;
      cb(size > maxBytes ? new PayloadTooLargeError(`${capitalised(words.what)} envoyé par le navigateur ne peut pas dépasser ${formatLimit(maxBytes)}.`) : null, chunk);
    },
  });
  try {
    await pipeline(body ?? Readable.from([]), meter, createWriteStream(path, { flags: 'wx' }));
  } catch (e) {
    await rm(path, { force: true });
    if (e instanceof PayloadTooLargeError) throw e;
    const code = (e as { code?: string }).code;
    if (code === 'ENOSPC') throw new QuotaExceededError(`Le disque de la boîte est plein : ${words.what} n'a pas pu être reçu. ${words.nothingDone}`);
    throw new BadRequestError(`L'envoi a été interrompu : recommencez. ${words.nothingDone}`, 'upload_interrupted');
  }
}

/** Uploads left by a crash or a cut connection, a day old or more (file times are the system's). */
export async function removeStaleUploads(dir: string, now = Date.now()): Promise<void> {
  for (const f of await readdir(dir)) {
    const p = join(dir, f);
    const st = await stat(p).catch(() => undefined);
    if (st?.isFile() && now - st.mtimeMs > 24 * 3600_000) await rm(p, { force: true });
  }
}

const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const formatLimit = (bytes: number) => (bytes >= 1024 ** 3 ? `${bytes / 1024 ** 3} Go` : `${Math.round(bytes / 1024 ** 2)} Mo`);
