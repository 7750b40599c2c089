/**
 * The box's MQTT link to its relay (MQTT.js, MQTT 3.1.1: aedes refuses v5). It says the
 * box is here (retained "online", and "offline" as its last will), takes the commands
 * the relay queued for it (a persistent session: what was sent while the box was away
 * arrives when it comes back), answers each command once, and uploads health batches as
 * QoS 1 while the link policy lets them through. Bytes are counted on the socket and
 * added to the Internet link's month like the sync's.
 *
 * On a metered link nothing stays connected just to be connected: the box connects, does
 * what is due, and hangs up; it comes back at the next health upload (hourly by default)
 * or when asked (`flush()`). On a free link it stays connected, and the relay sees it go
 * offline within the keep-alive when it stops.
 *
 * A visit on the 3G key sends only what the relay does not hold yet (idle bench: an idle
 * day over TLS went from ~78 KB to ~41 KB): the TLS session is resumed (no certificate
 * again), the subscriptions the broker kept in our session are not made again (each one
 * made again re-sends the retained heads), and the presence is published again only when
 * what it tells changed or the broker may have published our last will since.
 */
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { Duplex } from 'node:stream';
import type { MqttClient, IClientOptions, IConnackPacket } from 'mqtt';

/** MQTT.js, loaded at the first connection: a box with no relay never pays for it (~6 MB). */
let mqttModule: Promise<typeof import('mqtt')> | undefined;
const loadMqtt = () => (mqttModule ??= import('mqtt'));
import type { Clock } from '../clock/index.js';
import { parseTopic, topics } from './topics.js';
import type { VersionVector } from '../ops/index.js';
import type { RelayConfig } from './enroll.js';

/** A command as the relay sends it. */
export interface Command {
  readonly id: string;
  readonly action: string;
  readonly args: Record<string, unknown>;
}

export interface CommandResult {
  readonly ok: boolean;
  readonly output?: unknown;
  readonly error?: string;
}

/** Where health batches come from (the health room implements it). */
export interface HealthUploads {
  /** The oldest batch not uploaded yet, compressed, or null when all is sent. */
  pendingBatch(): { id: string; payload: Uint8Array } | null;
  markUploaded(id: string): void;
}

export interface RelayLinkOptions {
  readonly config: RelayConfig;
  readonly clock: Clock;
  /** Run a command; its result goes back to the relay. Unknown actions answer an error. */
  readonly commands: (cmd: Command) => Promise<CommandResult>;
  readonly health?: HealthUploads;
  /**
   * Heads: the relay's hub tells, per space, what it holds; the box follows the heads of
   * its spaces and syncs only when the hub holds something it lacks.
   */
  readonly heads?: { spaces(): string[]; onHead(space: string, vector: VersionVector): void };
  /** The release the relay offers (retained notice, JSON as the relay wrote it; checked by the taker). */
  readonly releases?: { onOffer(offer: unknown): void };
  /** Whether the link to the relay is metered (then: connect, do what is due, hang up). */
  readonly metered: () => boolean;
  /** Whether health may cross the link now (the budget's control class: always, unless the box is frugal). */
  readonly mayUpload?: () => boolean;
  /** Bytes counted on the MQTT socket, for the link's month. */
  readonly onBytes?: (bytesIn: number, bytesOut: number) => void;
  /** Ids of commands already answered (kept by the caller across restarts). */
  readonly answered?: { has(id: string): boolean; add(id: string): void };
  readonly keepaliveSeconds?: number;
  /** Certificates to trust for mqtts:// besides the system's (a relay's own CA). */
  readonly ca?: Buffer;
  /** Quiet time after connecting that says the queued commands have all arrived (ms). */
  readonly settleQuietMs?: number;
  /** On a metered link, how often to connect when nothing else asks (default: hourly). */
  readonly visitEveryMs?: number;
  readonly onError?: (e: unknown) => void;
  readonly version?: string;
  /**
   * What the box tells of itself with its presence, at each connection: the Internet
   * link's month used, operations its peers still lack, its last successful sync.
   */
  readonly state?: () => { budgetUsedPct?: number; syncBacklogOps?: number; lastSyncAt?: number | null; update?: unknown };
}

