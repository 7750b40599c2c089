/** Alerts raised and cleared, newest first: the whole fleet's page, and the list a site's page shows. */
import { For, Show, type JSX } from 'solid-js';
import { relay } from './api.js';
import { fmt, t } from './locale.js';
import { polled } from '../common/index.js';
import type { Alert } from './types.js';
import { ErrorNote, Loading } from './ui.js';

export function AlertList(props: { alerts: readonly Alert[]; names?: ReadonlyMap<string, string> }): JSX.Element {
  return (
    <Show when={props.alerts.length > 0} fallback={<p class="muted">{t('alerts.none')}</p>}>
      <ul class="alerts">
        <For each={props.alerts}>
          {(a) => (
            <li classList={{ active: a.clearedAt === null }}>
              <Show when={props.names}>
                <strong>{props.names?.get(a.site) ?? a.site}</strong> ·{' '}
              </Show>
              <Show when={a.clearedAt === null}>
                <span class="status status-alert">
                  <span class="dot" aria-hidden="true" />
                  {t('alerts.active')}
                </span>{' '}
              </Show>
              {a.message}{' '}
              <span class="muted">{a.clearedAt === null ? t('alerts.raised', { when: fmt.ago(a.raisedAt) }) : t('alerts.cleared', { when: fmt.ago(a.clearedAt) })}</span>
            </li>
          )}
        </For>
      </ul>
    </Show>
  );
}

export function AlertsPage(): JSX.Element {
  const [data, reload] = polled(async () => {
    const [alerts, sites] = await Promise.all([relay.alerts(), relay.sites()]);
    return { alerts, names: new Map(sites.map((s) => [s.id, s.name])) };
  });
  return (
    <section aria-labelledby="alerts-title">
      <h1 id="alerts-title">{t('alerts.title')}</h1>
      <ErrorNote error={data.error} onRetry={reload} />
      <Show when={data.latest} fallback={<Show when={!data.error}><Loading /></Show>}>
        {(d) => <AlertList alerts={d().alerts} names={d().names} />}
      </Show>
    </section>
  );
}
