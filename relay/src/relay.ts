/**
 * The relay in France, as one service: the site registry and enrollment, the MQTT broker
 * (TCP, and WebSocket on the HTTP port at /mqtt), the sync hub (a headless replica that
 * carries every space for the sites that never meet, and a circuit relay v2 through which
 * enrolled sites behind NAT reach each other) and the HTTP API. Its data folder:
 *
 *   relay.db      the registry (SQLite, relay/migrations)
 *   mqtt/         the broker's sessions, queued and retained messages (LevelDB)
 *   hub/          the hub's replica (the appliance's op log and blobs)
 *   admin-token   the token of the HTTP API's admin routes (made at first start)
 *
 * When it is given the federation's authority (a folder holding the federation key), it
 * grants each site the spaces it was created with at the moment the box enrolls, grants
 * the hub every space, and hands the grants to the enrolling box.
 */
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getRequestListener } from '@hono/node-server';
import { openDatabase, type Db } from '@solidaire/appliance/db';
import { cryptoRandom, systemClock, type Clock, type Random } from '@solidaire/appliance/clock';
import { Hub } from '@solidaire/appliance/hub';
import { Authority, type GrantSpaces } from '@solidaire/appliance/federation';
import { encodeGrants, topics, ENROLLMENT_VERSION, type EnrollmentFile, type EnrollResponse, type EnrollRequest } from '@solidaire/appliance/relay-link';
import { SiteRegistry, type Site } from './registry.js';
import { Broker } from './broker.js';
import { relayApp } from './http.js';
import { Fleet } from './fleet.js';
import { renderMetrics } from './metrics.js';
import { Alerts, webhookSender, type AlertThresholds } from './alerts.js';
import { HealthStore } from './health.js';
import { HealthIngest } from './ingest.js';
import { InThreadHealthWriter } from './health-writer.js';
import { RELAY_CHECKPOINT_PAGES, RELAY_PAGE_CACHE_KIB, WorkerHealthWriter } from './ingest-worker.js';
import { Releases } from './releases.js';

const MIGRATIONS = fileURLToPath(new URL('../migrations/', import.meta.url));

export interface RelayOptions {
  readonly dataDir: string;
  readonly host?: string;
  /** HTTP API (and MQTT over WebSocket at /mqtt); default 8090. */
  readonly httpPort?: number;
  /** MQTT over TCP; default 1883. */
  readonly mqttPort?: number;
  /** Redis shared with other relay instances (the broker's state and delivery), instead of LevelDB. */
  readonly redis?: { readonly host: string; readonly port: number };
  /** MQTT over TLS too: PEM key and certificate files, and the port (default 8883). */
  readonly tls?: { readonly keyFile: string; readonly certFile: string; readonly port?: number };
  /** libp2p listen addresses of the hub; default /ip4/0.0.0.0/tcp/4001. */
  readonly hubListen?: readonly string[];
  /** How boxes reach this relay, written into enrollment files (default: from the ports). */
  readonly publicHttp?: string;
  readonly publicMqtt?: string;
  /** The releases' public key (PEM file): the relay offers only releases it verifies. */
  readonly releaseKeyFile?: string;
  /** Folder of the federation's authority, if the relay grants spaces itself. */
  readonly authorityDir?: string;
  /** Where alert changes are posted (JSON), besides the API. */
  readonly webhook?: string;
  /** The built fleet dashboard (ui/dist/dashboard unless given). */
  readonly dashboardDir?: string;
  readonly alertThresholds?: Partial<AlertThresholds>;
  /** How often alert rules are evaluated as time passes (default every minute). */
  readonly alertEveryMs?: number;
  /**
   * Decode and store the boxes' health batches on the relay's own thread, not in its ingest
   * thread (the default, which keeps that work off the event loop that answers the boxes).
   */
  readonly ingestInThread?: boolean;
  readonly clock?: Clock;
  readonly random?: Random;
  readonly log?: (line: string) => void;
  readonly onError?: (e: unknown) => void;
}

export interface RelayAddresses {
  readonly http: string;
  readonly mqtt: string;
  readonly hub: readonly string[];
}

export interface RelayEvents {
  /** A message a site published, once the broker authorised and accepted it. */
  publish: [siteKey: string, topic: string, payload: Buffer];
  presence: [siteKey: string, online: boolean];
}

