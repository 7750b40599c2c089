/**
 * A release reaching the box like any blob. The relay's notice (or a USB stick) names a
 * release: its version, SHA-256 and size. The box writes it among the blobs it wants, in
 * the space "$releases" (blobs only, no operations, offered to every member of the
 * federation), pinned, in the budget's bulk class; the next sync session with any peer
 * that holds it (free links first: a LAN neighbour before the relay's hub over the 3G
 * key) brings it in chunks that resume after a cut. Once whole, its signature is checked
 * against the box's release key and it is put where root installs it (the updates
 * folder, image-build's path unit). A box without the key takes no release and says so.
 *
 * What happened (fetching, queued, refused and why; then what `update apply` did) is
 * kept in <data>/release-delivery.json and told to the relay with the box's presence.
 */
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { sql, type Db } from '../db/index.js';
import { writeFileDurably } from '../durable/index.js';
import type { BlobStore } from '../blobs/index.js';
import type { Clock } from '../clock/index.js';
import { RELEASES_SPACE } from '../federation/index.js';
import { readSignedVersion } from './bundle.js';
import { ReleaseError } from './manifest.js';
import { readUpdateState, type UpdateState } from './apply.js';

/** What the relay offers: a release as a blob. */
export const releaseOfferSchema = z
  .object({
    version: z.string().regex(/^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$/),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    size: z.number().int().positive(),
  })
  .strict();
export type ReleaseOffer = z.infer<typeof releaseOfferSchema>;

export interface Delivery {
  /** The version named (for a refused USB file, its file name: its manifest is not trusted). */
  readonly version: string;
  readonly sha256: string | null;
  readonly from: 'relay' | 'usb';
  /** fetching: wanted from peers; queued: verified, in the updates folder; refused: see reason. */
  readonly state: 'fetching' | 'queued' | 'refused';
  readonly reason?: string;
  readonly at: number;
}

/** What the box tells the relay of its updates. */
export interface UpdateReport {
  /** The version in service. */
  readonly version: string;
  /** The last release offered to it or brought to it, and what became of it. */
  readonly delivery: Delivery | null;
  /** What the last `update apply` did (applied, rolled back with its reason). */
  readonly last: UpdateState | null;
}

/** Where the box's updates live (http/context.ts's `updates`). */
export interface UpdatesPlace {
  readonly root: string;
  readonly dir: string;
  readonly keyFile: string;
  readonly version: string;
}

export interface ReleaseDeliveryDeps {
  readonly db: Db;
  readonly blobs: BlobStore;
  readonly clock: Clock;
  readonly updates: UpdatesPlace;
  readonly dataDir: string;
  /** Something changed that the relay should hear of. */
  readonly onChange?: (report: UpdateReport) => void;
  /** A line for the box's recent log (which the relay may collect). */
  readonly note?: (line: string) => void;
}

export const DELIVERY_FILE = 'release-delivery.json';
const NO_KEY = 'cette boîte n’a pas la clé des versions de Solidaire : elle n’accepte aucune mise à jour';

/**
 * Name a release blob in a store's "$releases" space, pinned so that it is fetched (in the
 * bulk class) and never evicted. The relay's hub does the same with a release it publishes.
 */
export function wantRelease(db: Db, offer: ReleaseOffer): void {
  db.transaction(() => {
    sql(db, `INSERT OR REPLACE INTO blob_refs (space, coll, id, sha256, size, ref_hlc, ref_author, bulk) VALUES (?, 'release', ?, ?, ?, '', '', 1)`).run(
      RELEASES_SPACE,
      offer.version,
      offer.sha256,
      offer.size,
    );
    sql(db, `INSERT OR IGNORE INTO bulk_pins (space, pack, sha256) VALUES (?, ?, ?)`).run(RELEASES_SPACE, offer.version, offer.sha256);
  })();
}

export class ReleaseDelivery {
  private readonly file: string;
  private current: Delivery | null;
  private checking: Promise<void> = Promise.resolve();
  /** When the last `update apply` wrote its outcome, as last told. */
  private lastApplyAt: number | null;

  constructor(private readonly deps: ReleaseDeliveryDeps) {
    this.file = join(deps.dataDir, DELIVERY_FILE);
    this.current = readDelivery(this.file);
    this.lastApplyAt = readUpdateState(deps.updates.root)?.at ?? null;
  }

  report(): UpdateReport {
    return { version: this.deps.updates.version, delivery: this.current, last: readUpdateState(this.deps.updates.root) };
  }

  /**
   * The release this box holds whole and did not refuse (queued, or already in service):
   * what it may pass on, beside a bundle on a USB stick, to a site with no link.
   */
  async held(): Promise<{ version: string; path: string } | null> {
    const d = this.current;
    if (!d?.sha256 || d.state === 'refused' || !(await this.deps.blobs.has(d.sha256))) return null;
    return { version: d.version, path: this.deps.blobs.pathOf(d.sha256) };
  }

  /** The relay offers a release: want it (unless it is in service, or the box takes none). */
  async offer(offer: ReleaseOffer): Promise<void> {
    const hasKey = existsSync(this.deps.updates.keyFile);
    // The same offer again (retained, at each new session): nothing new, unless the box
    // refused it for want of a key it has now.
    const same = this.current?.sha256 === offer.sha256;
    if (same && !(this.current?.reason === NO_KEY && hasKey)) return this.check();
    if (offer.version === this.deps.updates.version) return;
    if (!hasKey) {
      this.set({ version: offer.version, sha256: offer.sha256, from: 'relay', state: 'refused', reason: NO_KEY });
      return;
    }
    this.unpinReleases(offer.sha256);
    wantRelease(this.deps.db, offer);
    this.set({ version: offer.version, sha256: offer.sha256, from: 'relay', state: 'fetching' });
    return this.check();
  }

