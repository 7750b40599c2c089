/**
 * Power-cut test (issue 2, Proof): a real appliance in a child process serves writes over
 * real HTTP and is killed with SIGKILL at a random moment of the load, again and again on
 * the same data directory. After each kill, before the restart, the database as the kill
 * left it must be sound, hold every write that was acknowledged (in its table and in the
 * op log), and its op log must replay to exactly its tables.
 *
 * SIGKILL loses what the process holds, not what the kernel holds: this proves that a 201
 * is sent only after the commit (and that a torn transaction never shows), while
 * synchronous=FULL, asserted on every start, is what carries that to a real power cut.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBox, type TestBox } from '../../appliance/src/testing/index.js';
import { checkDatabase, copyAsLeft, DB_FILE } from './check.js';

const CHILD = fileURLToPath(new URL('./child.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../../appliance/dist/index.js', import.meta.url));
const PASSWORD = 'coupure-de-courant';
const CYCLES = 50;
const IN_FLIGHT = 6;

/** mulberry32: the kill moments and the load are the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Running {
  readonly child: ChildProcess;
  readonly base: string;
  readonly pragmas: string;
  readonly exited: Promise<void>;
}

async function startChild(dataDir: string): Promise<Running> {
  const child = spawn(process.execPath, [CHILD, dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines = createInterface({ input: child.stdout! });
  const ready = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the child did not start in 15 s: ${stderr}`)), 15_000);
    lines.on('line', (l) => {
      if (l.startsWith('READY ')) {
        clearTimeout(timer);
        resolve(l);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the child exited (${code}) before it was ready: ${stderr}`));
    });
  });
  const [, port, ...pragmas] = ready.split(' ');
  return { child, base: `http://127.0.0.1:${port}`, pragmas: pragmas.join(' '), exited };
}

interface Session {
  readonly base: string;
  readonly accountId: string;
  readonly headers: Record<string, string>;
}

async function login(base: string): Promise<Session> {
  const res = await fetch(`${base}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  });
  expect(res.status).toBe(200);
  const { csrfToken, account } = (await res.json()) as { csrfToken: string; account: { id: string } };
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  return { base, accountId: account.id, headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' } };
}

async function post(s: Session, path: string, body: unknown, method = 'POST'): Promise<{ status: number; json: any }> {
  const res = await fetch(`${s.base}/api/v1${path}`, { method, headers: s.headers, body: JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

const SPACES = ['commons', 'jumelage'];

describe('power cut: SIGKILL at random moments under write load', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'solidaire-powercut-'));
  const scratch = mkdtempSync(join(tmpdir(), 'solidaire-powercut-check-'));
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  it(`keeps every acknowledged write through ${CYCLES} kills`, { timeout: 120_000 }, async () => {
    expect(existsSync(DIST), 'appliance/dist is missing: build with `npx tsc -b` (npm test does)').toBe(true);
    const rand = seeded(20261122);
    const acked = new Set<string>();
    const documents = new Map<string, string>();
    const sent = new Set<string>();
    const threads: Array<{ space: string; id: string }> = [];
    let counter = 0;
    let cycles = 0;
    let opsAtEnd = 0;
    const started = Date.now();

    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const run = await startChild(dataDir);
      // The box keeps its durability settings on every start.
      expect(run.pragmas).toBe('synchronous=2 journal=wal');
      const health = await fetch(`${run.base}/healthz`);
      expect(health.status).toBe(200);
      expect(((await health.json()) as { ok: boolean }).ok).toBe(true);
      const s = await login(run.base);

      if (cycle === 0) {
        expect((await post(s, '/spaces', { id: 'jumelage', name: 'Comité de jumelage' })).status).toBe(201);
        expect((await post(s, `/spaces/jumelage/roles/${s.accountId}`, { role: 'admin' }, 'PUT')).status).toBe(200);
        for (const space of SPACES) {
          const body = `premier message ${space}`;
          sent.add(body);
          const r = await post(s, `/spaces/${space}/threads`, { subject: `Discussion ${space}`, body });
          expect(r.status).toBe(201);
          acked.add(`${space}/${r.json.message.id}`);
          threads.push({ space, id: r.json.thread.id });
        }
      }

      // Several writers keep writes in flight until the kill cuts them off.
      let killed = false;
      const write = async (): Promise<void> => {
        const n = ++counter;
        const body = `message ${n} du cycle ${cycle}`;
        sent.add(body);
        if (n % 10 === 0) {
          const space = SPACES[(n / 10) % SPACES.length]!;
          const text = `# Compte rendu ${n}\n\n${body}, écrit avant la coupure.`;
          const r = await post(s, `/spaces/${space}/documents`, { title: `Compte rendu ${n}`, text });
          if (r.status !== 201) throw new Error(`document: ${r.status} ${JSON.stringify(r.json)}`);
          documents.set(`${space}/${r.json.id}`, text);
        } else if (n % 5 === 0) {
          const space = SPACES[(n / 5) % SPACES.length]!;
          const r = await post(s, `/spaces/${space}/threads`, { subject: `Sujet ${n}`, body });
          if (r.status !== 201) throw new Error(`thread: ${r.status} ${JSON.stringify(r.json)}`);
          acked.add(`${space}/${r.json.message.id}`);
          threads.push({ space, id: r.json.thread.id });
        } else {
          const t = threads[Math.floor(rand() * threads.length)]!;
          const r = await post(s, `/spaces/${t.space}/threads/${t.id}/messages`, { body });
          if (r.status !== 201) throw new Error(`reply: ${r.status} ${JSON.stringify(r.json)}`);
          acked.add(`${t.space}/${r.json.id}`);
        }
      };
      let failure: unknown;
      const writer = async (): Promise<void> => {
        while (!killed && failure === undefined) {
          try {
            await write();
          } catch (e) {
            // Only a write cut off by the kill may fail.
            if (!killed) failure ??= e;
          }
        }
      };
      const killAfter = 10 + Math.floor(rand() * 390);
      const writers = Array.from({ length: IN_FLIGHT }, writer);
      await new Promise((r) => setTimeout(r, killAfter));
      killed = true;
      run.child.kill('SIGKILL');
      await run.exited;
      await Promise.all(writers);
      if (failure !== undefined) throw failure;

      const copy = copyAsLeft(dataDir, scratch);
      const result = checkDatabase(copy, { messages: acked, documents, sentBodies: sent });
      expect(result.problems, `cycle ${cycle}, killed after ${killAfter} ms`).toEqual([]);
      rmSync(copy, { force: true });
      rmSync(`${copy}-wal`, { force: true });
      opsAtEnd = result.ops;
      cycles++;
    }

    // The box still starts and answers after the last kill.
    const last = await startChild(dataDir);
    expect((await fetch(`${last.base}/healthz`)).status).toBe(200);
    last.child.kill('SIGKILL');
    await last.exited;

    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`power cut: ${cycles} SIGKILL cycles, ${acked.size + documents.size} acknowledged writes (${documents.size} documents), ${opsAtEnd} ops in the log, ${seconds} s`);
    expect(cycles).toBeGreaterThanOrEqual(50);
    expect(acked.size).toBeGreaterThan(cycles * 5);
    expect(documents.size).toBeGreaterThan(cycles / 2);
  });
});

describe('the power-cut checker bites', () => {
  let box: TestBox;
  let scratch: string;
  const acked: string[] = [];
  const sent = new Set<string>();
  const documents = new Map<string, string>();

  beforeAll(async () => {
    box = await testBox();
    scratch = mkdtempSync(join(tmpdir(), 'solidaire-checker-'));
    const first = await box.admin.request('POST', '/api/v1/spaces/commons/threads', { subject: 'Sujet', body: 'un' });
    expect(first.status).toBe(201);
    const thread = (first.body as { thread: { id: string }; message: { id: string } }).thread.id;
    acked.push(`commons/${thread}`);
    sent.add('un');
    for (const body of ['deux', 'trois', 'quatre']) {
      const r = await box.admin.request('POST', `/api/v1/spaces/commons/threads/${thread}/messages`, { body });
      expect(r.status).toBe(201);
      acked.push(`commons/${(r.body as { id: string }).id}`);
      sent.add(body);
    }
    const doc = await box.admin.request('POST', '/api/v1/spaces/commons/documents', { title: 'Statuts', text: 'Article 1' });
    expect(doc.status).toBe(201);
    documents.set(`commons/${(doc.body as { id: string }).id}`, 'Article 1');
  });
  afterAll(async () => {
    await box.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  /** A copy of the box's database, changed by `tamper`, then checked. */
  function checkTampered(
    name: string,
    tamper: (db: Database.Database) => void,
    ack = acked,
    afterClose?: (path: string) => void,
  ): string[] {
    const dir = join(scratch, name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const copy = copyAsLeft(box.dir, dir);
    const db = new Database(copy);
    tamper(db);
    db.close();
    afterClose?.(copy);
    return checkDatabase(copy, { messages: ack, documents, sentBodies: sent }).problems;
  }

  it('passes the untouched database', () => {
    expect(checkTampered('clean', () => {})).toEqual([]);
  });

  it('sees an acknowledged message lost from the table (and the disagreement with the log)', () => {
    const problems = checkTampered('lost-row', (db) => db.prepare("DELETE FROM messages WHERE body = 'trois'").run());
    expect(problems.join('\n')).toMatch(/missing from the messages table/);
    expect(problems.join('\n')).toMatch(/op log and the tables disagree/);
  });

  it('sees an acknowledged message lost from the op log', () => {
    const problems = checkTampered('lost-op', (db) => db.prepare("DELETE FROM ops WHERE rowid = (SELECT max(rowid) FROM ops WHERE kind = 'message.post')").run());
    expect(problems.join('\n')).toMatch(/missing from the op log/);
    expect(problems.join('\n')).toMatch(/disagree/);
  });

  it('sees a table changed behind the log', () => {
    const problems = checkTampered('changed', (db) => db.prepare("UPDATE messages SET by_name = 'Quelqu''un' WHERE body = 'deux'").run());
    expect(problems).toEqual([expect.stringMatching(/op log and the tables disagree/)]);
  });

  it('sees a document whose text is not the acknowledged one', () => {
    const problems = checkTampered('doc-text', (db) => db.prepare("UPDATE doc_states SET text = 'Article 2'").run());
    expect(problems.join('\n')).toMatch(/1 acknowledged documents hold another text/);
    expect(problems.join('\n')).toMatch(/disagree/);
  });

  it('sees a document whose title record is lost', () => {
    const problems = checkTampered('doc-title', (db) => db.prepare("DELETE FROM records WHERE coll = 'documents'").run());
    expect(problems.join('\n')).toMatch(/missing their title record/);
  });

  it('sees a message that was never sent', () => {
    const problems = checkTampered('stranger', (db) => db.prepare("UPDATE messages SET body = 'inventé' WHERE body = 'quatre'").run());
    expect(problems.join('\n')).toMatch(/never sent/);
  });

  it('sees an acknowledgement the database does not hold', () => {
    const problems = checkTampered('unknown-ack', () => {}, [...acked, 'commons/jamais-ecrit']);
    expect(problems.join('\n')).toMatch(/1 acknowledged messages missing from the messages table: commons\/jamais-ecrit/);
  });

  it('sees a torn page', () => {
    let root = 0;
    let pageSize = 0;
    const problems = checkTampered(
      'torn',
      (db) => {
        db.pragma('wal_checkpoint(TRUNCATE)');
        root = (db.prepare("SELECT rootpage FROM sqlite_schema WHERE name = 'messages_by_thread'").get() as { rootpage: number }).rootpage;
        pageSize = db.pragma('page_size', { simple: true }) as number;
      },
      acked,
      (path) => {
        // Scribble over the index's page, past its header, as a write torn by a power cut would.
        const fd = openSync(path, 'r+');
        writeSync(fd, Buffer.alloc(pageSize - 16, 0x5a), 0, pageSize - 16, (root - 1) * pageSize + 8);
        closeSync(fd);
      },
    );
    expect(root).toBeGreaterThan(1);
    expect(problems.join('\n')).toMatch(/integrity_check/);
  });
});
