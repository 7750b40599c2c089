/**
 * Messages to an association's space at another site: they wait in this box's outbox
 * until a sync carries them, and the list says which are still waiting.
 */
import { For, Show, createResource, type JSX } from 'solid-js';
import type { OutboxEntry } from '../../api/index.js';
import { fmt, t, api, useSpace, ErrorNote } from '../../app/index.js';
import { MessageForm } from './MessageForm.js';

export function Outbox(): JSX.Element {
  const space = useSpace();
  const path = () => `/spaces/${encodeURIComponent(space()!.id)}/outbox`;
  const [sent, { refetch }] = createResource(
    () => space() && path(),
    (p) => api.get<{ messages: OutboxEntry[] }>(p),
  );

  async function send(to: string, subject: string, body: string): Promise<void> {
    await api.send('POST', path(), { to, subject, body });
    void refetch();
  }

  return (
    <section aria-labelledby="outbox-title">
      <h2 id="outbox-title">{t('msg.other')}</h2>
      <p class="help">{t('msg.otherHelp')}</p>
      <MessageForm
        draftKey={`outbox.${space()!.id}`}
        withSubject
        withRecipient
        bodyLabel={t('msg.body')}
        submitLabel={t('app.send')}
        send={(f) => send(f.to, f.subject, f.body)}
      />
      <ErrorNote error={sent.error} onRetry={() => void refetch()} />
      <Show when={(sent()?.messages.length ?? 0) > 0}>
        <h3>{t('msg.outbox')}</h3>
        <ul class="list">
          <For each={sent()!.messages}>
            {(m) => (
              <li>
                <strong>{m.subject ?? '…'}</strong>
                <span class="muted">
                  {t('msg.toSpace', { space: m.to })} · {fmt.dateTime(m.at)} · {m.status === 'pending' ? t('msg.pending') : t('msg.delivered')}
                </span>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </section>
  );
}
