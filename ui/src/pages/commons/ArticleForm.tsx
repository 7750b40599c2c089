/**
 * An article of the commons as a form: to write one, or to correct one. What is typed is
 * kept as a draft at every keystroke (an article is long work); tags are typed as
 * "énergie, solaire" and the box splits them.
 */
import { Show, type JSX } from 'solid-js';
import type { Article } from '../../api/index.js';
import { createAction, draftForm, t, Field, FormActions, Info, ActionForm } from '../../app/index.js';

export interface ArticleFields extends Record<string, string> {
  title: string;
  summary: string;
  tags: string;
  body: string;
}

/** An article as the form shows it, to compare with what is saved. */
export const fieldsOf = (a: Article): ArticleFields => ({ title: a.title, summary: a.summary, tags: a.tags.join(', '), body: a.body });

/** The key of the draft of an article being corrected, or (no id) of one not yet published. */
export const articleDraft = (id?: string): string => (id ? `article.${id}` : 'article.new');

interface Props {
  article?: Article;
  submitLabel: string;
  save: (fields: ArticleFields) => Promise<void>;
  onCancel?: () => void;
}

export function ArticleForm(props: Props): JSX.Element {
  const a = props.article;
  const form = draftForm<ArticleFields>(articleDraft(a?.id), a ? fieldsOf(a) : { title: '', summary: '', tags: '', body: '' });
  const run = createAction(async () => {
    const v = form.values();
    await props.save({ title: v.title.trim(), summary: v.summary.trim(), tags: v.tags.trim(), body: v.body });
    form.clear();
  });
  const cancel = () => {
    form.clear();
    props.onCancel?.();
  };
  const field = (k: keyof ArticleFields) => (e: { currentTarget: HTMLInputElement | HTMLTextAreaElement }) => form.set(k, e.currentTarget.value);
  return (
    <ActionForm run={run.run}>
      <Show when={form.restored}>
        <Info>{t('app.draftKept')}</Info>
      </Show>
      <Field label={t('article.title')}>{(id) => <input id={id} required maxlength={200} value={form.values().title} onInput={field('title')} />}</Field>
      <Field label={t('article.summary')} help={t('article.summaryHelp')}>
        {(id, help) => <textarea id={id} rows={2} maxlength={1000} aria-describedby={help} value={form.values().summary} onInput={field('summary')} />}
      </Field>
      <Field label={t('article.tags')} help={t('article.tagsHelp')}>
        {(id, help) => <input id={id} maxlength={800} aria-describedby={help} value={form.values().tags} onInput={field('tags')} />}
      </Field>
      <Field label={t('article.body')}>{(id) => <textarea id={id} rows={14} maxlength={100000} value={form.values().body} onInput={field('body')} />}</Field>
      <FormActions error={run.error()} busy={run.busy()} submitLabel={props.submitLabel} {...(props.onCancel ? { onCancel: cancel } : {})} />
    </ActionForm>
  );
}
