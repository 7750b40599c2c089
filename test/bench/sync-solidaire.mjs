// Solidaire's side of the sync bench: two sites on real libp2p (TCP, Noise, Yamux) on
// 127.0.0.1, the dialler holding the records, the listener empty at first. Every
// measurement is a NEW connection through a counting TCP proxy (dial, one session each
// way, hang up), so the set-up is in every figure; the nodes' own socket counters
// (P2PNode.bytesWith) must agree with the proxy to the byte. Both ends' frames are
// recorded on their way out, to say where the bytes go.
import { createP2PNode } from '../../appliance/dist/p2p/index.js';
import { stateDigest } from '../../appliance/dist/ops/index.js';
import { encodeFrame, FrameType, SyncSession } from '../../appliance/dist/sync/index.js';
import { encodeOps } from '../../appliance/dist/sync/wire/frames.js';
import { BatchPacker } from '../../appliance/dist/sync/wire/stream-codec.js';
import { countingProxy } from './counting-proxy.mjs';
import { SPACE, seeded } from './sync-data.mjs';
import { putRecords, replica, siteKey } from './sync-replica.mjs';

export const FRAME_NAMES = { 1: 'hello', 2: 'batch', 3: 'ack', 4: 'done', 5: 'error', 6: 'want', 7: 'chunk', 8: 'end', 9: 'batch' };

const varintBytes = (n) => (n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : 4);

/** A FrameLink that records what the session sends through it (our own wrapper; the link is untouched). */
function recording(link, sent) {
  return {
    peer: link.peer,
    mutual: link.mutual,
    send: (frame) => {
      sent.push(frame);
      return link.send(frame);
    },
    frames: () => link.frames(),
    close: () => link.close(),
    abort: (reason) => link.abort(reason),
  };
}

/** Frames by type: count and bytes as on the stream (varint length prefix + frame). */
function byType(frames) {
  const out = {};
  for (const f of frames) {
    // Every frame is a CBOR array of fewer than 24 items: one header byte, then the type.
    const name = FRAME_NAMES[f[1]] ?? `type${f[1]}`;
    const t = (out[name] ??= { count: 0, bytes: 0 });
    t.count++;
    t.bytes += varintBytes(f.length) + f.length;
  }
  return out;
}

