/**
 * A materialised article record as the API shows it. Fields are read tolerantly: a record
 * built from operations of several boxes may lack a field for a while (an edit can arrive
 * before the article it edits).
 */
import { parseHlc } from '../clock/index.js';
import { splitTags } from './tags.js';
import type { ArticleSummary, ArticleView } from './schemas.js';

export const ARTICLES = 'articles';

/** The record fields of an article (record.put fields, all scalars). */
export const FIELD = {
  title: 'title',
  summary: 'summary',
  body: 'body',
  tags: 'tags',
  lang: 'lang',
  createdBy: 'createdBy',
  createdByName: 'createdByName',
  updatedBy: 'updatedBy',
  updatedByName: 'updatedByName',
} as const;

export const DEFAULT_LANG = 'fr';

export interface ArticleRow {
  id: string;
  data: string;
  created_hlc: string;
  updated_hlc: string;
}

const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);

function person(id: unknown, name: unknown): { id: string; name: string } | null {
  return typeof id === 'string' ? { id, name: str(name) } : null;
}

export function toSummary(row: ArticleRow): ArticleSummary {
  const d = JSON.parse(row.data) as Record<string, unknown>;
  return {
    id: row.id,
    title: str(d[FIELD.title]),
    summary: str(d[FIELD.summary]),
    tags: splitTags(d[FIELD.tags]),
    lang: str(d[FIELD.lang], DEFAULT_LANG),
    createdBy: person(d[FIELD.createdBy], d[FIELD.createdByName]),
    updatedBy: person(d[FIELD.updatedBy], d[FIELD.updatedByName]),
    createdAt: parseHlc(row.created_hlc).wall,
    updatedAt: parseHlc(row.updated_hlc).wall,
  };
}

export function toArticle(row: ArticleRow): ArticleView {
  const d = JSON.parse(row.data) as Record<string, unknown>;
  return { ...toSummary(row), body: str(d[FIELD.body]) };
}
