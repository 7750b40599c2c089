/**
 * Full-text search of the commons' articles over `articles_fts` (migration 001; kept in
 * step by indexer.ts). Ranked by bm25 with the title weighing most, each hit with a short
 * extract of its text where the words were found.
 */
import type { Db } from '../db/index.js';
import { COMMONS } from '../spaces/index.js';
import { BadRequestError } from '../errors/index.js';
import { toFtsQuery } from './query.js';
import { ARTICLES, toSummary, type ArticleRow } from './view.js';
import type { SearchResult } from './schemas.js';

// bm25 weights per column: id (unindexed), title, text (summary + body), tags.
const WEIGHTS = '0.0, 10.0, 1.0, 4.0';
const TEXT_COLUMN = 2;
const SNIPPET_TOKENS = 16;
// Match markers that cannot be in indexed text (indexer.ts strips control characters).
const OPEN = '\u0002';
const CLOSE = '\u0003';

interface HitRow extends ArticleRow {
  snippet: string;
}

export class ArticleSearch {
  private readonly stmt;

  constructor(db: Db) {
    this.stmt = db.prepare<[{ match: string; limit: number; offset: number }], HitRow>(
      `SELECT r.id, r.data, r.created_hlc, r.updated_hlc, hit.snippet
         FROM (SELECT id, bm25(articles_fts, ${WEIGHTS}) AS score,
                      snippet(articles_fts, ${TEXT_COLUMN}, '${OPEN}', '${CLOSE}', '…', ${SNIPPET_TOKENS}) AS snippet
                 FROM articles_fts WHERE articles_fts MATCH @match) AS hit
         JOIN records r ON r.space = '${COMMONS}' AND r.coll = '${ARTICLES}' AND r.id = hit.id AND r.deleted = 0
        ORDER BY hit.score, r.id
        LIMIT @limit OFFSET @offset`,
    );
  }

  search(q: string, opts: { limit: number; offset: number }): SearchResult[] {
    const match = toFtsQuery(q);
    if (match === null) {
      throw new BadRequestError('Tapez au moins un mot ou un nombre à chercher.', 'empty_search');
    }
    let rows: HitRow[];
    try {
      rows = this.stmt.all({ match, limit: opts.limit, offset: opts.offset });
    } catch (e) {
      // toFtsQuery quotes every word, so this should not happen; if FTS5 still refuses the
      // query, the user gets a plain 400, never a 500.
      if ((e as { code?: string }).code === 'SQLITE_ERROR') {
        throw new BadRequestError("Cette recherche n'a pas pu être comprise. Essayez avec d'autres mots.", 'invalid_search');
      }
      throw e;
    }
    return rows.map((r) => ({ ...toSummary(r), snippet: snippetHtml(r.snippet) }));
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** The extract as safe HTML: everything escaped, then the match markers become <mark>. */
export function snippetHtml(raw: string): string {
  return raw
    .replace(/[&<>"']/g, (ch) => ESCAPES[ch]!)
    .replaceAll(OPEN, '<mark>')
    .replaceAll(CLOSE, '</mark>');
}
