/** The association's members: the list, its CSV export, and (for its heads) add and remove. */
import { For, Show, createResource, createSignal, type JSX } from 'solid-js';
import { API } from '../../api/index.js';
import { createAction, fmt, t, api, useSpace, ErrorNote, Field, Loading } from '../../app/index.js';
import { today } from '../../forms/index.js';
import type { Member } from './types.js';

const EMPTY = { firstName: '', lastName: '', email: '', phone: '', town: '', joinedOn: '', role: '' };
type MemberForm = typeof EMPTY;

export function Members(): JSX.Element {
  const space = useSpace();
  const base = () => `/spaces/${encodeURIComponent(space()!.id)}/members`;
  const isHead = () => space()?.role === 'admin';
  const [list, { refetch }] = createResource(
    () => space() && base(),
    (p) => api.get<{ items: Member[] }>(p),
  );
  const [form, setForm] = createSignal<MemberForm>({ ...EMPTY, joinedOn: today() });
  const set = (k: keyof MemberForm) => (e: { currentTarget: HTMLInputElement }) => setForm({ ...form(), [k]: e.currentTarget.value });
  const orNull = (s: string) => (s.trim() ? s.trim() : null);

  const add = createAction(async () => {
    const f = form();
    await api.send('POST', base(), { firstName: f.firstName, lastName: f.lastName, email: orNull(f.email), phone: orNull(f.phone), town: orNull(f.town), joinedOn: f.joinedOn, role: f.role });
    setForm({ ...EMPTY, joinedOn: today() });
    await refetch();
  });
  const remove = createAction(async (m: Member) => {
    if (!window.confirm(t('members.removeConfirm', { name: `${m.firstName} ${m.lastName}` }))) return;
    await api.send('DELETE', `${base()}/${encodeURIComponent(m.id)}`);
    await refetch();
  });

  return (
    <section aria-labelledby="members-title">
      <h1 id="members-title">{t('members.title')}</h1>
      <p>
        <a href={`${API}${base()}.csv`} download="">
          {t('members.csv')}
        </a>
      </p>
      <ErrorNote error={list.error ?? remove.error()} onRetry={() => void refetch()} />
      <Show when={list()} fallback={<Loading />}>
        {(l) => (
          <Show when={l().items.length > 0} fallback={<p class="muted">{t('members.none')}</p>}>
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('members.lastName')}</th>
                    <th scope="col">{t('members.town')}</th>
                    <th scope="col" class="hide-narrow">{t('members.phone')}</th>
                    <th scope="col" class="hide-narrow">{t('members.joinedOn')}</th>
                    <Show when={isHead()}>
                      <th scope="col">
                        <span class="visually-hidden">{t('members.remove')}</span>
                      </th>
                    </Show>
                  </tr>
                </thead>
                <tbody>
                  <For each={l().items}>
                    {(m) => (
                      <tr>
                        <th scope="row">
                          {m.lastName} {m.firstName}
                          <Show when={m.role}>
                            <span class="muted">{m.role}</span>
                          </Show>
                          <Show when={m.email}>
                            <span class="muted">{m.email}</span>
                          </Show>
                        </th>
                        <td>{m.town ?? ''}</td>
                        <td class="hide-narrow">{m.phone ?? ''}</td>
                        <td class="hide-narrow">{fmt.date(m.joinedOn)}</td>
                        <Show when={isHead()}>
                          <td>
                            <button type="button" onClick={() => void remove.run(m)}>
                              {t('members.remove')}
                            </button>
                          </td>
                        </Show>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
          </Show>
        )}
      </Show>
      <Show when={isHead()}>
        <h2>{t('members.add')}</h2>
        <form
          class="card"
          onSubmit={(e) => {
            e.preventDefault();
            void add.run();
          }}
        >
          <Field label={t('members.firstName')}>{(id) => <input id={id} required maxlength={100} value={form().firstName} onInput={set('firstName')} />}</Field>
          <Field label={t('members.lastName')}>{(id) => <input id={id} required maxlength={100} value={form().lastName} onInput={set('lastName')} />}</Field>
          <Field label={t('members.town')}>{(id) => <input id={id} maxlength={100} value={form().town} onInput={set('town')} />}</Field>
          <Field label={t('members.phone')}>{(id) => <input id={id} type="tel" maxlength={40} value={form().phone} onInput={set('phone')} />}</Field>
          <Field label={t('members.email')}>{(id) => <input id={id} type="email" maxlength={200} value={form().email} onInput={set('email')} />}</Field>
          <Field label={t('members.role')}>{(id) => <input id={id} maxlength={100} value={form().role} onInput={set('role')} />}</Field>
          <Field label={t('members.joinedOn')}>{(id) => <input id={id} type="date" required value={form().joinedOn} onInput={set('joinedOn')} />}</Field>
          <ErrorNote error={add.error()} />
          <button type="submit" class="primary" disabled={add.busy()}>
            {t('members.add')}
          </button>
        </form>
      </Show>
    </section>
  );
}
