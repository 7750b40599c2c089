/** What the box admin's pages read (appliance/src/spaces, network, bundle, update). */
import type { UpdateDelivery, UpdateLast } from '../../common/index.js';
export interface Account {
  id: string;
  username: string;
  displayName: string;
  boxAdmin: boolean;
  disabled: boolean;
}

export interface SpaceInfo {
  id: string;
  name: string;
  kind: 'commons' | 'association';
  quotaBytes: number;
}

export type Role = 'admin' | 'member' | 'guest';

export interface RoleLine {
  accountId: string;
  displayName: string;
  username: string;
  role: Role;
}

export interface ImportSummary {
  ops: number;
  applied: number;
  ignored: number;
}

/** GET /updates (appliance/src/update/routes.ts). */
export interface UpdateStatus {
  version: string;
  /** Versions received, waiting to be installed. */
  waiting: string[];
  last: UpdateLast | null;
  /** Whether the box has the key of releases (without it, it takes no update). */
  accepts: boolean;
  /** The last release offered by the relay or brought on a USB stick, and what became of it. */
  delivery: UpdateDelivery | null;
}

/** POST /updates: the release was received and checked; root installs it shortly. */
export interface UpdateQueued {
  version: string;
  message: string;
}
