/**
 * One appliance: a box's database, op log, blob store and workspace, started and stopped
 * as one service. Everything from outside (clock, randomness, where data lives, which
 * port) is given here, so tests can run many in one process.
 */
import { join } from 'node:path';
import { readUpdateState, releaseOfferSchema, ReleaseDelivery, VERSION } from './update/index.js';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { openDatabase, WriteQueue, type Db } from './db/index.js';
import { cryptoRandom, systemClock, type Clock, type Random } from './clock/index.js';
import { OpLog } from './ops/index.js';
import { Accounts, LoginLimiter, Sessions } from './auth/index.js';
import { Spaces } from './spaces/index.js';
import { BlobStore } from './blobs/index.js';
import { SiteInfo } from './setup/index.js';
import { createApp, ResponseCache, type Services } from './http/index.js';
import { recordObservers, roomRouters, streamedBodies } from './rooms.js';
import { Network, type NetworkOptions } from './network/index.js';
import { CONTENT_CACHE_BYTES, evictContent } from './content/index.js';
import { AnsweredCommands, commandHandler, readRelayConfig, RelayLink } from './relay-link/index.js';
import { DEFAULT_LINK } from './network/index.js';
import { hostsWithGrants } from './federation/index.js';
import { createHealthAgent, type HealthAgent, type HealthOptions } from './health/index.js';

export interface ApplianceOptions {
  /** Where the database and blobs live. */
  readonly dataDir: string;
  readonly port?: number;
  readonly host?: string;
  readonly clock?: Clock;
  readonly random?: Random;
  readonly secureCookies?: boolean;
  readonly logError?: (err: unknown) => void;
  /** Connect to the relay the box enrolled with (default true when it has one). */
  readonly relayLink?: boolean;
  /** How the box restarts when the relay asks (default: SIGTERM to itself; systemd brings it back). */
  readonly restart?: () => void;
  /** Bytes of unpinned content packs kept as a cache (default CONTENT_CACHE_BYTES). */
  readonly contentCacheBytes?: number;
  /** libp2p listen addresses for sync; none: the box syncs by USB bundles only. */
  readonly p2pListen?: readonly string[];
  /** Find neighbours on the LAN by mDNS (true, or a service tag to keep tests apart). */
  readonly mdns?: boolean | { readonly serviceTag?: string };
  /** Peers to dial besides the neighbours mDNS finds (multiaddrs ending in /p2p/<site id>). */
  readonly peers?: NetworkOptions['peers'];
  /**
   * How often known peers are synced with when nothing changed (default 60 s); 0: never on
   * its own, only when asked (syncNow) or when a neighbour appears — for tests that say when.
   */
  readonly syncEveryMs?: number;
  /**
   * Sample the box's health (health/): true or settings to run the agent. Off by default
   * so tests that build many appliances do not pay for it; `solidaire appliance` turns it on.
   */
  readonly health?: boolean | HealthOptions;
  /** The box's names on the network; the first is where the captive page sends (default solidaire.local). */
  readonly publicNames?: readonly string[];
  /**
   * Where updates live (update/apply.ts's layout: releases, the `current` link, the outcome
   * of the last one, the updates folder): /var/lib/solidaire on the image, beside the data
   * folder. Default: the data folder itself.
   */
  readonly updatesRoot?: string;
  /** The public key releases must be signed with (default RELEASE_KEY_FILE, in the read-only system). */
  readonly releaseKeyFile?: string;
}

export const RELEASE_KEY_FILE = '/usr/share/solidaire/release-key.pub';

export { VERSION };

export class Appliance {
  readonly services: Services;
  readonly app: ReturnType<typeof createApp>;
  private server: ServerType | undefined;
  private readonly db: Db;
  /** The link to the relay, once started (a box enrolled with one). */
  relay: RelayLink | undefined;
  /** Releases offered by the relay or brought on a USB stick, fetched as blobs, checked, queued. */
  readonly releases: ReleaseDelivery;
  /** The last lines of the box's log, for the relay's "collect logs". */
  readonly recentLogs: string[] = [];

