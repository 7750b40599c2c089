/**
 * Looking a key up in a catalogue and filling its {placeholders}. Pure: the reactive
 * locale lives in locale.ts, so this runs in Node tests too.
 */
import { fr, type MessageKey } from './fr.js';
import { en } from './en.js';

export type Lang = 'fr' | 'en';
export const LANGS: readonly Lang[] = ['fr', 'en'];
export type Catalogue = Readonly<Record<MessageKey, string>>;
export type Params = Readonly<Record<string, string | number>>;
export type Translate = (key: MessageKey, params?: Params) => string;

export const CATALOGUES: Readonly<Record<Lang, Catalogue>> = { fr, en };

export function isKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(fr, key);
}

export function translate(lang: Lang, key: MessageKey, params?: Params): string {
  const text = CATALOGUES[lang][key] ?? fr[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** The {placeholders} a message uses, for the test that both languages agree. */
export function placeholders(text: string): string[] {
  const found = text.match(/\{\w+\}/g) ?? [];
  return found.map((p) => p.slice(1, -1)).sort();
}
