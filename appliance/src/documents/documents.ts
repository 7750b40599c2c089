/**
 * The documents of a space: a title record in the 'documents' collection plus a Yjs text.
 * Every change is an operation through the op log; a change that makes two operations
 * (title and text) commits both in one transaction. Saving is a three-way merge: the
 * client says which version it edited, and only its own change is recorded on top of
 * that version, so two people who saved from the same version both keep their words.
 */
import type { Db } from '../db/index.js';
import { DELETED_FIELD, type Actor, type OpLog } from '../ops/index.js';
import { newId, parseHlc, type Random } from '../clock/index.js';
import { ConflictError, NotFoundError } from '../errors/index.js';
import { COLL, DocQueries, type VersionRow } from './queries.js';
import { editUpdate, emptyUpdate, textOf } from './ydoc.js';
import type { DocumentSummary, DocumentView, VersionText, VersionView } from './schemas.js';

export interface DocumentsDeps {
  readonly db: Db;
  readonly log: OpLog;
  readonly random: Random;
}

const HISTORY_LIMIT = 1_000;
const wallOf = (hlc: string): number => parseHlc(hlc).wall;

export class Documents {
  private readonly q: DocQueries;

  constructor(private readonly deps: DocumentsDeps) {
    this.q = new DocQueries(deps.db);
  }

  list(space: string): DocumentSummary[] {
    return this.q.list.all(space).map((r) => {
      const data = JSON.parse(r.data) as Record<string, unknown>;
      const textNewer = r.dhlc !== null && r.dhlc > r.rhlc;
      const recordBy = String(data.updatedBy ?? data.createdBy ?? '');
      return {
        id: r.id,
        title: String(data.title ?? ''),
        updatedAt: wallOf(textNewer ? r.dhlc! : r.rhlc),
        updatedBy: (textNewer ? r.dby : null) ?? recordBy,
        length: r.len ?? 0,
      };
    });
  }

  get(space: string, id: string): DocumentView {
    const meta = this.q.meta(space, id);
    const last = this.q.latestVersion(space, id);
    const textNewer = last !== undefined && last.hlc > meta.updatedHlc;
    return {
      id,
      title: meta.title,
      text: this.q.current(space, id).text,
      version: this.q.head(space, id),
      updatedAt: wallOf(textNewer ? last.hlc : meta.updatedHlc),
      updatedBy: textNewer ? last.by_name : meta.updatedBy,
    };
  }

  create(space: string, input: { title: string; text?: string | undefined }, by: Actor): DocumentView {
    const id = newId(this.deps.random);
    const update = editUpdate([], input.text ?? '', () => this.clientId()) ?? emptyUpdate();
    this.deps.db.transaction(() => {
      this.deps.log.commit(space, 'record.put', { coll: COLL, id, fields: { title: input.title, createdBy: by.name, updatedBy: by.name }, by });
      this.deps.log.commit(space, 'doc.update', { doc: id, update, by });
    })();
    return this.get(space, id);
  }

  /** Save what a client edited from `baseVersion` (a head it was given by get()). */
  update(space: string, id: string, change: { title?: string | undefined; text?: string | undefined; baseVersion: number }, by: Actor): DocumentView {
    return this.deps.db.transaction(() => {
      const meta = this.q.meta(space, id);
      const base = this.baseOf(space, id, change.baseVersion);
      if (change.text !== undefined) this.commitText(space, id, base, change.text, by);
      if (change.title !== undefined && change.title !== meta.title) {
        this.deps.log.commit(space, 'record.put', { coll: COLL, id, fields: { title: change.title, updatedBy: by.name }, by });
      }
      return this.get(space, id);
    })();
  }

  remove(space: string, id: string, by: Actor): void {
    this.deps.db.transaction(() => {
      this.q.meta(space, id);
      this.deps.log.commit(space, 'record.put', { coll: COLL, id, fields: { [DELETED_FIELD]: true, updatedBy: by.name }, by });
    })();
  }

  history(space: string, id: string): VersionView[] {
    this.q.meta(space, id);
    return this.q.versions.all(space, id, HISTORY_LIMIT).map(toVersion);
  }

  /** The text as of a version: every edit sorting at or before it, the same on every site. */
  at(space: string, id: string, version: number): VersionText {
    this.q.meta(space, id);
    const v = this.versionOf(space, id, version);
    return { ...toVersion(v), text: textOf(this.q.updatesUpToStamp(space, id, v)) };
  }

  /** A new edit that makes the text what it was at `version`. */
  restore(space: string, id: string, version: number, by: Actor): DocumentView {
    return this.deps.db.transaction(() => {
      const target = this.at(space, id, version).text;
      const { state } = this.q.current(space, id);
      this.commitText(space, id, state ? [state] : [], target, by);
      return this.get(space, id);
    })();
  }

  private commitText(space: string, id: string, base: Uint8Array[], text: string, by: Actor): void {
    const update = editUpdate(base, text, () => this.clientId());
    if (update) this.deps.log.commit(space, 'doc.update', { doc: id, update, by });
  }

  /** The updates making up the version a client edited; refuses a version this box never gave. */
  private baseOf(space: string, id: string, version: number): Uint8Array[] {
    if (version === 0) return [];
    if (!this.q.findVersion(space, id, version)) {
      throw new ConflictError(
        "La version de départ de cette modification est inconnue ici : rechargez le document, recopiez-y vos changements, puis enregistrez.",
        'unknown_version',
      );
    }
    if (version === this.q.head(space, id)) {
      const { state } = this.q.current(space, id);
      if (state) return [state];
    }
    return this.q.updatesUpTo(space, id, version);
  }

  private versionOf(space: string, id: string, version: number): VersionRow {
    const v = this.q.findVersion(space, id, version);
    if (!v) throw new NotFoundError("Cette version du document est introuvable.");
    return v;
  }

  private clientId(): number {
    return this.deps.random.bytes(4).readUInt32LE(0);
  }
}

function toVersion(v: VersionRow): VersionView {
  return { version: v.op_rowid, at: wallOf(v.hlc), byName: v.by_name, author: v.author };
}
