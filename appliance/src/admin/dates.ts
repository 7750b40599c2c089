/**
 * Calendar dates and instants as the admin room accepts them: "2026-02-29" is refused
 * (2026 is not a leap year), "2026-12-05T14:00:00+01:00" is an instant.
 */
import { z } from '@hono/zod-openapi';

const DATE = /^([1-9]\d{3})-(\d{2})-(\d{2})$/;
// An agenda time always carries its offset (Z or ±hh:mm), so that events written at
// Givors (UTC+1/+2) and at Nioro (UTC+0) sort in real order.
const DATETIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(Z|[+-](\d{2}):(\d{2}))$/;

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Whether `s` is YYYY-MM-DD and a day that exists. */
export function isCalendarDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month);
}

/** Whether `s` is an ISO 8601 date-time with an offset, every part in range. */
export function isInstant(s: string): boolean {
  const m = DATETIME.exec(s);
  if (!m || !isCalendarDate(m[1]!)) return false;
  const [hh, mm, ss, oh, om] = [m[2], m[3], m[4] ?? '0', m[6] ?? '0', m[7] ?? '0'].map(Number) as [number, number, number, number, number];
  return hh <= 23 && mm <= 59 && ss <= 59 && oh <= 14 && om <= 59;
}

/** Milliseconds since the epoch of a checked instant. */
export const instantOf = (s: string): number => Date.parse(s);

/** "2026-03-18" → "18/03/2026", the form French spreadsheets read as a date. */
export const frenchDate = (iso: string): string => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

export const dateSchema = z
  .string()
  .max(10)
  .refine(isCalendarDate, 'date invalide (attendu AAAA-MM-JJ, un jour qui existe)')
  .openapi({ example: '2026-03-18', format: 'date' });

export const instantSchema = z
  .string()
  .max(40)
  .refine(isInstant, 'date et heure invalides (attendu AAAA-MM-JJTHH:MM avec le fuseau, par exemple 2026-12-05T14:00:00+01:00)')
  .openapi({ example: '2026-12-05T14:00:00+01:00', format: 'date-time' });

/**
 * Order of two calendar dates (YYYY-MM-DD): their characters' order is the calendar's, so
 * no collation is needed (localeCompare would load ICU's collation tables for nothing).
 */
export function compareDates(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
