/** A new box's first page: give it a name and make its administrator's account. */
import { createSignal, type JSX } from 'solid-js';
import { createAction } from './action.js';
import { t } from './locale.js';
import { setUpBox } from './session.js';
import { ErrorNote, Field } from './ui.js';

export function Setup(): JSX.Element {
  const [form, setForm] = createSignal({ siteName: '', username: 'admin', displayName: '', password: '' });
  const set = (k: 'siteName' | 'username' | 'displayName' | 'password') => (e: { currentTarget: HTMLInputElement }) => setForm({ ...form(), [k]: e.currentTarget.value });
  const run = createAction(async () => {
    const f = form();
    await setUpBox(f.siteName.trim(), { username: f.username.trim(), displayName: f.displayName.trim(), password: f.password });
  });
  return (
    <section class="login card" aria-labelledby="setup-title">
      <h1 id="setup-title">{t('setup.title')}</h1>
      <p>{t('setup.intro')}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void run.run();
        }}
      >
        <Field label={t('setup.siteName')} help={t('setup.siteNameHelp')}>
          {(id, help) => <input id={id} required maxlength={100} aria-describedby={help} value={form().siteName} onInput={set('siteName')} />}
        </Field>
        <Field label={t('setup.adminName')}>{(id) => <input id={id} required maxlength={100} autocomplete="name" value={form().displayName} onInput={set('displayName')} />}</Field>
        <Field label={t('accounts.username')} help={t('accounts.usernameHelp')}>
          {(id, help) => (
            <input id={id} name="username" required minlength={2} maxlength={40} pattern="[A-Za-z0-9._\-]+" autocapitalize="none" autocomplete="username" aria-describedby={help} value={form().username} onInput={set('username')} />
          )}
        </Field>
        <Field label={t('accounts.password')} help={t('setup.passwordHelp')}>
          {(id, help) => <input id={id} name="password" type="password" required minlength={8} autocomplete="new-password" aria-describedby={help} value={form().password} onInput={set('password')} />}
        </Field>
        <ErrorNote error={run.error()} />
        <button type="submit" class="primary" disabled={run.busy()}>
          {t('setup.submit')}
        </button>
      </form>
    </section>
  );
}
