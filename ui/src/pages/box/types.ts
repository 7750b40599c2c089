/** What the box admin's pages read (appliance/src/spaces, network, bundle). */
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
