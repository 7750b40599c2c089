/** The relay's answers, as relay/src/http.ts describes them. */
export interface Site {
  id: string;
  name: string;
  spaces: Record<string, 'host' | 'carry'>;
  siteKey: string | null;
  createdAt: number;
  enrolledAt: number | null;
  revokedAt: number | null;
  tokenExpires: number | null;
  online: boolean;
  lastSeen: number | null;
  version: string | null;
  /** What the box last said of its updates, unchecked (read with readUpdateReport). */
  update: unknown;
}

/** A release the relay offers (GET /releases), newest first. */
export interface Release {
  version: string;
  sha256: string;
  size: number;
  publishedAt: number;
}

export type CommandAction = 'sync-now' | 'collect-logs' | 'set-config' | 'restart';
export const ACTIONS: readonly CommandAction[] = ['sync-now', 'collect-logs', 'set-config', 'restart'];

export interface Command {
  id: string;
  site: string;
  action: string;
  args: Record<string, unknown>;
  state: 'queued' | 'done' | 'failed';
  createdAt: number;
  doneAt: number | null;
  result: { ok: boolean; output?: unknown; error?: string; at?: number } | null;
}

export interface Alert {
  id: string;
  site: string;
  rule: string;
  message: string;
  value: number | null;
  raisedAt: number;
  clearedAt: number | null;
}

export interface HealthLatest {
  latest: { at: number; values: Record<string, number> } | null;
  metrics: string[];
}

export interface Point {
  at: number;
  min: number;
  max: number;
  mean: number;
}

export interface Created {
  site: Site;
  enrollment: Record<string, unknown>;
}
