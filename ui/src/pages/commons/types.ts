/** Content packs as the API shows them (appliance/src/content/routes.ts). */
export interface Pack {
  id: string;
  title: string;
  description: string;
  itemCount: number;
  bytes: number;
  presentBytes: number;
  pinnedHere: boolean;
  /** Site ids that keep the pack. */
  pinnedTo: string[];
}

export interface PackItem {
  id: string;
  name: string;
  type: string;
  size: number;
  present: boolean;
}

export interface PackDetail extends Pack {
  items: PackItem[];
}

/** A site a pack can be pinned to: this box, or a site it syncs with. */
export interface Site {
  id: string;
  name: string;
}
