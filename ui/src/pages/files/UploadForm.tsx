/**
 * Choose a file and send it, with a progress bar the screen reader can follow too. Where
 * it goes is the caller's: a space's folder (the files page), a content pack (the library).
 */
import { Show, createSignal, createUniqueId, onCleanup, type JSX } from 'solid-js';
import type { ApiError, Upload } from '../../api/index.js';
import { fmt, t, sessionLost, ErrorNote, Field, Info } from '../../app/index.js';

export type StartUpload<T> = (file: File, onProgress: (sent: number, total: number) => void) => Upload<T>;

interface Props<T> {
  start: StartUpload<T>;
  onUploaded: (result: T) => void;
  /** The button's words; "Déposer un fichier" unless given. */
  submitLabel?: string;
  /** What to say once the box has answered; "« name » est déposé." unless given. */
  doneText?: (result: T, name: string) => string;
  /** The file input's accept attribute. */
  accept?: string;
  /** The file input's label; "Fichier à déposer" unless given. */
  chooseLabel?: string;
}

export function UploadForm<T>(props: Props<T>): JSX.Element {
  let input: HTMLInputElement | undefined;
  const progressId = createUniqueId();
  const [current, setCurrent] = createSignal<{ name: string; sent: number; total: number }>();
  const [upload, setUpload] = createSignal<Upload<T>>();
  const [error, setError] = createSignal<unknown>();
  const [done, setDone] = createSignal('');
  onCleanup(() => upload()?.abort());

  async function submit(e: Event): Promise<void> {
    e.preventDefault();
    const file = input?.files?.[0];
    if (!file) return;
    setError(undefined);
    setDone('');
    setCurrent({ name: file.name, sent: 0, total: file.size });
    const up = props.start(file, (sent, total) => setCurrent({ name: file.name, sent, total }));
    setUpload(up);
    try {
      const result = await up.done;
      setDone(props.doneText ? props.doneText(result, file.name) : t('files.done', { name: file.name }));
      if (input) input.value = '';
      props.onUploaded(result);
    } catch (err) {
      const failed = err as ApiError;
      setError(failed.code === 'aborted' ? new Error(t('error.aborted')) : err);
      if (failed.sessionLost) sessionLost();
    } finally {
      setUpload(undefined);
      setCurrent(undefined);
    }
  }

  const pct = () => {
    const c = current();
    return c && c.total > 0 ? Math.round((c.sent / c.total) * 100) : 0;
  };

  return (
    <form class="card" onSubmit={(e) => void submit(e)}>
      <Field label={props.chooseLabel ?? t('files.choose')}>{(id) => <input id={id} type="file" accept={props.accept} required ref={input} disabled={!!upload()} />}</Field>
      <Show
        when={current()}
        fallback={
          <button type="submit" class="primary">
            {props.submitLabel ?? t('files.upload')}
          </button>
        }
      >
        {(c) => (
          <div>
            <p id={progressId} aria-live="polite">
              {t('files.progress', { name: c().name, pct: fmt.percent(pct()) })} · {fmt.bytes(c().sent)} / {fmt.bytes(c().total)}
            </p>
            <progress max="100" value={pct()} aria-labelledby={progressId} />
            <div class="toolbar">
              <button type="button" onClick={() => upload()?.abort()}>
                {t('files.abort')}
              </button>
            </div>
          </div>
        )}
      </Show>
      <ErrorNote error={error()} />
      <Show when={done()}>
        <Info>{done()}</Info>
      </Show>
    </form>
  );
}
