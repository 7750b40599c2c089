/**
 * The frame of every page: a header with the site, the main links and the language, and
 * the page itself, or the login when nobody is logged in. Works from 360 px wide up.
 */
import { A, type RouteSectionProps } from '@solidjs/router';
import { Match, Switch, createEffect, type JSX } from 'solid-js';
import { LanguagePicker, SkipLink, focusMainOnNavigation } from '../common/index.js';
import { Login } from './Login.js';
import { Setup } from './Setup.js';
import { lang, setLang, t } from './locale.js';
import { loadSession, logOut, session, sessionInfo, site } from './session.js';
import { ErrorNote, Loading } from './ui.js';


export function Shell(props: RouteSectionProps): JSX.Element {
  focusMainOnNavigation();
  createEffect(() => {
    const name = site()?.siteName;
    document.title = name ? `${t('app.name')} — ${name}` : t('app.name');
  });
  return (
    <>
      <SkipLink label={t('app.skip')} />
      <header class="top">
        <A href="/" class="brand" end>
          {t('app.name')}
          <span class="site">{site()?.siteName ?? ''}</span>
        </A>
        <nav aria-label={t('app.menu')}>
          {sessionInfo() && (
            <>
              <A href="/" end>
                {t('app.home')}
              </A>
              <A href="/sync">{t('app.sync')}</A>
              {sessionInfo()?.account.boxAdmin && <A href="/admin">{t('admin.link')}</A>}
              <button type="button" class="link" onClick={() => void logOut()}>
                {t('app.logout')}
              </button>
            </>
          )}
          <LanguagePicker label={t('app.language')} lang={lang()} onPick={setLang} />
        </nav>
      </header>
      <main id="main" tabindex="-1">
        <Switch>
          <Match when={session().kind === 'loading'}>
            <Loading />
          </Match>
          <Match when={session().kind === 'unreachable'}>
            <ErrorNote error={new Error((session() as { message: string }).message)} onRetry={() => void loadSession()} />
          </Match>
          <Match when={session().kind === 'out' && site()?.setUp === false}>
            <Setup />
          </Match>
          <Match when={session().kind === 'out'}>
            <Login expired={(session() as { expired: boolean }).expired} />
          </Match>
          <Match when={session().kind === 'in'}>{props.children}</Match>
        </Switch>
      </main>
    </>
  );
}
