/**
 * A peer that vanishes without closing (its power cut, the 3G dropped, a NAT forgot the
 * connection) sends nothing more and no FIN ever comes. Found by the fault test: a box
 * killed while a stalled proxy held its connection left the other boxes' sessions with it
 * waiting forever, and as one session per peer runs at a time, never syncing with it
 * again. A session gives up after idleMs of silence; bytes still arriving count as life.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../clock/index.js';
import { replicaFactory } from '../testing/index.js';
import { FrameQueue, type FrameLink } from './link.js';
import { encodeFrame, FrameType, PROTOCOL_VERSION, SyncLinkError, SyncSession } from './index.js';

const replicas = replicaFactory();
afterEach(() => replicas.closeAll());

/** A link whose peer says HELLO, then nothing; `activity` tells when bytes last came. */
function silentAfterHello(site: string, activity?: () => number): FrameLink & { aborted: () => boolean } {
  const inbox = new FrameQueue();
  inbox.push(encodeFrame({ type: FrameType.Hello, version: PROTOCOL_VERSION, site, spaces: { gg: {} }, want: [] }));
  let aborted = false;
  return {
    send: async () => {},
    frames: () => inbox,
    close: async () => {},
    abort: (e) => {
      aborted = true;
      inbox.fail(e ?? new Error('aborted'));
    },
    ...(activity ? { lastActivity: activity } : {}),
    aborted: () => aborted,
  };
}

describe('a peer that falls silent', () => {
  it('fails the session with a named error after idleMs, and cuts the link', async () => {
    const clock = new FakeClock();
    const a = replicas.replica(clock, ['gg']);
    const peer = replicas.replica(clock, ['gg']).log.siteId;
    const link = silentAfterHello(peer);
    const started = Date.now();
    const outcome = await new SyncSession({ store: a.store, link, idleMs: 300 }).run().catch((e: unknown) => e);
    expect(outcome).toBeInstanceOf(SyncLinkError);
    expect((outcome as Error).message).toMatch(/sent nothing/);
    expect(link.aborted()).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('waits longer while bytes of a frame are still arriving', async () => {
    const clock = new FakeClock();
    const a = replicas.replica(clock, ['gg']);
    const peer = replicas.replica(clock, ['gg']).log.siteId;
    // Bytes arrive until 900 ms in (a slow link), then stop.
    const t0 = Date.now();
    const link = silentAfterHello(peer, () => Math.min(Date.now(), t0 + 900));
    const outcome = await new SyncSession({ store: a.store, link, idleMs: 300 }).run().catch((e: unknown) => e);
    expect(outcome).toBeInstanceOf(SyncLinkError);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1150);
  });
});
