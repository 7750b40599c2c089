/**
 * The MQTT broker: aedes (MQTT 3.1.1) on TCP and, through the relay's HTTP server, over
 * WebSocket. Sessions, queued QoS 1 messages and retained messages live in LevelDB, so
 * they survive a restart of the relay. Each site connects as itself: client id = user
 * name = its site id, password = the secret it received at enrollment. It may publish
 * only under its own topics and subscribe only to its own commands and to the heads of
 * the spaces it is granted (relay-link/topics.ts). A revoked site is disconnected at once.
 */
import { createServer, type Server } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage } from 'node:http';
import { Readable, type Duplex } from 'node:stream';
import { createRequire } from 'node:module';
import { Aedes, type Client, type PublishPacket } from 'aedes';
import { Level } from 'level';
import { WebSocketServer, createWebSocketStream } from 'ws';
import { siteMayPublish, siteMaySubscribe, topics } from '@solidaire/appliance/relay-link';
import type { SiteRegistry } from './registry.js';
import { narrowRetainedLookups } from './retained.js';
import { ownSubscriptions } from './subscriptions.js';

const require = createRequire(import.meta.url);
// The async persistence class (aedes 1.x needs it); the package's main is the callback one.
const LevelPersistence = require('aedes-persistence-level/asyncPersistence.js') as new (db: unknown) => unknown;
// Several relay instances share sessions, queues, retained messages and delivery through Redis.
const RedisPersistence = require('aedes-persistence-redis/asyncPersistence.js') as new (opts: object) => { destroy(): Promise<void> };
const redisEmitter = require('mqemitter-redis') as (opts: object) => unknown;

export interface BrokerOptions {
  readonly registry: SiteRegistry;
  /** Folder of the LevelDB persistence (one relay instance). */
  readonly dir: string;
  /**
   * Redis shared by several relay instances (in place of LevelDB): sessions, queued and
   * retained messages, and the delivery of every message between the instances.
   */
  readonly redis?: { readonly host: string; readonly port: number };
  readonly host?: string;
  readonly port?: number;
  /** MQTT over TLS as well (port 8883 by default), with this key and certificate (PEM). */
  readonly tls?: { readonly key: Buffer; readonly cert: Buffer; readonly port?: number };
  /** The spaces a site is granted (for the heads it may follow). */
  readonly spacesOf: (siteKey: string) => ReadonlySet<string>;
  /**
   * Every message a site publishes, once authorised and before it is acknowledged
   * (ingestion into the fleet): `done` once handled, with an error to refuse it. A callback,
   * not a promise: this runs for every message a site sends.
   */
  readonly onPublish?: (siteKey: string, topic: string, payload: Buffer, done: (e?: unknown) => void) => void;
  readonly onPresence?: (siteKey: string, online: boolean) => void;
}

const NOT_AUTHORIZED = 5;
const BAD_CREDENTIALS = 4;

type Route = (packet: PublishPacket, client: Client | null, done?: (e?: Error) => void) => void;

/**
 * A site's health batch is stored before its PUBACK (authorizePublish, below) and goes to
 * no one else: no site may subscribe to another's health (siteMaySubscribe), and the relay
 * takes it in authorizePublish, not by subscription. aedes would still route each one once
 * acknowledged (retained store, offline sessions, subscribers: a topic-tree match in its
 * persistence and another in its emitter), about a tenth of the event loop under the
 * relay benchmark's saturation; here a site's publish to its own health topic ends at its
 * PUBACK. Everything else is routed as aedes does.
 */
function skipRoutingOfHealth(aedes: Aedes): void {
  const broker = aedes as unknown as { publish: Route };
  const route = broker.publish.bind(aedes);
  broker.publish = (packet, client, done) => {
    if (client && typeof client === 'object' && packet.topic === topics.health(client.id)) return done?.();
    route(packet, client, done);
  };
}

/**
 * A site's session keeps only the filters it was granted. Once one filter of a SUBSCRIBE
 * is granted, aedes stores all the packet's filters, the refused ones too; the session
 * then queued what they matched while the site was away, and made them live subscriptions
 * again at its next connection (relay/src/broker-acl.test.ts: a site asking for another
 * site's commands beside its own got them). `mayKeep` is the same rule as the refusal's.
 */
