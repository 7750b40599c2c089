import { afterEach, describe, expect, it, vi } from 'vitest';
import { connect, createServer, type Server } from 'node:net';
import { prng } from '../../appliance/src/testing/index.js';
import { FaultProxy } from './proxy.js';

let echo: Server | undefined;
let proxy: FaultProxy | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await proxy?.stop();
  proxy = undefined;
  await new Promise<void>((r) => (echo ? echo.close(() => r()) : r()));
  echo = undefined;
});

async function echoServer(): Promise<number> {
  const server = (echo = createServer((s) => s.pipe(s).on('error', () => {})));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return (server.address() as { port: number }).port;
}

function client(port: number) {
  const s = connect(port, '127.0.0.1');
  let got = '';
  s.on('data', (d) => (got += d.toString()));
  const closed = new Promise<void>((r) => s.once('close', () => r()));
  s.on('error', () => {});
  return { s, got: () => got, closed };
}

async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`never: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('fault proxy', () => {
  it('forwards and counts the bytes both ways', async () => {
    proxy = new FaultProxy(await echoServer());
    const a = client(await proxy.start());
    a.s.write('bonjour');
    await until(() => a.got() === 'bonjour', 'the echo');
    expect(proxy.bytes).toBe(14);
    expect(proxy.connections).toBe(1);
  });

  it('stalls: what arrives waits, in order, and the connection stays', async () => {
    proxy = new FaultProxy(await echoServer());
    const a = client(await proxy.start());
    proxy.stall(300);
    const t0 = Date.now();
    a.s.write('un ');
    a.s.write('deux');
    await until(() => a.got() === 'un deux', 'the echo after the stall');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(proxy.hits).toEqual({ cut: 0, stall: 1, truncate: 0 });
  });

  it('truncates: the first K bytes of the next chunk go on, then the connection is cut', async () => {
    const seen: Buffer[] = [];
    echo = createServer((s) => s.on('data', (d: Buffer) => seen.push(d)).on('error', () => {}));
    await new Promise<void>((r) => echo!.listen(0, '127.0.0.1', () => r()));
    proxy = new FaultProxy((echo.address() as { port: number }).port);
    const a = client(await proxy.start());
    proxy.truncate(3);
    a.s.write('abcdefgh');
    await a.closed;
    await until(() => Buffer.concat(seen).toString() === 'abc', 'the first three bytes at the target');
    expect(proxy.hits.truncate).toBe(1);
  });

  it('cuts every connection, and only counts a hit when there was one', async () => {
    proxy = new FaultProxy(await echoServer());
    const port = await proxy.start();
    proxy.cut();
    const b = client(port);
    b.s.write('x');
    await until(() => b.got() === 'x', 'the echo');
    proxy.cut();
    await b.closed;
    expect(proxy.injected.cut).toBe(2);
    expect(proxy.hits.cut).toBe(1);
  });

  it('throttles to a byte rate', async () => {
    proxy = new FaultProxy(await echoServer());
    const a = client(await proxy.start());
    proxy.throttle(20_000);
    const t0 = Date.now();
    for (let i = 0; i < 10; i++) a.s.write('z'.repeat(1_000));
    await until(() => a.got().length === 10_000, 'the whole echo');
    // 10 KB out at 20 KB/s, then back: at least ~0.5 s, whatever the chunking.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(400);
    proxy.heal();
    const t1 = Date.now();
    a.s.write('fin');
    await until(() => a.got().endsWith('fin'), 'the echo at full speed');
    expect(Date.now() - t1).toBeLessThan(400);
  });

  it('draws the same schedule of faults from the same seed', () => {
    vi.useFakeTimers();
    const schedule = (seed: number) => {
      const p = new FaultProxy(1);
      p.chaos(prng(seed).next, 100);
      vi.advanceTimersByTime(10_000);
      p.heal();
      return { ...p.injected };
    };
    const a = schedule(2026);
    expect(a.cut + a.stall + a.truncate).toBeGreaterThan(50);
    expect(schedule(2026)).toEqual(a);
    expect(schedule(2027)).not.toEqual(a);
  });
});
