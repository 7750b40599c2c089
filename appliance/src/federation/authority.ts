/**
 * The federation's authority: holds the federation key and signs grants. It lives where
 * the volunteers administer the network (the relay, from issue 4; the demo keeps one
 * under ./data/federation). Its operations enter a box's op log like any received op.
 */
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileDurably } from '../durable/index.js';
import { generateSiteKey, importSiteKey, type SiteKey } from '../identity/index.js';
import { HybridClock, type Clock } from '../clock/index.js';
import { encodePayload, GENESIS, signOperation, type Operation } from '../ops/index.js';
import { FEDERATION_SPACE, GRANTS, grantFields, type GrantSpaces } from './grants.js';

interface StoredOp {
  space: string;
  author: string;
  seq: number;
  hlc: string;
  kind: 'record.put';
  body: string; // base64
  sig: string; // base64
}

interface AuthorityState {
  key: string; // PKCS#8 DER, base64
  seq: number;
  hlc: string | null;
  /** Digest of the last operation issued (what the next one names), base64; absent before the first. */
  head?: string;
  /** Every operation issued, in order: a box joining gets them all (streams stay contiguous). */
  ops: StoredOp[];
}

export class Authority {
  private readonly hlc: HybridClock;

  private constructor(
    private readonly file: string,
    private readonly key: SiteKey,
    private state: AuthorityState,
    clock: Clock,
  ) {
    this.hlc = new HybridClock(clock, state.hlc ?? undefined);
  }

  /** Open the authority kept in `dir`, creating its key on first use. */
  static open(dir: string, clock: Clock): Authority {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const file = join(dir, 'authority.json');
    if (existsSync(file)) {
      const state = JSON.parse(readFileSync(file, 'utf8')) as AuthorityState;
      if (state.seq > 0 && !state.head) {
        throw new Error(`${file} holds grants in operation format 1, written by a development version of Solidaire before 2026-11-22: move ${dir} away and start again`);
      }
      return new Authority(file, importSiteKey(Buffer.from(state.key, 'base64')), state, clock);
    }
    const key = generateSiteKey();
    const a = new Authority(file, key, { key: key.exportPrivate().toString('base64'), seq: 0, hlc: null, ops: [] }, clock);
    a.save();
    return a;
  }

  get federationId(): string {
    return this.key.siteId;
  }

  /** Every grant operation issued so far, in order: what a joining box applies. */
  history(): Operation[] {
    this.refresh();
    return this.state.ops.map((o) => ({ ...o, body: new Uint8Array(Buffer.from(o.body, 'base64')), sig: new Uint8Array(Buffer.from(o.sig, 'base64')) }));
  }

  /** A signed grant (or a change of one), appended to the history. */
  grant(site: string, name: string, spaces: GrantSpaces): Operation {
    return this.sign(site, grantFields({ name, spaces }));
  }

  revoke(site: string, name: string): Operation {
    return this.sign(site, grantFields({ name, spaces: {}, revoked: true }));
  }

  private sign(site: string, fields: Record<string, string | boolean>): Operation {
    this.refresh();
    const seq = this.state.seq + 1;
    const hlc = this.hlc.tick();
    const body = encodePayload('record.put', { coll: GRANTS, id: site, fields, by: { id: 'federation', name: 'Fédération' } });
    const prev = this.state.head ? new Uint8Array(Buffer.from(this.state.head, 'base64')) : GENESIS;
    const { op, digest } = signOperation(this.key, { space: FEDERATION_SPACE, seq, hlc, kind: 'record.put', body }, prev);
    const stored: StoredOp = { ...op, kind: 'record.put', body: Buffer.from(op.body).toString('base64'), sig: Buffer.from(op.sig).toString('base64') };
    this.state = { ...this.state, seq, hlc, head: Buffer.from(digest).toString('base64'), ops: [...this.state.ops, stored] };
    this.save();
    return op;
  }

  /**
   * The file is the truth: another holder of this folder may have signed since we read it,
   * and signing from a stale head would fork the federation's stream.
   */
  private refresh(): void {
    const onDisk = JSON.parse(readFileSync(this.file, 'utf8')) as AuthorityState;
    if (onDisk.seq === this.state.seq) return;
    this.state = onDisk;
    if (onDisk.hlc) this.hlc.observe(onDisk.hlc);
  }

  private save(): void {
    writeFileDurably(this.file, JSON.stringify(this.state), { mode: 0o600 });
  }
}
