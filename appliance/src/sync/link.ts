/**
 * What a sync session needs from a transport (the session owns this interface; libp2p
 * streams, the in-memory test link and bundle files implement it): an ordered, reliable
 * exchange of whole frames that can end or be cut.
 */
export interface FrameLink {
  /** Send one frame. Rejects with SyncLinkError once the link is cut. */
  send(frame: Uint8Array): Promise<void>;
  /** Frames from the peer, in order. Ends when the peer closes; throws SyncLinkError if cut. */
  frames(): AsyncIterable<Uint8Array>;
  /** Close our side cleanly once everything is sent. */
  close(): Promise<void>;
  /** Cut the link at once (both sides see SyncLinkError). */
  abort(reason?: Error): void;
  /**
   * Both ends know each other's site id from the transport (Noise over libp2p): a HELLO
   * then need not say who sends it (33 bytes less each way on the metered link).
   */
  readonly mutual?: boolean;
  /** When bytes last arrived from the peer (ms since the epoch), if the link can tell. */
  lastActivity?(): number;
}

/** An unbounded async queue: what arrives before it is read waits in order. */
export class FrameQueue {
  private readonly items: Uint8Array[] = [];
  private waiting: ((r: IteratorResult<Uint8Array>) => void) | undefined;
  private failWaiting: ((e: Error) => void) | undefined;
  private ended = false;
  private error: Error | undefined;

  push(frame: Uint8Array): void {
    if (this.ended || this.error) return;
    if (this.waiting) {
      const w = this.waiting;
      this.clear();
      w({ value: frame, done: false });
    } else {
      this.items.push(frame);
    }
  }

  end(): void {
    this.ended = true;
    if (this.waiting && this.items.length === 0) {
      const w = this.waiting;
      this.clear();
      w({ value: undefined, done: true });
    }
  }

  fail(err: Error): void {
    if (this.error) return;
    this.error = err;
    this.items.length = 0;
    if (this.failWaiting) {
      const f = this.failWaiting;
      this.clear();
      f(err);
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    for (;;) {
      if (this.error) throw this.error;
      const next = this.items.shift();
      if (next) {
        yield next;
        continue;
      }
      if (this.ended) return;
      const r = await new Promise<IteratorResult<Uint8Array>>((resolve, reject) => {
        this.waiting = resolve;
        this.failWaiting = reject;
      });
      if (r.done) return;
      yield r.value;
    }
  }

  private clear(): void {
    this.waiting = undefined;
    this.failWaiting = undefined;
  }
}
