/** The relay's admin token, asked once per browser session; a wrong one gets a plain message. */
import { createSignal, type JSX } from 'solid-js';
import { relay, setToken } from './api.js';
import { t } from './locale.js';
import { ErrorNote, Field } from './ui.js';

export function Login(): JSX.Element {
  const [value, setValue] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>();

  async function submit(e: Event): Promise<void> {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    const candidate = value().trim();
    try {
      if (await relay.check(candidate)) setToken(candidate);
      else setError(new Error(t('login.wrong')));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="login card" aria-labelledby="login-title">
      <h1 id="login-title">{t('login.title')}</h1>
      <p>{t('login.help')}</p>
      <form onSubmit={(e) => void submit(e)}>
        <Field label={t('login.token')}>
          {(id) => <input id={id} name="token" type="password" autocomplete="off" autocapitalize="none" spellcheck={false} required value={value()} onInput={(e) => setValue(e.currentTarget.value)} />}
        </Field>
        <ErrorNote error={error()} />
        <button type="submit" class="primary" disabled={busy()}>
          {t('login.submit')}
        </button>
      </form>
    </section>
  );
}
