/**
 * How long a session waits on its link, and what it makes of silence: the peer's last
 * frames after an error, the peer's close after the session finished, and a peer that
 * vanished without closing (power cut, 3G dropped, a NAT that forgot the connection).
 */
import type { FrameLink } from './link.js';
import { SyncLinkError, SyncProtocolError } from './errors.js';

/** Read and drop frames until the peer closes or cuts, or `ms` passed. */
export async function settle(frames: AsyncIterator<Uint8Array>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((r) => (timer = setTimeout(r, ms).unref()));
  const drained = (async () => {
    try {
      while (!(await frames.next()).done);
    } catch {
      // cut: fine
    }
  })();
  await Promise.race([drained, late]);
  clearTimeout(timer);
}

/**
 * Wait up to `ms` for the peer to close its side once the session finished, so that when
 * a session returns its last bytes are on the wire both ways. Nothing may come.
 */
export async function afterFinished(frames: AsyncIterator<Uint8Array>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), ms).unref()));
  try {
    const r = await Promise.race([frames.next(), late]);
    if (r !== 'late' && !r.done) throw new SyncProtocolError('unexpected_frame', 'a frame after the session finished');
  } catch (e) {
    if (e instanceof SyncProtocolError) throw e;
    // The peer cut rather than closed: everything was acknowledged, the session is done.
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `waiting`, unless the peer sends nothing at all for `idleMs` first: then the link is cut
 * and a SyncLinkError thrown. Bytes of a frame still arriving (the link's lastActivity)
 * count as life, so a slow link is not taken for a dead one.
 */
export async function unlessSilent<T>(waiting: Promise<T>, link: FrameLink, idleMs: number): Promise<T> {
  const since = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const silent = new Promise<never>((_, reject) => {
    const check = () => {
      const last = Math.max(since, link.lastActivity?.() ?? 0);
      const left = last + idleMs - Date.now();
      if (left > 0) {
        timer = setTimeout(check, left).unref();
        return;
      }
      const e = new SyncLinkError(`the peer sent nothing for ${Math.round(idleMs / 1000)} s`);
      link.abort(e);
      reject(e);
    };
    timer = setTimeout(check, idleMs).unref();
  });
  silent.catch(() => {});
  try {
    return await Promise.race([waiting, silent]);
  } finally {
    clearTimeout(timer);
  }
}
