/**
 * The reader's language, French unless they chose English (kept in localStorage), and
 * the reactive t() and formatters every component uses.
 */
import { createRoot, createSignal } from 'solid-js';
import * as F from '../i18n/index.js';
import { translate, type Lang, type MessageKey, type Params } from '../i18n/index.js';
import { storage } from './storage.js';

const KEY = 'solidaire.lang';

const [lang, setLangSignal] = createRoot(() => createSignal<Lang>(storage.get(KEY) === 'en' ? 'en' : 'fr'));

export { lang };

export function setLang(next: Lang): void {
  storage.set(KEY, next);
  document.documentElement.lang = next;
  setLangSignal(next);
}

export function t(key: MessageKey, params?: Params): string {
  return translate(lang(), key, params);
}

/** t() of `one` or `other` as n asks, with {n} formatted. */
export function tn(n: number, one: MessageKey, other: MessageKey, params?: Params): string {
  return t(F.pluralOf(lang(), n) === 'one' ? one : other, { ...params, n: F.formatNumber(lang(), n) });
}

export const fmt = {
  number: (n: number) => F.formatNumber(lang(), n),
  percent: (pct: number) => F.formatPercent(lang(), pct),
  bytes: (n: number) => F.formatBytes(lang(), n),
  money: (cents: number) => F.formatMoney(lang(), cents),
  date: (at: number | string) => F.formatDate(lang(), at),
  dateTime: (at: number | string) => F.formatDateTime(lang(), at),
  ago: (at: number) => F.formatRelative(lang(), at, Date.now()),
};
