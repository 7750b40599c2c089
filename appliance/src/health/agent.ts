/**
 * The health agent: a service that samples the box on a timer (every minute; every
 * 15 minutes when the battery makes it frugal), keeps the history, follows the battery
 * (power.ts) and runs the shutdown command once below the floor. It holds no connection:
 * whoever uploads (the relay link) drives pendingBatch()/markUploaded(), and the network
 * asks frugal() before large transfers.
 */
import type { Db } from '../db/index.js';
import type { Clock } from '../clock/index.js';
import { runCommand, type Host } from './host.js';
import { HealthHistory, type HistoryLimits } from './history.js';
import { UploadQueue, type BatchOptions, type HealthBatch, type Resolution } from './upload.js';
import { DEFAULT_POWER_POLICY, INITIAL_POWER, stepPower, type PowerMachine, type PowerPolicy, type PowerState } from './power.js';
import type { HealthSample } from './sample.js';

export const DEFAULT_EVERY_MS = 60_000;
export const DEFAULT_FRUGAL_EVERY_MS = 15 * 60_000;
export const DEFAULT_SHUTDOWN_COMMAND: readonly string[] = ['systemctl', 'poweroff'];

/**
 * How the agent waits; tests hand in their own and fire it by hand. The callback's promise
 * settles (never rejects) once the sample is kept and the next one scheduled.
 */
export interface Timers {
  set(fn: () => Promise<void>, ms: number): unknown;
  clear(handle: unknown): void;
}

