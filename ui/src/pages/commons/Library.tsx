/**
 * The content library of the commons: packs of training material, each opened to play
 * or download its files. The commons' admins (the box admin, and whoever it made admin of
 * the commons: the session says so) make packs, fill them and pin them to the sites that
 * must keep them.
 */
import { Index, Show, createResource, createSignal, type JSX } from 'solid-js';
import { API, type SyncStatus } from '../../api/index.js';
import { createAction, fmt, t, tn, api, site, useSpace, ErrorNote, Field, FormActions, Loading, ActionForm } from '../../app/index.js';
import { PackItems } from './PackItems.js';
import type { Pack, PackDetail, Site } from './types.js';

export function Library(): JSX.Element {
  const space = useSpace();
  const base = () => `/spaces/${encodeURIComponent(space()!.id)}/packs`;
  const admin = () => space()?.canAdmin === true;
  const [packs, { refetch }] = createResource(
    () => space() && base(),
    (p) => api.get<{ packs: Pack[] }>(p),
  );
  const [sync] = createResource(admin, () => api.get<SyncStatus & { siteId: string }>('/sync/status'));
  const sites = (): Site[] => {
    const s = sync();
    if (!s) return [];
    return [{ id: s.siteId, name: site()?.siteName ?? s.siteId }, ...s.peers.map((p) => ({ id: p.peer, name: p.name ?? p.peer }))];
  };
  const siteName = (id: string) => sites().find((s) => s.id === id)?.name ?? id;
  const [open, setOpen] = createSignal<string>();
  const reload = async () => {
    await refetch();
  };
  return (
    <section aria-labelledby="library-title">
      <h1 id="library-title">{t('library.title')}</h1>
      <p>{t('library.intro')}</p>
      <ErrorNote error={packs.error} onRetry={() => void refetch()} />
      <Show when={packs()} fallback={<Loading />}>
        {(l) => (
          <Show when={l().packs.length > 0} fallback={<p class="muted">{t('library.none')}</p>}>
            <ul class="list">
              {/* By place, not by object: a list fetched again after a change keeps the opened pack's forms. */}
              <Index each={l().packs}>
                {(pack) => (
                  <li>
                    <strong>{pack().title}</strong>
                    <span class="muted">
                      {tn(pack().itemCount, 'library.packOne', 'library.pack', { size: fmt.bytes(pack().bytes) })} · {t('library.here', { size: fmt.bytes(pack().presentBytes) })}
                    </span>
                    <Show when={pack().pinnedTo.length > 0}>
                      <span class="muted">{t('library.keptBy', { sites: pack().pinnedTo.map(siteName).join(', ') })}</span>
                    </Show>
                    <Show when={pack().description}>
                      <p class="body">{pack().description}</p>
                    </Show>
                    <div class="toolbar">
                      <button type="button" aria-expanded={open() === pack().id} onClick={() => setOpen(open() === pack().id ? undefined : pack().id)}>
                        {t('library.open')} <span class="visually-hidden">{pack().title}</span>
                      </button>
                    </div>
                    <Show when={open() === pack().id}>
                      <PackItems
                        path={`${base()}/${encodeURIComponent(pack().id)}`}
                        files={`${API}/spaces/${encodeURIComponent(space()!.id)}/files`}
                        pack={pack()}
                        admin={admin()}
                        sites={sites()}
                        onChanged={reload}
                      />
                    </Show>
                  </li>
                )}
              </Index>
            </ul>
          </Show>
        )}
      </Show>
      <Show when={admin()}>
        <NewPack
          path={base()}
          onMade={async (p) => {
            await refetch();
            setOpen(p.id);
          }}
        />
      </Show>
    </section>
  );
}

function NewPack(props: { path: string; onMade: (pack: PackDetail) => Promise<void> }): JSX.Element {
  const [title, setTitle] = createSignal('');
  const [description, setDescription] = createSignal('');
  const make = createAction(async () => {
    const pack = await api.send<PackDetail>('POST', props.path, { title: title().trim(), description: description().trim() });
    setTitle('');
    setDescription('');
    await props.onMade(pack);
  });
  return (
    <>
      <h2>{t('library.new')}</h2>
      <ActionForm run={make.run}>
        <Field label={t('library.packTitle')}>{(id) => <input id={id} required maxlength={200} value={title()} onInput={(e) => setTitle(e.currentTarget.value)} />}</Field>
        <Field label={t('library.description')}>
          {(id) => <textarea id={id} rows={3} maxlength={5000} value={description()} onInput={(e) => setDescription(e.currentTarget.value)} />}
        </Field>
        <FormActions error={make.error()} busy={make.busy()} submitLabel={t('library.new')} />
      </ActionForm>
    </>
  );
}
