/**
 * Alert rules over what the relay knows of each site, with sensible defaults for boxes on
 * solar power and a 3G key: silent for too long, battery low, hot, disk nearly full,
 * undervoltage, link budget spent, sync stuck. An alert is raised when its rule holds and
 * cleared when it no longer does (with a margin, so a value dancing on the threshold does
 * not raise and clear all day); both are kept, shown in the API and posted to a webhook.
 */
import { sql, type Db } from '@solidaire/appliance/db';
import { newId, type Clock, type Random } from '@solidaire/appliance/clock';

/** What is known of a site; each field absent when unknown (a board without a battery). */
export interface SiteFacts {
  readonly lastSeen?: number;
  readonly batteryPct?: number;
  readonly charging?: boolean;
  readonly temperatureC?: number;
  readonly diskFreePct?: number;
  readonly undervoltage?: boolean;
  readonly budgetUsedPct?: number;
  readonly syncBacklogOps?: number;
  readonly lastSyncAt?: number;
}

export interface AlertThresholds {
  silentMs: number;
  batteryPct: number;
  temperatureC: number;
  diskFreePct: number;
  budgetUsedPct: number;
  syncStuckMs: number;
}

/** A site with a link a few hours a month is often silent for a day: two days is too long. */
export const DEFAULT_THRESHOLDS: AlertThresholds = {
  silentMs: 48 * 3600_000,
  batteryPct: 20,
  temperatureC: 75,
  diskFreePct: 10,
  budgetUsedPct: 90,
  syncStuckMs: 7 * 24 * 3600_000,
};

export interface AlertView {
  readonly id: string;
  readonly site: string;
  readonly rule: string;
  readonly message: string;
  readonly value: number | null;
  readonly raisedAt: number;
  readonly clearedAt: number | null;
}

/**
 * A rule. `holds` is asked at every batch of every site (thousands a minute): it only
 * compares; `value` and `message` are built when an alert is raised.
 */
interface Rule {
  readonly name: string;
  /** Whether the rule holds (`open`: an alert of it is open); undefined: cannot tell (keep as is). */
  holds(f: SiteFacts, t: AlertThresholds, now: number, open: boolean): boolean | undefined;
  value?(f: SiteFacts, now: number): number;
  message(f: SiteFacts, now: number): string;
}

const fmtHours = (ms: number) => `${Math.round(ms / 3600_000)} h`;

const RULES: readonly Rule[] = [
  {
    name: 'silent',
    holds: (f, t, now) => (f.lastSeen === undefined ? undefined : now - f.lastSeen > t.silentMs),
    value: (f, now) => now - f.lastSeen!,
    message: (f, now) => `Aucune nouvelle depuis ${fmtHours(now - f.lastSeen!)}.`,
  },
  {
    name: 'battery_low',
    // Cleared only 5 points above the threshold, or when charging again.
    holds: (f, t, _now, open) => (f.batteryPct === undefined ? undefined : !f.charging && f.batteryPct < t.batteryPct + (open ? 5 : 0)),
    value: (f) => f.batteryPct!,
    message: (f) => `Batterie à ${Math.round(f.batteryPct!)} %.`,
  },
  {
    name: 'hot',
    holds: (f, t, _now, open) => (f.temperatureC === undefined ? undefined : f.temperatureC > t.temperatureC - (open ? 5 : 0)),
    value: (f) => f.temperatureC!,
    message: (f) => `Température du processeur : ${Math.round(f.temperatureC!)} °C.`,
  },
  {
    name: 'disk_full',
    holds: (f, t, _now, open) => (f.diskFreePct === undefined ? undefined : f.diskFreePct < t.diskFreePct + (open ? 2 : 0)),
    value: (f) => f.diskFreePct!,
    message: (f) => `Plus que ${Math.round(f.diskFreePct!)} % de place sur le disque.`,
  },
  {
    name: 'undervoltage',
    holds: (f) => f.undervoltage,
    message: () => 'Sous-tension : l’alimentation ou le câble est trop faible.',
  },
  {
    name: 'budget_spent',
    holds: (f, t) => (f.budgetUsedPct === undefined ? undefined : f.budgetUsedPct >= t.budgetUsedPct),
    value: (f) => f.budgetUsedPct!,
    message: (f) => `Forfait du mois utilisé à ${Math.round(f.budgetUsedPct!)} %.`,
  },
  {
    name: 'sync_stuck',
    holds: (f, t, now) => (f.syncBacklogOps === undefined || f.lastSyncAt === undefined ? undefined : f.syncBacklogOps > 0 && now - f.lastSyncAt > t.syncStuckMs),
    value: (f) => f.syncBacklogOps!,
    message: (f, now) => `${f.syncBacklogOps!} opérations attendent depuis ${fmtHours(now - f.lastSyncAt!)}.`,
  },
];

export const RULE_NAMES = RULES.map((r) => r.name);

export interface AlertsDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly random: Random;
  readonly thresholds?: Partial<AlertThresholds>;
  /** The relay's site id for a site key (alerts are shown per site). */
  readonly siteOf: (siteKey: string) => { id: string; name: string } | undefined;
  /** Told of every alert raised or cleared (the webhook). */
  readonly onChange?: (change: { type: 'raised' | 'cleared'; alert: AlertView; siteName: string }) => void;
}

interface AlertRow {
  id: string;
  site: string;
  rule: string;
  message: string;
  value: number | null;
  raised_at: number;
  cleared_at: number | null;
}
const toView = (r: AlertRow): AlertView => ({ id: r.id, site: r.site, rule: r.rule, message: r.message, value: r.value, raisedAt: r.raised_at, clearedAt: r.cleared_at });

