/** Which sites keep a pack (pinned: its files are fetched there and never evicted), and changing that. */
import { For, Show, createSignal, type JSX } from 'solid-js';
import { createAction, t, api, ActionForm, ErrorNote, Field } from '../../app/index.js';
import type { Pack, Site } from './types.js';

interface Props {
  /** The pack's path under /api/v1. */
  path: string;
  pack: Pack;
  sites: readonly Site[];
  onChanged: () => Promise<void>;
}

export function PackPins(props: Props): JSX.Element {
  const [site, setSite] = createSignal('');
  const nameOf = (id: string) => props.sites.find((s) => s.id === id)?.name ?? id;
  const unpinned = () => props.sites.filter((s) => props.pack.pinnedTo.indexOf(s.id) < 0);
  const pin = createAction(async (id: string, keep: boolean) => {
    await api.send(keep ? 'PUT' : 'DELETE', `${props.path}/pins/${encodeURIComponent(id)}`);
    setSite('');
    await props.onChanged();
  });
  return (
    <div>
      <h3>{t('library.pins')}</h3>
      <Show when={props.pack.pinnedTo.length > 0} fallback={<p class="muted">{t('library.noPins')}</p>}>
        <ul>
          <For each={props.pack.pinnedTo}>
            {(id) => (
              <li>
                {nameOf(id)}{' '}
                <button type="button" class="link" onClick={() => void pin.run(id, false)} aria-label={t('library.unpinFrom', { site: nameOf(id) })}>
                  {t('library.unpin')}
                </button>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <ActionForm class="inline-form" run={() => pin.run(site(), true)}>
        <Field label={t('library.site')}>
          {(id) => (
            <select id={id} required onChange={(e) => setSite(e.currentTarget.value)}>
              <option value="" selected={site() === ''}>
                {t('library.chooseSite')}
              </option>
              <For each={unpinned()}>{(s) => <option value={s.id}>{s.name}</option>}</For>
            </select>
          )}
        </Field>
        <button type="submit" disabled={pin.busy()}>
          {t('library.pin')}
        </button>
      </ActionForm>
      <ErrorNote error={pin.error()} />
    </div>
  );
}
