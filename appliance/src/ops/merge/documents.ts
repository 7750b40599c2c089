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
    const row = this.getState.get(op.space, p.doc);
    // A guid given, not drawn: drawing a random one per merge was a tenth of a
    // document edit's cost (the guid is never encoded in the state).
    const ydoc = new Y.Doc({ gc: true, guid: `${op.space}/${p.doc}` });
    try {
      if (row) Y.applyUpdate(ydoc, row.state);
      Y.applyUpdate(ydoc, p.update);
      const text = ydoc.getText(DOC_TEXT).toString();
      // The newest edit names the document's last editor (an exact tie of stamps keeps the first seen).
      const newest = !row || op.hlc > row.updated_hlc;
      const updatedHlc = newest ? op.hlc : row.updated_hlc;
      const updatedBy = newest ? p.by.name : row.updated_by;
      this.putState.run(op.space, p.doc, Buffer.from(Y.encodeStateAsUpdate(ydoc)), text, updatedHlc, updatedBy, text);
      this.addVersion.run(op.space, p.doc, opRowid, op.hlc, op.author, p.by.name);
    } finally {
      ydoc.destroy();
    }
  }
}
