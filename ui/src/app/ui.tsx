/** Small pieces every page uses: an error note, a loading line, a labelled field, a form and its buttons. */
import { Show, type JSX } from 'solid-js';
import { Field, notes } from '../common/index.js';
import { t } from './locale.js';

export const { ErrorNote, Loading } = notes({ retry: () => t('app.retry'), loading: () => t('app.loading'), unknown: () => t('error.unknown') });
export { Field };

export function Info(props: { children: JSX.Element }): JSX.Element {
  return (
    <p class="note" role="status">
      {props.children}
    </p>
  );
}

/** The end of a form: what went wrong, the submit button (off while busy), and Cancel when it can be. */
export function FormActions(props: { error: unknown; busy: boolean; submitLabel: string; onCancel?: () => void }): JSX.Element {
  return (
    <>
      <ErrorNote error={props.error} />
      <div class="toolbar">
        <button type="submit" class="primary" disabled={props.busy}>
          {props.submitLabel}
        </button>
        <Show when={props.onCancel}>
          <button type="button" onClick={() => props.onCancel?.()}>
            {t('app.cancel')}
          </button>
        </Show>
      </div>
    </>
  );
}

/** A form whose submit runs an action (the page stays: no navigation). */
export function ActionForm(props: { run: () => Promise<void>; class?: string; children: JSX.Element }): JSX.Element {
  return (
    <form
      class={props.class ?? 'card'}
      onSubmit={(e) => {
        e.preventDefault();
        void props.run();
      }}
    >
      {props.children}
    </form>
  );
}