function keepOnlyGranted(persistence: unknown, mayKeep: (siteKey: string, filter: string) => boolean): void {
  const p = persistence as { addSubscriptions(client: { id: string }, subs: Array<{ topic: string }>): Promise<void> };
  const add = p.addSubscriptions.bind(p);
  p.addSubscriptions = (client, subs) => {
    const kept = subs.filter((s) => mayKeep(client.id, s.topic));
    return kept.length ? add(client, kept) : Promise.resolve();
  };
}

export class Broker {
  private aedes: Aedes | undefined;
  private tcp: Server | undefined;
  private tls: TlsServer | undefined;
  private ws: WebSocketServer | undefined;
  private level: Level<string, Buffer> | undefined;
  private redisPersistence: { destroy(): Promise<void> } | undefined;

  constructor(private readonly opts: BrokerOptions) {}

  get port(): number {
    return (this.tcp?.address() as AddressInfo | null)?.port ?? 0;
  }

  /** The MQTT over TLS port, or 0 without TLS. */
  get tlsPort(): number {
    return (this.tls?.address() as AddressInfo | null)?.port ?? 0;
  }

  async start(): Promise<void> {
    const { registry } = this.opts;
    let persistence: unknown;
    let mq: unknown;
    if (this.opts.redis) {
      const { host, port } = this.opts.redis;
      const redis = new RedisPersistence({ host, port }) as InstanceType<typeof RedisPersistence> & {
        createRetainedStreamCombi(patterns: string[]): AsyncIterable<unknown>;
      };
      // aedes pipes the retained messages it asks for; this persistence yields them.
      const retained = redis.createRetainedStreamCombi.bind(redis);
      redis.createRetainedStreamCombi = (patterns: string[]) => Readable.from(retained(patterns));
      persistence = this.redisPersistence = redis;
      mq = redisEmitter({ host, port });
    } else {
      this.level = new Level<string, Buffer>(this.opts.dir, { valueEncoding: 'buffer' });
      await this.level.open();
      persistence = new LevelPersistence(this.level);
      // A SUBSCRIBE reads the retained messages under its filter's head, not the fleet's,
      // and is stored without a search of the other subscribers to the same filter.
      narrowRetainedLookups(persistence, this.level);
      ownSubscriptions(persistence, this.level);
    }
    const mayFollow = (siteKey: string, filter: string) => siteMaySubscribe(siteKey, filter, this.opts.spacesOf(siteKey));
    keepOnlyGranted(persistence, mayFollow);
    const aedes = await Aedes.createBroker({
      persistence,
      ...(mq ? { mq } : {}),
      drainTimeout: 30_000,
      maxClientsIdLength: 100,
      authenticate: (client, username, password, done) => {
        const user = username ?? '';
        const ok = user === client.id && password !== undefined && registry.authenticate(user, password.toString('utf8'));
        if (!ok) return done(Object.assign(new Error('identifiants refusés'), { returnCode: BAD_CREDENTIALS }), false);
        // The last will, if any, must be the site's own presence.
        const will = (client as Client & { will?: { topic?: string } }).will;
        if (will?.topic !== undefined && will.topic !== topics.state(user)) {
          return done(Object.assign(new Error('dernière volonté hors des sujets du site'), { returnCode: NOT_AUTHORIZED }), false);
        }
        done(null, true);
      },
      authorizePublish: (client, packet, done) => {
        // The broker's own publications (client null) are the relay's: commands, heads.
        if (client === null) return done(null);
        if (!siteMayPublish(client.id, packet.topic)) return done(new Error(`publication refusée sur ${packet.topic}`));
        // A site's message is handled (stored) here, before the broker answers: aedes sends
        // the PUBACK of a QoS 1 publish before it runs its `published` step, so only this
        // step can make "acknowledged" mean "stored". If storing fails, the publish is
        // refused, the site is disconnected and sends it again later.
        if (!this.opts.onPublish) return done(null);
        // A site's payload is a Buffer of its own (a view of what its socket read, never
        // reused): no copy.
        const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
        const answer = (e?: unknown) => done(e === undefined ? null : e instanceof Error ? e : new Error(String(e)));
        try {
          this.opts.onPublish(client.id, packet.topic, payload, answer);
        } catch (e) {
          answer(e ?? new Error('publication non traitée'));
        }
      },
      authorizeSubscribe: (client, sub, done) => {
        // A refused filter is answered 0x80 in the SUBACK; the connection stays.
        if (!mayFollow(client.id, sub.topic)) return done(null, null);
        done(null, sub);
      },
    });
    skipRoutingOfHealth(aedes);
    aedes.on('clientReady', (c) => this.opts.onPresence?.(c.id, true));
    aedes.on('clientDisconnect', (c) => this.opts.onPresence?.(c.id, false));
    this.aedes = aedes;
    this.tcp = createServer(aedes.handle);
    await new Promise<void>((resolve, reject) => {
      this.tcp!.once('error', reject);
      this.tcp!.listen(this.opts.port ?? 1883, this.opts.host ?? '0.0.0.0', () => resolve());
    });
    if (this.opts.tls) {
      const { key, cert, port } = this.opts.tls;
      const tls = createTlsServer({ key, cert, minVersion: 'TLSv1.2' }, aedes.handle);
      await new Promise<void>((resolve, reject) => {
        tls.once('error', reject);
        tls.listen(port ?? 8883, this.opts.host ?? '0.0.0.0', () => resolve());
      });
      this.tls = tls;
    }
    this.ws = new WebSocketServer({ noServer: true });
  }

