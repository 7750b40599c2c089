// Benchmark: why better-sqlite3 and not sqlite3 (node-sqlite3), the binding the project's
// owner first named. Same SQLite, same schema, same seeded data, same process:
//   - commits: one small transaction per write (an op row + a record row), synchronous=FULL
//     (what the appliance runs) and synchronous=NORMAL (binding overhead without fsync);
//   - reads: point lookups by primary key.
// sqlite3 is not a dependency of Solidaire (it builds from source for minutes); to run the
// comparison: `npm install --no-save sqlite3` then `npm run bench -- sqlite`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import Database from 'better-sqlite3';
import { writeResult, median } from './lib.js';

const require = createRequire(import.meta.url);
const SCHEMA = `CREATE TABLE ops (rowid INTEGER PRIMARY KEY, space TEXT, author TEXT, seq INTEGER, body BLOB, UNIQUE(space, author, seq));
CREATE TABLE records (space TEXT, id TEXT, data TEXT, PRIMARY KEY (space, id)) WITHOUT ROWID;`;
const BODY = Buffer.alloc(200, 7);

function better(dir, sync, commits, reads) {
  const db = new Database(join(dir, `b-${sync}.db`));
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${sync}`);
  db.exec(SCHEMA);
  const insOp = db.prepare('INSERT INTO ops (space, author, seq, body) VALUES (?, ?, ?, ?)');
  const insRec = db.prepare('INSERT OR REPLACE INTO records (space, id, data) VALUES (?, ?, ?)');
  const write = db.transaction((i) => {
    insOp.run('s', 'a', i, BODY);
    insRec.run('s', `r${i % 1000}`, `{"n":${i}}`);
  });
  let t = performance.now();
  for (let i = 1; i <= commits; i++) write(i);
  const commitRate = commits / ((performance.now() - t) / 1000);
  const get = db.prepare('SELECT data FROM records WHERE space = ? AND id = ?');
  t = performance.now();
  for (let i = 0; i < reads; i++) get.get('s', `r${(i * 7919) % 1000}`);
  const readRate = reads / ((performance.now() - t) / 1000);
  db.close();
  return { commitRate, readRate };
}

async function classic(sqlite3, dir, sync, commits, reads) {
  const db = new sqlite3.Database(join(dir, `c-${sync}.db`));
  const run = (sql, ...p) => new Promise((res, rej) => db.run(sql, p, (e) => (e ? rej(e) : res())));
  const get = (stmt, ...p) => new Promise((res, rej) => stmt.get(p, (e, row) => (e ? rej(e) : res(row))));
  const exec = (sql) => new Promise((res, rej) => db.exec(sql, (e) => (e ? rej(e) : res())));
  await exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = ${sync};`);
  await exec(SCHEMA);
  let t = performance.now();
  for (let i = 1; i <= commits; i++) {
    await run('BEGIN');
    await run('INSERT INTO ops (space, author, seq, body) VALUES (?, ?, ?, ?)', 's', 'a', i, BODY);
    await run('INSERT OR REPLACE INTO records (space, id, data) VALUES (?, ?, ?)', 's', `r${i % 1000}`, `{"n":${i}}`);
    await run('COMMIT');
  }
  const commitRate = commits / ((performance.now() - t) / 1000);
  const stmt = db.prepare('SELECT data FROM records WHERE space = ? AND id = ?');
  t = performance.now();
  for (let i = 0; i < reads; i++) await get(stmt, 's', `r${(i * 7919) % 1000}`);
  const readRate = reads / ((performance.now() - t) / 1000);
  await new Promise((res) => stmt.finalize(res));
  await new Promise((res) => db.close(res));
  return { commitRate, readRate };
}

async function run() {
  let sqlite3 = null;
  try {
    sqlite3 = require('sqlite3');
  } catch {
    console.log('sqlite3 is not installed: measuring better-sqlite3 alone (npm install --no-save sqlite3 to compare).');
  }
  const RUNS = 3;
  const metrics = {};
  for (const sync of ['FULL', 'NORMAL']) {
    const commits = sync === 'FULL' ? 2000 : 10000;
    const reads = 50000;
    const b = [];
    const c = [];
    for (let r = 0; r < RUNS + 1; r++) {
      const dir = mkdtempSync(join(tmpdir(), 'solidaire-sqlite-bench-'));
      try {
        const rb = better(dir, sync, commits, reads);
        const rc = sqlite3 ? await classic(sqlite3, dir, sync, commits, reads) : null;
        if (r > 0) {
          b.push(rb);
          if (rc) c.push(rc);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    const s = sync.toLowerCase();
    metrics[`better_sqlite3.commit.${s}.ops_per_s`] = Math.round(median(b.map((x) => x.commitRate)));
    metrics[`better_sqlite3.read.ops_per_s`] = Math.round(median(b.map((x) => x.readRate)));
    if (c.length) {
      metrics[`sqlite3.commit.${s}.ops_per_s`] = Math.round(median(c.map((x) => x.commitRate)));
      metrics[`sqlite3.read.ops_per_s`] = Math.round(median(c.map((x) => x.readRate)));
      metrics[`commit.${s}.ratio`] = +(metrics[`better_sqlite3.commit.${s}.ops_per_s`] / metrics[`sqlite3.commit.${s}.ops_per_s`]).toFixed(2);
      metrics[`read.ratio`] = +(metrics['better_sqlite3.read.ops_per_s'] / metrics['sqlite3.read.ops_per_s']).toFixed(2);
    }
  }
  console.table(metrics);
  writeResult('sqlite', metrics, { runs: RUNS });
  return metrics;
}
await run();
