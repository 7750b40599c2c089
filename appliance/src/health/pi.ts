/**
 * Raspberry Pi firmware flags: `vcgencmd get_throttled` prints `throttled=0x50005`.
 * Bits, from the Raspberry Pi documentation ("vcgencmd", get_throttled):
 *    0 under-voltage detected          16 under-voltage has occurred
 *    1 arm frequency capped            17 arm frequency capping has occurred
 *    2 currently throttled             18 throttling has occurred
 *    3 soft temperature limit active   19 soft temperature limit has occurred
 */
import type { Host } from './host.js';
import type { Throttling } from './sample.js';

export const VCGENCMD_THROTTLED = ['vcgencmd', 'get_throttled'] as const;

const bit = (mask: number, n: number) => (mask & (1 << n)) !== 0;

export function decodeThrottled(mask: number): Throttling {
  return {
    mask,
    underVoltageNow: bit(mask, 0),
    frequencyCappedNow: bit(mask, 1),
    throttledNow: bit(mask, 2),
    softTempLimitNow: bit(mask, 3),
    underVoltageSinceBoot: bit(mask, 16),
    frequencyCappedSinceBoot: bit(mask, 17),
    throttledSinceBoot: bit(mask, 18),
    softTempLimitSinceBoot: bit(mask, 19),
  };
}

/** The mask in vcgencmd's output, or null when the output is not what it prints. */
export function parseThrottled(stdout: string): number | null {
  const m = /throttled=(0x[0-9a-f]+|\d+)/i.exec(stdout);
  if (!m) return null;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
}

/** The firmware's flags, or null on a board without vcgencmd (anything but a Pi). */
export async function readThrottling(host: Host, argv: readonly string[] = VCGENCMD_THROTTLED, timeoutMs = 3_000): Promise<Throttling | null> {
  const r = await host.run(argv, { timeoutMs });
  if (!r.ok) return null;
  const mask = parseThrottled(r.stdout);
  return mask === null ? null : decodeThrottled(mask);
}
