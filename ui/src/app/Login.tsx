/** The login form; shown over the page when the session is lost, which keeps the route. */
import { Show, createSignal, type JSX } from 'solid-js';
import { logIn, site } from './session.js';
import { t } from './locale.js';
import { ErrorNote, Field } from './ui.js';

export function Login(props: { expired: boolean }): JSX.Element {
  const [username, setUsername] = createSignal('');
  const [password, setPassword] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>();

  async function submit(e: Event): Promise<void> {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await logIn(username().trim(), password());
    } catch (err) {
      setError(err);
      setPassword('');
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="login card" aria-labelledby="login-title">
      <h1 id="login-title">{t('login.title')}</h1>
      <Show when={site()?.siteName}>{(name) => <p class="muted">{t('login.site', { site: name() })}</p>}</Show>
      <Show when={props.expired} fallback={<p>{t('login.intro')}</p>}>
        <p class="note" role="alert">
          {t('login.expired')}
        </p>
      </Show>
      <form onSubmit={(e) => void submit(e)}>
        <Field label={t('login.username')}>
          {(id) => (
            <input id={id} name="username" autocomplete="username" autocapitalize="none" required value={username()} onInput={(e) => setUsername(e.currentTarget.value)} />
          )}
        </Field>
        <Field label={t('login.password')}>
          {(id) => (
            <input id={id} name="password" type="password" autocomplete="current-password" required value={password()} onInput={(e) => setPassword(e.currentTarget.value)} />
          )}
        </Field>
        <ErrorNote error={error()} />
        <button type="submit" class="primary" disabled={busy()}>
          {busy() ? t('login.busy') : t('login.submit')}
        </button>
      </form>
    </section>
  );
}