  /**
   * A box keeps one release to hand on, the last one named: the earlier ones are unpinned
   * and their bytes removed (tens of megabytes each, on a small card); a refused one too
   * (`keep` null), so that it is never handed on. What root unpacked and runs lives
   * elsewhere (update/apply.ts's releases/).
   */
  private unpinReleases(keep: string | null): void {
    const { db, blobs } = this.deps;
    const sha256 = keep ?? '';
    const old = sql<[string, string], { sha256: string }>(db, 'SELECT DISTINCT sha256 FROM blob_refs WHERE space = ? AND sha256 != ?').all(RELEASES_SPACE, sha256);
    db.transaction(() => {
      sql(db, 'DELETE FROM blob_refs WHERE space = ? AND sha256 != ?').run(RELEASES_SPACE, sha256);
      sql(db, 'DELETE FROM bulk_pins WHERE space = ? AND sha256 != ?').run(RELEASES_SPACE, sha256);
    })();
    for (const o of old) {
      // Unless something else (a file someone uploaded, a content pack) points at the same
      // bytes; checked and removed in one turn, as the blob store asks.
      if (!sql<[string], { n: number }>(db, 'SELECT count(*) AS n FROM blob_refs WHERE sha256 = ? AND deleted = 0').get(o.sha256)?.n) blobs.removeNow(o.sha256);
    }
  }

  /**
   * A release file from a USB stick (beside a bundle): into the blob store, named in
   * "$releases" so LAN neighbours may take it from here too, then checked and queued.
   */
  async take(path: string): Promise<Delivery> {
    if (!existsSync(this.deps.updates.keyFile)) return this.set({ version: basename(path), sha256: null, from: 'usb', state: 'refused', reason: NO_KEY });
    try {
      readSignedVersion(path, readFileSync(this.deps.updates.keyFile, 'utf8'));
    } catch (e) {
      if (!(e instanceof ReleaseError)) throw e;
      return this.set({ version: basename(path), sha256: null, from: 'usb', state: 'refused', reason: e.message });
    }
    const put = await this.deps.blobs.put(createReadStream(path));
    const version = readSignedVersion(this.deps.blobs.pathOf(put.sha256), readFileSync(this.deps.updates.keyFile, 'utf8'));
    this.unpinReleases(put.sha256);
    wantRelease(this.deps.db, { version, sha256: put.sha256, size: put.size });
    this.set({ version, sha256: put.sha256, from: 'usb', state: 'fetching' });
    await this.check();
    return this.current!;
  }

  /**
   * The offered release arrived whole: check it and queue it for root; and root's last
   * `update apply` wrote a new outcome (a refusal leaves the box running: nothing restarts
   * it to tell). Safe to call any time; the box calls it after every sync session.
   */
  check(): Promise<void> {
    this.checking = this.checking.then(() => this.checkNow());
    return this.checking;
  }

  private async checkNow(): Promise<void> {
    const applyAt = readUpdateState(this.deps.updates.root)?.at ?? null;
    if (applyAt !== this.lastApplyAt) {
      this.lastApplyAt = applyAt;
      this.deps.onChange?.(this.report());
    }
    const d = this.current;
    if (!d || d.state !== 'fetching' || !d.sha256 || !(await this.deps.blobs.has(d.sha256))) return;
    const { updates } = this.deps;
    let version: string;
    try {
      if (!existsSync(updates.keyFile)) throw new ReleaseError(NO_KEY);
      version = readSignedVersion(this.deps.blobs.pathOf(d.sha256), readFileSync(updates.keyFile, 'utf8'));
      if (version !== d.version) throw new ReleaseError(`le fichier annoncé comme version ${d.version} est la version ${version}`);
    } catch (e) {
      if (!(e instanceof ReleaseError)) throw e;
      this.unpinReleases(null);
      this.set({ ...d, state: 'refused', reason: e.message });
      return;
    }
    if (version === updates.version) {
      this.set({ ...d, state: 'refused', reason: `la version ${version} est déjà celle en service` });
      return;
    }
    await mkdir(updates.dir, { recursive: true });
    const tmp = join(updates.dir, `.reçue-${d.sha256.slice(0, 16)}`);
    try {
      await copyFile(this.deps.blobs.pathOf(d.sha256), tmp);
      // The name the path unit waits for: from here root takes over.
      await rename(tmp, join(updates.dir, `${version}.release`));
    } finally {
      await rm(tmp, { force: true });
    }
    this.set({ ...d, state: 'queued' });
  }

  private set(d: Omit<Delivery, 'at'>): Delivery {
    const next: Delivery = { ...d, at: this.deps.clock.now() };
    this.current = next;
    writeFileDurably(this.file, JSON.stringify(next));
    const what = { fetching: 'demandée', queued: 'reçue et vérifiée, à installer', refused: `refusée, ${next.reason}` }[next.state];
    this.deps.note?.(`version ${next.version} : ${what}`);
    this.deps.onChange?.(this.report());
    return next;
  }
}

function readDelivery(path: string): Delivery | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Delivery;
  } catch {
    return null;
  }
}
