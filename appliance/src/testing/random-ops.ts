/**
 * Seeded random operations of every kind (records with tombstones, messages, document
 * edits), for the convergence test and the sync benchmark: the same work on every run.
 */
import * as Y from 'yjs';
import type { Db } from '../db/index.js';
import { DOC_TEXT, type OpLog } from '../ops/index.js';

/** mulberry32: a small seeded generator. */
export function prng(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]! };
}

export type Prng = ReturnType<typeof prng>;

const by = { id: 'u', name: 'Test' };

/** Commit one random operation (the n-th) in one of `spaces`. */
export function randomOperation(r: { db: Db; log: OpLog }, rnd: Prng, n: number, spaces: readonly string[]): void {
  const space = rnd.pick(spaces);
  const choice = rnd.next();
  if (choice < 0.45) {
    const fields: Record<string, string | number | boolean> = {};
    for (const f of ['name', 'town', 'phone', 'notes'].filter(() => rnd.next() < 0.5)) fields[f] = `${f}-${rnd.int(1000)}`;
    if (rnd.next() < 0.05) fields.$deleted = rnd.next() < 0.5;
    r.log.commit(space, 'record.put', { coll: 'members', id: `m${rnd.int(40)}`, fields: Object.keys(fields).length ? fields : { name: 'x' }, by });
  } else if (choice < 0.75) {
    r.log.commit(space, 'message.post', { id: `msg-${n}`, thread: `t${rnd.int(10)}`, subject: null, body: `message ${n}`, from: null, by });
  } else {
    const doc = `d${rnd.int(5)}`;
    const row = r.db.prepare<[string, string], { state: Buffer }>('SELECT state FROM doc_states WHERE space = ? AND doc = ?').get(space, doc);
    const ydoc = new Y.Doc();
    ydoc.clientID = 1 + rnd.int(2 ** 30);
    if (row) Y.applyUpdate(ydoc, row.state);
    const before = Y.encodeStateVector(ydoc);
    const text = ydoc.getText(DOC_TEXT);
    if (text.length > 20 && rnd.next() < 0.3) text.delete(rnd.int(text.length - 5), 1 + rnd.int(4));
    else text.insert(rnd.int(text.length + 1), `<${n}>`);
    r.log.commit(space, 'doc.update', { doc, update: Y.encodeStateAsUpdate(ydoc, before), by });
    ydoc.destroy();
  }
}
