/**
 * Two ends of an in-memory link, for tests: frames cross in order, asynchronously, and a
 * fault plan can cut the link after a number of frames (a 3G key losing its signal, a
 * neighbour's box switched off). Counts bytes like a socket would.
 */
import { FrameQueue, type FrameLink } from './link.js';
import { SyncLinkError } from './errors.js';

export interface MemoryLinkOptions {
  /** Cut both directions once this many frames have been sent in all. */
  readonly cutAfterFrames?: number;
}

export interface MemoryLinkPair {
  readonly a: FrameLink;
  readonly b: FrameLink;
  /** Bytes sent by a and by b. */
  readonly bytes: { a: number; b: number };
  cut(): void;
}

export function memoryLinkPair(opts: MemoryLinkOptions = {}): MemoryLinkPair {
  const toA = new FrameQueue();
  const toB = new FrameQueue();
  const bytes = { a: 0, b: 0 };
  let frames = 0;
  let cutErr: SyncLinkError | undefined;
  const cut = () => {
    if (cutErr) return;
    cutErr = new SyncLinkError();
    toA.fail(cutErr);
    toB.fail(cutErr);
  };
  const end = (side: 'a' | 'b', inbox: FrameQueue, outbox: FrameQueue): FrameLink => ({
    async send(frame) {
      if (cutErr) throw cutErr;
      if (opts.cutAfterFrames !== undefined && frames >= opts.cutAfterFrames) {
        cut();
        throw cutErr!;
      }
      frames++;
      bytes[side] += frame.length + 4;
      const copy = new Uint8Array(frame);
      await Promise.resolve();
      outbox.push(copy);
    },
    frames: () => inbox,
    async close() {
      outbox.end();
    },
    abort() {
      cut();
    },
  });
  return { a: end('a', toA, toB), b: end('b', toB, toA), bytes, cut };
}
