/**
 * Circuit relay v2 (@libp2p/circuit-relay-v2 4.2, the release made with libp2p 3.3): the
 * relay's hub runs the server, a box behind NAT or carrier-grade NAT runs the transport.
 * A box that holds a reservation on the relay is reachable at
 * <relay address>/p2p-circuit/p2p/<site id>; a box that cannot dial a site directly dials
 * it there.
 *
 * Who may use the relay is the relay's registry's say, enforced by the node's connection
 * gater, which the server asks before each reservation (denyInboundRelayReservation) and
 * before each relayed connection (denyOutboundRelayedConnection, both ends).
 *
 * Identify. The transport declares a dependency on the '@libp2p/identify' capability (for
 * its relay discovery, which we do not use: the relay is configured), so a node without
 * identify does not start. identify is installed with runOnConnectionOpen off: it answers
 * a peer that asks and never asks itself, so no connection pays its ~1.3 KB.
 */
import { circuitRelayServer, circuitRelayTransport } from '@libp2p/circuit-relay-v2';
import { identify } from '@libp2p/identify';
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';
import type { ConnectionGater, Libp2p, PeerId } from '@libp2p/interface';

/** A box's use of a relay. */
export interface RelayClientOptions {
  /** The relay's addresses, each ending in /p2p/<relay id> (the hub's, from enrollment). */
  readonly addresses: readonly string[];
  /**
   * Whether to hold a reservation now (asked at start and at each new connection to the
   * relay). Default: yes. Dialing through the relay needs none.
   */
  readonly reserve?: () => boolean;
}

/** The relay's circuit server. */
export interface RelayServerOptions {
  /** Whether this peer may hold a reservation and be relayed (an enrolled, unrevoked site). */
  readonly allow: (peer: string) => boolean;
  /** Reservations held at once (default 10,000: the library's 15 is for a public relay). */
  readonly maxReservations?: number;
}

export const DEFAULT_MAX_RESERVATIONS = 10_000;

/** The one internal libp2p component the reservation needs: listening at run time. */
interface ListenComponents {
  readonly transportManager: { listen(addrs: Multiaddr[]): Promise<void> };
}

/** A libp2p service that lets us listen on a circuit address after start. */
export class CircuitListen {
  constructor(private readonly components: ListenComponents) {}
  listen(addr: Multiaddr): Promise<void> {
    return this.components.transportManager.listen([addr]);
  }
}

/** The transports and services a node adds for a relay, as a client or as the server. */
export function relayServices(opts: { client?: RelayClientOptions | undefined; server?: RelayServerOptions | undefined }) {
  const { client, server } = opts;
  return {
    transports: client ? [circuitRelayTransport({ reservationCompletionTimeout: 10_000 })] : [],
    services: {
      ...(client ? { identify: identify({ runOnConnectionOpen: false }), circuitListen: (c: ListenComponents) => new CircuitListen(c) } : {}),
      ...(server
        ? {
            circuitRelay: circuitRelayServer({
              reservations: {
                maxReservations: server.maxReservations ?? DEFAULT_MAX_RESERVATIONS,
                // No limit on a relayed connection (the defaults are 2 min and 128 KiB, which
                // cut a first sync or any file). Every relayed peer is an enrolled site, and
                // revocation refuses it at once; a sync session cannot be bounded in advance
                // (a content pack over 3G takes many minutes) and a cut one resumes anyway;
                // and libp2p never reuses a limited connection for a new dial, so a limit
                // would cost a new Noise handshake through the relay (~1.1 KB of the 3G key)
                // for every session. An idle relayed connection still ends with its TCP
                // sockets' 2-minute inactivity timeout, as a direct one does.
                applyDefaultLimit: false,
              },
            }),
          }
        : {}),
    },
  };
}

/** The relay server's gate: only allowed peers reserve, only between allowed peers is relayed. */
export function relayGater(server: RelayServerOptions | undefined, refuse: ((peer: string) => boolean) | undefined): ConnectionGater {
  const denied = (peer: PeerId) => !server!.allow(peer.toString());
  return {
    ...(refuse ? { denyInboundEncryptedConnection: (peer: PeerId) => refuse(peer.toString()) } : {}),
    ...(server
      ? {
          denyInboundRelayReservation: denied,
          denyOutboundRelayedConnection: (source: PeerId, target: PeerId) => denied(source) || denied(target),
        }
      : {}),
  };
}

const isCircuit = (addr: string) => addr.includes('/p2p-circuit');

type ReservationState = 'idle' | 'reserving' | 'held';

/**
 * A box's reservation on its relay. It lives as long as the box's connection to the relay:
 * made at start and again whenever the box connects to the relay without holding one (a
 * sync with the hub, a dial through it), dropped by libp2p when that connection closes.
 */
export class RelayReservation {
  readonly relayId: string;
  private pending: Promise<string[]> | undefined;

  constructor(
    private readonly node: Libp2p<{ circuitListen: CircuitListen }>,
    private readonly opts: RelayClientOptions,
    private readonly onError: (e: unknown) => void,
  ) {
    const id = /\/p2p\/([^/]+)$/.exec(opts.addresses[0] ?? '')?.[1];
    if (!id) throw new Error(`a relay address ends in /p2p/<relay id>: ${opts.addresses[0] ?? '(none)'}`);
    this.relayId = id;
  }

  get state(): ReservationState {
    return this.addresses().length ? 'held' : this.pending ? 'reserving' : 'idle';
  }

  start(): void {
    this.node.addEventListener('connection:open', this.onOpen);
    if (this.wanted()) this.reserve().catch(this.onError);
  }

  stop(): void {
    this.node.removeEventListener('connection:open', this.onOpen);
  }

  /** Our addresses through the relay, each ending in /p2p/<site id>. */
  addresses(): string[] {
    return this.node.getMultiaddrs().map(String).filter((a) => isCircuit(a) && a.includes(`/p2p/${this.relayId}/`));
  }

  /** Hold a reservation now; resolves with our circuit addresses, rejects when the relay refuses. */
  reserve(): Promise<string[]> {
    if (this.state === 'held') return Promise.resolve(this.addresses());
    this.pending ??= this.node.services.circuitListen
      .listen(multiaddr(`${this.opts.addresses[0]}/p2p-circuit`))
      .then(() => this.addresses())
      .finally(() => (this.pending = undefined));
    return this.pending;
  }

  /** The address that reaches a site through the relay, unless it is the relay itself. */
  via(peer: string): string | undefined {
    return peer === this.relayId ? undefined : `${this.opts.addresses[0]}/p2p-circuit/p2p/${peer}`;
  }

  private wanted(): boolean {
    return this.opts.reserve?.() ?? true;
  }

  private readonly onOpen = (evt: CustomEvent<{ remotePeer: PeerId; remoteAddr: Multiaddr }>): void => {
    const conn = evt.detail;
    if (conn.remotePeer.toString() !== this.relayId || isCircuit(conn.remoteAddr.toString())) return;
    if (this.state === 'idle' && this.wanted()) this.reserve().catch(this.onError);
  };
}
