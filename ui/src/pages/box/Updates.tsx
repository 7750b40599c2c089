/**
 * Updates of the box: the version in service, what the last update did, where the last
 * release offered by the relay or brought on a USB stick stands (on its way, waiting to be
 * installed, refused and why), and a release file (from a USB stick, say) handed to the
 * box. The box checks it at once and installs it itself shortly after; it goes back to
 * the version before if the new one does not start. Asked again every few seconds: a
 * screen reader hears what changes.
 */
import { Show, type JSX } from 'solid-js';
import { sendFile } from '../../api/index.js';
import { deliverySentence, lastUpdateSentence, pendingDelivery, polled, type UpdateWords } from '../../common/index.js';
import { fmt, lang, t, api, sessionInfo, ErrorNote, Info, Loading } from '../../app/index.js';
import { UploadForm } from '../files/index.js';
import type { UpdateQueued, UpdateStatus } from './types.js';

const words = (): UpdateWords => ({ say: t, dateTime: fmt.dateTime, french: lang() === 'fr' });

export function Updates(): JSX.Element {
  const [status, refetch] = polled(() => api.get<UpdateStatus>('/updates'));
  return (
    <section aria-labelledby="updates-title">
      <h1 id="updates-title">{t('admin.updates')}</h1>
      <ErrorNote error={status.error} onRetry={refetch} />
      <Show when={status()} fallback={<Loading />}>
        {(s) => (
          <>
            <div role="status" data-live="updates">
              <p>
                <strong>{t('updates.running', { version: s().version })}</strong>
              </p>
              <p>{lastUpdateSentence(words(), s().last)}</p>
              <Show when={pendingDelivery(s())}>{(d) => <p data-delivery={d().state}>{deliverySentence(words(), d())}</p>}</Show>
              <Show when={s().waiting.length > 0}>
                <p>{t('updates.waiting', { versions: s().waiting.join(', ') })}</p>
              </Show>
            </div>
            <h2>{t('updates.send')}</h2>
            <Show when={s().accepts} fallback={<p class="note">{t('error.updates_disabled')}</p>}>
              <p>{t('updates.intro')}</p>
              <UploadForm<UpdateQueued>
                chooseLabel={t('updates.file')}
                submitLabel={t('updates.send')}
                accept=".release,application/octet-stream"
                start={(file, onProgress) => sendFile<UpdateQueued>({ path: '/updates', file, contentType: 'application/octet-stream', csrf: sessionInfo()?.csrfToken, lang: lang(), onProgress })}
                doneText={(r) => t('updates.queued', { version: r.version, running: s().version })}
                onUploaded={refetch}
              />
            </Show>
          </>
        )}
      </Show>
    </section>
  );
}
