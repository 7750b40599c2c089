import { describe, expect, it } from 'vitest';
import { FakeClock } from '../clock/index.js';
import { SocketUsage } from './usage.js';

describe('SocketUsage', () => {
  it('records what each peer’s sockets counted since the last time, at most once a second unless asked', () => {
    const clock = new FakeClock(1_000_000);
    const recorded: Array<[string, number, number]> = [];
    const usage = new SocketUsage({ clock, record: (peer, i, o) => void recorded.push([peer, i, o]) });
    const counts = new Map([
      ['a', { bytesIn: 100, bytesOut: 10 }],
      ['b', { bytesIn: 5, bytesOut: 0 }],
    ]);
    usage.add(() => counts, false);
    expect(recorded).toEqual([
      ['a', 100, 10],
      ['b', 5, 0],
    ]);
    counts.set('a', { bytesIn: 150, bytesOut: 10 });
    usage.add(() => counts, false); // within the second: not yet
    expect(recorded).toHaveLength(2);
    usage.add(() => counts, true, 'b'); // at once, only b (unchanged: nothing)
    expect(recorded).toHaveLength(2);
    clock.advance(1_000);
    usage.add(() => counts, false);
    expect(recorded.at(-1)).toEqual(['a', 50, 0]);
    expect(recorded).toHaveLength(3);
  });
});