/** Node's timers, unref'd: a sampling timer never keeps the process alive. */
export const unrefTimers: Timers = {
  set(fn, ms) {
    const t = setTimeout(() => void fn(), ms);
    t.unref();
    return t;
  },
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface ShutdownRequest {
  readonly at: number;
  readonly command: readonly string[];
  readonly batteryPct: number | null;
  /** A dry run: recorded, not run. */
  readonly dryRun: boolean;
  /** Whether the command succeeded; null for a dry run. */
  readonly ok: boolean | null;
  readonly error?: string;
}

export interface HealthAgentOptions {
  readonly db: Db;
  readonly clock: Clock;
  /** Takes one sample (HealthSampler in production). */
  readonly sampler: { sample(): Promise<HealthSample> };
  readonly everyMs?: number;
  readonly frugalEveryMs?: number;
  readonly power?: Partial<PowerPolicy>;
  /** Run below the floor (default `systemctl poweroff`). */
  readonly shutdownCommand?: readonly string[];
  /** Record the shutdown instead of running it (tests, a box on a bench). */
  readonly dryRun?: boolean;
  readonly run?: Host['run'];
  readonly history?: Partial<HistoryLimits>;
  readonly timers?: Timers;
  readonly onError?: (err: unknown) => void;
  /** A line for the box's log (French: volunteers read it through "collect logs"). */
  readonly note?: (line: string) => void;
}

export interface HealthStatus {
  readonly latest: HealthSample | null;
  readonly power: {
    readonly state: PowerState;
    readonly frugal: boolean;
    readonly policy: PowerPolicy;
    readonly shutdownRequests: readonly ShutdownRequest[];
  };
  /** The current sampling interval. */
  readonly everyMs: number;
  readonly history: { readonly raw: number; readonly quarter: number; readonly hour: number; readonly bytes: number };
  readonly upload: { readonly since: number; readonly samples: number; readonly rollups: number };
}

export class HealthAgent {
  readonly history: HealthHistory;
  readonly uploads: UploadQueue;
  readonly policy: PowerPolicy;
  private readonly shutdowns: ShutdownRequest[] = [];
  private machine: PowerMachine = INITIAL_POWER;
  private last: HealthSample | null = null;
  private running: Promise<HealthSample> | undefined;
  private timer: unknown;
  private started = false;

  constructor(private readonly opts: HealthAgentOptions) {
    for (const [name, ms] of [['everyMs', opts.everyMs], ['frugalEveryMs', opts.frugalEveryMs]] as const) {
      if (ms !== undefined && !(ms >= 1_000)) throw new RangeError(`health agent: ${name} must be at least 1000 ms, got ${ms}`);
    }
    this.history = new HealthHistory({ db: opts.db, clock: opts.clock, ...(opts.history ? { limits: opts.history } : {}) });
    this.uploads = new UploadQueue(opts.db);
    this.policy = { ...DEFAULT_POWER_POLICY, ...opts.power };
  }

  /** Sample at once, then on the timer. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.schedule(0);
  }

  /** Stop the timer and wait for a sample under way (it writes to the database). */
  async stop(): Promise<void> {
    this.started = false;
    if (this.timer !== undefined) (this.opts.timers ?? unrefTimers).clear(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => {});
  }

  /** Take a sample now (or join the one under way), keep it and act on the battery. */
  sampleNow(): Promise<HealthSample> {
    this.running ??= this.take().finally(() => (this.running = undefined));
    return this.running;
  }

  latest(): HealthSample | null {
    return this.last;
  }

  /** Whether the battery asks the box to spare energy: sample less, defer large transfers. */
  frugal(): boolean {
    return this.machine.state !== 'normal';
  }

  powerState(): PowerState {
    return this.machine.state;
  }

  /** What the shutdown would have run or ran, oldest first. */
  shutdownRequests(): readonly ShutdownRequest[] {
    return [...this.shutdowns];
  }

  /** The wait before the next sample: longer when frugal, except to confirm a reading below the floor. */
  nextDelayMs(): number {
    const every = this.opts.everyMs ?? DEFAULT_EVERY_MS;
    const state = this.machine.state;
    return state === 'frugal' || state === 'shutdown' ? (this.opts.frugalEveryMs ?? DEFAULT_FRUGAL_EVERY_MS) : every;
  }

  /** The oldest span the relay has not acknowledged (upload.ts), compressed; null when none. */
  pendingBatch(maxSamples?: number, opts?: BatchOptions): HealthBatch | null {
    return this.uploads.pendingBatch(maxSamples, opts);
  }

  /** The relay acknowledged the batch with this id; false when stale or already marked. */
  markUploaded(batchId: string): boolean {
    return this.uploads.markUploaded(batchId);
  }

  status(finest: Resolution = 'raw'): HealthStatus {
    return {
      latest: this.last,
      power: { state: this.machine.state, frugal: this.frugal(), policy: this.policy, shutdownRequests: this.shutdownRequests() },
      everyMs: this.nextDelayMs(),
      history: this.history.size(),
      upload: this.uploads.backlog(finest),
    };
  }

  private schedule(ms: number): void {
    const timers = this.opts.timers ?? unrefTimers;
    this.timer = timers.set(() => {
      this.timer = undefined;
      return this.sampleNow().then(
        () => this.reschedule(),
        (e: unknown) => {
          this.opts.onError?.(e);
          this.reschedule();
        },
      );
    }, ms);
  }

  private reschedule(): void {
    if (this.started && this.timer === undefined) this.schedule(this.nextDelayMs());
  }

  private async take(): Promise<HealthSample> {
    const sample = await this.opts.sampler.sample();
    this.last = sample;
    this.history.record(sample);
    const before = this.machine.state;
    const step = stepPower(this.machine, sample.battery, this.policy);
    this.machine = step.next;
    const pct = sample.battery?.capacityPct ?? null;
    const shown = `${pct === null ? '?' : Math.round(pct)} %`;
    const now = step.next.state;
    if (now === 'frugal' && before === 'normal') {
      this.note(`Batterie à ${shown} : mode économe (un relevé toutes les ${Math.round(this.nextDelayMs() / 60_000)} min, pas de gros transferts).`);
    }
    if (now === 'critical' && before !== 'critical') {
      this.note(`Batterie à ${shown} en décharge, sous le seuil d’arrêt (${this.policy.shutdownBelowPct} %) : la boîte s’arrêtera si les relevés suivants le confirment.`);
    }
    if (now === 'normal' && before !== 'normal') this.note(`Batterie à ${shown} : fin du mode économe.`);
    if (step.shutdown) await this.shutdown(sample.at, shown);
    return sample;
  }

  private async shutdown(at: number, shown: string): Promise<void> {
    const batteryPct = this.last?.battery?.capacityPct ?? null;
    const command = this.opts.shutdownCommand ?? DEFAULT_SHUTDOWN_COMMAND;
    if (this.opts.dryRun) {
      this.shutdowns.push({ at, command, batteryPct, dryRun: true, ok: null });
      this.note(`Batterie à ${shown} en décharge : la boîte s’arrêterait (essai, « ${command.join(' ')} » non lancé).`);
      return;
    }
    this.note(`Batterie à ${shown} en décharge : arrêt propre de la boîte (« ${command.join(' ')} »).`);
    const r = await (this.opts.run ?? runCommand)(command, { timeoutMs: 30_000 });
    this.shutdowns.push({ at, command, batteryPct, dryRun: false, ok: r.ok, ...(r.error ? { error: r.error } : {}) });
    if (!r.ok) this.opts.onError?.(new Error(`the shutdown command failed: ${r.error ?? 'no reason given'}`));
  }

  private note(line: string): void {
    this.opts.note?.(line);
  }
}
