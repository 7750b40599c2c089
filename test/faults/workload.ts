/**
 * What people do on the boxes during the fault test, drawn from a seed: threads and
 * replies (messages), documents and edits (Yjs), members added, changed and removed, dues,
 * ledger entries and agenda events (records), files (records and blobs). Writes go through
 * each box's HTTP API; what a box acknowledged (2xx) is noted, and `lacking()` says what of
 * it a database does not show.
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { prng, type Prng } from '../../appliance/src/testing/index.js';
import { request, type HttpSession } from '../support/index.js';

const KINDS = ['thread', 'reply', 'reply', 'document', 'edit', 'edit', 'member', 'member', 'patch', 'remove', 'due', 'ledger', 'event', 'file'] as const;
type Kind = (typeof KINDS)[number];

export class Workload {
  /** `space/id` of every acknowledged message (first messages of threads and replies) → the box that acknowledged it. */
  readonly messages = new Map<string, number>();
  /** Document id → lines that acknowledged writes put in it (each must stay in the merged text). */
  readonly documents = new Map<string, string[]>();
  /** `coll/id` → whether an acknowledged write left it present or deleted. */
  readonly records = new Map<string, 'present' | 'deleted'>();
  /** Member id → towns acknowledged changes gave it: the one that wins is one of them. */
  readonly towns = new Map<string, Set<string>>();
  /** File id → SHA-256 of the bytes uploaded. */
  readonly files = new Map<string, string>();
  /** Acknowledged writes by kind. */
  readonly count: Record<Kind | 'burst', number> = Object.fromEntries([...KINDS, 'burst'].map((k) => [k, 0])) as Record<Kind | 'burst', number>;
  /** Writes a box refused, `kind status` (a change to a member another box removed meanwhile, say). */
  readonly refused: string[] = [];
  /** One generator per box: a box's writes follow one another, so its draws are the same on every run. */
  private readonly rnds = new Map<number, Prng>();
  /** Members each box added and has not removed (a box removes only its own). */
  private readonly own = new Map<number, string[]>();

  constructor(
    private readonly space: string,
    private readonly seed: number,
  ) {}

  get acknowledged(): number {
    return Object.values(this.count).reduce((a, b) => a + b, 0);
  }

  /** One write at box `box`, the `n`-th of the test, of a kind drawn from the seed. */
  async step(api: HttpSession, box: number, n: number): Promise<void> {
    await this.write(api, box, this.rnd(box).pick(KINDS), `${box + 1}-${n}`);
  }

  /** `count` documents of about `bytes` each at once, written at box `box`: several batches of a session. */
  async burst(api: HttpSession, box: number, count: number, bytes: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const line = `Rafale ${i}`;
      const r = await request(api, 'POST', `/spaces/${this.space}/documents`, { title: `Rafale ${i}`, text: `# ${line}\n\n${this.words(box, bytes)}` });
      if (r.status !== 201) throw new Error(`burst document: ${r.status} ${JSON.stringify(r.json)}`);
      this.documents.set(r.json.id, [line]);
      this.count.burst++;
      ids.push(r.json.id);
    }
    return ids;
  }

  private rnd(box: number): Prng {
    let r = this.rnds.get(box);
    if (!r) this.rnds.set(box, (r = prng(this.seed + box)));
    return r;
  }

  /** Count a write: acknowledged (2xx) or refused. Returns whether it was acknowledged. */
  private noted(kind: Kind, status: number): boolean {
    if (status >= 200 && status < 300) this.count[kind]++;
    else this.refused.push(`${kind} ${status}`);
    return status >= 200 && status < 300;
  }

  private async write(api: HttpSession, box: number, kind: Kind, tag: string): Promise<void> {
    const sp = `/spaces/${this.space}`;
    const rnd = this.rnd(box);
    switch (kind) {
      case 'thread': {
        const r = await request(api, 'POST', `${sp}/threads`, { subject: `Sujet ${tag}`, body: `Premier message ${tag}` });
        if (this.noted(kind, r.status)) this.messages.set(`${this.space}/${r.json.message.id}`, box);
        return;
      }
      case 'reply': {
        const threads = (await request(api, 'GET', `${sp}/threads`)).json.threads as Array<{ id: string }> | undefined;
        if (!threads?.length) return this.write(api, box, 'thread', tag);
        const r = await request(api, 'POST', `${sp}/threads/${rnd.pick(threads).id}/messages`, { body: `Réponse ${tag}` });
        if (this.noted(kind, r.status)) this.messages.set(`${this.space}/${r.json.id}`, box);
        return;
      }
      case 'document': {
        const r = await request(api, 'POST', `${sp}/documents`, { title: `Compte rendu ${tag}`, text: `# Compte rendu\n\nLigne ${tag}` });
        if (this.noted(kind, r.status)) this.documents.set(r.json.id, [`Ligne ${tag}`]);
        return;
      }
      case 'edit': {
        const docs = (await request(api, 'GET', `${sp}/documents`)).json.documents as Array<{ id: string }> | undefined;
        if (!docs?.length) return this.write(api, box, 'document', tag);
        const id = rnd.pick(docs).id;
        const doc = await request(api, 'GET', `${sp}/documents/${id}`);
        if (doc.status !== 200) {
          this.noted(kind, doc.status);
          return;
        }
        const line = `Ajout ${tag}`;
        const r = await request(api, 'PUT', `${sp}/documents/${id}`, { text: `${doc.json.text}\n${line}`, baseVersion: doc.json.version });
        if (this.noted(kind, r.status)) this.documents.set(id, [...(this.documents.get(id) ?? []), line]);
        return;
      }
      case 'member': {
        const r = await request(api, 'POST', `${sp}/members`, { firstName: `Membre ${tag}`, lastName: `Boîte ${box + 1}`, joinedOn: '2026-01-15' });
        if (!this.noted(kind, r.status)) return;
        this.records.set(`members/${r.json.id}`, 'present');
        this.own.set(box, [...(this.own.get(box) ?? []), r.json.id]);
        return;
      }
      case 'patch': {
        const id = await this.someMember(api, rnd);
        if (!id) return this.write(api, box, 'member', tag);
        const town = `Ville ${tag}`;
        const r = await request(api, 'PATCH', `${sp}/members/${id}`, { town });
        if (this.noted(kind, r.status)) this.towns.set(id, (this.towns.get(id) ?? new Set()).add(town));
        return;
      }
      case 'remove': {
        const mine = this.own.get(box) ?? [];
        if (mine.length < 2) return this.write(api, box, 'member', tag);
        const id = mine.splice(rnd.int(mine.length), 1)[0]!;
        const r = await request(api, 'DELETE', `${sp}/members/${id}`);
        if (this.noted(kind, r.status)) this.records.set(`members/${id}`, 'deleted');
        return;
      }
      case 'due': {
        const memberId = await this.someMember(api, rnd);
        if (!memberId) return this.write(api, box, 'member', tag);
        const r = await request(api, 'POST', `${sp}/dues`, { memberId, year: 2026, amountCents: 1000 + rnd.int(5000), paidOn: '2026-02-01', method: 'mobile money' });
        return this.created(kind, r, 'dues');
      }
      case 'ledger': {
        const body = { date: '2026-03-10', label: `Écriture ${tag}`, amountCents: 1 + rnd.int(100_000), direction: rnd.pick(['receipt', 'expense']) };
        return this.created(kind, await request(api, 'POST', `${sp}/ledger`, body), 'ledger');
      }
      case 'event': {
        const body = { title: `Réunion ${tag}`, startsAt: '2026-04-04T18:00:00+02:00', endsAt: '2026-04-04T20:00:00+02:00', place: 'Gavinané' };
        return this.created(kind, await request(api, 'POST', `${sp}/events`, body), 'events');
      }
      case 'file': {
        // Some tens of KB to a few hundred: one to several chunks of a blob transfer.
        const bytes = Buffer.from(Array.from({ length: 20_000 + rnd.int(280_000) }, () => rnd.int(256)));
        const r = await request(api, 'POST', `${sp}/files?name=${encodeURIComponent(`piece-${tag}.bin`)}`, bytes);
        if (!this.noted(kind, r.status)) return;
        this.files.set(r.json.id, createHash('sha256').update(bytes).digest('hex'));
        this.records.set(`files/${r.json.id}`, 'present');
      }
    }
  }

  private created(kind: Kind, r: { status: number; json: { id?: string } }, coll: string): void {
    if (this.noted(kind, r.status)) this.records.set(`${coll}/${r.json.id}`, 'present');
  }

  /** A member the box shows now, not one being removed. */
  private async someMember(api: HttpSession, rnd: Prng): Promise<string | undefined> {
    const items = (await request(api, 'GET', `/spaces/${this.space}/members`)).json.items as Array<{ id: string }> | undefined;
    const live = (items ?? []).filter((m) => this.records.get(`members/${m.id}`) !== 'deleted');
    return live.length ? rnd.pick(live).id : undefined;
  }

  /** Text of random words (letters drawn from the seed: it compresses about as text does). */
  private words(box: number, bytes: number): string {
    const rnd = this.rnd(box);
    const out: string[] = [];
    let size = 0;
    while (size < bytes) {
      const w = Array.from({ length: 2 + rnd.int(9) }, () => 'abcdefghijklmnopqrstuvwxyzéèà'[rnd.int(29)]).join('');
      out.push(w);
      size += w.length + 1;
    }
    return out.join(' ');
  }

  /** What acknowledged writes this database does not show (empty: it shows them all). */
  lacking(db: Database.Database): string[] {
    const lack: string[] = [];
    const messages = new Set(db.prepare<[], { k: string }>("SELECT space || '/' || id AS k FROM messages").all().map((r) => r.k));
    for (const m of this.messages.keys()) if (!messages.has(m)) lack.push(`message ${m}`);

    const texts = new Map(db.prepare<[string], { doc: string; text: string }>('SELECT doc, text FROM doc_states WHERE space = ?').all(this.space).map((r) => [r.doc, r.text]));
    for (const [doc, lines] of this.documents) {
      const text = texts.get(doc);
      if (text === undefined) lack.push(`document ${doc}`);
      else for (const l of lines) if (!text.includes(l)) lack.push(`line « ${l} » of document ${doc}`);
    }

    const records = new Map(
      db
        .prepare<[string], { k: string; deleted: number; data: string }>("SELECT coll || '/' || id AS k, deleted, data FROM records WHERE space = ?")
        .all(this.space)
        .map((r) => [r.k, r]),
    );
    for (const [k, state] of this.records) {
      const r = records.get(k);
      if (!r) lack.push(`record ${k}`);
      else if ((r.deleted === 1) !== (state === 'deleted')) lack.push(`record ${k} ${state === 'deleted' ? 'not deleted' : 'deleted'}`);
    }
    for (const [id, towns] of this.towns) {
      const town = (JSON.parse(records.get(`members/${id}`)?.data ?? '{}') as { town?: string }).town;
      if (town === undefined || !towns.has(town)) lack.push(`town of member ${id} (${town ?? 'none'})`);
    }

    const blobs = new Set(db.prepare<[], { sha256: string }>('SELECT sha256 FROM blobs').all().map((r) => r.sha256));
    for (const [id, sha] of this.files) if (!blobs.has(sha)) lack.push(`content of file ${id}`);
    return lack;
  }
}
