/** The association's members: the list, its CSV export, and (for its heads) add and remove. */
import { For, Show, createResource, createSignal, type JSX } from 'solid-js';
import { API } from '../../api/index.js';
import { createAction, fmt, t, api, useSpace, ErrorNote, Loading } from '../../app/index.js';
import { MemberForm, type MemberFields } from './MemberForm.js';
import type { Member } from './types.js';

export function Members(): JSX.Element {
  const space = useSpace();
  const base = () => `/spaces/${encodeURIComponent(space()!.id)}/members`;
  const isHead = () => space()?.role === 'admin';
  const [list, { refetch }] = createResource(
    () => space() && base(),
    (p) => api.get<{ items: Member[] }>(p),
  );
  const [editing, setEditing] = createSignal<string>();

  async function add(fields: MemberFields): Promise<void> {
    await api.send('POST', base(), fields);
    await refetch();
  }
  async function change(m: Member, fields: MemberFields): Promise<void> {
    // Only the fields that changed: another head may have changed the others meanwhile.
    const changed: Partial<MemberFields> = {};
    for (const k of Object.keys(fields) as Array<keyof MemberFields>) if (fields[k] !== m[k]) (changed as Record<string, unknown>)[k] = fields[k];
    if (Object.keys(changed).length > 0) await api.send('PATCH', `${base()}/${encodeURIComponent(m.id)}`, changed);
    setEditing(undefined);
    await refetch();
  }
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
                      <>
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
                              <div class="toolbar">
                                <button type="button" aria-expanded={editing() === m.id} onClick={() => setEditing(editing() === m.id ? undefined : m.id)} aria-label={`${t('app.edit')} : ${m.firstName} ${m.lastName}`}>
                                  {t('app.edit')}
                                </button>
                                <button type="button" onClick={() => void remove.run(m)} aria-label={`${t('members.remove')} : ${m.firstName} ${m.lastName}`}>
                                  {t('members.remove')}
                                </button>
                              </div>
                            </td>
                          </Show>
                        </tr>
                        <Show when={editing() === m.id}>
                          <tr>
                            <td colSpan={5}>
                              <MemberForm member={m} submitLabel={t('app.save')} save={(f) => change(m, f)} onCancel={() => setEditing(undefined)} />
                            </td>
                          </tr>
                        </Show>
                      </>
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
        <MemberForm submitLabel={t('members.add')} save={add} />
      </Show>
    </section>
  );
}
