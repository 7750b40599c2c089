/** Small pieces the dashboard's pages share: an error note, a loading line, a labelled field, a status badge. */
import type { JSX } from 'solid-js';
import { Field, notes } from '../common/index.js';
import { t } from './locale.js';
import type { SiteStatus } from './status.js';

// An error without a message is shown as it is.
export const { ErrorNote, Loading } = notes({ retry: () => t('app.retry'), loading: () => t('app.loading'), unknown: (e) => String(e) });
export { Field };

/** A colour and its word, so the state reads without telling colours apart. */
export function StatusBadge(props: { status: SiteStatus }): JSX.Element {
  return (
    <span class={`status status-${props.status}`} data-status={props.status}>
      <span class="dot" aria-hidden="true" />
      {t(`status.${props.status}`)}
    </span>
  );
}
