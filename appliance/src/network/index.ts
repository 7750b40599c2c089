/**
 * The box on the network: its libp2p node, the sync service over it, the federation's
 * grants and the link budget, started and stopped as one service. Neighbours found by
 * mDNS and configured addresses are synced with on a timer and soon after a local change;
 * of two LAN neighbours only the one with the smaller id dials, so they never race.
 *
 * Links. Every peer is reached over a named link: "lan" for the neighbours mDNS finds
 * (free), and for configured peers the link their configuration names ("internet" by
 * default: the 3G key), which the box admin may make metered with a monthly budget. Bytes
 * counted on each peer's sockets are added to its link's month (usage.ts); each session
 * asks the link what may cross it now (operation kinds, blobs). A round of syncing goes to the
 * free links first, so a blob a neighbour has arrives from it and not over the 3G key.
 *
 * Carrying. Besides the spaces it hosts, a box holds the spaces its grant says it
 * carries: their operations and blobs are stored, never materialised nor shown, and
 * handed on, up to a carrying quota.
 */
import { sql, type Db } from '../db/index.js';
import type { BlobStore } from '../blobs/index.js';
import type { Clock } from '../clock/index.js';
import type { OpLog, Operation } from '../ops/index.js';
import type { SiteKey } from '../identity/index.js';
import type { Spaces } from '../spaces/index.js';
import { Entitlements, FEDERATION_SPACE } from '../federation/index.js';
import { CLASS_OF_KIND, LinkPolicy, type TrafficClass } from '../budget/index.js';
import { OpLogSyncStore, StoreBlobs, SyncService, type PeerStatus, type SessionResult } from '../sync/index.js';
import type { P2PNode, RelayClientOptions, RelayServerOptions } from '../p2p/index.js';
import { PeerVectors } from '../bundle/index.js';
import { Carrying } from './carrying.js';
import { isLocalAddress } from './addresses.js';
import { pendingBeyond } from './pending.js';
import { RoundSchedule } from './schedule.js';
import { SocketUsage } from './usage.js';

export interface NetworkOptions {
  readonly db: Db;
  readonly log: OpLog;
  readonly clock: Clock;
  readonly key: SiteKey;
  readonly spaces: Spaces;
  /** libp2p listen addresses; none (and no relay): no node (the box syncs by bundles only). */
  readonly listen?: readonly string[];
  /**
   * The relay's addresses (its hub's): the box holds a reservation there while its Internet
   * link is not metered, and dials a site it cannot reach directly through it.
   */
  readonly relay?: readonly string[];
  /** Be a circuit relay for the sites these rules allow (the relay's hub). */
  readonly relayServer?: RelayServerOptions;
  readonly mdns?: boolean | { readonly serviceTag?: string };
  /**
   * Addresses (multiaddrs with /p2p/<id>) to dial besides the neighbours mDNS finds, each
   * on a named link ("internet" unless said otherwise).
   */
  readonly peers?: ReadonlyArray<string | { readonly address: string; readonly link?: string }>;
  /** The box's blob store: files' contents move with sessions; none, operations only. */
  readonly blobs?: BlobStore;
  /** Fetch the blobs of every content pack, pinned here or not (a hub keeps them for all). */
  readonly keepAllContent?: boolean;
  /** Bytes of operations and blobs this box may hold for spaces it only carries. */
  readonly carryQuotaBytes?: number;
  /** How often known peers are synced with, and how often local changes are looked for. */
  readonly resyncMs?: number;
  /**
   * How often a peer on a metered link is synced with when nothing changed here (default
   * 6 h): a no-op session costs ~1.4 KB of the 3G key, and the relay's head notices say
   * when its hub has something new.
   */
  readonly meteredResyncMs?: number;
  /** How often the timer looks for local changes and due peers (default 5 s); 0: no timer. */
  readonly pollMs?: number;
  readonly onError?: (err: unknown) => void;
  /** Whether the box is frugal now (low battery): no blob is fetched or served until it is not. */
  readonly frugal?: () => boolean;
  /** Peers this box refuses to sync with, whatever their grants (revoked at the relay). */
  readonly refuse?: (peer: string) => boolean;
  /** Told after every successful session (e.g. to evict cached content once blobs arrived). */
  readonly afterSession?: (peer: string, result: SessionResult) => void;
}

