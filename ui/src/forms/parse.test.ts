import { describe, expect, it } from 'vitest';
import { changedFields } from './changes.js';
import { localInstant, moneyText, parseMoney, today } from './parse.js';

describe('form values', () => {
  it('reads amounts the French and the English way, in cents', () => {
    expect(parseMoney('20')).toBe(2000);
    expect(parseMoney('20,5')).toBe(2050);
    expect(parseMoney('1 234,56 €')).toBe(123456);
    expect(parseMoney('20.05')).toBe(2005);
    expect(parseMoney('')).toBeUndefined();
    expect(parseMoney('-3')).toBeUndefined();
    expect(parseMoney('2,345')).toBeUndefined();
    expect(parseMoney('douze')).toBeUndefined();
  });

  it('writes an amount back as it is typed', () => {
    expect(moneyText(150050, 'fr')).toBe('1500,50');
    expect(moneyText(2000, 'en')).toBe('20.00');
    expect(parseMoney(moneyText(1999, 'fr'))).toBe(1999);
  });

  it('sends only the fields a correction changed', () => {
    expect(changedFields({ amountCents: 2000, method: 'espèces', paidOn: '2026-01-15' }, { amountCents: 2500, method: 'espèces', paidOn: '2026-01-15' })).toEqual({ amountCents: 2500 });
    expect(changedFields({ title: 'a' }, { title: 'a' })).toEqual({});
  });

  it('gives a date and time the zone offset the API wants', () => {
    expect(localInstant('2026-12-05', '14:30', 60)).toBe('2026-12-05T14:30:00+01:00');
    expect(localInstant('2026-12-05', '09:05', 0)).toBe('2026-12-05T09:05:00+00:00');
    expect(localInstant('2026-12-05', '09:05', -150)).toBe('2026-12-05T09:05:00-02:30');
    expect(localInstant('5/12/2026', '09:05', 0)).toBeUndefined();
  });

  it('says what day it is here', () => {
    expect(today(new Date(2026, 0, 7, 23, 59))).toBe('2026-01-07');
  });
});
