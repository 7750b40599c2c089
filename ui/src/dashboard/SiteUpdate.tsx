/**
 * A site's updates as its box told the relay: what the last installation did, and where the
 * last release offered or brought stands. A live region: a screen reader hears it change.
 */
import { Show, type JSX } from 'solid-js';
import { deliverySentence, lastUpdateSentence, pendingDelivery, readUpdateReport, updateTrouble, type UpdateWords } from '../common/index.js';
import { fmt, lang, t } from './locale.js';
import type { Site } from './types.js';

const words = (): UpdateWords => ({ say: t, dateTime: fmt.dateTime, french: lang() === 'fr' });

export function SiteUpdate(props: { site: Site }): JSX.Element {
  const report = () => readUpdateReport(props.site.update);
  return (
    <>
      <h2>{t('site.updates')}</h2>
      <div role="status" data-live="update">
        <Show when={report()} fallback={<p class="muted">{t('site.updateUnknown')}</p>}>
          {(r) => (
            <>
              <p>{lastUpdateSentence(words(), r().last)}</p>
              <Show when={pendingDelivery(r())}>{(d) => <p data-delivery={d().state}>{deliverySentence(words(), d())}</p>}</Show>
            </>
          )}
        </Show>
      </div>
    </>
  );
}

/** A short word for the fleet's list when the site's last update went wrong; nothing otherwise. */
export function UpdateTrouble(props: { site: Site }): JSX.Element {
  const trouble = () => {
    const r = readUpdateReport(props.site.update);
    return r ? updateTrouble(r) : null;
  };
  return <Show when={trouble()}>{(k) => <span class="trouble" data-update={k()}>{t(`sites.update.${k()}`)}</span>}</Show>;
}