  constructor(private readonly opts: ApplianceOptions) {
    mkdirSync(opts.dataDir, { recursive: true });
    const clock = opts.clock ?? systemClock;
    const random = opts.random ?? cryptoRandom;
    const db = openDatabase({ path: join(opts.dataDir, 'solidaire.db') });
    this.db = db;
    const site = new SiteInfo({ db, clock });
    const spaces = new Spaces({ db, clock });
    const sessions = new Sessions({ db, clock, random });
    const hosts = hostsWithGrants((s) => spaces.hosts(s));
    const log = new OpLog({ db, key: site.key, clock, hosts, observers: recordObservers(db, () => site.id) });
    const blobs = new BlobStore({ dir: join(opts.dataDir, 'blobs'), db, clock, random });
    // An enrolled box reaches sites behind NAT, and is reached, through its relay's hub.
    const relayHub = opts.relayLink === false ? undefined : readRelayConfig(opts.dataDir)?.hub;
    const network = new Network({
      db,
      log,
      clock,
      key: site.key,
      spaces,
      blobs,
      // On a low battery the box defers blobs (health/: frugal mode).
      frugal: () => this.services.health?.frugal() ?? false,
      // Blobs arrived: the cache of unpinned content may have to shrink.
      // A release may have arrived whole: check it and queue it for root.
      afterSession: () => {
        void evictContent(db, blobs, opts.contentCacheBytes ?? CONTENT_CACHE_BYTES);
        this.releases.check().catch((e: unknown) => this.logError(e, false));
      },
      ...(opts.p2pListen ? { listen: opts.p2pListen } : {}),
      ...(relayHub?.length ? { relay: relayHub } : {}),
      ...(opts.mdns !== undefined ? { mdns: opts.mdns } : {}),
      ...(opts.peers ? { peers: opts.peers } : {}),
      ...(opts.syncEveryMs !== undefined ? { resyncMs: opts.syncEveryMs, pollMs: Math.min(5_000, opts.syncEveryMs) } : {}),
      onError: (e) => this.logError(e, false),
    });
    this.services = {
      db,
      log,
      clock,
      random,
      site,
      spaces,
      writes: new WriteQueue(db),
      responses: new ResponseCache(db, (s) => log.changeCount(s)),
      accounts: new Accounts({ db, clock, random, sessions }),
      sessions,
      limiter: new LoginLimiter({ clock }),
      blobs,
      secureCookies: opts.secureCookies ?? false,
      network,
      ...(opts.health ? { health: this.healthAgent(db, clock) } : {}),
      updates: {
        root: opts.updatesRoot ?? opts.dataDir,
        dir: join(opts.updatesRoot ?? opts.dataDir, 'updates'),
        keyFile: opts.releaseKeyFile ?? RELEASE_KEY_FILE,
        version: VERSION,
        delivery: () => this.releases.report().delivery,
        take: (file: string) => this.releases.take(file),
      },
    };
    this.releases = new ReleaseDelivery({
      db,
      blobs,
      clock,
      updates: this.services.updates,
      dataDir: opts.dataDir,
      note: (line) => this.note(line),
      // The relay hears of it at once (a visit, on a metered link).
      onChange: () => void this.relay?.stateChanged(),
    });
    this.app = createApp({
      services: this.services,
      rooms: roomRouters(),
      streamedBodies,
      version: VERSION,
      ...(this.opts.publicNames ? { publicNames: this.opts.publicNames } : {}),
      logError: (e: unknown) => this.logError(e, true),
    });
  }

  private healthAgent(db: Db, clock: Clock): HealthAgent {
    const settings = typeof this.opts.health === 'object' ? this.opts.health : {};
    return createHealthAgent({
      ...settings,
      db,
      clock,
      dataDir: this.opts.dataDir,
      note: (line) => this.note(line),
      onError: (e) => this.logError(e, false),
    });
  }

  /** Listen for HTTP; resolves with the URL once the port is bound. */
  async start(): Promise<string> {
    if (this.server) throw new Error('this appliance is already started');
    const host = this.opts.host ?? '0.0.0.0';
    const port = await new Promise<number>((resolve, reject) => {
      const server = serve({ fetch: this.app.fetch, port: this.opts.port ?? 8080, hostname: host }, (info: AddressInfo) => resolve(info.port));
      server.once('error', reject);
      this.server = server;
    });
    await this.services.network.start();
    this.services.health?.start();
    // What the last update did (update/apply.ts writes it in the updates root): in the
    // box's recent log, which the relay collects.
    const update = readUpdateState(this.services.updates.root);
    if (update) {
      const outcome = { applied: `installée (avant : ${update.previous})`, 'rolled-back': `annulée, ${update.reason}`, refused: `refusée, ${update.reason}` }[update.result];
      this.note(`mise à jour ${update.version} : ${outcome}`);
    }
    // A release that arrived whole just before a stop is checked and queued now.
    await this.releases.check().catch((e: unknown) => this.logError(e, false));
    await this.startRelayLink();
    return `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`;
  }

