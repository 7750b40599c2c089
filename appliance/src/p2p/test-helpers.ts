/**
 * For this folder's tests: replicas with an op log (the idea of sync/convergence.test.ts),
 * nodes on loopback that are always stopped, and a session run on both ends of a link.
 */
import { openDatabase, type Db } from '../db/index.js';
import { FakeClock } from '../clock/index.js';
import { generateSiteKey, type SiteKey } from '../identity/index.js';
import { OpLog } from '../ops/index.js';
import { OpLogSyncStore, SyncSession, type SessionResult } from '../sync/index.js';
import { createP2PNode, type P2PNode, type P2PNodeOptions, type PeerLink } from './index.js';

export const SPACES = ['commons', 'givors-gavinane'];
const by = { id: 'u', name: 'Test' };

export interface Replica {
  key: SiteKey;
  db: Db;
  log: OpLog;
  store: OpLogSyncStore;
}

const open: { dbs: Db[]; nodes: P2PNode[] } = { dbs: [], nodes: [] };

/** Close every database and stop every node made since the last call (for afterEach). */
export async function cleanUp(): Promise<void> {
  await Promise.all(open.nodes.splice(0).map((n) => n.stop()));
  open.dbs.splice(0).forEach((d) => d.close());
}

export function replica(i: number, key: SiteKey = generateSiteKey()): Replica {
  const db = openDatabase({ path: ':memory:' });
  open.dbs.push(db);
  for (const s of SPACES) db.prepare("INSERT INTO spaces (id, name, kind, quota_bytes, created_at) VALUES (?, ?, 'association', 0, 0)").run(s, s);
  const clock = new FakeClock(Date.UTC(2026, 10, 1) + i * 600_000);
  const log = new OpLog({ db, key, clock, hosts: (s) => SPACES.includes(s) });
  return { key, db, log, store: new OpLogSyncStore({ db, log, spaces: () => SPACES }) };
}

/** `n` operations of the three kinds, about `size` bytes of text each. */
export function fill(r: Replica, n: number, tag: string, size = 100): void {
  const text = 'x'.repeat(size);
  for (let i = 0; i < n; i++) {
    const space = SPACES[i % SPACES.length]!;
    if (i % 2 === 0) r.log.commit(space, 'record.put', { coll: 'members', id: `${tag}-${i}`, fields: { name: `${tag} ${i}`, notes: text }, by });
    else r.log.commit(space, 'message.post', { id: `${tag}-m${i}`, thread: 't', subject: null, body: `${tag} ${i} ${text}`, from: null, by });
  }
}

export function opCount(r: Replica): number {
  return (r.db.prepare('SELECT count(*) AS n FROM ops').get() as { n: number }).n;
}

/** A started node on 127.0.0.1, stopped by cleanUp(). */
export async function loopbackNode(opts: Omit<P2PNodeOptions, 'listen'> & { listen?: readonly string[] }): Promise<P2PNode> {
  const node = createP2PNode({ listen: ['/ip4/127.0.0.1/tcp/0'], ...opts });
  open.nodes.push(node);
  await node.start();
  return node;
}

/** A node whose inbound sync links each run a session on `r`; `session(i)` waits for the i-th. */
export async function syncingNode(r: Replica, extra: Partial<P2PNodeOptions> = {}) {
  const sessions: InboundSession[] = [];
  const waiting: Array<() => void> = [];
  const node = await loopbackNode({
    siteKey: r.key,
    ...extra,
    onSyncLink: (link) => {
      const result = new SyncSession({ store: r.store, link, peer: link.peer }).run();
      result.catch(() => {});
      sessions.push({ link, result });
      waiting.splice(0).forEach((w) => w());
    },
  });
  const session = async (i: number): Promise<InboundSession> => {
    while (!sessions[i]) await new Promise<void>((res) => waiting.push(res));
    return sessions[i]!;
  };
  return { node, sessions, session };
}

export interface InboundSession {
  link: PeerLink;
  result: Promise<SessionResult>;
}

/** Dial `to` and run a session from `r`; the session checks HELLO against the Noise peer. */
export async function dialAndSync(node: P2PNode, r: Replica, to: string): Promise<{ link: PeerLink; result: SessionResult }> {
  const link = await node.dialSync(to, AbortSignal.timeout(5000));
  const result = await new SyncSession({ store: r.store, link, peer: link.peer }).run();
  return { link, result };
}
