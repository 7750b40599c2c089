/**
 * The link policy: what may cross a link now. LAN links are free; a metered link (the 3G
 * key to the relay) has a monthly byte budget, counted on its socket, and each class of
 * traffic runs only while the month's use is under its share of the budget:
 *
 *   control    always (session set-up, acknowledgements, health)
 *   messages   always: when the budget is spent, people can still write to each other
 *   records    up to 100 % of the budget
 *   documents  up to 90 %
 *   blobs      up to 70 %
 *   bulk       up to 50 % (pre-positioned content, updates)
 */
import { sql, type Db } from '../db/index.js';
import type { Clock } from '../clock/index.js';
import type { OpKind } from '../ops/index.js';

export type TrafficClass = 'control' | 'messages' | 'records' | 'documents' | 'blobs' | 'bulk';

export const DEFAULT_SHARES: Readonly<Record<TrafficClass, number>> = {
  control: Infinity,
  messages: Infinity,
  records: 1,
  documents: 0.9,
  blobs: 0.7,
  bulk: 0.5,
};

export const CLASS_OF_KIND: Readonly<Record<OpKind, TrafficClass>> = {
  'message.post': 'messages',
  'record.put': 'records',
  'doc.update': 'documents',
};

export interface LinkSettings {
  readonly link: string;
  readonly metered: boolean;
  readonly budgetBytes: number;
  readonly resetDay: number;
}

export interface LinkUsage extends LinkSettings {
  readonly month: string;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly usedPct: number;
}

const UNMETERED = (link: string): LinkSettings => ({ link, metered: false, budgetBytes: 0, resetDay: 1 });

export class LinkPolicy {
  constructor(private readonly deps: { db: Db; clock: Clock; shares?: Readonly<Record<TrafficClass, number>> }) {}

  settings(link: string): LinkSettings {
    const row = sql<[string], { metered: number; budget_bytes: number; reset_day: number }>(
      this.deps.db,
      'SELECT metered, budget_bytes, reset_day FROM link_settings WHERE link = ?',
    ).get(link);
    return row ? { link, metered: row.metered === 1, budgetBytes: row.budget_bytes, resetDay: row.reset_day } : UNMETERED(link);
  }

  configure(s: LinkSettings): void {
    if (!Number.isSafeInteger(s.budgetBytes) || s.budgetBytes < 0) throw new RangeError('a budget is a whole number of bytes');
    if (!Number.isInteger(s.resetDay) || s.resetDay < 1 || s.resetDay > 28) throw new RangeError('the reset day is between 1 and 28');
    sql(this.deps.db, 'INSERT OR REPLACE INTO link_settings (link, metered, budget_bytes, reset_day) VALUES (?, ?, ?, ?)').run(
      s.link,
      s.metered ? 1 : 0,
      s.budgetBytes,
      s.resetDay,
    );
  }

  /** Add bytes counted on the link's socket to this billing month. */
  record(link: string, bytesIn: number, bytesOut: number): void {
    if (bytesIn <= 0 && bytesOut <= 0) return;
    sql(
      this.deps.db,
      `INSERT INTO link_usage (link, month, bytes_in, bytes_out) VALUES (?, ?, ?, ?)
       ON CONFLICT (link, month) DO UPDATE SET bytes_in = bytes_in + excluded.bytes_in, bytes_out = bytes_out + excluded.bytes_out`,
    ).run(link, this.month(link), Math.max(0, bytesIn), Math.max(0, bytesOut));
  }

  usage(link: string): LinkUsage {
    const s = this.settings(link);
    const month = this.month(link);
    const row = sql<[string, string], { bytes_in: number; bytes_out: number }>(
      this.deps.db,
      'SELECT bytes_in, bytes_out FROM link_usage WHERE link = ? AND month = ?',
    ).get(link, month);
    const bytesIn = row?.bytes_in ?? 0;
    const bytesOut = row?.bytes_out ?? 0;
    const usedPct = s.metered && s.budgetBytes > 0 ? (100 * (bytesIn + bytesOut)) / s.budgetBytes : 0;
    return { ...s, month, bytesIn, bytesOut, usedPct };
  }

  /** Whether traffic of this class may cross the link now. */
  allows(link: string, cls: TrafficClass): boolean {
    const u = this.usage(link);
    if (!u.metered) return true;
    const share = (this.deps.shares ?? DEFAULT_SHARES)[cls];
    return u.bytesIn + u.bytesOut < share * u.budgetBytes;
  }

  /** The operation kinds that may cross the link now, most urgent first. */
  allowedKinds(link: string): OpKind[] {
    return (Object.keys(CLASS_OF_KIND) as OpKind[]).filter((k) => this.allows(link, CLASS_OF_KIND[k]));
  }

  /** The billing month a moment falls in, given the link's reset day ('YYYY-MM' of its start). */
  private month(link: string): string {
    const { resetDay } = this.settings(link);
    const d = new Date(this.deps.clock.now());
    let y = d.getUTCFullYear();
    let m = d.getUTCMonth();
    if (d.getUTCDate() < resetDay) {
      m -= 1;
      if (m < 0) {
        m = 11;
        y -= 1;
      }
    }
    return `${y}-${String(m + 1).padStart(2, '0')}`;
  }
}
