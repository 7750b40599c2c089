/** Small pieces the dashboard's pages share: an error note, a loading line, a labelled field, a status badge. */
import { Show, createUniqueId, type JSX } from 'solid-js';
import { t } from './locale.js';
import type { SiteStatus } from './status.js';

export function ErrorNote(props: { error: unknown; onRetry?: () => void }): JSX.Element {
  const message = () => (props.error instanceof Error && props.error.message ? props.error.message : String(props.error));
  return (
    <Show when={props.error}>
      <div class="note error" role="alert">
        <p>{message()}</p>
        <Show when={props.onRetry}>
          <button type="button" onClick={() => props.onRetry?.()}>
            {t('app.retry')}
          </button>
        </Show>
      </div>
    </Show>
  );
}

export function Loading(): JSX.Element {
  return (
    <p class="muted" role="status">
      {t('app.loading')}
    </p>
  );
}

export function Field(props: { label: string; children: (id: string) => JSX.Element }): JSX.Element {
  const id = createUniqueId();
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.children(id)}
    </div>
  );
}

/** A colour and its word, so the state reads without telling colours apart. */
export function StatusBadge(props: { status: SiteStatus }): JSX.Element {
  return (
    <span class={`status status-${props.status}`} data-status={props.status}>
      <span class="dot" aria-hidden="true" />
      {t(`status.${props.status}`)}
    </span>
  );
}
