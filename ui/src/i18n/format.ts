/**
 * Dates, numbers and sizes for the reader's language, through Intl. Pure functions of
 * the language, so they are tested in Node. Intl.RelativeTimeFormat is newer than the
 * oldest browsers of the sites: without it, a plain date is shown.
 */
import type { Lang } from './translate.js';

const TAG: Readonly<Record<Lang, string>> = { fr: 'fr-FR', en: 'en-GB' };

export function localeTag(lang: Lang): string {
  return TAG[lang];
}

export function formatNumber(lang: Lang, n: number, digits = 0): string {
  return new Intl.NumberFormat(TAG[lang], { maximumFractionDigits: digits }).format(n);
}

/** Intl's plural category of n ("one" for 0 and 1 in French); "other" without Intl.PluralRules. */
export function pluralOf(lang: Lang, n: number): 'one' | 'other' {
  if (typeof Intl.PluralRules !== 'function') return n === 1 ? 'one' : 'other';
  return new Intl.PluralRules(TAG[lang]).select(n) === 'one' ? 'one' : 'other';
}

/** 34.4 → "34 %" in French, "34%" in English. */
export function formatPercent(lang: Lang, pct: number): string {
  return new Intl.NumberFormat(TAG[lang], { style: 'percent', maximumFractionDigits: 0 }).format(pct / 100);
}

/** Amounts are whole cents on the wire. */
export function formatMoney(lang: Lang, cents: number, currency = 'EUR'): string {
  return new Intl.NumberFormat(TAG[lang], { style: 'currency', currency }).format(cents / 100);
}

const UNITS: Readonly<Record<Lang, readonly string[]>> = {
  fr: ['o', 'Ko', 'Mo', 'Go', 'To'],
  en: ['B', 'KB', 'MB', 'GB', 'TB'],
};

/** 1536 → "1,5 Ko" / "1.5 KB" (powers of 1024, as the box counts its quotas). */
export function formatBytes(lang: Lang, bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < UNITS[lang].length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${formatNumber(lang, value, digits)} ${UNITS[lang][unit]}`;
}

export function formatDate(lang: Lang, at: number | string): string {
  return new Intl.DateTimeFormat(TAG[lang], { day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(at));
}

export function formatDateTime(lang: Lang, at: number | string): string {
  return new Intl.DateTimeFormat(TAG[lang], {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date(at));
}

const STEPS: ReadonlyArray<[Intl.RelativeTimeFormatUnit, number]> = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 30],
  ['month', 12],
  ['year', Infinity],
];

/** "il y a 3 h", "dans 2 j" / "3 hr. ago"; a date when the browser cannot say it. */
export function formatRelative(lang: Lang, at: number, now: number): string {
  if (typeof Intl.RelativeTimeFormat !== 'function') return formatDateTime(lang, at);
  let value = (at - now) / 1000;
  for (const [unit, size] of STEPS) {
    if (Math.abs(value) < size) {
      const rtf = new Intl.RelativeTimeFormat(TAG[lang], { numeric: 'auto', style: 'short' });
      return rtf.format(Math.round(value), unit);
    }
    value /= size;
  }
  return formatDateTime(lang, at);
}
