/**
 * Sync under faults (issue 3, Proof): three appliances as separate processes, each
 * dialling the next over real libp2p on loopback through a fault-injecting TCP proxy
 * that cuts, stalls and truncates connections on a seeded schedule, while people write
 * records, documents and messages on every box; one box is killed with SIGKILL in the
 * middle and started again on its data. When the proxies heal, every box holds every
 * write that was acknowledged, the three show identical state, and each database is
 * sound.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { Appliance } from '../../appliance/src/appliance.js';
import { performSetup } from '../../appliance/src/setup/index.js';
import { Authority } from '../../appliance/src/federation/index.js';
import { FakeClock, seededRandom, systemClock } from '../../appliance/src/clock/index.js';
import { freePort, prng, scratch } from '../../appliance/src/testing/index.js';
import { stateDigest } from '../../appliance/src/ops/index.js';
import { FaultProxy } from './proxy.js';

const BIN = fileURLToPath(new URL('../../bin/solidaire.js', import.meta.url));
const SPACE = 'givors-gavinane';
const PASSWORD = 'pannes-en-serie';
const scratchpad = scratch();
afterAll(() => scratchpad.clean());

interface Box {
  readonly dir: string;
  readonly siteId: string;
  readonly http: number;
  readonly p2p: number;
  peer: string;
  child?: ChildProcess;
  exited?: Promise<void>;
  cookie?: string;
  csrf?: string;
}

async function start(box: Box): Promise<void> {
  const child = spawn(
    process.execPath,
    [BIN, 'appliance', '--data', box.dir, '--port', String(box.http), '--host', '127.0.0.1', '--p2p', `/ip4/127.0.0.1/tcp/${box.p2p}`, '--peer', box.peer, '--no-health'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  box.child = child;
  box.exited = new Promise((r) => child.once('exit', () => r()));
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`box did not start: ${err}`)), 20_000);
    createInterface({ input: child.stdout! }).on('line', (l) => {
      if (l.startsWith('Solidaire ')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  const res = await fetch(`http://127.0.0.1:${box.http}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  });
  box.cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  box.csrf = ((await res.json()) as { csrfToken: string }).csrfToken;
}

async function stop(box: Box, signal: NodeJS.Signals): Promise<void> {
  if (!box.child || box.child.exitCode !== null) return;
  box.child.kill(signal);
  await box.exited;
}

async function call(box: Box, method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`http://127.0.0.1:${box.http}/api/v1${path}`, {
    method,
    headers: { 'content-type': 'application/json', cookie: box.cookie ?? '', 'x-csrf-token': box.csrf ?? '' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown> };
}

describe('sync under faults, separate processes', () => {
  it('cuts, stalls, truncations and a SIGKILL mid-session lose no acknowledged write and end identical', { timeout: 240_000 }, async () => {
    // Three boxes of one federation, all hosting the Comité's space.
    const authority = Authority.open(scratchpad.dir(), systemClock);
    const boxes: Box[] = [];
    for (let i = 0; i < 3; i++) {
      const dir = scratchpad.dir();
      const a = new Appliance({ dataDir: dir, clock: new FakeClock(Date.now()), random: seededRandom(100 + i) });
      await performSetup(a.services, { siteName: `Boîte ${i + 1}`, admin: { username: 'admin', displayName: 'Admin', password: PASSWORD } });
      a.services.spaces.create({ id: SPACE, name: 'Comité de jumelage' });
      const admin = a.services.accounts.findForLogin('admin')!.account;
      a.services.spaces.setRole(admin.id, SPACE, 'admin');
      authority.grant(a.services.site.id, `Boîte ${i + 1}`, { [SPACE]: 'host' });
      boxes.push({ dir, siteId: a.services.site.id, http: await freePort(), p2p: await freePort(), peer: '' });
      await a.stop();
    }
    for (const b of boxes) {
      const a = new Appliance({ dataDir: b.dir });
      a.services.network.enroll(authority.federationId, authority.history());
      await a.stop();
    }
    // A ring: each box dials the next through its own fault proxy.
    const proxies: FaultProxy[] = [];
    for (let i = 0; i < 3; i++) {
      const next = boxes[(i + 1) % 3]!;
      const proxy = new FaultProxy(next.p2p);
      const port = await proxy.start();
      scratchpad.defer(() => proxy.stop());
      proxies.push(proxy);
      boxes[i]!.peer = `/ip4/127.0.0.1/tcp/${port}/p2p/${next.siteId}`;
    }
    for (const b of boxes) {
      await start(b);
      scratchpad.defer(() => stop(b, 'SIGKILL'));
    }

    // Faults from a seed, while people write on every box.
    proxies.forEach((p, i) => {
      const rnd = prng(2026 + i);
      p.chaos(() => rnd.next(), 400);
    });
    const acked: Array<{ box: number; kind: 'thread' | 'document' | 'member'; id: string }> = [];
    const write = async (i: number, n: number) => {
      const b = boxes[i]!;
      const kind = (['thread', 'document', 'member'] as const)[n % 3]!;
      const r =
        kind === 'thread'
          ? await call(b, 'POST', `/spaces/${SPACE}/threads`, { subject: `Sujet ${i}-${n}`, body: `Message ${n} de la boîte ${i + 1}` })
          : kind === 'document'
            ? await call(b, 'POST', `/spaces/${SPACE}/documents`, { title: `Document ${i}-${n}`, text: `# Compte rendu ${n}\n\nÉcrit à la boîte ${i + 1}.` })
            : await call(b, 'POST', `/spaces/${SPACE}/members`, { firstName: `Membre${n}`, lastName: `Boîte${i + 1}`, joinedOn: '2026-01-15' });
      if (r.status === 201) {
        const id = (kind === 'thread' ? (r.body.thread as { id: string } | undefined)?.id : (r.body.id as string | undefined)) ?? '';
        acked.push({ box: i, kind, id });
      }
    };
    let killedMidSession = false;
    for (let round = 0; round < 12; round++) {
      await Promise.all(boxes.map((b, i) => (b.child?.exitCode === null ? write(i, round) : Promise.resolve())));
      if (round === 5) {
        // Box 2 dies mid-session, like a box whose power is cut: killed at the moment sync
        // bytes are moving to or from it, then started again on its data.
        const moving = async () => {
          const before = proxies[0]!.bytes + proxies[1]!.bytes;
          await new Promise((r) => setTimeout(r, 25));
          return proxies[0]!.bytes + proxies[1]!.bytes > before;
        };
        const until = Date.now() + 15_000;
        while (!(await moving()) && Date.now() < until);
        killedMidSession = Date.now() < until;
        await stop(boxes[1]!, 'SIGKILL');
        await start(boxes[1]!);
      }
      await new Promise((r) => setTimeout(r, 700));
    }
    expect(acked.length).toBeGreaterThanOrEqual(30);
    expect(killedMidSession).toBe(true);
    expect(proxies.reduce((n, p) => n + p.injected.cut + p.injected.stall + p.injected.truncate, 0)).toBeGreaterThan(10);

    // Heal, and wait until every box holds every acknowledged write.
    proxies.forEach((p) => p.heal());
    const threadsOf = async (b: Box) => ((await call(b, 'GET', `/spaces/${SPACE}/threads`)).body.threads as Array<{ id: string }> | undefined)?.map((t) => t.id) ?? [];
    const docsOf = async (b: Box) => ((await call(b, 'GET', `/spaces/${SPACE}/documents`)).body.documents as Array<{ id: string }> | undefined)?.map((d) => d.id) ?? [];
    const membersOf = async (b: Box) => ((await call(b, 'GET', `/spaces/${SPACE}/members`)).body.items as Array<{ id: string }> | undefined)?.map((m) => m.id) ?? [];
    const deadline = Date.now() + 120_000;
    for (;;) {
      const missing: string[] = [];
      for (const b of boxes) {
        const [threads, docs, members] = await Promise.all([threadsOf(b), docsOf(b), membersOf(b)]);
        for (const w of acked) {
          const have = w.kind === 'thread' ? threads : w.kind === 'document' ? docs : members;
          if (!have.includes(w.id)) missing.push(`${w.kind} ${w.id}`);
        }
      }
      if (!missing.length) break;
      if (Date.now() > deadline) throw new Error(`after healing, still missing: ${missing.slice(0, 5).join(', ')} (${missing.length})`);
      await new Promise((r) => setTimeout(r, 1_000));
    }

    // Stopped cleanly, the three databases are sound and show the same state.
    for (const b of boxes) await stop(b, 'SIGTERM');
    const digests = boxes.map((b) => {
      const db = new Database(join(b.dir, 'solidaire.db'), { readonly: true });
      try {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        return stateDigest(db, [SPACE]);
      } finally {
        db.close();
      }
    });
    expect(new Set(digests).size).toBe(1);
  });
});
