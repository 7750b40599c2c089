/**
 * A large upload and download through the real HTTP server (node:http on 127.0.0.1),
 * generated on the fly: the body must stream to disk and back, never sit in memory.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { request, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Appliance } from '../appliance.js';
import { performSetup } from '../setup/index.js';

const SIZE = 1024 ** 3; // 1 GiB
const CHUNK = 1024 * 1024;
const RSS_GROWTH_LIMIT = 100 * 1024 * 1024;

let dir: string;
let appliance: Appliance;
let base: string;
let cookie: string;
let csrf: string;
const logged: unknown[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'solidaire-large-'));
  appliance = new Appliance({ dataDir: dir, port: 0, host: '127.0.0.1', logError: (e) => logged.push(e) });
  await performSetup(appliance.services, { siteName: 'Nioro', admin: { username: 'admin', displayName: 'Admin', password: 'correct-horse-battery' } });
  base = await appliance.start();
  const login = await fetch(`${base}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: 'correct-horse-battery' }),
  });
  expect(login.status).toBe(200);
  cookie = /solidaire_session=[^;]*/.exec(login.headers.get('set-cookie') ?? '')![0];
  csrf = ((await login.json()) as { csrfToken: string }).csrfToken;
});

afterAll(async () => {
  await appliance?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Highest RSS seen while `work` runs, sampled every 20 ms. */
async function peakRss<T>(work: () => Promise<T>): Promise<{ result: T; peak: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  try {
    const result = await work();
    return { result, peak: Math.max(peak, process.memoryUsage.rss()) };
  } finally {
    clearInterval(timer);
  }
}

/** SIZE bytes made chunk by chunk (a random block, stamped with its index), hashed as they go. */
function generated(hash: ReturnType<typeof createHash>): Readable {
  const block = randomBytes(CHUNK);
  return Readable.from(
    (function* () {
      for (let i = 0; i < SIZE / CHUNK; i++) {
        const chunk = Buffer.from(block);
        chunk.writeUInt32LE(i, 0);
        hash.update(chunk);
        yield chunk;
      }
    })(),
  );
}

it(`streams a ${SIZE / 1024 ** 2} MiB upload and download through the HTTP server in bounded memory`, async () => {
  const before = process.memoryUsage.rss();
  const started = Date.now();
  const sent = createHash('sha256');
  const up = await peakRss(
    () =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(`${base}/api/v1/spaces/commons/files?name=video.mp4`, {
          method: 'POST',
          headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'video/mp4', 'content-length': String(SIZE) },
        });
        req.on('response', (res: IncomingMessage) => {
          let body = '';
          res.setEncoding('utf8').on('data', (d: string) => (body += d)).on('end', () => resolve({ status: res.statusCode!, body }));
        });
        req.on('error', reject);
        pipeline(generated(sent), req).catch(reject);
      }),
  );
  const uploadMs = Date.now() - started;
  expect(up.result.status, up.result.body).toBe(201);
  const file = JSON.parse(up.result.body) as { id: string; sha256: string; size: number };
  const expected = sent.digest('hex');
  expect(file).toMatchObject({ sha256: expected, size: SIZE });
  // The bytes on disk are the bytes sent, not only the hash the server computed.
  const onDisk = createHash('sha256');
  await pipeline(appliance.services.blobs.read(expected), onDisk);
  expect(onDisk.digest('hex')).toBe(expected);

  const got = createHash('sha256');
  // node:http on the client side too, so what grows is the server, not a client's buffers.
  const down = await peakRss(
    () =>
      new Promise<number>((resolve, reject) => {
        const req = request(`${base}/api/v1/spaces/commons/files/${file.id}/content`, { headers: { cookie } });
        req.on('response', (res: IncomingMessage) => {
          expect(res.statusCode).toBe(200);
          expect(res.headers['content-length']).toBe(String(SIZE));
          let n = 0;
          res.on('data', (chunk: Buffer) => {
            got.update(chunk);
            n += chunk.length;
          });
          res.on('end', () => resolve(n));
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end();
      }),
  );
  expect(down.result).toBe(SIZE);
  expect(got.digest('hex')).toBe(expected);

  const mb = (n: number) => Math.round(n / 1024 / 1024);
  console.info(`large file: ${mb(SIZE)} MiB, upload ${uploadMs} ms, total ${Date.now() - started} ms, RSS before ${mb(before)} MB, peak up ${mb(up.peak)} MB, peak down ${mb(down.peak)} MB`);
  expect(up.peak - before).toBeLessThan(RSS_GROWTH_LIMIT);
  expect(down.peak - before).toBeLessThan(RSS_GROWTH_LIMIT);
}, 120_000);

it('forgets an upload cut in the middle: no temporary file, no record, nothing logged as a crash', async () => {
  const req = request(`${base}/api/v1/spaces/commons/files?name=coupe.bin`, {
    method: 'POST',
    headers: { cookie, 'x-csrf-token': csrf, 'content-length': String(10 * CHUNK) },
  });
  req.on('error', () => {});
  req.write(randomBytes(CHUNK));
  await new Promise((r) => setTimeout(r, 200));
  req.destroy();
  const records = () => appliance.services.db.prepare("SELECT count(*) AS n FROM records WHERE coll = 'files'").get() as { n: number };
  const before = records().n;
  for (let i = 0; i < 50 && readdirSync(join(dir, 'blobs', 'tmp')).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
  expect(readdirSync(join(dir, 'blobs', 'tmp'))).toEqual([]);
  expect(records().n).toBe(before);
  expect(logged).toEqual([]);
});

it('answers 413 to an announced size past the quota without reading the body', async () => {
  const room = appliance.services.spaces.find('commons')!.quotaBytes;
  const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(`${base}/api/v1/spaces/commons/files?name=trop.bin`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrf, 'content-length': String(room + 1) },
    });
    req.on('response', (r: IncomingMessage) => {
      let body = '';
      r.setEncoding('utf8').on('data', (d: string) => (body += d)).on('end', () => resolve({ status: r.statusCode!, body }));
    });
    req.on('error', reject);
    req.write(randomBytes(64 * 1024)); // a client starts sending before it sees the answer
  });
  expect(res.status).toBe(413);
  expect(JSON.parse(res.body).error.code).toBe('quota_exceeded');
});
