/** The box under systemd (service/systemd.ts): ready, watchdog fed only while alive, stopping. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SystemdNotifier } from './systemd.js';

afterEach(() => vi.useRealTimers());

function notifier(env: NodeJS.ProcessEnv, alive: () => void = () => {}) {
  const sent: string[][] = [];
  const errors: unknown[] = [];
  const n = new SystemdNotifier({ env, pid: 4242, alive, run: async (args) => void sent.push([...args]), onError: (e) => errors.push(e) });
  return { n, sent, errors };
}

describe('SystemdNotifier', () => {
  it('does nothing outside systemd', async () => {
    const { n, sent } = notifier({ WATCHDOG_USEC: '30000000' });
    await n.ready();
    expect(await n.ping()).toBe(false);
    await n.stopping();
    expect(n.pingEveryMs).toBeNull();
    expect(sent).toEqual([]);
  });

  it('says ready, feeds the watchdog at half its period while alive, and says stopping', async () => {
    vi.useFakeTimers();
    let healthy = true;
    const { n, sent, errors } = notifier({ NOTIFY_SOCKET: '/run/systemd/notify', WATCHDOG_USEC: '30000000' }, () => {
      if (!healthy) throw new Error('la base ne répond pas');
    });
    expect(n.pingEveryMs).toBe(15_000);
    await n.ready();
    expect(sent).toEqual([['--pid=4242', 'READY=1', 'STATUS=prête']]);
    await vi.advanceTimersByTimeAsync(45_000);
    expect(sent.slice(1)).toEqual([['--pid=4242', 'WATCHDOG=1'], ['--pid=4242', 'WATCHDOG=1'], ['--pid=4242', 'WATCHDOG=1']]);
    healthy = false;
    await vi.advanceTimersByTimeAsync(30_000);
    expect(sent).toHaveLength(4);
    expect(errors).toHaveLength(2);
    await n.stopping();
    expect(sent.at(-1)).toEqual(['--pid=4242', 'STOPPING=1']);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sent.at(-1)).toEqual(['--pid=4242', 'STOPPING=1']);
  });

  it('leaves a watchdog meant for another process alone', async () => {
    const { n } = notifier({ NOTIFY_SOCKET: '/run/systemd/notify', WATCHDOG_USEC: '30000000', WATCHDOG_PID: '1' });
    expect(n.pingEveryMs).toBeNull();
  });

  it('reports a failing systemd-notify without throwing', async () => {
    const errors: unknown[] = [];
    const n = new SystemdNotifier({ env: { NOTIFY_SOCKET: 'x' }, alive: () => {}, run: async () => Promise.reject(new Error('absent')), onError: (e) => errors.push(e) });
    await n.ready();
    expect(errors).toHaveLength(1);
  });
});
