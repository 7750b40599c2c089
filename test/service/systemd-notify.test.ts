/**
 * `solidaire appliance` under systemd, as far as it can be shown without systemd: with
 * NOTIFY_SOCKET and WATCHDOG_USEC set, the real CLI calls `systemd-notify` (a stand-in on
 * PATH that writes down its arguments) to say READY, feeds the watchdog at half its
 * period, stops feeding it while the process is stopped (SIGSTOP), and says STOPPING on
 * SIGTERM. The restart itself is systemd's, shown by the image's boot test.
 */
import { spawn } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { scratch } from '@solidaire/appliance/testing';

const s = scratch();
afterEach(() => s.clean());
const BIN = join(import.meta.dirname, '../../bin/solidaire.js');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('appliance under systemd', () => {
  it('says ready, feeds the watchdog while it runs, and says stopping', async () => {
    const stub = s.dir('solidaire-stub-');
    const log = join(stub, 'notify.log');
    writeFileSync(join(stub, 'systemd-notify'), `#!/bin/sh\necho "$*" >> '${log}'\n`);
    chmodSync(join(stub, 'systemd-notify'), 0o755);
    const child = spawn(process.execPath, [BIN, 'appliance', '--data', s.dir(), '--port', '0', '--host', '127.0.0.1', '--no-health'], {
      env: { ...process.env, PATH: `${stub}:${process.env.PATH}`, NOTIFY_SOCKET: '/run/systemd/notify', WATCHDOG_USEC: '400000' },
      stdio: 'ignore',
    });
    const exited = new Promise((r) => child.once('exit', r));
    s.defer(async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    });
    const lines = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []);
    for (let i = 0; i < 150 && !lines().some((l) => l.includes('READY=1')); i++) await sleep(100);
    expect(lines()[0]).toMatch(new RegExp(`^--pid=${child.pid} READY=1 STATUS=boîte`));

    await sleep(1000);
    const pings = lines().filter((l) => l.endsWith('WATCHDOG=1')).length;
    expect(pings).toBeGreaterThanOrEqual(3);

    child.kill('SIGSTOP');
    await sleep(300); // a ping already under way may still land
    const whileStopped = lines().length;
    await sleep(1000);
    expect(lines().length).toBe(whileStopped);
    child.kill('SIGCONT');

    child.kill('SIGTERM');
    await exited;
    expect(lines().at(-1)).toBe(`--pid=${child.pid} STOPPING=1`);
  });
});
