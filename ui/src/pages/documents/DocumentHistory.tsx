/** A document's versions, newest first: show one, or go back to it. */
import { For, Show, createResource, createSignal, type JSX } from 'solid-js';
import type { DocumentVersion, DocumentView } from '../../api/index.js';
import { fmt, t, api, ErrorNote, Loading } from '../../app/index.js';

interface Props {
  path: string;
  canWrite: boolean;
  onRestored: (doc: DocumentView) => void;
}

export function DocumentHistory(props: Props): JSX.Element {
  const [versions, { refetch }] = createResource(
    () => props.path,
    (p) => api.get<{ versions: DocumentVersion[] }>(`${p}/history`),
  );
  const [shown, setShown] = createSignal<{ version: number; text: string }>();
  const [error, setError] = createSignal<unknown>();

  async function show(v: number): Promise<void> {
    setError(undefined);
    try {
      const got = await api.get<{ version: number; text: string }>(`${props.path}/history/${v}`);
      setShown({ version: got.version, text: got.text });
    } catch (err) {
      setError(err);
    }
  }

  async function restore(v: number): Promise<void> {
    if (!window.confirm(t('docs.restoreConfirm'))) return;
    setError(undefined);
    try {
      props.onRestored(await api.send<DocumentView>('POST', `${props.path}/history/${v}/restore`));
      void refetch();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <section class="history" aria-labelledby="history-title">
      <h2 id="history-title">{t('docs.history')}</h2>
      <ErrorNote error={versions.error ?? error()} />
      <Show when={versions()} fallback={<Loading />}>
        {(list) => (
          <Show when={list().versions.length > 0} fallback={<p class="muted">{t('docs.historyNone')}</p>}>
            <ol class="list">
              <For each={list().versions.slice().sort((a, b) => b.at - a.at)}>
                {(v) => (
                  <li>
                    <span>{t('docs.version', { when: fmt.dateTime(v.at), by: v.byName })}</span>
                    <span class="toolbar">
                      <button type="button" onClick={() => void show(v.version)}>
                        {t('docs.show')}
                      </button>
                      <Show when={props.canWrite}>
                        <button type="button" onClick={() => void restore(v.version)}>
                          {t('docs.restore')}
                        </button>
                      </Show>
                    </span>
                    <Show when={shown()?.version === v.version}>
                      <div class="doc-text old">{shown()!.text}</div>
                    </Show>
                  </li>
                )}
              </For>
            </ol>
          </Show>
        )}
      </Show>
    </section>
  );
}
