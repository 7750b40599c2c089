import { describe, expect, it } from 'vitest';
import { formatBytes, formatDate, formatDateTime, formatMoney, formatNumber, formatPercent, formatRelative } from './format.js';

// Intl puts narrow no-break spaces in French numbers: compare with plain spaces.
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');
const NOW = Date.UTC(2026, 11, 3, 12, 0, 0);

describe('formatting for the locale', () => {
  it('writes numbers and percentages the French and the English way', () => {
    expect(plain(formatNumber('fr', 12345.6, 1))).toBe('12 345,6');
    expect(formatNumber('en', 12345.6, 1)).toBe('12,345.6');
    expect(plain(formatPercent('fr', 34.4))).toBe('34 %');
    expect(formatPercent('en', 34.4)).toBe('34%');
  });

  it('writes sizes in octets in French, bytes in English', () => {
    expect(formatBytes('fr', 512)).toBe('512 o');
    expect(plain(formatBytes('fr', 1536))).toBe('1,5 Ko');
    expect(formatBytes('en', 1536)).toBe('1.5 KB');
    expect(plain(formatBytes('fr', 5 * 1024 ** 3))).toBe('5 Go');
    expect(plain(formatBytes('fr', 250 * 1024 ** 2))).toBe('250 Mo');
  });

  it('writes money from cents', () => {
    expect(plain(formatMoney('fr', 123456))).toBe('1 234,56 €');
    expect(formatMoney('en', 123456)).toBe('€1,234.56');
  });

  it('writes dates in the language', () => {
    expect(formatDate('fr', NOW)).toBe('3 décembre 2026');
    expect(formatDate('en', NOW)).toBe('3 December 2026');
    expect(formatDateTime('fr', NOW)).toMatch(/^3 déc\. 2026/);
  });

  it('says how long ago, as the sync sentence needs it', () => {
    expect(plain(formatRelative('fr', NOW - 3 * 3600_000, NOW))).toBe('il y a 3 h');
    expect(formatRelative('en', NOW - 3 * 3600_000, NOW)).toBe('3 hr ago');
    expect(plain(formatRelative('fr', NOW - 2 * 86_400_000, NOW))).toBe('avant-hier');
    expect(plain(formatRelative('fr', NOW - 5 * 60_000, NOW))).toBe('il y a 5 min');
  });
});
