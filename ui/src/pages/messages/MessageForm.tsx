/** A message form (subject if asked, body, recipient space if asked), kept as a draft. */
import { Show, createSignal, type JSX } from 'solid-js';
import { draftForm, t, ErrorNote, Field, Info } from '../../app/index.js';

export interface MessageFields extends Record<string, string> {
  to: string;
  subject: string;
  body: string;
}

interface Props {
  draftKey: string;
  withSubject: boolean;
  withRecipient?: boolean;
  bodyLabel: string;
  submitLabel: string;
  send: (fields: MessageFields) => Promise<void>;
}

export function MessageForm(props: Props): JSX.Element {
  const form = draftForm<MessageFields>(props.draftKey, { to: '', subject: '', body: '' });
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>();

  async function submit(e: Event): Promise<void> {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const v = form.values();
      await props.send({ to: v.to.trim(), subject: v.subject.trim(), body: v.body.trim() });
      form.clear();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={(e) => void submit(e)}>
      <Show when={form.restored}>
        <Info>{t('app.draftKept')}</Info>
      </Show>
      <Show when={props.withRecipient}>
        <Field label={t('msg.to')} help={t('msg.toHelp')}>
          {(id, help) => (
            <input id={id} aria-describedby={help} required autocapitalize="none" value={form.values().to} onInput={(e) => form.set('to', e.currentTarget.value)} />
          )}
        </Field>
      </Show>
      <Show when={props.withSubject}>
        <Field label={t('msg.subject')}>
          {(id) => <input id={id} required maxlength={200} value={form.values().subject} onInput={(e) => form.set('subject', e.currentTarget.value)} />}
        </Field>
      </Show>
      <Field label={props.bodyLabel}>
        {(id) => <textarea id={id} required rows={5} maxlength={20000} value={form.values().body} onInput={(e) => form.set('body', e.currentTarget.value)} />}
      </Field>
      <ErrorNote error={error()} />
      <button type="submit" class="primary" disabled={busy()}>
        {busy() ? t('app.sending') : props.submitLabel}
      </button>
    </form>
  );
}
