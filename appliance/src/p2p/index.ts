// The polyfill comes first: libp2p 3 needs Promise.withResolvers, which Node 20 lacks.
import './polyfill.js';

export { P2PNode, createP2PNode, DEFAULT_LISTEN, MDNS_SERVICE, type P2PNodeOptions, type DiscoveredPeer } from './node.js';
export { DEFAULT_MAX_RESERVATIONS, type RelayClientOptions, type RelayServerOptions } from './relay.js';
export { MAX_FRAME_BYTES, type PeerLink } from './frame-link.js';
export type { ByteCount } from './socket-bytes.js';
