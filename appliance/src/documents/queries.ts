/**
 * What the documents room reads: the title record ('documents' collection), the
 * materialised Yjs state (doc_states) and the edits (doc_versions, with their update
 * bytes from the op log). Nothing here writes: changes go through the op log.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/index.js';
import { decodePayload } from '../ops/index.js';
import { NotFoundError } from '../errors/index.js';

export const COLL = 'documents';

export interface DocMeta {
  readonly title: string;
  readonly createdBy: string;
  readonly updatedBy: string;
  readonly updatedHlc: string;
}

export interface VersionRow {
  readonly op_rowid: number;
  readonly hlc: string;
  readonly author: string;
  readonly by_name: string;
}

export interface ListRow {
  readonly id: string;
  readonly data: string;
  readonly rhlc: string;
  readonly dhlc: string | null;
  readonly dby: string | null;
  readonly len: number | null;
}

const LATEST = 'ORDER BY hlc DESC, author DESC';

export class DocQueries {
  readonly list: Statement<[string], ListRow>;
  private readonly record;
  private readonly state;
  private readonly latest;
  private readonly maxRowid;
  private readonly version;
  readonly versions: Statement<[string, string, number], VersionRow>;
  private readonly bodiesUpToRowid;
  private readonly bodiesUpToStamp;

  constructor(db: Db) {
    this.list = db.prepare<[string], ListRow>(
      `SELECT r.id, r.data, r.updated_hlc AS rhlc, d.updated_hlc AS dhlc, d.text_length AS len, d.updated_by AS dby
       FROM records r LEFT JOIN doc_states d ON d.space = r.space AND d.doc = r.id
       WHERE r.space = ? AND r.coll = '${COLL}' AND r.deleted = 0
       ORDER BY max(r.updated_hlc, coalesce(d.updated_hlc, '')) DESC, r.id`,
    );
    this.record = db.prepare<[string, string], { data: string; deleted: number; updated_hlc: string }>(
      `SELECT data, deleted, updated_hlc FROM records WHERE space = ? AND coll = '${COLL}' AND id = ?`,
    );
    this.state = db.prepare<[string, string], { state: Buffer; text: string }>('SELECT state, text FROM doc_states WHERE space = ? AND doc = ?');
    this.latest = db.prepare<[string, string], VersionRow>(`SELECT op_rowid, hlc, author, by_name FROM doc_versions WHERE space = ? AND doc = ? ${LATEST} LIMIT 1`);
    this.maxRowid = db.prepare<[string, string], { v: number | null }>('SELECT max(op_rowid) AS v FROM doc_versions WHERE space = ? AND doc = ?');
    this.version = db.prepare<[string, string, number], VersionRow>('SELECT op_rowid, hlc, author, by_name FROM doc_versions WHERE space = ? AND doc = ? AND op_rowid = ?');
    this.versions = db.prepare<[string, string, number], VersionRow>(`SELECT op_rowid, hlc, author, by_name FROM doc_versions WHERE space = ? AND doc = ? ${LATEST} LIMIT ?`);
    this.bodiesUpToRowid = db.prepare<[string, string, number], { body: Buffer }>(
      `SELECT o.body FROM doc_versions v JOIN ops o ON o.rowid = v.op_rowid
       WHERE v.space = ? AND v.doc = ? AND v.op_rowid <= ? ORDER BY v.op_rowid`,
    );
    this.bodiesUpToStamp = db.prepare<[string, string, string, string, string], { body: Buffer }>(
      `SELECT o.body FROM doc_versions v JOIN ops o ON o.rowid = v.op_rowid
       WHERE v.space = ? AND v.doc = ? AND (v.hlc < ? OR (v.hlc = ? AND v.author <= ?)) ORDER BY v.hlc, v.author`,
    );
  }

  /** The live document's title record; 404 if it does not exist or was deleted. */
  meta(space: string, id: string): DocMeta {
    const row = this.record.get(space, id);
    if (!row || row.deleted) throw new NotFoundError('Ce document est introuvable : il a peut-être été supprimé.');
    const data = JSON.parse(row.data) as Record<string, unknown>;
    const str = (v: unknown): string => (typeof v === 'string' ? v : '');
    return { title: str(data.title), createdBy: str(data.createdBy), updatedBy: str(data.updatedBy) || str(data.createdBy), updatedHlc: row.updated_hlc };
  }

  /** The current state and text ('' before any edit has arrived). */
  current(space: string, id: string): { state: Uint8Array | null; text: string } {
    const row = this.state.get(space, id);
    return row ? { state: new Uint8Array(row.state), text: row.text } : { state: null, text: '' };
  }

  latestVersion(space: string, id: string): VersionRow | undefined {
    return this.latest.get(space, id);
  }

  /** The highest op rowid of the document's edits here: the token a client saves against. */
  head(space: string, id: string): number {
    return this.maxRowid.get(space, id)?.v ?? 0;
  }

  findVersion(space: string, id: string, rowid: number): VersionRow | undefined {
    return this.version.get(space, id, rowid);
  }

  /** The updates this box had applied when its head was `rowid`: what a client saw then. */
  updatesUpTo(space: string, id: string, rowid: number): Uint8Array[] {
    return this.bodiesUpToRowid.all(space, id, rowid).map((r) => decodePayload('doc.update', r.body).update);
  }

  /** The updates that sort at or before this version by (hlc, author): the same set on every site. */
  updatesUpToStamp(space: string, id: string, v: VersionRow): Uint8Array[] {
    return this.bodiesUpToStamp.all(space, id, v.hlc, v.hlc, v.author).map((r) => decodePayload('doc.update', r.body).update);
  }
}