async function until(what, ok, timeoutMs = 10_000) {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * One run: set-up alone, then initial, 10 changed, no-op, each on a new connection.
 * Returns bytes per step, with the proxy's and the nodes' counts and the frames sent.
 */
export async function solidaireRun({ records, changed }) {
  const a = replica(0, { spaces: [SPACE], key: siteKey('grigny') });
  const b = replica(1, { spaces: [SPACE], key: siteKey('youri') });
  const rand = seeded(7);
  putRecords(a, SPACE, records, rand);

  let hold = false;
  const inbound = [];
  const nb = createP2PNode({
    siteKey: b.key,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    onSyncLink: (link) => {
      if (hold) return; // set-up alone: the stream is opened, no session runs
      const sent = [];
      inbound.push({ sent, result: new SyncSession({ store: b.store, link: recording(link, sent), peer: link.peer }).run() });
    },
  });
  const na = createP2PNode({ siteKey: a.key, listen: ['/ip4/127.0.0.1/tcp/0'] });
  await nb.start();
  await na.start();
  const port = Number(/\/tcp\/(\d+)\//.exec(nb.addresses()[0])[1]);
  const proxy = await countingProxy(port);
  const via = `/ip4/127.0.0.1/tcp/${proxy.port}/p2p/${b.key.siteId}`;

  /** Dial, run `body`, hang up; what crossed the socket for all of it. */
  const measured = async (body) => {
    const mark = proxy.mark();
    const before = na.bytesWith(b.key.siteId);
    const sinceDial = () => {
      const now = na.bytesWith(b.key.siteId);
      return now.bytesOut - before.bytesOut + now.bytesIn - before.bytesIn;
    };
    const link = await na.dialSync(via, AbortSignal.timeout(10_000));
    const extra = await body(link, sinceDial);
    await na.hangUp(b.key.siteId);
    const onSocket = await proxy.since(mark);
    await until('both nodes to see the connection closed', () => na.remoteAddresses(b.key.siteId).length === 0 && nb.remoteAddresses(a.key.siteId).length === 0);
    const after = na.bytesWith(b.key.siteId);
    const counted = { up: after.bytesOut - before.bytesOut, down: after.bytesIn - before.bytesIn };
    if (counted.up !== onSocket.up || counted.down !== onSocket.down) {
      throw new Error(`libp2p counted ${counted.up}↑ ${counted.down}↓, the proxy ${onSocket.up}↑ ${onSocket.down}↓`);
    }
    return { ...onSocket, ...extra };
  };

  const session = async (link) => {
    const sent = [];
    const mine = await new SyncSession({ store: a.store, link: recording(link, sent), peer: link.peer }).run();
    const theirs = await inbound.at(-1).result;
    const frames = [...sent, ...inbound.at(-1).sent];
    const types = byType(frames);
    const app = Object.values(types).reduce((n, t) => n + t.bytes, 0);
    return { sentOps: mine.sentOps, receivedOps: theirs.receivedOps, batches: mine.batchesSent, frames: types, appBytes: app };
  };

  try {
    hold = true;
    // Set-up alone: the connection (TCP, multistream-select, Noise, Yamux), the sync
    // stream's opening, the hang-up; no frame. Then the same with a second stream on that
    // connection (libp2p reuses it), which tells what opening a stream costs by itself.
    const setup = await measured(async (_link, sinceDial) => ({ beforeHangUp: sinceDial() }));
    const twoStreams = await measured(async (_link, sinceDial) => {
      const one = sinceDial();
      await na.dialSync(via, AbortSignal.timeout(10_000));
      return { streamOpen: sinceDial() - one };
    });
    setup.hangUp = setup.bytes - setup.beforeHangUp;
    setup.streamOpen = twoStreams.streamOpen;
    setup.connection = setup.beforeHangUp - setup.streamOpen;
    hold = false;
    const steps = { setup };
    steps.initial = await measured(session);
    putRecords(a, SPACE, changed, rand);
    steps.changed10 = await measured(session);
    steps.noop = await measured(session);
    for (const s of ['initial', 'changed10', 'noop']) steps[s].transportBytes = steps[s].bytes - setup.bytes - steps[s].appBytes;
    if (stateDigest(a.db) !== stateDigest(b.db)) throw new Error('the two sites do not show the same state after syncing');
    const want = { initial: records.length, changed10: changed.length, noop: 0 };
    for (const [s, n] of Object.entries(want)) {
      if (steps[s].receivedOps !== n) throw new Error(`${s}: ${steps[s].receivedOps} operations applied, ${n} expected`);
    }
    const ops = a.store.page(SPACE, a.key.siteId, 'record.put', 0, 1e9);
    steps.initial.anatomy = await batchAnatomy(ops.slice(0, records.length));
    steps.changed10.anatomy = await batchAnatomy(ops.slice(records.length));
    return steps;
  } finally {
    await na.stop();
    await nb.stop();
    await proxy.stop();
    a.close();
    b.close();
  }
}

/**
 * Where a batch's bytes go: the operations in ONE batch frame (one compression stream, as a metered link's session packs it),
 * then the same with one field of every operation emptied (a clock stamp zeroed); the
 * difference is what that field costs on the wire after compression. Sequence numbers
 * are not carried per operation (a run has its first), so they are not listed.
 */
const ZERO_HLC = '0000000000000-0000';

async function batchAnatomy(ops) {
  const size = async (list) => {
    const packer = new BatchPacker('smallest');
    try {
      return encodeFrame({ type: FrameType.Packed, n: 1, bytes: await packer.pack(encodeOps(list)) }).length;
    } finally {
      packer.close();
    }
  };
  const none = new Uint8Array(0);
  const one = await size(ops);
  const without = async (blank) => one - (await size(ops.map((o) => ({ ...o, ...blank }))));
  return {
    ops: ops.length,
    oneFrame: one,
    sig: await without({ sig: none }),
    hlc: await without({ hlc: ZERO_HLC }),
    author: await without({ author: 'x' }),
    space: await without({ space: '' }),
    bodiesOnly: await size(ops.map((o) => ({ ...o, sig: none, hlc: ZERO_HLC, author: 'x', space: '' }))),
    bodiesRaw: ops.reduce((n, o) => n + o.body.length, 0),
  };
}
