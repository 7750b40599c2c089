/**
 * A command's result read by its kind (appliance/src/relay-link/commands.ts says what each
 * gives back): a sync's sessions, a log's lines, the settings changed, a restart. Any other
 * shape, or a known kind whose output is not what it should be, stays raw JSON.
 */
// Not the folder's index, which brings JSX along: this is tested in Node.
import { isObject, isString } from '../common/guards.js';
import type { Command } from './types.js';

export interface SyncSession {
  peer: string;
  sent: number;
  received: number;
}

export type ResultView =
  | { kind: 'failed'; error: string }
  | { kind: 'sync'; sessions: Array<SyncSession | { error: string }> }
  | { kind: 'logs'; lines: string[] }
  | { kind: 'config'; entries: Array<[string, unknown]> }
  | { kind: 'restart' }
  | { kind: 'raw'; json: string };


function isSession(v: unknown): v is SyncSession | { error: string } {
  if (!isObject(v)) return false;
  if (isString(v.error)) return true;
  return isString(v.peer) && typeof v.sent === 'number' && typeof v.received === 'number';
}

/** What to show of a command's result; null while it has none. */
export function readResult(cmd: Pick<Command, 'action' | 'result'>): ResultView | null {
  const r = cmd.result;
  if (!r) return null;
  if (!r.ok && isString(r.error)) return { kind: 'failed', error: r.error };
  const out = r.output;
  if (r.ok) {
    if (cmd.action === 'sync-now' && Array.isArray(out) && out.every(isSession)) return { kind: 'sync', sessions: out };
    if (cmd.action === 'collect-logs' && Array.isArray(out) && out.every(isString)) return { kind: 'logs', lines: out };
    if (cmd.action === 'set-config' && isObject(out)) return { kind: 'config', entries: Object.entries(out) };
    if (cmd.action === 'restart') return { kind: 'restart' };
  }
  return { kind: 'raw', json: JSON.stringify(out ?? r, null, 2) };
}
