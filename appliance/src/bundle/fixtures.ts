/**
 * Test fixtures of the bundle room (used by its *.test.ts only): boxes with some work of
 * every kind in "givors-gavinane", and a way to take a bundle apart and put it back
 * together with a recomputed trailer (to forge a well-formed but tampered bundle).
 */
import { createHash } from 'node:crypto';
import { seededRandom } from '../clock/index.js';
import { stateDigest } from '../ops/index.js';
import { testBox, type TestBox } from '../testing/index.js';
import { PREAMBLE_BYTES, RecordType, record } from './format.js';
import { bundleDeps } from './routes.js';
import type { BundleDeps } from './deps.js';

export const GG = 'givors-gavinane';
export const API = `/api/v1/spaces/${GG}`;

export async function newBox(boxes: TestBox[], seed: number): Promise<TestBox> {
  const b = await testBox({ seed });
  boxes.push(b);
  return b;
}

export function depsOf(box: TestBox): BundleDeps {
  return bundleDeps(box.appliance.services);
}

export function opCount(box: TestBox): number {
  return (box.appliance.services.db.prepare('SELECT count(*) AS n FROM ops').get() as { n: number }).n;
}

export function digest(box: TestBox): string {
  return stateDigest(box.appliance.services.db, [GG]);
}

/** Everything a site makes: a document, a thread and its answer, a member, a file. */
export async function makeWork(box: TestBox, opts: { who?: string; bigMessages?: number } = {}) {
  const awa = await box.user(opts.who ?? 'awa', { [GG]: 'admin' });
  const ok = async (p: Promise<{ status: number; body: any; text: string }>) => {
    const r = await p;
    if (r.status >= 300) throw new Error(`${r.status} ${r.text}`);
    return r.body;
  };
  const doc = await ok(awa.post(`${API}/documents`, { title: 'Compte rendu du bureau', text: '# Bureau\n\nPrésents : Awa, Moussa.\n' }));
  await ok(awa.put(`${API}/documents/${doc.id}`, { text: '# Bureau\n\nPrésents : Awa, Moussa, Fatou.\n', baseVersion: doc.version }));
  const { thread } = await ok(awa.post(`${API}/threads`, { subject: 'Kits solaires', body: 'Les kits arrivent à Gavinané en janvier.' }));
  await ok(awa.post(`${API}/threads/${thread.id}/messages`, { body: 'Bonne nouvelle, merci !' }));
  const member = await ok(awa.post(`${API}/members`, { firstName: 'Awa', lastName: 'Traoré', joinedOn: '2011-03-12' }));
  for (let i = 0; i < (opts.bigMessages ?? 0); i++) {
    // Random text does not compress: it makes several op chunks.
    const body = seededRandom(100 + i).bytes(15_000).toString('base64').slice(0, 19_000);
    await ok(awa.post(`${API}/threads`, { subject: `Long ${i}`, body }));
  }
  const content = new Uint8Array(seededRandom(box.clock.now() % 1000).bytes(300_000));
  const file = await ok(awa.post(`${API}/files?name=plan.pdf`, content, { 'content-type': 'application/pdf' }));
  return { awa, doc, thread, member, file, content };
}

export interface RawRecord {
  type: number;
  payload: Buffer;
}

/** A bundle's records, trailer excluded (no checks: the bundle is ours). */
export function takeApart(bundle: Buffer): { preamble: Buffer; records: RawRecord[] } {
  const records: RawRecord[] = [];
  let pos = PREAMBLE_BYTES;
  while (pos < bundle.length) {
    const type = bundle.readUInt8(pos);
    const length = bundle.readUInt32BE(pos + 1);
    if (type !== RecordType.Trailer) records.push({ type, payload: bundle.subarray(pos + 5, pos + 5 + length) });
    pos += 5 + length;
  }
  return { preamble: bundle.subarray(0, PREAMBLE_BYTES), records };
}

/** Records back into a bundle, with the trailer a genuine writer would compute. */
export function putTogether(preamble: Buffer, records: readonly RawRecord[]): Buffer {
  const parts = [preamble, ...records.flatMap((r) => record(r.type as never, r.payload))];
  const body = Buffer.concat(parts);
  const digest = createHash('sha256').update(body).digest();
  return Buffer.concat([body, ...record(RecordType.Trailer, digest)]);
}