  /** Hand an HTTP upgrade request (path /mqtt) to the broker, as MQTT over WebSocket. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const ws = this.ws;
    const aedes = this.aedes;
    if (!ws || !aedes) return void socket.destroy();
    ws.handleUpgrade(req, socket, head, (conn) => {
      const stream = createWebSocketStream(conn);
      stream.on('error', () => conn.terminate());
      aedes.handle(stream, req);
    });
  }

  /** Publish as the relay (commands, heads). */
  publish(topic: string, payload: Buffer | string, opts: { qos?: 0 | 1; retain?: boolean } = {}): Promise<void> {
    const aedes = this.running();
    return new Promise((resolve, reject) =>
      aedes.publish(
        { cmd: 'publish', topic, payload: typeof payload === 'string' ? Buffer.from(payload) : payload, qos: opts.qos ?? 1, retain: opts.retain ?? false, dup: false },
        (e) => (e ? reject(e) : resolve()),
      ),
    );
  }

  /** Disconnect a site now (revoked); its credentials no longer work either. */
  kick(siteKey: string): void {
    const clients = (this.aedes as unknown as { clients?: Record<string, Client> } | undefined)?.clients;
    clients?.[siteKey]?.close();
  }

  /** Ids of the sites connected now. */
  connectedIds(): string[] {
    const clients = (this.aedes as unknown as { clients?: Record<string, Client> } | undefined)?.clients ?? {};
    return Object.keys(clients).filter((id) => clients[id]?.connected);
  }

  connected(siteKey: string): boolean {
    const clients = (this.aedes as unknown as { clients?: Record<string, Client> } | undefined)?.clients;
    return clients?.[siteKey]?.connected === true;
  }

  async stop(): Promise<void> {
    const aedes = this.aedes;
    this.aedes = undefined;
    for (const c of this.ws?.clients ?? []) c.terminate();
    this.ws?.close();
    // The broker closes its clients' connections; then the listener can close.
    if (aedes) await new Promise<void>((resolve) => aedes.close(() => resolve()));
    await new Promise<void>((resolve) => (this.tcp ? this.tcp.close(() => resolve()) : resolve()));
    this.tcp = undefined;
    await new Promise<void>((resolve) => (this.tls ? this.tls.close(() => resolve()) : resolve()));
    this.tls = undefined;
    await this.level?.close();
    this.level = undefined;
    await this.redisPersistence?.destroy();
    this.redisPersistence = undefined;
  }

  private running(): Aedes {
    if (!this.aedes) throw new Error('the broker is not started');
    return this.aedes;
  }
}
