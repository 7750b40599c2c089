/**
 * The sync state in plain words: when this box last synced with each site, what waits
 * for it, and how much of each paid link's monthly plan is used. Asked again every few
 * seconds while the page is open; a screen reader hears what changes (syncSummary).
 */
import { For, Show, createSignal, type JSX } from 'solid-js';
import { polled } from '../../common/index.js';
import { syncErrorText, type SyncLink, type SyncPeer, type SyncStatus } from '../../api/index.js';
import { fmt, lang, t, tn, api, sessionInfo, ErrorNote, Info, Loading } from '../../app/index.js';

export function peerSentences(p: SyncPeer): string[] {
  const site = siteOf(p);
  return [p.lastSyncAt === null ? t('sync.never', { site }) : t('sync.peer', { site, when: fmt.ago(p.lastSyncAt) }), ...peerState(p)];
}

const siteOf = (p: SyncPeer) => p.name ?? p.peer.slice(0, 12);

/** Where a peer stands, without the time since its last sync (which changes every minute). */
function peerState(p: SyncPeer): string[] {
  const site = siteOf(p);
  const lines: string[] = [];
  if (p.pendingOps !== null) lines.push(p.pendingOps > 0 ? tn(p.pendingOps, 'sync.pendingOne', 'sync.pending', { site }) : t('sync.upToDate', { site }));
  else if (p.lastSyncAt === null) lines.push(t('sync.never', { site }));
  if (p.running) lines.push(t('sync.running'));
  if (p.lastError) lines.push(t('sync.error', { message: syncErrorText(lang(), p.lastError.code) }));
  return lines;
}

/**
 * What a screen reader is told when it changes (a polite live region): each peer's state,
 * the files still expected. Not the times, which would be read out at every refresh.
 */
export function syncSummary(s: SyncStatus): string {
  const lines = s.peers.reduce<string[]>((all, p) => all.concat(peerState(p)), []);
  if (s.pendingBlobs.count > 0) lines.push(tn(s.pendingBlobs.count, 'sync.pendingFilesOne', 'sync.pendingFiles', { size: fmt.bytes(s.pendingBlobs.bytes) }));
  return lines.join(' ; ');
}

export function linkName(link: string): string {
  if (link === 'lan') return t('sync.link.lan');
  if (link === 'internet') return t('sync.link.internet');
  return link;
}

export function linkSentence(l: SyncLink): string {
  const used = fmt.bytes(l.bytesIn + l.bytesOut);
  const link = linkName(l.link);
  if (!l.metered) return t('sync.free', { link, used });
  return t('sync.budget', { link, pct: fmt.percent(l.usedPct), used, budget: fmt.bytes(l.budgetBytes) });
}

export function SyncPage(): JSX.Element {
  const [status, refetch, mutate] = polled(() => api.get<SyncStatus>('/sync/status'));
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>();
  const [done, setDone] = createSignal(false);

  async function syncNow(): Promise<void> {
    setBusy(true);
    setError(undefined);
    setDone(false);
    try {
      mutate(await api.send<SyncStatus>('POST', '/sync/now'));
      setDone(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="sync-title">
      <h1 id="sync-title">{t('sync.title')}</h1>
      <p>{t('sync.intro')}</p>
      <Show when={!status.loading || status()} fallback={<Loading />}>
        <ErrorNote error={status.error} onRetry={refetch} />
        <Show when={status()}>
          {(s) => (
            <>
              <p class="visually-hidden" role="status" data-live="sync">
                {syncSummary(s())}
              </p>
              <Show when={s().peers.length > 0} fallback={<p class="note">{t('sync.noPeers')}</p>}>
                <ul class="list">
                  <For each={s().peers}>{(p) => <li>{peerSentences(p).join(' ; ')}</li>}</For>
                </ul>
              </Show>
              <Show when={s().links.length > 0}>
                <ul class="list">
                  <For each={s().links}>{(l) => <li>{linkSentence(l)}</li>}</For>
                </ul>
              </Show>
              <Show when={s().pendingBlobs.count > 0}>
                <p>{tn(s().pendingBlobs.count, 'sync.pendingFilesOne', 'sync.pendingFiles', { size: fmt.bytes(s().pendingBlobs.bytes) })}</p>
              </Show>
            </>
          )}
        </Show>
      </Show>
      <Show when={sessionInfo()?.account.boxAdmin}>
        <div class="toolbar">
          <button type="button" class="primary" disabled={busy()} onClick={() => void syncNow()}>
            {busy() ? t('sync.running') : t('sync.now')}
          </button>
        </div>
        <ErrorNote error={error()} />
        <Show when={done()}>
          <Info>{t('sync.nowDone')}</Info>
        </Show>
      </Show>
    </section>
  );
}
