/** Rename a file or move it to another folder (a folder is made by naming it). */
import { createSignal, type JSX } from 'solid-js';
import type { StoredFile } from '../../api/index.js';
import { api, createAction, ErrorNote, Field, t } from '../../app/index.js';

interface Props {
  path: string;
  file: StoredFile;
  onDone: (changed: boolean) => void;
}

export function FileMove(props: Props): JSX.Element {
  const [name, setName] = createSignal(props.file.name);
  const [folder, setFolder] = createSignal(props.file.folder);
  const save = createAction(async () => {
    await api.send('PATCH', props.path, { name: name().trim(), folder: folder().trim() });
    props.onDone(true);
  });
  return (
    <form
      class="card"
      onSubmit={(e) => {
        e.preventDefault();
        void save.run();
      }}
    >
      <Field label={t('files.name')}>{(id) => <input id={id} required maxlength={255} value={name()} onInput={(e) => setName(e.currentTarget.value)} />}</Field>
      <Field label={t('files.folderField')} help={t('files.folderHelp')}>
        {(id, help) => <input id={id} maxlength={2048} aria-describedby={help} value={folder()} onInput={(e) => setFolder(e.currentTarget.value)} />}
      </Field>
      <ErrorNote error={save.error()} />
      <div class="toolbar">
        <button type="submit" class="primary" disabled={save.busy()}>
          {t('app.save')}
        </button>
        <button type="button" onClick={() => props.onDone(false)}>
          {t('app.cancel')}
        </button>
      </div>
    </form>
  );
}
