/**
 * The box's own health: samples (CPU, temperature, memory, disk, uptime, network; on a Pi
 * undervoltage and throttling; battery or solar charge), a bounded local history that
 * survives weeks offline, compressed batches for the relay, and frugal mode on a low
 * battery with a clean shutdown below the floor. No network here: the relay link drives
 * the uploads through pendingBatch()/markUploaded() (HealthAgent), and the relay decodes
 * them with decodeBatch().
 */
import type { Db } from '../db/index.js';
import type { Clock } from '../clock/index.js';
import { HealthAgent, type Timers } from './agent.js';
import { HealthSampler } from './sampler.js';
import type { Host } from './host.js';
import type { SystemSource } from './system.js';
import type { HistoryLimits } from './history.js';
import type { PowerPolicy } from './power.js';

export { HealthAgent, unrefTimers, DEFAULT_EVERY_MS, DEFAULT_FRUGAL_EVERY_MS, DEFAULT_SHUTDOWN_COMMAND } from './agent.js';
export type { HealthAgentOptions, HealthStatus, ShutdownRequest, Timers } from './agent.js';
export { HealthSampler, type SamplerOptions } from './sampler.js';
export { systemInformation, type SystemSource, type SystemInformation, type SystemInformationDeps } from './system.js';
export { nodeHost, runCommand, type Host, type CommandResult } from './host.js';
export { decodeThrottled, parseThrottled, readThrottling, VCGENCMD_THROTTLED } from './pi.js';
export { readPowerSupply, readBatteryCommand, BatteryReaderError, POWER_SUPPLY_DIR } from './battery.js';
export { batteryStatus, BATTERY_STATUSES } from './sample.js';
export type { HealthSample, CpuLoad, Memory, Disk, NetworkState, Throttling, Battery, BatteryStatus } from './sample.js';
export { HealthHistory, DEFAULT_HISTORY_LIMITS, type HistoryLimits, type StoredSample, type StoredRollup } from './history.js';
export { UploadQueue, DEFAULT_BATCH_ITEMS, MAX_BATCH_ITEMS, type HealthBatch, type BatchOptions, type Resolution } from './upload.js';
export { decodeBatch, encodeBatch, HealthBatchError, HEALTH_WIRE_VERSION, MAX_BATCH_DECODED } from './wire.js';
export type { DecodedBatch, DecodedSample, DecodedRollup, MetricSummary } from './wire.js';
export { METRICS, QUARTER_MS, HOUR_MS, type MetricName } from './metrics.js';
export { stepPower, DEFAULT_POWER_POLICY, INITIAL_POWER, type PowerPolicy, type PowerState, type PowerMachine } from './power.js';
export { healthRoutes } from './routes.js';
/** Stand-ins for the machine (a simulated Pi, a plain PC), for tests and benchmarks. */
export { fakeSystem, fixtureHost, powerSupplyFiles, syntheticSample, PI_READINGS, PC_READINGS, type Readings } from './testing.js';

/** How a box's health agent is set up (the Appliance's `health` option). */
export interface HealthOptions {
  readonly everyMs?: number;
  readonly frugalEveryMs?: number;
  readonly power?: Partial<PowerPolicy>;
  readonly shutdownCommand?: readonly string[];
  /** Record the shutdown instead of running it. */
  readonly dryRun?: boolean;
  /** A UPS HAT's reader, printing JSON (battery.ts), instead of /sys/class/power_supply. */
  readonly batteryCommand?: readonly string[];
  readonly powerSupplyDir?: string;
  readonly throttledCommand?: readonly string[];
  readonly history?: Partial<HistoryLimits>;
  /** Stand-ins for tests: the machine's readings, files and commands, the timer. */
  readonly system?: SystemSource;
  readonly host?: Host;
  readonly timers?: Timers;
}

/** A health agent for a box: its sampler reads this machine (or the stand-ins given). */
export function createHealthAgent(
  o: HealthOptions & { readonly db: Db; readonly clock: Clock; readonly dataDir: string; readonly note?: (line: string) => void; readonly onError?: (e: unknown) => void },
): HealthAgent {
  const sampler = new HealthSampler({
    clock: o.clock,
    dataDir: o.dataDir,
    ...(o.system ? { system: o.system } : {}),
    ...(o.host ? { host: o.host } : {}),
    ...(o.powerSupplyDir ? { powerSupplyDir: o.powerSupplyDir } : {}),
    ...(o.batteryCommand ? { batteryCommand: o.batteryCommand } : {}),
    ...(o.throttledCommand ? { throttledCommand: o.throttledCommand } : {}),
    ...(o.onError ? { onError: o.onError } : {}),
  });
  return new HealthAgent({ ...o, sampler, ...(o.host ? { run: (argv, opts) => o.host!.run(argv, opts) } : {}) });
}
