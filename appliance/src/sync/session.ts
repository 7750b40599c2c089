/**
 * One sync session between two replicas, the same on both ends. Named stages:
 *
 *   hello     each side sends its version vectors, reads the peer's
 *   exchange  each side sends, in batches, what the peer lacks (messages first, then
 *             records, then documents); each batch is applied all-or-nothing and
 *             acknowledged; at most `window` batches are in flight. Once a side has all
 *             the peer's operations (the peer said DONE), it asks for the blobs their
 *             records point at that it lacks (WANT, from where a cut transfer stopped),
 *             and the peer answers with chunks and END; an empty WANT ends its asking
 *   done      both sides said DONE, every batch was acknowledged, both stopped asking for
 *             blobs and every request was answered
 *   failed    a protocol error, a refused batch or a cut link; what was acknowledged stays
 *
 * A cut session needs no clean-up: the next one starts from the vectors, which already
 * include every acknowledged batch.
 */
import { OP_KINDS, type OpKind, type Operation, type VersionVector } from '../ops/index.js';
import type { FrameLink } from './link.js';
import type { SyncBlobs, SyncStore } from './store.js';
import { decodeFrame, decodeOps, encodeFrame, encodeOps, FrameType, MAX_BATCH_DECODED, PROTOCOL_VERSION, type Frame } from './wire/frames.js';
import { BatchPacker, BatchUnpacker, type Compression } from './wire/stream-codec.js';
import { afterFinished, settle, unlessSilent } from './link-timing.js';
import { BlobStage } from './blob-stage.js';
import { SyncError, SyncLinkError, SyncPeerError, SyncProtocolError, SyncRefusedError } from './errors.js';

export type SessionStage = 'hello' | 'exchange' | 'done' | 'failed';

export interface SessionOptions {
  readonly store: SyncStore;
  readonly link: FrameLink;
  /**
   * The peer's site id as the transport authenticated it (Noise). When given, the peer's
   * HELLO must name the same site, and `offer` decides what to offer it.
   */
  readonly peer?: string;
  /**
   * The spaces this replica offers to exchange with the peer (entitlement). Both sides
   * offer in HELLO; a session exchanges only the spaces both offered. Default: all held.
   */
  readonly offer?: (peer: string | undefined) => readonly string[];
  /** The kinds this replica is willing to receive now (its link budget); default all. */
  readonly accepts?: () => readonly OpKind[];
  /** Whether this replica may send operations of a kind now (its link budget); default yes. */
  readonly mayRun?: (kind: OpKind) => boolean;
  /** The blob side of the store; without it this replica neither asks for nor gives blobs. */
  readonly blobs?: SyncBlobs;
  /**
   * Whether blobs may cross the link now (its budget), checked before each request and
   * chunk: files people use, or bulk content (pinned packs), which goes last.
   */
  readonly blobsAllowed?: (bulk: boolean) => boolean;
  /** Bytes of a blob per CHUNK frame. */
  readonly chunkBytes?: number;
  /** Raw bytes of operations per batch, before compression. */
  readonly maxBatchBytes?: number;
  /**
   * How hard batches are compressed: 'smallest' (brotli 11, the default: a metered link,
   * about 0.6 MB/s of operations on a PC) or 'fast' (brotli 5, about 10 MB/s, a free link).
   */
  readonly compression?: Compression;
  /**
   * How long the peer may send nothing at all before the session gives up on it (default
   * 60 s): a peer that vanished without closing (power cut, 3G dropped, NAT forgot us)
   * otherwise holds the session, and every later one with that peer, forever. Bytes of a
   * frame still arriving count as life (the link's lastActivity), so a slow link is not
   * taken for a dead one.
   */
  readonly idleMs?: number;
  /** Batches sent and not yet acknowledged. */
  readonly window?: number;
}

export interface SessionResult {
  readonly peer: string;
  /** Spaces we offered, and those both sides offered (exchanged). */
  readonly offered: readonly string[];
  readonly shared: readonly string[];
  readonly sentOps: number;
  readonly receivedOps: number;
  readonly batchesSent: number;
  readonly batchesReceived: number;
  readonly blobsSent: number;
  readonly blobsReceived: number;
  readonly blobBytesSent: number;
  readonly blobBytesReceived: number;
  /**
   * What the peer holds of the shared spaces, as far as this session shows: its HELLO
   * vectors, raised by every operation we sent it (all acknowledged).
   */
  readonly peerVectors: Record<string, VersionVector>;
}

