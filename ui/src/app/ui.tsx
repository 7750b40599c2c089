/** Small pieces every page uses: an error note, a loading line, a labelled field, a form's buttons. */
import { Show, createUniqueId, type JSX } from 'solid-js';
import { t } from './locale.js';

export function ErrorNote(props: { error: unknown; onRetry?: () => void }): JSX.Element {
  const message = () => {
    const e = props.error;
    if (!e) return '';
    return e instanceof Error && e.message ? e.message : t('error.unknown');
  };
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

export function Info(props: { children: JSX.Element }): JSX.Element {
  return (
    <p class="note" role="status">
      {props.children}
    </p>
  );
}

export function Loading(): JSX.Element {
  return (
    <p class="muted" role="status">
      {t('app.loading')}
    </p>
  );
}

interface FieldProps {
  label: string;
  help?: string;
  children: (id: string, helpId: string | undefined) => JSX.Element;
}

/** A label tied to its control, and help text the screen reader reads with it. */
export function Field(props: FieldProps): JSX.Element {
  const id = createUniqueId();
  const helpId = props.help ? id + '-help' : undefined;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.children(id, helpId)}
      <Show when={props.help}>
        <p class="help" id={helpId}>
          {props.help}
        </p>
      </Show>
    </div>
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
