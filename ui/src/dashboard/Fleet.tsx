/**
 * Every site at a glance: its state (colour and word), battery, temperature, disk, and
 * when it was last heard from ("il y a 3 min"), and a word when its last update went wrong.
 * A table on a PC, cards on a phone (CSS).
 */
import { A } from '@solidjs/router';
import { For, Show, type JSX } from 'solid-js';
import { relay } from './api.js';
import { fmt, t } from './locale.js';
import { polled } from '../common/index.js';
import { diskUsedPct, fleetSummary, statusOf } from './status.js';
import { UpdateTrouble } from './SiteUpdate.js';
import type { Alert, HealthLatest, Site } from './types.js';
import { ErrorNote, Loading, StatusBadge } from './ui.js';

interface Row {
  site: Site;
  health: HealthLatest | undefined;
}

async function loadFleet(): Promise<{ rows: Row[]; alerts: Alert[]; at: number }> {
  const [sites, alerts] = await Promise.all([relay.sites(), relay.alerts(true)]);
  const rows = await Promise.all(
    sites.map(async (site) => ({ site, health: site.enrolledAt === null ? undefined : await relay.health(site.id).catch(() => undefined) })),
  );
  return { rows, alerts, at: Date.now() };
}

/** « Silencieux : Youri. En ligne : Grigny, Koupéla » */
const summary = (rows: Row[], alerts: Alert[]) =>
  fleetSummary(rows.map((r) => r.site), alerts)
    .map(([status, names]) => t('sites.summary', { status: t(`status.${status}`), names: names.join(', ') }))
    .join('. ');

export function Fleet(): JSX.Element {
  const [fleet, reload] = polled(loadFleet);
  const value = (row: Row, name: string) => row.health?.latest?.values[name];
  const unknown = () => t('sites.unknown');
  return (
    <section aria-labelledby="fleet-title">
      <h1 id="fleet-title">{t('sites.title')}</h1>
      <ErrorNote error={fleet.error} onRetry={reload} />
      <Show when={fleet.latest} fallback={<Show when={!fleet.error}><Loading /></Show>}>
        {(f) => (
          <>
            {/* The rows are drawn anew at each refresh: a screen reader is told only when a state changes. */}
            <p class="visually-hidden" role="status" data-live="fleet">
              {summary(f().rows, f().alerts)}
            </p>
            <Show when={f().rows.length > 0} fallback={<p class="muted">{t('app.empty')}</p>}>
              <table class="fleet">
                <thead>
                  <tr>
                    <th scope="col">{t('sites.name')}</th>
                    <th scope="col">{t('sites.status')}</th>
                    <th scope="col">{t('sites.battery')}</th>
                    <th scope="col">{t('sites.temperature')}</th>
                    <th scope="col">{t('sites.disk')}</th>
                    <th scope="col">{t('sites.lastSeen')}</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={f().rows}>
                    {(row) => {
                      const battery = () => value(row, 'batteryPct');
                      const temp = () => value(row, 'tempC');
                      const disk = () => (row.health?.latest ? diskUsedPct(row.health.latest.values) : undefined);
                      return (
                        <tr data-site={row.site.name}>
                          <th scope="row">
                            <A href={`/sites/${encodeURIComponent(row.site.id)}`}>{row.site.name}</A>
                          </th>
                          <td data-label={t('sites.status')}>
                            <StatusBadge status={statusOf(row.site, f().alerts)} /> <UpdateTrouble site={row.site} />
                          </td>
                          <td data-label={t('sites.battery')}>{battery() === undefined ? unknown() : fmt.percent(battery()!)}</td>
                          <td data-label={t('sites.temperature')}>{temp() === undefined ? unknown() : t('sites.degrees', { n: fmt.number(temp()!, 1) })}</td>
                          <td data-label={t('sites.disk')}>{disk() === undefined ? unknown() : t('sites.diskUsed', { pct: fmt.percent(disk()!) })}</td>
                          <td data-label={t('sites.lastSeen')}>
                            {row.site.lastSeen === null ? t('sites.never') : <time datetime={new Date(row.site.lastSeen).toISOString()}>{fmt.ago(row.site.lastSeen, f().at)}</time>}
                          </td>
                        </tr>
                      );
                    }}
                  </For>
                </tbody>
              </table>
            </Show>
          </>
        )}
      </Show>
    </section>
  );
}