export interface NetworkStatus {
  readonly siteId: string;
  readonly federationId: string | null;
  readonly addresses: readonly string[];
  readonly peers: ReadonlyArray<
    PeerStatus & {
      name: string | null;
      link: string;
      bytesIn: number;
      bytesOut: number;
      /** Operations (and their bytes) here that the peer did not hold at the last session; null before one. */
      pendingOps: number | null;
      pendingBytes: number | null;
    }
  >;
  /** Blobs the records of held spaces point at that are not here yet. */
  readonly pendingBlobs: { readonly count: number; readonly bytes: number };
  /** Spaces carried for other sites, and the bytes they take. */
  readonly carrying: { readonly spaces: readonly string[]; readonly bytes: number; readonly quotaBytes: number };
}

export const LAN_LINK = 'lan';
export const DEFAULT_LINK = 'internet';
/** Default carrying quota: room for a neighbour's messages, records and some files. */
export { DEFAULT_CARRY_QUOTA } from './carrying.js';
export { isLocalAddress } from './addresses.js';
export { syncRoutes } from './routes.js';

export class Network {
  readonly entitlements: Entitlements;
  readonly policy: LinkPolicy;
  readonly sync: SyncService;
  private readonly store: OpLogSyncStore;
  private readonly carrying: Carrying;
  private readonly peerVectors: PeerVectors;
  private readonly blobs: StoreBlobs | undefined;
  private readonly configured: Array<{ address: string; peer: string | undefined; link: string }>;
  private readonly usage: SocketUsage;
  private node: P2PNode | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly schedule = new RoundSchedule();
  private round: Promise<unknown> | undefined;
  /** Rounds asked for and not finished. */
  private rounds = 0;

  constructor(private readonly opts: NetworkOptions) {
    this.entitlements = new Entitlements(opts.db);
    this.policy = new LinkPolicy({ db: opts.db, clock: opts.clock });
    this.usage = new SocketUsage({ clock: opts.clock, record: (peer, bytesIn, bytesOut) => this.policy.record(this.linkOf(peer), bytesIn, bytesOut) });
    this.peerVectors = new PeerVectors({ db: opts.db, clock: opts.clock });
    this.configured = (opts.peers ?? []).map((p) => {
      const { address, link } = typeof p === 'string' ? { address: p, link: undefined } : p;
      return { address, peer: /\/p2p\/([^/]+)$/.exec(address)?.[1], link: link ?? DEFAULT_LINK };
    });
    this.carrying = new Carrying({ db: opts.db, siteId: opts.key.siteId, entitlements: this.entitlements, spaces: opts.spaces, ...(opts.carryQuotaBytes !== undefined ? { quotaBytes: opts.carryQuotaBytes } : {}) });
    const carry = { carried: (space: string) => this.carrying.carries(space), roomBytes: () => this.carrying.room() };
    const store = (this.store = new OpLogSyncStore({
      db: opts.db,
      log: opts.log,
      spaces: () => this.held(),
      mayWrite: (op) => this.entitlements.mayWrite(op),
      carry,
    }));
    this.blobs = opts.blobs ? new StoreBlobs({ db: opts.db, blobs: opts.blobs, carry, allBulk: opts.keepAllContent ?? false }) : undefined;
    const self = opts.key.siteId;
    this.sync = new SyncService({
      store,
      clock: opts.clock,
      ...(this.blobs ? { blobs: this.blobs } : {}),
      policy: (peer) => {
        const link = this.linkOf(peer);
        const allows = (cls: TrafficClass) => this.allows(link, cls);
        return {
          accepts: () => this.policy.allowedKinds(link),
          mayRun: (kind) => allows(CLASS_OF_KIND[kind]),
          blobsAllowed: (bulk) => !(opts.frugal?.() ?? false) && allows(bulk ? 'bulk' : 'blobs'),
          // Every byte of a metered link counts; on a free one the box's CPU does.
          compression: this.policy.settings(link).metered ? 'smallest' : 'fast',
        };
      },
      onSession: (peer, result) => {
        this.recordBytes(true, peer);
        // What the peer holds: a bundle exported for it later starts from there.
        if (result) this.peerVectors.replace(peer, result.peerVectors);
        try {
          if (result) opts.afterSession?.(peer, result);
        } catch (e) {
          opts.onError?.(e);
        }
      },
      offer: (peer) => this.entitlements.offerTo(self, peer, this.held()),
      transport: { dial: async (target, signal) => {
        if (!this.node) throw new Error('this box has no network node');
        const link = await this.node.dialSync(target, signal);
        return { link, peer: link.peer };
      } },
    });
  }

