import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../db/index.js';
import { FakeClock } from '../clock/index.js';
import { LinkPolicy } from './index.js';

const dbs: Db[] = [];
afterEach(() => dbs.splice(0).forEach((d) => d.close()));

function policy(clock = new FakeClock(Date.UTC(2026, 10, 22))) {
  const db = openDatabase({ path: ':memory:' });
  dbs.push(db);
  return { clock, p: new LinkPolicy({ db, clock }) };
}

describe('link policy', () => {
  it('lets everything cross a link that is not metered', () => {
    const { p } = policy();
    p.record('lan', 10 ** 9, 10 ** 9);
    expect(p.allowedKinds('lan')).toEqual(['message.post', 'record.put', 'doc.update']);
    expect(p.allows('lan', 'bulk')).toBe(true);
  });

  it('closes classes one by one as the month’s budget is used, messages last of all', () => {
    const { p } = policy();
    p.configure({ link: 'relay', metered: true, budgetBytes: 1_000_000, resetDay: 1 });
    expect(p.allows('relay', 'bulk')).toBe(true);
    p.record('relay', 300_000, 250_000); // 55 %
    expect(p.allows('relay', 'bulk')).toBe(false);
    expect(p.allows('relay', 'blobs')).toBe(true);
    p.record('relay', 200_000, 0); // 75 %
    expect(p.allows('relay', 'blobs')).toBe(false);
    expect(p.allowedKinds('relay')).toEqual(['message.post', 'record.put', 'doc.update']);
    p.record('relay', 200_000, 0); // 95 %
    expect(p.allowedKinds('relay')).toEqual(['message.post', 'record.put']);
    p.record('relay', 0, 60_000); // 101 %
    expect(p.allowedKinds('relay')).toEqual(['message.post']);
    expect(p.allows('relay', 'control')).toBe(true);
    expect(p.usage('relay')).toMatchObject({ bytesIn: 700_000, bytesOut: 310_000, month: '2026-11' });
    expect(Math.round(p.usage('relay').usedPct)).toBe(101);
  });

  it('starts a new month on the reset day', () => {
    const { p, clock } = policy(new FakeClock(Date.UTC(2026, 10, 14)));
    p.configure({ link: 'relay', metered: true, budgetBytes: 1000, resetDay: 15 });
    p.record('relay', 2000, 0);
    expect(p.usage('relay').month).toBe('2026-10');
    expect(p.allowedKinds('relay')).toEqual(['message.post']);
    clock.advance(24 * 3600_000);
    expect(p.usage('relay')).toMatchObject({ month: '2026-11', bytesIn: 0 });
    expect(p.allows('relay', 'bulk')).toBe(true);
  });

  it('refuses nonsense settings', () => {
    const { p } = policy();
    expect(() => p.configure({ link: 'relay', metered: true, budgetBytes: -1, resetDay: 1 })).toThrow(RangeError);
    expect(() => p.configure({ link: 'relay', metered: true, budgetBytes: 10, resetDay: 31 })).toThrow(RangeError);
  });
});
