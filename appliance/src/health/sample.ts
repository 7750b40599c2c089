/**
 * One health sample of the box, in natural units. Every part is optional: a part the board
 * does not have (no temperature sensor, no battery, not a Raspberry Pi) is null, never a
 * made-up value.
 */

export interface CpuLoad {
  /** Load averages over 1, 5 and 15 minutes (runnable processes, not a percentage). */
  readonly load1: number;
  readonly load5: number;
  readonly load15: number;
  /** Share of CPU time busy since the previous sample, 0–100; null when not measured. */
  readonly busyPct: number | null;
}

export interface Memory {
  readonly totalBytes: number;
  /** What programs hold: total minus available (the page cache is not "used"). */
  readonly usedBytes: number;
  readonly availableBytes: number;
}

/** The filesystem the data directory lives on. */
export interface Disk {
  readonly totalBytes: number;
  /** Free to an ordinary user (root's reserved blocks are not counted). */
  readonly freeBytes: number;
}

export interface NetworkState {
  /** Interfaces up, loopback excluded (e.g. eth0, wlan0, ppp0 for a 3G key). */
  readonly up: readonly string[];
  /** Bytes received and sent since boot on those interfaces, loopback excluded. */
  readonly bytesIn: number;
  readonly bytesOut: number;
}

/** `vcgencmd get_throttled`, decoded: what the Pi's firmware saw, now and since boot. */
export interface Throttling {
  /** The raw bit mask, as the firmware printed it. */
  readonly mask: number;
  readonly underVoltageNow: boolean;
  readonly underVoltageSinceBoot: boolean;
  readonly throttledNow: boolean;
  readonly throttledSinceBoot: boolean;
  readonly frequencyCappedNow: boolean;
  readonly frequencyCappedSinceBoot: boolean;
  readonly softTempLimitNow: boolean;
  readonly softTempLimitSinceBoot: boolean;
}

export const BATTERY_STATUSES = ['unknown', 'charging', 'discharging', 'not_charging', 'full'] as const;
export type BatteryStatus = (typeof BATTERY_STATUSES)[number];

export interface Battery {
  /** Where the reading came from: the kernel's power_supply class, or the configured reader. */
  readonly source: 'power_supply' | 'command';
  /** The supply's name (e.g. BAT0) or null for a reader command. */
  readonly name: string | null;
  /** The kernel's type (Battery, UPS…) or what the reader said. */
  readonly type: string | null;
  readonly capacityPct: number | null;
  readonly status: BatteryStatus;
  readonly voltageV: number | null;
  /** As the driver reports it; the sign convention varies between drivers. */
  readonly currentA: number | null;
}

export interface HealthSample {
  /** When it was taken: ms since the epoch, by the box's clock. */
  readonly at: number;
  readonly cpu: CpuLoad | null;
  readonly cpuTempC: number | null;
  readonly memory: Memory | null;
  readonly disk: Disk | null;
  readonly uptimeSeconds: number | null;
  readonly network: NetworkState | null;
  /** Raspberry Pi only. */
  readonly throttling: Throttling | null;
  /** A battery or solar charge controller the kernel exposes, or a UPS HAT's reader. */
  readonly battery: Battery | null;
}

/** Normalise a status as the kernel or a reader prints it ("Not charging" → not_charging). */
export function batteryStatus(text: string | undefined | null): BatteryStatus {
  const s = (text ?? '').trim().toLowerCase().replace(/[\s-]+/g, '_');
  return (BATTERY_STATUSES as readonly string[]).includes(s) ? (s as BatteryStatus) : 'unknown';
}
