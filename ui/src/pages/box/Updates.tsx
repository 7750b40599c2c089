/**
 * Updates of the box: the version in service, what the last update did, and a release
 * file (from a USB stick, say) handed to the box. The box checks it at once and installs
 * it itself shortly after; it goes back to the version before if the new one does not start.
 */
import { Show, createResource, type JSX } from 'solid-js';
import { sendFile } from '../../api/index.js';
import { fmt, lang, t, api, sessionInfo, ErrorNote, Info, Loading } from '../../app/index.js';
import { UploadForm } from '../files/index.js';
import type { UpdateQueued, UpdateStatus } from './types.js';

/** "factory": the release the box was made with. */
const versionName = (v: string) => (v === 'factory' ? t('updates.factory') : v);

export function Updates(): JSX.Element {
  const [status, { refetch }] = createResource(() => api.get<UpdateStatus>('/updates'));
  return (
    <section aria-labelledby="updates-title">
      <h1 id="updates-title">{t('admin.updates')}</h1>
      <ErrorNote error={status.error} onRetry={() => void refetch()} />
      <Show when={status()} fallback={<Loading />}>
        {(s) => (
          <>
            <p role="status">
              <strong>{t('updates.running', { version: s().version })}</strong>
            </p>
            <p>{lastSentence(s().last)}</p>
            <Show when={s().waiting.length > 0}>
              <p>{t('updates.waiting', { versions: s().waiting.join(', ') })}</p>
            </Show>
            <h2>{t('updates.send')}</h2>
            <Show when={s().accepts} fallback={<p class="note">{t('error.updates_disabled')}</p>}>
              <p>{t('updates.intro')}</p>
              <UploadForm<UpdateQueued>
                chooseLabel={t('updates.file')}
                submitLabel={t('updates.send')}
                accept=".release,application/octet-stream"
                start={(file, onProgress) => sendFile<UpdateQueued>({ path: '/updates', file, contentType: 'application/octet-stream', csrf: sessionInfo()?.csrfToken, lang: lang(), onProgress })}
                doneText={(r) => t('updates.queued', { version: r.version, running: s().version })}
                onUploaded={() => void refetch()}
              />
            </Show>
          </>
        )}
      </Show>
    </section>
  );
}

function lastSentence(last: UpdateStatus['last']): string {
  if (!last) return t('updates.none');
  const words = { version: last.version, previous: versionName(last.previous), when: fmt.dateTime(last.at) };
  if (last.result === 'applied') return t('updates.applied', words);
  // The box writes its reason in French: said in French only, where it is not a second language.
  return t('updates.rolledBack', words) + (last.reason && lang() === 'fr' ? ` ${t('updates.reason', { reason: last.reason })}` : '');
}
