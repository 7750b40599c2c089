/**
 * Battery or solar charge, from the kernel's power_supply class (a laptop's BAT0, a charge
 * controller with a driver) or from a configured reader command: many UPS HATs for the
 * Pi have no kernel driver, only a script that reads the gauge over I²C.
 *
 * The reader prints one JSON object on stdout, every field optional:
 *   {"capacity": 76, "status": "Discharging", "voltage": 3.92, "current": -0.41, "type": "UPS"}
 * capacity in %, voltage in volts, current in amperes; status as the kernel spells it
 * (Charging, Discharging, Full, Not charging, Unknown).
 */
import { join } from 'node:path';
import { z } from 'zod';
import type { Host } from './host.js';
import { batteryStatus, type Battery } from './sample.js';

export const POWER_SUPPLY_DIR = '/sys/class/power_supply';

/** Supply types that hold charge; Mains, USB and Wireless are sources, not stores. */
const STORES = new Set(['battery', 'ups']);

function num(text: string | null, scale = 1): number | null {
  if (text === null) return null;
  const n = Number(text.trim());
  return text.trim() !== '' && Number.isFinite(n) ? n * scale : null;
}

/** The first supply that stores charge (by name), or null when the kernel exposes none. */
export async function readPowerSupply(host: Host, dir = POWER_SUPPLY_DIR): Promise<Battery | null> {
  for (const name of await host.readDir(dir)) {
    const read = (file: string) => host.readFile(join(dir, name, file));
    const type = (await read('type'))?.trim() ?? null;
    if (!type || !STORES.has(type.toLowerCase())) continue;
    const capacity = num(await read('capacity'));
    return {
      source: 'power_supply',
      name,
      type,
      capacityPct: capacity === null ? null : clampPct(capacity),
      status: batteryStatus(await read('status')),
      // The kernel reports micro-volts and micro-amperes.
      voltageV: num(await read('voltage_now'), 1e-6),
      currentA: num(await read('current_now'), 1e-6),
    };
  }
  return null;
}

const readerOutput = z.object({
  capacity: z.number().nullish(),
  status: z.string().max(40).nullish(),
  voltage: z.number().nullish(),
  current: z.number().nullish(),
  type: z.string().max(40).nullish(),
});

export class BatteryReaderError extends Error {
  override readonly name = 'BatteryReaderError';
}

/** Run the reader and parse what it printed; throws BatteryReaderError when it fails or prints nonsense. */
export async function readBatteryCommand(host: Host, argv: readonly string[], timeoutMs = 5_000): Promise<Battery> {
  const r = await host.run(argv, { timeoutMs });
  if (!r.ok) throw new BatteryReaderError(`the battery reader failed: ${r.error ?? 'no reason given'}`);
  let json: unknown;
  try {
    json = JSON.parse(r.stdout);
  } catch {
    throw new BatteryReaderError(`the battery reader did not print JSON: ${JSON.stringify(r.stdout.slice(0, 80))}`);
  }
  const parsed = readerOutput.safeParse(json);
  if (!parsed.success) throw new BatteryReaderError(`the battery reader printed an unexpected object: ${parsed.error.issues[0]?.message ?? ''}`);
  const o = parsed.data;
  return {
    source: 'command',
    name: null,
    type: o.type ?? null,
    capacityPct: o.capacity == null ? null : clampPct(o.capacity),
    status: batteryStatus(o.status),
    voltageV: o.voltage ?? null,
    currentA: o.current ?? null,
  };
}

function clampPct(n: number): number {
  return Math.min(100, Math.max(0, n));
}