/**
 * Evaluated in memory: thousands of sites report every minute, and a rule check must not
 * cost database reads. The facts are written behind (flush(), every minute and at stop);
 * an alert is written when it is raised or cleared.
 */
export class Alerts {
  private readonly t: AlertThresholds;
  private readonly factsByKey = new Map<string, SiteFacts>();
  private readonly dirty = new Set<string>();
  /** Open alerts by site id, then rule. */
  private readonly open = new Map<string, Map<string, AlertView>>();
  private readonly sites = new Map<string, { id: string; name: string } | undefined>();

  constructor(private readonly deps: AlertsDeps) {
    this.t = { ...DEFAULT_THRESHOLDS, ...deps.thresholds };
    for (const r of sql<[], { site_key: string; facts: string }>(deps.db, 'SELECT site_key, facts FROM site_facts').all()) {
      this.factsByKey.set(r.site_key, JSON.parse(r.facts) as SiteFacts);
    }
    for (const r of sql<[], AlertRow>(deps.db, 'SELECT * FROM alerts WHERE cleared_at IS NULL').all()) this.openOf(r.site).set(r.rule, toView(r));
  }

  facts(siteKey: string): SiteFacts {
    return this.factsByKey.get(siteKey) ?? {};
  }

  /** Merge new facts about a site, then evaluate its rules. */
  update(siteKey: string, facts: SiteFacts): void {
    this.factsByKey.set(siteKey, { ...this.facts(siteKey), ...facts });
    this.dirty.add(siteKey);
    this.evaluate(siteKey);
  }

  /** Forget what is cached of a site (it was revoked or changed). */
  forget(siteKey: string): void {
    this.sites.delete(siteKey);
  }

  /** Write the facts that changed since the last time. */
  flush(): void {
    if (!this.dirty.size) return;
    const put = sql(
      this.deps.db,
      'INSERT INTO site_facts (site_key, facts, updated_at) VALUES (?, ?, ?) ON CONFLICT (site_key) DO UPDATE SET facts = excluded.facts, updated_at = excluded.updated_at',
    );
    const now = this.deps.clock.now();
    this.deps.db.transaction(() => {
      for (const key of this.dirty) put.run(key, JSON.stringify(this.facts(key)), now);
    })();
    this.dirty.clear();
  }

  /** Evaluate every site's rules (time passes: "silent" needs no new fact to hold). */
  evaluateAll(): void {
    for (const key of this.factsByKey.keys()) this.evaluate(key);
  }

  evaluate(siteKey: string): void {
    let site = this.sites.get(siteKey);
    if (!this.sites.has(siteKey)) this.sites.set(siteKey, (site = this.deps.siteOf(siteKey)));
    if (!site) return;
    const facts = this.facts(siteKey);
    const now = this.deps.clock.now();
    const open = this.openOf(site.id);
    for (const rule of RULES) {
      const alert = open.get(rule.name);
      const holds = rule.holds(facts, this.t, now, alert !== undefined);
      if (holds === undefined) continue;
      if (holds && !alert) {
        const id = newId(this.deps.random);
        sql(this.deps.db, 'INSERT INTO alerts (id, site, rule, message, value, raised_at) VALUES (?, ?, ?, ?, ?, ?)').run(
          id,
          site.id,
          rule.name,
          rule.message(facts, now),
          rule.value?.(facts, now) ?? null,
          now,
        );
        const raised = this.get(id);
        open.set(rule.name, raised);
        this.deps.onChange?.({ type: 'raised', alert: raised, siteName: site.name });
      } else if (!holds && alert) {
        sql(this.deps.db, 'UPDATE alerts SET cleared_at = ? WHERE id = ?').run(now, alert.id);
        open.delete(rule.name);
        this.deps.onChange?.({ type: 'cleared', alert: this.get(alert.id), siteName: site.name });
      }
    }
  }

  private openOf(site: string): Map<string, AlertView> {
    let open = this.open.get(site);
    if (!open) this.open.set(site, (open = new Map()));
    return open;
  }

  get(id: string): AlertView {
    return toView(sql<[string], AlertRow>(this.deps.db, 'SELECT * FROM alerts WHERE id = ?').get(id)!);
  }

  list(opts: { site?: string; active?: boolean } = {}): AlertView[] {
    return sql<[{ site: string | null; active: number }], AlertRow>(
      this.deps.db,
      'SELECT * FROM alerts WHERE (@site IS NULL OR site = @site) AND (@active = 0 OR cleared_at IS NULL) ORDER BY raised_at DESC, id LIMIT 500',
    )
      .all({ site: opts.site ?? null, active: opts.active ? 1 : 0 })
      .map(toView);
  }
}

/**
 * Post alert changes to a webhook, in order, retrying a few times; never blocks the relay
 * and never throws (a failure is logged).
 */
export function webhookSender(url: string, opts: { fetch?: typeof fetch; onError?: (e: unknown) => void; retries?: number; backoffMs?: number } = {}) {
  let chain: Promise<void> = Promise.resolve();
  const send = async (body: unknown) => {
    const retries = opts.retries ?? 3;
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await (opts.fetch ?? fetch)(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
        if (res.ok) return;
        throw new Error(`webhook ${url}: ${res.status}`);
      } catch (e) {
        if (attempt >= retries) return opts.onError?.(e);
        await new Promise((r) => setTimeout(r, (opts.backoffMs ?? 1000) * 2 ** attempt));
      }
    }
  };
  return {
    post(body: unknown): void {
      chain = chain.then(() => send(body));
    },
    /** Resolves when everything posted so far was delivered or given up. */
    idle: () => chain,
  };
}
