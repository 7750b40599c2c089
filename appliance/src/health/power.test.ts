import { describe, expect, it } from 'vitest';
import { INITIAL_POWER, stepPower, type PowerMachine, type PowerState } from './power.js';
import type { Battery } from './sample.js';

const bat = (capacityPct: number | null, status: Battery['status'] = 'discharging'): Battery => ({
  source: 'power_supply',
  name: 'BAT0',
  type: 'Battery',
  capacityPct,
  status,
  voltageV: null,
  currentA: null,
});

/** Feed readings; the states passed through and how many times the shutdown ran. */
function feed(readings: Array<Battery | null>, from: PowerMachine = INITIAL_POWER): { states: PowerState[]; shutdowns: number } {
  let m = from;
  const states: PowerState[] = [];
  let shutdowns = 0;
  for (const r of readings) {
    const step = stepPower(m, r);
    m = step.next;
    states.push(m.state);
    if (step.shutdown) shutdowns++;
  }
  return { states, shutdowns };
}

describe('battery states', () => {
  it('becomes frugal below 30 % while discharging, not while charging', () => {
    expect(feed([bat(31), bat(29)]).states).toEqual(['normal', 'frugal']);
    expect(feed([bat(29, 'charging'), bat(20, 'full'), bat(25, 'unknown')]).states).toEqual(['normal', 'normal', 'normal']);
  });

  it('leaves frugal mode only 5 points above the threshold: no flapping around 30 %', () => {
    const { states } = feed([bat(29), bat(30.5), bat(29.5), bat(31, 'charging'), bat(34), bat(35)]);
    expect(states).toEqual(['frugal', 'frugal', 'frugal', 'frugal', 'frugal', 'normal']);
  });

  it('a reading missing (the reader failed once) changes nothing', () => {
    expect(feed([bat(25), null, bat(null)]).states).toEqual(['frugal', 'frugal', 'frugal']);
    expect(feed([null, bat(null)]).states).toEqual(['normal', 'normal']);
  });

  it('shuts down below 10 % after two readings in a row, once, and re-arms only above 15 %', () => {
    const { states, shutdowns } = feed([bat(12), bat(9), bat(8), bat(7), bat(6), bat(11, 'charging'), bat(14), bat(9), bat(15), bat(16), bat(9), bat(8)]);
    expect(states).toEqual([
      'frugal', // 12
      'critical', // 9: one reading
      'shutdown', // 8: confirmed, the command runs
      'shutdown', // 7
      'shutdown', // 6: not again
      'shutdown', // 11 charging: still under 15
      'shutdown', // 14
      'shutdown', // 9
      'frugal', // 15: re-armed
      'frugal', // 16
      'critical', // 9
      'shutdown', // 8: and once more
    ]);
    expect(shutdowns).toBe(2);
  });

  it('one reading below the floor followed by a better one does not shut down', () => {
    const { states, shutdowns } = feed([bat(9), bat(12), bat(9), null, bat(9)]);
    expect(states).toEqual(['critical', 'frugal', 'critical', 'frugal', 'critical']);
    expect(shutdowns).toBe(0);
  });

  it('below the floor while charging is not a reason to shut down', () => {
    expect(feed([bat(5, 'charging'), bat(5, 'charging')]).shutdowns).toBe(0);
  });
});
