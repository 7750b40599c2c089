/** What bundles need of a box, and which spaces it holds. */
import { sql, type Db } from '../db/index.js';
import type { Clock } from '../clock/index.js';
import type { OpLog, Operation } from '../ops/index.js';
import type { BlobStore } from '../blobs/index.js';

/** The federation's rules (federation/entitlements.ts), when this box has joined one. */
export interface BundleEntitlements {
  mayHold(site: string, space: string): boolean;
  mayWrite(op: Pick<Operation, 'author' | 'space'>): boolean;
  offerTo(self: string, peer: string | undefined, held: readonly string[]): string[];
}

export interface BundleDeps {
  readonly db: Db;
  readonly log: OpLog;
  readonly blobs: BlobStore;
  readonly clock: Clock;
  /** Whether this box materialises a space (shows it in its workspace). */
  readonly hosts: (space: string) => boolean;
  /**
   * Given when the box belongs to a federation: an export for a site carries only the
   * spaces both may hold, an import stores only spaces this box may hold and refuses an
   * operation whose author may not write its space. Without one, signatures alone decide.
   */
  readonly entitlements?: BundleEntitlements | undefined;
}

/** Every space this box holds operations of, hosted or carried, and every space it hosts. */
export function heldSpaces(db: Db): string[] {
  return sql<[], { space: string }>(db, 'SELECT DISTINCT space FROM ops UNION SELECT id AS space FROM spaces ORDER BY 1')
    .all()
    .map((r) => r.space);
}
