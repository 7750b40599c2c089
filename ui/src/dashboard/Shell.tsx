/** The frame of every page: a link to skip to the content, the main links, the language, and the page or the login. */
import { A, type RouteSectionProps } from '@solidjs/router';
import { Show, type JSX } from 'solid-js';
import { LanguagePicker, SkipLink, focusMainOnNavigation } from '../common/index.js';
import { setToken, token } from './api.js';
import { lang, setLang, t } from './locale.js';
import { Login } from './Login.js';


export function Shell(props: RouteSectionProps): JSX.Element {
  focusMainOnNavigation();
  return (
    <>
      <SkipLink label={t('app.skip')} />
      <header class="top">
        <A href="/" class="brand" end>
          Solidaire <span class="site">{t('app.name')}</span>
        </A>
        <nav aria-label={t('app.menu')}>
          <Show when={token()}>
            <A href="/" end>
              {t('nav.sites')}
            </A>
            <A href="/alerts">{t('nav.alerts')}</A>
            <A href="/releases">{t('nav.releases')}</A>
            <A href="/enroll">{t('nav.enroll')}</A>
            <button type="button" class="link" onClick={() => setToken(null)}>
              {t('app.logout')}
            </button>
          </Show>
          <LanguagePicker label={t('app.language')} lang={lang()} onPick={setLang} />
        </nav>
      </header>
      <main id="main" tabindex="-1">
        <Show when={token()} fallback={<Login />}>
          {props.children}
        </Show>
      </main>
    </>
  );
}
