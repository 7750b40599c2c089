/** Accounts of the box: create one, disable or enable it, change its password. */
import { For, Show, createResource, createSignal, type JSX } from 'solid-js';
import { createAction, t, api, ErrorNote, Field, Info, Loading } from '../../app/index.js';
import type { Account } from './types.js';

export function Accounts(): JSX.Element {
  const [accounts, { refetch }] = createResource(() => api.get<{ accounts: Account[] }>('/accounts'));
  const empty = { username: '', displayName: '', password: '', boxAdmin: false };
  const [form, setForm] = createSignal({ ...empty });
  const [done, setDone] = createSignal('');

  const add = createAction(async () => {
    await api.send('POST', '/accounts', form());
    setForm({ ...empty });
    await refetch();
  });
  const toggle = createAction(async (a: Account) => {
    await api.send('PATCH', `/accounts/${encodeURIComponent(a.id)}`, { disabled: !a.disabled });
    await refetch();
  });
  const password = createAction(async (a: Account, value: string) => {
    setDone('');
    await api.send('PATCH', `/accounts/${encodeURIComponent(a.id)}`, { password: value });
    setDone(t('accounts.passwordSet', { name: a.displayName }));
  });

  return (
    <section aria-labelledby="accounts-title">
      <h1 id="accounts-title">{t('admin.accounts')}</h1>
      <ErrorNote error={accounts.error ?? toggle.error() ?? password.error()} onRetry={() => void refetch()} />
      <Show when={done()}>
        <Info>{done()}</Info>
      </Show>
      <Show when={accounts()} fallback={<Loading />}>
        {(l) => (
          <ul class="list">
            <For each={l().accounts}>
              {(a) => {
                const [pw, setPw] = createSignal('');
                return (
                  <li>
                    <strong>{a.displayName}</strong>
                    <span class="muted">
                      {a.username}
                      {a.boxAdmin ? ` · ${t('accounts.boxAdmin')}` : ''}
                      {a.disabled ? ` · ${t('accounts.disabled')}` : ''}
                    </span>
                    <div class="toolbar">
                      <button type="button" onClick={() => void toggle.run(a)}>
                        {a.disabled ? t('accounts.enable') : t('accounts.disable')}
                      </button>
                    </div>
                    <form
                      class="inline-form"
                      onSubmit={(e) => {
                        e.preventDefault();
                        void password.run(a, pw()).then(() => setPw(''));
                      }}
                    >
                      <Field label={t('accounts.newPassword')}>
                        {(id) => <input id={id} type="password" autocomplete="new-password" minlength={8} required value={pw()} onInput={(e) => setPw(e.currentTarget.value)} />}
                      </Field>
                      <button type="submit">{t('accounts.setPassword')}</button>
                    </form>
                  </li>
                );
              }}
            </For>
          </ul>
        )}
      </Show>
      <h2>{t('accounts.add')}</h2>
      <form
        class="card"
        onSubmit={(e) => {
          e.preventDefault();
          void add.run();
        }}
      >
        <Field label={t('accounts.username')} help={t('accounts.usernameHelp')}>
          {(id, help) => (
            <input id={id} required minlength={2} maxlength={40} pattern="[A-Za-z0-9._\-]+" autocapitalize="none" aria-describedby={help} value={form().username} onInput={(e) => setForm({ ...form(), username: e.currentTarget.value })} />
          )}
        </Field>
        <Field label={t('accounts.displayName')}>
          {(id) => <input id={id} required maxlength={100} value={form().displayName} onInput={(e) => setForm({ ...form(), displayName: e.currentTarget.value })} />}
        </Field>
        <Field label={t('accounts.password')} help={t('accounts.passwordHelp')}>
          {(id, help) => (
            <input id={id} type="password" autocomplete="new-password" required minlength={8} aria-describedby={help} value={form().password} onInput={(e) => setForm({ ...form(), password: e.currentTarget.value })} />
          )}
        </Field>
        <label class="choice">
          <input type="checkbox" checked={form().boxAdmin} onChange={(e) => setForm({ ...form(), boxAdmin: e.currentTarget.checked })} /> {t('accounts.boxAdmin')}
        </label>
        <ErrorNote error={add.error()} />
        <div class="toolbar">
          <button type="submit" class="primary" disabled={add.busy()}>
            {t('accounts.add')}
          </button>
        </div>
      </form>
    </section>
  );
}
