import { createHash } from 'node:crypto';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { seededRandom } from '../clock/index.js';
import { testBox, type TestBox, type TestClient } from '../testing/index.js';

let box: TestBox;
afterEach(async () => box?.close());

const GG = '/api/v1/spaces/givors-gavinane/files';
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const bytes = (n: number, seed = 7) => new Uint8Array(seededRandom(seed).bytes(n));

/** Every blob file on disk (not the temporary folder). */
function blobsOnDisk(b: TestBox): string[] {
  const dir = join(b.dir, 'blobs');
  return readdirSync(dir).filter((d) => d !== 'tmp').flatMap((d) => readdirSync(join(dir, d)).map((f) => d + f));
}
const tmpLeft = (b: TestBox) => readdirSync(join(b.dir, 'blobs', 'tmp'));
const fileRecords = (b: TestBox) =>
  b.appliance.services.db.prepare("SELECT count(*) AS n FROM records WHERE coll = 'files'").get() as { n: number };

function upload(c: TestClient, path: string, data: Uint8Array, type = 'application/octet-stream') {
  return c.post(path, data, { 'content-type': type });
}

/** A raw request with the client's session, for bodies TestClient cannot send and binary answers. */
async function raw(c: TestClient, method: string, path: string, init: { body?: ReadableStream<Uint8Array> | Uint8Array; headers?: Record<string, string> } = {}) {
  const h = new Headers(init.headers);
  h.set('cookie', c.cookie!);
  h.set('x-csrf-token', c.csrf!);
  const res = await box.appliance.app.request(path, { method, headers: h, ...(init.body ? { body: init.body, duplex: 'half' } : {}) } as RequestInit);
  const body = Buffer.from(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, body, json: () => JSON.parse(body.toString('utf8')) };
}

/** A body that arrives in chunks with no Content-Length, and says whether anyone read it. */
function chunked(total: number, chunk = 64 * 1024) {
  const state = { pulled: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(ctl) {
      if (state.pulled >= total) return ctl.close();
      const n = Math.min(chunk, total - state.pulled);
      state.pulled += n;
      ctl.enqueue(new Uint8Array(n).fill(state.pulled % 251));
    },
  }, { highWaterMark: 0 }); // pulled only when someone reads
  return { stream, state };
}

describe('upload and download', () => {
  it('round-trips a file: same bytes, same SHA-256, its name and type', async () => {
    box = await testBox();
    const awa = await box.user('awa', { 'givors-gavinane': 'member' });
    const data = bytes(300_000);
    const res = await upload(awa, `${GG}?name=${encodeURIComponent('Compte rendu réunion.pdf')}&folder=Comptes%2F2026`, data, 'application/pdf');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'Compte rendu réunion.pdf', folder: 'Comptes/2026', size: 300_000, sha256: sha(data), type: 'application/pdf', createdByName: 'awa' });
    expect(res.body.id).toMatch(/^[A-Za-z0-9_-]{16}$/);

    const meta = await awa.get(`${GG}/${res.body.id}`);
    expect(meta.body).toEqual(res.body);

    const got = await raw(awa, 'GET', `${GG}/${res.body.id}/content`);
    expect(got.status).toBe(200);
    expect(sha(got.body)).toBe(sha(data));
    expect(got.headers.get('content-length')).toBe('300000');
    expect(got.headers.get('content-type')).toBe('application/pdf');
    expect(got.headers.get('accept-ranges')).toBe('bytes');
    expect(got.headers.get('etag')).toBe(`"${sha(data)}"`);
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    expect(got.headers.get('content-disposition')).toBe(
      `attachment; filename="Compte rendu reunion.pdf"; filename*=UTF-8''Compte%20rendu%20r%C3%A9union.pdf`,
    );
    // The upload is an operation of the log, like every change.
    const ops = box.appliance.services.db.prepare("SELECT count(*) AS n FROM ops WHERE space = 'givors-gavinane'").get() as { n: number };
    expect(ops.n).toBe(1);
  });

  it('streams bodies past the 1 MB JSON limit, and an empty file too', async () => {
    box = await testBox();
    const data = bytes(3 * 1024 * 1024);
    const res = await upload(box.admin, '/api/v1/spaces/commons/files?name=gros.bin', data);
    expect(res.status).toBe(201);
    expect(res.body.sha256).toBe(sha(data));
    const empty = await upload(box.admin, '/api/v1/spaces/commons/files?name=vide.txt', new Uint8Array(0), 'text/plain');
    expect(empty.status).toBe(201);
    const got = await raw(box.admin, 'GET', `/api/v1/spaces/commons/files/${empty.body.id}/content`);
    expect([got.status, got.body.length, got.headers.get('content-length')]).toEqual([200, 0, '0']);
    // A JSON route keeps its limit.
    const big = await box.admin.patch(`/api/v1/spaces/commons/files/${res.body.id}`, { name: 'x'.repeat(2 * 1024 * 1024) });
    expect(big.status).toBe(413);
  });

  it('stores the same content once, and removes it only when no live file points at it', async () => {
    box = await testBox();
    const data = bytes(50_000);
    const a = await upload(box.admin, '/api/v1/spaces/commons/files?name=a.bin', data);
    const b = await upload(box.admin, '/api/v1/spaces/commons/files?name=b.bin&folder=copie', data);
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body.id).not.toBe(a.body.id);
    expect(b.body.sha256).toBe(a.body.sha256);
    expect(blobsOnDisk(box)).toEqual([sha(data)]);
    expect(tmpLeft(box)).toEqual([]);

    expect((await box.admin.delete(`/api/v1/spaces/commons/files/${a.body.id}`)).status).toBe(200);
    expect(blobsOnDisk(box)).toEqual([sha(data)]);
    const still = await raw(box.admin, 'GET', `/api/v1/spaces/commons/files/${b.body.id}/content`);
    expect(sha(still.body)).toBe(sha(data));

    expect((await box.admin.delete(`/api/v1/spaces/commons/files/${b.body.id}`)).status).toBe(200);
    expect(blobsOnDisk(box)).toEqual([]);
  });

  it('keeps a blob another space still uses', async () => {
    box = await testBox();
    const awa = await box.user('awa', { 'givors-gavinane': 'member' });
    const data = bytes(10_000);
    const mine = await upload(awa, `${GG}?name=photo.jpg`, data, 'image/jpeg');
    await upload(awa, '/api/v1/spaces/commons/files?name=photo.jpg', data, 'image/jpeg');
    expect((await awa.delete(`${GG}/${mine.body.id}`)).status).toBe(200);
    expect(existsSync(box.appliance.services.blobs.pathOf(sha(data)))).toBe(true);
  });
});