  /** An error: noted for the relay; given to opts.logError, or printed when `print` (the HTTP app's 500s). */
  private logError(e: unknown, print: boolean): void {
    this.note(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    if (this.opts.logError) this.opts.logError(e);
    else if (print) console.error(e);
  }

  /** Note a line in the box's recent log (kept in memory, the last 200). */
  note(line: string): void {
    this.recentLogs.push(`${new Date(this.services.clock.now()).toISOString()} ${line}`);
    if (this.recentLogs.length > 200) this.recentLogs.splice(0, this.recentLogs.length - 200);
  }

  private async startRelayLink(): Promise<void> {
    const config = this.opts.relayLink === false ? null : readRelayConfig(this.opts.dataDir);
    if (!config) return;
    const { network, clock } = this.services;
    // An enrolled box also syncs with its relay's hub, over the Internet link.
    for (const address of config.hub) network.addPeer(address, DEFAULT_LINK);
    this.relay = new RelayLink({
      config,
      clock,
      version: VERSION,
      state: () => {
        const st = network.status();
        const synced = st.peers.map((p) => p.lastSyncAt).filter((t): t is number => t !== null);
        const update = this.releases.report();
        return {
          budgetUsedPct: network.policy.usage(DEFAULT_LINK).usedPct,
          syncBacklogOps: st.peers.reduce((n, p) => n + (p.pendingOps ?? 0), 0),
          lastSyncAt: synced.length ? Math.max(...synced) : null,
          // Said only once there is something to say: an idle box's presence stays as small.
          ...(update.delivery || update.last ? { update } : {}),
        };
      },
      metered: () => network.policy.settings(DEFAULT_LINK).metered,
      onBytes: (bytesIn, bytesOut) => network.policy.record(DEFAULT_LINK, bytesIn, bytesOut),
      answered: new AnsweredCommands(join(this.opts.dataDir, 'commands-answered.json')),
      commands: commandHandler({
        syncNow: async () =>
          (await network.syncNow()).map((r) => (r instanceof Error ? { error: r.message } : { peer: r.peer, sent: r.sentOps, received: r.receivedOps })),
        logs: () => [...this.recentLogs],
        configureLink: (s) => network.policy.configure(s),
        restart: this.opts.restart ?? (() => process.kill(process.pid, 'SIGTERM')),
      }),
      // Health batches go up while the Internet link lets the control class through; on a
      // metered link the finest level sent is the quarter-hour (a day costs ~5 KB, not ~12).
      ...(this.services.health
        ? {
            health: {
              pendingBatch: () => this.services.health!.pendingBatch(500, network.policy.settings(DEFAULT_LINK).metered ? { finest: 'quarter' } : {}),
              markUploaded: (id: string) => void this.services.health!.markUploaded(id),
            },
          }
        : {}),
      heads: {
        // The spaces this box is granted and hosts: those whose heads the relay lets it follow.
        spaces: () => {
          const granted = network.entitlements.grantOf(this.services.site.id)?.spaces ?? {};
          return this.services.spaces.list().map((s) => s.id).filter((id) => granted[id] === 'host');
        },
        onHead: (space, vector) => {
          // Sync only when the hub holds something this box lacks.
          const mine = this.services.log.versionVector(space);
          const behind = Object.entries(vector).some(([author, streams]) =>
            Object.entries(streams ?? {}).some(([kind, seq]) => (seq ?? 0) > ((mine[author] as Record<string, number> | undefined)?.[kind] ?? 0)),
          );
          if (behind) void network.syncNow().catch((e: unknown) => this.logError(e, false));
        },
      },
      releases: {
        onOffer: (raw) => {
          const offer = releaseOfferSchema.safeParse(raw);
          if (!offer.success) return this.note('relais : offre de version illisible, ignorée');
          // Wanted only once the round under way has ended (a session with the hub over the
          // 3G key would take it at once); then a round of its own, free links first, so a
          // neighbour that has it hands it over.
          network
            .roundEnded()
            .then(() => this.releases.offer(offer.data))
            .then(() => (this.releases.report().delivery?.state === 'fetching' ? network.syncNow() : undefined))
            .catch((e: unknown) => this.logError(e, false));
        },
      },
      onError: (e) => this.note(`relais : ${e instanceof Error ? e.message : String(e)}`),
    });
    await this.relay.start();
  }

  /** Stop listening, close every connection and the database. Safe to call twice. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) (server as { closeAllConnections(): void }).closeAllConnections();
      });
    }
    await this.relay?.stop();
    this.relay = undefined;
    await this.services.network.stop();
    await this.services.health?.stop();
    // Writes already accepted are committed (and answered) before the database closes.
    this.services.writes.stop();
    if (this.db.open) this.db.close();
  }
}
