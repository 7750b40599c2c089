/**
 * Stand-ins for the machine, so tests (and benchmarks) can be a Raspberry Pi with a UPS
 * HAT or a plain PC on any computer: fixed readings, files in memory, scripted commands.
 */
import { dirname } from 'node:path';
import type { CommandResult, Host } from './host.js';
import type { SystemSource } from './system.js';
import type { CpuLoad, Disk, HealthSample, Memory, NetworkState } from './sample.js';

export interface Readings {
  cpu: CpuLoad | null;
  cpuTempC: number | null;
  memory: Memory | null;
  disk: Disk | null;
  uptimeSeconds: number | null;
  network: NetworkState | null;
}

const GiB = 1024 ** 3;

/** A Raspberry Pi 4 with 2 GB on a 32 GB card, on Wi-Fi and a 3G key. */
export const PI_READINGS: Readings = {
  cpu: { load1: 0.42, load5: 0.35, load15: 0.3, busyPct: 7.5 },
  cpuTempC: 51.6,
  memory: { totalBytes: 2 * GiB, usedBytes: 0.6 * GiB, availableBytes: 1.4 * GiB },
  disk: { totalBytes: 29 * GiB, freeBytes: 21 * GiB },
  uptimeSeconds: 86_400,
  network: { up: ['ppp0', 'wlan0'], bytesIn: 12_345_678, bytesOut: 2_345_678 },
};

/** A recycled desktop PC: no temperature sensor the kernel exposes. */
export const PC_READINGS: Readings = {
  cpu: { load1: 1.2, load5: 0.9, load15: 0.7, busyPct: 22 },
  cpuTempC: null,
  memory: { totalBytes: 4 * GiB, usedBytes: 1.5 * GiB, availableBytes: 2.5 * GiB },
  disk: { totalBytes: 250 * GiB, freeBytes: 180 * GiB },
  uptimeSeconds: 3_600,
  network: { up: ['eth0'], bytesIn: 1_000_000, bytesOut: 200_000 },
};

/** Fixed readings; a part given as an Error throws it. */
export function fakeSystem(r: { [K in keyof Readings]: Readings[K] | Error }): SystemSource {
  const give = async <T>(v: T | Error): Promise<T> => {
    if (v instanceof Error) throw v;
    return v;
  };
  return {
    cpu: () => give(r.cpu),
    cpuTemperature: () => give(r.cpuTempC),
    memory: () => give(r.memory),
    disk: () => give(r.disk),
    uptimeSeconds: () => give(r.uptimeSeconds),
    network: () => give(r.network),
  };
}

/**
 * Files in memory (path → text; folders are implied by the paths) and commands by their
 * argv joined with spaces (→ stdout, or a full result). Any other command is "not found".
 */
export function fixtureHost(files: Record<string, string> = {}, commands: Record<string, string | CommandResult> = {}): Host & { ran: string[][] } {
  const ran: string[][] = [];
  return {
    ran,
    readFile: async (path) => files[path] ?? null,
    readDir: async (path) => {
      const names = new Set<string>();
      for (const f of Object.keys(files)) {
        for (let d = f; d !== dirname(d); d = dirname(d)) {
          if (dirname(d) === path) names.add(d.slice(path.length + 1));
        }
      }
      return [...names].sort();
    },
    run: async (argv) => {
      ran.push([...argv]);
      const c = commands[argv.join(' ')];
      if (c === undefined) return { ok: false, stdout: '', error: `${argv.join(' ')}: not found` };
      return typeof c === 'string' ? { ok: true, stdout: c } : c;
    },
  };
}

/** A power_supply tree (as files for fixtureHost) with one battery and the mains. */
export function powerSupplyFiles(b: { capacity: number; status: string; dir?: string; name?: string; microvolts?: number; microamps?: number }): Record<string, string> {
  const dir = b.dir ?? '/sys/class/power_supply';
  const bat = `${dir}/${b.name ?? 'BAT0'}`;
  return {
    [`${dir}/AC/type`]: 'Mains\n',
    [`${dir}/AC/online`]: b.status === 'Discharging' ? '0\n' : '1\n',
    [`${bat}/type`]: 'Battery\n',
    [`${bat}/capacity`]: `${b.capacity}\n`,
    [`${bat}/status`]: `${b.status}\n`,
    ...(b.microvolts !== undefined ? { [`${bat}/voltage_now`]: `${b.microvolts}\n` } : {}),
    ...(b.microamps !== undefined ? { [`${bat}/current_now`]: `${b.microamps}\n` } : {}),
  };
}

/** A whole sample at `at`, for history tests: a Pi whose battery and load follow `i`. */
export function syntheticSample(at: number, i: number): HealthSample {
  return {
    at,
    ...PI_READINGS,
    cpu: { load1: (i % 100) / 100, load5: 0.35, load15: 0.3, busyPct: i % 50 },
    uptimeSeconds: 1_000 + i * 60,
    throttling: null,
    battery: { source: 'command', name: null, type: 'UPS', capacityPct: 50 + (i % 50), status: 'discharging', voltageV: 3.9, currentA: -0.4 },
  };
}
