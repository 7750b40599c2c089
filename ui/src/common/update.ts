/**
 * A box's updates in words, for both apps: the box admin's « Mises à jour » page (the box's
 * GET /updates) and a site's page on the dashboard (what the box told the relay, the same
 * report: appliance/src/update/delivery.ts's UpdateReport). Each app passes its own
 * catalogue, which has the keys below.
 */
import { isObject, isString, oneOf } from './guards.js';

/** What the last `update apply` did (appliance/src/update/apply.ts's UpdateState). */
export interface UpdateLast {
  result: 'applied' | 'rolled-back' | 'refused';
  /** For a refusal, the file's name: its manifest is not trusted. */
  version: string;
  previous: string;
  at: number;
  reason?: string;
}

/** The last release offered by the relay or brought on a USB stick, and what became of it. */
export interface UpdateDelivery {
  version: string;
  sha256: string | null;
  from: 'relay' | 'usb';
  state: 'fetching' | 'queued' | 'refused';
  reason?: string;
  at: number;
}

export interface UpdateReport {
  version: string;
  delivery: UpdateDelivery | null;
  last: UpdateLast | null;
}

export type UpdateKey =
  | 'update.none'
  | 'update.factory'
  | 'update.applied'
  | 'update.rolledBack'
  | 'update.refused'
  | 'update.reason'
  | 'delivery.fetching'
  | 'delivery.queued'
  | 'delivery.refused'
  | 'delivery.relay'
  | 'delivery.usb';

export interface UpdateWords {
  readonly say: (key: UpdateKey, params?: Readonly<Record<string, string | number>>) => string;
  readonly dateTime: (at: number) => string;
  /** The box writes its reasons in French: said only to a French reader, where it is not a second language. */
  readonly french: boolean;
}

const versionName = (w: UpdateWords, v: string) => (v === 'factory' ? w.say('update.factory') : v);
const withReason = (w: UpdateWords, text: string, reason: string | undefined) => (reason && w.french ? `${text} ${w.say('update.reason', { reason })}` : text);

export function lastUpdateSentence(w: UpdateWords, last: UpdateLast | null): string {
  if (!last) return w.say('update.none');
  const words = { version: last.version, previous: versionName(w, last.previous), when: w.dateTime(last.at) };
  if (last.result === 'applied') return w.say('update.applied', words);
  return withReason(w, w.say(last.result === 'refused' ? 'update.refused' : 'update.rolledBack', words), last.reason);
}

/** Where the last release offered or brought stands: being fetched, waiting to be installed, or refused and why. */
export function deliverySentence(w: UpdateWords, d: UpdateDelivery): string {
  const words = { version: d.version, from: w.say(d.from === 'relay' ? 'delivery.relay' : 'delivery.usb'), when: w.dateTime(d.at) };
  if (d.state === 'fetching') return w.say('delivery.fetching', words);
  if (d.state === 'queued') return w.say('delivery.queued', words);
  return withReason(w, w.say('delivery.refused', words), d.reason);
}

/**
 * The delivery worth telling: not a release that arrived and was installed since (or whose
 * installation failed: the last update's sentence says so), which would read as still waiting.
 */
export function pendingDelivery(r: Pick<UpdateReport, 'version' | 'delivery' | 'last'>): UpdateDelivery | null {
  const d = r.delivery;
  if (!d) return null;
  if (d.state === 'queued' && (d.version === r.version || (r.last !== null && r.last.at >= d.at))) return null;
  return d;
}

/** What went wrong last, if anything: a release refused, or an installation undone or refused (a word in the fleet's list). */
export function updateTrouble(r: UpdateReport): 'refused' | 'rolled-back' | null {
  if (pendingDelivery(r)?.state === 'refused') return 'refused';
  return r.last && r.last.result !== 'applied' ? r.last.result : null;
}

function readLast(v: unknown): UpdateLast | null {
  if (!isObject(v) || !oneOf(v.result, ['applied', 'rolled-back', 'refused'] as const) || !isString(v.version) || !isString(v.previous) || typeof v.at !== 'number') return null;
  return { result: v.result, version: v.version, previous: v.previous, at: v.at, ...(isString(v.reason) ? { reason: v.reason } : {}) };
}

function readDelivery(v: unknown): UpdateDelivery | null {
  if (!isObject(v) || !isString(v.version) || !oneOf(v.from, ['relay', 'usb'] as const) || !oneOf(v.state, ['fetching', 'queued', 'refused'] as const) || typeof v.at !== 'number') return null;
  return { version: v.version, sha256: isString(v.sha256) ? v.sha256 : null, from: v.from, state: v.state, at: v.at, ...(isString(v.reason) ? { reason: v.reason } : {}) };
}

/**
 * A site's report as the relay keeps it (`update` in GET /sites/{id}: what the box said, as
 * it said it, unchecked). Read at the edge: what does not have the expected shape is left out.
 */
export function readUpdateReport(v: unknown): UpdateReport | null {
  if (!isObject(v) || !isString(v.version)) return null;
  return { version: v.version, delivery: readDelivery(v.delivery), last: readLast(v.last) };
}
