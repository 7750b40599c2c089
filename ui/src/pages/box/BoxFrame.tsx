/** The box admin's pages (accounts, associations, network, USB stick, updates); others see nothing. */
import { A, type RouteSectionProps } from '@solidjs/router';
import { Show, type JSX } from 'solid-js';
import { t, sessionInfo } from '../../app/index.js';

export function BoxFrame(props: RouteSectionProps): JSX.Element {
  return (
    <Show when={sessionInfo()?.account.boxAdmin} fallback={<p class="note">{t('error.forbidden')}</p>}>
      <div class="space-head">
        <p class="space-name">
          <strong>{t('admin.title')}</strong>
        </p>
        <nav class="tabs" aria-label={t('admin.nav')}>
          <A href="/admin/accounts">{t('admin.accounts')}</A>
          <A href="/admin/spaces">{t('admin.spaces')}</A>
          <A href="/admin/network">{t('admin.network')}</A>
          <A href="/admin/usb">{t('admin.usb')}</A>
          <A href="/admin/updates">{t('admin.updates')}</A>
        </nav>
      </div>
      {props.children}
    </Show>
  );
}
