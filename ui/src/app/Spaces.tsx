/** The space picker: the associations the user belongs to, and the commons. */
import { A } from '@solidjs/router';
import { For, Show, type JSX } from 'solid-js';
import type { MessageKey } from '../i18n/index.js';
import { t } from './locale.js';
import { sessionInfo } from './session.js';

export function roleName(role: string | null): string {
  const key = `spaces.role.${role ?? 'none'}`;
  return t((['spaces.role.admin', 'spaces.role.member', 'spaces.role.guest'].indexOf(key) >= 0 ? key : 'spaces.role.none') as MessageKey);
}

export function Spaces(): JSX.Element {
  const spaces = () => sessionInfo()?.spaces ?? [];
  return (
    <section aria-labelledby="spaces-title">
      <h1 id="spaces-title">{t('spaces.title')}</h1>
      <p>{t('spaces.intro')}</p>
      <Show when={spaces().length > 0} fallback={<p class="note">{t('spaces.none')}</p>}>
        <ul class="cards">
          <For each={spaces()}>
            {(s) => (
              <li class="card">
                <A href={`/s/${encodeURIComponent(s.id)}/${s.kind === 'commons' ? 'articles' : 'documents'}`}>
                  <strong>{s.name}</strong>
                </A>
                <p class="muted">
                  {s.kind === 'commons' ? t('spaces.commons') : `${t('spaces.association')} · ${roleName(s.role)}`}
                </p>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </section>
  );
}
