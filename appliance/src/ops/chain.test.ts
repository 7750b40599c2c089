import { describe, expect, it } from 'vitest';
import { by, replicas } from './test-replica.js';
import { generateSiteKey } from '../identity/index.js';
import { GENESIS, InvalidOperationError, signOperation, stateDigest, UNSIGNED, type Operation } from './index.js';
import { encodePayload } from './codec.js';

const { replica } = replicas();

function write(r: ReturnType<typeof replica>, n: number): void {
  for (let i = 1; i <= n; i++) r.log.commit('s', 'record.put', { coll: 'members', id: `m${i}`, fields: { name: `Membre ${i}` }, by });
}

/** A stream as it travels: only the last operation keeps its signature. */
function asRun(ops: readonly Operation[]): Operation[] {
  return ops.map((op, i) => (i === ops.length - 1 ? op : { ...op, sig: UNSIGNED }));
}

function held(r: ReturnType<typeof replica>): Array<{ seq: number; signed: number }> {
  return r.db.prepare<[], { seq: number; signed: number }>('SELECT seq, length(sig) > 0 AS signed FROM ops ORDER BY seq').all();
}

describe('hash chains of operations', () => {
  it('takes a run proved by its last signature alone, and keeps exactly the signatures it received', () => {
    const a = replica();
    const b = replica();
    write(a, 5);
    const run = asRun(a.log.page('s', a.log.siteId, 'record.put', 0, 100));
    expect(b.log.receiveAll(run)).toBe(5);
    expect(stateDigest(b.db)).toBe(stateDigest(a.db));
    expect(held(b)).toEqual([1, 2, 3, 4, 5].map((seq) => ({ seq, signed: seq === 5 ? 1 : 0 })));
  });

  it('refuses a run whose end comes without a signature, and writes nothing', () => {
    const a = replica();
    const b = replica();
    write(a, 3);
    const run = a.log.page('s', a.log.siteId, 'record.put', 0, 100).map((op) => ({ ...op, sig: UNSIGNED }));
    expect(() => b.log.receiveAll(run)).toThrow(/without their author's signature/);
    expect(held(b)).toEqual([]);
  });

  it('refuses a run in which an unsigned operation was changed: the last signature no longer holds', () => {
    const a = replica();
    const b = replica();
    write(a, 4);
    const run = asRun(a.log.page('s', a.log.siteId, 'record.put', 0, 100));
    const forged = encodePayload('record.put', { coll: 'members', id: 'm2', fields: { name: 'Intrus' }, by });
    run[1] = { ...run[1]!, body: forged };
    expect(() => b.log.receiveAll(run)).toThrow(InvalidOperationError);
    expect(held(b)).toEqual([]);
  });

  it('continues a stream from the digest it holds, and refuses what does not follow it', () => {
    const a = replica();
    const b = replica();
    write(a, 6);
    const all = a.log.page('s', a.log.siteId, 'record.put', 0, 100);
    expect(b.log.receiveAll(asRun(all.slice(0, 3)))).toBe(3);
    expect(b.log.receiveAll(asRun(all.slice(3)))).toBe(3);
    expect(stateDigest(b.db)).toBe(stateDigest(a.db));
    const c = replica();
    expect(() => c.log.receiveAll(asRun(all.slice(3)))).toThrow(/arrived before operation 3/);
  });

  it('refuses an author who signed two different operations at one place of a stream', () => {
    const key = generateSiteKey();
    const b = replica();
    const body = (name: string) => encodePayload('record.put', { coll: 'members', id: 'm1', fields: { name }, by });
    const first = signOperation(key, { space: 's', seq: 1, hlc: '1800000000000-0000', kind: 'record.put', body: body('Awa') }, GENESIS);
    const other = signOperation(key, { space: 's', seq: 1, hlc: '1800000000001-0000', kind: 'record.put', body: body('Salif') }, GENESIS);
    expect(b.log.receive(first.op)).toBe(true);
    expect(b.log.receive(first.op)).toBe(false);
    expect(() => b.log.receive(other.op)).toThrow(/signed two/);
    // …and what follows the other fork does not follow what this box holds.
    const next = signOperation(key, { space: 's', seq: 2, hlc: '1800000000002-0000', kind: 'record.put', body: body('Moussa') }, other.digest);
    expect(() => b.log.receive(next.op)).toThrow(/valid signature/);
  });

  it('hands on what it received in pages that end at a signature it holds', () => {
    const a = replica();
    const b = replica();
    const c = replica();
    write(a, 10);
    const all = a.log.page('s', a.log.siteId, 'record.put', 0, 100);
    // B got 1–4 proved by 4, then 5–10 proved by 10.
    b.log.receiveAll(asRun(all.slice(0, 4)));
    b.log.receiveAll(asRun(all.slice(4)));
    const page = b.log.page('s', a.log.siteId, 'record.put', 0, 2);
    expect(page.map((op) => op.seq)).toEqual([1, 2, 3, 4]);
    expect(c.log.receiveAll(page)).toBe(4);
    const rest = b.log.page('s', a.log.siteId, 'record.put', 4, 2);
    expect(rest.map((op) => op.seq)).toEqual([5, 6, 7, 8, 9, 10]);
    expect(c.log.receiveAll(rest)).toBe(6);
    expect(stateDigest(c.db)).toBe(stateDigest(a.db));
  });

  it('keeps a signature that arrives later for an operation it holds unsigned', () => {
    const a = replica();
    const b = replica();
    write(a, 3);
    const all = a.log.page('s', a.log.siteId, 'record.put', 0, 100);
    b.log.receiveAll(asRun(all));
    expect(b.log.receive(all[1]!)).toBe(false);
    expect(held(b).map((r) => r.signed)).toEqual([0, 1, 1]);
    expect(b.log.page('s', a.log.siteId, 'record.put', 0, 1).map((op) => op.seq)).toEqual([1, 2]);
  });
});
