/** The agenda: events from today on, and a form to add one (members of the space). */
import { For, Show, createResource, createSignal, type JSX } from 'solid-js';
import { createAction, fmt, lang, t, api, useSpace, ErrorNote, Field, Loading } from '../../app/index.js';
import { localInstant, today } from '../../forms/index.js';
import { localeTag } from '../../i18n/index.js';
import type { AgendaEvent } from '../admin/index.js';

function time(at: string): string {
  return new Intl.DateTimeFormat(localeTag(lang()), { hour: '2-digit', minute: '2-digit' }).format(new Date(at));
}

export function Agenda(): JSX.Element {
  const space = useSpace();
  const base = () => `/spaces/${encodeURIComponent(space()!.id)}/events`;
  const [events, { refetch }] = createResource(
    () => space() && `${base()}?from=${today()}`,
    (p) => api.get<{ items: AgendaEvent[] }>(p),
  );
  const empty = { title: '', day: today(), start: '18:00', end: '20:00', place: '', description: '' };
  const [form, setForm] = createSignal({ ...empty });
  const set = (k: keyof typeof empty) => (e: { currentTarget: HTMLInputElement | HTMLTextAreaElement }) => setForm({ ...form(), [k]: e.currentTarget.value });

  const add = createAction(async () => {
    const f = form();
    const startsAt = localInstant(f.day, f.start);
    const endsAt = localInstant(f.day, f.end);
    if (!startsAt || !endsAt) throw new Error(t('error.time'));
    await api.send('POST', base(), { title: f.title, startsAt, endsAt, place: f.place, description: f.description });
    setForm({ ...empty });
    await refetch();
  });
  const remove = createAction(async (ev: AgendaEvent) => {
    if (!window.confirm(t('agenda.removeConfirm', { title: ev.title }))) return;
    await api.send('DELETE', `${base()}/${encodeURIComponent(ev.id)}`);
    await refetch();
  });

  return (
    <section aria-labelledby="agenda-title">
      <h1 id="agenda-title">{t('agenda.title')}</h1>
      <ErrorNote error={events.error ?? remove.error()} onRetry={() => void refetch()} />
      <Show when={events()} fallback={<Loading />}>
        {(l) => (
          <Show when={l().items.length > 0} fallback={<p class="muted">{t('agenda.none')}</p>}>
            <ul class="list">
              <For each={l().items}>
                {(ev) => (
                  <li>
                    <strong>{ev.title}</strong>
                    <span class="muted">
                      {t('agenda.when', { day: fmt.date(ev.startsAt), start: time(ev.startsAt), end: time(ev.endsAt) })}
                      {ev.place ? ` · ${ev.place}` : ''}
                    </span>
                    <Show when={ev.description}>
                      <p class="body">{ev.description}</p>
                    </Show>
                    <Show when={space()?.canWrite}>
                      <div class="toolbar">
                        <button type="button" onClick={() => void remove.run(ev)} aria-label={`${t('agenda.remove')} : ${ev.title}`}>
                          {t('agenda.remove')}
                        </button>
                      </div>
                    </Show>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        )}
      </Show>
      <Show when={space()?.canWrite}>
        <h2>{t('agenda.add')}</h2>
        <form
          class="card"
          onSubmit={(e) => {
            e.preventDefault();
            void add.run();
          }}
        >
          <Field label={t('agenda.what')}>{(id) => <input id={id} required maxlength={200} value={form().title} onInput={set('title')} />}</Field>
          <Field label={t('agenda.day')}>{(id) => <input id={id} type="date" required value={form().day} onInput={set('day')} />}</Field>
          <Field label={t('agenda.start')}>{(id) => <input id={id} type="time" required value={form().start} onInput={set('start')} />}</Field>
          <Field label={t('agenda.end')}>{(id) => <input id={id} type="time" required value={form().end} onInput={set('end')} />}</Field>
          <Field label={t('agenda.place')}>{(id) => <input id={id} maxlength={200} value={form().place} onInput={set('place')} />}</Field>
          <Field label={t('agenda.description')}>{(id) => <textarea id={id} rows={3} maxlength={5000} value={form().description} onInput={set('description')} />}</Field>
          <ErrorNote error={add.error()} />
          <button type="submit" class="primary" disabled={add.busy()}>
            {t('agenda.add')}
          </button>
        </form>
      </Show>
    </section>
  );
}
