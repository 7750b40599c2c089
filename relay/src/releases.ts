/**
 * Releases the relay offers to the fleet. The relay's admin sends a release file (built
 * and signed with `solidaire release build`); the relay checks its signature against the
 * release public key it was given (the one in the boxes' image) before offering it, keeps
 * its bytes as a blob of its hub (space "$releases"), and publishes, retained, the offer
 * (version, SHA-256, size). Each box then fetches it like any blob, from a LAN neighbour
 * that has it first, else from the hub, within its link's budget.
 */
import type { Readable } from 'node:stream';
import { sql, type Db } from '@solidaire/appliance/db';
import type { Clock } from '@solidaire/appliance/clock';
import { BlobTooLargeError, type BlobStore } from '@solidaire/appliance/blobs';
import { BadRequestError, ConflictError, PayloadTooLargeError } from '@solidaire/appliance/errors';
import { topics } from '@solidaire/appliance/relay-link';
import { MAX_RELEASE_BYTES, readSignedManifest, ReleaseError, wantRelease, type ReleaseOffer } from '@solidaire/appliance/update';

export interface ReleaseView extends ReleaseOffer {
  readonly publishedAt: number;
}

export interface ReleasesDeps {
  /** The relay's database (the list of releases). */
  readonly db: Db;
  /** The hub's replica, which serves the bytes. */
  readonly hub: { readonly db: Db; readonly blobs: BlobStore };
  readonly clock: Clock;
  /** The releases' public key (PEM); none: the relay offers no release. */
  readonly publicKeyPem: string | undefined;
  /** Publish as the relay, retained (QoS 1). */
  readonly publish: (topic: string, payload: string) => Promise<void>;
}

export class Releases {
  constructor(private readonly deps: ReleasesDeps) {}

  /** Take a release file, check it, keep it on the hub and offer it to every box. */
  async publish(body: Readable | AsyncIterable<Uint8Array>): Promise<ReleaseView> {
    const key = this.deps.publicKeyPem;
    if (!key) throw new ConflictError('Ce relais n’a pas la clé publique des versions (--release-key) : il n’en propose aucune.', 'release_key_missing');
    const { blobs } = this.deps.hub;
    const put = await blobs.put(body, MAX_RELEASE_BYTES).catch((e: unknown) => {
      throw e instanceof BlobTooLargeError ? new PayloadTooLargeError(`Une version ne dépasse pas ${MAX_RELEASE_BYTES / 1024 ** 2} Mo : celle-ci est refusée.`) : e;
    });
    let version: string;
    try {
      version = readSignedManifest(blobs.pathOf(put.sha256), key).manifest.version;
    } catch (e) {
      if (put.created) await blobs.remove(put.sha256);
      if (e instanceof ReleaseError) throw new BadRequestError(`${e.message} Rien n’est proposé aux boîtes.`, 'release_refused');
      throw e;
    }
    const offer: ReleaseOffer = { version, sha256: put.sha256, size: put.size };
    wantRelease(this.deps.hub.db, offer);
    const publishedAt = this.deps.clock.now();
    sql(this.deps.db, 'INSERT OR REPLACE INTO releases (version, sha256, size, published_at) VALUES (?, ?, ?, ?)').run(version, offer.sha256, offer.size, publishedAt);
    await this.deps.publish(topics.releaseOffer, JSON.stringify(offer));
    return { ...offer, publishedAt };
  }

  /** Every release published, newest first; the first is the one offered. */
  list(): ReleaseView[] {
    return sql<[], { version: string; sha256: string; size: number; published_at: number }>(this.deps.db, 'SELECT * FROM releases ORDER BY published_at DESC, version DESC')
      .all()
      .map((r) => ({ version: r.version, sha256: r.sha256, size: r.size, publishedAt: r.published_at }));
  }
}