/** Order in which streams go: the small and urgent first. */
export const KIND_PRIORITY: readonly OpKind[] = ['message.post', 'record.put', 'doc.update'];
const PAGE = 256;
/** How long a finished session waits for the peer to close its side. */
const DRAIN_MS = 10_000;
const DEFAULT_IDLE_MS = 60_000;
/** How long a session that refused something waits for the peer to read why. */
const ERROR_GRACE_MS = 2_000;

export class SyncSession {
  stage: SessionStage = 'hello';
  peer: string | undefined;
  private readonly maxBatchBytes: number;
  private readonly window: number;
  private sentOps = 0;
  private receivedOps = 0;
  private nextBatch = 1;
  private expectBatch = 1;
  private readonly unacked: number[] = [];
  // One compression stream per direction, made when the first batch goes or comes.
  private packerOf: BatchPacker | undefined;
  private unpackerOf: BatchUnpacker | undefined;
  private ackWaiter: (() => void) | undefined;
  private iSaidDone = false;
  private peerSaidDone = false;
  private shared: string[] = [];
  private taskError: unknown;
  private readonly blobs: BlobStage;
  private readonly sentUpTo: Record<string, Record<string, Partial<Record<OpKind, number>>>> = {};

  constructor(private readonly opts: SessionOptions) {
    this.maxBatchBytes = opts.maxBatchBytes ?? 64 * 1024;
    this.window = opts.window ?? 4;
    this.blobs = new BlobStage({
      blobs: opts.blobs,
      allowed: (bulk) => opts.blobsAllowed?.(bulk) ?? true,
      chunkBytes: opts.chunkBytes ?? 64 * 1024,
      send: (f) => this.send(f),
      running: () => this.stage === 'exchange',
      fail: (e) => this.failTask(e),
    });
  }

  async run(): Promise<SessionResult> {
    const { link, store } = this.opts;
    let frames: AsyncIterator<Uint8Array> | undefined;
    try {
      const offered = this.opts.offer ? this.opts.offer(this.opts.peer) : store.spaces();
      const mine = Object.fromEntries(offered.map((s) => [s, store.vector(s)]));
      const want = [...(this.opts.accepts ? this.opts.accepts() : OP_KINDS)];
      await this.send({ type: FrameType.Hello, version: PROTOCOL_VERSION, site: link.mutual ? undefined : store.siteId, spaces: mine, want });
      frames = link.frames()[Symbol.asyncIterator]();
      const hello = await this.next(frames);
      if (!hello || hello.type !== FrameType.Hello) throw new SyncProtocolError('unexpected_frame', 'the session must open with HELLO');
      if (hello.version !== PROTOCOL_VERSION) throw new SyncProtocolError('version_mismatch', `peer speaks version ${hello.version}, we speak ${PROTOCOL_VERSION}`);
      const site = hello.site ?? this.opts.peer;
      if (site === undefined) throw new SyncProtocolError('malformed_frame', 'a HELLO must say which site sends it on a link that does not');
      if (site === store.siteId) throw new SyncProtocolError('self', 'a replica cannot sync with itself');
      if (this.opts.peer !== undefined && site !== this.opts.peer) {
        throw new SyncProtocolError('wrong_site', `the peer authenticated as ${this.opts.peer} but says it is ${site}`);
      }
      this.peer = site;
      // Both sides computed their offer for each other; both get the same intersection.
      const shared = new Set(Object.keys(hello.spaces).filter((s) => s in mine));
      this.shared = [...shared];
      this.blobs.share(this.shared);
      this.stage = 'exchange';

      let senderError: unknown;
      const sender = this.sendMissing([...shared], hello.spaces, new Set(hello.want)).catch((e: unknown) => {
        senderError = e;
        link.abort(e instanceof Error ? e : new Error(String(e)));
      });
      try {
        await this.receive(frames, shared);
      } catch (e) {
        this.stopSender();
        await Promise.all([sender, this.blobs.settled()]);
        throw senderError ?? this.taskError ?? e;
      }
      await Promise.all([sender, this.blobs.settled()]);
      if (senderError) throw senderError;
      if (this.taskError) throw this.taskError;
      await link.close();
      await afterFinished(frames, DRAIN_MS); // the peer's close: our last bytes are on the wire both ways
      this.stage = 'done';
      return {
        peer: site,
        offered,
        shared: [...shared],
        sentOps: this.sentOps,
        receivedOps: this.receivedOps,
        batchesSent: this.nextBatch - 1,
        batchesReceived: this.expectBatch - 1,
        ...this.blobs.stats(),
        peerVectors: this.peerVectors(hello.spaces, shared),
      };
    } catch (e) {
      this.stage = 'failed';
      if (e instanceof SyncProtocolError || e instanceof SyncRefusedError) {
        // Say why, and give the peer a moment to read it before the link is cut (a cut
        // drops what is unread).
        this.stopSender();
        await this.send({ type: FrameType.Error, code: e.code, message: e.message }).catch(() => {});
        await link.close().catch(() => {});
        if (frames) await settle(frames, ERROR_GRACE_MS);
      }
      link.abort();
      this.stopSender();
      throw e instanceof SyncError ? e : new SyncLinkError(e instanceof Error ? e.message : String(e));
    } finally {
      this.blobs.release();
      this.packerOf?.close();
      this.unpackerOf?.close();
    }
  }

