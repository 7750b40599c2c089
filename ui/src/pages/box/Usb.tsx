/**
 * USB bundles for a site with no link: export what a site lacks (or everything) as a
 * file to save on the stick, and import a bundle brought from another site.
 */
import { For, Show, createResource, createSignal, onCleanup, type JSX } from 'solid-js';
import { API, CSRF_HEADER, parseBody, sendFile, toApiError, type SyncStatus, type Upload } from '../../api/index.js';
import { createAction, fmt, lang, t, api, sessionInfo, ErrorNote, Field, Info } from '../../app/index.js';
import type { ImportSummary } from './types.js';

export function Usb(): JSX.Element {
  const [status] = createResource(() => api.get<SyncStatus>('/sync/status'));
  const [target, setTarget] = createSignal('');
  const [exported, setExported] = createSignal<{ url: string; name: string; size: number }>();
  onCleanup(() => {
    const e = exported();
    if (e) URL.revokeObjectURL(e.url);
  });

  const exportBundle = createAction(async () => {
    const res = await fetch(`${API}/bundles/export`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', [CSRF_HEADER]: sessionInfo()?.csrfToken ?? '' },
      body: JSON.stringify(target() ? { for: target() } : {}),
    }).catch(() => undefined);
    if (!res) throw toApiError(lang(), 0, undefined);
    if (!res.ok) throw toApiError(lang(), res.status, parseBody(await res.text()));
    const name = /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') ?? '')?.[1] ?? 'solidaire.bundle';
    const blob = await res.blob();
    const old = exported();
    if (old) URL.revokeObjectURL(old.url);
    setExported({ url: URL.createObjectURL(blob), name, size: blob.size });
  });

  return (
    <section aria-labelledby="usb-title">
      <h1 id="usb-title">{t('admin.usb')}</h1>
      <p>{t('usb.intro')}</p>
      <form
        class="card"
        onSubmit={(e) => {
          e.preventDefault();
          void exportBundle.run();
        }}
      >
        <h2>{t('usb.export')}</h2>
        <Field label={t('usb.for')}>
          {(id) => (
            <select id={id} onChange={(e) => setTarget(e.currentTarget.value)}>
              <option value="">{t('usb.everything')}</option>
              <For each={status()?.peers ?? []}>{(p) => <option value={p.peer}>{p.name ?? p.peer}</option>}</For>
            </select>
          )}
        </Field>
        <ErrorNote error={exportBundle.error()} />
        <Show when={exported()}>
          {(e) => (
            <Info>
              {t('usb.exported', { size: fmt.bytes(e().size) })}{' '}
              <a href={e().url} download={e().name}>
                {e().name}
              </a>
            </Info>
          )}
        </Show>
        <button type="submit" class="primary" disabled={exportBundle.busy()}>
          {exportBundle.busy() ? t('usb.exporting') : t('usb.export')}
        </button>
      </form>
      <ImportForm />
    </section>
  );
}

function ImportForm(): JSX.Element {
  let input: HTMLInputElement | undefined;
  const [progress, setProgress] = createSignal<number>();
  const [result, setResult] = createSignal<ImportSummary>();
  const [upload, setUpload] = createSignal<Upload<ImportSummary>>();
  onCleanup(() => upload()?.abort());
  const run = createAction(async () => {
    const file = input?.files?.[0];
    if (!file) return;
    setResult(undefined);
    setProgress(0);
    const up = sendFile<ImportSummary>({
      path: '/bundles/import',
      file,
      contentType: 'application/octet-stream',
      csrf: sessionInfo()?.csrfToken,
      lang: lang(),
      onProgress: (sent, total) => setProgress(total > 0 ? Math.round((sent / total) * 100) : 0),
    });
    setUpload(up);
    try {
      setResult(await up.done);
      if (input) input.value = '';
    } finally {
      setUpload(undefined);
      setProgress(undefined);
    }
  });
  return (
    <form
      class="card"
      onSubmit={(e) => {
        e.preventDefault();
        void run.run();
      }}
    >
      <h2>{t('usb.import')}</h2>
      <Field label={t('usb.file')}>{(id) => <input id={id} type="file" accept=".bundle,application/octet-stream" required ref={input} />}</Field>
      <Show when={progress() !== undefined}>
        <p id="usb-progress" aria-live="polite">
          {t('usb.importing', { pct: fmt.percent(progress() ?? 0) })}
        </p>
        <progress max="100" value={progress()} aria-labelledby="usb-progress" />
      </Show>
      <ErrorNote error={run.error()} />
      <Show when={result()}>{(r) => <Info>{t('usb.imported', { applied: fmt.number(r().applied), ignored: fmt.number(r().ignored) })}</Info>}</Show>
      <button type="submit" class="primary" disabled={run.busy()}>
        {t('usb.import')}
      </button>
    </form>
  );
}
