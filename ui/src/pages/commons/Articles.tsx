/**
 * The commons' articles: the latest, a full-text search (accents and case ignored), and
 * for those who may write the commons, a new article.
 */
import { A, useNavigate, useSearchParams } from '@solidjs/router';
import { For, Show, createResource, createSignal, type JSX } from 'solid-js';
import type { Article, ArticleSummary, SearchResult } from '../../api/index.js';
import { draft, fmt, t, tn, api, spacePath, useSpace, ErrorNote, Loading } from '../../app/index.js';
import { ArticleForm, articleDraft, type ArticleFields } from './ArticleForm.js';
import { snippetParts } from './snippet.js';

export function Articles(): JSX.Element {
  const space = useSpace();
  const [search, setSearch] = useSearchParams<{ q?: string }>();
  const [q, setQ] = createSignal(search.q ?? '');
  const [latest] = createResource(
    () => !search.q,
    () => api.get<{ articles: ArticleSummary[] }>('/commons/articles?limit=30'),
  );
  const [found] = createResource(
    () => search.q,
    (query) => api.get<{ results: SearchResult[] }>(`/commons/search?q=${encodeURIComponent(query)}&limit=30`),
  );
  const href = (a: ArticleSummary) => spacePath(space()!.id, `articles/${encodeURIComponent(a.id)}`);
  const navigate = useNavigate();
  // Open at once when an article was left half-written (its draft is kept: ArticleForm).
  const [writing, setWriting] = createSignal(draft(articleDraft()).read() !== undefined);
  async function write(fields: ArticleFields): Promise<void> {
    const article = await api.send<Article>('POST', '/commons/articles', fields);
    navigate(href(article));
  }

  return (
    <section aria-labelledby="commons-title">
      <h1 id="commons-title">{t('commons.title')}</h1>
      <Show when={space()?.canWrite}>
        <div class="toolbar">
          <button type="button" aria-expanded={writing()} onClick={() => setWriting(!writing())}>
            {t('article.new')}
          </button>
        </div>
        <Show when={writing()}>
          <ArticleForm submitLabel={t('article.publish')} save={write} onCancel={() => setWriting(false)} />
        </Show>
      </Show>
      <form
        class="inline-form"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setSearch({ q: q().trim() || undefined });
        }}
      >
        <div class="field">
          <label for="commons-q">{t('commons.search')}</label>
          <input id="commons-q" type="search" value={q()} onInput={(e) => setQ(e.currentTarget.value)} />
        </div>
        <button type="submit" class="primary">
          {t('commons.searchButton')}
        </button>
      </form>
      <Show
        when={search.q}
        fallback={
          <Show when={latest()} fallback={<Loading />}>
            {(l) => (
              <>
                <h2>{t('commons.latest')}</h2>
                <ArticleList items={l().articles} href={href} />
              </>
            )}
          </Show>
        }
      >
        <ErrorNote error={found.error} />
        <Show when={found()} fallback={<Loading />}>
          {(r) => (
            <>
              <p role="status">{tn(r().results.length, 'commons.resultsOne', 'commons.results', { q: search.q ?? '' })}</p>
              <ArticleList items={r().results} href={href} />
            </>
          )}
        </Show>
      </Show>
      <ErrorNote error={latest.error} />
    </section>
  );
}

function ArticleList(props: { items: Array<ArticleSummary | SearchResult>; href: (a: ArticleSummary) => string }): JSX.Element {
  return (
    <Show when={props.items.length > 0} fallback={<p class="muted">{t('commons.none')}</p>}>
      <ul class="list">
        <For each={props.items}>
          {(a) => (
            <li>
              <A href={props.href(a)}>{a.title}</A>
              <span class="muted">{fmt.date(a.updatedAt)}</span>
              <p>
                {'snippet' in a ? <For each={snippetParts(a.snippet)}>{(part) => (part.mark ? <mark>{part.text}</mark> : part.text)}</For> : a.summary}
              </p>
            </li>
          )}
        </For>
      </ul>
    </Show>
  );
}
