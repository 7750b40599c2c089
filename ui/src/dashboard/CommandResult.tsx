/** A command's result in words: a line per sync session, the log's lines, the settings as names and values. */
import { For, Match, Show, Switch, type JSX } from 'solid-js';
import { fmt, t } from './locale.js';
import type { MessageKey } from './fr.js';
import type { ResultView } from './result.js';

const CONFIG_KEYS: readonly string[] = ['link', 'metered', 'budgetBytes', 'resetDay'];

function configValue(key: string, value: unknown): string {
  if (typeof value === 'boolean') return t(value ? 'result.yes' : 'result.no');
  if (typeof value === 'number') return key === 'budgetBytes' ? fmt.bytes(value) : fmt.number(value);
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function CommandResult(props: { view: ResultView }): JSX.Element {
  return (
    <Switch fallback={<pre class="result">{(props.view as { json: string }).json}</pre>}>
      <Match when={props.view.kind === 'failed' && props.view}>{(v) => <p class="result-error">{v().error}</p>}</Match>
      <Match when={props.view.kind === 'restart'}>
        <p>{t('result.restart')}</p>
      </Match>
      <Match when={props.view.kind === 'sync' && props.view}>
        {(v) => (
          <Show when={v().sessions.length > 0} fallback={<p>{t('result.syncNone')}</p>}>
            <ul class="result-lines">
              <For each={v().sessions}>
                {(s) => <li>{'error' in s ? t('result.syncFailed', { error: s.error }) : t('result.syncSession', { peer: s.peer, sent: fmt.number(s.sent), received: fmt.number(s.received) })}</li>}
              </For>
            </ul>
          </Show>
        )}
      </Match>
      <Match when={props.view.kind === 'logs' && props.view}>
        {(v) => (
          <Show when={v().lines.length > 0} fallback={<p>{t('result.logsNone')}</p>}>
            <p class="muted">{t('result.logsCount', { n: fmt.number(v().lines.length) })}</p>
            {/* Scrolls on its own; focusable so that the keyboard scrolls it too. */}
            <pre class="result logs" tabindex="0" role="region" aria-label={t('result.logs')}>
              {v().lines.join('\n')}
            </pre>
          </Show>
        )}
      </Match>
      <Match when={props.view.kind === 'config' && props.view}>
        {(v) => (
          <dl class="result-config">
            <For each={v().entries}>
              {([key, value]) => (
                <>
                  <dt>{CONFIG_KEYS.includes(key) ? t(`config.${key}` as MessageKey) : key}</dt>
                  <dd>{configValue(key, value)}</dd>
                </>
              )}
            </For>
          </dl>
        )}
      </Match>
    </Switch>
  );
}
