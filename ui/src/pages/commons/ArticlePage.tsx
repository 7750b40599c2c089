/** One article of the commons, its text as written. */
import { useParams } from '@solidjs/router';
import { For, Show, createResource, type JSX } from 'solid-js';
import type { Article } from '../../api/index.js';
import { fmt, api, ErrorNote, Loading } from '../../app/index.js';

export function ArticlePage(): JSX.Element {
  const params = useParams<{ id: string }>();
  const [article, { refetch }] = createResource(
    () => params.id,
    (id) => api.get<Article>(`/commons/articles/${encodeURIComponent(id)}`),
  );
  return (
    <Show when={!article.loading || article()} fallback={<Loading />}>
      <ErrorNote error={article.error} onRetry={() => void refetch()} />
      <Show when={article()}>
        {(a) => (
          <article aria-labelledby="article-title">
            <h1 id="article-title">{a().title}</h1>
            <p class="muted">
              {fmt.date(a().updatedAt)}
              {(a().updatedBy ?? a().createdBy) ? ` · ${(a().updatedBy ?? a().createdBy)!.name}` : ''}
              <For each={a().tags}>{(tag) => <span> · #{tag}</span>}</For>
            </p>
            <Show when={a().summary}>
              <p>
                <strong>{a().summary}</strong>
              </p>
            </Show>
            <div class="doc-text">{a().body}</div>
          </article>
        )}
      </Show>
    </Show>
  );
}
