/**
 * Takes one health sample. Each part is read on its own: one that fails or that the board
 * lacks is null in the sample, and the others are still there. A sample never throws.
 */
import type { Clock } from '../clock/index.js';
import { nodeHost, type Host } from './host.js';
import { readThrottling, VCGENCMD_THROTTLED } from './pi.js';
import { POWER_SUPPLY_DIR, readBatteryCommand, readPowerSupply } from './battery.js';
import { systemInformation, type SystemSource } from './system.js';
import type { HealthSample } from './sample.js';

export interface SamplerOptions {
  readonly clock: Clock;
  /** The data folder: the disk reported is the filesystem holding it. */
  readonly dataDir: string;
  readonly system?: SystemSource;
  readonly host?: Host;
  /** Where the kernel lists power supplies (default /sys/class/power_supply). */
  readonly powerSupplyDir?: string;
  /** A UPS HAT's reader: a command printing JSON (battery.ts); used instead of power_supply. */
  readonly batteryCommand?: readonly string[];
  /** The Pi's firmware flags (default `vcgencmd get_throttled`). */
  readonly throttledCommand?: readonly string[];
  /** Told why a part could not be read when that is not simply "this board lacks it". */
  readonly onError?: (err: unknown) => void;
}

export class HealthSampler {
  private readonly system: SystemSource;
  private readonly host: Host;
  /** The last error of each part that is failing now. */
  private readonly failing = new Map<string, string>();

  constructor(private readonly opts: SamplerOptions) {
    this.system = opts.system ?? systemInformation();
    this.host = opts.host ?? nodeHost;
  }

  async sample(): Promise<HealthSample> {
    const at = this.opts.clock.now();
    const s = this.system;
    const [cpu, cpuTempC, memory, disk, uptimeSeconds, network, throttling, battery] = await Promise.all([
      this.part('cpu', () => s.cpu()),
      this.part('temperature', () => s.cpuTemperature()),
      this.part('memory', () => s.memory()),
      this.part('disk', () => s.disk(this.opts.dataDir)),
      this.part('uptime', () => s.uptimeSeconds()),
      this.part('network', () => s.network()),
      this.part('throttling', () => readThrottling(this.host, this.opts.throttledCommand ?? VCGENCMD_THROTTLED)),
      this.part('battery', () =>
        this.opts.batteryCommand?.length
          ? readBatteryCommand(this.host, this.opts.batteryCommand)
          : readPowerSupply(this.host, this.opts.powerSupplyDir ?? POWER_SUPPLY_DIR),
      ),
    ]);
    return { at, cpu, cpuTempC, memory, disk, uptimeSeconds, network, throttling, battery };
  }

  /**
   * One part: its value, or null when reading it failed. A failure is told to onError when
   * it is new, not at every sample (a broken reader would fill the box's log).
   */
  private async part<T>(name: string, read: () => Promise<T | null>): Promise<T | null> {
    try {
      const value = await read();
      this.failing.delete(name);
      return value;
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (this.failing.get(name) !== message) this.opts.onError?.(e);
      this.failing.set(name, message);
      return null;
    }
  }
}
