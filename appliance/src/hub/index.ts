/**
 * Hub mode: a headless replica, with no workspace and no space of its own. It holds the
 * spaces its grant says it carries, stores their operations and blobs without ever
 * materialising them, and hands them on to every site that may hold them. The relay runs
 * one so that sites that never meet (Gavinané behind Nioro, Grigny in France) still
 * exchange everything through it.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase, type Db } from '../db/index.js';
import { cryptoRandom, systemClock, type Clock, type Random } from '../clock/index.js';
import { OpLog } from '../ops/index.js';
import { SiteInfo } from '../setup/index.js';
import { Spaces } from '../spaces/index.js';
import { BlobStore } from '../blobs/index.js';
import { hostsWithGrants } from '../federation/index.js';
import { Network, type NetworkOptions } from '../network/index.js';

export interface HubOptions {
  readonly dataDir: string;
  /** libp2p listen addresses. */
  readonly listen: readonly string[];
  readonly peers?: NetworkOptions['peers'];
  readonly mdns?: boolean;
  /** Bytes the hub may hold for the spaces it carries (default: no limit). */
  readonly carryQuotaBytes?: number;
  readonly syncEveryMs?: number;
  /** Told after every session (the relay publishes the new heads). */
  readonly afterSession?: NetworkOptions['afterSession'];
  /** Be a circuit relay (v2) for the sites these rules allow. */
  readonly relayServer?: NetworkOptions['relayServer'];
  /** Peers refused whatever their grants (a site the relay revoked). */
  readonly refuse?: (peer: string) => boolean;
  readonly clock?: Clock;
  readonly random?: Random;
  readonly onError?: (err: unknown) => void;
}

export class Hub {
  readonly db: Db;
  readonly site: SiteInfo;
  readonly log: OpLog;
  readonly blobs: BlobStore;
  readonly network: Network;

  constructor(opts: HubOptions) {
    mkdirSync(opts.dataDir, { recursive: true });
    const clock = opts.clock ?? systemClock;
    const random = opts.random ?? cryptoRandom;
    this.db = openDatabase({ path: join(opts.dataDir, 'solidaire.db') });
    this.site = new SiteInfo({ db: this.db, clock });
    const spaces = new Spaces({ db: this.db, clock });
    // Only the grants are materialised: they say who may hold what.
    this.log = new OpLog({ db: this.db, key: this.site.key, clock, hosts: hostsWithGrants(() => false) });
    this.blobs = new BlobStore({ dir: join(opts.dataDir, 'blobs'), db: this.db, clock, random });
    this.network = new Network({
      db: this.db,
      log: this.log,
      clock,
      key: this.site.key,
      spaces,
      blobs: this.blobs,
      listen: opts.listen,
      carryQuotaBytes: opts.carryQuotaBytes ?? Number.MAX_SAFE_INTEGER,
      keepAllContent: true,
      ...(opts.refuse ? { refuse: opts.refuse } : {}),
      ...(opts.relayServer ? { relayServer: opts.relayServer } : {}),
      ...(opts.afterSession ? { afterSession: opts.afterSession } : {}),
      ...(opts.peers ? { peers: opts.peers } : {}),
      ...(opts.mdns !== undefined ? { mdns: opts.mdns } : {}),
      ...(opts.syncEveryMs ? { resyncMs: opts.syncEveryMs, pollMs: Math.min(5_000, opts.syncEveryMs) } : {}),
      ...(opts.onError ? { onError: opts.onError } : {}),
    });
  }

  get siteId(): string {
    return this.site.id;
  }

  async start(): Promise<void> {
    await this.network.start();
  }

  /** Stop syncing, close connections, then the database. Safe to call twice. */
  async stop(): Promise<void> {
    await this.network.stop();
    if (this.db.open) this.db.close();
  }
}
