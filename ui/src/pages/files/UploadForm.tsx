/** Choose a file and send it, with a progress bar the screen reader can follow too. */
import { Show, createSignal, onCleanup, type JSX } from 'solid-js';
import { uploadFile, type ApiError, type Upload } from '../../api/index.js';
import { fmt, lang, t, sessionInfo, sessionLost, ErrorNote, Field, Info } from '../../app/index.js';

interface Props {
  space: string;
  folder: string;
  onUploaded: () => void;
}

export function UploadForm(props: Props): JSX.Element {
  let input: HTMLInputElement | undefined;
  const [current, setCurrent] = createSignal<{ name: string; sent: number; total: number }>();
  const [upload, setUpload] = createSignal<Upload<unknown>>();
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
    const up = uploadFile({
      space: props.space,
      folder: props.folder,
      file,
      csrf: sessionInfo()?.csrfToken,
      lang: lang(),
      onProgress: (sent, total) => setCurrent({ name: file.name, sent, total }),
    });
    setUpload(up);
    try {
      await up.done;
      setDone(t('files.done', { name: file.name }));
      if (input) input.value = '';
      props.onUploaded();
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
      <Field label={t('files.choose')}>{(id) => <input id={id} type="file" required ref={input} disabled={!!upload()} />}</Field>
      <Show
        when={current()}
        fallback={
          <button type="submit" class="primary">
            {t('files.upload')}
          </button>
        }
      >
        {(c) => (
          <div>
            <p id="upload-progress-label" aria-live="polite">
              {t('files.progress', { name: c().name, pct: fmt.percent(pct()) })} · {fmt.bytes(c().sent)} / {fmt.bytes(c().total)}
            </p>
            <progress max="100" value={pct()} aria-labelledby="upload-progress-label" />
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
