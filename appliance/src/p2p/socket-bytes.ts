/**
 * Bytes counted on the socket, per peer (DESIGN.md: the link policy counts bytes, it does
 * not estimate them).
 *
 * libp2p hands every new raw connection — the TCP socket wrapped as a MultiaddrConnection,
 * before multistream-select, Noise and Yamux — to its `metrics` component. We count there:
 * what the socket delivered (`onData`) and what was written to it (`sendData`'s sentBytes).
 * At that moment the peer is not known yet, so the connection encrypter is wrapped too:
 * once Noise has authenticated the peer on that same raw connection, the connection's
 * bytes so far, and all later ones, are credited to that peer. Bytes of connections that
 * never authenticate stay in the total only.
 */
import './polyfill.js';
import { serviceCapabilities, type ConnectionEncrypter, type Metrics, type MultiaddrConnection } from '@libp2p/interface';

export interface ByteCount {
  bytesIn: number;
  bytesOut: number;
}

interface Tracked {
  readonly own: ByteCount;
  peer?: ByteCount;
}

/** The raw-connection methods we hook; present on every AbstractMultiaddrConnection (TCP's). */
interface RawConnection {
  onData?: (data: { byteLength: number }) => void;
  sendData?: (data: unknown) => { sentBytes: number; canSendMore: boolean };
}

const zero = (): ByteCount => ({ bytesIn: 0, bytesOut: 0 });

export class SocketBytes {
  readonly total: ByteCount = zero();
  private readonly byPeer = new Map<string, ByteCount>();
  private readonly raw = new WeakMap<object, Tracked>();

  /** Bytes exchanged with one peer over all its connections since this counter was made. */
  forPeer(peer: string): ByteCount {
    return { ...(this.byPeer.get(peer) ?? zero()) };
  }

  peers(): Map<string, ByteCount> {
    return new Map([...this.byPeer].map(([p, c]) => [p, { ...c }]));
  }

  /** For libp2p's `metrics` option: counts each raw connection, does nothing else. */
  metrics(): Metrics {
    return noopMetrics((maConn) => this.track(maConn));
  }

  /** Wrap a connection encrypter so the peer it authenticates gets the connection's bytes. */
  attributing<E extends ConnectionEncrypter>(inner: E): ConnectionEncrypter {
    const tagged = inner as E & { [serviceCapabilities]?: string[]; [Symbol.toStringTag]?: string };
    const wrapped: ConnectionEncrypter & { [serviceCapabilities]?: string[]; [Symbol.toStringTag]?: string } = {
      [Symbol.toStringTag]: tagged[Symbol.toStringTag],
      [serviceCapabilities]: tagged[serviceCapabilities],
      protocol: inner.protocol,
      secureInbound: async (conn, opts) => {
        const secured = await inner.secureInbound(conn, opts);
        this.attribute(conn, secured.remotePeer.toString());
        return secured;
      },
      secureOutbound: async (conn, opts) => {
        const secured = await inner.secureOutbound(conn, opts);
        this.attribute(conn, secured.remotePeer.toString());
        return secured;
      },
    };
    return wrapped;
  }

  private track(maConn: MultiaddrConnection): void {
    // A connection through a relay is a stream inside our TCP connection with the relay,
    // whose socket already counts its bytes (credited to the relay, on the relay's link).
    if (maConn.remoteAddr.toString().includes('/p2p-circuit')) return;
    const conn = maConn as MultiaddrConnection & RawConnection;
    const { onData, sendData } = conn;
    if (typeof onData !== 'function' || typeof sendData !== 'function') {
      throw new Error('socket byte counting needs a transport built on AbstractMultiaddrConnection (TCP is)');
    }
    const t: Tracked = { own: zero() };
    this.raw.set(maConn, t);
    conn.onData = (data) => {
      this.count(t, 'bytesIn', data.byteLength);
      onData.call(conn, data);
    };
    conn.sendData = (data) => {
      const r = sendData.call(conn, data);
      this.count(t, 'bytesOut', r.sentBytes);
      return r;
    };
  }

  private count(t: Tracked, dir: keyof ByteCount, n: number): void {
    t.own[dir] += n;
    this.total[dir] += n;
    if (t.peer) t.peer[dir] += n;
  }

  private attribute(conn: object, peer: string): void {
    const t = this.raw.get(conn);
    if (!t || t.peer) return;
    let c = this.byPeer.get(peer);
    if (!c) this.byPeer.set(peer, (c = zero()));
    c.bytesIn += t.own.bytesIn;
    c.bytesOut += t.own.bytesOut;
    t.peer = c;
  }
}

/** A Metrics that registers nothing: libp2p's own counters are not wanted here. */
function noopMetrics(track: (maConn: MultiaddrConnection) => void): Metrics {
  const nothing = {
    update() {},
    increment() {},
    decrement() {},
    reset() {},
    observe() {},
    timer: () => () => {},
  };
  const register = (() => nothing) as never;
  return {
    trackMultiaddrConnection: track,
    trackProtocolStream() {},
    registerMetric: register,
    registerMetricGroup: register,
    registerCounter: register,
    registerCounterGroup: register,
    registerHistogram: register,
    registerHistogramGroup: register,
    registerSummary: register,
    registerSummaryGroup: register,
    traceFunction: ((_name: string, fn: unknown) => fn) as Metrics['traceFunction'],
    createTrace: () => undefined,
  };
}