  /** Wake a sender waiting for acknowledgements so it sees the session has failed. */
  private stopSender(): void {
    this.stage = 'failed';
    const w = this.ackWaiter;
    this.ackWaiter = undefined;
    w?.();
    this.blobs.wake();
  }

  private finished(): boolean {
    return (
      this.iSaidDone && this.peerSaidDone && this.unacked.length === 0 && this.blobs.finished()
    );
  }

  /** A task beside the receiving loop (asking for blobs, serving them): its failure cuts the session. */
  private failTask(e: unknown): void {
    this.taskError ??= e;
    this.opts.link.abort(e instanceof Error ? e : new Error(String(e)));
  }

  private get packer(): BatchPacker {
    return (this.packerOf ??= new BatchPacker(this.opts.compression ?? 'smallest'));
  }

  private get unpacker(): BatchUnpacker {
    return (this.unpackerOf ??= new BatchUnpacker(MAX_BATCH_DECODED));
  }

  private async onBatch(n: number, ops: readonly Operation[], shared: ReadonlySet<string>): Promise<void> {
    if (n !== this.expectBatch) throw new SyncProtocolError('out_of_order', `batch ${n} arrived, ${this.expectBatch} expected`);
    for (const op of ops) {
      if (!shared.has(op.space)) throw new SyncRefusedError('not_shared', `space ${op.space} is not shared in this session`);
    }
    this.receivedOps += this.opts.store.applyBatch(ops);
    this.expectBatch++;
    await this.send({ type: FrameType.Ack, n });
  }

  private async receive(frames: AsyncIterator<Uint8Array>, shared: ReadonlySet<string>): Promise<void> {
    while (!this.finished()) {
      const frame = await this.next(frames);
      if (!frame) {
        // The peer closes once it is finished; let our own last answers settle first.
        // Closed before that (a connection ended by a FIN), nothing more will come, not
        // even the END a WANT of ours waits for: fail now rather than wait forever.
        if (!this.finished()) throw new SyncLinkError('the peer closed the session before it was finished');
        await this.blobs.settled();
        return;
      }
      switch (frame.type) {
        case FrameType.Batch:
          await this.onBatch(frame.n, frame.ops, shared);
          break;
        case FrameType.Packed: {
          if (frame.n !== this.expectBatch) throw new SyncProtocolError('out_of_order', `batch ${frame.n} arrived, ${this.expectBatch} expected`);
          await this.onBatch(frame.n, decodeOps(await this.unpacker.unpack(frame.bytes)), shared);
          break;
        }
        case FrameType.Ack: {
          if (this.unacked[0] !== frame.n) throw new SyncProtocolError('out_of_order', `acknowledgement of batch ${frame.n}, ${this.unacked[0] ?? 'none'} expected`);
          this.unacked.shift();
          const w = this.ackWaiter;
          this.ackWaiter = undefined;
          w?.();
          break;
        }
        case FrameType.Done:
          if (this.peerSaidDone) throw new SyncProtocolError('unexpected_frame', 'DONE sent twice');
          this.peerSaidDone = true;
          // We hold every operation the peer had for us: now the blobs they point at.
          this.blobs.start();
          break;
        case FrameType.Want:
          this.blobs.onWant(frame.blobs);
          break;
        case FrameType.Chunk:
          await this.blobs.onChunk(frame.sha256, frame.offset, frame.bytes);
          break;
        case FrameType.End:
          this.blobs.onEnd();
          break;
        case FrameType.Error:
          throw new SyncPeerError(frame.code, `the peer closed the session: ${frame.message}`);
        case FrameType.Hello:
          throw new SyncProtocolError('unexpected_frame', 'HELLO in the middle of a session');
      }
    }
  }

