/** Send a command to a site and follow it: waiting until the site takes it, then done or failed, with its result. */
import { For, Show, createSignal, type JSX } from 'solid-js';
import { relay } from './api.js';
import { fmt, t } from './locale.js';
import { polled } from '../common/index.js';
import { ACTIONS, type CommandAction } from './types.js';
import { readResult } from './result.js';
import { CommandResult } from './CommandResult.js';
import { ErrorNote, Field } from './ui.js';

const FAST_MS = 1_500;
/** What the box takes (appliance/src/relay-link/commands.ts): a link's plan. */
const CONFIG_EXAMPLE = '{"link": {"name": "3g", "metered": true, "budgetBytes": 500000000, "resetDay": 1}}';

const actionName = (action: string) => (ACTIONS.includes(action as CommandAction) ? t(`cmd.${action as CommandAction}`) : action);

export function Commands(props: { site: string; name: string }): JSX.Element {
  const [list, reload] = polled(() => relay.commands(props.site), FAST_MS);
  const latest = () => list.latest?.[0];
  const [action, setAction] = createSignal<CommandAction>('sync-now');
  const [config, setConfig] = createSignal(CONFIG_EXAMPLE);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>();

  async function send(e: Event): Promise<void> {
    e.preventDefault();
    setError(undefined);
    let args: Record<string, unknown> = {};
    if (action() === 'set-config') {
      try {
        const parsed: unknown = JSON.parse(config());
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error();
        args = parsed as Record<string, unknown>;
      } catch {
        setError(new Error(t('site.configInvalid', { example: CONFIG_EXAMPLE })));
        return;
      }
    }
    // A restart cuts the site's work: asked once more, in words.
    if (action() === 'restart' && !window.confirm(t('site.confirmRestart', { name: props.name }))) return;
    setBusy(true);
    try {
      await relay.send(props.site, action(), args);
      reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <h2>{t('site.commands')}</h2>
      <form class="command card" onSubmit={(e) => void send(e)}>
        <Field label={t('site.action')}>
          {(id) => (
            <select id={id} name="action" onChange={(e) => setAction(e.currentTarget.value as CommandAction)}>
              <For each={ACTIONS}>{(a) => <option value={a} selected={a === action()}>{t(`cmd.${a}`)}</option>}</For>
            </select>
          )}
        </Field>
        <Show when={action() === 'set-config'}>
          <Field label={t('site.config')}>
            {(id) => <textarea id={id} name="config" rows="3" value={config()} onInput={(e) => setConfig(e.currentTarget.value)} />}
          </Field>
        </Show>
        <ErrorNote error={error()} />
        <button type="submit" class="primary" disabled={busy()}>
          {t('site.send')}
        </button>
      </form>
      <ErrorNote error={list.error} onRetry={reload} />
      {/* The list is drawn anew at each refresh: a screen reader is told the newest command's state when it changes. */}
      <p class="visually-hidden" role="status" data-live="command">
        {latest() ? t('cmd.live', { action: actionName(latest()!.action), state: t(`cmd.state.${latest()!.state}`) }) : ''}
      </p>
      <ul class="commands">
        <For each={list.latest ?? []}>
          {(c) => (
            <li data-command={c.id} data-state={c.state}>
              <strong>{actionName(c.action)}</strong>{' '}
              <span class={`state state-${c.state}`}>{t(`cmd.state.${c.state}`)}</span>{' '}
              <span class="muted">{t('cmd.sent', { when: fmt.ago(c.createdAt) })}</span>
              <Show when={c.state === 'queued'}>
                <p class="muted">{t('site.queuedNote')}</p>
              </Show>
              <Show when={readResult(c)}>
                {(view) => (
                  <details open={c.state === 'failed'}>
                    <summary>{t('cmd.result')}</summary>
                    <CommandResult view={view()} />
                  </details>
                )}
              </Show>
            </li>
          )}
        </For>
      </ul>
    </>
  );
}
