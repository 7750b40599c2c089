/**
 * This box: its key (made on first open), its name, whether first-run setup is done.
 * Name and setup state are read on every page and health check: they are held in a memo
 * (db/memo.ts) that each write here forgets.
 */
import { MemoMap, sql, type Db } from '../db/index.js';
import type { Clock } from '../clock/index.js';
import { generateSiteKey, importSiteKey, type SiteKey } from '../identity/index.js';

interface SiteRow {
  site_id: string;
  private_key: Buffer;
  name: string | null;
  setup_at: number | null;
}

export class SiteInfo {
  readonly key: SiteKey;
  private readonly memo: MemoMap<'site', Pick<SiteRow, 'name' | 'setup_at'>>;

  constructor(private readonly deps: { db: Db; clock: Clock }) {
    this.memo = new MemoMap(deps.db, 1);
    const row = this.row();
    if (row) {
      this.key = importSiteKey(row.private_key);
      if (this.key.siteId !== row.site_id) throw new Error('the stored site key does not match the stored site id');
    } else {
      this.key = generateSiteKey();
      sql(deps.db, 'INSERT INTO site (one, site_id, private_key, created_at) VALUES (1, ?, ?, ?)')
        .run(this.key.siteId, this.key.exportPrivate(), deps.clock.now());
    }
  }

  get id(): string {
    return this.key.siteId;
  }

  get name(): string | null {
    return this.fields().name;
  }

  get isSetUp(): boolean {
    return this.fields().setup_at !== null;
  }

  /** Mark setup done; to be called inside the setup transaction. */
  markSetUp(name: string): void {
    this.memo.clear();
    sql(this.deps.db, 'UPDATE site SET name = ?, setup_at = ? WHERE one = 1').run(name, this.deps.clock.now());
  }

  rename(name: string): void {
    this.memo.clear();
    sql(this.deps.db, 'UPDATE site SET name = ? WHERE one = 1').run(name);
  }

  private fields(): Pick<SiteRow, 'name' | 'setup_at'> {
    return this.memo.get('site', () => {
      const { name, setup_at } = this.row()!;
      return { name, setup_at };
    });
  }

  private row(): SiteRow | undefined {
    return sql<[], SiteRow>(this.deps.db, 'SELECT site_id, private_key, name, setup_at FROM site WHERE one = 1').get();
  }
}