  /**
   * Enrollment: join the federation and apply every grant it has issued so far (in order,
   * verified, so the grant stream stays contiguous); later grants arrive by sync.
   */
  enroll(federationId: string, grants: readonly Operation[]): number {
    this.entitlements.join(federationId, this.opts.clock.now());
    return this.store.applyBatch(grants);
  }

  /** Spaces whose operations this box exchanges: the grants, the spaces it hosts and those it carries. */
  held(): string[] {
    const hosted = this.opts.spaces.list().map((s) => s.id);
    return [FEDERATION_SPACE, ...hosted, ...this.carried().filter((s) => !hosted.includes(s))];
  }

  /** Spaces this box's grant says it carries and that it does not host. */
  carried(): string[] {
    return this.carrying.spaces();
  }

  /**
   * The link a peer is reached over: its configured link; else the LAN for a neighbour
   * mDNS found or one connected from a private or loopback address; else the Internet.
   */
  linkOf(peer: string): string {
    const configured = this.configured.find((c) => c.peer === peer);
    if (configured) return configured.link;
    if (this.node?.discovered().some((p) => p.peer === peer)) return LAN_LINK;
    // A connection through the relay crosses the relay's link, wherever the relay is.
    if (this.node?.remoteAddresses(peer).some((a) => !a.includes('/p2p-circuit') && isLocalAddress(a))) return LAN_LINK;
    return DEFAULT_LINK;
  }

  /** Whether a class of traffic may cross a link now, counting this session's bytes so far. */
  private allows(link: string, cls: TrafficClass): boolean {
    this.recordBytes(false);
    return this.policy.allows(link, cls);
  }

  /** This session's bytes so far into their links' months (usage.ts). */
  private recordBytes(now: boolean, only?: string): void {
    const node = this.node;
    if (node) this.usage.add(() => node.bytesByPeer(), now, only);
  }

  async start(): Promise<void> {
    this.sync.start();
    if (this.opts.listen?.length || this.opts.relay?.length) {
      // libp2p is loaded only by a box that listens: it is most of the start-up time.
      const { createP2PNode } = await import('../p2p/index.js');
      this.node = createP2PNode({
        siteKey: this.opts.key,
        listen: [...(this.opts.listen ?? [])],
        mdns: this.opts.mdns ?? false,
        ...(this.opts.relay?.length ? { relay: this.relayClient(this.opts.relay) } : {}),
        ...(this.opts.relayServer ? { relayServer: this.opts.relayServer } : {}),
        ...(this.opts.refuse ? { refuse: this.opts.refuse } : {}),
        onError: (e) => this.opts.onError?.(e),
        onSyncLink: async (link) => {
          if (this.opts.refuse?.(link.peer)) return link.abort(new Error('refused'));
          await this.sync.accept(link, link.peer).catch((e: unknown) => this.opts.onError?.(e));
        },
        onPeer: (p) => {
          if (this.opts.key.siteId < p.peer && this.rounds === 0) void this.syncWith([p.peer]);
        },
      });
      await this.node.start();
    }
    const poll = this.opts.pollMs ?? 5_000;
    if (poll > 0) {
      this.timer = setInterval(() => void this.tick(), poll);
      this.timer.unref();
    }
  }

  /**
   * Reachable through the relay only while the Internet link is free: a reservation lives
   * as long as the box's connection to the relay, and on a metered link nothing keeps a
   * connection open just to be open (DESIGN.md). Dialing out through the relay still works.
   */
  private relayClient(addresses: readonly string[]): RelayClientOptions {
    return { addresses, reserve: () => !this.policy.settings(DEFAULT_LINK).metered };
  }

  /** Hold a reservation on the relay now; resolves with this box's addresses through it. */
  async reserveOnRelay(): Promise<string[]> {
    if (!this.node) throw new Error('this box has no network node');
    return this.node.reserve();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.sync.stop();
    await this.round?.catch(() => {});
    this.recordBytes(true);
    await this.node?.stop();
    this.node = undefined;
  }

  /**
   * Every peer this box knows how to reach, free links first: LAN neighbours (those with
   * a larger id: the smaller one dials), configured peers on unmetered links, then the rest.
   */
  targets(): string[] {
    const found = (this.node?.discovered() ?? []).map((p) => p.peer).filter((p) => this.opts.key.siteId < p);
    const configured = [...this.configured].sort(
      (a, b) => Number(this.policy.settings(a.link).metered) - Number(this.policy.settings(b.link).metered),
    );
    return [...found.filter((p) => !this.configured.some((c) => c.peer === p)), ...configured.map((c) => c.address)];
  }

