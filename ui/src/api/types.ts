/** The API's answers the workspace reads (mirrors of the appliance's zod schemas). */
export interface SpaceRef {
  id: string;
  name: string;
  kind: string;
  role: string | null;
  canWrite: boolean;
  /** Administers the space (the commons: makes and pins its content packs). */
  canAdmin: boolean;
}

export interface SessionInfo {
  account: { id: string; username: string; displayName: string; boxAdmin: boolean };
  csrfToken: string;
  expiresAt: number;
  spaces: SpaceRef[];
}

/** GET /setup: what anyone may know of the box before logging in. */
export interface Health {
  siteId: string;
  siteName: string | null;
  setUp: boolean;
}

export interface DocumentSummary {
  id: string;
  title: string;
  updatedAt: number;
  updatedBy: string;
  length: number;
}

export interface DocumentView {
  id: string;
  title: string;
  text: string;
  version: number;
  updatedAt: number;
  updatedBy: string;
}

export interface DocumentVersion {
  version: number;
  at: number;
  byName: string;
  author: string;
}

export interface Thread {
  id: string;
  subject: string | null;
  lastAt: number;
  lastBy: string;
  count: number;
  fromSpace: string | null;
}

export interface Message {
  id: string;
  thread: string;
  subject: string | null;
  body: string;
  byName: string;
  at: number;
  site: string;
  fromSpace: string | null;
}

export interface ThreadDetail {
  id: string;
  subject: string | null;
  fromSpace: string | null;
  messages: Message[];
}

export interface OutboxEntry {
  id: string;
  to: string;
  subject: string | null;
  body: string;
  byName: string;
  at: number;
  status: 'pending' | 'delivered';
}

export interface StoredFile {
  id: string;
  name: string;
  folder: string;
  size: number;
  type: string;
  createdByName: string;
  createdAt: string;
  updatedAt: string;
}

export interface FileList {
  files: StoredFile[];
  folders: string[];
  usedBytes: number;
  quotaBytes: number;
}

export interface ArticleSummary {
  id: string;
  title: string;
  summary: string;
  tags: string[];
  createdBy: { id: string; name: string } | null;
  updatedBy: { id: string; name: string } | null;
  updatedAt: number;
}

export interface Article extends ArticleSummary {
  body: string;
}

export interface SearchResult extends ArticleSummary {
  /** Escaped text, the words found between <mark> and </mark>. */
  snippet: string;
}

export interface SyncPeer {
  peer: string;
  name: string | null;
  link: string;
  running: boolean;
  lastSyncAt: number | null;
  lastError: { code: string; message: string } | null;
  pendingOps: number | null;
}

export interface SyncLink {
  link: string;
  metered: boolean;
  budgetBytes: number;
  bytesIn: number;
  bytesOut: number;
  usedPct: number;
}

export interface SyncStatus {
  peers: SyncPeer[];
  links: SyncLink[];
  pendingBlobs: { count: number; bytes: number };
}
