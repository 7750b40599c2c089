/**
 * Articles of the commons: read from the materialised `records` table, written only as
 * 'record.put' operations through the op log. An edit sends only the fields it changes,
 * so two boxes editing different fields of one article offline both keep their change.
 */
import type { Db } from '../db/index.js';
import { COMMONS } from '../spaces/index.js';
import { DELETED_FIELD, type Actor, type OpLog } from '../ops/index.js';
import { newId, type Random } from '../clock/index.js';
import { NotFoundError } from '../errors/index.js';
import { joinTags, normaliseTag, parseTags } from './tags.js';
import { ARTICLES, DEFAULT_LANG, FIELD, toArticle, toSummary, type ArticleRow } from './view.js';
import type { ArticlePatchInput, ArticleSummary, ArticleView, NewArticleInput } from './schemas.js';

export interface ArticlesDeps {
  readonly db: Db;
  readonly log: OpLog;
  readonly random: Random;
}

type Fields = Record<string, string | boolean>;

// Tags are matched whole: ",a,b," contains ",b,".
const TAG_MATCH = "(@tag IS NULL OR instr(',' || coalesce(json_extract(data, '$.tags'), '') || ',', ',' || @tag || ',') > 0)";

export class Articles {
  private readonly listStmt;
  private readonly countStmt;
  private readonly getStmt;

  constructor(private readonly deps: ArticlesDeps) {
    const where = `space = '${COMMONS}' AND coll = '${ARTICLES}' AND deleted = 0 AND ${TAG_MATCH}`;
    this.listStmt = deps.db.prepare<[{ tag: string | null; limit: number; offset: number }], ArticleRow>(
      `SELECT id, data, created_hlc, updated_hlc FROM records WHERE ${where} ORDER BY created_hlc DESC, id DESC LIMIT @limit OFFSET @offset`,
    );
    this.countStmt = deps.db.prepare<[{ tag: string | null }], { n: number }>(`SELECT count(*) AS n FROM records WHERE ${where}`);
    this.getStmt = deps.db.prepare<[string], ArticleRow>(
      `SELECT id, data, created_hlc, updated_hlc FROM records
        WHERE space = '${COMMONS}' AND coll = '${ARTICLES}' AND id = ? AND deleted = 0`,
    );
  }

  /** Newest first, optionally only those with a tag. */
  list(opts: { tag?: string | undefined; limit: number; offset: number }): { articles: ArticleSummary[]; total: number } {
    const tag = opts.tag === undefined ? null : normaliseTag(opts.tag);
    return {
      articles: this.listStmt.all({ tag, limit: opts.limit, offset: opts.offset }).map(toSummary),
      total: this.countStmt.get({ tag })!.n,
    };
  }

  get(id: string): ArticleView {
    const row = this.getStmt.get(id);
    if (!row) throw new NotFoundError("Cet article de la base commune est introuvable (il a peut-être été supprimé).");
    return toArticle(row);
  }

  create(input: NewArticleInput, by: Actor): ArticleView {
    const id = newId(this.deps.random);
    this.commit(id, {
      [FIELD.title]: input.title,
      [FIELD.summary]: input.summary ?? '',
      [FIELD.body]: input.body ?? '',
      [FIELD.tags]: joinTags(parseTags(input.tags ?? [])),
      [FIELD.lang]: input.lang ?? DEFAULT_LANG,
      [FIELD.createdBy]: by.id,
      [FIELD.createdByName]: by.name,
    }, by);
    return this.get(id);
  }

  update(id: string, patch: ArticlePatchInput, by: Actor): ArticleView {
    const fields: Fields = { [FIELD.updatedBy]: by.id, [FIELD.updatedByName]: by.name };
    if (patch.title !== undefined) fields[FIELD.title] = patch.title;
    if (patch.summary !== undefined) fields[FIELD.summary] = patch.summary;
    if (patch.body !== undefined) fields[FIELD.body] = patch.body;
    if (patch.tags !== undefined) fields[FIELD.tags] = joinTags(parseTags(patch.tags));
    if (patch.lang !== undefined) fields[FIELD.lang] = patch.lang;
    return this.deps.db.transaction(() => {
      this.get(id);
      this.commit(id, fields, by);
      return this.get(id);
    })();
  }

  /** A tombstone: the record stays (so a late edit cannot revive it) and leaves the index. */
  delete(id: string, by: Actor): void {
    this.deps.db.transaction(() => {
      this.get(id);
      this.commit(id, { [DELETED_FIELD]: true, [FIELD.updatedBy]: by.id, [FIELD.updatedByName]: by.name }, by);
    })();
  }

  private commit(id: string, fields: Fields, by: Actor): void {
    this.deps.log.commit(COMMONS, 'record.put', { coll: ARTICLES, id, fields, by });
  }
}
