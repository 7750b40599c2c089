/** A new site: its name and the spaces it gets; the relay answers with its enrollment file, offered for download. */
import { createSignal, type JSX } from 'solid-js';
import { relay } from './api.js';
import { t } from './locale.js';
import { ErrorNote, Field } from './ui.js';
import { parseSpaces } from './enrollment.js';
import { EnrollmentDownload, enrollmentOffer } from './Download.js';

export function Enroll(): JSX.Element {
  const [name, setName] = createSignal('');
  const [spaces, setSpaces] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>();
  const [offered, offer] = enrollmentOffer();

  async function submit(e: Event): Promise<void> {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      offer(await relay.create(name().trim(), parseSpaces(spaces())));
      setName('');
      setSpaces('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="enroll-title">
      <h1 id="enroll-title">{t('enroll.title')}</h1>
      <p>{t('enroll.help')}</p>
      <EnrollmentDownload offered={offered()} message={(n) => t('enroll.done', { name: n })} />
      <form class="card" onSubmit={(e) => void submit(e)}>
        <Field label={t('enroll.name')}>{(id) => <input id={id} name="name" required maxlength="200" value={name()} onInput={(e) => setName(e.currentTarget.value)} />}</Field>
        <Field label={t('enroll.spaces')}>{(id) => <textarea id={id} name="spaces" rows="3" value={spaces()} onInput={(e) => setSpaces(e.currentTarget.value)} />}</Field>
        <ErrorNote error={error()} />
        <button type="submit" class="primary" disabled={busy()}>
          {t('enroll.submit')}
        </button>
      </form>
    </section>
  );
}
