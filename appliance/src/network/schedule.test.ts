import { describe, expect, it } from 'vitest';
import { RoundSchedule } from './schedule.js';

describe('RoundSchedule', () => {
  const every = (t: string) => (t === 'metered' ? 6 * 3600_000 : 60_000);

  it('syncs with every peer after a local change, otherwise with those whose interval has run out', () => {
    const s = new RoundSchedule();
    const peers = ['free', 'metered'];
    // First tick: everything is due (nothing was synced yet, and the log has rows).
    expect(s.due(peers, 10, 1_000_000, every)).toEqual(['free', 'metered']);
    // Nothing changed, a minute later: only the free link's interval ran out.
    expect(s.due(peers, 10, 1_030_000, every)).toEqual([]);
    expect(s.due(peers, 10, 1_060_000, every)).toEqual(['free']);
    // A local change: every peer at once, metered or not.
    expect(s.due(peers, 11, 1_065_000, every)).toEqual(['free', 'metered']);
    expect(s.due(peers, 11, 1_070_000, every)).toEqual([]);
    // Six hours without a change: both again.
    expect(s.due(peers, 11, 1_065_000 + 6 * 3600_000, every)).toEqual(['free', 'metered']);
  });
});
