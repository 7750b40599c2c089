/**
 * One metric's history as a uPlot line (mean, with the min–max band faint), over the
 * period chosen on the site's page. Drawn on a canvas: uPlot sets its styles through the
 * DOM, so the relay's CSP (no inline style attribute in HTML) holds. A screen reader is
 * told the last reading and the period's lowest and highest instead.
 */
import { Show, createEffect, createResource, onCleanup, type JSX } from 'solid-js';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { relay } from './api.js';
import { localeTag } from '../i18n/index.js';
import { fmt, lang, t } from './locale.js';
import type { Point } from './types.js';
import { ErrorNote } from './ui.js';

export type Period = '24h' | '7d' | '30d';
export const PERIODS: readonly Period[] = ['24h', '7d', '30d'];

export function Chart(props: { site: string; metric: string; label: string; period: Period }): JSX.Element {
  const [points] = createResource(
    () => ({ site: props.site, metric: props.metric, period: props.period }),
    (k) => relay.series(k.site, k.metric, k.period),
  );
  let box: HTMLDivElement | undefined;
  let plot: uPlot | undefined;
  const width = () => Math.max(240, box?.clientWidth ?? 600);
  const onResize = () => plot?.setSize({ width: width(), height: 180 });
  window.addEventListener('resize', onResize);
  onCleanup(() => {
    window.removeEventListener('resize', onResize);
    plot?.destroy();
  });

  createEffect(() => {
    const data = points.latest;
    const tag = localeTag(lang());
    plot?.destroy();
    plot = undefined;
    if (!box || !data || data.length === 0) return;
    plot = new uPlot(options(props.label, tag, width(), props.period), toColumns(data), box);
  });

  // What the canvas shows, in words, for a screen reader.
  const summary = () => {
    const data = points.latest;
    const last = data?.[data.length - 1];
    if (!data || !last) return undefined;
    const min = data.reduce((m, p) => Math.min(m, p.min), Infinity);
    const max = data.reduce((m, p) => Math.max(m, p.max), -Infinity);
    return t('site.chartSummary', { last: fmt.number(last.mean, 1), when: fmt.ago(last.at), min: fmt.number(min, 1), max: fmt.number(max, 1) });
  };

  return (
    <figure class="chart">
      <figcaption>{props.label}</figcaption>
      <ErrorNote error={points.error} />
      <Show when={points.latest?.length === 0}>
        <p class="muted">{t('site.noData')}</p>
      </Show>
      <Show when={summary()}>{(text) => <p class="visually-hidden">{text()}</p>}</Show>
      <div ref={box} aria-hidden="true" />
    </figure>
  );
}

function toColumns(points: readonly Point[]): uPlot.AlignedData {
  return [points.map((p) => p.at / 1000), points.map((p) => p.mean), points.map((p) => p.min), points.map((p) => p.max)];
}

const SPAN_S: Readonly<Record<Period, number>> = { '24h': 24 * 3600, '7d': 7 * 24 * 3600, '30d': 30 * 24 * 3600 };

/** The whole period on the time axis (a new site has a few points at its right end), its ticks in the reader's language. */
function options(label: string, tag: string, width: number, period: Period): uPlot.Options {
  const point = new Intl.DateTimeFormat(tag, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
  const tick = new Intl.DateTimeFormat(tag, period === '24h' ? { hour: '2-digit', minute: '2-digit' } : { day: 'numeric', month: 'short' });
  const number = new Intl.NumberFormat(tag, { maximumFractionDigits: 1 });
  const now = Date.now() / 1000;
  return {
    width,
    height: 180,
    legend: { show: false },
    scales: { x: { time: true, range: () => [now - SPAN_S[period], now] } },
    series: [
      { value: (_u, v) => (v == null ? '' : point.format(new Date(v * 1000))) },
      { label, stroke: '#1f5f8b', width: 2, points: { size: 6 } },
      { label: 'min', stroke: '#9cc3dd', width: 1, points: { show: false } },
      { label: 'max', stroke: '#9cc3dd', width: 1, points: { show: false } },
    ],
    axes: [
      { values: (_u, splits) => splits.map((v) => tick.format(new Date(v * 1000))), space: 70 },
      { size: 64, values: (_u, splits) => splits.map((v) => number.format(v)) },
    ],
  };
}
