/**
 * What a volunteer does to a site itself, from its page: a new enrollment file while it is
 * not enrolled (the first one was lost or expired; the old one stops working), or its
 * revocation, asked once more in words that say what it does. A revoked site says since when.
 */
import { Show, createSignal, type JSX } from 'solid-js';
import { relay } from './api.js';
import { EnrollmentDownload, enrollmentOffer } from './Download.js';
import { fmt, t } from './locale.js';
import type { Site } from './types.js';
import { ErrorNote } from './ui.js';

export function Manage(props: { site: Site; onChange: () => void }): JSX.Element {
  // The relay's answer counts at once; the page's next refresh says the same.
  const [answered, setAnswered] = createSignal<Site>();
  const site = () => answered() ?? props.site;
  const [offered, offer] = enrollmentOffer();
  const [asking, setAsking] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>();
  let revokeButton: HTMLButtonElement | undefined;

  async function act(action: () => Promise<void>): Promise<void> {
    setBusy(true);
    setError(undefined);
    try {
      await action();
      props.onChange();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const renew = () => act(async () => offer(await relay.renew(props.site.id)));
  const revoke = () =>
    act(async () => {
      setAnswered(await relay.revoke(props.site.id));
      setAsking(false);
    });
  function cancel(): void {
    setAsking(false);
    revokeButton?.focus();
  }

  return (
    <>
      <h2>{t('site.manage')}</h2>
      <Show
        when={site().revokedAt === null}
        fallback={
          // Just revoked here: the question is gone, the focus goes to its answer.
          <p class="note" role="status" tabindex="-1" ref={(el) => answered() && queueMicrotask(() => el.focus())}>
            {t('site.revokedAt', { date: fmt.dateTime(site().revokedAt ?? 0) })}
          </p>
        }
      >
        {/* The relay makes a new file only for a site not enrolled yet: a site's key is its box's. */}
        <Show when={site().enrolledAt === null} fallback={<p>{t('site.replaceHelp')}</p>}>
          <div class="card renew">
            <p>{t('site.renewHelp')}</p>
            <Show when={site().tokenExpires}>
              {(at) => <p class="muted">{t(at() < Date.now() ? 'site.tokenExpired' : 'site.tokenExpires', { date: fmt.dateTime(at()) })}</p>}
            </Show>
            <EnrollmentDownload offered={offered()} message={(name) => t('site.renewed', { name })} />
            <button type="button" disabled={busy()} onClick={() => void renew()}>
              {t('site.renew')}
            </button>
          </div>
        </Show>
        <ErrorNote error={error()} />
        <Show
          when={asking()}
          fallback={
            <button type="button" class="danger" ref={revokeButton} onClick={() => setAsking(true)}>
              {t('site.revoke')}
            </button>
          }
        >
          <div class="note confirm" role="alertdialog" aria-labelledby="revoke-title" aria-describedby="revoke-what">
            <h3 id="revoke-title">{t('site.revokeTitle', { name: site().name })}</h3>
            <p id="revoke-what">{t('site.revokeWhat')}</p>
            <div class="toolbar">
              <button type="button" class="danger" disabled={busy()} onClick={() => void revoke()}>
                {t('site.revokeConfirm', { name: site().name })}
              </button>
              {/* The safe choice has the focus: Enter on a stray key press cancels. */}
              <button type="button" ref={(el) => queueMicrotask(() => el.focus())} onClick={cancel}>
                {t('app.cancel')}
              </button>
            </div>
          </div>
        </Show>
      </Show>
    </>
  );
}
