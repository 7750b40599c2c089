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
import type { ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prng, testBox, type TestBox } from '../../appliance/src/testing/index.js';
import { checkDatabase, copyAsLeft, DB_FILE, login as logIn, request, spawnReady, type HttpSession } from '../support/index.js';

const CHILD = fileURLToPath(new URL('./child.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../../appliance/dist/index.js', import.meta.url));
const PASSWORD = 'coupure-de-courant';
const CYCLES = 50;
const IN_FLIGHT = 6;

interface Running {
  readonly child: ChildProcess;
  readonly base: string;
  readonly pragmas: string;
  readonly exited: Promise<void>;
}

async function startChild(dataDir: string): Promise<Running> {
  const run = await spawnReady([CHILD, dataDir], (l) => l.startsWith('READY '));
  const [, port, ...pragmas] = run.ready.split(' ');
  return { child: run.child, base: `http://127.0.0.1:${port}`, pragmas: pragmas.join(' '), exited: run.exited };
}

const login = (base: string): Promise<HttpSession> => logIn(base, 'admin', PASSWORD);

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
    const rand = prng(20261122).next;
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
        expect((await request(s, 'POST', '/spaces', { id: 'jumelage', name: 'Comité de jumelage' })).status).toBe(201);
        expect((await request(s, 'PUT', `/spaces/jumelage/roles/${s.accountId}`, { role: 'admin' })).status).toBe(200);
        for (const space of SPACES) {
          const body = `premier message ${space}`;
          sent.add(body);
          const r = await request(s, 'POST', `/spaces/${space}/threads`, { subject: `Discussion ${space}`, body });
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
          const r = await request(s, 'POST', `/spaces/${space}/documents`, { title: `Compte rendu ${n}`, text });
          if (r.status !== 201) throw new Error(`document: ${r.status} ${JSON.stringify(r.json)}`);
          documents.set(`${space}/${r.json.id}`, text);
        } else if (n % 5 === 0) {
          const space = SPACES[(n / 5) % SPACES.length]!;
          const r = await request(s, 'POST', `/spaces/${space}/threads`, { subject: `Sujet ${n}`, body });
          if (r.status !== 201) throw new Error(`thread: ${r.status} ${JSON.stringify(r.json)}`);
          acked.add(`${space}/${r.json.message.id}`);
          threads.push({ space, id: r.json.thread.id });
        } else {
          const t = threads[Math.floor(rand() * threads.length)]!;
          const r = await request(s, 'POST', `/spaces/${t.space}/threads/${t.id}/messages`, { body });
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
