/**
 * The sync service of one box: runs sessions with peers over whatever transport brings
 * links (libp2p, tests' memory links), at most one session per peer at a time, and keeps
 * each peer's status for the API (last sync, what moved, the last error).
 */
import type { Clock } from '../clock/index.js';
import type { FrameLink } from './link.js';
import type { SyncBlobs, SyncStore } from './store.js';
import { SyncSession, type SessionOptions, type SessionResult } from './session.js';
import { SyncBusyError, SyncError } from './errors.js';

export interface SyncTransport {
  /** Open a sync link to a peer, by site id or address; `peer` is who the transport authenticated. */
  dial(target: string, signal?: AbortSignal): Promise<{ link: FrameLink; peer: string }>;
}

export interface PeerStatus {
  readonly peer: string;
  readonly running: boolean;
  readonly lastSyncAt: number | null;
  readonly lastAttemptAt: number | null;
  readonly lastError: { code: string; message: string } | null;
  readonly sentOps: number;
  readonly receivedOps: number;
}

export interface SyncServiceOptions {
  readonly store: SyncStore;
  readonly clock: Clock;
  /** What to offer each peer (entitlements). */
  readonly offer: (peer: string | undefined) => readonly string[];
  readonly transport?: SyncTransport;
  /** Blobs to ask for and hand out; none: sessions move operations only. */
  readonly blobs?: SyncBlobs;
  /** What the link to this peer allows now (its budget), asked when each session starts. */
  readonly policy?: (peer: string) => Pick<SessionOptions, 'accepts' | 'mayRun' | 'blobsAllowed' | 'compression'>;
  /** Told after every session, good or bad (e.g. to remember the peer's vectors). */
  readonly onSession?: (peer: string, result: SessionResult | null, error: SyncError | null) => void;
}

export class SyncService {
  private readonly peers = new Map<string, PeerStatus>();
  private readonly running = new Map<string, SyncSession>();
  private readonly links = new Set<FrameLink>();
  private stopped = false;

  constructor(private readonly opts: SyncServiceOptions) {}

  start(): void {
    this.stopped = false;
  }

  /** Abort every running session; what was acknowledged stays applied. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const link of this.links) link.abort();
    this.links.clear();
  }

  /** Run a session over a link the transport accepted from `peer`. */
  accept(link: FrameLink, peer: string): Promise<SessionResult> {
    return this.run(link, peer);
  }

  /** Dial a peer and run a session with it. */
  async syncWith(target: string, signal?: AbortSignal): Promise<SessionResult> {
    if (!this.opts.transport) throw new Error('this box has no sync transport');
    if (this.running.has(target)) throw new SyncBusyError(target);
    const { link, peer } = await this.opts.transport.dial(target, signal);
    return this.run(link, peer);
  }

  status(): PeerStatus[] {
    return [...this.peers.values()].sort((a, b) => (b.lastAttemptAt ?? 0) - (a.lastAttemptAt ?? 0));
  }

  private async run(link: FrameLink, peer: string): Promise<SessionResult> {
    if (this.stopped || this.running.has(peer)) {
      link.abort();
      throw new SyncBusyError(peer);
    }
    const session = new SyncSession({
      store: this.opts.store,
      link,
      peer,
      offer: this.opts.offer,
      ...(this.opts.blobs ? { blobs: this.opts.blobs } : {}),
      ...this.opts.policy?.(peer),
    });
    this.running.set(peer, session);
    this.links.add(link);
    const before = this.peers.get(peer);
    const now = this.opts.clock.now();
    this.peers.set(peer, { ...(before ?? blank(peer)), running: true, lastAttemptAt: now });
    try {
      const result = await session.run();
      const p = this.peers.get(peer)!;
      this.peers.set(peer, {
        ...p,
        running: false,
        lastSyncAt: this.opts.clock.now(),
        lastError: null,
        sentOps: p.sentOps + result.sentOps,
        receivedOps: p.receivedOps + result.receivedOps,
      });
      this.opts.onSession?.(peer, result, null);
      return result;
    } catch (e) {
      const err = e instanceof SyncError ? e : new SyncError('internal', String(e));
      this.peers.set(peer, { ...this.peers.get(peer)!, running: false, lastError: { code: err.code, message: err.message } });
      this.opts.onSession?.(peer, null, err);
      throw err;
    } finally {
      this.running.delete(peer);
      this.links.delete(link);
    }
  }
}

function blank(peer: string): PeerStatus {
  return { peer, running: false, lastSyncAt: null, lastAttemptAt: null, lastError: null, sentOps: 0, receivedOps: 0 };
}
