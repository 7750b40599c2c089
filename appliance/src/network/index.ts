/**
 * The box on the network: its libp2p node, the sync service over it, the federation's
 * grants and the link budget, started and stopped as one service. Neighbours found by
 * mDNS and configured addresses are synced with on a timer and soon after a local change;
 * of two LAN neighbours only the one with the smaller id dials, so they never race.
 */
import { sql, type Db } from '../db/index.js';
import type { Clock } from '../clock/index.js';
import type { OpLog, Operation } from '../ops/index.js';
import type { SiteKey } from '../identity/index.js';
import type { Spaces } from '../spaces/index.js';
import { Entitlements, FEDERATION_SPACE } from '../federation/index.js';
import { LinkPolicy } from '../budget/index.js';
import { OpLogSyncStore, SyncService, type PeerStatus, type SessionResult } from '../sync/index.js';
import type { P2PNode } from '../p2p/index.js';

export interface NetworkOptions {
  readonly db: Db;
  readonly log: OpLog;
  readonly clock: Clock;
  readonly key: SiteKey;
  readonly spaces: Spaces;
  /** libp2p listen addresses; none: no node (the box syncs by bundles only). */
  readonly listen?: readonly string[];
  readonly mdns?: boolean | { readonly serviceTag?: string };
  /** Addresses (multiaddrs with /p2p/<id>) to dial besides the neighbours mDNS finds. */
  readonly peers?: readonly string[];
  /** How often known peers are synced with, and how often local changes are looked for. */
  readonly resyncMs?: number;
  readonly pollMs?: number;
  readonly onError?: (err: unknown) => void;
}

export interface NetworkStatus {
  readonly siteId: string;
  readonly federationId: string | null;
  readonly addresses: readonly string[];
  readonly peers: ReadonlyArray<PeerStatus & { name: string | null; bytesIn: number; bytesOut: number }>;
}

export { syncRoutes } from './routes.js';

export class Network {
  readonly entitlements: Entitlements;
  readonly policy: LinkPolicy;
  readonly sync: SyncService;
  private readonly store: OpLogSyncStore;
  private node: P2PNode | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastRowid = 0;
  private lastRound = 0;
  private round: Promise<unknown> | undefined;

  constructor(private readonly opts: NetworkOptions) {
    this.entitlements = new Entitlements(opts.db);
    this.policy = new LinkPolicy({ db: opts.db, clock: opts.clock });
    const store = (this.store = new OpLogSyncStore({
      db: opts.db,
      log: opts.log,
      spaces: () => this.held(),
      mayWrite: (op) => this.entitlements.mayWrite(op),
    }));
    const self = opts.key.siteId;
    this.sync = new SyncService({
      store,
      clock: opts.clock,
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

  /** Spaces whose operations this box exchanges: the grants, and the spaces it hosts. */
  held(): string[] {
    return [FEDERATION_SPACE, ...this.opts.spaces.list().map((s) => s.id)];
  }

  async start(): Promise<void> {
    this.sync.start();
    if (this.opts.listen?.length) {
      // libp2p is loaded only by a box that listens: it is most of the start-up time.
      const { createP2PNode } = await import('../p2p/index.js');
      this.node = createP2PNode({
        siteKey: this.opts.key,
        listen: [...this.opts.listen],
        mdns: this.opts.mdns ?? false,
        onSyncLink: async (link) => {
          await this.sync.accept(link, link.peer).catch((e: unknown) => this.opts.onError?.(e));
        },
        onPeer: (p) => {
          if (this.opts.key.siteId < p.peer) void this.syncWith([p.peer]);
        },
      });
      await this.node.start();
    }
    const poll = this.opts.pollMs ?? 5_000;
    this.timer = setInterval(() => void this.tick(), poll);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.sync.stop();
    await this.round?.catch(() => {});
    await this.node?.stop();
    this.node = undefined;
  }

  /** Every peer this box knows how to reach: configured addresses, then LAN neighbours. */
  targets(): string[] {
    const found = (this.node?.discovered() ?? []).map((p) => p.peer).filter((p) => this.opts.key.siteId < p);
    return [...(this.opts.peers ?? []), ...found];
  }

  /** Sync with every known peer now, one after the other. */
  syncNow(): Promise<Array<SessionResult | Error>> {
    return this.syncWith(this.targets());
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
        bytesIn: bytes.get(p.peer)?.bytesIn ?? 0,
        bytesOut: bytes.get(p.peer)?.bytesOut ?? 0,
      })),
    };
  }

  private async syncWith(targets: readonly string[]): Promise<Array<SessionResult | Error>> {
    const results: Array<SessionResult | Error> = [];
    const run = (async () => {
      for (const t of targets) {
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
    await run;
    return results;
  }

  /** On a timer: sync when something changed here, or when the last round is old. */
  private async tick(): Promise<void> {
    const row = sql<[], { r: number | null }>(this.opts.db, 'SELECT max(rowid) AS r FROM ops').get();
    const now = this.opts.clock.now();
    const changed = (row?.r ?? 0) !== this.lastRowid;
    if (!changed && now - this.lastRound < (this.opts.resyncMs ?? 60_000)) return;
    this.lastRowid = row?.r ?? 0;
    this.lastRound = now;
    try {
      await this.syncNow();
    } catch (e) {
      this.opts.onError?.(e);
    }
  }
}
