import { describe, expect, it } from 'vitest';
import { csvDocument, defuse, frenchAmount, quote } from './csv.js';
import { isCalendarDate, isInstant } from './dates.js';

describe('csv', () => {
  it('writes cents with a decimal comma, by integer arithmetic', () => {
    expect(frenchAmount(0)).toBe('0,00');
    expect(frenchAmount(5)).toBe('0,05');
    expect(frenchAmount(-5)).toBe('-0,05');
    expect(frenchAmount(123456)).toBe('1234,56');
    expect(frenchAmount(100_000_000_000)).toBe('1000000000,00');
    expect(() => frenchAmount(1.5)).toThrow(RangeError);
  });

  it('quotes per RFC 4180 and defuses formulas in text, never in amounts', () => {
    expect(quote('a;b')).toBe('"a;b"');
    expect(quote('dit "oui"')).toBe('"dit ""oui"""');
    expect(quote('deux\nlignes')).toBe('"deux\nlignes"');
    expect(quote('simple')).toBe('simple');
    for (const s of ['=1', '+1', '-1', '@A1', '\tx']) expect(defuse(s)).toBe(`'${s}`);
    expect(defuse('a=1')).toBe('a=1');
    expect(csvDocument(['A', 'B'], [['-3', { cents: -300 }], [null, '=x;y']])).toBe("\uFEFFA;B\r\n'-3;-3,00\r\n;\"'=x;y\"\r\n");
  });
});

describe('dates', () => {
  it('takes only days that exist', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2000-02-29')).toBe(true);
    for (const s of ['2026-02-29', '1900-02-29', '2026-04-31', '2026-00-10', '2026-13-01', '2026-1-5', '0999-01-01', ' 2026-01-01']) expect(isCalendarDate(s), s).toBe(false);
  });

  it('takes date-times with an offset, every part in range', () => {
    for (const s of ['2026-12-05T14:00+01:00', '2026-12-05T14:00:00Z', '2026-12-05T14:00:00.123-05:30']) expect(isInstant(s), s).toBe(true);
    for (const s of ['2026-12-05T14:00:00', '2026-12-05T24:00:00Z', '2026-12-05T14:60Z', '2026-12-05T14:00+15:00', '2026-02-30T10:00Z']) expect(isInstant(s), s).toBe(false);
  });
});
