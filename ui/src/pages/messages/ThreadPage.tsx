/** One conversation, oldest message first, and the reply form. */
import { useParams } from '@solidjs/router';
import { For, Show, createResource, type JSX } from 'solid-js';
import type { ThreadDetail } from '../../api/index.js';
import { fmt, t, api, useSpace, ErrorNote, Loading } from '../../app/index.js';
import { MessageForm } from './MessageForm.js';

export function ThreadPage(): JSX.Element {
  const space = useSpace();
  const params = useParams<{ id: string }>();
  const path = () => `/spaces/${encodeURIComponent(space()!.id)}/threads/${encodeURIComponent(params.id)}`;
  const [thread, { refetch }] = createResource(
    () => space() && params.id && path(),
    (p) => api.get<ThreadDetail>(p),
  );

  async function reply(body: string): Promise<void> {
    await api.send('POST', `${path()}/messages`, { body });
    await refetch();
  }

  return (
    <Show when={!thread.loading || thread()} fallback={<Loading />}>
      <ErrorNote error={thread.error} onRetry={() => void refetch()} />
      <Show when={thread()}>
        {(th) => (
          <article aria-labelledby="thread-title">
            <h1 id="thread-title">{th().subject ?? '…'}</h1>
            <Show when={th().fromSpace}>{(from) => <p class="muted">{t('msg.from', { space: from() })}</p>}</Show>
            <For each={th().messages}>
              {(m) => (
                <div class="message">
                  <p class="muted">
                    <strong>{m.byName}</strong> · <time dateTime={new Date(m.at).toISOString()}>{fmt.dateTime(m.at)}</time>
                  </p>
                  <p class="body">{m.body}</p>
                </div>
              )}
            </For>
            <Show when={space()?.canWrite}>
              <h2>{t('msg.reply')}</h2>
              <MessageForm draftKey={`reply.${space()!.id}.${params.id}`} withSubject={false} bodyLabel={t('msg.yourReply')} submitLabel={t('msg.reply')} send={(f) => reply(f.body)} />
            </Show>
          </article>
        )}
      </Show>
    </Show>
  );
}
