/**
 * The fleet as the relay sees it: presence (online now, last seen, version) from the
 * sites' retained state and the broker's connections, and commands — each with an id, a
 * state (queued → done | failed) and its result. A command is published QoS 1 to the
 * site's persistent session, so it waits in the broker while the site is away (also
 * across a restart of the relay); it is published again when the site comes back, and
 * the site answers each id once.
 */
import { sql, type Db } from '@solidaire/appliance/db';
import { newId, type Clock, type Random } from '@solidaire/appliance/clock';
import { NotFoundError, ValidationError } from '@solidaire/appliance/errors';
import { parseTopic, topics } from '@solidaire/appliance/relay-link';
import type { SiteRegistry } from './registry.js';

/**
 * How long presences wait for others to share their commit. When 10,000 sites connected
 * (the relay bench), one turn of the event loop held two on average: 9,800 commits, 5.9 s
 * of the main thread; waiting 20 ms made it 1,500 commits, 2.2 s. A PUBACK of a presence
 * waits that much longer; no one is waiting for it.
 */
const PRESENCE_GROUP_MS = 20;

export const ACTIONS = ['sync-now', 'collect-logs', 'set-config', 'restart'] as const;
export type Action = (typeof ACTIONS)[number];

export interface CommandView {
  readonly id: string;
  readonly site: string;
  readonly action: string;
  readonly args: Record<string, unknown>;
  readonly state: 'queued' | 'done' | 'failed';
  readonly createdAt: number;
  readonly doneAt: number | null;
  readonly result: { ok: boolean; output?: unknown; error?: string; at?: number } | null;
}

export interface Presence {
  readonly online: boolean;
  readonly lastSeen: number | null;
  readonly version: string | null;
  /** What the site last said of its updates (update/delivery.ts's UpdateReport), as it said it. */
  readonly update: unknown;
}

/** A presence to write: a connection seen or lost (online), or what a site said of itself (online undefined). */
interface PresenceItem {
  readonly siteKey: string;
  readonly at: number;
  readonly online?: boolean;
  readonly version?: string | null;
  readonly update?: string | null;
  readonly done: (e?: unknown) => void;
}

interface CommandRow {
  id: string;
  site: string;
  action: string;
  args: string;
  state: CommandView['state'];
  created_at: number;
  done_at: number | null;
  result: string | null;
}

const toView = (r: CommandRow): CommandView => ({
  id: r.id,
  site: r.site,
  action: r.action,
  args: JSON.parse(r.args) as Record<string, unknown>,
  state: r.state,
  createdAt: r.created_at,
  doneAt: r.done_at,
  result: r.result ? (JSON.parse(r.result) as CommandView['result']) : null,
});

export interface FleetDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly random: Random;
  readonly registry: SiteRegistry;
  /** What a site said of itself with its presence (link budget used, sync backlog): for the alerts. */
  readonly onState?: (siteKey: string, facts: { budgetUsedPct?: number; syncBacklogOps?: number; lastSyncAt?: number }) => void;
  /** Publish as the relay (QoS 1) to a topic. */
  readonly publish: (topic: string, payload: string) => Promise<void>;
}

export class Fleet {
  constructor(private readonly deps: FleetDeps) {}

  presence(siteKey: string): Presence {
    const row = sql<[string], { online: number; last_seen: number; version: string | null; update_report: string | null }>(
      this.deps.db,
      'SELECT online, last_seen, version, update_report FROM presence WHERE site_key = ?',
    ).get(siteKey);
    if (!row) return { online: false, lastSeen: null, version: null, update: null };
    return { online: row.online === 1, lastSeen: row.last_seen, version: row.version, update: row.update_report ? (JSON.parse(row.update_report) as unknown) : null };
  }

  /**
   * The broker says a site connected or left. Written with the others of the next
   * PRESENCE_GROUP_MS in one transaction: when a thousand boxes come back after an outage,
   * a few commits instead of a thousand (each a disk flush). Resolves once written.
   */
  onPresence(siteKey: string, online: boolean): Promise<void> {
    return this.queuePresence({ siteKey, online, at: this.deps.clock.now() });
  }

  /** A presence change, or what a site said of itself (its version, its updates), to write. */
  private queuePresence(item: Omit<PresenceItem, 'done'>): Promise<void> {
    return new Promise((resolve, reject) => {
      this.presenceQueue.push({ ...item, done: (e) => (e ? reject(e) : resolve()) });
      if (this.presenceQueue.length === 1) this.presenceTimer = setTimeout(() => void this.flushPresence(), PRESENCE_GROUP_MS);
    });
  }

  private readonly presenceQueue: PresenceItem[] = [];
  private presenceTimer: NodeJS.Timeout | undefined;

  /**
   * Write the presences that wait, now: the relay stops, and its broker has closed every
   * connection. Commands still queued are not sent again (they go at the next connection).
   */
  async stop(): Promise<void> {
    await this.flushPresence(false);
  }

