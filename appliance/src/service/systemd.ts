/**
 * The box under systemd (Type=notify): it says when it is ready to serve, proves it is
 * alive to the watchdog, and says when it is stopping. Through the `systemd-notify`
 * command (no native addon); the unit sets NotifyAccess=all, since the message comes from
 * that child and not from the main process. Outside systemd (no NOTIFY_SOCKET) it does
 * nothing.
 *
 * The watchdog is fed only while the box really works: each ping first runs `alive`
 * (the database answers); a box stuck, stopped (SIGSTOP) or whose database no longer
 * answers stops feeding it, and systemd restarts it after WatchdogSec.
 */
import { execFile } from 'node:child_process';

export type NotifyRunner = (args: readonly string[]) => Promise<void>;

export interface SystemdNotifierOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Runs `systemd-notify` with these arguments. */
  readonly run?: NotifyRunner;
  /** What must hold for the box to be called alive (throws otherwise). */
  readonly alive: () => void;
  readonly pid?: number;
  readonly onError?: (e: unknown) => void;
}

const runSystemdNotify: NotifyRunner = (args) =>
  new Promise((resolve, reject) => execFile('systemd-notify', [...args], { timeout: 5_000 }, (err) => (err ? reject(err) : resolve())));

export class SystemdNotifier {
  private timer: NodeJS.Timeout | undefined;
  private readonly run: NotifyRunner;
  private readonly pid: number;
  /** Half the watchdog's period (systemd's advice), or null without a watchdog. */
  readonly pingEveryMs: number | null;
  readonly active: boolean;

  constructor(private readonly opts: SystemdNotifierOptions) {
    const env = opts.env ?? process.env;
    this.run = opts.run ?? runSystemdNotify;
    this.pid = opts.pid ?? process.pid;
    this.active = Boolean(env.NOTIFY_SOCKET);
    const usec = Number(env.WATCHDOG_USEC);
    // WATCHDOG_PID, when set, names the process the watchdog is for.
    const forUs = env.WATCHDOG_PID === undefined || Number(env.WATCHDOG_PID) === this.pid;
    this.pingEveryMs = this.active && forUs && Number.isFinite(usec) && usec > 0 ? Math.max(1, Math.floor(usec / 2000)) : null;
  }

  /** The box serves: tell systemd, and start feeding the watchdog. */
  async ready(status = 'prête'): Promise<void> {
    if (!this.active) return;
    await this.send(['READY=1', `STATUS=${status}`]);
    if (this.pingEveryMs !== null) {
      this.timer = setInterval(() => void this.ping(), this.pingEveryMs);
      this.timer.unref();
    }
  }

  /** One watchdog ping, if the box is alive; returns whether it was sent. */
  async ping(): Promise<boolean> {
    if (!this.active) return false;
    try {
      this.opts.alive();
    } catch (e) {
      this.opts.onError?.(e);
      return false;
    }
    await this.send(['WATCHDOG=1']);
    return true;
  }

  async stopping(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.active) await this.send(['STOPPING=1']);
  }

  private async send(assignments: readonly string[]): Promise<void> {
    try {
      await this.run([`--pid=${this.pid}`, ...assignments]);
    } catch (e) {
      this.opts.onError?.(e);
    }
  }
}
