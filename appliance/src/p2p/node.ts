/**
 * The site's libp2p node: TCP + Noise + Yamux, the sync protocol, mDNS if asked, bytes
 * counted on the socket. Nothing else runs: no identify (~1.3 KB per connection on the
 * metered link), no ping monitor (libp2p 3 enables it by default: a ping on every
 * connection every 10 s), no Yamux keep-alive (on by default: a ping every 30 s).
 * An idle connection is closed by TCP's inactivity timeout (2 minutes).
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
import type { SiteKey } from '../identity/index.js';
import { PROTOCOL } from '../sync/index.js';
import { libp2pKey } from './key.js';
import { MAX_FRAME_BYTES, streamLink, type PeerLink } from './frame-link.js';
import { SocketBytes, type ByteCount } from './socket-bytes.js';

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
}

export class P2PNode {
  readonly siteId: string;
  private libp2p: Libp2p | undefined;
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
    const node = await createLibp2p({
      privateKey: libp2pKey(opts.siteKey),
      addresses: { listen: [...(opts.listen ?? DEFAULT_LISTEN)] },
      transports: [tcp()],
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
  }

  /** Close every connection, listener, socket and timer. The node can be started again. */
  async stop(): Promise<void> {
    const node = this.libp2p;
    if (!node) return;
    this.libp2p = undefined;
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
    const conn = await node.dial(to, signal ? { signal } : {});
    const stream = await conn.newStream([PROTOCOL], signal ? { signal } : {});
    return streamLink(stream, conn.remotePeer.toString(), this.maxFrameBytes);
  }

  /** The remote addresses of our open connections with a peer. */
  remoteAddresses(peer: string): string[] {
    if (!this.libp2p) return [];
    return this.libp2p.getConnections(peerIdFromString(peer)).map((c) => c.remoteAddr.toString());
  }

  /** Close our connections to a peer (their byte counts stay). */
  async hangUp(peer: string): Promise<void> {
    await this.running().hangUp(peerIdFromString(peer));
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
