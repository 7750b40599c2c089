/** The box's links and their monthly plans: which are paid, and how much a month. */
import { For, Show, createResource, createSignal, type JSX } from 'solid-js';
import type { SyncLink, SyncStatus } from '../../api/index.js';
import { createAction, t, api, ErrorNote, Field, Info, Loading } from '../../app/index.js';
import { linkName, linkSentence } from '../sync/index.js';

const MB = 1024 * 1024;

interface LinkSettings extends SyncLink {
  resetDay?: number;
}

export function Network(): JSX.Element {
  const [status, { refetch }] = createResource(() => api.get<SyncStatus & { links: LinkSettings[] }>('/sync/status'));
  return (
    <section aria-labelledby="network-title">
      <h1 id="network-title">{t('admin.network')}</h1>
      <p>{t('network.help')}</p>
      <ErrorNote error={status.error} onRetry={() => void refetch()} />
      <Show when={status()} fallback={<Loading />}>
        {(s) => <For each={s().links}>{(l) => <LinkForm link={l} onSaved={() => void refetch()} />}</For>}
      </Show>
    </section>
  );
}

function LinkForm(props: { link: LinkSettings; onSaved: () => void }): JSX.Element {
  const [metered, setMetered] = createSignal(props.link.metered);
  const [budgetMb, setBudgetMb] = createSignal(String(Math.round(props.link.budgetBytes / MB)));
  const [resetDay, setResetDay] = createSignal(String(props.link.resetDay ?? 1));
  const [saved, setSaved] = createSignal(false);
  const save = createAction(async () => {
    setSaved(false);
    await api.send('PUT', `/sync/links/${encodeURIComponent(props.link.link)}`, {
      metered: metered(),
      budgetBytes: Math.max(0, Math.round(Number(budgetMb()) * MB)),
      resetDay: Math.min(28, Math.max(1, Math.round(Number(resetDay())))),
    });
    setSaved(true);
    props.onSaved();
  });
  return (
    <form
      class="card"
      onSubmit={(e) => {
        e.preventDefault();
        void save.run();
      }}
    >
      <h2>{linkName(props.link.link)}</h2>
      <p>{linkSentence(props.link)}</p>
      <label class="choice">
        <input type="checkbox" checked={metered()} onChange={(e) => setMetered(e.currentTarget.checked)} /> {t('network.metered')}
      </label>
      <Show when={metered()}>
        <Field label={t('network.budget')}>{(id) => <input id={id} type="number" min="0" required value={budgetMb()} onInput={(e) => setBudgetMb(e.currentTarget.value)} />}</Field>
        <Field label={t('network.resetDay')}>{(id) => <input id={id} type="number" min="1" max="28" required value={resetDay()} onInput={(e) => setResetDay(e.currentTarget.value)} />}</Field>
      </Show>
      <ErrorNote error={save.error()} />
      <Show when={saved()}>
        <Info>{t('network.savedLink', { link: linkName(props.link.link) })}</Info>
      </Show>
      <button type="submit" class="primary" disabled={save.busy()}>
        {t('network.saveLink', { link: linkName(props.link.link) })}
      </button>
    </form>
  );
}
