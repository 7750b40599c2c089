/**
 * The blob stage of a sync session, on each side: asking the peer, a page at a time, for
 * the blobs our records point at and we lack (WANT, from where a cut transfer stopped),
 * taking its chunks (CHUNK) until it says the answer is complete (END), and answering
 * the peer's WANTs the same way. An empty WANT says a side stopped asking. The session
 * owns the link and the frames; this stage owns what is asked, reserved and served.
 */
import type { SyncBlobs } from './store.js';
import { FrameType, MAX_WANT, type BlobRequest, type Frame } from './wire/frames.js';
import { SyncProtocolError } from './errors.js';

export interface BlobStageDeps {
  readonly blobs: SyncBlobs | undefined;
  /** Whether blobs (files people use, or bulk content) may cross the link now. */
  readonly allowed: (bulk: boolean) => boolean;
  readonly chunkBytes: number;
  readonly send: (frame: Frame) => Promise<void>;
  /** Whether the session is still exchanging (a failed one stops every task). */
  readonly running: () => boolean;
  /** A task failed: the session ends with this error. */
  readonly fail: (e: unknown) => void;
}

export class BlobStage {
  private shared: readonly string[] = [];
  private asking: Promise<void> = Promise.resolve();
  private askedNow = new Set<string>();
  private readonly reserved = new Set<string>();
  private readonly received = new Set<string>();
  private endWaiter: (() => void) | undefined;
  private myWantsOver = false;
  private peerWantsOver = false;
  private serving: Promise<void> = Promise.resolve();
  private servingCount = 0;
  private blobsSent = 0;
  private bytesSent = 0;
  private bytesReceived = 0;

  constructor(private readonly deps: BlobStageDeps) {}

  /**
   * The spaces the session shares, known from the HELLOs: from then on the peer's WANTs
   * are answered (the peer may ask before its operations for us have all arrived).
   */
  share(shared: readonly string[]): void {
    this.shared = shared;
  }

  /** We hold every operation the peer had for us: ask for the blobs they point at. */
  start(): void {
    this.asking = this.ask().catch((e: unknown) => this.deps.fail(e));
  }

  /** Both sides stopped asking and every request of the peer was answered. */
  finished(): boolean {
    return this.myWantsOver && this.peerWantsOver && this.servingCount === 0;
  }

  /** The stage's own tasks, settled (asking and serving). */
  settled(): Promise<unknown> {
    return Promise.all([this.asking, this.serving]);
  }

  /** The session failed: wake whatever waits. */
  wake(): void {
    const w = this.endWaiter;
    this.endWaiter = undefined;
    w?.();
  }

  /** Give back the blobs this session reserved and did not receive. */
  release(): void {
    this.deps.blobs?.release(this.reserved);
  }

  stats() {
    return { blobsSent: this.blobsSent, blobsReceived: this.received.size, blobBytesSent: this.bytesSent, blobBytesReceived: this.bytesReceived };
  }

  onWant(blobs: readonly BlobRequest[]): void {
    if (this.peerWantsOver) throw new SyncProtocolError('unexpected_frame', 'WANT after the peer stopped asking');
    if (blobs.length === 0) this.peerWantsOver = true;
    else this.serve(blobs);
  }

  async onChunk(sha256: string, offset: number, bytes: Uint8Array): Promise<void> {
    if (!this.askedNow.has(sha256)) throw new SyncProtocolError('unexpected_frame', `a chunk of blob ${sha256}, which was not asked for`);
    const state = await this.deps.blobs!.receive(sha256, offset, bytes);
    this.bytesReceived += bytes.length;
    if (state === 'complete') {
      this.askedNow.delete(sha256);
      this.received.add(sha256);
    }
  }

  onEnd(): void {
    const w = this.endWaiter;
    if (!w) throw new SyncProtocolError('unexpected_frame', 'END with no request outstanding');
    this.endWaiter = undefined;
    w();
  }

  /**
   * Ask, a page at a time. A blob the peer did not send in answer (it lacks it, or its
   * budget stopped it) is not asked for again in this session; a partial one is asked
   * for from where it stopped next time.
   */
  private async ask(): Promise<void> {
    const { blobs, allowed } = this.deps;
    const skip = new Set<string>();
    while (blobs && this.deps.running() && (allowed(false) || allowed(true))) {
      const candidates = blobs.wanted(this.shared, MAX_WANT, skip);
      if (!candidates.length) break;
      // What the budget does not let in now stays wanted for a later session.
      const page = candidates.filter((w) => allowed(w.bulk));
      blobs.release(candidates.filter((w) => !allowed(w.bulk)).map((w) => w.sha256));
      if (!page.length) break;
      for (const w of page) this.reserved.add(w.sha256);
      const wants: BlobRequest[] = [];
      for (const w of page) {
        // An empty blob needs no bytes from anyone: its hash says what it is.
        if (w.size === 0) {
          await blobs.receive(w.sha256, 0, new Uint8Array(0));
          this.received.add(w.sha256);
        } else {
          wants.push({ sha256: w.sha256, offset: w.offset });
        }
      }
      if (!wants.length) continue;
      this.askedNow = new Set(wants.map((w) => w.sha256));
      const answered = new Promise<void>((r) => (this.endWaiter = r));
      await this.deps.send({ type: FrameType.Want, blobs: wants });
      await answered;
      for (const sha of this.askedNow) skip.add(sha);
      blobs.release(this.askedNow);
      this.askedNow = new Set();
    }
    if (!this.deps.running()) return;
    this.myWantsOver = true;
    await this.deps.send({ type: FrameType.Want, blobs: [] });
  }

  /** Answer a WANT (after any earlier one) with chunks of what we hold, then END. */
  private serve(requests: readonly BlobRequest[]): void {
    this.servingCount++;
    this.serving = this.serving
      .then(async () => {
        const { blobs, allowed, chunkBytes } = this.deps;
        outer: for (const { sha256, offset } of blobs ? requests : []) {
          const blob = blobs!.servable(sha256, this.shared);
          if (blob === undefined || offset >= blob.size) continue;
          const { size, bulk } = blob;
          for (let at = offset; at < size; at += chunkBytes) {
            if (!this.deps.running()) return;
            if (!allowed(bulk)) continue outer;
            const bytes = await blobs!.read(sha256, at, Math.min(chunkBytes, size - at));
            if (bytes.length === 0) break;
            await this.deps.send({ type: FrameType.Chunk, sha256, offset: at, bytes });
            this.bytesSent += bytes.length;
          }
          this.blobsSent++;
        }
        if (!this.deps.running()) return;
        this.servingCount--;
        await this.deps.send({ type: FrameType.End });
      })
      .catch((e: unknown) => this.deps.fail(e));
  }
}