  /** Send, stream by stream, every operation the peer's vectors say it lacks. */
  private async sendMissing(spaces: readonly string[], theirs: Readonly<Record<string, VersionVector>>, want: ReadonlySet<OpKind>): Promise<void> {
    const { store } = this.opts;
    let batch: Operation[] = [];
    let size = 0;
    const flush = async () => {
      if (!batch.length) return;
      while (this.unacked.length >= this.window) {
        if (this.stage === 'failed') throw new SyncLinkError();
        await new Promise<void>((r) => (this.ackWaiter = r));
      }
      if (this.stage === 'failed') throw new SyncLinkError();
      const n = this.nextBatch++;
      this.unacked.push(n);
      this.sentOps += batch.length;
      const ops = batch;
      batch = [];
      size = 0;
      await this.send({ type: FrameType.Packed, n, bytes: await this.packer.pack(encodeOps(ops)) });
    };
    // Spaces whose name starts with "$" (the federation's grants) go first and whole: the
    // peer needs them to accept the rest.
    const system = spaces.filter((s) => s.startsWith('$'));
    const user = spaces.filter((s) => !s.startsWith('$'));
    const kinds = [...KIND_PRIORITY, ...OP_KINDS.filter((k) => !KIND_PRIORITY.includes(k))];
    const plan: Array<[OpKind, string]> = [
      ...system.flatMap((space) => kinds.map((kind): [OpKind, string] => [kind, space])),
      ...kinds.flatMap((kind) => user.map((space): [OpKind, string] => [kind, space])),
    ];
    for (const [kind, space] of plan) {
      // Grants always go; other streams only if the peer wants them and our budget allows.
      if (!space.startsWith('$') && (!want.has(kind) || (this.opts.mayRun && !this.opts.mayRun(kind)))) continue;
      {
        const mine = store.vector(space);
        for (const [author, streams] of Object.entries(mine)) {
          const have = streams[kind] ?? 0;
          let after = theirs[space]?.[author]?.[kind] ?? 0;
          while (after < have) {
            if (!space.startsWith('$') && this.opts.mayRun && !this.opts.mayRun(kind)) break;
            const page = store.page(space, author, kind, after, PAGE);
            if (!page.length) break;
            for (const op of page) {
              batch.push(op);
              ((this.sentUpTo[space] ??= {})[author] ??= {})[kind] = op.seq;
              size += op.body.length + op.sig.length + op.space.length + op.author.length + op.hlc.length + 16;
              // A batch ends at a signed operation: the peer checks it on its own.
              if (size >= this.maxBatchBytes && op.sig.length > 0) await flush();
            }
            after = page[page.length - 1]!.seq;
          }
        }
      }
    }
    await flush();
    this.iSaidDone = true;
    await this.send({ type: FrameType.Done });
  }

  private peerVectors(theirs: Readonly<Record<string, VersionVector>>, shared: ReadonlySet<string>): Record<string, VersionVector> {
    const out: Record<string, VersionVector> = {};
    for (const space of shared) {
      const v: Record<string, Partial<Record<OpKind, number>>> = {};
      for (const [author, streams] of Object.entries(theirs[space] ?? {})) v[author] = { ...streams };
      for (const [author, streams] of Object.entries(this.sentUpTo[space] ?? {})) {
        const mine = (v[author] ??= {});
        for (const [kind, seq] of Object.entries(streams) as Array<[OpKind, number]>) mine[kind] = Math.max(mine[kind] ?? 0, seq);
      }
      out[space] = v;
    }
    return out;
  }

  private async next(frames: AsyncIterator<Uint8Array>): Promise<Frame | undefined> {
    const r = await unlessSilent(frames.next(), this.opts.link, this.opts.idleMs ?? DEFAULT_IDLE_MS);
    return r.done ? undefined : decodeFrame(r.value);
  }


  private send(frame: Frame): Promise<void> {
    return this.opts.link.send(encodeFrame(frame));
  }
}