export class Relay {
  /** What sites publish and their presence, for the fleet (and tests) to follow. */
  readonly events = new EventEmitter<RelayEvents>();
  readonly db: Db;
  readonly registry: SiteRegistry;
  readonly hub: Hub;
  readonly broker: Broker;
  readonly fleet: Fleet;
  readonly alerts: Alerts;
  readonly health: HealthStore;
  readonly releases: Releases;
  readonly adminToken: string;
  private alertTimer: NodeJS.Timeout | undefined;
  /** The federation's authority, when this relay holds it. */
  readonly authority: Authority | undefined;
  private readonly clock: Clock;
  private server: Server | undefined;
  private readonly heads = new Map<string, string>();
  private readonly ingest: HealthIngest;

  constructor(private readonly opts: RelayOptions) {
    mkdirSync(opts.dataDir, { recursive: true });
    this.clock = opts.clock ?? systemClock;
    const random = opts.random ?? cryptoRandom;
    this.db = openDatabase({ path: join(opts.dataDir, 'relay.db'), migrations: MIGRATIONS, pageCacheKib: RELAY_PAGE_CACHE_KIB });
    this.registry = new SiteRegistry({ db: this.db, clock: this.clock, random });
    this.adminToken = adminToken(join(opts.dataDir, 'admin-token'), random);
    this.authority = opts.authorityDir ? Authority.open(opts.authorityDir, this.clock) : undefined;
    this.hub = new Hub({
      dataDir: join(opts.dataDir, 'hub'),
      listen: opts.hubListen ?? ['/ip4/0.0.0.0/tcp/4001'],
      clock: this.clock,
      random,
      // A revoked site is refused at once, whatever the grants say.
      refuse: (peer) => this.registry.isRevokedKey(peer),
      // The hub is also a circuit relay (v2), for enrolled sites behind NAT only.
      relayServer: { allow: (peer) => this.registry.byKey(peer) !== undefined },
      afterSession: (_peer, result) => {
        if (result.receivedOps > 0) this.publishHeads().catch((e: unknown) => opts.onError?.(e));
      },
      ...(opts.onError ? { onError: opts.onError } : {}),
    });
    this.broker = new Broker({
      registry: this.registry,
      dir: join(opts.dataDir, 'mqtt'),
      host: opts.host ?? '0.0.0.0',
      port: opts.mqttPort ?? 1883,
      ...(opts.redis ? { redis: opts.redis } : {}),
      ...(opts.tls ? { tls: { key: readFileSync(opts.tls.keyFile), cert: readFileSync(opts.tls.certFile), ...(opts.tls.port !== undefined ? { port: opts.tls.port } : {}) } } : {}),
      spacesOf: (siteKey) => new Set(Object.keys(this.hub.network.entitlements.grantOf(siteKey)?.spaces ?? {})),
      onPublish: (siteKey, topic, payload, done) => {
        // Health batches are stored in groups, one commit for many (the PUBACK waits for it).
        // The broker has checked the topic is the site's own: no need to parse it again.
        if (topic === topics.health(siteKey)) {
          return this.ingest.enqueue(siteKey, payload, (e) => done(e ?? this.published(siteKey, topic, payload)));
        }
        let written: Promise<void>;
        try {
          written = this.fleet.onPublish(siteKey, topic, payload);
          this.alerts.update(siteKey, { lastSeen: this.clock.now() });
        } catch (e) {
          return done(e);
        }
        written.then(() => done(this.published(siteKey, topic, payload)), done);
      },
      onPresence: (siteKey, online) => {
        this.fleet.onPresence(siteKey, online).catch((e: unknown) => opts.onError?.(e));
        this.alerts.update(siteKey, { lastSeen: this.clock.now() });
        this.events.emit('presence', siteKey, online);
      },
    });
    this.health = new HealthStore({ db: this.db, clock: this.clock });
    this.releases = new Releases({
      db: this.db,
      hub: this.hub,
      clock: this.clock,
      publicKeyPem: opts.releaseKeyFile ? readFileSync(opts.releaseKeyFile, 'utf8') : undefined,
      publish: (topic, payload) => this.broker.publish(topic, payload, { qos: 1, retain: true }),
    });
    this.fleet = new Fleet({
      db: this.db,
      clock: this.clock,
      random,
      registry: this.registry,
      publish: (topic, payload) => this.broker.publish(topic, payload, { qos: 1 }),
      onState: (siteKey, facts) => this.alerts.update(siteKey, facts),
    });
    const webhook = opts.webhook ? webhookSender(opts.webhook, { onError: (e) => opts.onError?.(e) }) : undefined;
    this.alerts = new Alerts({
      db: this.db,
      clock: this.clock,
      random,
      ...(opts.alertThresholds ? { thresholds: opts.alertThresholds } : {}),
      siteOf: (key) => this.registry.byKey(key),
      onChange: (change) => {
        this.opts.log?.(`alerte ${change.type === 'raised' ? 'levée' : 'close'} — ${change.siteName} : ${change.alert.message}`);
        webhook?.post({ ...change, relay: this.addresses().http });
      },
    });
    // With the ingest thread, the WAL's checkpoints are its own (ingest-worker.ts).
    if (!opts.ingestInThread) this.db.pragma(`wal_autocheckpoint = ${RELAY_CHECKPOINT_PAGES}`);
    this.ingest = new HealthIngest({
      clock: this.clock,
      alerts: this.alerts,
      writer: opts.ingestInThread
        ? new InThreadHealthWriter({ db: this.db, health: this.health, clock: this.clock })
        : new WorkerHealthWriter({ dbPath: join(opts.dataDir, 'relay.db'), migrations: MIGRATIONS, ...(opts.log ? { log: opts.log } : {}) }),
      ...(opts.log ? { log: opts.log } : {}),
    });
  }

