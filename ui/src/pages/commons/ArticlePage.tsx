/** One article of the commons, its text as written; those who may write the commons correct it. */
import { useParams } from '@solidjs/router';
import { For, Show, createResource, createSignal, type JSX } from 'solid-js';
import type { Article } from '../../api/index.js';
import { draft, fmt, t, api, patchChanged, useSpace, ErrorNote, Loading } from '../../app/index.js';
import { ArticleForm, articleDraft, fieldsOf, type ArticleFields } from './ArticleForm.js';

export function ArticlePage(): JSX.Element {
  const params = useParams<{ id: string }>();
  const space = useSpace();
  const path = () => `/commons/articles/${encodeURIComponent(params.id)}`;
  const [article, { refetch }] = createResource(path, (p) => api.get<Article>(p));
  // Open at once when a correction was left half-done (a lost session, a reload).
  const [editing, setEditing] = createSignal(draft(articleDraft(params.id)).read() !== undefined);
  async function correct(a: Article, fields: ArticleFields): Promise<void> {
    await patchChanged(path(), fieldsOf(a), fields);
    setEditing(false);
    await refetch();
  }
  return (
    <Show when={!article.loading || article()} fallback={<Loading />}>
      <ErrorNote error={article.error} onRetry={() => void refetch()} />
      <Show when={article()}>
        {(a) => (
          <Show
            when={editing()}
            fallback={
              <>
                <ArticleText article={a()} />
                <Show when={space()?.canWrite}>
                  <div class="toolbar">
                    <button type="button" onClick={() => setEditing(true)}>
                      {t('article.edit')}
                    </button>
                  </div>
                </Show>
              </>
            }
          >
            <section aria-labelledby="article-edit-title">
              <h1 id="article-edit-title">{t('article.editing', { title: a().title })}</h1>
              <ArticleForm article={a()} submitLabel={t('app.save')} save={(f) => correct(a(), f)} onCancel={() => setEditing(false)} />
            </section>
          </Show>
        )}
      </Show>
    </Show>
  );
}

function ArticleText(props: { article: Article }): JSX.Element {
  const a = () => props.article;
  const by = () => a().updatedBy ?? a().createdBy;
  return (
    <article aria-labelledby="article-title">
      <h1 id="article-title">{a().title}</h1>
      <p class="muted">
        {fmt.date(a().updatedAt)}
        {by() ? ` · ${by()!.name}` : ''}
        <For each={a().tags}>{(tag) => <span> · #{tag}</span>}</For>
      </p>
      <Show when={a().summary}>
        <p>
          <strong>{a().summary}</strong>
        </p>
      </Show>
      <div class="doc-text">{a().body}</div>
    </article>
  );
}
