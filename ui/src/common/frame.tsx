/**
 * What both apps' frames share: a first link that skips the header to the page's content,
 * the focus put on that content after a move to another page (a screen reader then starts
 * there, not at the top of the header), and the choice of language.
 */
import { useLocation } from '@solidjs/router';
import { createEffect, For, on, type JSX } from 'solid-js';
import { LANGS, type Lang } from '../i18n/index.js';

/** Each language named in itself. */
const LANG_NAMES: Readonly<Record<Lang, string>> = { fr: 'Français', en: 'English' };

/** The language list of a frame's header; `label` names it for a screen reader. */
export function LanguagePicker(props: { label: string; lang: Lang; onPick: (l: Lang) => void }): JSX.Element {
  return (
    <label class="lang">
      <span class="visually-hidden">{props.label}</span>
      <select onChange={(e) => props.onPick(e.currentTarget.value as Lang)}>
        <For each={LANGS}>
          {(l) => (
            <option value={l} lang={l} selected={l === props.lang}>
              {LANG_NAMES[l]}
            </option>
          )}
        </For>
      </select>
    </label>
  );
}

/** The content's element: <main id="main" tabindex="-1">. */
const MAIN = 'main';

/** The router takes a link's click (it would only scroll): the focus is moved here. */
export function SkipLink(props: { label: string }): JSX.Element {
  return (
    <a class="skip" href={`#${MAIN}`} onClick={() => document.getElementById(MAIN)?.focus()}>
      {props.label}
    </a>
  );
}

/** Called once by a frame under the router. */
export function focusMainOnNavigation(): void {
  const location = useLocation();
  createEffect(
    on(
      () => location.pathname,
      () => document.getElementById(MAIN)?.focus(),
      { defer: true },
    ),
  );
}
