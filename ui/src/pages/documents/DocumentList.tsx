/** The documents of a space, newest change first, and a form to start a new one. */
import { A, useNavigate } from '@solidjs/router';
import { For, Show, createResource, createSignal, type JSX } from 'solid-js';
import type { DocumentSummary, DocumentView } from '../../api/index.js';
import { fmt, t, tn, api, spacePath, useSpace, ErrorNote, Field, Loading } from '../../app/index.js';

export function DocumentList(): JSX.Element {
  const space = useSpace();
  const navigate = useNavigate();
  const [docs, { refetch }] = createResource(
    () => space()?.id,
    (id) => api.get<{ documents: DocumentSummary[] }>(`/spaces/${encodeURIComponent(id)}/documents`),
  );
  const [title, setTitle] = createSignal('');
  const [error, setError] = createSignal<unknown>();
  const [busy, setBusy] = createSignal(false);

  async function create(e: Event): Promise<void> {
    e.preventDefault();
    const s = space();
    if (!s) return;
    setBusy(true);
    setError(undefined);
    try {
      const doc = await api.send<DocumentView>('POST', `/spaces/${encodeURIComponent(s.id)}/documents`, { title: title().trim(), text: '' });
      navigate(spacePath(s.id, `documents/${encodeURIComponent(doc.id)}?edit=1`));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="docs-title">
      <h1 id="docs-title">{t('docs.title')}</h1>
      <Show when={space()?.canWrite}>
        <form class="inline-form" onSubmit={(e) => void create(e)}>
          <Field label={t('docs.newTitle')}>
            {(id) => <input id={id} required maxlength={200} value={title()} onInput={(e) => setTitle(e.currentTarget.value)} />}
          </Field>
          <button type="submit" class="primary" disabled={busy()}>
            {t('docs.new')}
          </button>
        </form>
        <ErrorNote error={error()} />
      </Show>
      <Show when={!docs.loading} fallback={<Loading />}>
        <ErrorNote error={docs.error} onRetry={() => void refetch()} />
        <Show when={docs()}>
          {(list) => (
            <Show when={list().documents.length > 0} fallback={<p class="muted">{t('docs.none')}</p>}>
              <ul class="list">
                <For each={list().documents}>
                  {(d) => (
                    <li>
                      <A href={spacePath(space()!.id, `documents/${encodeURIComponent(d.id)}`)}>{d.title}</A>
                      <span class="muted">
                        {t('docs.updated', { when: fmt.ago(d.updatedAt), by: d.updatedBy })} · {tn(d.length, 'docs.lengthOne', 'docs.length')}
                      </span>
                    </li>
                  )}
                </For>
              </ul>
            </Show>
          )}
        </Show>
      </Show>
    </section>
  );
}
