/** A space's conversations, a form to start one, and messages to another site's space. */
import { A, useNavigate } from '@solidjs/router';
import { For, Show, createResource, type JSX } from 'solid-js';
import type { Thread } from '../../api/index.js';
import { fmt, t, tn, api, spacePath, useSpace, ErrorNote, Loading } from '../../app/index.js';
import { MessageForm } from './MessageForm.js';
import { Outbox } from './Outbox.js';

export function Threads(): JSX.Element {
  const space = useSpace();
  const navigate = useNavigate();
  const base = () => `/spaces/${encodeURIComponent(space()!.id)}/threads`;
  const [threads, { refetch }] = createResource(
    () => space() && base(),
    (p) => api.get<{ threads: Thread[] }>(p),
  );

  async function start(subject: string, body: string): Promise<void> {
    const made = await api.send<{ thread: Thread }>('POST', base(), { subject, body });
    navigate(spacePath(space()!.id, `messages/${encodeURIComponent(made.thread.id)}`));
  }

  return (
    <section aria-labelledby="msg-title">
      <h1 id="msg-title">{t('msg.title')}</h1>
      <Show when={!threads.loading || threads()} fallback={<Loading />}>
        <ErrorNote error={threads.error} onRetry={() => void refetch()} />
        <Show when={threads()}>
          {(list) => (
            <Show when={list().threads.length > 0} fallback={<p class="muted">{t('msg.none')}</p>}>
              <ul class="list">
                <For each={list().threads}>
                  {(th) => (
                    <li>
                      <A href={spacePath(space()!.id, `messages/${encodeURIComponent(th.id)}`)}>{th.subject ?? '…'}</A>
                      <span class="muted">
                        {t('msg.last', { when: fmt.ago(th.lastAt), by: th.lastBy })} · {tn(th.count, 'msg.countOne', 'msg.count')}
                      </span>
                      <Show when={th.fromSpace}>{(from) => <span class="muted">{t('msg.from', { space: from() })}</span>}</Show>
                    </li>
                  )}
                </For>
              </ul>
            </Show>
          )}
        </Show>
      </Show>
      <Show when={space()?.canWrite}>
        <h2>{t('msg.newThread')}</h2>
        <MessageForm
          draftKey={`thread.${space()!.id}`}
          withSubject
          bodyLabel={t('msg.body')}
          submitLabel={t('app.send')}
          send={(f) => start(f.subject, f.body)}
        />
        <Outbox />
      </Show>
    </section>
  );
}
