/**
 * `solidaire release publish FILE --relay URL`: send a signed release to the relay, which
 * checks it against its release key and offers it to every box (relay/src/releases.ts).
 * The file is streamed; the relay's admin token comes from a file (never the command line,
 * where other users of the machine would see it in the process list).
 */
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { Readable } from 'node:stream';

export interface Published {
  readonly version: string;
  readonly sha256: string;
  readonly size: number;
}

export async function publishRelease(o: { file: string; relay: string; tokenFile: string }): Promise<Published> {
  const token = readFileSync(o.tokenFile, 'utf8').trim();
  const url = new URL('/api/v1/releases', o.relay);
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream', 'content-length': String(statSync(o.file).size) },
    body: Readable.toWeb(createReadStream(o.file)) as ReadableStream<Uint8Array>,
    duplex: 'half',
  } as RequestInit & { duplex: 'half' });
  const body = (await res.json().catch(() => null)) as (Published & { error?: { message?: string } }) | null;
  if (res.status !== 201 || !body) throw new Error(`le relais refuse la version (${res.status}) : ${body?.error?.message ?? 'réponse illisible'}`);
  return body;
}