describe('Range and validators', () => {
  async function stored() {
    box = await testBox();
    const data = bytes(1000, 3);
    const res = await upload(box.admin, '/api/v1/spaces/commons/files?name=video.mp4', data, 'video/mp4');
    return { data, url: `/api/v1/spaces/commons/files/${res.body.id}/content` };
  }

  it('206 with the exact bytes of a-b, a- and -n', async () => {
    const { data, url } = await stored();
    const mid = await raw(box.admin, 'GET', url, { headers: { range: 'bytes=100-199' } });
    expect(mid.status).toBe(206);
    expect(mid.headers.get('content-range')).toBe('bytes 100-199/1000');
    expect(mid.headers.get('content-length')).toBe('100');
    expect(mid.body.equals(Buffer.from(data.subarray(100, 200)))).toBe(true);

    const open = await raw(box.admin, 'GET', url, { headers: { range: 'bytes=990-' } });
    expect([open.status, open.headers.get('content-range')]).toEqual([206, 'bytes 990-999/1000']);
    expect(open.body.equals(Buffer.from(data.subarray(990)))).toBe(true);

    const suffix = await raw(box.admin, 'GET', url, { headers: { range: 'bytes=-7' } });
    expect([suffix.status, suffix.headers.get('content-range')]).toEqual([206, 'bytes 993-999/1000']);
    expect(suffix.body.equals(Buffer.from(data.subarray(993)))).toBe(true);

    const one = await raw(box.admin, 'GET', url, { headers: { range: 'bytes=0-0' } });
    expect([one.status, one.body.length, one.body[0]]).toEqual([206, 1, data[0]]);
  });

  it('416 when the range starts past the end, with Content-Range bytes */size', async () => {
    const { url } = await stored();
    const res = await raw(box.admin, 'GET', url, { headers: { range: 'bytes=1000-1010' } });
    expect(res.status).toBe(416);
    expect(res.headers.get('content-range')).toBe('bytes */1000');
    expect(res.json().error.code).toBe('range_not_satisfiable');
  });

  it('the whole file for several ranges, a malformed one, or a stale If-Range', async () => {
    const { data, url } = await stored();
    const cases: Array<Record<string, string>> = [{ range: 'bytes=0-1,5-6' }, { range: 'bytes=zzz' }, { range: 'bytes=10-20', 'if-range': '"old"' }];
    for (const headers of cases) {
      const res = await raw(box.admin, 'GET', url, { headers });
      expect(res.status).toBe(200);
      expect(res.body.equals(Buffer.from(data))).toBe(true);
    }
  });

  it('304 for If-None-Match with our ETag, 200 for another', async () => {
    const { data, url } = await stored();
    const etag = `"${sha(data)}"`;
    const same = await raw(box.admin, 'GET', url, { headers: { 'if-none-match': etag } });
    expect(same.status).toBe(304);
    expect(same.body.length).toBe(0);
    expect(same.headers.get('etag')).toBe(etag);
    expect((await raw(box.admin, 'GET', url, { headers: { 'if-none-match': '"autre"' } })).status).toBe(200);
  });

  it('answers HEAD with the headers only', async () => {
    const { url } = await stored();
    const res = await raw(box.admin, 'HEAD', url);
    expect([res.status, res.headers.get('content-length'), res.body.length]).toEqual([200, '1000', 0]);
  });
});

