/** A space's frame: its name, the user's role, and its tabs (documents, messages, files…). */
import { A, useParams, type RouteSectionProps } from '@solidjs/router';
import { Show, type JSX } from 'solid-js';
import type { SpaceRef } from '../api/index.js';
import { t } from './locale.js';
import { sessionInfo } from './session.js';
import { roleName } from './Spaces.js';

/** The space of the current route, if the user may see it. */
export function useSpace(): () => SpaceRef | undefined {
  const params = useParams<{ space: string }>();
  return () => sessionInfo()?.spaces.find((s) => s.id === params.space);
}

/** "/s/<space>/<rest>", with the space id encoded. */
export function spacePath(space: string, rest: string): string {
  return `/s/${encodeURIComponent(space)}/${rest}`;
}

export function SpaceFrame(props: RouteSectionProps): JSX.Element {
  const space = useSpace();
  return (
    <Show when={space()} fallback={<p class="note">{t('app.notFound')}</p>}>
      {(s) => (
        <>
          <div class="space-head">
            <p class="space-name">
              <strong>{s().name}</strong>
              <Show when={s().role}>
                <span class="muted"> · {roleName(s().role)}</span>
              </Show>
            </p>
            <nav class="tabs" aria-label={s().name}>
              <Show when={s().kind === 'commons'}>
                <A href={spacePath(s().id, 'articles')}>{t('nav.articles')}</A>
                <A href={spacePath(s().id, 'library')}>{t('nav.library')}</A>
              </Show>
              <A href={spacePath(s().id, 'documents')}>{t('nav.documents')}</A>
              <A href={spacePath(s().id, 'messages')}>{t('nav.messages')}</A>
              <A href={spacePath(s().id, 'files')}>{t('nav.files')}</A>
              <Show when={s().kind !== 'commons'}>
                <A href={spacePath(s().id, 'agenda')}>{t('nav.agenda')}</A>
                <Show when={s().role === 'admin' || s().role === 'member'}>
                  <A href={spacePath(s().id, 'members')}>{t('nav.members')}</A>
                </Show>
                <Show when={s().role === 'admin'}>
                  <A href={spacePath(s().id, 'dues')}>{t('nav.dues')}</A>
                  <A href={spacePath(s().id, 'ledger')}>{t('nav.ledger')}</A>
                </Show>
              </Show>
            </nav>
          </div>
          <Show when={!s().canWrite}>
            <p class="note">{t('app.readOnly')}</p>
          </Show>
          {props.children}
        </>
      )}
    </Show>
  );
}
