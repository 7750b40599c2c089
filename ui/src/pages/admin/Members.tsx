/** The association's members: the list, its CSV export, and (for its heads) add and remove. */
import { For, Show, createResource, createSignal, type JSX } from 'solid-js';
import { API } from '../../api/index.js';
import { createAction, fmt, t, api, patchChanged, useSpace, EditRow, ErrorNote, Loading, RowTools, Table } from '../../app/index.js';
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
    await patchChanged(`${base()}/${encodeURIComponent(m.id)}`, m, fields);
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
            <Table
              head={[
                { label: t('members.lastName') },
                { label: t('members.town') },
                { label: t('members.phone'), class: 'hide-narrow' },
                { label: t('members.joinedOn'), class: 'hide-narrow' },
                ...(isHead() ? [{ label: t('members.remove'), hidden: true }] : []),
              ]}
            >
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
                          <RowTools
                            what={`${m.firstName} ${m.lastName}`}
                            editing={editing() === m.id}
                            onEdit={() => setEditing(editing() === m.id ? undefined : m.id)}
                            onRemove={() => void remove.run(m)}
                            editLabel={t('app.edit')}
                            removeLabel={t('members.remove')}
                          />
                        </td>
                      </Show>
                    </tr>
                    <EditRow open={editing() === m.id} span={5}>
                      <MemberForm member={m} submitLabel={t('app.save')} save={(f) => change(m, f)} onCancel={() => setEditing(undefined)} />
                    </EditRow>
                  </>
                )}
              </For>
            </Table>
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
