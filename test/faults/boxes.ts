/**
 * Boxes of one federation for the fault test: prepared in this process (first-run setup,
 * one space that all of them host, the federation's grants, enrollment), then each run as
 * its own `solidaire appliance` process, the real command line, driven over HTTP.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Appliance } from '../../appliance/src/appliance.js';
import { performSetup } from '../../appliance/src/setup/index.js';
import { Authority } from '../../appliance/src/federation/index.js';
import { FakeClock, seededRandom, systemClock } from '../../appliance/src/clock/index.js';
import { freePort, type Scratch } from '../../appliance/src/testing/index.js';
import { login, spawnReady, type HttpSession, type Running } from '../support/index.js';

const BIN = fileURLToPath(new URL('../../bin/solidaire.js', import.meta.url));
const CLI = fileURLToPath(new URL('../../appliance/dist/box/cli.js', import.meta.url));

export interface Box {
  readonly name: string;
  readonly dir: string;
  readonly siteId: string;
  readonly http: number;
  /** The port its libp2p node listens on (its peers reach it through proxies). */
  readonly p2p: number;
  /** The multiaddrs it dials, `…/p2p/<site id>`. */
  peers: string[];
  run?: Running;
  api?: HttpSession;
}

export interface Federation {
  readonly space: string;
  readonly password: string;
}

/** `count` boxes set up in folders of `scratch`, all hosting `fed.space`, enrolled in one federation. */
export async function prepareBoxes(count: number, fed: Federation, scratch: Scratch): Promise<Box[]> {
  if (!existsSync(CLI)) throw new Error('the appliance bundle is missing: build with `npm run build` (npm test does)');
  const authority = Authority.open(scratch.dir(), systemClock);
  const boxes: Box[] = [];
  for (let i = 0; i < count; i++) {
    const dir = scratch.dir();
    const name = `Boîte ${i + 1}`;
    // A seeded site key: the same site ids on every run. The clock only stamps the setup.
    const a = new Appliance({ dataDir: dir, clock: new FakeClock(Date.now()), random: seededRandom(100 + i) });
    try {
      await performSetup(a.services, { siteName: name, admin: { username: 'admin', displayName: `Admin ${i + 1}`, password: fed.password } });
      a.services.spaces.create({ id: fed.space, name: 'Comité de jumelage Givors–Gavinané' });
      a.services.spaces.setRole(a.services.accounts.findForLogin('admin')!.account.id, fed.space, 'admin');
      authority.grant(a.services.site.id, name, { [fed.space]: 'host' });
      boxes.push({ name, dir, siteId: a.services.site.id, http: await freePort(), p2p: await freePort(), peers: [] });
    } finally {
      await a.stop();
    }
  }
  // Enrolled once every grant exists: each box knows from the start that the others host the space.
  for (const b of boxes) {
    const a = new Appliance({ dataDir: b.dir });
    try {
      a.services.network.enroll(authority.federationId, authority.history());
    } finally {
      await a.stop();
    }
  }
  return boxes;
}

/** Start the box's process on its data and log in as its admin. */
export async function startBox(box: Box, fed: Federation, syncEverySeconds: number): Promise<HttpSession> {
  const args = [BIN, 'appliance', '--data', box.dir, '--port', String(box.http), '--host', '127.0.0.1'];
  args.push('--p2p', `/ip4/127.0.0.1/tcp/${box.p2p}`, '--no-health', '--sync-every', String(syncEverySeconds));
  for (const p of box.peers) args.push('--peer', p);
  box.run = await spawnReady(args, (l) => l.startsWith('Solidaire '), 30_000);
  box.api = await login(`http://127.0.0.1:${box.http}`, 'admin', fed.password);
  return box.api;
}

export function isRunning(box: Box): boolean {
  return box.run !== undefined && box.run.child.exitCode === null && box.run.child.signalCode === null;
}

export async function stopBox(box: Box, signal: NodeJS.Signals): Promise<void> {
  await box.run?.stop(signal);
  box.api = undefined;
}
