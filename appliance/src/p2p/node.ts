/**
 * The site's libp2p node: TCP + Noise + Yamux, the sync protocol, mDNS if asked, bytes
 * counted on the socket. Nothing else runs: no identify (~1.3 KB per connection on the
 * metered link), no ping monitor (libp2p 3 enables it by default: a ping on every
 * connection every 10 s), no Yamux keep-alive (on by default: a ping every 30 s).
 * An idle connection is closed by TCP's inactivity timeout (2 minutes).
 *
 * Given a relay, the node also runs the circuit-relay transport (relay.ts): it holds a
 * reservation there and dials a site through it when a direct dial fails. Given a relay
 * server's rules, it is the relay (the hub's node).
 */
import './polyfill.js';
import { createLibp2p, type Libp2p } from 'libp2p';
import { tcp } from '@libp2p/tcp';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { mdns } from '@libp2p/mdns';
import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr } from '@multiformats/multiaddr';
import type { PeerInfo } from '@libp2p/interface';
import type { CircuitRelayService } from '@libp2p/circuit-relay-v2';
import type { SiteKey } from '../identity/index.js';
import { PROTOCOL } from '../sync/index.js';
import { libp2pKey } from './key.js';
import { MAX_FRAME_BYTES, streamLink, type PeerLink } from './frame-link.js';
import { SocketBytes, type ByteCount } from './socket-bytes.js';
import { relayGater, relayServices, RelayReservation, type CircuitListen, type RelayClientOptions, type RelayServerOptions } from './relay.js';

export const DEFAULT_LISTEN = ['/ip4/0.0.0.0/tcp/4001'] as const;
/** Our own mDNS service name: we answer and listen to Solidaire sites only. */
export const MDNS_SERVICE = '_solidaire._udp.local';

export interface DiscoveredPeer {
  /** Peer id = site id. */
  readonly peer: string;
  /** Where it listens, without the /p2p/ part. */
  readonly addresses: readonly string[];
}

export interface P2PNodeOptions {
  readonly siteKey: SiteKey;
  /** Multiaddrs to listen on; default /ip4/0.0.0.0/tcp/4001. */
  readonly listen?: readonly string[];
  /** mDNS discovery on the LAN (off by default). */
  readonly mdns?: boolean | { readonly serviceTag?: string; readonly intervalMs?: number };
  /** A peer opened a sync stream to us. The link's `peer` is authenticated by Noise. */
  readonly onSyncLink?: (link: PeerLink) => void | Promise<void>;
  /** mDNS saw a peer (again at every answer, about every interval). */
  readonly onPeer?: (peer: DiscoveredPeer) => void;
  /** Largest frame sent or accepted; default 16 MiB. */
  readonly maxFrameBytes?: number;
  /** Reach and be reached through this relay (circuit relay v2). */
  readonly relay?: RelayClientOptions;
  /** Be a circuit relay for the peers these rules allow (the relay's hub). */
  readonly relayServer?: RelayServerOptions;
  /** Peers whose connections are closed once Noise names them (a site the relay revoked). */
  readonly refuse?: (peer: string) => boolean;
  /** A background failure (a reservation the relay refused or could not make). */
  readonly onError?: (err: unknown) => void;
}

export class P2PNode {
  readonly siteId: string;
  private libp2p: Libp2p | undefined;
  private reservation: RelayReservation | undefined;
  private readonly bytes = new SocketBytes();
  private readonly seen = new Map<string, DiscoveredPeer>();

  constructor(private readonly opts: P2PNodeOptions) {
    this.siteId = opts.siteKey.siteId;
  }

  get started(): boolean {
    return this.libp2p !== undefined;
  }

  async start(): Promise<void> {
    if (this.libp2p) return;
    const { opts } = this;
    this.seen.clear();
    const m = opts.mdns === true ? {} : opts.mdns || undefined;
    const relay = relayServices({ client: opts.relay, server: opts.relayServer });
    const node = await createLibp2p({
      privateKey: libp2pKey(opts.siteKey),
      addresses: { listen: [...(opts.listen ?? DEFAULT_LISTEN)] },
      transports: [tcp(), ...relay.transports],
      services: relay.services,
      connectionGater: relayGater(opts.relayServer, opts.refuse),
      connectionEncrypters: [(c) => this.bytes.attributing(noise()(c))],
      // A window of at most 1 MiB per stream bounds what a paused reader buffers.
      streamMuxers: [yamux({ enableKeepAlive: false, streamOptions: { maxStreamWindowSize: 1024 * 1024 } })],
      peerDiscovery: m
        ? [
            (c) => {
              const d = mdns({ serviceTag: m.serviceTag ?? MDNS_SERVICE, interval: m.intervalMs ?? 10_000 })(c);
              d.addEventListener('peer', (evt) => this.found(evt.detail));
              return d;
            },
          ]
        : [],
      connectionMonitor: { enabled: false },
      metrics: () => this.bytes.metrics(),
      start: false,
    });
    if (node.peerId.toString() !== this.siteId) {
      throw new Error(`libp2p peer id ${node.peerId.toString()} is not the site id ${this.siteId}`);
    }
    const onSyncLink = opts.onSyncLink;
    if (onSyncLink) {
      await node.handle(PROTOCOL, (stream, connection) => {
        const link = streamLink(stream, connection.remotePeer.toString(), this.maxFrameBytes);
        Promise.resolve()
          .then(() => onSyncLink(link))
          .catch((e: unknown) => link.abort(e instanceof Error ? e : new Error(String(e))));
      });
    }
    try {
      await node.start();
    } catch (e) {
      await Promise.resolve(node.stop()).catch(() => {});
      throw e;
    }
    this.libp2p = node;
    if (opts.relay) {
      this.reservation = new RelayReservation(node as unknown as Libp2p<{ circuitListen: CircuitListen }>, opts.relay, (e) => opts.onError?.(e));
      this.reservation.start();
    }
  }

