/** A space's files, folder by folder: download, upload with progress, delete. */
import { A, useSearchParams } from '@solidjs/router';
import { For, Show, createResource, createSignal, type JSX } from 'solid-js';
import { API, uploadFile, type FileList, type StoredFile } from '../../api/index.js';
import { fmt, lang, t, api, sessionInfo, spacePath, useSpace, ErrorNote, Loading } from '../../app/index.js';
import { FileMove } from './FileMove.js';
import { UploadForm } from './UploadForm.js';

export function FilesPage(): JSX.Element {
  const space = useSpace();
  const [search] = useSearchParams<{ folder?: string }>();
  const folder = () => search.folder ?? '';
  const spaceApi = () => `/spaces/${encodeURIComponent(space()!.id)}/files`;
  const [list, { refetch }] = createResource(
    () => space() && { path: spaceApi(), folder: folder() },
    // Always with ?folder= ("" is the top): without it the box lists every file of the space.
    (q) => api.get<FileList>(`${q.path}?folder=${encodeURIComponent(q.folder)}`),
  );
  const [error, setError] = createSignal<unknown>();
  const [moving, setMoving] = createSignal<string>();
  const folderHref = (f: string) => spacePath(space()!.id, f ? `files?folder=${encodeURIComponent(f)}` : 'files');

  async function remove(file: StoredFile): Promise<void> {
    if (!window.confirm(t('files.deleteConfirm', { name: file.name }))) return;
    setError(undefined);
    try {
      await api.send('DELETE', `${spaceApi()}/${encodeURIComponent(file.id)}`);
      void refetch();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <section aria-labelledby="files-title">
      <h1 id="files-title">{t('files.title')}</h1>
      <Show when={folder()}>
        <p>
          <A href={folderHref('')}>{t('files.root')}</A> · {t('files.folder', { folder: folder() })}
        </p>
      </Show>
      <Show when={space()?.canWrite}>
        <UploadForm
          start={(file, onProgress) => uploadFile({ space: space()!.id, folder: folder(), file, csrf: sessionInfo()?.csrfToken, lang: lang(), onProgress })}
          onUploaded={() => void refetch()}
        />
      </Show>
      <ErrorNote error={error()} />
      <Show when={!list.loading || list()} fallback={<Loading />}>
        <ErrorNote error={list.error} onRetry={() => void refetch()} />
        <Show when={list()}>
          {(l) => (
            <>
              <p class="muted">{t('files.used', { used: fmt.bytes(l().usedBytes), quota: fmt.bytes(l().quotaBytes) })}</p>
              <Show when={l().folders.length > 0}>
                <ul class="list">
                  <For each={l().folders}>
                    {(f) => (
                      <li>
                        <A href={folderHref(f)} aria-label={t('files.open', { folder: f })}>
                          📁 {f}
                        </A>
                      </li>
                    )}
                  </For>
                </ul>
              </Show>
              <Show when={l().files.length > 0} fallback={<p class="muted">{t('files.none')}</p>}>
                <ul class="list">
                  <For each={l().files}>
                    {(f) => (
                      <li>
                        <a href={`${API}${spaceApi()}/${encodeURIComponent(f.id)}/content`} download={f.name}>
                          {f.name}
                        </a>
                        <span class="muted">
                          {fmt.bytes(f.size)} · {t('files.added', { when: fmt.dateTime(f.createdAt), by: f.createdByName })}
                        </span>
                        <Show when={space()?.canWrite}>
                          <div class="toolbar">
                            <button type="button" aria-expanded={moving() === f.id} onClick={() => setMoving(moving() === f.id ? undefined : f.id)} aria-label={`${t('files.move')} : ${f.name}`}>
                              {t('files.move')}
                            </button>
                            <button type="button" onClick={() => void remove(f)} aria-label={`${t('files.delete')} : ${f.name}`}>
                              {t('files.delete')}
                            </button>
                          </div>
                          <Show when={moving() === f.id}>
                            <FileMove
                              path={`${spaceApi()}/${encodeURIComponent(f.id)}`}
                              file={f}
                              onDone={(changed) => {
                                setMoving(undefined);
                                if (changed) void refetch();
                              }}
                            />
                          </Show>
                        </Show>
                      </li>
                    )}
                  </For>
                </ul>
              </Show>
            </>
          )}
        </Show>
      </Show>
    </section>
  );
}