export interface RelayLinkStatus {
  readonly connected: boolean;
  readonly lastConnectedAt: number | null;
  readonly lastError: string | null;
  readonly commandsHandled: number;
  readonly batchesUploaded: number;
  /** Head notices received (each may have started a sync). */
  readonly heads: number;
}

export class RelayLink {
  private client: MqttClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private busy: Promise<void> | undefined;
  private lastConnectedAt: number | null = null;
  private lastError: string | null = null;
  private commandsHandled = 0;
  private batchesUploaded = 0;
  private headsReceived = 0;
  private readonly answeredHere = new Set<string>();
  /** What the broker holds for us in our persistent session, as far as this process knows. */
  private readonly subscribed = new Set<string>();
  /** The presence last published (retained), or null when it has to be published again. */
  private stateSent: string | null = null;
  /** What the box tells changed meanwhile (an update's outcome): said at the next visit. */
  private stateStale = false;
  /** The last TLS session ticket the relay gave: the next handshake resumes it. */
  private tlsSession: Buffer | undefined;

  constructor(private readonly opts: RelayLinkOptions) {}

  status(): RelayLinkStatus {
    return {
      connected: this.client?.connected === true,
      lastConnectedAt: this.lastConnectedAt,
      lastError: this.lastError,
      commandsHandled: this.commandsHandled,
      batchesUploaded: this.batchesUploaded,
      heads: this.headsReceived,
    };
  }

  async start(): Promise<void> {
    this.stopped = false;
    const every = this.opts.visitEveryMs ?? 3600_000;
    this.timer = setInterval(() => void this.flush(), this.opts.metered() ? every : Math.min(every, 60_000));
    this.timer.unref();
    await this.flush();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.busy?.catch(() => {});
    await this.disconnect(true);
  }

  /**
   * Do what is due now: connect if needed, take queued commands, upload health. On a
   * metered link, hang up afterwards. Never throws; the error is in status().
   */
  flush(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.busy ??= this.visit().finally(() => (this.busy = undefined));
    return this.busy;
  }

  /** What the box tells of itself changed (an update refused, queued, applied): say it now. */
  stateChanged(): Promise<void> {
    this.stateStale = true;
    return this.flush();
  }

  private async visit(): Promise<void> {
    try {
      const client = await this.ensureConnected();
      // Commands queued while we were away arrive right after the session resumes.
      await this.settle(client);
      await this.upload(client);
      if (this.stateStale) {
        this.stateStale = false;
        await this.publishState(client);
      }
      if (this.opts.metered()) await this.disconnect(false);
    } catch (e) {
      this.lastError = e instanceof Error ? e.message : String(e);
      this.opts.onError?.(e);
      await this.disconnect(true).catch(() => {});
    }
  }

  private async ensureConnected(): Promise<MqttClient> {
    if (this.client?.connected) return this.client;
    const { config } = this.opts;
    const url = new URL(config.mqtt.url);
    if (url.protocol !== 'mqtt:' && url.protocol !== 'mqtts:') throw new Error(`the relay's MQTT address must be mqtt:// or mqtts://, not ${url.protocol}`);
    const secure = url.protocol === 'mqtts:';
    const self = config.mqtt.username;
    const options: IClientOptions = {
      protocolVersion: 4,
      clientId: self,
      username: self,
      password: config.mqtt.password,
      clean: false,
      keepalive: this.opts.keepaliveSeconds ?? (this.opts.metered() ? 1200 : 60),
      reconnectPeriod: 0,
      connectTimeout: 20_000,
      will: { topic: topics.state(self), payload: Buffer.from('offline'), qos: 1, retain: true },
    };
    const { MqttClient } = await loadMqtt();
    const client = new MqttClient(() => this.socket(url.hostname, Number(url.port || (secure ? 8883 : 1883)), secure), options);
    client.on('message', (topic, payload) => void this.onMessage(client, topic, payload));
    const connack = await new Promise<IConnackPacket>((resolve, reject) => {
      client.once('connect', resolve);
      client.once('error', reject);
      client.once('close', () => reject(new Error('the relay closed the connection')));
    });
    client.on('error', (e) => (this.lastError = e.message));
    // Lost without a DISCONNECT (not by our hand): the broker published our last will.
    client.on('close', () => this.client === client && (this.stateSent = null));
    this.client = client;
    this.lastConnectedAt = this.opts.clock.now();
    this.lastError = null;
    // [MQTT-3.2.2-2] No session kept: subscribe again, and say we are here again.
    if (!connack.sessionPresent) {
      this.subscribed.clear();
      this.stateSent = null;
    }
    await this.subscribe(client, topics.commands(self));
    if (this.opts.releases) await this.subscribe(client, topics.releaseOffer);
    // Heads are a hint: a refused one (a grant not yet known to the relay) costs a sync, not the link.
    for (const space of this.opts.heads?.spaces() ?? []) {
      await this.subscribe(client, topics.head(space)).catch((e: unknown) => this.opts.onError?.(e));
    }
    await this.publishState(client);
    return client;
  }

