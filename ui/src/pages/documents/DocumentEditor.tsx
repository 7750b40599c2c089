/** The edit form of a document, its text kept as a draft at every keystroke. */
import { Show, createSignal, type JSX } from 'solid-js';
import type { DocumentView } from '../../api/index.js';
import { type Draft, t, api, ErrorNote, Field, Info } from '../../app/index.js';

export interface DocDraft {
  baseVersion: number;
  title: string;
  text: string;
}

interface Props {
  path: string;
  doc: DocumentView;
  draft: Draft<DocDraft>;
  onDone: (saved: DocumentView | undefined, merged: boolean) => void;
}

export function DocumentEditor(props: Props): JSX.Element {
  const kept = props.draft.read();
  const restored = kept !== undefined && (kept.text !== props.doc.text || kept.title !== props.doc.title);
  const start: DocDraft = kept ?? { baseVersion: props.doc.version, title: props.doc.title, text: props.doc.text };
  const [title, setTitle] = createSignal(start.title);
  const [text, setText] = createSignal(start.text);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>();
  const keep = () => props.draft.write({ baseVersion: start.baseVersion, title: title(), text: text() });

  async function save(e: Event): Promise<void> {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const sent = { title: title().trim(), text: text(), baseVersion: start.baseVersion };
      const saved = await api.send<DocumentView>('PUT', props.path, sent);
      props.draft.clear();
      props.onDone(saved, saved.text !== sent.text);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  function cancel(): void {
    props.draft.clear();
    props.onDone(undefined, false);
  }

  return (
    <form class="editor" onSubmit={(e) => void save(e)}>
      <h1 id="doc-title">{t('docs.editing', { title: props.doc.title })}</h1>
      <Show when={restored}>
        <Info>{t('app.draftKept')}</Info>
      </Show>
      <Field label={t('docs.titleLabel')}>
        {(id) => (
          <input
            id={id}
            required
            maxlength={200}
            value={title()}
            onInput={(e) => {
              setTitle(e.currentTarget.value);
              keep();
            }}
          />
        )}
      </Field>
      <Field label={t('docs.textLabel')} help={t('docs.textHelp')}>
        {(id, help) => (
          <textarea
            id={id}
            aria-describedby={help}
            rows={18}
            value={text()}
            onInput={(e) => {
              setText(e.currentTarget.value);
              keep();
            }}
          />
        )}
      </Field>
      <ErrorNote error={error()} />
      <div class="toolbar">
        <button type="submit" class="primary" disabled={busy()}>
          {busy() ? t('app.saving') : t('app.save')}
        </button>
        <button type="button" onClick={cancel}>
          {t('app.cancel')}
        </button>
      </div>
    </form>
  );
}