  /** Close every connection, listener, socket and timer. The node can be started again. */
  async stop(): Promise<void> {
    const node = this.libp2p;
    if (!node) return;
    this.libp2p = undefined;
    this.reservation?.stop();
    this.reservation = undefined;
    await node.stop();
  }

  /** Our listening addresses, each ending in /p2p/<site id>. */
  addresses(): string[] {
    return this.running().getMultiaddrs().map((a) => a.toString());
  }

  /**
   * Open a sync stream to a peer, given by site id (its addresses known from mDNS or an
   * earlier dial) or by multiaddr. With /p2p/<id> in the multiaddr Noise checks that id;
   * either way the link's `peer` is the id Noise authenticated.
   */
  async dialSync(target: string, signal?: AbortSignal): Promise<PeerLink> {
    const node = this.running();
    const to = target.startsWith('/') ? multiaddr(target) : peerIdFromString(target);
    let conn;
    try {
      conn = await node.dial(to, signal ? { signal } : {});
    } catch (e) {
      // A site behind NAT, or one whose only known address is through the relay.
      const peer = target.startsWith('/') ? /\/p2p\/([^/]+)$/.exec(target)?.[1] : target;
      const via = signal?.aborted || !peer || target.includes('/p2p-circuit') ? undefined : this.reservation?.via(peer);
      if (!via) throw e;
      conn = await node.dial(multiaddr(via), signal ? { signal } : {});
    }
    const stream = await conn.newStream([PROTOCOL], signal ? { signal } : {});
    return streamLink(stream, conn.remotePeer.toString(), this.maxFrameBytes);
  }

  /**
   * Hold a reservation on the relay now (one is made at start and whenever we connect to
   * the relay without one); resolves with our addresses through it.
   */
  async reserve(): Promise<string[]> {
    this.running();
    if (!this.reservation) throw new Error('this node has no relay');
    return this.reservation.reserve();
  }

  /** The remote addresses of our open connections with a peer. */
  remoteAddresses(peer: string): string[] {
    if (!this.libp2p) return [];
    return this.libp2p.getConnections(peerIdFromString(peer)).map((c) => c.remoteAddr.toString());
  }

  /** Close our connections to a peer (their byte counts stay); a relay forgets its reservation. */
  async hangUp(peer: string): Promise<void> {
    const id = peerIdFromString(peer);
    this.relayServer()?.reservations.delete(id);
    await this.running().hangUp(id);
  }

  /** The peers holding a reservation on us, when we are a relay. */
  reservations(): string[] {
    return [...(this.relayServer()?.reservations.keys() ?? [])].map(String);
  }

  private relayServer(): CircuitRelayService | undefined {
    return (this.libp2p?.services as { circuitRelay?: CircuitRelayService } | undefined)?.circuitRelay;
  }

  /** Bytes on the socket with one peer, all connections, since this node was made. */
  bytesWith(peer: string): ByteCount {
    return this.bytes.forPeer(peer);
  }

  bytesByPeer(): Map<string, ByteCount> {
    return this.bytes.peers();
  }

  /** All bytes on our sockets, including connections that never authenticated. */
  bytesTotal(): ByteCount {
    return { ...this.bytes.total };
  }

  /** Peers mDNS has seen since start, the latest addresses of each. */
  discovered(): DiscoveredPeer[] {
    return [...this.seen.values()];
  }

  private get maxFrameBytes(): number {
    return this.opts.maxFrameBytes ?? MAX_FRAME_BYTES;
  }

  private running(): Libp2p {
    if (!this.libp2p) throw new Error('the p2p node is not started');
    return this.libp2p;
  }

  private found(info: PeerInfo): void {
    const peer: DiscoveredPeer = { peer: info.id.toString(), addresses: info.multiaddrs.map((a) => a.toString()) };
    if (peer.peer === this.siteId) return;
    this.seen.set(peer.peer, peer);
    this.opts.onPeer?.(peer);
  }
}

export function createP2PNode(opts: P2PNodeOptions): P2PNode {
  return new P2PNode(opts);
}
