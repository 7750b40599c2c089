/**
 * An opened pack: its files (one on this box plays in the page or downloads; one still on
 * its way says so) and, for the commons' admins, adding a file and choosing the sites
 * that keep the pack.
 */
import { For, Show, createResource, createSignal, type JSX } from 'solid-js';
import { sendFile } from '../../api/index.js';
import { fmt, lang, t, api, sessionInfo, ErrorNote } from '../../app/index.js';
import { UploadForm } from '../files/index.js';
import { PackPins } from './PackPins.js';
import type { Pack, PackDetail, PackItem, Site } from './types.js';

interface Props {
  /** The pack's path under /api/v1. */
  path: string;
  /** The commons' files, where a pack's items are read. */
  files: string;
  pack: Pack;
  admin: boolean;
  sites: readonly Site[];
  onChanged: () => Promise<void>;
}

export function PackItems(props: Props): JSX.Element {
  const [detail, { refetch }] = createResource(() => api.get<PackDetail>(props.path));
  const [playing, setPlaying] = createSignal<string>();
  const src = (item: PackItem) => `${props.files}/${encodeURIComponent(item.id)}/content`;
  const playable = (item: PackItem) => /^(video|audio|image)\//.test(item.type);
  const changed = async () => {
    await Promise.all([refetch(), props.onChanged()]);
  };
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
      <Show when={props.admin}>
        <h3>{t('library.addFile')}</h3>
        <UploadForm
          submitLabel={t('library.addFile')}
          start={(file, onProgress) =>
            sendFile({ path: `${props.path}/items?name=${encodeURIComponent(file.name)}`, file, csrf: sessionInfo()?.csrfToken, lang: lang(), onProgress })
          }
          onUploaded={() => void changed()}
        />
        <PackPins path={props.path} pack={props.pack} sites={props.sites} onChanged={changed} />
      </Show>
    </>
  );
}