  /**
   * Subscribe unless the session already holds the filter: a subscription made again
   * re-sends every retained message it matches [MQTT-3.8.4-3], and what matched while we
   * were away is queued in the session anyway.
   */
  private async subscribe(client: MqttClient, filter: string): Promise<void> {
    if (this.subscribed.has(filter)) return;
    await client.subscribeAsync(filter, { qos: 1 });
    this.subscribed.add(filter);
  }

  /** The retained presence and the facts it carries, when they changed since the last one. */
  private async publishState(client: MqttClient): Promise<void> {
    const facts = this.opts.state?.() ?? {};
    // Tenths of a percent: the budget alerts need no more, and a finer figure changes at every visit.
    const budgetUsedPct = facts.budgetUsedPct === undefined ? {} : { budgetUsedPct: Math.round(facts.budgetUsedPct * 10) / 10 };
    const state = JSON.stringify({ state: 'online', version: this.opts.version ?? null, ...facts, ...budgetUsedPct });
    if (state === this.stateSent) return;
    await client.publishAsync(topics.state(this.opts.config.mqtt.username), state, { qos: 1, retain: true });
    this.stateSent = state;
  }

  /** A TCP (or TLS, checked against the system's CAs) socket whose bytes are counted for the link's month. */
  private socket(host: string, port: number, secure: boolean): Socket {
    if (secure) {
      // TLS over a counted pipe to the TCP socket: the bytes counted are the encrypted
      // ones, both ways, the handshake included (equal to what crosses the socket:
      // relay/src/link-visits.test.ts).
      const raw = tcpConnect({ host, port });
      const counted = new Duplex({
        write: (chunk: Buffer, _enc, cb) => {
          this.opts.onBytes?.(0, chunk.length);
          raw.write(chunk, cb);
        },
        final: (cb) => {
          raw.end();
          cb();
        },
        read: () => {},
        destroy: (err, cb) => {
          raw.destroy();
          cb(err);
        },
      });
      raw.on('data', (d: Buffer) => {
        this.opts.onBytes?.(d.length, 0);
        counted.push(d);
      });
      raw.on('end', () => counted.push(null));
      raw.on('error', (e) => counted.destroy(e));
      // The TCP connection decides, as it does for plain MQTT: once it has closed (the
      // relay hung up, stopped, or reset it), TLS above it closes and MQTT.js sees
      // 'close'. A TLSSocket takes allowHalfOpen from the stream it wraps, and a Duplex
      // allows half-open: without this, the end of the stream left TLS half-open,
      // waiting for a close that never came, and the link never noticed the relay gone.
      // (allowHalfOpen: false on the pipe instead ends it before TLS has written its
      // close_notify: "write after end".)
      raw.on('close', () => counted.destroy());
      const tls = tlsConnect({ socket: counted, servername: host, ...(this.opts.ca ? { ca: this.opts.ca } : {}), ...(this.tlsSession ? { session: this.tlsSession } : {}) });
      tls.on('session', (ticket: Buffer) => (this.tlsSession = ticket));
      return tls;
    }
    const socket = tcpConnect({ host, port });
    const write = socket.write.bind(socket);
    socket.write = ((chunk: Uint8Array | string, ...rest: unknown[]) => {
      this.opts.onBytes?.(0, typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length);
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof socket.write;
    socket.on('data', (d: Buffer) => this.opts.onBytes?.(d.length, 0));
    return socket;
  }

  private pendingCommands = new Set<Promise<void>>();

  private async onMessage(client: MqttClient, topic: string, payload: Buffer): Promise<void> {
    const t = parseTopic(topic);
    // The relay's notices (a space's head, the release offered): a bad one is only noted.
    if (t?.kind === 'head' || t?.kind === 'release') {
      if (t.kind === 'head') this.headsReceived++;
      try {
        const body: unknown = JSON.parse(payload.toString('utf8'));
        if (t.kind === 'head') this.opts.heads?.onHead(t.space, body as VersionVector);
        else this.opts.releases?.onOffer(body);
      } catch (e) {
        this.opts.onError?.(e);
      }
      return;
    }
    if (t?.kind !== 'cmd') return;
    const id = t.id;
    if (!id || this.answeredHere.has(id) || this.opts.answered?.has(id)) return;
    this.answeredHere.add(id);
    const task = (async () => {
      let cmd: Command;
      try {
        const raw = JSON.parse(payload.toString('utf8')) as { action?: unknown; args?: unknown };
        if (typeof raw.action !== 'string') throw new Error('no action');
        cmd = { id, action: raw.action, args: (raw.args && typeof raw.args === 'object' ? raw.args : {}) as Record<string, unknown> };
      } catch {
        await this.answer(client, id, { ok: false, error: 'commande illisible (JSON { "action": … } attendu)' });
        return;
      }
      let result: CommandResult;
      try {
        result = await this.opts.commands(cmd);
      } catch (e) {
        result = { ok: false, error: e instanceof Error ? e.message : String(e) };
      }
      await this.answer(client, id, result);
    })();
    this.pendingCommands.add(task);
    await task.finally(() => this.pendingCommands.delete(task));
  }

  private async answer(client: MqttClient, id: string, result: CommandResult): Promise<void> {
    const self = this.opts.config.mqtt.username;
    await client.publishAsync(topics.result(self, id), JSON.stringify({ ...result, at: this.opts.clock.now() }), { qos: 1 });
    this.opts.answered?.add(id);
    this.commandsHandled++;
  }

  /**
   * Let the commands the broker queued for us arrive (it sends them as the session
   * resumes): wait until the line has been quiet for a moment, then for their answers.
   */
  private async settle(client: MqttClient): Promise<void> {
    const quietMs = this.opts.settleQuietMs ?? 300;
    await new Promise<void>((resolve) => {
      let quiet = setTimeout(done, quietMs);
      const cap = setTimeout(done, quietMs * 10);
      function onPacket() {
        clearTimeout(quiet);
        quiet = setTimeout(done, quietMs);
      }
      function done() {
        clearTimeout(quiet);
        clearTimeout(cap);
        client.off('packetreceive', onPacket);
        resolve();
      }
      client.on('packetreceive', onPacket);
    });
    await Promise.all([...this.pendingCommands]);
  }

  private async upload(client: MqttClient): Promise<void> {
    const health = this.opts.health;
    if (!health) return;
    const self = this.opts.config.mqtt.username;
    for (let batch = health.pendingBatch(); batch; batch = health.pendingBatch()) {
      if (this.opts.mayUpload && !this.opts.mayUpload()) return;
      await client.publishAsync(topics.health(self), Buffer.from(batch.payload), { qos: 1 });
      health.markUploaded(batch.id);
      this.batchesUploaded++;
    }
  }

  private async disconnect(force: boolean): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    // Forced: no DISCONNECT is sent, so the broker publishes our last will.
    if (force) this.stateSent = null;
    await Promise.all([...this.pendingCommands]).catch(() => {});
    // A clean hang-up: no last will; the relay keeps our session and knows we visited.
    await client.endAsync(force).catch(() => {});
  }
}