  private async flushPresence(deliver = true): Promise<void> {
    clearTimeout(this.presenceTimer);
    this.presenceTimer = undefined;
    const items = this.presenceQueue.splice(0);
    if (!items.length) return;
    try {
      const presence = sql(
        this.deps.db,
        `INSERT INTO presence (site_key, online, last_seen) VALUES (?, ?, ?)
         ON CONFLICT (site_key) DO UPDATE SET online = excluded.online, last_seen = excluded.last_seen`,
      );
      const state = sql(
        this.deps.db,
        `INSERT INTO presence (site_key, online, last_seen, version, update_report) VALUES (?, 1, ?, ?, ?)
         ON CONFLICT (site_key) DO UPDATE SET last_seen = excluded.last_seen, version = coalesce(excluded.version, presence.version),
           update_report = coalesce(excluded.update_report, presence.update_report)`,
      );
      this.deps.db.transaction(() => {
        for (const it of items) {
          if (it.online === undefined) state.run(it.siteKey, it.at, it.version ?? null, it.update ?? null);
          else presence.run(it.siteKey, it.online ? 1 : 0, it.at);
        }
      })();
    } catch (e) {
      for (const it of items) it.done(e);
      return;
    }
    for (const it of items) {
      try {
        // Commands still waiting go again: a site that had no session yet never got them.
        if (it.online && deliver) {
          const site = this.deps.registry.byKey(it.siteKey);
          if (site) for (const c of this.commands(site.id).filter((c) => c.state === 'queued')) await this.deliver(it.siteKey, c);
        }
        it.done();
      } catch (e) {
        it.done(e);
      }
    }
  }

  /**
   * Something a site published (already authorised by the broker); resolves once written.
   * Its presence goes in the presence queue, one commit for all those of the same
   * PRESENCE_GROUP_MS: when a fleet reconnects, every box publishes its presence at once.
   */
  onPublish(siteKey: string, topic: string, payload: Buffer): Promise<void> {
    const t = parseTopic(topic);
    if (!t || t.kind === 'head' || t.kind === 'release' || t.site !== siteKey) return Promise.resolve();
    if (t.kind === 'state') {
      if (payload.toString('utf8') === 'offline') {
        // The last will: the broker lost the site (keep-alive expired, link cut). In the
        // presence queue, so that it lands after a connection seen in the same group.
        this.onPresence(siteKey, false).catch(() => {});
        return Promise.resolve();
      }
      let version: string | null = null;
      let update: string | null = null;
      try {
        const st = JSON.parse(payload.toString('utf8')) as { version?: unknown; budgetUsedPct?: unknown; syncBacklogOps?: unknown; lastSyncAt?: unknown; update?: unknown };
        version = typeof st.version === 'string' ? st.version.slice(0, 40) : null;
        // Kept as the box said it (bounded), shown by the API: applied, rolled back, refused and why.
        if (st.update && typeof st.update === 'object') update = JSON.stringify(st.update).slice(0, 4096);
        const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
        const facts = { budgetUsedPct: num(st.budgetUsedPct), syncBacklogOps: num(st.syncBacklogOps), lastSyncAt: num(st.lastSyncAt) };
        this.deps.onState?.(siteKey, Object.fromEntries(Object.entries(facts).filter(([, v]) => v !== undefined)));
      } catch {
        // Anything else: presence only.
      }
      return this.queuePresence({ siteKey, at: this.deps.clock.now(), version, update });
    }
    if (t.kind === 'result') {
      let result: CommandView['result'];
      try {
        result = JSON.parse(payload.toString('utf8')) as CommandView['result'];
      } catch {
        result = { ok: false, error: 'réponse illisible de la boîte' };
      }
      const site = this.deps.registry.byKey(siteKey);
      if (!site) return Promise.resolve();
      sql(
        this.deps.db,
        "UPDATE commands SET state = ?, result = ?, done_at = ? WHERE id = ? AND site = ? AND state = 'queued'",
      ).run(result?.ok ? 'done' : 'failed', JSON.stringify(result), this.deps.clock.now(), t.id, site.id);
    }
    return Promise.resolve();
  }

  async send(siteId: string, action: string, args: Record<string, unknown>): Promise<CommandView> {
    const site = this.deps.registry.get(siteId);
    if (!(ACTIONS as readonly string[]).includes(action)) throw new ValidationError(`Commande inconnue « ${action} » : ${ACTIONS.join(', ')}.`);
    if (!site.siteKey || site.revokedAt !== null) throw new ValidationError("Ce site n'est pas inscrit (ou il est révoqué) : il ne peut pas recevoir de commande.");
    const id = newId(this.deps.random);
    sql(this.deps.db, "INSERT INTO commands (id, site, action, args, state, created_at) VALUES (?, ?, ?, ?, 'queued', ?)").run(
      id,
      site.id,
      action,
      JSON.stringify(args),
      this.deps.clock.now(),
    );
    const cmd = this.command(id);
    await this.deliver(site.siteKey, cmd);
    return cmd;
  }

  command(id: string): CommandView {
    const row = sql<[string], CommandRow>(this.deps.db, 'SELECT * FROM commands WHERE id = ?').get(id);
    if (!row) throw new NotFoundError("Cette commande n'existe pas.");
    return toView(row);
  }

  commands(siteId: string): CommandView[] {
    return sql<[string], CommandRow>(this.deps.db, 'SELECT * FROM commands WHERE site = ? ORDER BY created_at DESC, id').all(siteId).map(toView);
  }

  private deliver(siteKey: string, c: CommandView): Promise<void> {
    return this.deps.publish(topics.command(siteKey, c.id), JSON.stringify({ action: c.action, args: c.args }));
  }
}
