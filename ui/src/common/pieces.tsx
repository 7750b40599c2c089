/**
 * Small pieces both apps (the workspace and the dashboard) use: an error note, a loading
 * line, a labelled field. They hold no words of their own: each app makes them with its
 * catalogue (`notes(words)`), so one markup serves two message catalogues.
 */
import { Show, createUniqueId, type JSX } from 'solid-js';

export interface NoteWords {
  readonly retry: () => string;
  readonly loading: () => string;
  /** What to say of an error that carries no message. */
  readonly unknown: (error: unknown) => string;
}

export function notes(words: NoteWords) {
  function ErrorNote(props: { error: unknown; onRetry?: () => void }): JSX.Element {
    const message = () => {
      const e = props.error;
      if (!e) return '';
      return e instanceof Error && e.message ? e.message : words.unknown(e);
    };
    return (
      <Show when={props.error}>
        <div class="note error" role="alert">
          <p>{message()}</p>
          <Show when={props.onRetry}>
            <button type="button" onClick={() => props.onRetry?.()}>
              {words.retry()}
            </button>
          </Show>
        </div>
      </Show>
    );
  }

  function Loading(): JSX.Element {
    return (
      <p class="muted" role="status">
        {words.loading()}
      </p>
    );
  }

  return { ErrorNote, Loading };
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
