/**
 * The releases the relay offers, newest first (the first is the one every box fetches):
 * version, size, when published, and which sites run it.
 */
import { For, Show, type JSX } from 'solid-js';
import { polled } from '../common/index.js';
import { relay } from './api.js';
import { fmt, t } from './locale.js';
import { ErrorNote, Loading } from './ui.js';

export function Releases(): JSX.Element {
  const [data, reload] = polled(async () => {
    const [releases, sites] = await Promise.all([relay.releases(), relay.sites()]);
    return { releases, sites };
  });
  const runningAt = (version: string) => (data.latest?.sites ?? []).filter((s) => s.version === version && s.revokedAt === null).map((s) => s.name);
  return (
    <section aria-labelledby="releases-title">
      <h1 id="releases-title">{t('releases.title')}</h1>
      <p>{t('releases.help')}</p>
      <ErrorNote error={data.error} onRetry={reload} />
      <Show when={data.latest} fallback={<Show when={!data.error}><Loading /></Show>}>
        {(d) => (
          <Show when={d().releases.length > 0} fallback={<p class="muted">{t('releases.none')}</p>}>
            <table class="fleet releases">
              <thead>
                <tr>
                  <th scope="col">{t('releases.version')}</th>
                  <th scope="col">{t('releases.size')}</th>
                  <th scope="col">{t('releases.published')}</th>
                  <th scope="col">{t('releases.running')}</th>
                </tr>
              </thead>
              <tbody>
                <For each={d().releases}>
                  {(r, i) => (
                    <tr data-release={r.version}>
                      <th scope="row">
                        {r.version}
                        <Show when={i() === 0}>
                          <span class="muted">{t('releases.offered')}</span>
                        </Show>
                      </th>
                      <td data-label={t('releases.size')}>{fmt.bytes(r.size)}</td>
                      <td data-label={t('releases.published')}>
                        <time datetime={new Date(r.publishedAt).toISOString()}>{fmt.dateTime(r.publishedAt)}</time>
                      </td>
                      <td data-label={t('releases.running')}>{runningAt(r.version).join(', ') || t('releases.nobody')}</td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </Show>
        )}
      </Show>
    </section>
  );
}
