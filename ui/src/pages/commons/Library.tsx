/**
 * The content library of the commons: packs of training material; a file that is on
 * this box plays in the page (video, audio, image; the box answers Range requests) or
 * downloads; one still on its way says so.
 */
import { For, Show, createResource, createSignal, type JSX } from 'solid-js';
import { API } from '../../api/index.js';
import { fmt, t, tn, api, useSpace, ErrorNote, Loading } from '../../app/index.js';

interface Pack {
  id: string;
  title: string;
  description: string;
  itemCount: number;
  bytes: number;
  presentBytes: number;
}

interface PackItem {
  id: string;
  name: string;
  type: string;
  size: number;
  present: boolean;
}

export function Library(): JSX.Element {
  const space = useSpace();
  const base = () => `/spaces/${encodeURIComponent(space()!.id)}/packs`;
  const [packs, { refetch }] = createResource(
    () => space() && base(),
    (p) => api.get<{ packs: Pack[] }>(p),
  );
  const [open, setOpen] = createSignal<string>();
  return (
    <section aria-labelledby="library-title">
      <h1 id="library-title">{t('library.title')}</h1>
      <p>{t('library.intro')}</p>
      <ErrorNote error={packs.error} onRetry={() => void refetch()} />
      <Show when={packs()} fallback={<Loading />}>
        {(l) => (
          <Show when={l().packs.length > 0} fallback={<p class="muted">{t('library.none')}</p>}>
            <ul class="list">
              <For each={l().packs}>
                {(pack) => (
                  <li>
                    <strong>{pack.title}</strong>
                    <span class="muted">
                      {tn(pack.itemCount, 'library.packOne', 'library.pack', { size: fmt.bytes(pack.bytes) })} · {t('library.here', { size: fmt.bytes(pack.presentBytes) })}
                    </span>
                    <Show when={pack.description}>
                      <p class="body">{pack.description}</p>
                    </Show>
                    <div class="toolbar">
                      <button type="button" aria-expanded={open() === pack.id} onClick={() => setOpen(open() === pack.id ? undefined : pack.id)}>
                        {t('library.open')}
                      </button>
                    </div>
                    <Show when={open() === pack.id}>
                      <PackItems path={`${base()}/${encodeURIComponent(pack.id)}`} files={`${API}/spaces/${encodeURIComponent(space()!.id)}/files`} />
                    </Show>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        )}
      </Show>
    </section>
  );
}

function PackItems(props: { path: string; files: string }): JSX.Element {
  const [detail] = createResource(() => api.get<{ items: PackItem[] }>(props.path));
  const [playing, setPlaying] = createSignal<string>();
  const src = (item: PackItem) => `${props.files}/${encodeURIComponent(item.id)}/content`;
  const playable = (item: PackItem) => /^(video|audio|image)\//.test(item.type);
  return (
    <>
      <ErrorNote error={detail.error} />
      <ul>
        <For each={detail()?.items ?? []}>
          {(item) => (
            <li>
              <Show when={item.present} fallback={`${item.name} · ${t('library.missing')}`}>
                <a href={src(item)} download={item.name}>
                  {item.name}
                </a>{' '}
                · {fmt.bytes(item.size)}{' '}
                <Show when={playable(item)}>
                  <button type="button" class="link" onClick={() => setPlaying(item.id)}>
                    {t('library.play')}
                  </button>
                </Show>
                <Show when={playing() === item.id}>
                  <div>
                    <Show when={item.type.indexOf('video/') === 0}>
                      <video controls preload="metadata" src={src(item)} class="media" />
                    </Show>
                    <Show when={item.type.indexOf('audio/') === 0}>
                      <audio controls preload="metadata" src={src(item)} />
                    </Show>
                    <Show when={item.type.indexOf('image/') === 0}>
                      <img src={src(item)} alt={item.name} class="media" />
                    </Show>
                  </div>
                </Show>
              </Show>
            </li>
          )}
        </For>
      </ul>
    </>
  );
}
