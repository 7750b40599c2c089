/**
 * What both apps' frames do for a keyboard and a screen reader: a first link that skips
 * the header to the page's content, and the focus put on that content after a move to
 * another page (a screen reader then starts there, not at the top of the header).
 */
import { useLocation } from '@solidjs/router';
import { createEffect, on, type JSX } from 'solid-js';

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
