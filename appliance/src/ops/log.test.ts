import { describe, expect, it } from 'vitest';
import { by, replicas } from './test-replica.js';
import { openDatabase, type Db } from '../db/index.js';
import { FakeClock } from '../clock/index.js';
import { generateSiteKey } from '../identity/index.js';
import { OpLog, InvalidOperationError, decodePayload, replayDigest, stateDigest, type Operation } from './index.js';

const { dbs, replica } = replicas();

function opsOf(db: Db): Operation[] {
  return db
    .prepare<[], Operation & { body: Buffer; sig: Buffer }>('SELECT space, author, seq, hlc, kind, body, sig FROM ops ORDER BY rowid')
    .all()
    .map((r) => ({ ...r, body: new Uint8Array(r.body), sig: new Uint8Array(r.sig) }));
}

describe('op log', () => {
  it('numbers each author per space and signs what it stores', () => {
    const a = replica();
    a.log.commit('s', 'record.put', { coll: 'members', id: 'm1', fields: { name: 'Awa' }, by });
    a.log.commit('s', 'record.put', { coll: 'members', id: 'm1', fields: { town: 'Youri' }, by });
    a.log.commit('s', 'message.post', { id: 'x', thread: 'x', subject: null, body: 'Salut', from: null, by });
    expect(a.log.versionVector('s')).toEqual({ [a.log.siteId]: { 'record.put': 2, 'message.post': 1 } });
    const row = a.db.prepare("SELECT data FROM records WHERE id = 'm1'").get() as { data: string };
    expect(JSON.parse(row.data)).toEqual({ name: 'Awa', town: 'Youri' });
  });

  it('writes only the fields a save changed, so what another site changed meanwhile survives', () => {
    const clock = new FakeClock();
    const a = replica(clock);
    const b = replica(clock);
    a.log.commit('s', 'record.put', { coll: 'members', id: 'm1', fields: { name: 'Awa', town: 'Nioro', phone: '1' }, by });
    for (const op of opsOf(a.db)) b.log.receive(op);
    // Offline from each other: B moves Awa to Kayes; A saves the whole form with a new phone.
    clock.advance(1000);
    b.log.commit('s', 'record.put', { coll: 'members', id: 'm1', fields: { town: 'Kayes' }, by });
    clock.advance(1000);
    const saved = a.log.commit('s', 'record.put', { coll: 'members', id: 'm1', fields: { name: 'Awa', town: 'Nioro', phone: '2' }, by });
    expect(decodePayload('record.put', saved.body).fields).toEqual({ phone: '2' });
    for (const op of opsOf(a.db)) b.log.receive(op);
    for (const op of opsOf(b.db)) a.log.receive(op);
    for (const r of [a, b]) {
      const row = r.db.prepare("SELECT data FROM records WHERE id = 'm1'").get() as { data: string };
      expect(JSON.parse(row.data)).toEqual({ name: 'Awa', town: 'Kayes', phone: '2' });
    }
    // A save that changes nothing is still written, whole.
    const again = a.log.commit('s', 'record.put', { coll: 'members', id: 'm1', fields: { phone: '2' }, by });
    expect(decodePayload('record.put', again.body).fields).toEqual({ phone: '2' });
  });

  it('merges records last-writer-wins per field, whatever the arrival order', () => {
    const clock = new FakeClock();
    const a = replica(clock);
    const b = replica(clock);
    a.log.commit('s', 'record.put', { coll: 'members', id: 'm1', fields: { name: 'Awa', town: 'Nioro' }, by });
    clock.advance(10);
    b.log.commit('s', 'record.put', { coll: 'members', id: 'm1', fields: { town: 'Youri' }, by });
    clock.advance(10);
    a.log.commit('s', 'record.put', { coll: 'members', id: 'm1', fields: { phone: '+223' }, by });
    for (const op of opsOf(a.db)) b.log.receive(op);
    for (const op of opsOf(b.db)) a.log.receive(op);
    expect(stateDigest(a.db)).toBe(stateDigest(b.db));
    const row = a.db.prepare("SELECT data FROM records WHERE id = 'm1'").get() as { data: string };
    expect(JSON.parse(row.data)).toEqual({ name: 'Awa', town: 'Youri', phone: '+223' });
  });

  it('is idempotent: receiving an operation twice changes nothing', () => {
    const a = replica();
    const b = replica();
    a.log.commit('s', 'message.post', { id: 'x', thread: 'x', subject: 'Bonjour', body: 'Salut Youri', from: null, by });
    const [op] = opsOf(a.db);
    expect(b.log.receive(op!)).toBe(true);
    const before = stateDigest(b.db);
    expect(b.log.receive(op!)).toBe(false);
    expect(stateDigest(b.db)).toBe(before);
  });

  it('refuses a tampered operation and writes nothing', () => {
    const a = replica();
    const b = replica();
    a.log.commit('s', 'record.put', { coll: 'members', id: 'm1', fields: { name: 'Awa' }, by });
    const [op] = opsOf(a.db);
    const body = new Uint8Array(op!.body);
    body[body.length - 1]! ^= 1;
    expect(() => b.log.receive({ ...op!, body })).toThrow(InvalidOperationError);
    expect(() => b.log.receive({ ...op!, seq: 2 })).toThrow(InvalidOperationError);
    expect(() => b.log.receive({ ...op!, kind: 'message.post' })).toThrow(InvalidOperationError);
    expect(b.db.prepare('SELECT count(*) AS n FROM ops').get()).toEqual({ n: 0 });
  });

  it('keeps the op log and the tables in agreement', () => {
    const a = replica();
    a.log.commit('s', 'record.put', { coll: 'members', id: 'm1', fields: { name: 'Awa' }, by });
    a.log.commit('s', 'message.post', { id: 'x', thread: 'x', subject: null, body: 'Salut', from: null, by });
    expect(replayDigest(a.db, a.clock)).toBe(stateDigest(a.db));
    a.db.prepare("UPDATE records SET data = '{\"name\":\"Moussa\"}'").run();
    expect(replayDigest(a.db, a.clock)).not.toBe(stateDigest(a.db));
  });

  it('replays a space materialised beyond the spaces table (the grants) when told to', () => {
    const db = openDatabase({ path: ':memory:' });
    dbs.push(db);
    const clock = new FakeClock();
    const log = new OpLog({ db, key: generateSiteKey(), clock, hosts: (s) => s === '$grants' });
    log.commit('$grants', 'record.put', { coll: 'grants', id: 'g1', fields: { name: 'Youri' }, by });
    expect(replayDigest(db, clock)).not.toBe(stateDigest(db));
    expect(replayDigest(db, clock, undefined, (s) => s === '$grants')).toBe(stateDigest(db));
  });

  it('stores but does not materialise a space it does not host', () => {
    const a = replica();
    a.log.commit('elsewhere', 'message.post', { id: 'x', thread: 'x', subject: null, body: 'Pour Koupéla', from: 's', by });
    expect(a.db.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: 0 });
    expect(a.log.versionVector('elsewhere')).toEqual({ [a.log.siteId]: { 'message.post': 1 } });
  });

  it('never stamps backwards, even when the wall clock does', () => {
    const clock = new FakeClock();
    const a = replica(clock);
    const first = a.log.commit('s', 'record.put', { coll: 'c', id: 'i', fields: { v: 1 }, by });
    clock.advance(-3600_000);
    const second = a.log.commit('s', 'record.put', { coll: 'c', id: 'i', fields: { v: 2 }, by });
    expect(second.hlc > first.hlc).toBe(true);
  });
});
