/** The associations of the box: create one, and say who belongs to each, with which role. */
import { For, Show, createResource, createSignal, type JSX } from 'solid-js';
import { createAction, fmt, t, api, refreshSession, roleName, ErrorNote, Field, Loading } from '../../app/index.js';
import type { Account, Role, RoleLine, SpaceInfo } from './types.js';

const MB = 1024 * 1024;
const ROLES: readonly Role[] = ['admin', 'member', 'guest'];

export function SpacesAdmin(): JSX.Element {
  const [spaces, { refetch }] = createResource(() => api.get<{ spaces: SpaceInfo[] }>('/spaces'));
  const [form, setForm] = createSignal({ id: '', name: '', quotaMb: '1024' });
  const [open, setOpen] = createSignal<string>();

  const add = createAction(async () => {
    const f = form();
    await api.send('POST', '/spaces', { id: f.id.trim(), name: f.name.trim(), quotaBytes: Math.round(Number(f.quotaMb) * MB) });
    setForm({ id: '', name: '', quotaMb: '1024' });
    await refetch();
    await refreshSession();
  });

  return (
    <section aria-labelledby="spaces-admin-title">
      <h1 id="spaces-admin-title">{t('admin.spaces')}</h1>
      <ErrorNote error={spaces.error} onRetry={() => void refetch()} />
      <Show when={spaces()} fallback={<Loading />}>
        {(l) => (
          <ul class="list">
            <For each={l().spaces}>
              {(s) => (
                <li>
                  <strong>{s.name}</strong>
                  <span class="muted">
                    {s.id} · {t('spacesAdmin.quota')} : {fmt.bytes(s.quotaBytes)}
                  </span>
                  <div class="toolbar">
                    <button type="button" aria-expanded={open() === s.id} onClick={() => setOpen(open() === s.id ? undefined : s.id)}>
                      {t('spacesAdmin.manage')}
                    </button>
                  </div>
                  <Show when={open() === s.id}>
                    <SpaceRoles space={s} />
                  </Show>
                </li>
              )}
            </For>
          </ul>
        )}
      </Show>
      <h2>{t('spacesAdmin.add')}</h2>
      <form
        class="card"
        onSubmit={(e) => {
          e.preventDefault();
          void add.run();
        }}
      >
        <Field label={t('spacesAdmin.name')}>{(id) => <input id={id} required maxlength={100} value={form().name} onInput={(e) => setForm({ ...form(), name: e.currentTarget.value })} />}</Field>
        <Field label={t('spacesAdmin.id')} help={t('spacesAdmin.idHelp')}>
          {(id, help) => (
            <input id={id} required minlength={2} maxlength={40} pattern="[a-z0-9][a-z0-9\-]*" autocapitalize="none" aria-describedby={help} value={form().id} onInput={(e) => setForm({ ...form(), id: e.currentTarget.value })} />
          )}
        </Field>
        <Field label={`${t('spacesAdmin.quota')} (Mo)`}>
          {(id) => <input id={id} type="number" min="0" required value={form().quotaMb} onInput={(e) => setForm({ ...form(), quotaMb: e.currentTarget.value })} />}
        </Field>
        <ErrorNote error={add.error()} />
        <button type="submit" class="primary" disabled={add.busy()}>
          {t('spacesAdmin.add')}
        </button>
      </form>
    </section>
  );
}

function SpaceRoles(props: { space: SpaceInfo }): JSX.Element {
  const path = `/spaces/${encodeURIComponent(props.space.id)}/roles`;
  const [roles, { refetch }] = createResource(() => api.get<{ roles: RoleLine[] }>(path));
  const [accounts] = createResource(() => api.get<{ accounts: Account[] }>('/accounts'));
  const [accountId, setAccountId] = createSignal('');
  const [role, setRole] = createSignal<Role | ''>('member');

  const put = createAction(async (id: string, next: Role | null) => {
    await api.send('PUT', `${path}/${encodeURIComponent(id)}`, { role: next });
    await refetch();
    await refreshSession();
  });

  return (
    <div>
      <h3>{t('spacesAdmin.members', { space: props.space.name })}</h3>
      <ErrorNote error={roles.error ?? accounts.error ?? put.error()} />
      <ul>
        <For each={roles()?.roles ?? []}>
          {(r) => (
            <li>
              {r.displayName} ({r.username}) · {roleName(r.role)}{' '}
              <button type="button" class="link" onClick={() => void put.run(r.accountId, null)}>
                {t('spacesAdmin.noRole')}
              </button>
            </li>
          )}
        </For>
      </ul>
      <form
        class="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (accountId()) void put.run(accountId(), role() || null);
        }}
      >
        <Field label={t('spacesAdmin.account')}>
          {(id) => (
            <select id={id} required onChange={(e) => setAccountId(e.currentTarget.value)}>
              <option value="">—</option>
              <For each={accounts()?.accounts ?? []}>{(a) => <option value={a.id}>{`${a.displayName} (${a.username})`}</option>}</For>
            </select>
          )}
        </Field>
        <Field label={t('spacesAdmin.role')}>
          {(id) => (
            <select id={id} onChange={(e) => setRole(e.currentTarget.value as Role)}>
              <For each={ROLES}>
                {(r) => (
                  <option value={r} selected={r === role()}>
                    {roleName(r)}
                  </option>
                )}
              </For>
            </select>
          )}
        </Field>
        <button type="submit" disabled={put.busy()}>
          {t('spacesAdmin.setRole')}
        </button>
      </form>
    </div>
  );
}
