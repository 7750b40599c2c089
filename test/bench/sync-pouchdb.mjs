// PouchDB's side of the sync bench: express-pouchdb serving a pouchdb-node (LevelDB in a
// temporary folder) on 127.0.0.1, behind the same counting TCP proxy as Solidaire, and a
// pouchdb-node client replicating over HTTP. Every replication gets a fresh HTTP agent,
// so it opens new connections (their set-up is counted) and they all close at its end.
// Measured both ways — push (the client holds the data) and pull (the server does) —
// because they cost differently (the server gzips its answers; the client's request
// bodies go uncompressed).
//
// PouchDB is not a dependency of Solidaire: it is installed on first use into
// test/bench/out/peers (git-ignored), a project of its own, so the workspace's
// package.json, lockfile and node_modules are never touched.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { OUT_DIR } from './lib.js';
import { countingProxy } from './counting-proxy.mjs';

const PEERS_DIR = join(OUT_DIR, 'peers');
export const PEERS = { 'pouchdb-node': '9.0.0', 'express-pouchdb': '4.2.0', express: '4.21.2' };

function installPeers() {
  const stamp = JSON.stringify(PEERS);
  const pkg = join(PEERS_DIR, 'package.json');
  // Written after a successful install: the versions installed, so a change reinstalls.
  const installed = join(PEERS_DIR, 'node_modules', '.bench-peers');
  if (existsSync(installed) && readFileSync(installed, 'utf8') === stamp) return;
  console.log(`  installing ${Object.entries(PEERS).map(([n, v]) => `${n}@${v}`).join(', ')} into ${PEERS_DIR} (once)…`);
  mkdirSync(PEERS_DIR, { recursive: true });
  writeFileSync(pkg, JSON.stringify({ name: 'solidaire-bench-peers', private: true, dependencies: PEERS }, null, 2) + '\n');
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: PEERS_DIR, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`npm install of the PouchDB peers failed (exit ${r.status ?? r.signal})`);
  writeFileSync(installed, stamp);
}

/** Same documents as Solidaire's records: the fields, under an _id made of collection and id. */
const toDoc = (r) => ({ _id: `${r.coll}:${r.id}`, ...r.fields });

/** Start the server and its proxy; measure push and pull, each: initial, 10 changed, no-op. */
export async function pouchdbRun({ records, changed }, run = 0) {
  installPeers();
  const require = createRequire(join(PEERS_DIR, 'package.json'));
  const PouchDB = require('pouchdb-node');
  const express = require('express');
  const expressPouchDB = require('express-pouchdb');

  const dir = mkdtempSync(join(tmpdir(), 'solidaire-bench-pouchdb-'));
  const ServerDB = PouchDB.defaults({ prefix: `${dir}/server-` });
  const ClientDB = PouchDB.defaults({ prefix: `${dir}/client-` });
  const app = express();
  // minimumForPouchDB: the routes replication needs (no Fauxton, no _config writes).
  app.use('/', expressPouchDB(ServerDB, { mode: 'minimumForPouchDB', inMemoryConfig: true, logPath: join(dir, 'log.txt') }));
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const proxy = await countingProxy(server.address().port);

  /** One replication on fresh connections; the bytes of all of them. */
  const replicate = async (dbName, doIt) => {
    const agent = new Agent({ keepAlive: true });
    const fetch = (url, opts) => PouchDB.fetch(url, { ...opts, agent });
    const mark = proxy.mark();
    const remote = new PouchDB(`http://127.0.0.1:${proxy.port}/${dbName}`, { fetch });
    const result = await doIt(remote);
    await remote.close();
    agent.destroy();
    const bytes = await proxy.since(mark);
    return { ...bytes, docs: result.docs_written };
  };

  const updated = async (db) => {
    const docs = await Promise.all(changed.map(async (r) => ({ ...toDoc(r), _rev: (await db.get(`${r.coll}:${r.id}`))._rev })));
    const res = await db.bulkDocs(docs);
    if (res.some((x) => x.error)) throw new Error('PouchDB refused an update');
  };

  const steps = async (source, name, go) => {
    await source.bulkDocs(records.map(toDoc));
    const out = {};
    out.initial = await replicate(name, go);
    await updated(source);
    out.changed10 = await replicate(name, go);
    out.noop = await replicate(name, go);
    return out;
  };

  try {
    // push: the client holds the data and replicates to the server
    const local = new ClientDB(`push${run}`);
    const push = await steps(local, `push${run}`, (remote) => local.replicate.to(remote));
    // pull: the server holds the data, a new client replicates from it
    const held = new ServerDB(`pull${run}`);
    const into = new ClientDB(`pull${run}`);
    const pull = await steps(held, `pull${run}`, (remote) => into.replicate.from(remote));
    const want = { initial: records.length, changed10: changed.length, noop: 0 };
    for (const [dirn, r] of Object.entries({ push, pull })) {
      for (const [s, n] of Object.entries(want)) if (r[s].docs !== n) throw new Error(`PouchDB ${dirn} ${s}: ${r[s].docs} documents written, ${n} expected`);
    }
    for (const db of [local, held, into]) await db.close();
    return { push, pull };
  } finally {
    await proxy.stop();
    server.closeAllConnections();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
