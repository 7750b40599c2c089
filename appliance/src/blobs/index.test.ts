import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/index.js';
import { FakeClock, seededRandom } from '../clock/index.js';
import { BlobStore, BlobTooLargeError } from './index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function store() {
  const dir = mkdtempSync(join(tmpdir(), 'solidaire-blobs-'));
  dirs.push(dir);
  const db = openDatabase({ path: join(dir, 'x.db') });
  return { blobs: new BlobStore({ dir: join(dir, 'blobs'), db, clock: new FakeClock(Date.UTC(2026, 11, 3)), random: seededRandom(7) }), tmp: join(dir, 'blobs', 'tmp') };
}

describe('BlobStore.put', () => {
  it('leaves no temporary file behind a stream refused at its first chunk, however the file’s opening races the refusal', async () => {
    // The refusal can come before the temporary file is even opened (the open runs on
    // libuv's threads): the store must wait for the file to be closed before removing it.
    // Without that wait, 2,000 refusals left files in tmp/ on every run here..
    const { blobs, tmp } = store();
    for (let i = 0; i < 2000; i++) {
      await expect(blobs.put(Readable.from([Buffer.alloc(64, i)]), 10)).rejects.toBeInstanceOf(BlobTooLargeError);
    }
    await new Promise((r) => setTimeout(r, 20));
    expect(readdirSync(tmp)).toEqual([]);
  });
});
