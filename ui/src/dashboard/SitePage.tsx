/**
 * One site: its state, its history over 24 h, 7 days or 30 days, its updates, its alerts, its
 * commands (send one, then watch it go from waiting to done with its result) while it is
 * enrolled, and what is done to the site itself (a new enrollment file, revocation).
 */
import { A, useParams } from '@solidjs/router';
import { For, Show, createSignal, type JSX } from 'solid-js';
import { relay } from './api.js';
import { Chart, PERIODS, type Period } from './Chart.js';
import { Commands } from './Commands.js';
import { Manage } from './Manage.js';
import { SiteUpdate } from './SiteUpdate.js';
import { AlertList } from './Alerts.js';
import { fmt, t } from './locale.js';
import { polled } from '../common/index.js';
import { statusOf } from './status.js';
import { ErrorNote, Loading, StatusBadge } from './ui.js';
import type { MessageKey } from './fr.js';

const CHARTS = ['batteryPct', 'tempC', 'diskFreeMiB', 'load1'] as const;

export function SitePage(): JSX.Element {
  const params = useParams<{ id: string }>();
  const [data, reload] = polled(async () => {
    const [site, alerts, health] = await Promise.all([relay.site(params.id), relay.siteAlerts(params.id), relay.health(params.id)]);
    return { site, alerts, health, at: Date.now() };
  });
  const [period, setPeriod] = createSignal<Period>('24h');
  return (
    <section aria-labelledby="site-title">
      <p>
        <A href="/">← {t('app.back')}</A>
      </p>
      <ErrorNote error={data.error} onRetry={reload} />
      <Show when={data.latest} fallback={<Show when={!data.error}><Loading /></Show>}>
        {(d) => (
          <>
            <h1 id="site-title">{d().site.name}</h1>
            <p class="site-state">
              {/* Told to a screen reader when it changes; the time since, which changes at every refresh, is not. */}
              <span role="status" data-live="site">
                <StatusBadge status={statusOf(d().site, d().alerts)} />
              </span>
              <Show when={d().site.lastSeen}>{(at) => <span class="muted"> {fmt.ago(at(), d().at)}</span>}</Show>
              <Show when={d().site.version}>{(v) => <span class="muted"> · {t('site.version', { version: v() })}</span>}</Show>
            </p>
            <Show when={CHARTS.some((m) => d().health.metrics.includes(m))}>
              <h2>{t('site.charts')}</h2>
              <div class="periods" role="group" aria-label={t('site.charts')}>
                <For each={PERIODS}>
                  {(p) => (
                    <button type="button" aria-pressed={period() === p} classList={{ primary: period() === p }} onClick={() => setPeriod(p)}>
                      {t(`site.period.${p}`)}
                    </button>
                  )}
                </For>
              </div>
              <div class="charts">
                <For each={CHARTS.filter((m) => d().health.metrics.includes(m))}>
                  {(m) => <Chart site={params.id} metric={m} label={t(`metric.${m}` as MessageKey)} period={period()} />}
                </For>
              </div>
            </Show>
            <SiteUpdate site={d().site} />
            {/* The relay takes commands only for an enrolled site that is not revoked. */}
            <Show when={d().site.enrolledAt !== null && d().site.revokedAt === null}>
              <Commands site={params.id} name={d().site.name} />
            </Show>
            <h2>{t('site.alerts')}</h2>
            <AlertList alerts={d().alerts} />
            <Manage site={d().site} onChange={reload} />
          </>
        )}
      </Show>
    </section>
  );
}
