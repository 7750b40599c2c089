/**
 * One document: read it, edit it, see its history. Saving sends the version the edit
 * started from, so the box merges a change made meanwhile (both texts survive). The
 * edit is kept as a draft while typing: a lost session or a reload loses nothing.
 */
import { useParams, useSearchParams } from '@solidjs/router';
import { Show, createResource, createSignal, type JSX } from 'solid-js';
import type { DocumentView } from '../../api/index.js';
import type { MessageKey } from '../../i18n/index.js';
import { draft, fmt, t, api, useSpace, ErrorNote, Info, Loading } from '../../app/index.js';
import { DocumentEditor, type DocDraft } from './DocumentEditor.js';
import { DocumentHistory } from './DocumentHistory.js';

export function DocumentPage(): JSX.Element {
  const space = useSpace();
  const params = useParams<{ id: string }>();
  const [search, setSearch] = useSearchParams<{ edit?: string; history?: string }>();
  const path = () => `/spaces/${encodeURIComponent(space()!.id)}/documents/${encodeURIComponent(params.id)}`;
  const [doc, { mutate, refetch }] = createResource(() => space() && params.id && path(), (p) => api.get<DocumentView>(p));
  const saved = () => draft<DocDraft>(`doc.${space()?.id}.${params.id}`);
  // A draft left by a lost session or a reload reopens the editor with it.
  const [editing, setEditing] = createSignal(search.edit === '1' || saved().read() !== undefined);
  const [notice, setNotice] = createSignal<MessageKey>();

  function done(next: DocumentView | undefined, merged: boolean): void {
    if (next) mutate(next);
    setEditing(false);
    setSearch({ edit: undefined });
    setNotice(next ? (merged ? 'docs.merged' : 'app.saved') : undefined);
  }

  return (
    <Show when={!doc.loading || doc()} fallback={<Loading />}>
      <ErrorNote error={doc.error} onRetry={() => void refetch()} />
      <Show when={doc()}>
        {(d) => (
          <article aria-labelledby="doc-title">
            <Show
              when={editing() && space()?.canWrite}
              fallback={
                <>
                  <h1 id="doc-title">{d().title}</h1>
                  <p class="muted">{t('docs.updatedOn', { when: fmt.dateTime(d().updatedAt), by: d().updatedBy })}</p>
                  <Show when={notice()}>{(key) => <Info>{t(key())}</Info>}</Show>
                  <div class="toolbar">
                    <Show when={space()?.canWrite}>
                      <button type="button" class="primary" onClick={() => setEditing(true)}>
                        {t('docs.edit')}
                      </button>
                    </Show>
                    <button type="button" aria-expanded={search.history === '1'} onClick={() => setSearch({ history: search.history === '1' ? undefined : '1' })}>
                      {t('docs.history')}
                    </button>
                  </div>
                  <div class="doc-text">{d().text}</div>
                  <Show when={search.history === '1'}>
                    <DocumentHistory path={path()} canWrite={!!space()?.canWrite} onRestored={(v) => done(v, false)} />
                  </Show>
                </>
              }
            >
              <DocumentEditor path={path()} doc={d()} draft={saved()} onDone={done} />
            </Show>
          </article>
        )}
      </Show>
    </Show>
  );
}
