/**
 * Installing a release beside the running one, and keeping it only if it works.
 *
 * The layout, on the data partition (the system is read-only):
 *   releases/<version>/   unpacked releases (the one in use and the one before it)
 *   current               link to the release in use; absent: the factory release, in the
 *                         read-only system, always there as the last resort
 *   snapshots/            the database as it was before the last update
 *   update-state.json     what the last update did (the box reports it to the relay)
 *   update-pending.json   an update between its switch and its verdict (see below)
 *
 * `applyUpdate`: verify the bundle (signature, then every file), unpack it beside, stop
 * the box, snapshot its database, switch `current`, start it and wait for it to answer
 * /healthz with the new version. If it does not within the time given, stop it, put the
 * database back, switch back, start the old release and say why. Nothing is changed
 * before the bundle is fully verified.
 *
 * Between the switch and the verdict, update-pending.json says what to go back to. If the
 * update never reaches its verdict (the power fails on a solar box, the apply is killed),
 * the next `update recover` (at boot, before the box starts) or `update apply` finds it
 * and goes back: the release before it, its database as it was. Only the verdict "kept"
 * removes it, after writing the outcome.
 */
import { execFile } from 'node:child_process';
import { chownSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { flushFileSystem, removeFileDurably, writeFileDurably } from '../durable/index.js';
import { basename, dirname, join } from 'node:path';
import { ReleaseError } from './manifest.js';
import { unpackRelease } from './bundle.js';

export interface UpdateLayout {
  /** The data partition's root (/var/lib/solidaire). */
  readonly root: string;
  /** The box's data folder (its SQLite database). */
  readonly dataDir: string;
  /** The factory release (/opt/solidaire/factory). */
  readonly factoryDir: string;
}

export interface ServiceControl {
  stop(): Promise<void>;
  start(): Promise<void>;
}

export interface ApplyUpdateOptions extends UpdateLayout {
  readonly file: string;
  readonly publicKeyPem: string;
  readonly service: ServiceControl;
  /** Whether the box answers as `version` (waits as long as it allows; false if it never does). */
  readonly healthy: (version: string) => Promise<boolean>;
  readonly now: () => number;
}

export interface UpdateState {
  /** refused: the bundle failed its checks and nothing changed (the box tells the relay why). */
  readonly result: 'applied' | 'rolled-back' | 'refused';
  /** The version installed or undone; for a refused bundle, its file's name (its manifest is not trusted). */
  readonly version: string;
  /** The release in use before (a version, or "factory"). */
  readonly previous: string;
  readonly at: number;
  readonly reason?: string;
}

export const DB_FILE = 'solidaire.db';
export const STATE_FILE = 'update-state.json';
export const PENDING_FILE = 'update-pending.json';

/** What an update between its switch and its verdict would go back to. */
interface Pending {
  readonly version: string;
  /** The new release's folder. */
  readonly target: string;
  /** The release in use before it. */
  readonly before: { readonly dir: string; readonly name: string };
  readonly snapshot: string;
}

const paths = (l: UpdateLayout) => ({
  releases: join(l.root, 'releases'),
  current: join(l.root, 'current'),
  snapshots: join(l.root, 'snapshots'),
  state: join(l.root, STATE_FILE),
  pending: join(l.root, PENDING_FILE),
});

/** The release in use: its folder, and its name (a version, or "factory"). */
export function currentRelease(l: UpdateLayout): { dir: string; name: string } {
  const { current } = paths(l);
  try {
    const dir = readlinkSync(current);
    if (existsSync(join(dir, 'bin/solidaire.js'))) return { dir, name: dir.split('/').at(-1)! };
  } catch {
    // No link: the factory release.
  }
  return { dir: l.factoryDir, name: 'factory' };
}

export function readUpdateState(root: string): UpdateState | null {
  try {
    return JSON.parse(readFileSync(join(root, STATE_FILE), 'utf8')) as UpdateState;
  } catch {
    return null;
  }
}

function pointCurrentAt(l: UpdateLayout, dir: string | null): void {
  const { current } = paths(l);
  if (dir === null || dir === l.factoryDir) {
    rmSync(current, { force: true });
    return;
  }
  rmSync(`${current}.new`, { force: true });
  symlinkSync(dir, `${current}.new`);
  renameSync(`${current}.new`, current);
}

const SIDE_FILES = ['-wal', '-shm', '-journal'];

export async function applyUpdate(o: ApplyUpdateOptions): Promise<UpdateState> {
  const p = paths(o);
  // An update that never reached its verdict is undone before anything else.
  if (existsSync(p.pending)) {
    await o.service.stop();
    recoverInterruptedUpdate(o, o.now);
    await o.service.start();
  }
  const before = currentRelease(o);
  mkdirSync(p.releases, { recursive: true });

  // 1. Verify and unpack beside the running release (nothing else changes if this fails
  //    but the outcome, written for the relay).
  const staging = join(p.releases, '.incoming');
  let version: string;
  try {
    version = (await unpackRelease(o.file, o.publicKeyPem, staging)).version;
    if (version === before.name) {
      rmSync(staging, { recursive: true, force: true });
      throw new ReleaseError(`La version ${version} est déjà celle en service.`);
    }
  } catch (e) {
    if (e instanceof ReleaseError) writeState(p.state, { result: 'refused', version: basename(o.file), previous: before.name, at: o.now(), reason: e.message });
    throw e;
  }
  const target = join(p.releases, version);
  rmSync(target, { recursive: true, force: true });
  renameSync(staging, target);
  // On the card before the switch: a power cut after the verdict must not leave a release of empty files.
  await flushFileSystem(target);

  // 2. Stop, snapshot the database, switch, start.
  await o.service.stop();
  const db = join(o.dataDir, DB_FILE);
  const snapshot = join(p.snapshots, `avant-${version}.db`);
  takeSnapshot(db, snapshot);
  const pending: Pending = { version, target, before, snapshot };
  writeFileDurably(p.pending, JSON.stringify(pending));
  pointCurrentAt(o, target);
  // A release that exits before it says it is ready fails its start (systemd's Type=notify):
  // that is a release that does not come up, like one that never answers.
  const started = await o.service.start().then(
    () => true,
    () => false,
  );

  // 3. Keep it if it answers; otherwise go back, database included.
  if (started && (await o.healthy(version))) {
    const state: UpdateState = { result: 'applied', version, previous: before.name, at: o.now() };
    writeState(p.state, state);
    removeFileDurably(p.pending);
    for (const name of readdirSync(p.releases)) {
      if (name !== version && join(p.releases, name) !== before.dir) rmSync(join(p.releases, name), { recursive: true, force: true });
    }
    return state;
  }
  await o.service.stop();
  const state = goBack(o, pending, o.now, started ? 'n’a pas répondu à temps après son démarrage' : 'n’a pas démarré');
  await o.service.start();
  return state;
}

/**
 * Undo an update that was switched to but never judged (update-pending.json), with the box
 * stopped: its database as it was, the release before it in use. Returns what was written
 * for the relay, or null when no update was interrupted.
 */
export function recoverInterruptedUpdate(l: UpdateLayout, now: () => number): UpdateState | null {
  const p = paths(l);
  let pending: Pending;
  try {
    pending = JSON.parse(readFileSync(p.pending, 'utf8')) as Pending;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    // Unreadable (cut while written: it is written durably, so only by a fault of the card):
    // nothing tells what to go back to; the factory release always works.
    const state: UpdateState = { result: 'rolled-back', version: 'inconnue', previous: 'factory', at: now(), reason: 'une installation a été interrompue et sa trace est illisible ; retour à la version d’usine' };
    pointCurrentAt(l, null);
    writeState(p.state, state);
    removeFileDurably(p.pending);
    return state;
  }
  return goBack(l, pending, now, 'a été interrompue avant d’avoir été vérifiée (arrêt ou coupure de courant)');
}

/** Back to the release before `pending`, its database restored; the outcome written, then the pending mark removed. */
function goBack(l: UpdateLayout, pending: Pending, now: () => number, why: string): UpdateState {
  const p = paths(l);
  const { version, target, before, snapshot } = pending;
  restoreSnapshot(snapshot, join(l.dataDir, DB_FILE));
  // The release before is still there (an update never removes it), or it is the factory one.
  pointCurrentAt(l, existsSync(join(before.dir, 'bin/solidaire.js')) ? before.dir : null);
  if (target !== before.dir) rmSync(target, { recursive: true, force: true });
  const back = before.name === 'factory' ? 'la version d’usine' : `la version ${before.name}`;
  const state: UpdateState = { result: 'rolled-back', version, previous: before.name, at: now(), reason: `la version ${version} ${why} ; retour à ${back}, base de données restaurée` };
  writeState(p.state, state);
  removeFileDurably(p.pending);
  return state;
}

/**
 * The database as it is while the box is stopped: its file and its WAL, copied as they
 * are (together they are a consistent database; SQLite replays the WAL when it opens).
 * Copied rather than opened: root opening it would leave side files (-shm) the box's own
 * user could not open.
 */
function takeSnapshot(db: string, snapshot: string): void {
  mkdirSync(dirname(snapshot), { recursive: true });
  for (const side of ['', '-wal']) rmSync(`${snapshot}${side}`, { force: true });
  if (!existsSync(db)) return;
  copyFileSync(db, snapshot);
  if (existsSync(`${db}-wal`)) copyFileSync(`${db}-wal`, `${snapshot}-wal`);
}

/** Put the snapshot back in place of the database, owned as the database was (by the box's user). */
function restoreSnapshot(snapshot: string, db: string): void {
  if (!existsSync(snapshot)) return;
  const owner = existsSync(db) ? statSync(db) : statSync(dirname(db));
  for (const side of SIDE_FILES) rmSync(`${db}${side}`, { force: true });
  const put = (from: string, to: string) => {
    copyFileSync(from, `${to}.restoring`);
    chownSync(`${to}.restoring`, owner.uid, owner.gid);
    renameSync(`${to}.restoring`, to);
  };
  if (existsSync(`${snapshot}-wal`)) put(`${snapshot}-wal`, `${db}-wal`);
  put(snapshot, db);
}

function writeState(path: string, state: UpdateState): void {
  writeFileDurably(path, JSON.stringify(state));
}

/** The box's service under systemd. */
export function systemdService(unit = 'solidaire.service'): ServiceControl {
  const run = (verb: string) =>
    new Promise<void>((resolve, reject) => execFile('systemctl', [verb, unit], { timeout: 120_000 }, (err) => (err ? reject(err) : resolve())));
  return { stop: () => run('stop'), start: () => run('start') };
}

/** Polls http://127.0.0.1:<port>/healthz until it answers 200 with `version`, or `timeoutMs` passes. */
export function healthzAnswers(port: number, timeoutMs: number, everyMs = 1000): (version: string) => Promise<boolean> {
  return async (version) => {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(everyMs * 2) });
        const body = (await res.json().catch(() => null)) as { version?: string } | null;
        if (res.status === 200 && body?.version === version) return true;
      } catch {
        // Not up yet.
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
    return false;
  };
}