describe('quota', () => {
  async function smallQuota() {
    box = await testBox();
    box.appliance.services.spaces.update('givors-gavinane', { quotaBytes: 1000 });
    const awa = await box.user('awa', { 'givors-gavinane': 'member' });
    const first = await upload(awa, `${GG}?name=premier.bin`, bytes(600));
    expect(first.status).toBe(201);
    return { awa, first };
  }

  it('refuses by Content-Length before reading a byte', async () => {
    const { awa } = await smallQuota();
    const { stream, state } = chunked(500);
    const res = await raw(awa, 'POST', `${GG}?name=trop.bin`, { body: stream, headers: { 'content-length': '500' } });
    expect(res.status).toBe(413);
    expect(res.json().error.code).toBe('quota_exceeded');
    expect(res.json().error.message).toMatch(/quota/);
    expect(state.pulled).toBe(0);
    expect(fileRecords(box).n).toBe(1);
    expect(blobsOnDisk(box)).toHaveLength(1);
  });

  it('stops a stream with no Content-Length when it grows past the quota, leaving nothing', async () => {
    const { awa } = await smallQuota();
    const { stream, state } = chunked(10 * 1024 * 1024, 100);
    const res = await raw(awa, 'POST', `${GG}?name=trop.bin`, { body: stream });
    expect(res.status).toBe(413);
    expect(res.json().error.code).toBe('quota_exceeded');
    expect(state.pulled).toBeLessThan(10_000);
    expect(fileRecords(box).n).toBe(1);
    expect(blobsOnDisk(box)).toHaveLength(1);
    expect(tmpLeft(box)).toEqual([]);
    const list = await awa.get(GG);
    expect(list.body).toMatchObject({ usedBytes: 600, quotaBytes: 1000 });
    expect(list.body.files).toHaveLength(1);
  });

  it('fits exactly, and frees room when a file is deleted', async () => {
    const { awa, first } = await smallQuota();
    expect((await upload(awa, `${GG}?name=juste.bin`, bytes(400, 9))).status).toBe(201);
    expect((await upload(awa, `${GG}?name=un-de-plus.bin`, bytes(1, 10))).status).toBe(413);
    expect((await awa.delete(`${GG}/${first.body.id}`)).status).toBe(200);
    expect((await upload(awa, `${GG}?name=un-de-plus.bin`, bytes(1, 10))).status).toBe(201);
  });
});

