import { afterEach, describe, expect, it } from 'vitest';
import { connect, createServer, type Server } from 'node:net';
import { FaultProxy } from './proxy.js';

let echo: Server | undefined;
let proxy: FaultProxy | undefined;
afterEach(async () => {
  await proxy?.stop();
  await new Promise<void>((r) => (echo ? echo.close(() => r()) : r()));
});

async function echoServer(): Promise<number> {
  echo = createServer((s) => s.pipe(s));
  await new Promise<void>((r) => echo!.listen(0, '127.0.0.1', () => r()));
  return (echo.address() as { port: number }).port;
}

function client(port: number) {
  const s = connect(port, '127.0.0.1');
  let got = '';
  s.on('data', (d) => (got += d.toString()));
  const closed = new Promise<void>((r) => s.once('close', () => r()));
  s.on('error', () => {});
  return { s, got: () => got, closed };
}

describe('fault proxy', () => {
  it('forwards, stalls, truncates and cuts', async () => {
    proxy = new FaultProxy(await echoServer());
    const port = await proxy.start();
    const a = client(port);
    a.s.write('bonjour');
    await new Promise((r) => setTimeout(r, 100));
    expect(a.got()).toBe('bonjour');

    proxy.stall(300);
    const t0 = Date.now();
    a.s.write('!');
    while (a.got() !== 'bonjour!') await new Promise((r) => setTimeout(r, 20));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);

    proxy.truncate();
    a.s.write('abcdefgh');
    await a.closed;
    // Half of it went on, then the connection was cut: no echo comes back.
    expect(a.got()).toBe('bonjour!');

    const b = client(port);
    b.s.write('x');
    await new Promise((r) => setTimeout(r, 100));
    proxy.cut();
    await b.closed;
    expect(proxy.injected).toEqual({ cut: 1, stall: 1, truncate: 1 });
  });
});
