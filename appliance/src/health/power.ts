/**
 * What the battery allows, as a small state machine fed one reading per sample:
 *
 *   normal ──(discharging, < frugalBelow)──────────────▶ frugal
 *   frugal ──(≥ frugalBelow + hysteresis)──────────────▶ normal
 *   normal | frugal ──(discharging, < shutdownBelow)──▶ critical
 *   critical ──(still so, confirmReadings in a row)───▶ shutdown   (the command runs, once)
 *   critical ──(not so any more)──────────────────────▶ frugal
 *   shutdown ──(≥ shutdownBelow + hysteresis)──────────▶ frugal     (re-armed)
 *
 * Hysteresis: a box that entered a state at 29.5 % does not leave it at 30.1 % because a
 * cloud passed; it leaves at 35 %. A box with no battery reading stays where it is (a
 * reader that fails once does not end frugal mode), except that a critical one without a
 * second reading below the floor is not shut down. Everything but `normal` is frugal.
 */
import type { Battery } from './sample.js';

export type PowerState = 'normal' | 'frugal' | 'critical' | 'shutdown';

export interface PowerPolicy {
  /** Below this charge (%), discharging: frugal (default 30). */
  readonly frugalBelowPct: number;
  /** Below this charge (%), discharging: shut the box down cleanly (default 10). */
  readonly shutdownBelowPct: number;
  /** Points above a threshold needed to leave the state it caused (default 5). */
  readonly hysteresisPct: number;
  /** Readings in a row below the floor before shutting down (default 2: one bad reading is not enough). */
  readonly confirmReadings: number;
}

export const DEFAULT_POWER_POLICY: PowerPolicy = { frugalBelowPct: 30, shutdownBelowPct: 10, hysteresisPct: 5, confirmReadings: 2 };

export interface PowerMachine {
  readonly state: PowerState;
  /** Readings in a row below the floor (critical). */
  readonly below: number;
}

export const INITIAL_POWER: PowerMachine = { state: 'normal', below: 0 };

export interface PowerStep {
  readonly next: PowerMachine;
  /** The shutdown command must run now (exactly on the step into `shutdown`). */
  readonly shutdown: boolean;
}

export function stepPower(m: PowerMachine, battery: Battery | null, p: PowerPolicy = DEFAULT_POWER_POLICY): PowerStep {
  const pct = battery?.capacityPct ?? null;
  const stay = { next: m, shutdown: false };
  if (pct === null) return m.state === 'critical' ? { next: { state: 'frugal', below: 0 }, shutdown: false } : stay;
  const discharging = battery?.status === 'discharging';
  const belowFloor = discharging && pct < p.shutdownBelowPct;
  const to = (state: PowerState, below = 0): PowerStep => ({ next: { state, below }, shutdown: false });

  switch (m.state) {
    case 'shutdown':
      if (pct < p.shutdownBelowPct + p.hysteresisPct) return stay;
      return stepPower({ state: 'frugal', below: 0 }, battery, p);
    case 'critical':
      if (!belowFloor) return stepPower({ state: 'frugal', below: 0 }, battery, p);
      if (m.below + 1 >= p.confirmReadings) return { next: { state: 'shutdown', below: 0 }, shutdown: true };
      return to('critical', m.below + 1);
    case 'normal':
    case 'frugal':
      if (belowFloor) return p.confirmReadings <= 1 ? { next: { state: 'shutdown', below: 0 }, shutdown: true } : to('critical', 1);
      if (m.state === 'normal') return discharging && pct < p.frugalBelowPct ? to('frugal') : stay;
      return pct >= p.frugalBelowPct + p.hysteresisPct ? to('normal') : stay;
  }
}