  /** Tell the listeners of `publish` (tests, the demo); what one of them throws refuses the message. */
  private published(siteKey: string, topic: string, payload: Buffer): unknown {
    try {
      this.events.emit('publish', siteKey, topic, payload);
    } catch (e) {
      return e;
    }
    return undefined;
  }

  async start(): Promise<RelayAddresses> {
    if (this.authority) {
      // The hub carries every space the federation has granted to anyone.
      this.grantHub();
      this.hub.network.enroll(this.authority.federationId, this.authority.history());
    }
    await this.hub.start();
    await this.ingest.start();
    await this.broker.start();
    await this.publishHeads();
    this.alertTimer = setInterval(() => this.checkAlerts(), this.opts.alertEveryMs ?? 60_000);
    this.alertTimer.unref();
    const app = relayApp(
      {
        adminToken: this.adminToken,
        sites: () => this.registry.list(),
        site: (id) => this.registry.get(id),
        create: (input) => {
          const { site, token } = this.registry.create(input);
          return { site, file: this.enrollmentFile(site, token) };
        },
        renew: (id) => {
          const { site, token } = this.registry.renewToken(id);
          return { site, file: this.enrollmentFile(site, token) };
        },
        enroll: (req) => this.enroll(req),
        revoke: (id) => this.revoke(id),
        online: (key) => this.broker.connected(key),
        presence: (key) => this.fleet.presence(key),
        sendCommand: (site, action, args) => this.fleet.send(site, action, args),
        commands: (site) => (this.registry.get(site), this.fleet.commands(site)),
        command: (id) => this.fleet.command(id),
        alerts: (o) => this.alerts.list(o),
        health: (id) => {
          const key = this.registry.get(id).siteKey;
          if (!key) return { latest: null, metrics: [] };
          return { latest: this.health.latest(key) ?? null, metrics: this.health.metrics(key) };
        },
        series: (id, metric, periodMs) => {
          const key = this.registry.get(id).siteKey;
          return key ? this.health.series(key, metric, periodMs) : [];
        },
        publishRelease: (body) => this.releases.publish(body),
        releases: () => this.releases.list(),
        metrics: () => renderMetrics(this.registry.list(), (key) => this.fleet.presence(key), this.clock.now()),
      },
      (e) => this.opts.onError?.(e),
      this.opts.dashboardDir ? { dashboardDir: this.opts.dashboardDir } : {},
    );
    const listener = getRequestListener(app.fetch);
    const server = createServer(listener);
    server.on('upgrade', (req, socket, head) => {
      if (req.url?.split('?')[0] === '/mqtt') this.broker.upgrade(req, socket, head);
      else socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.httpPort ?? 8090, this.opts.host ?? '0.0.0.0', () => resolve());
    });
    this.server = server;
    return this.addresses();
  }

  addresses(): RelayAddresses {
    const host = this.opts.host && this.opts.host !== '0.0.0.0' ? this.opts.host : '127.0.0.1';
    const httpPort = (this.server?.address() as AddressInfo | null)?.port ?? 0;
    return {
      http: this.opts.publicHttp ?? `http://${host}:${httpPort}`,
      mqtt: this.opts.publicMqtt ?? `mqtt://${host}:${this.broker.port}`,
      hub: this.hub.network.status().addresses.filter((a) => !a.includes('/ip4/0.0.0.0/')),
    };
  }

  /** Sites connected now are not silent; then every rule of every site, as time passed. */
  checkAlerts(): void {
    const now = this.clock.now();
    for (const key of this.broker.connectedIds()) this.alerts.update(key, { lastSeen: now });
    this.alerts.evaluateAll();
    this.alerts.flush();
    this.health.prune();
  }

  async stop(): Promise<void> {
    if (this.alertTimer) clearInterval(this.alertTimer);
    this.alertTimer = undefined;
    const server = this.server;
    this.server = undefined;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    await this.broker.stop();
    // The presences of the sites it has just let go, written now rather than in 20 ms.
    if (this.db.open) await this.fleet.stop();
    // Batches still waiting for their group: stored now (their boxes were not answered, and
    // send them again; the relay keeps each once); then the ingest thread ends.
    await this.ingest.stop();
    if (this.db.open) this.alerts.flush();
    await this.hub.stop();
    if (this.db.open) this.db.close();
  }

  /** The enrollment file of a site just created (or renewed) with its token. */
  enrollmentFileFor(site: Site, token: string): EnrollmentFile {
    return this.enrollmentFile(site, token);
  }

  private enrollmentFile(site: Site, token: string): EnrollmentFile {
    const a = this.addresses();
    return {
      solidaire: 'enrollment',
      version: ENROLLMENT_VERSION,
      site: site.id,
      name: site.name,
      token,
      expiresAt: site.tokenExpires ?? this.clock.now(),
      relay: { http: a.http, mqtt: a.mqtt, hub: [...a.hub] },
    };
  }

  private async enroll(req: EnrollRequest): Promise<EnrollResponse> {
    const { site, password } = this.registry.enroll(req);
    let federation: EnrollResponse['federation'] = null;
    if (this.authority) {
      this.authority.grant(req.siteId, site.name, site.spaces);
      this.grantHub();
      this.hub.network.enroll(this.authority.federationId, this.authority.history());
      federation = { id: this.authority.federationId, grants: encodeGrants(this.authority.history()) };
    }
    const a = this.addresses();
    this.opts.log?.(`site « ${site.name} » inscrit : ${req.siteId}`);
    return { site: site.id, name: site.name, mqtt: { url: a.mqtt, username: req.siteId, password }, hub: [...a.hub], federation };
  }

  private async revoke(id: string): Promise<Site> {
    const site = this.registry.revoke(id);
    if (site.siteKey) {
      this.alerts.forget(site.siteKey);
      this.broker.kick(site.siteKey);
      if (this.authority) {
        this.authority.revoke(site.siteKey, site.name);
        this.hub.network.enroll(this.authority.federationId, this.authority.history());
      }
      await this.hub.network.hangUp(site.siteKey);
    }
    return site;
  }

  /**
   * Publish, retained, what the hub holds of each space (its version vector), when it
   * changed: a box following a head syncs only when the hub has something it lacks.
   */
  async publishHeads(): Promise<void> {
    for (const space of this.hub.network.held()) {
      if (space.startsWith('$')) continue;
      const head = JSON.stringify(this.hub.log.versionVector(space));
      if (this.heads.get(space) === head) continue;
      this.heads.set(space, head);
      await this.broker.publish(topics.head(space), head, { qos: 1, retain: true });
    }
  }

  /** The hub's own grant: carry every space any site hosts. */
  private grantHub(): void {
    if (!this.authority) return;
    const spaces: GrantSpaces = {};
    for (const s of this.registry.list()) for (const space of Object.keys(s.spaces)) spaces[space] = 'carry';
    const current = this.hub.network.entitlements.grantOf(this.hub.siteId)?.spaces ?? {};
    const same = Object.keys(spaces).length === Object.keys(current).length && Object.keys(spaces).every((k) => current[k] === 'carry');
    if (!same) this.authority.grant(this.hub.siteId, 'Relais', spaces);
  }
}

function adminToken(path: string, random: Random): string {
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const token = random.bytes(24).toString('base64url');
  writeFileSync(path, `${token}\n`, { mode: 0o600 });
  return token;
}
