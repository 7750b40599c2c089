/**
 * The reader's language for the dashboard: French unless they chose English, kept in the
 * same place as the workspace's choice; formatting through the workspace's helpers.
 */
import { createRoot, createSignal } from 'solid-js';
import * as F from '../i18n/index.js';
import type { Lang } from '../i18n/index.js';
import { storage } from '../app/storage.js';
import { fr, type MessageKey } from './fr.js';
import { en } from './en.js';

const KEY = 'solidaire.lang';
const CATALOGUES = { fr, en } as const;
export type Params = Readonly<Record<string, string | number>>;

const [lang, setLangSignal] = createRoot(() => createSignal<Lang>(storage.get(KEY) === 'en' ? 'en' : 'fr'));
export { lang };

export function setLang(next: Lang): void {
  storage.set(KEY, next);
  document.documentElement.lang = next;
  document.title = translateIn(next, 'app.title');
  setLangSignal(next);
}

export function translateIn(l: Lang, key: MessageKey, params?: Params): string {
  const text: string = CATALOGUES[l][key] ?? fr[key];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export function t(key: MessageKey, params?: Params): string {
  return translateIn(lang(), key, params);
}

export const fmt = {
  number: (n: number, digits = 0) => F.formatNumber(lang(), n, digits),
  percent: (pct: number) => F.formatPercent(lang(), pct),
  bytes: (n: number) => F.formatBytes(lang(), n),
  dateTime: (at: number) => F.formatDateTime(lang(), at),
  ago: (at: number, now = Date.now()) => F.formatRelative(lang(), at, now),
};