  /** Dial this address too from now on (e.g. the relay's hub, once enrolled); idempotent. */
  addPeer(address: string, link = DEFAULT_LINK): void {
    if (this.configured.some((c) => c.address === address)) return;
    this.configured.push({ address, peer: /\/p2p\/([^/]+)$/.exec(address)?.[1], link });
  }

  /** The remote addresses of this box's open connections with a peer (/p2p-circuit: through the relay). */
  connectionsWith(peer: string): string[] {
    return this.node?.remoteAddresses(peer) ?? [];
  }

  /** Sites holding a reservation on this node, when it is a relay's hub. */
  relayReservations(): string[] {
    return this.node?.reservations() ?? [];
  }

  /** Close every connection with a peer now (e.g. it was revoked). */
  async hangUp(peer: string): Promise<void> {
    await this.node?.hangUp(peer).catch(() => {});
  }

  /**
   * Sync with every known peer now, one after the other, once a round already under way
   * (the timer's, a head notice's) has finished.
   */
  syncNow(): Promise<Array<SessionResult | Error>> {
    return this.syncWith(this.targets());
  }

  /** Once the round of syncing under way (if any) has ended. */
  async roundEnded(): Promise<void> {
    await this.round?.catch(() => {});
  }

  status(): NetworkStatus {
    const bytes = this.node?.bytesByPeer() ?? new Map();
    return {
      siteId: this.opts.key.siteId,
      federationId: this.entitlements.federationId(),
      addresses: this.node?.addresses() ?? [],
      peers: this.sync.status().map((p) => ({
        ...p,
        name: this.entitlements.grantOf(p.peer)?.name ?? null,
        link: this.linkOf(p.peer),
        bytesIn: bytes.get(p.peer)?.bytesIn ?? 0,
        bytesOut: bytes.get(p.peer)?.bytesOut ?? 0,
        ...this.pendingFor(p.peer),
      })),
      pendingBlobs: this.blobs?.pending(this.held()) ?? { count: 0, bytes: 0 },
      carrying: { spaces: this.carrying.spaces(), bytes: this.carrying.bytes(), quotaBytes: this.carrying.quotaBytes },
    };
  }

  /** What this box holds of the spaces it shares with a peer beyond what the peer last said it held. */
  private pendingFor(peer: string): { pendingOps: number | null; pendingBytes: number | null } {
    const known = this.peerVectors.get(peer);
    if (!known) return { pendingOps: null, pendingBytes: null };
    return pendingBeyond(this.opts.db, this.opts.log, known, this.entitlements.offerTo(this.opts.key.siteId, peer, this.held()));
  }

  /**
   * A round of sessions with `targets`, after the rounds already asked for: started beside
   * one, each of its peers answered "busy" instead of syncing what changed since it began.
   * Rounds the box starts by itself (timer, mDNS) are skipped while one is under way.
   */
  private async syncWith(targets: readonly string[]): Promise<Array<SessionResult | Error>> {
    const results: Array<SessionResult | Error> = [];
    const before = this.round;
    this.rounds++;
    const run = (async () => {
      await before;
      for (const t of targets) {
        const id = /\/p2p\/([^/]+)$/.exec(t)?.[1] ?? t;
        if (this.opts.refuse?.(id)) continue;
        let r = await this.sync.syncWith(t).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
        // Two boxes that did not know each other's grant exchange grants first; once they
        // moved, a second session exchanges the spaces they share.
        if (!(r instanceof Error) && r.shared.length < r.offered.length && r.sentOps + r.receivedOps > 0) {
          r = await this.sync.syncWith(t).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
        }
        results.push(r);
      }
    })();
    this.round = run;
    try {
      await run;
    } finally {
      this.rounds--;
    }
    return results;
  }

  /** On a timer: the rounds the schedule says are due (schedule.ts). */
  private async tick(): Promise<void> {
    this.recordBytes(true);
    if (this.rounds > 0) return;
    const row = sql<[], { r: number | null }>(this.opts.db, 'SELECT max(rowid) AS r FROM ops').get();
    const due = this.schedule.due(this.targets(), row?.r ?? 0, this.opts.clock.now(), (t) => {
      const peer = /\/p2p\/([^/]+)$/.exec(t)?.[1] ?? t;
      return this.policy.settings(this.linkOf(peer)).metered ? (this.opts.meteredResyncMs ?? 6 * 3600_000) : (this.opts.resyncMs ?? 60_000);
    });
    if (!due.length) return;
    try {
      await this.syncWith(due);
    } catch (e) {
      this.opts.onError?.(e);
    }
  }
}
