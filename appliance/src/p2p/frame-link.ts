/**
 * A libp2p stream seen as a FrameLink (sync/link.ts): each frame goes on the stream
 * behind its length as an unsigned varint. Reading is pulled by the session: when more
 * than HIGH_WATER bytes wait unread, the stream is paused (Yamux then stops granting
 * window to the sender), so a fast or hostile peer cannot grow our memory. Frames sent
 * in one turn of the event loop (a batch and DONE, acknowledgements of frames that came
 * together) leave in one write: one Yamux frame and one Noise message instead of one
 * each, 30 bytes of the metered link saved per frame that joins.
 */
import type { Stream } from '@libp2p/interface';
import { SyncLinkError, SyncProtocolError, type FrameLink } from '../sync/index.js';
import { decodeVarint, encodeVarint } from './varint.js';

/** Largest frame we send or accept (a batch is far smaller: 64 KiB raw by default). */
export const MAX_FRAME_BYTES = 16 * 1024 * 1024;
/** Unread bytes above which we pause the stream, queued bytes above which send() waits. */
const HIGH_WATER = 1024 * 1024;
const WRITE_HIGH_WATER = 1024 * 1024;

/** A FrameLink to one peer, whose site id Noise authenticated. */
export interface PeerLink extends FrameLink {
  /** The remote peer id (= its site id), proven by the Noise handshake. */
  readonly peer: string;
}

function tooLarge(size: number, max: number): SyncProtocolError {
  return new SyncProtocolError('frame_too_large', `frame of ${size} bytes refused: the limit is ${max} bytes`);
}

const why = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export function streamLink(stream: Stream, peer: string, maxFrameBytes = MAX_FRAME_BYTES): PeerLink {
  const chunks: Uint8Array[] = [];
  let buffered = 0;
  let ended = false;
  let error: Error | undefined;
  let wake: (() => void) | undefined;

  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const fail = (e: Error) => {
    if (error) return;
    error = e;
    chunks.length = 0;
    buffered = 0;
    notify();
  };

  let lastBytesAt = Date.now();
  stream.addEventListener('message', (evt) => {
    lastBytesAt = Date.now();
    if (error) return;
    const data = evt.data instanceof Uint8Array ? evt.data : evt.data.subarray();
    chunks.push(data);
    buffered += data.length;
    if (buffered > HIGH_WATER && !wake && stream.readStatus === 'readable') stream.pause();
    notify();
  });
  stream.addEventListener('remoteCloseWrite', () => {
    ended = true;
    notify();
  });
  stream.addEventListener('close', (evt) => {
    if (evt.error) fail(new SyncLinkError(`the link was cut: ${evt.error.message}`));
    ended = true;
    notify();
  });

  /** Take `n` bytes off the front of the buffer. */
  const take = (n: number): Uint8Array => {
    const out = new Uint8Array(n);
    let at = 0;
    while (at < n) {
      const head = chunks[0]!;
      const part = Math.min(head.length, n - at);
      out.set(head.subarray(0, part), at);
      at += part;
      if (part === head.length) chunks.shift();
      else chunks[0] = head.subarray(part);
    }
    buffered -= n;
    return out;
  };

  /** The next whole frame, or undefined if its bytes have not all arrived. */
  const nextFrame = (): Uint8Array | undefined => {
    const head = peek(chunks, 5);
    const v = decodeVarint(head);
    if (v === 'incomplete') return undefined;
    if (v === 'invalid') throw new SyncProtocolError('bad_frame_length', 'a frame length is not a valid varint');
    if (v.value > maxFrameBytes) throw tooLarge(v.value, maxFrameBytes);
    if (buffered < v.bytes + v.value) return undefined;
    take(v.bytes);
    return take(v.value);
  };

  async function* frames(): AsyncGenerator<Uint8Array> {
    for (;;) {
      if (error) throw error;
      let frame: Uint8Array | undefined;
      try {
        frame = nextFrame();
      } catch (e) {
        // Refuse the rest of what this peer sends; the session answers ERROR and aborts.
        fail(e as Error);
        throw e;
      }
      if (frame) {
        yield frame;
        continue;
      }
      if (stream.readStatus === 'paused') {
        stream.resume(); // hands over, synchronously, what waited in the stream
        continue;
      }
      if (ended) {
        if (buffered > 0) throw new SyncLinkError('the link was closed in the middle of a frame');
        return;
      }
      await new Promise<void>((resolve) => (wake = resolve));
    }
  }

  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let scheduled = false;
  let writeError: SyncLinkError | undefined;
  /** Hand what was sent this turn to the stream, in one piece. */
  const flush = () => {
    scheduled = false;
    if (!pending.length || writeError) return;
    const out = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    try {
      stream.send(out);
    } catch (e) {
      // What was sent this turn is lost: the session must not wait for answers to it.
      writeError = new SyncLinkError(`the link was cut: ${why(e)}`);
      fail(writeError);
    }
  };

  return {
    peer,
    mutual: true,
    lastActivity: () => lastBytesAt,
    async send(frame) {
      if (frame.length > maxFrameBytes) throw tooLarge(frame.length, maxFrameBytes);
      if (writeError) throw writeError;
      const prefix = encodeVarint(frame.length);
      const out = new Uint8Array(prefix.length + frame.length);
      out.set(prefix);
      out.set(frame, prefix.length);
      pending.push(out);
      pendingBytes += out.length;
      if (pendingBytes >= WRITE_HIGH_WATER) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
      try {
        // 'drain' only means the muxer took some bytes (a window update came): wait
        // until what we queued is small again, or a writer could queue without bound.
        while (stream.writeBufferLength > WRITE_HIGH_WATER) {
          if (stream.status !== 'open') throw new Error(`the stream is ${stream.status}`);
          if (stream.writableNeedsDrain) await drained(stream);
          else await new Promise((r) => setImmediate(r));
        }
      } catch (e) {
        throw new SyncLinkError(`the link was cut: ${why(e)}`);
      }
      if (writeError) throw writeError;
    },
    frames,
    async close() {
      flush();
      if (writeError) throw writeError;
      try {
        await stream.close();
      } catch (e) {
        throw new SyncLinkError(`the link could not be closed: ${why(e)}`);
      }
    },
    abort(reason) {
      pending = [];
      pendingBytes = 0;
      const err = reason ?? new SyncLinkError('the session aborted the link');
      stream.abort(err);
      writeError ??= new SyncLinkError(`the link was aborted: ${err.message}`);
      fail(writeError);
    },
  };
}

/** Up to `n` bytes from the front of the chunks, without consuming them. */
function peek(chunks: readonly Uint8Array[], n: number): Uint8Array {
  const first = chunks[0];
  if (!first) return new Uint8Array(0);
  if (first.length >= n || chunks.length === 1) return first.subarray(0, n);
  const out: number[] = [];
  for (const c of chunks) {
    for (const b of c) {
      out.push(b);
      if (out.length === n) return Uint8Array.from(out);
    }
  }
  return Uint8Array.from(out);
}

/**
 * The next 'drain' event. Not stream.onDrain(): in @libp2p/utils 7 its promise, once
 * resolved, is never renewed, so every later call returns at once.
 */
function drained(stream: Stream): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const done = (err?: Error) => {
      stream.removeEventListener('drain', onDrain);
      stream.removeEventListener('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = (evt: { error?: Error }) => done(evt.error ?? new Error('the stream closed'));
    stream.addEventListener('drain', onDrain);
    stream.addEventListener('close', onClose);
  });
}
