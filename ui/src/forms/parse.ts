/**
 * What people type in forms, turned into what the API wants: amounts in whole cents,
 * dates and times with the box user's time zone offset. Pure, so tested in Node.
 */

/** "20", "20,5", "1 234,56 €", "20.50" → cents; undefined when it is no amount. */
export function parseMoney(text: string): number | undefined {
  const cleaned = text.replace(/[\s\u00a0\u202f€]/g, '');
  if (!/^\d+([.,]\d{1,2})?$/.test(cleaned)) return undefined;
  const [whole = '0', frac = ''] = cleaned.split(/[.,]/);
  return Number(whole) * 100 + Number((frac + '00').slice(0, 2));
}

/** 1250 → "12,50" (or "12.50" in English), as it is typed back into a form. */
export function moneyText(cents: number, lang: string): string {
  const s = (cents / 100).toFixed(2);
  return lang === 'fr' ? s.replace('.', ',') : s;
}

/** "2026-12-05", "14:30" → "2026-12-05T14:30:00+01:00" in the zone of the computer used. */
export function localInstant(date: string, time: string, offsetMinutes?: number): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !/^\d{2}:\d{2}$/.test(time)) return undefined;
  const offset = offsetMinutes ?? -new Date(`${date}T${time}:00`).getTimezoneOffset();
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const pad = (n: number) => (n < 10 ? '0' : '') + n;
  return `${date}T${time}:00${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** Today as YYYY-MM-DD in the local zone (the default of a date field). */
export function today(now: Date = new Date()): string {
  const pad = (n: number) => (n < 10 ? '0' : '') + n;
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
