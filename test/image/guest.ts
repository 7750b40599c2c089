/**
 * A box booted in qemu from build-debian.sh's images (image-build/boot-qemu.sh), as the
 * boot test sees it: its HTTP port on the host, a shell in it (the test-only virtio port
 * of an image built with --test-hooks), and its serial console's log.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const BOOT_QEMU = join(import.meta.dirname, '../../image-build/boot-qemu.sh');

export class GuestTimeoutError extends Error {
  override readonly name = 'GuestTimeoutError';
}

export class Guest {
  readonly base: string;
  private readonly qemu: ChildProcess;
  private readonly exited: Promise<number | null>;
  private shell: Socket | undefined;
  private out = '';

  constructor(images: string, readonly run: string, port: number) {
    this.base = `http://127.0.0.1:${port}`;
    this.qemu = spawn(BOOT_QEMU, [images, run, String(port)], { stdio: ['ignore', 'inherit', 'inherit'] });
    this.exited = new Promise((resolve) => this.qemu.once('exit', (code) => resolve(code)));
  }

  get console(): string {
    const f = join(this.run, 'console.log');
    return existsSync(f) ? readFileSync(f, 'latin1') : '';
  }

  /** Polls `probe` until it returns a value, or fails after `ms` with the console's tail. */
  async until<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      // Checked first: with this qemu gone, whatever answers on its port is not this guest.
      if (this.qemu.exitCode !== null) throw new Error(`qemu exited (${this.qemu.exitCode}) while waiting for ${what}\n${this.console.slice(-3000)}`);
      const v = await probe().catch(() => undefined);
      if (v !== undefined && this.qemu.exitCode === null) return v;
      await sleep(1000);
    }
    throw new GuestTimeoutError(`${what}: nothing after ${ms / 1000} s\n${this.console.slice(-3000)}`);
  }

  /** GET /healthz, once it answers. */
  async health(ms: number): Promise<{ ok: boolean; siteName: string | null; setUp: boolean }> {
    return this.until('/healthz', ms, async () => {
      const res = await fetch(`${this.base}/healthz`, { signal: AbortSignal.timeout(5000) });
      return res.status === 200 ? ((await res.json()) as { ok: boolean; siteName: string | null; setUp: boolean }) : undefined;
    });
  }

  /** Runs a command in the guest as root; its output (stdout and stderr) and exit status. */
  async sh(command: string, ms = 60_000): Promise<{ status: number; out: string }> {
    if (!this.shell) this.shell = await this.openShell();
    const marker = `@@${Math.random().toString(36).slice(2)}`;
    const start = this.out.length;
    this.shell.write(`${command}\necho "${marker} $?"\n`);
    const re = new RegExp(`${marker} (\\d+)\\n`);
    return this.until(`the guest's answer to ${command}`, ms, async () => {
      const m = re.exec(this.out.slice(start));
      return m ? { status: Number(m[1]), out: this.out.slice(start, start + m.index) } : undefined;
    });
  }

  private async openShell(): Promise<Socket> {
    const sock = await this.until('the test shell socket', 30_000, () =>
      new Promise<Socket | undefined>((resolve) => {
        const s = connect(join(this.run, 'test.sock'));
        s.once('connect', () => resolve(s));
        s.once('error', () => resolve(undefined));
      }),
    );
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => (this.out += d));
    return sock;
  }

  /** A clean power-off from inside; resolves when qemu has exited. */
  async powerOff(ms: number): Promise<void> {
    this.shell?.write('systemctl poweroff\n');
    if (!this.shell) await this.sh('systemctl --no-block poweroff');
    const exited = await Promise.race([this.exited.then(() => true), sleep(ms).then(() => false)]);
    this.shell?.destroy();
    if (!exited) throw new GuestTimeoutError(`no power-off after ${ms / 1000} s\n${this.console.slice(-3000)}`);
  }

  kill(): void {
    this.shell?.destroy();
    if (this.qemu.exitCode === null) this.qemu.kill('SIGKILL');
  }
}
