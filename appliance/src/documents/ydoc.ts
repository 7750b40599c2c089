/**
 * The Yjs side of a document: rebuild a state from stored updates, and turn "this text
 * is now that text" into one update holding only this writer's change, made on top of
 * the state the writer saw, so Yjs merges it with whatever others did meanwhile.
 */
import * as Y from 'yjs';
import { DOC_TEXT } from '../ops/index.js';
import { textDiff } from './diff.js';

// Yjs encodes into a new ArrayBuffer (never a shared one); the op payload type wants it said.
const fresh = (u: Uint8Array): Uint8Array<ArrayBuffer> => u as Uint8Array<ArrayBuffer>;

function build(updates: Iterable<Uint8Array>): Y.Doc {
  const doc = new Y.Doc();
  doc.transact(() => {
    for (const u of updates) Y.applyUpdate(doc, u);
  });
  return doc;
}

/** The Markdown text made of these updates (order does not matter: Yjs updates commute). */
export function textOf(updates: Iterable<Uint8Array>): string {
  const doc = build(updates);
  try {
    return doc.getText(DOC_TEXT).toString();
  } finally {
    doc.destroy();
  }
}

/**
 * The update that makes the base (these updates) read `next`, or null when it already
 * does. `clientIds` gives Yjs writer ids; one already present in the base is skipped, as
 * two writers with one id would corrupt the document.
 */
export function editUpdate(base: Iterable<Uint8Array>, next: string, clientIds: () => number): Uint8Array<ArrayBuffer> | null {
  const doc = build(base);
  try {
    const text = doc.getText(DOC_TEXT);
    const edits = textDiff(text.toString(), next);
    if (edits.every(([op]) => op === 0)) return null;
    let id = clientIds();
    while (doc.store.clients.has(id)) id = clientIds();
    doc.clientID = id;
    const before = Y.encodeStateVector(doc);
    doc.transact(() => {
      let at = 0;
      for (const [op, s] of edits) {
        if (op === 0) at += s.length;
        else if (op === -1) text.delete(at, s.length);
        else {
          text.insert(at, s);
          at += s.length;
        }
      }
    });
    return fresh(Y.encodeStateAsUpdate(doc, before));
  } finally {
    doc.destroy();
  }
}

/** The update of an empty document: a document's first version when it starts blank. */
export function emptyUpdate(): Uint8Array<ArrayBuffer> {
  const doc = new Y.Doc();
  try {
    return fresh(Y.encodeStateAsUpdate(doc));
  } finally {
    doc.destroy();
  }
}
