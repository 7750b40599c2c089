/**
 * A new site: its name and the spaces it gets; the relay answers with its enrollment file,
 * offered for download (made in the browser, a Blob: nothing else holds it).
 */
import { Show, createSignal, onCleanup, type JSX } from 'solid-js';
import { relay } from './api.js';
import { t } from './locale.js';
import type { Created } from './types.js';
import { ErrorNote, Field } from './ui.js';
import { fileName, parseSpaces } from './enrollment.js';

export function Enroll(): JSX.Element {
  const [name, setName] = createSignal('');
  const [spaces, setSpaces] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>();
  const [created, setCreated] = createSignal<{ result: Created; url: string }>();
  onCleanup(() => {
    const c = created();
    if (c) URL.revokeObjectURL(c.url);
  });

  async function submit(e: Event): Promise<void> {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const result = await relay.create(name().trim(), parseSpaces(spaces()));
      const url = URL.createObjectURL(new Blob([JSON.stringify(result.enrollment, null, 2)], { type: 'application/json' }));
      setCreated({ result, url });
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
      <Show when={created()}>
        {(c) => (
          <div class="note" role="status">
            <p>{t('enroll.done', { name: c().result.site.name })}</p>
            <a class="button primary" href={c().url} download={fileName(c().result.site.name)}>
              {t('enroll.download')}
            </a>
          </div>
        )}
      </Show>
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
