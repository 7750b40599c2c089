/**
 * One brotli stream per direction of a session: each batch continues the stream and is
 * flushed at its end, so the receiver can decode it at once, and what batch 6 repeats of
 * batch 1 (field names, authors, the records' common words) costs almost nothing. One
 * context per frame started from scratch every 64 KiB and paid about a fifth of the
 * initial sync for it. Windows are 1 MiB (lgwin 20): the memory a session may hold.
 */
import { createBrotliCompress, createBrotliDecompress, constants as zc, type BrotliCompress, type BrotliDecompress } from 'node:zlib';
import { SyncProtocolError } from '../errors.js';

const WINDOW_BITS = 20;

/** Bytes first (a metered link), or the box's CPU first (a free one). */
export type Compression = 'smallest' | 'fast';
const QUALITY: Record<Compression, number> = { smallest: 11, fast: 5 };

/** Run `write` on a zlib stream, flush it, and return what it produced meanwhile. */
function through(z: BrotliCompress | BrotliDecompress, input: Uint8Array, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        done();
        reject(new SyncProtocolError('malformed_frame', `a batch does not decompress to at most ${limit} bytes`));
        z.destroy();
        return;
      }
      chunks.push(c);
    };
    const onError = (e: Error) => {
      done();
      reject(new SyncProtocolError('malformed_frame', `a batch is not a valid continuation of the session's compressed stream (${e.message})`));
    };
    const done = () => {
      z.off('data', onData);
      z.off('error', onError);
    };
    z.on('data', onData);
    z.on('error', onError);
    z.write(input);
    z.flush(zc.BROTLI_OPERATION_FLUSH, () => {
      // The flushed output is pushed before the flush completes; a turn of the loop lets
      // any 'data' still queued be delivered first.
      setImmediate(() => {
        if (z.destroyed) return;
        done();
        resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
      });
    });
  });
}

export class BatchPacker {
  private readonly z: BrotliCompress;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(compression: Compression = 'smallest') {
    this.z = createBrotliCompress({ params: { [zc.BROTLI_PARAM_QUALITY]: QUALITY[compression], [zc.BROTLI_PARAM_LGWIN]: WINDOW_BITS } });
  }

  /** The bytes of one batch, continuing the stream; batches are packed in call order. */
  pack(raw: Uint8Array): Promise<Uint8Array> {
    const next = this.queue.then(() => through(this.z, raw, Number.MAX_SAFE_INTEGER));
    this.queue = next.catch(() => {});
    return next;
  }

  close(): void {
    this.z.destroy();
  }
}

export class BatchUnpacker {
  private readonly z = createBrotliDecompress({ params: { [zc.BROTLI_DECODER_PARAM_LARGE_WINDOW]: 0 } });
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly maxBatchBytes: number) {}

  /** One batch's bytes, decoded with everything before it; more than the limit is refused. */
  unpack(bytes: Uint8Array): Promise<Uint8Array> {
    const next = this.queue.then(() => {
      if (this.z.destroyed) throw new SyncProtocolError('malformed_frame', "the session's compressed stream is already broken");
      return through(this.z, bytes, this.maxBatchBytes);
    });
    this.queue = next.catch(() => {});
    return next;
  }

  close(): void {
    this.z.destroy();
  }
}
