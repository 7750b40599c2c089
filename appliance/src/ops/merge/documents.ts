/**
 * Documents: a Yjs CRDT whose shared text "md" holds the Markdown. Updates commute, so
 * two offline edits of one text both survive whatever order they arrive in.
 */
import * as Y from 'yjs';
import type { Db } from '../../db/index.js';
import type { DocUpdate, Operation } from '../types.js';

export const DOC_TEXT = 'md';

export class DocumentMerge {
  private readonly getState;
  private readonly putState;
  private readonly addVersion;

  constructor(db: Db) {
    this.getState = db.prepare<[string, string], { state: Buffer; updated_hlc: string; updated_by: string }>(
      'SELECT state, updated_hlc, updated_by FROM doc_states WHERE space = ? AND doc = ?',
    );
    this.putState = db.prepare(
      `INSERT INTO doc_states (space, doc, state, text, updated_hlc, updated_by, text_length) VALUES (?, ?, ?, ?, ?, ?, length(?))
       ON CONFLICT (space, doc) DO UPDATE SET state = excluded.state, text = excluded.text,
         updated_hlc = excluded.updated_hlc, updated_by = excluded.updated_by, text_length = excluded.text_length`,
    );
    this.addVersion = db.prepare(
      'INSERT OR IGNORE INTO doc_versions (space, doc, op_rowid, hlc, author, by_name) VALUES (?, ?, ?, ?, ?, ?)',
    );
  }

  apply(op: Operation, p: DocUpdate, opRowid: number): void {
    this.applyAll([{ op, p, rowid: opRowid }]);
  }

  /**
   * Apply several edits at once: each document is loaded, given all its edits and stored
   * once, whatever their number (a session's batch brings many edits of few documents).
   */
  applyAll(edits: ReadonlyArray<{ op: Operation; p: DocUpdate; rowid: number }>): void {
    const byDoc = new Map<string, Array<{ op: Operation; p: DocUpdate; rowid: number }>>();
    for (const e of edits) {
      const key = `${e.op.space}\u0000${e.p.doc}`;
      const list = byDoc.get(key);
      if (list) list.push(e);
      else byDoc.set(key, [e]);
    }
    for (const list of byDoc.values()) this.applyToOne(list);
  }

  private applyToOne(edits: ReadonlyArray<{ op: Operation; p: DocUpdate; rowid: number }>): void {
    const { space } = edits[0]!.op;
    const { doc } = edits[0]!.p;
    const row = this.getState.get(space, doc);
    // A guid given, not drawn: drawing a random one per merge was a tenth of a
    // document edit's cost (the guid is never encoded in the state).
    const ydoc = new Y.Doc({ gc: true, guid: `${space}/${doc}` });
    try {
      if (row) Y.applyUpdate(ydoc, row.state);
      // The newest edit names the document's last editor (an exact tie of stamps keeps the first seen).
      let updatedHlc = row?.updated_hlc;
      let updatedBy = row?.updated_by;
      for (const { op, p, rowid } of edits) {
        Y.applyUpdate(ydoc, p.update);
        if (updatedHlc === undefined || op.hlc > updatedHlc) {
          updatedHlc = op.hlc;
          updatedBy = p.by.name;
        }
        this.addVersion.run(space, doc, rowid, op.hlc, op.author, p.by.name);
      }
      const text = ydoc.getText(DOC_TEXT).toString();
      this.putState.run(space, doc, Buffer.from(Y.encodeStateAsUpdate(ydoc)), text, updatedHlc!, updatedBy!, text);
    } finally {
      ydoc.destroy();
    }
  }
}