describe('rename, move, delete, list', () => {
  it('renames and moves, lists by folder, and forgets a deleted file', async () => {
    box = await testBox();
    const awa = await box.user('awa', { 'givors-gavinane': 'member' });
    const a = await upload(awa, `${GG}?name=a.txt`, bytes(10, 1), 'text/plain');
    await upload(awa, `${GG}?name=b.txt&folder=Comptes%2F2026`, bytes(10, 2), 'text/plain');
    await upload(awa, `${GG}?name=c.txt&folder=Photos`, bytes(10, 3), 'text/plain');

    const moved = await awa.patch(`${GG}/${a.body.id}`, { name: 'Procès-verbale\u0301.txt', folder: 'Comptes' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ id: a.body.id, name: 'Procès-verbalé.txt', folder: 'Comptes', sha256: a.body.sha256 });

    const all = await awa.get(GG);
    expect(all.body.files.map((f: { name: string }) => f.name)).toEqual(['Procès-verbalé.txt', 'b.txt', 'c.txt']);
    expect(all.body.folders).toEqual(['Comptes', 'Comptes/2026', 'Photos']);
    const top = await awa.get(`${GG}?folder=`);
    expect(top.body.files).toEqual([]);
    expect(top.body.folders).toEqual(['Comptes', 'Photos']);
    const comptes = await awa.get(`${GG}?folder=Comptes`);
    expect(comptes.body.files.map((f: { name: string }) => f.name)).toEqual(['Procès-verbalé.txt']);
    expect(comptes.body.folders).toEqual(['Comptes/2026']);

    const bad = await awa.patch(`${GG}/${a.body.id}`, { name: '../../etc/passwd' });
    expect(bad.status).toBe(400);
    expect((await awa.get(`${GG}/${a.body.id}`)).body.name).toBe('Procès-verbalé.txt');

    expect((await awa.delete(`${GG}/${a.body.id}`)).status).toBe(200);
    for (const res of [await awa.get(`${GG}/${a.body.id}`), await raw(awa, 'GET', `${GG}/${a.body.id}/content`), await awa.patch(`${GG}/${a.body.id}`, { name: 'x' }), await awa.delete(`${GG}/${a.body.id}`)]) {
      expect(res.status).toBe(404);
    }
    expect((await awa.get(GG)).body.files).toHaveLength(2);
    const row = box.appliance.services.db.prepare("SELECT deleted FROM records WHERE coll = 'files' AND id = ?").get(a.body.id) as { deleted: number };
    expect(row.deleted).toBe(1);
  });

  it('says plainly when a record came from another box before its bytes', async () => {
    box = await testBox();
    const s = box.appliance.services;
    s.log.commit('commons', 'record.put', {
      coll: 'files',
      id: 'distant',
      fields: { name: 'loin.pdf', folder: '', sha256: 'ab'.repeat(32), size: 5, type: 'application/pdf', createdBy: 'x', createdByName: 'Nioro' },
      by: { id: 'x', name: 'Nioro' },
    });
    const res = await raw(box.admin, 'GET', '/api/v1/spaces/commons/files/distant/content');
    expect(res.status).toBe(404);
    expect(res.json().error.message).toMatch(/pas encore arrivé/);
  });
});

describe('concurrent uploads', () => {
  /** A body that sends `head`, then waits for `release()` before sending `tail`. */
  function gated(head: Uint8Array, tail: Uint8Array) {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let step = 0;
    const stream = new ReadableStream<Uint8Array>({
      async pull(ctl) {
        if (step === 0) ctl.enqueue(head);
        else if (step === 1) {
          await gate;
          ctl.enqueue(tail);
        } else ctl.close();
        step++;
      },
    }, { highWaterMark: 0 });
    return { stream, release };
  }

  it('keeps a blob that an upload in flight is about to point at', async () => {
    box = await testBox();
    const data = bytes(2000, 11);
    const first = await upload(box.admin, '/api/v1/spaces/commons/files?name=un.bin', data);
    const { stream, release } = gated(data.subarray(0, 1000), data.subarray(1000));
    const second = raw(box.admin, 'POST', '/api/v1/spaces/commons/files?name=deux.bin', { body: stream });
    await new Promise((r) => setTimeout(r, 50));
    // The only live record of this content goes while the same content is on its way.
    expect((await box.admin.delete(`/api/v1/spaces/commons/files/${first.body.id}`)).status).toBe(200);
    expect(blobsOnDisk(box)).toEqual([sha(data)]);
    release();
    const done = await second;
    expect(done.status).toBe(201);
    const got = await raw(box.admin, 'GET', `/api/v1/spaces/commons/files/${done.json().id}/content`);
    expect(sha(got.body)).toBe(sha(data));
  });

  it('lets only one of two uploads that each fit alone, and leaves the loser no blob', async () => {
    box = await testBox();
    box.appliance.services.spaces.update('commons', { quotaBytes: 1000 });
    const a = gated(bytes(300, 1), bytes(300, 2));
    const b = gated(bytes(300, 3), bytes(300, 4));
    const ra = raw(box.admin, 'POST', '/api/v1/spaces/commons/files?name=a.bin', { body: a.stream });
    const rb = raw(box.admin, 'POST', '/api/v1/spaces/commons/files?name=b.bin', { body: b.stream });
    await new Promise((r) => setTimeout(r, 50));
    a.release();
    b.release();
    const statuses = [(await ra).status, (await rb).status].sort();
    expect(statuses).toEqual([201, 413]);
    expect(fileRecords(box).n).toBe(1);
    expect(blobsOnDisk(box)).toHaveLength(1);
    expect(tmpLeft(box)).toEqual([]);
  });
});
